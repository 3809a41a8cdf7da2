"""Stops itself with SIGSTOP: no CPU used, no exit; only the wall clock ends it."""

import os
import signal


def test_stops():
    os.kill(os.getpid(), signal.SIGSTOP)
