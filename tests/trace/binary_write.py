"""A binary write of 2,000 single bytes: buffered (one syscall) and with buffering=0 (2,000)."""


def buffered(path):
    with open(path, "wb") as f:
        for _ in range(2000):
            f.write(b"x")


def unbuffered(path):
    with open(path, "wb", buffering=0) as f:
        for _ in range(2000):
            f.write(b"x")


# ---------------------------------------------------------------------------------------------
# Tests


def test_buffered(tmp_path):
    buffered(tmp_path / "b.bin")
    assert (tmp_path / "b.bin").read_bytes() == b"x" * 2000


def test_unbuffered(tmp_path):
    unbuffered(tmp_path / "u.bin")
    assert (tmp_path / "u.bin").read_bytes() == b"x" * 2000
