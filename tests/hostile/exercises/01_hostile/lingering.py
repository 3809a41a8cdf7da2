"""Leaves a non-daemon thread sleeping forever and an atexit hook that would hang: the run
must still end as soon as the tests are done."""

import atexit
import threading
import time

atexit.register(time.sleep, 1e9)


def test_thread_left_running():
    threading.Thread(target=time.sleep, args=(1e9,)).start()


def test_fails():
    assert "left" == "right"
