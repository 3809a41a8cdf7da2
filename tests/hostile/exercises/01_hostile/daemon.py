"""The classic double-fork daemon: a new session (outside the run's process group), its parent
gone, cwd /, sleeping forever. The subreaper must find it and kill it."""

import os
import subprocess
import time


def daemonize():
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        os.chdir("/")
        os.write(1, b"DAEMON_PID=%d\n" % os.getpid())
        os.write(write_end, b"%d\n" % os.getpid())
        while True:
            time.sleep(1000)
    os.waitpid(pid, 0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        return int(f.readline())


def test_daemon_and_fail():
    pid = daemonize()
    os.kill(pid, 0)  # alive
    assert os.getsid(pid) != os.getsid(0)
    assert pid == 0, "the daemon is running"


def test_flooding_daemon_and_fail():
    # `yes` in a session of its own, writing to the run's stdout pipe until it is killed.
    flood = subprocess.Popen(["yes", "flood"], start_new_session=True)
    print("DAEMON_PID=%d" % flood.pid)  # into the test's capture: the pipe is full of "flood"
    time.sleep(0.2)
    assert flood.poll() == 0, "still flooding"
