"""Test methods inherited from a base class or mixin are collected for every class that
inherits them (four tests, not one), so the inherited test that fails fails the file."""
# expect: fail 4
# names: TestLines.test_empty TestLines.test_one TestLines.test_crlf TestLines.test_own


import unittest


def count_lines(text):
    return len(text.split("\n")) if text else 0  # counts a final newline as a line


# ----------------------------------------------------------------------------------------
# Tests


class LineChecks:
    def test_empty(self):
        self.assertEqual(count_lines(""), 0)

    def test_one(self):
        self.assertEqual(count_lines("a"), 1)

    def test_crlf(self):
        self.assertEqual(count_lines("a\nb\n"), 2)


class TestLines(LineChecks, unittest.TestCase):
    def test_own(self):
        self.assertEqual(count_lines("a\nb"), 2)
