"""Starts children and leaves them running, then passes (one test) or fails (the other)."""

import os
import subprocess
import sys

# A child started at import time, in the run's process group.
AT_IMPORT = subprocess.Popen(["sleep", "1000"])
os.write(1, b"CHILD_PID=%d\n" % AT_IMPORT.pid)


def test_leaves_a_child_and_passes():
    child = subprocess.Popen(["sleep", "1000"])
    # A grandchild too: a shell that starts a sleep in the background and waits on it.
    shell = subprocess.Popen(["sh", "-c", "sleep 1000 & echo $!; wait"], stdout=subprocess.PIPE)
    grandchild = int(shell.stdout.readline())
    os.write(1, b"CHILD_PID=%d\nCHILD_PID=%d\nCHILD_PID=%d\n" % (child.pid, shell.pid, grandchild))


def test_leaves_a_child_and_fails():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
    os.write(1, b"CHILD_PID=%d\n" % child.pid)
    assert child.poll() == 0, "the child is still running"
