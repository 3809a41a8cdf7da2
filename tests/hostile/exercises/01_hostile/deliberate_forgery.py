"""A deliberate attacker with full in-process access: reads the harness's token and pipe from
its globals (_TOKEN and _CHANNEL of `__main__` or `iolings_harness`, wherever the runner put
the harness), writes a perfect report and ends the process before the harness can write the
real one. In-process code cannot be stopped from doing this (see tests/hostile.rs)."""

import os
import sys

harness = next(m for m in (sys.modules.get("iolings_harness"), sys.modules["__main__"])
               if hasattr(m, "_TOKEN"))
# Every record carries the run's token and the harness's pid; both are in its globals.
stamp = '"token": "%s", "pid": %d' % (harness._TOKEN, harness._PID)
record = (
    '\n{"event": "start", %s}\n'
    '{"event": "test", "name": "test_fails", "line": 1, "outcome": "passed", %s}\n'
    '{"event": "done", "total": 1, %s}\n' % (stamp, stamp, stamp)
)
os.write(harness._CHANNEL, record.encode())
os._exit(0)


def test_fails():
    assert False
