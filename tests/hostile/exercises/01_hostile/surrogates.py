"""Lone surrogates (as os.listdir gives for undecodable file names, via surrogateescape) in
an exception message and in compared values."""

import os


def test_message():
    raise ValueError("bad name: " + os.fsdecode(b"caf\xe9.txt"))


def test_compare():
    assert os.fsdecode(b"caf\xe9.txt") == "café.txt"
