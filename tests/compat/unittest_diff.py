"""unittest's assert helpers give the same two-sided record as a plain assert (first
argument = got, second = expected), so their failures get the same diff."""
# expect: fail 6


import unittest


def read_lines(text):
    return text.replace("\n", "\r\n")  # keeps Windows line endings


# ----------------------------------------------------------------------------------------
# Tests


class TestHelpers(unittest.TestCase):
    def test_equal(self):
        self.assertEqual(read_lines("a\nb\n"), "a\nb\n")

    def test_multiline(self):
        self.assertMultiLineEqual(read_lines("x\n"), "x\n", "line endings must be \\n")

    def test_list(self):
        self.assertListEqual(read_lines("a\nb").split(), ["a", "b", "c"])

    def test_dict(self):
        self.assertDictEqual({"a": 1, "b": 2}, {"a": 1, "b": 3})

    def test_count(self):
        self.assertCountEqual(["a", "b", "b"], ["a", "b", "c"])

    def test_in_and_almost(self):
        self.assertAlmostEqual(0.1 + 0.2, 0.3)
        self.assertIn("z", read_lines("abc"))
