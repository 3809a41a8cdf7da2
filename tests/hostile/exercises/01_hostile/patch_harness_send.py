"""Patches the harness the way an accident could, without reading its secrets: its reporting
helpers become no-ops. The harness is `__main__` or the module `iolings_harness`, depending on
how the runner starts it: both are patched."""

import sys

for name in ("__main__", "iolings_harness"):
    harness = sys.modules.get(name)
    if harness is not None and hasattr(harness, "_send"):
        harness._send = lambda record: None
        harness._finish = lambda code: None


def test_fails():
    assert False
