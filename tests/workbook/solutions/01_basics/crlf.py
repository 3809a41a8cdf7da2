"""Tests fail: text mode turns the fixture's \\r\\n into \\n."""


def read_exactly(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def test_read_exactly():
    assert read_exactly("crlf.txt") == "one\r\ntwo\r\n"


def test_unrelated_passes():
    assert 1 + 1 == 2
