"""Sleeps (no CPU used): only the wall-clock timeout can stop it."""

import time


def test_sleeps():
    time.sleep(1e9)
