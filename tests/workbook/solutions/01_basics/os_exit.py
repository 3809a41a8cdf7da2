"""Exits early: os._exit(0) inside a test ends the interpreter at once."""


def finish():
    return 0


def test_finish():
    assert finish() == 0


def test_after():
    assert True
