"""Patches the harness's test runner to report every test as passed (returns True without
running it or sending its record): the `done` record then claims 1 of 1 passed."""

import sys

for name in ("__main__", "iolings_harness"):
    harness = sys.modules.get(name)
    if harness is not None and hasattr(harness, "_run_test"):
        harness._run_test = lambda *args: True


def test_fails():
    assert False
