"""A daemon that keeps changing its pid (fork, the parent exits, again and again), in its own
session, and closes every inherited descriptor so no pipe tells anybody it still exists."""

import os
import time


def test_hopper():
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.closerange(0, 1024)
        while True:
            if os.fork() != 0:
                os._exit(0)
    os.waitpid(pid, 0)
    time.sleep(0.3)
    assert False, "a pid-hopping daemon is loose"
