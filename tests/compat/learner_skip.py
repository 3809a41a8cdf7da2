"""A skip that comes from the learner's code (above the tests marker) does not count: the
test did not run, so it proves nothing and the exercise fails. pytest honours any skip."""
# expect: fail 2
# pytest: pass 2


import pytest


def parse(text):
    pytest.skip("not done yet")  # a stub that skips instead of failing


# ----------------------------------------------------------------------------------------
# Tests


def test_parse():
    assert parse("1") == 1


def test_other():
    assert True
