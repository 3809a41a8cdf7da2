"""More of unittest, as pytest runs it: failing setUp, tearDown and cleanups, a skip in
setUp and in a subTest, __test__ = False, a class-level mock.patch, IsolatedAsyncioTestCase,
static and class methods as tests, expectedFailure around a subTest, and the messages of
assertIsNone, assertTrue, assertRaises and assertAlmostEqual."""
# expect: fail 17

import unittest
from unittest import mock
import os

class TestSetUpFails(unittest.TestCase):
    def setUp(self):
        raise RuntimeError("setup broke")
    def test_a(self): pass

class TestTearDownFails(unittest.TestCase):
    def tearDown(self):
        raise RuntimeError("teardown broke")
    def test_a(self): pass

class TestCleanup(unittest.TestCase):
    def test_cleanup_fails(self):
        self.addCleanup(lambda: 1 / 0)

class TestSkipInSetUp(unittest.TestCase):
    def setUp(self):
        self.skipTest("no resource")
    def test_a(self): self.fail("no")

class TestSubSkip(unittest.TestCase):
    def test_sub(self):
        for i in range(3):
            with self.subTest(i=i):
                if i == 1:
                    self.skipTest("one")
                self.assertLess(i, 5)

class Hidden(unittest.TestCase):
    __test__ = False
    def test_hidden(self): self.fail()

@mock.patch.object(os, "getcwd", return_value="/p")
class TestPatchedClass(unittest.TestCase):
    def test_a(self, getcwd):
        self.assertEqual(os.getcwd(), "/p")
    def test_b(self, getcwd):
        self.assertEqual(os.getcwd(), "/q")

class TestAsync(unittest.IsolatedAsyncioTestCase):
    async def test_async(self):
        self.assertEqual(1, 1)
    async def test_async_fail(self):
        self.assertEqual(1, 2)

class TestStatic:
    @staticmethod
    def test_static():
        assert True
    @classmethod
    def test_cls(cls):
        assert cls is TestStatic

class TestExpectedSub(unittest.TestCase):
    @unittest.expectedFailure
    def test_x(self):
        with self.subTest(a=1):
            self.assertEqual(1, 2)

class TestMsg(unittest.TestCase):
    def test_equal_msg(self):
        self.assertEqual([1, 2], [1, 3], "lists differ here")
    def test_is_none(self):
        self.assertIsNone(5)
    def test_true(self):
        self.assertTrue(0)
    def test_raises(self):
        with self.assertRaises(ValueError):
            pass
    def test_almost(self):
        self.assertAlmostEqual(1.0, 1.1)
