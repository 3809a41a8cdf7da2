"""Nests folders 2100 deep inside the sandbox (a runaway os.makedirs/chdir loop): deeper
than PATH_MAX and than the descriptor limit, so removing the sandbox must not recurse naively."""

import os


def test_deep():
    for _ in range(2100):
        os.mkdir("d")
        os.chdir("d")
    assert False, "2100 folders deep"
