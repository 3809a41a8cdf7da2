"""Deletes its own working directory (which holds the exercise file), then keeps going."""

import os
import shutil


def test_rmtree_cwd():
    shutil.rmtree(os.getcwd())


def test_still_alive():
    assert os.path.isdir(os.getcwd()) is False, "the cwd is still there"


def test_write_after():
    with open("after.txt", "w", encoding="utf-8") as f:
        f.write("hello")
