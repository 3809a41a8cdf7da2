"""A text write: 37 small writes through TextIOWrapper › BufferedWriter › FileIO, one syscall."""


def save(path, line):
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(37):
            f.write(line)


# ---------------------------------------------------------------------------------------------
# Tests


def test_saves_37_lines(tmp_path):
    # The tests' own I/O (this fixture and the check below) is not the learner's: not traced.
    with open(tmp_path / "unrelated.txt", "w", encoding="utf-8") as f:
        f.write("fixture")
    save(tmp_path / "out.txt", "twenty-two characters\n")
    with open(tmp_path / "out.txt", encoding="utf-8") as f:
        assert f.read() == "twenty-two characters\n" * 37
