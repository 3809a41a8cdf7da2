"""Escape sequences and invalid UTF-8 from the learner: on stdout/stderr, in a test's
capture, in exception messages, in compared values, and raw in the source of a failing line."""

import os

EVIL = b'\xff\xfe\x1b[2J\x1b]0;pwned\x07\x1b[31m\xc2\x9b31m\xe2\x80\xae\r\n'
os.write(1, EVIL)
os.write(2, EVIL)


def test_prints_escapes():
    print('\x1b[2J\x1b]0;pwned\x07 \u202e gnp.exe \x9b31m red')
    os.write(1, EVIL)
    assert False


def test_exception_message():
    raise ValueError('\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[?1049h')


def test_compared_values():
    assert '\x1b[31mred\x1b[0m\n\x07' == 'red\n'


def test_raw_escape_in_source():
    raise RuntimeError("boom")  # ]0;pwned[2J raw escape in the source
