"""Waits for input that never comes: stdin is empty, so each read ends at once."""

import sys


def test_input():
    name = input("your name? ")
    assert name == "Ada"


def test_read_everything():
    data = sys.stdin.read()
    assert data == "some input", "stdin was empty"


def test_readline_loop():
    lines = []
    for line in sys.stdin:
        lines.append(line)
    assert lines, "no line came"
