"""A file that grows without bound: the file-size limit (128 MB) must stop it."""

CHUNK = b"\0" * (4 * 1024 * 1024)


def test_grows():
    with open("huge.bin", "wb") as f:
        while True:
            f.write(CHUNK)
