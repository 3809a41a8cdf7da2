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
each one with `with` so that no file is ever left open, whatever happens (an early return,
an exception, Ctrl-C). Keep what they do:

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
    with open(path, encoding="utf-8") as f:
        return len(f.read().split())


def first_line_starting_with(path, prefix):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(prefix):
                return line.rstrip("\n")
    return None


def copy_upper(src, dst):
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for line in fin:
            fout.write(line.upper())


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402

import iolings_testkit as kit  # noqa: E402


@contextlib.contextmanager
def ctrl_c_while(kind, path):
    """Record every file opened in the block. Reading (kind="read") or writing (kind="write")
    the file `path` raises KeyboardInterrupt, as if Ctrl-C arrived at that moment."""
    opened = []
    real_open, real_path_open = io.open, pathlib.Path.open

    class Interrupted(io.TextIOWrapper):
        def _ctrl_c(self, *args, **kwargs):
            raise KeyboardInterrupt

        if kind == "read":
            read = readline = readlines = __next__ = _ctrl_c
        else:
            write = writelines = _ctrl_c

    def spy_open(file, mode="r", buffering=-1, encoding=None, *args, **kwargs):
        targeted = (isinstance(file, (str, os.PathLike)) and "b" not in mode
                    and os.path.abspath(file) == os.path.abspath(path)
                    and ("r" in mode and "+" not in mode) == (kind == "read"))
        if targeted:
            f = Interrupted(real_open(file, mode + "b"), encoding=encoding or "utf-8")
        else:
            f = real_open(file, mode, buffering, encoding, *args, **kwargs)
        opened.append(f)
        return f

    def spy_path_open(self, mode="r", buffering=-1, encoding=None, *args, **kwargs):
        return spy_open(self, mode, buffering, encoding, *args, **kwargs)

    builtins.open = io.open = spy_open
    pathlib.Path.open = spy_path_open
    try:
        yield opened
    finally:
        builtins.open = io.open = real_open
        pathlib.Path.open = real_path_open
        for f in opened:
            f.close()


def left_open(opened):
    return [os.path.basename(f.name) for f in opened if not f.closed]


def test_count_words():
    assert count_words("notes.txt") == 29


def test_count_words_splits_on_any_whitespace(tmp_path):
    path = tmp_path / "messy.txt"
    path.write_bytes("  two\twords  \r\n\n\n   déjà-vu  à-la-carte\t\tagain\nno final newline"
                     .encode("utf-8"))
    got = count_words(path)
    assert got == 8, (
        "words are separated by any run of whitespace (spaces, tabs, newlines, blank lines): "
        "text.split() with no argument finds them all; split(' ') does not. (And read the "
        "file as UTF-8: decoded as Latin-1, the bytes of 'à' contain a no-break space)")


def test_count_words_of_a_big_file(tmp_path):
    path = tmp_path / "big.txt"
    words = ["w%05d" % n for n in range(30000)]  # 7 characters per word and space
    path.write_bytes((" ".join(words) + "\n").encode("utf-8"))
    got = count_words(path)
    assert got == len(words), (
        "this file has %d words and count_words says %d. Its reads (of 1000, 4096, 8192... "
        "characters) end in the middle of words, and a word cut in two between two chunks "
        "counts twice: count per line (for line in f: len(line.split())) or split the "
        "whole text, never fixed-size chunks on their own" % (len(words), got))


def test_count_words_closes_the_file():
    with kit.no_leaked_files():
        count_words("notes.txt")


def test_first_line_starting_with():
    assert first_line_starting_with("notes.txt", "TODO:") == "TODO: rotate the storage credentials"
    assert first_line_starting_with("notes.txt", "status:") == "status: green"
    assert first_line_starting_with("notes.txt", "nope") is None


def test_first_line_keeps_everything_but_the_newline(tmp_path):
    path = tmp_path / "config.txt"
    path.write_bytes("name: upload\ncafé: open\nkey: two trailing spaces  \n  TODO: indented\n"
                     "last: no newline".encode("utf-8"))
    got = first_line_starting_with(path, "café:")
    assert got == "café: open", "the file is UTF-8: open it with encoding='utf-8'"
    got = first_line_starting_with(path, "key:")
    assert got == "key: two trailing spaces  ", (
        "remove only the trailing newline: line.rstrip('\\n'). rstrip() or strip() also "
        "remove spaces that are part of the line")
    got = first_line_starting_with(path, "last:")
    assert got == "last: no newline", (
        "the last line has no newline to cut: line[:-1] removes a real character. "
        "line.rstrip('\\n') removes a newline only when there is one")
    windows = tmp_path / "windows.txt"
    windows.write_bytes("name: upload\r\nkey: saved on Windows  \r\n".encode("utf-8"))
    got = first_line_starting_with(windows, "key:")
    assert got == "key: saved on Windows  ", (
        "on a file saved on Windows the line came back as %r: its line ending is \"\\r\\n\", "
        "and the \"\\r\" is part of it. Open in text mode with the default newline "
        "translation (no newline='') and remove the \"\\n\" with line.rstrip('\\n')" % (got,))
    got = first_line_starting_with(path, "TODO:")
    assert got is None, (
        "'  TODO: indented' does not START with 'TODO:': test line.startswith(prefix) on the "
        "line as it is, not stripped")


def test_first_line_stops_reading_at_the_match(tmp_path):
    path = tmp_path / "big.log"
    path.write_text("owner: platform team\nTODO: rotate the credentials\n"
                    + "2024-05-01T10:00:00Z api-1 GET /health 200\n" * 100_000, encoding="utf-8")
    got, peak = kit.peak_memory(first_line_starting_with, path, "TODO:")
    assert got == "TODO: rotate the credentials"
    assert peak < 1_000_000, (
        "the match is on line 2 of a %.1f MB file, yet finding it took %.1f MB of memory: the "
        "whole file was read. Loop `for line in f:` and return at the first match; read(), "
        "readlines() and splitlines() read everything first"
        % (path.stat().st_size / 1e6, peak / 1e6))


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


def test_copy_upper_replaces_dst(tmp_path):
    src = tmp_path / "menu.txt"
    src.write_text("crème brûlée\nstraße\n", encoding="utf-8")
    dst = tmp_path / "MENU.txt"
    dst.write_text("an old copy\n" * 3, encoding="utf-8")
    copy_upper(src, dst)
    got = dst.read_bytes()
    assert got == "CRÈME BRÛLÉE\nSTRASSE\n".encode("utf-8"), (
        "dst already existed: its old content must be replaced, not appended to (mode 'w', "
        "not 'a'), and the text written as UTF-8 (encoding='utf-8')")


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


def test_copy_upper_closes_dst_when_src_is_missing(tmp_path):
    dst = tmp_path / "out.txt"
    with kit.no_leaked_files():
        raised = False
        try:
            copy_upper(tmp_path / "missing.txt", dst)
        except FileNotFoundError:
            raised = True
        assert raised, "src does not exist: the FileNotFoundError must reach the caller"


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


def test_ctrl_c_closes_every_file(tmp_path):
    dst = tmp_path / "out.txt"
    cases = [("count_words", "read", "notes.txt", lambda: count_words("notes.txt")),
             ("first_line_starting_with", "read", "notes.txt",
              lambda: first_line_starting_with("notes.txt", "TODO:")),
             ("copy_upper", "read", "notes.txt", lambda: copy_upper("notes.txt", dst)),
             ("copy_upper", "write", dst, lambda: copy_upper("notes.txt", dst))]
    for function, kind, path, call in cases:
        interrupted = False
        with ctrl_c_while(kind, path) as opened:
            try:
                call()
            except KeyboardInterrupt:
                interrupted = True
            still_open = left_open(opened)
        assert interrupted, (
            "Ctrl-C arrived while %s was %s %s: the KeyboardInterrupt must reach the caller"
            % (function, "reading" if kind == "read" else "writing", os.path.basename(path)))
        assert still_open == [], (
            "Ctrl-C (KeyboardInterrupt) arrived while %s was %s %s, and it left %s open. "
            "KeyboardInterrupt is a BaseException, not an Exception: `except Exception:` "
            "cleanup never runs for it. `with` closes the file whatever the exception"
            % (function, "reading" if kind == "read" else "writing",
               os.path.basename(path), " and ".join(still_open)))
