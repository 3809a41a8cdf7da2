"""Files not closed: one left open, one closed only by the garbage collector, one without
encoding=."""

KEPT = []


def open_log(path):
    f = open(path, "a", encoding="utf-8")
    f.write("started\n")
    KEPT.append(f)  # never closed: still open when the test ends


def first_line(path):
    return open(path, encoding="utf-8").readline()  # closed when the object is collected


def read_default(path):
    with open(path) as f:  # no encoding=: the locale decides
        return f.read()


# ---------------------------------------------------------------------------------------------
# Tests


def test_left_open(tmp_path):
    open_log(tmp_path / "log.txt")
    assert len(KEPT) == 1


def test_collected(tmp_path):
    (tmp_path / "poem.txt").write_text("one\ntwo\n", encoding="utf-8")
    assert first_line(tmp_path / "poem.txt") == "one\n"


def test_no_encoding(tmp_path):
    (tmp_path / "poem.txt").write_text("one\n", encoding="utf-8")
    assert read_default(tmp_path / "poem.txt") == "one\n"
