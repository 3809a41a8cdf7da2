"""A pytest-style test class without a unittest.TestCase base is collected, so the failing
test that lives only there fails the file. (A Test* class with an __init__ is not a test
class, as in pytest.)"""
# expect: fail 3
# names: test_module_level TestAdd.test_small TestAdd.test_carry


def add(a, b):
    return a + b if a < 5 else a - b  # wrong for big numbers


# ----------------------------------------------------------------------------------------
# Tests


def test_module_level():
    assert add(1, 1) == 2


class TestAdd:
    def test_small(self):
        assert add(2, 2) == 4

    def test_carry(self):
        assert add(9, 1) == 10


class TestNotACollection:
    def __init__(self, value):
        self.value = value

    def test_never_collected(self):
        assert False
