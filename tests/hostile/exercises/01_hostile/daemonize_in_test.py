"""The first half of the classic daemonize recipe, in a test: fork, the parent calls
sys.exit(0), the child calls setsid() and carries on. The test itself exited early."""

import os
import sys
import time


def test_daemonize():
    if os.fork() > 0:
        sys.exit(0)
    os.setsid()
    time.sleep(0.05)
