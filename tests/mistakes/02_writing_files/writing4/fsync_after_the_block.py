"""Calls os.fsync(fd) after the with block, when the with block has already closed fd."""
# expect: too late: call f.flush()
"""writing4: flush() is not fsync(): two buffers between your data and the disk.

When f.write(data) returns, the bytes are not on the disk. They sit in one of two buffers:

    f.write(data)  ->  Python's buffer (in your process; a few KB)
    f.flush()      ->  the OS page cache (in the kernel; survives your process crashing,
                       NOT a power cut or a kernel panic)
    os.fsync(fd)   ->  the disk (the kernel writes the file out and waits for the device)

os.fsync() only pushes what the kernel already has: whatever is still in Python's buffer is
invisible to it. So the order is write, flush, fsync: fsync without flush "succeeds" and
syncs a file that may still be empty. (Closing a file flushes it, but closing never fsyncs.)

An atomic write that should survive a power cut needs three syncs of three different things:

1. the temp file's DATA, before the rename: flush, then os.fsync. Otherwise the kernel may
   write the rename to disk before the data, and after a power cut the target is an empty
   or zero-filled file, which is worse than the old one.
2. the rename itself: os.replace changes the DIRECTORY (the name -> file mapping), and the
   directory has its own page-cache buffer. On POSIX, fsync the directory AFTER the rename:

       dir_fd = os.open(folder, os.O_RDONLY)
       try:
           os.fsync(dir_fd)
       finally:
           os.close(dir_fd)          # a descriptor like any other: don't leak it

   Until then, a power cut can bring back the old file.

Your task: save_checkpoint(path, data) writes the bytes `data` to `path` atomically (temp
file in the same directory, cleaned up on error, as in writing2 and writing3) AND durably:
write, flush, os.fsync the temp file, os.replace, then os.fsync the directory holding `path`.
`path` may also be a bare file name like "state.bin" (its directory is then the current one).
Leave no file descriptor open.

The tests record every write, flush, fsync and rename your function makes, and check how many
bytes were really in the file when you fsync'd it.
"""

import os
import tempfile


def save_checkpoint(path, data):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ckpt-", suffix=".tmp")
    try:
        with open(fd, "wb") as f:
            f.write(data)
        os.fsync(fd)  # closing the file flushed it; now push it to the disk
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    # The rename changed the directory: make that durable too (POSIX).
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


# ---------------------------------------------------------------------------------------------
# Tests

import contextlib  # noqa: E402
import errno  # noqa: E402

import iolings_testkit as kit  # noqa: E402

DATA = b"CKPT\x00\x01" + bytes(range(256)) * 3 + b"epoch=17 loss=0.0423\n"  # under 1 KB
OLD = b"CKPT\x00\x01 previous checkpoint\n"


@contextlib.contextmanager
def _recording():
    """kit.record_io(), plus the size each file had on disk when it was fsync'd."""
    with kit.record_io() as rec:
        sizes = {}  # index of the fsync event in rec.events -> st_size at that moment
        saved = os.fsync, getattr(os, "fdatasync", None)

        def watch(inner):
            def watcher(fd):
                sizes[len(rec.events)] = os.fstat(fd if isinstance(fd, int) else fd.fileno()
                                                  ).st_size
                return inner(fd)
            return watcher

        os.fsync = watch(saved[0])
        if saved[1] is not None:
            os.fdatasync = watch(saved[1])
        try:
            yield rec, sizes
        finally:
            os.fsync = saved[0]
            if saved[1] is not None:
                os.fdatasync = saved[1]


def _run(path):
    """Save DATA over OLD at path; return what the tests need to judge the order."""
    with open(path, "wb") as f:
        f.write(OLD)
    with _recording() as (rec, sizes):
        save_checkpoint(path, DATA)
    target = os.path.realpath(path)
    renames = [i for i, e in enumerate(rec.events)
               if e[0] in ("replace", "rename") and os.path.realpath(e[2]) == target]
    assert renames != [], "save_checkpoint must os.replace() a temp file onto the target"
    r = renames[-1]
    fsyncs = [(i, os.path.realpath(e[1]), sizes.get(i)) for i, e in enumerate(rec.events)
              if e[0] == "fsync"]
    return {"r": r, "tmp": os.path.realpath(rec.events[r][1]), "target": target,
            "folder": os.path.dirname(target), "fsyncs": fsyncs}


def _temp_fsyncs(run):
    before = [f for f in run["fsyncs"] if f[1] == run["tmp"] and f[0] < run["r"]]
    if before:
        return before
    late = [f for f in run["fsyncs"] if f[1] == run["target"] and f[0] > run["r"]]
    assert not late, (
        "you called os.fsync on the file only after os.replace: the kernel may put the rename "
        "on disk before the data, and after a power cut the target is empty or full of "
        "zeros. fsync the temp file BEFORE renaming it")
    assert False, (
        "the temp file was never fsync'd before the rename: f.flush() only hands the bytes to "
        "the OS page cache, which a power cut wipes. Call os.fsync(f.fileno()) after the "
        "flush, before os.replace")


def test_saves_the_bytes(tmp_path):
    path = tmp_path / "model.ckpt"
    try:
        save_checkpoint(path, DATA)
    except OSError as exc:
        if exc.errno != errno.EBADF:
            raise
        assert False, (
            "save_checkpoint raised %r: a descriptor was used after it was closed. "
            "`with open(fd, 'wb') as f:` closes fd when the block ends, so os.fsync(fd) after "
            "the block is too late: call f.flush() and os.fsync(f.fileno()) inside it" % exc)
    with open(path, "rb") as f:
        assert f.read() == DATA, "the file must hold exactly the bytes given"
    assert os.listdir(tmp_path) == ["model.ckpt"], "no temp file may be left behind"


def test_fsyncs_the_temp_file_before_the_rename(tmp_path):
    _temp_fsyncs(_run(tmp_path / "model.ckpt"))


def test_flushes_before_fsync(tmp_path):
    synced = max(f[2] or 0 for f in _temp_fsyncs(_run(tmp_path / "model.ckpt")))
    assert synced == len(DATA), (
        "when you called os.fsync, the temp file held %d of %d bytes: the rest was still in "
        "Python's own buffer, which fsync cannot see. Call f.flush() first (Python's buffer "
        "-> OS page cache), then os.fsync(f.fileno()) (page cache -> disk)"
        % (synced, len(DATA)))


def test_fsyncs_the_directory_after_the_rename(tmp_path):
    run = _run(tmp_path / "model.ckpt")
    on_dir = [f for f in run["fsyncs"] if f[1] == run["folder"]]
    assert [f for f in on_dir if f[0] > run["r"]] != [], (
        "you fsync'd the directory before the rename: the rename comes later and is not "
        "covered. fsync the directory AFTER os.replace" if on_dir else
        "after os.replace, fsync the directory: the rename changed the directory, whose "
        "entries sit in the page cache too, and a power cut can still bring the old file "
        "back. fd = os.open(folder, os.O_RDONLY); os.fsync(fd); os.close(fd)")


def _open_descriptors():
    """The file descriptors this process has open (fstat fails on a closed one)."""
    found = set()
    for fd in range(1024):
        try:
            os.fstat(fd)
        except OSError:
            continue
        found.add(fd)
    return found


def test_closes_the_directory_descriptor(tmp_path):
    open_before = _open_descriptors()
    save_checkpoint(tmp_path / "model.ckpt", DATA)
    save_checkpoint(tmp_path / "model.ckpt", DATA)
    leaked = len(_open_descriptors() - open_before)
    assert leaked <= 0, (
        "%d file descriptor(s) left open after two saves: os.open() returns a raw descriptor "
        "that no `with` closes for you: os.close(dir_fd) in a finally block" % leaked)


def test_works_with_a_bare_file_name(tmp_path):
    os.chdir(tmp_path)  # the harness restores the working directory after each test
    try:
        save_checkpoint("state.bin", DATA)
    except FileNotFoundError as exc:
        if exc.filename not in ("", b""):
            raise
        assert False, (
            "save_checkpoint('state.bin') failed: %s. For a bare file name "
            "os.path.dirname() is '': take the directory of os.path.abspath(path)" % exc)
    with open("state.bin", "rb") as f:
        assert f.read() == DATA


def test_a_crash_before_the_rename_keeps_the_old_checkpoint(tmp_path):
    path = tmp_path / "model.ckpt"
    with open(path, "wb") as f:
        f.write(OLD)
    outcome = kit.run_killed(save_checkpoint, path, DATA, at="replace")
    assert outcome.error is None, "save_checkpoint raised in the child: %s" % outcome.error
    with open(path, "rb") as f:
        assert f.read() == OLD, "killed before the rename, the old checkpoint must be intact"
