"""Skips written in the shipped tests count as skips, not failures: a platform skipIf, an
extra-credit test, pytest's skip and skipif marks, self.skipTest() in a test."""
# expect: pass 6


import sys
import unittest

import pytest


def double(n):
    return 2 * n


# ----------------------------------------------------------------------------------------
# Tests


def test_double():
    assert double(2) == 4


@unittest.skipIf(sys.platform != "nonexistent-os", "only on nonexistent-os")
class TestPlatform(unittest.TestCase):
    def test_only_there(self):
        self.fail("never runs here")


class TestExtra(unittest.TestCase):
    @unittest.skip("extra credit: remove this line to try it")
    def test_extra_credit(self):
        self.assertEqual(double("ab"), "abab!")

    def test_runtime_skip(self):
        self.skipTest("needs a network")


@pytest.mark.skip(reason="extra credit")
def test_marked():
    assert double(3) == 7


@pytest.mark.skipif("sys.version_info < (3, 0)", reason="python 2 only")
def test_skipif_false():
    assert double(0) == 0
