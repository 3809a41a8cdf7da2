"""An infinite loop inside a test: the CPU limit or the wall clock must stop it."""


def test_spins():
    while True:
        pass
