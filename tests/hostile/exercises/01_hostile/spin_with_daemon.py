"""For the Ctrl-C / SIGTERM tests: starts a setsid daemon at import, marks the run as started
(a file in its sandbox), then spins until something stops it."""

import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    while True:
        time.sleep(1000)
os.wait()


def test_spins():
    with open("started", "w", encoding="utf-8") as f:
        f.write("yes")
    while True:
        pass
