"""Another correct solution: os.fdopen, os.fdatasync, a finally block with a renamed flag, O_DIRECTORY for the folder."""

import os, tempfile
def save_checkpoint(path, data):
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    fd, tmp = tempfile.mkstemp(dir=folder)
    renamed = False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fdatasync(f.fileno())
        os.rename(tmp, path)
        renamed = True
    finally:
        if not renamed:
            os.unlink(tmp)
    dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import os  # noqa: E402

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
        with kit.no_leaked_files():  # every file object closed, by a `with` block
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
    elsewhere = [f[1] for f in run["fsyncs"] if f[0] > run["r"] and f[1] != run["folder"]
                 and os.path.isdir(f[1])]
    assert not elsewhere or on_dir, (
        "after the rename you fsync'd the directory %s, but the rename changed %s, the "
        "directory holding the target: fsync that one, os.path.dirname(os.path.abspath(path))"
        % (elsewhere[0], run["folder"]))
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
        "that no `with` closes for you. Close every one you open, in a finally block: "
        "try: os.fsync(dir_fd) finally: os.close(dir_fd)" % leaked)


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


def test_the_temp_file_is_in_the_same_directory(tmp_path):
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    run = _run(folder / "model.ckpt")
    assert os.path.dirname(run["tmp"]) == run["folder"], (
        "the temp file was created in %s, not in the target's directory %s: os.replace is "
        "only atomic within one filesystem, and from elsewhere it may fail with EXDEV. "
        "tempfile.mkstemp(dir=folder)" % (os.path.dirname(run["tmp"]), run["folder"]))


def test_a_failing_fsync_is_a_failed_save(tmp_path):
    # When fsync fails (EIO: the disk could not write the data), the kernel may already
    # have dropped those pages: the data is NOT safe, and only the caller can react.
    path = tmp_path / "model.ckpt"
    run = _run(path)
    for nth, (_, synced, _) in enumerate(run["fsyncs"], start=1):
        what = {run["tmp"]: "the temp file's fsync", run["folder"]: "the directory's fsync",
                run["target"]: "the target's fsync"}.get(synced, "fsync number %d" % nth)
        with open(path, "wb") as f:
            f.write(OLD)
        open_before = _open_descriptors()
        with kit.fail_at("fsync", errno.EIO, nth=nth, once=True) as fault:  # and fdatasync
            try:
                save_checkpoint(path, DATA)
                raised = None
            except OSError as exc:
                raised = exc
        if not fault.fired:
            continue
        assert raised is not None, (
            "%s failed with EIO, and save_checkpoint returned normally: the caller would "
            "believe the checkpoint is safely on disk. Never catch and ignore an fsync error, "
            "and don't retry it either (the kernel may already have dropped the data, so a "
            "second fsync can report success): let the error reach the caller (try/finally "
            "only to close a descriptor)" % what)
        assert raised.errno == errno.EIO, (
            "%s failed with EIO, but the caller got another error, raised while cleaning up: "
            "%r. Let the original error through" % (what, raised))
        if synced == run["tmp"]:
            with open(path, "rb") as f:
                assert f.read() == OLD, (
                    "the temp file's fsync failed, so its data may never reach the disk: it "
                    "must not replace the old checkpoint. Don't go on to the rename")
        assert sorted(os.listdir(tmp_path)) == ["model.ckpt"], (
            "%s failed, and the temp file was left behind: clean up on every error" % what)
        leaked = len(_open_descriptors() - open_before)
        how = ("dir_fd = os.open(...); try: os.fsync(dir_fd) finally: os.close(dir_fd)"
               if synced == run["folder"] else
               "write the temp file in a `with` block, which closes it whatever happens")
        assert leaked <= 0, (
            "%s failed, and %d file descriptor(s) stayed open: a descriptor must be closed on "
            "the error path too: %s" % (what, leaked, how))


def test_ctrl_c_while_fsync_waits(tmp_path):
    # fsync can take seconds on a slow disk: that is when a user presses Ctrl-C.
    path = tmp_path / "model.ckpt"
    with open(path, "wb") as f:
        f.write(OLD)
    with kit.fail_at("fsync", KeyboardInterrupt):  # os.fsync and os.fdatasync
        try:
            save_checkpoint(path, DATA)
            got = None
        except BaseException as exc:
            got = type(exc).__name__
    assert got == "KeyboardInterrupt", (
        "Ctrl-C arrived during the fsync, and save_checkpoint %s: let the KeyboardInterrupt "
        "through, after cleaning up" % ("returned normally" if got is None else "raised " + got))
    with open(path, "rb") as f:
        assert f.read() == OLD, "interrupted before the rename, the old checkpoint must be intact"
    assert sorted(os.listdir(tmp_path)) == ["model.ckpt"], (
        "Ctrl-C (KeyboardInterrupt) during the save left the temp file behind: it is not an "
        "Exception, so `except Exception:` misses it. Clean up in `except BaseException:` "
        "(or a finally block), then `raise`")


def test_every_byte_arrives_despite_short_writes(tmp_path):
    # A write may take fewer bytes than it was given: os.write() returns how many it took;
    # a file object loops until all of them are written.
    with kit.short_writes(100):
        save_checkpoint(tmp_path / "model.ckpt", DATA)
    with open(tmp_path / "model.ckpt", "rb") as f:
        got = f.read()
    assert len(got) == len(DATA) or got != DATA[:len(got)], (
        "when the system took at most 100 bytes per write, the checkpoint got only %d of its "
        "%d bytes: os.write(fd, data) returns how many bytes it wrote, and the rest is "
        "silently dropped. Loop until every byte is written, or write through a file object"
        % (len(got), len(DATA)))
    assert got == DATA, "the file must hold exactly the bytes given"


def test_two_saves_at_the_same_moment(tmp_path):
    # Two trainers save the same checkpoint at once: the second one runs from start to end
    # while the first is just about to rename its temp file.
    path = tmp_path / "model.ckpt"
    with open(path, "wb") as f:
        f.write(OLD)
    second = []
    real = os.replace, os.rename

    def other_worker_saves_first(rename):
        def hooked(src, dst, *args, **kwargs):
            if not second:
                second.append("ok")
                try:
                    save_checkpoint(path, DATA[::-1])
                except Exception as exc:
                    second[0] = exc
            return rename(src, dst, *args, **kwargs)
        return hooked

    os.replace, os.rename = (other_worker_saves_first(f) for f in real)
    first = "ok"
    try:
        save_checkpoint(path, DATA)
    except Exception as exc:
        first = exc
    finally:
        os.replace, os.rename = real
    failed = [r for r in [first] + second if r != "ok"]
    assert failed == [], (
        "two saves of the same checkpoint ran at the same moment, and one of them failed with "
        "%r: both used the same temp file. A fixed name (path + '.tmp') is shared by every "
        "writer: let tempfile.mkstemp(dir=...) create a fresh, unique one" % failed[0])
    with open(path, "rb") as f:
        assert f.read() == DATA, "the last rename was the first save's: its bytes must win"
    assert sorted(os.listdir(tmp_path)) == ["model.ckpt"], "no temp file may be left behind"
