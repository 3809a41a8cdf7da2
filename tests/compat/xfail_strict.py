"""Expected failures that do not fail: a strict xfail that passes, an xfail with another
exception than its raises=, and unittest's unexpected success all fail the file."""
# expect: fail 4


import unittest

import pytest


# ----------------------------------------------------------------------------------------
# Tests


@pytest.mark.xfail(strict=True, reason="should fail")
def test_strict_passes():
    assert True


@pytest.mark.xfail(raises=KeyError)
def test_wrong_exception():
    raise ValueError("not a KeyError")


def test_fine():
    assert True


class TestUnittest(unittest.TestCase):
    @unittest.expectedFailure
    def test_unexpected_success(self):
        self.assertEqual(1, 1)
