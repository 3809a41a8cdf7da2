"""Reading a byte at a time: unbuffered (a syscall per byte), buffered (a few), and a whole
2 MiB file read at once."""


def count_unbuffered(path):
    n = 0
    with open(path, "rb", buffering=0) as f:
        while f.read(1):
            n += 1
    return n


def count_buffered(path):
    n = 0
    with open(path, "rb") as f:
        while f.read(1):
            n += 1
    return n


def count_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


# ---------------------------------------------------------------------------------------------
# Tests


def test_unbuffered(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"x" * 3000)
    assert count_unbuffered(tmp_path / "data.bin") == 3000


def test_buffered(tmp_path):
    (tmp_path / "data.bin").write_bytes(b"x" * 3000)
    assert count_buffered(tmp_path / "data.bin") == 3000


def test_whole_file(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"line\n" * (2 << 18))
    assert count_lines(tmp_path / "big.txt") == 2 << 18
