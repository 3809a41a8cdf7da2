"""A failing setUpClass is an error for each test of its class; a failing tearDownClass
is an error of the class's last test."""
# expect: fail 4


import unittest


def connect():
    raise ConnectionError("no server")


# ----------------------------------------------------------------------------------------
# Tests


class TestNeedsServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.conn = connect()

    def test_a(self):
        pass

    def test_b(self):
        pass


class TestTeardown(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        raise RuntimeError("cleanup failed")

    def test_c(self):
        pass

    def test_d(self):
        pass
