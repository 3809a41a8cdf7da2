"""context1: stop leaking file handles.

Every open() takes a file descriptor from the operating system. A long-running server that
forgets to close files runs out of descriptors ("OSError: [Errno 24] Too many open files"),
keeps deleted files alive on disk, and may lose data still sitting in a write buffer.

Calling f.close() at the end of a function is NOT enough: an early `return` or an exception
jumps straight past it. The `with` statement closes the file however the block is left:

    with open(path, encoding="utf-8") as f:
        ...                      # return, raise, break: f is closed in every case

Two files at once? One `with` can hold several context managers; they are entered left to
right and closed in reverse order, and if the second open() fails the first file is still
closed:

    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        ...

Your task: the three functions below work on the happy path but leak file handles. Rewrite
each one with `with` so that no file is ever left open, whatever happens. Keep what they do:

- count_words(path) -> int: the number of whitespace-separated words in the UTF-8 text file.
- first_line_starting_with(path, prefix) -> str | None: the first line that starts with
  `prefix`, without its trailing newline; None if no line does. Stop reading at the first match.
- copy_upper(src, dst) -> None: write every line of the UTF-8 file `src` upper-cased to `dst`
  (UTF-8). Errors (a missing folder for dst, a src that is not valid UTF-8) must propagate to
  the caller unchanged, but must not leave either file open.

The tests wrap every call in `kit.no_leaked_files()`, which fails if a file opened inside it
was garbage-collected without being closed.
"""


def count_words(path):
    # TODO: the file is never closed.
    f = open(path, encoding="utf-8")
    return len(f.read().split())


def first_line_starting_with(path, prefix):
    # TODO: the early return skips f.close().
    f = open(path, encoding="utf-8")
    for line in f:
        if line.startswith(prefix):
            return line.rstrip("\n")
    f.close()
    return None


def copy_upper(src, dst):
    # TODO: if open(dst) or a read fails, nothing below runs and the files stay open.
    fin = open(src, encoding="utf-8")
    fout = open(dst, "w", encoding="utf-8")
    for line in fin:
        fout.write(line.upper())
    fin.close()
    fout.close()


# ---------------------------------------------------------------------------------------------
# Tests

import iolings_testkit as kit  # noqa: E402


def test_count_words():
    assert count_words("notes.txt") == 29


def test_count_words_closes_the_file():
    with kit.no_leaked_files():
        count_words("notes.txt")


def test_first_line_starting_with():
    assert first_line_starting_with("notes.txt", "TODO:") == "TODO: rotate the storage credentials"
    assert first_line_starting_with("notes.txt", "status:") == "status: green"
    assert first_line_starting_with("notes.txt", "nope") is None


def test_first_line_closes_the_file_when_nothing_matches():
    with kit.no_leaked_files():
        first_line_starting_with("notes.txt", "nope")


def test_first_line_closes_the_file_on_early_return():
    with kit.no_leaked_files():
        first_line_starting_with("notes.txt", "owner:")


def test_copy_upper(tmp_path):
    dst = tmp_path / "NOTES.txt"
    with kit.no_leaked_files():
        copy_upper("notes.txt", dst)
    with open("notes.txt", encoding="utf-8") as f:
        want = f.read().upper()
    with open(dst, encoding="utf-8") as f:
        got = f.read()
    assert got == want, "every line of src, upper-cased, in the same order"


def test_copy_upper_closes_src_when_dst_cannot_be_opened(tmp_path):
    dst = tmp_path / "no-such-folder" / "out.txt"
    with kit.no_leaked_files():
        raised = False
        try:
            copy_upper("notes.txt", dst)
        except FileNotFoundError:
            raised = True  # (keeping the exception itself would keep the files alive)
        assert raised, (
            "open(dst) fails because its folder does not exist: let that FileNotFoundError "
            "reach the caller, don't hide it")


def test_copy_upper_closes_both_files_when_a_read_fails(tmp_path):
    src = tmp_path / "latin1.txt"
    src.write_bytes("caf\xe9 cr\xe8me\n".encode("latin-1"))  # not valid UTF-8
    dst = tmp_path / "out.txt"
    with kit.no_leaked_files():
        raised = False
        try:
            copy_upper(src, dst)
        except UnicodeDecodeError:
            raised = True
        assert raised, (
            "src is not valid UTF-8: the UnicodeDecodeError must reach the caller")
