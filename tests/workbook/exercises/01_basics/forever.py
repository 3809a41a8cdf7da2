"""Times out: a loop that never ends."""


def count_up():
    n = 0
    while True:
        n += 1


def test_count_up():
    count_up()
