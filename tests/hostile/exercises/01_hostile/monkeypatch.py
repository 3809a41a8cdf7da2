"""Replaces print, sys.stdout, sys.stderr, os.write and json.dumps at import. The harness took
its own references before any learner code ran, so its report must be unaffected."""

import builtins
import json
import os
import sys


class Sink:
    def write(self, text):
        return len(text)

    def flush(self):
        pass


builtins.print = lambda *args, **kwargs: None
sys.stdout = Sink()
sys.stderr = Sink()
sys.__stdout__ = None
os.write = lambda fd, data: len(data)
json.dumps = lambda *args, **kwargs: '{"event": "done", "token": "", "total": 1, "passed": 1}'


def test_passes():
    print("nothing")


def test_fails():
    assert [1, 2] == [1, 3]
