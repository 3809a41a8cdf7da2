"""Patches the harness through sys.modules['__main__'] the way an accident could: replaces its
reporting helpers with no-ops and its counters with lies, without reading its secrets."""

import sys

harness = sys.modules["__main__"]
harness._send = lambda record: None
harness._run_test = lambda *args: True
harness._finish = lambda code: None


def test_fails():
    assert False
