def test_passes():
    pass


def test_raises():
    raise KeyboardInterrupt


def test_after():
    pass
