"""Exits early: os._exit(0) inside a test ends the interpreter at once."""

import os


def finish():
    os._exit(0)


def test_finish():
    finish()


def test_after():
    assert True
