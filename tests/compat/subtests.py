"""subTest: every failing subtest is reported with its parameters (two here), in a test
counted once, as pytest counts it."""
# expect: fail 2


import unittest


def is_leap(year):
    return year % 4 == 0  # forgets the centuries


# ----------------------------------------------------------------------------------------
# Tests


class TestLeap(unittest.TestCase):
    def test_years(self):
        for year, leap in [(1996, True), (1900, False), (2000, True), (2100, False)]:
            with self.subTest(year=year):
                self.assertEqual(is_leap(year), leap)

    def test_fine(self):
        self.assertTrue(is_leap(2024))
