"""Tries to report a fake pass by accident-like means: forged records written to every
descriptor from 3 to 255 (the report pipe is among them), with a guessed or empty token, and a
look for the run token in os.environ (the harness removed it). The one real test fails."""

import os

TOKEN = os.environ.get("IOLINGS_RUN_TOKEN", "")
FD = os.environ.get("IOLINGS_REPORT_FD", "")
FORGED = (
    b'{"event": "start", "token": "%s", "python": "3.11.0"}\n'
    b'{"event": "test", "name": "test_real", "line": 1, "outcome": "passed"}\n'
    b'{"event": "done", "token": "%s", "total": 1, "passed": 1}\n'
    b'{"event": "done", "token": "", "total": 1, "passed": 1}\n'
) % (TOKEN.encode(), TOKEN.encode())

os.write(1, b"TOKEN_IN_ENV=%d FD_IN_ENV=%d\n" % (bool(TOKEN), bool(FD)))
for fd in range(3, 256):
    try:
        os.write(fd, FORGED)
    except OSError:
        pass


def test_real():
    for fd in range(3, 256):
        try:
            # An unterminated line first, to swallow the harness's next record.
            os.write(fd, b'{"event": "test", "name": "x", "note": "')
        except OSError:
            pass
    assert False, "the real test fails"
