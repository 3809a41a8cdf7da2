"""More events than the cap: 100 files written one after the other."""


def write_all(folder):
    for i in range(100):
        with open(folder / ("part%03d.txt" % i), "w", encoding="utf-8") as f:
            f.write("x")


# ---------------------------------------------------------------------------------------------
# Tests


def test_many(tmp_path):
    write_all(tmp_path)
    assert len(list(tmp_path.iterdir())) == 100
