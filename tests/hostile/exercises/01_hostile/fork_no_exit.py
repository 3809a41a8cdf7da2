"""A forked child that forgets os._exit(): it returns from the test and carries on as a copy of
the harness, passing the test and sending `done` with the real token. The parent then leaves
without a report of its own (os._exit), as a buggy "daemonize" helper would."""

import os


def test_fork():
    pid = os.fork()
    if pid == 0:
        return  # the child: forgot os._exit(0), so the harness copy goes on
    os.waitpid(pid, 0)
    os._exit(1)
