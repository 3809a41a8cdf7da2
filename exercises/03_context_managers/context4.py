"""context4: @contextmanager, and why its cleanup belongs in `finally`.

contextlib.contextmanager turns a generator into a context manager: the code before `yield`
is __enter__, the yielded value is what `as` binds, the code after `yield` is __exit__.

There is a catch. When the with block raises, the exception is thrown INTO the generator, at
the `yield` line. Code that simply follows the yield never runs:

    @contextlib.contextmanager
    def opened(path):
        f = open(path, encoding="utf-8")
        yield f
        f.close()          # skipped when the with block raises!

Put the cleanup in a `finally` so it runs both ways, and don't catch the exception unless you
re-raise it: a generator that catches it and carries on tells `with` "handled", exactly like
an __exit__ that returns True.

    @contextlib.contextmanager
    def opened(path):
        f = open(path, encoding="utf-8")
        try:
            yield f
        finally:
            f.close()

Your task: an upload handler unpacks each upload into a private scratch directory, works on
it, and must never leave scratch directories behind (a busy server would fill its disk in
hours). Fix scratch_directory(parent) so that

    with scratch_directory(parent) as work:
        ...

- creates a new, empty, uniquely named directory inside `parent` (tempfile.mkdtemp(dir=...)
  does this) and binds it to `work` as a pathlib.Path;
- on leaving the block, deletes that directory and everything in it (shutil.rmtree), whether
  the block finished normally or raised;
- lets any exception from the block propagate unchanged.
"""

import contextlib
import pathlib
import shutil
import tempfile


@contextlib.contextmanager
def scratch_directory(parent):
    path = pathlib.Path(tempfile.mkdtemp(dir=parent))
    # TODO: if the with block raises, the exception comes out of this `yield` and the
    # rmtree below never runs: every failed upload leaves a directory behind.
    yield path
    shutil.rmtree(path)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.
# (They look around inside the with blocks but assert after them: a context manager that
# swallows exceptions would otherwise swallow the test's own AssertionError.)

import errno  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import shutil  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def test_gives_a_fresh_directory_and_removes_it(tmp_path):
    with scratch_directory(tmp_path) as work:
        is_dir = work.is_dir()
        inside = work.resolve().parent == tmp_path.resolve()
        empty = list(work.iterdir()) == []
        (work / "upload.bin").write_bytes(b"\x00" * 1000)
        (work / "unpacked").mkdir()
        (work / "unpacked" / "a.txt").write_text("hello\n", encoding="utf-8")
    assert isinstance(work, pathlib.Path), "`as work` must be a pathlib.Path"
    assert is_dir and inside and empty, "a new empty directory inside parent"
    assert list(tmp_path.iterdir()) == [], (
        "after the with block the scratch directory and everything in it must be gone")


def test_each_use_gets_its_own_directory(tmp_path):
    with scratch_directory(tmp_path) as first, scratch_directory(tmp_path) as second:
        different = first != second
    assert different, "two scratch directories must never be the same directory"
    assert list(tmp_path.iterdir()) == [], "both are removed afterwards"


def test_exception_from_the_block_propagates(tmp_path):
    error = ValueError("corrupt upload")
    caught = None
    try:
        with scratch_directory(tmp_path):
            raise error
    except ValueError as exc:
        caught = exc
    assert caught is error, (
        "the ValueError raised in the with block vanished. A @contextmanager generator that "
        "catches the exception without re-raising it swallows it, like an __exit__ returning "
        "True: the upload handler would report success for a corrupt upload. Use "
        "try/finally, not try/except")


def test_directory_removed_when_the_block_raises(tmp_path):
    try:
        with scratch_directory(tmp_path) as work:
            (work / "partial.bin").write_bytes(b"\x01" * 1000)
            raise ValueError("corrupt upload")
    except ValueError:
        pass
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [], (
        "the with block raised and the scratch directory was left behind: the exception is "
        "thrown into the generator at `yield`, so code after the yield never runs. Wrap the "
        "yield in try/finally and delete the directory in the finally")


def test_removes_everything_an_upload_can_unpack(tmp_path):
    parent = tmp_path / "scratch"
    parent.mkdir()
    outside = tmp_path / "elsewhere"  # a directory that is NOT the scratch directory's
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me\n", encoding="utf-8")
    failure = None
    try:
        with scratch_directory(parent) as work:
            (work / ".env").write_text("SECRET=1\n", encoding="utf-8")
            (work / ".git").mkdir()
            (work / ".git" / "config").write_text("[core]\n", encoding="utf-8")
            (work / "unpacked" / "deep [1]").mkdir(parents=True)
            (work / "unpacked" / "deep [1]" / "café menu.txt").write_text("x\n", encoding="utf-8")
            os.symlink(outside, work / "unpacked" / "link-to-elsewhere")
            os.symlink("no-such-file", work / "dangling-link")
            os.mkfifo(work / "pipe")
    except OSError as exc:
        failure = exc
    survivors = sorted(p.name for p in outside.iterdir())
    left = sorted(p.name for p in parent.iterdir())
    assert survivors == ["precious.txt"], (
        "cleaning up the scratch directory deleted a file OUTSIDE it, through the symlink "
        "unpacked/link-to-elsewhere: a hand-written delete that descends into every is_dir() "
        "entry follows symlinks. shutil.rmtree(path) removes the link itself, never its target")
    assert failure is None, (
        "cleaning up failed with %r. An unpacked upload can hold dotfiles and hidden folders "
        "(glob.glob('*') skips them), symlinks to directories, dangling symlinks and FIFOs "
        "(neither is_file() nor is_dir()): shutil.rmtree(path) removes all of them" % (failure,))
    assert left == [], "after the with block the scratch directory must be gone, got %r" % (left,)


def test_directory_removed_on_early_return(tmp_path):
    def first_upload_file():
        with scratch_directory(tmp_path) as work:
            (work / "a.bin").write_bytes(b"\x02")
            return "a.bin"

    assert first_upload_file() == "a.bin"
    assert list(tmp_path.iterdir()) == [], "a return inside the with block still cleans up"


def test_directory_removed_on_keyboard_interrupt(tmp_path):
    try:
        with scratch_directory(tmp_path):
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert list(tmp_path.iterdir()) == [], (
        "the scratch directory survived a Ctrl-C: KeyboardInterrupt is a BaseException, "
        "not an Exception, so `except Exception` misses it. A `finally` runs for everything")


def test_a_failed_mkdtemp_reaches_the_caller(tmp_path):
    raised = None
    with kit.fail_at("mkdir", errno.ENOSPC):  # no room for one more directory
        try:
            with scratch_directory(tmp_path):
                pass
        except BaseException as exc:
            raised = exc
    assert isinstance(raised, OSError) and raised.errno == errno.ENOSPC, (
        "creating the scratch directory failed with ENOSPC, and the caller got %r instead: "
        "the cleanup ran for a directory that was never made (path had no value yet). "
        "Create it BEFORE the try: only what exists needs cleaning up" % (raised,))


def test_a_failed_cleanup_is_reported(tmp_path):
    raised = None
    with kit.fail_at("unlink", errno.EIO, once=True) as removal:
        try:
            with scratch_directory(tmp_path) as work:
                (pathlib.Path(work) / "page-1.png").write_bytes(b"\x89PNG")
        except OSError as exc:
            raised = exc
    leftovers = os.listdir(tmp_path)
    for name in leftovers:
        shutil.rmtree(tmp_path / name)
    assert not removal.fired or raised is not None or leftovers == [], (
        "deleting the scratch directory failed (EIO on one of its files), and nobody was told: "
        "%s stayed on disk. shutil.rmtree(path, ignore_errors=True) hides exactly that: let "
        "its error reach the caller" % leftovers)
