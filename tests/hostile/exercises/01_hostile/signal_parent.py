"""Sends SIGUSR1 to its parent (iolings), as a lesson on signals might: "notify the parent".
SIGUSR1's default action terminates the receiver."""

import os
import signal
import time


def test_notify_parent():
    os.kill(os.getppid(), signal.SIGUSR1)
    time.sleep(0.5)
    assert False
