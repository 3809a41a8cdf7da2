"""setUpModule and setUpClass run once (per module, per class), before the first test,
and their tearDown* once after the last; class state set up there is shared."""
# expect: pass 5


import unittest

CALLS = {"module": 0, "class": 0}


def setUpModule():
    CALLS["module"] += 1


def tearDownModule():
    CALLS["module"] -= 1


# ----------------------------------------------------------------------------------------
# Tests


class TestShared(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        CALLS["class"] += 1
        cls.seen = []

    def test_1_first(self):
        self.seen.append(1)
        self.assertEqual(CALLS, {"module": 1, "class": 1})

    def test_2_second(self):
        self.seen.append(2)
        self.assertEqual(self.seen, [1, 2])

    def test_3_third(self):
        self.assertEqual(CALLS["class"], 1)


class TestPlainShared:
    @classmethod
    def setup_class(cls):
        cls.items = []

    def setup_method(self, method):
        self.name = method.__name__

    def test_a(self):
        self.items.append(self.name)
        assert self.items == ["test_a"]

    def test_b(self):
        self.items.append(self.name)
        assert self.items == ["test_a", "test_b"]
