"""Finds the run token in /proc/self/environ (the initial environment the kernel keeps, which
os.environ.pop does not erase) and the pipe by scanning descriptors: no harness globals read."""

import os
import stat

with open("/proc/self/environ", "rb") as f:
    env = dict(item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item)
token = env.get(b"IOLINGS_RUN_TOKEN", b"").decode()
os.write(1, b"TOKEN_FOUND=%d\n" % bool(token))
for fd in range(3, 1024):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, b'{"event": "test", "name": "test_fails", "line": 1, "outcome": "passed"}\n'
                         b'{"event": "done", "token": "%s", "total": 1, "passed": 1}\n' % token.encode())
    except OSError:
        pass
os._exit(0)


def test_fails():
    assert False
