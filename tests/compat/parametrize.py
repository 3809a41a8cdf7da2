"""@pytest.mark.parametrize: each parameter set is a test of its own, named with pytest's
ids (values, ids=, pytest.param(id=...), stacked marks); one failing case fails the file."""
# expect: fail 9
# names: test_double[1-2] test_double[2-4] test_double[3-7] test_words[one] test_words[two] test_grid[0-10] test_grid[0-20] test_grid[1-10] test_grid[1-20]


import pytest


def double(n):
    return n * 2


# ----------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("n, expected", [(1, 2), (2, 4), (3, 7)])
def test_double(n, expected):
    assert double(n) == expected


@pytest.mark.parametrize("word", [pytest.param("a", id="one"), pytest.param("b", id="two")])
def test_words(word):
    assert double(word) == word + word


@pytest.mark.parametrize("x", [10, 20])
@pytest.mark.parametrize("y", [0, 1])
def test_grid(x, y):
    assert x + y >= 10
