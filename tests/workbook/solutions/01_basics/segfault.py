"""Crashes by signal: the interpreter is killed by SIGSEGV during a test."""

import os
import signal


def test_first_passes():
    assert True


def test_dies():
    assert signal.SIGSEGV != os.getpid()
