def f(n):
    return f(n + 1) + 1


def test_recursion():
    f(0)
