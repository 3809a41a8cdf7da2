"""Decorated tests (mock.patch, functools.wraps) are placed and ordered where they are
written, not at the decorator's own code."""
# expect: fail 3
# names: test_first test_patched test_wrapped


import functools
import os
from unittest import mock


def where():
    return os.getcwd()


def traced(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


# ----------------------------------------------------------------------------------------
# Tests


def test_first():
    assert where()


@mock.patch("os.getcwd")
def test_patched(getcwd):
    getcwd.return_value = "/nowhere"
    assert where() == "/somewhere"


@traced
def test_wrapped():
    assert where() == "/tmp/definitely-not-here"
