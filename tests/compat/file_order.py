"""Tests run in the order they are written (pytest runs module-level tests the same way;
unittest would sort them by name)."""
# expect: pass 4
# names: test_zebra test_apple TestMiddle.test_z TestMiddle.test_a


import unittest

ORDER = []


# ----------------------------------------------------------------------------------------
# Tests


def test_zebra():
    ORDER.append("zebra")


def test_apple():
    ORDER.append("apple")
    assert ORDER == ["zebra", "apple"]


class TestMiddle(unittest.TestCase):
    def test_z(self):
        ORDER.append("z")

    def test_a(self):
        self.assertIn("apple", ORDER)
