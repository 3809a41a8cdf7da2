import ctypes


def test_passes():
    pass


def test_segfault():
    ctypes.string_at(0)
