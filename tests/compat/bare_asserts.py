"""Bare and chained asserts show the values they saw, as pytest's do; an assert written
over several lines is shown whole."""
# expect: fail 4


def is_even(n):
    return n % 2 == 1  # backwards


def clamp(x):
    return x * 2


# ----------------------------------------------------------------------------------------
# Tests


def test_bare():
    assert is_even(4)


def test_chained():
    x = clamp(7)
    assert 0 <= x < 10


def test_not():
    assert not is_even(3)


def test_multiline():
    assert (
        clamp(1)
        == 3
    ), "clamp doubles"
