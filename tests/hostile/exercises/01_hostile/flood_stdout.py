"""100 MB on stdout, at import (the real descriptor, not a test's capture)."""

import sys

CHUNK = b"x" * (1024 * 1024 - 1) + b"\n"
for _ in range(100):
    sys.stdout.buffer.write(CHUNK)
sys.stdout.flush()


def test_after_the_flood():
    assert 1 + 1 == 3
