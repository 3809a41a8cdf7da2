"""An exception with a lone surrogate in its message, at import: should be `crashed`."""

import os

raise FileNotFoundError(os.fsdecode(b"caf\xe9.txt"))


def test_never_runs():
    pass
