"""Ignores every signal it can (TERM, INT, HUP, QUIT, XCPU, USR1...) and spins: only SIGKILL
(which cannot be ignored) ends it."""

import signal

for sig in signal.valid_signals():
    try:
        signal.signal(sig, signal.SIG_IGN)
    except (OSError, ValueError):
        pass


def test_spins():
    while True:
        pass
