"""Leaves the sandbox with os.chdir('/') and writes there (and in the real /tmp)."""

import os

NAME = "iolings-hostile-planted-%d.txt" % os.getpid()


def test_write_in_root():
    os.chdir("/")
    with open(NAME, "w", encoding="utf-8") as f:
        f.write("pwned")


def test_write_in_the_system_tmp():
    with open(os.path.join("/tmp", NAME), "w", encoding="utf-8") as f:
        f.write("pwned")


def test_write_in_dev_shm():
    with open(os.path.join("/dev/shm", NAME), "w", encoding="utf-8") as f:
        f.write("pwned")
