"""A deliberate attacker with full in-process access: reads the harness's token and pipe from
its globals (sys.modules['__main__']._TOKEN, ._CHANNEL) and writes a perfect report, then ends
the process before the harness can write the real one. In-process code cannot be stopped from
doing this (see tests/hostile.rs)."""

import os
import sys

harness = sys.modules["__main__"]
record = (
    '{"event": "test", "name": "test_fails", "line": 1, "outcome": "passed"}\n'
    '{"event": "done", "token": "%s", "total": 1, "passed": 1}\n' % harness._TOKEN
)
os.write(harness._CHANNEL, record.encode())
os._exit(0)


def test_fails():
    assert False
