"""Asks for far more memory than the address-space limit (2 GB) allows."""


def test_allocates():
    block = bytearray(8 * 1024 * 1024 * 1024)
    assert len(block) == 0
