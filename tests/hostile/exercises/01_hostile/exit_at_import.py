import sys

sys.exit(0)


def test_never_runs():
    pass
