"""Times out: a loop that never ends."""


def count_up():
    n = 0
    while n < 10:
        n += 1
    return n


def test_count_up():
    assert count_up() == 10
