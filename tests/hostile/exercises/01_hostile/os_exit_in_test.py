import os


def test_passes():
    pass


def test_exits():
    os._exit(0)


def test_after():
    pass
