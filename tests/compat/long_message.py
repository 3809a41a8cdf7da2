"""A long assertion message is never cut silently: the verdict says how much is left and
how to see it."""
# expect: fail 1


def report():
    return ["line %d" % i for i in range(80)]


# ----------------------------------------------------------------------------------------
# Tests


def test_long():
    lines = report()
    assert len(lines) == 3, "expected three lines, got:\n" + "\n".join(lines)
