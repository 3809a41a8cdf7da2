"""A unittest TestCase whose failures happen inside self.subTest(): unittest reports them
through addSubTest, not addFailure."""

import unittest


class Numbers(unittest.TestCase):
    def test_even(self):
        for n in (2, 3, 4):
            with self.subTest(n=n):
                self.assertEqual(n % 2, 0)
