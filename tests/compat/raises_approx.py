"""pytest.raises (with match=) and pytest.approx without pytest installed."""
# expect: fail 5


import pytest


def parse_port(text):
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError("port %d out of range" % port)
    return port


def mean(values):
    return sum(values) / len(values)


# ----------------------------------------------------------------------------------------
# Tests


def test_raises_with_match():
    with pytest.raises(ValueError, match=r"out of range"):
        parse_port("70000")


def test_raises_wrong_message():
    with pytest.raises(ValueError, match=r"too big"):
        parse_port("70000")


def test_does_not_raise():
    with pytest.raises(ValueError):
        parse_port("80")


def test_approx():
    assert mean([0.1, 0.2]) == pytest.approx(0.15)
    assert [mean([1, 2]), 0.1 + 0.2] == pytest.approx([1.5, 0.3])


def test_approx_fails():
    assert mean([1, 2]) == pytest.approx(1.4)
