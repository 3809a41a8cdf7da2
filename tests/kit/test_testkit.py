"""Self-tests of the test kit (src/runner/iolings_testkit.py), in the exercises' style.

Run them through the harness, as root and as an ordinary user, on every Python the workbook
supports:

    cd "$(mktemp -d)" && PYTHONPATH=/path/to/src/runner python3 -X warn_default_encoding \\
        -W error::EncodingWarning /path/to/src/runner/harness.py /path/to/tests/kit/test_testkit.py

Each test proves that one helper does what its docstring says: that naive code is caught by
it and careful code is not.
"""

import errno
import os
import shutil
import stat
import sys
import tempfile
import time

import iolings_testkit as kit


def _bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _put(path, data):
    with open(path, "wb") as f:
        f.write(data)


def _fd_is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _raises(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except BaseException as exc:  # the exception itself, to look at
        return exc
    return None


# ---------------------------------------------------------------------------------------------
# fail_at


def test_a_flush_fault_reaches_a_with_block_that_only_writes(tmp_path):
    path = tmp_path / "out.txt"
    with kit.no_leaked_files():
        with kit.fail_at("flush", errno.ENOSPC) as fault:
            f = None
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write("buffered, written at close")
                    fd = f.fileno()
            except OSError as exc:
                error = exc
            else:
                error = None
    assert error is not None, "leaving the with block flushes: the flush fault must show there"
    assert (error.errno, error.strerror) == (errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert fault.fired and fault.calls == 1
    assert f.closed, "a close that fails still closes the file"
    assert not _fd_is_open(fd), "a close that fails still releases the descriptor"
    assert _bytes(path) == b"", "the buffered data never reached the file"


def test_flush_and_close_faults_reach_pathlib_and_tempfile_writers(tmp_path):
    def write_text():
        (tmp_path / "a.txt").write_text("text", encoding="utf-8")

    def named_temporary_file():
        with tempfile.NamedTemporaryFile("w", dir=tmp_path, delete=False,
                                         encoding="utf-8") as f:
            f.write("text")

    def mkstemp_and_fdopen():
        fd, name = tempfile.mkstemp(dir=tmp_path)
        with os.fdopen(fd, "wb") as f:
            f.write(b"bytes")

    def path_open_binary():
        with (tmp_path / "b.bin").open("wb") as f:
            f.write(b"bytes")

    with kit.no_leaked_files():  # every failed close released its file
        for writer in (write_text, named_temporary_file, mkstemp_and_fdopen, path_open_binary):
            for op, code in (("flush", errno.ENOSPC), ("close", errno.EFBIG)):
                with kit.fail_at(op, code) as fault:
                    error = _raises(writer)
                assert isinstance(error, OSError) and error.errno == code, (
                    "%s: a %s fault must reach it, got %r" % (writer.__name__, op, error))
                assert error.strerror == os.strerror(code)
                assert fault.calls == 1, (writer.__name__, op, fault.calls)


def test_an_explicit_flush_fault_keeps_the_data_buffered_until_a_later_close(tmp_path):
    path = tmp_path / "retry.txt"
    with kit.fail_at("flush", errno.ENOSPC, once=True) as fault:
        with open(path, "w", encoding="utf-8") as f:
            f.write("kept")
            error = _raises(f.flush)
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
    assert fault.calls == 2, "the flush close() makes counts too"
    assert _bytes(path) == b"kept", "once=True: the close's flush succeeded and wrote the data"


def test_nth_once_and_path_choose_which_call_fails(tmp_path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    outcomes = []
    with kit.fail_at("write", errno.EIO, nth=2, once=True, path="b.log") as fault:
        with open(a, "w", encoding="utf-8") as fa, open(b, "w", encoding="utf-8") as fb:
            for f in (fa, fb, fa, fb, fb):
                outcomes.append(_raises(f.write, "x") is None)
    assert outcomes == [True, True, True, False, True], outcomes
    assert fault.calls == 3 and fault.fired
    with kit.fail_at("os.write", errno.ENOSPC, nth=2) as fault:
        fd = os.open(a, os.O_WRONLY)
        try:
            results = [_raises(os.write, fd, b"y") for _ in range(3)]
        finally:
            os.close(fd)
    assert [type(r).__name__ for r in results] == ["NoneType", "OSError", "OSError"], (
        "without once=True every call from the nth on fails")


def test_fsync_faults_hit_files_and_directories(tmp_path):
    path = tmp_path / "data.bin"
    _put(path, b"data")
    for name in ("fsync", "fdatasync"):
        with kit.fail_at("fsync", errno.EIO) as fault:
            func = getattr(os, name, os.fsync)  # looked up inside the block, as code does
            with open(path, "rb+") as f:
                error = _raises(func, f.fileno())
            folder = os.open(tmp_path, os.O_RDONLY)
            try:
                error_dir = _raises(func, folder)
            finally:
                os.close(folder)
        assert isinstance(error, OSError) and error.strerror == os.strerror(errno.EIO)
        assert isinstance(error_dir, OSError) and error_dir.errno == errno.EIO
        assert fault.calls == 2
    with kit.fail_at("fsync", errno.EIO, path=tmp_path / "other") as fault:
        with open(path, "rb+") as f:
            os.fsync(f)  # another path: not counted
    assert fault.calls == 0 and not fault.fired


def test_rename_faults_hit_every_way_to_rename(tmp_path):
    src, dst = tmp_path / "src.txt", tmp_path / "dst.txt"
    _put(src, b"new")
    renames = [("os.replace", lambda: os.replace(src, dst)),
               ("os.rename", lambda: os.rename(src, dst)),
               ("Path.replace", lambda: src.replace(dst)),
               ("Path.rename", lambda: src.rename(dst))]
    for op in ("replace", "rename"):
        for name, call in renames:
            with kit.fail_at(op, errno.EXDEV) as fault:
                error = _raises(call)
            assert isinstance(error, OSError) and error.errno == errno.EXDEV, (op, name, error)
            assert error.strerror == os.strerror(errno.EXDEV)
            assert (error.filename, error.filename2) == (str(src), str(dst)), name
            assert fault.calls == 1 and src.exists() and not dst.exists()
    with kit.fail_at("rename", errno.EXDEV) as fault:
        shutil.move(str(src), str(dst))  # falls back to copy + delete on EXDEV
    assert fault.fired and dst.exists() and not src.exists()
    _put(src, b"new")
    with kit.fail_at("replace", errno.EISDIR) as fault:
        error = _raises(os.replace, src, tmp_path)
    assert isinstance(error, IsADirectoryError) and error.strerror == os.strerror(errno.EISDIR)


def test_open_mkdir_and_unlink_faults(tmp_path):
    with kit.fail_at("open", errno.EACCES, path="locked.txt") as fault:
        error = _raises(open, tmp_path / "locked.txt", "w", encoding="utf-8")
        with open(tmp_path / "free.txt", "w", encoding="utf-8"):
            pass
        error_os = _raises(os.open, tmp_path / "locked.txt", os.O_RDONLY)
    assert isinstance(error, PermissionError) and error.filename.endswith("locked.txt")
    assert isinstance(error_os, PermissionError) and fault.calls == 2
    with kit.fail_at("mkdir", errno.ENOSPC) as fault:
        errors = [_raises(os.makedirs, tmp_path / "x" / "y"), _raises((tmp_path / "z").mkdir),
                  _raises(tempfile.mkdtemp, dir=tmp_path)]
    assert [e.errno for e in errors] == [errno.ENOSPC] * 3 and fault.calls == 3
    victim = tmp_path / "free.txt"
    with kit.fail_at("unlink", errno.EBUSY) as fault:
        errors = [_raises(os.remove, victim), _raises(os.unlink, victim), _raises(victim.unlink)]
    assert [e.errno for e in errors] == [errno.EBUSY] * 3 and victim.exists()


def test_fail_at_rejects_an_unknown_operation():
    error = _raises(kit.fail_at("sync").__enter__)
    assert isinstance(error, ValueError) and "fsync" in str(error)


# ---------------------------------------------------------------------------------------------
# short_writes and eintr


def _naive_write(fd, data):
    os.write(fd, data)


def _looping_write(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_with(writer, path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        writer(fd, data)
    finally:
        os.close(fd)
    return _bytes(path)


def test_short_writes_lose_data_of_a_single_os_write_but_not_of_a_loop(tmp_path):
    data = bytes(range(256)) * 4
    with kit.short_writes(limit=100) as short:
        naive = _write_with(_naive_write, tmp_path / "naive.bin", data)
        looped = _write_with(_looping_write, tmp_path / "loop.bin", data)
    assert naive == data[:100], "one os.write took only 100 bytes: the rest is lost"
    assert looped == data, "a loop that honours os.write's count writes everything"
    assert short.calls >= 2
    assert _write_with(_naive_write, tmp_path / "after.bin", data) == data, "undone at exit"


def test_short_writes_cover_unbuffered_files_but_not_buffered_ones(tmp_path):
    with kit.short_writes(limit=3):
        with open(tmp_path / "raw.bin", "wb", buffering=0) as raw:
            count = raw.write(bytearray(b"abcdefgh"))
        with open(tmp_path / "buffered.bin", "wb") as f:
            f.write(b"abcdefgh")
        with open(tmp_path / "text.txt", "w", encoding="utf-8") as f:
            f.write("abcdefgh")
    assert count == 3 and _bytes(tmp_path / "raw.bin") == b"abc"
    assert _bytes(tmp_path / "buffered.bin") == b"abcdefgh"
    assert _bytes(tmp_path / "text.txt") == b"abcdefgh"


def test_eintr_runs_a_handler_and_cuts_a_write_short(tmp_path):
    data = b"0123456789" * 10
    with kit.eintr("write") as sig:
        naive = _write_with(_naive_write, tmp_path / "naive.bin", data)
    assert sig.signals == 1 and sig.fired, "the signal arrived during the call"
    assert naive == data[:50], "interrupted after half the bytes: os.write returned 50"
    with kit.eintr("write"):
        assert _write_with(_looping_write, tmp_path / "loop.bin", data) == data
    fd = os.open(tmp_path / "loop.bin", os.O_RDONLY)
    try:
        with kit.eintr("read") as sig:
            first = os.read(fd, 100)
    finally:
        os.close(fd)
    assert len(first) == 50 and sig.signals == 1
    with kit.eintr("fsync") as sig:
        with open(tmp_path / "loop.bin", "rb+") as f:
            os.fsync(f.fileno())  # retried by Python: no error
    assert sig.signals == 1


# ---------------------------------------------------------------------------------------------
# run_killed


def _save_durably(path, text):
    tmp = str(path) + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def test_run_killed_at_fsync_leaves_the_state_before_the_fsync(tmp_path):
    path = tmp_path / "config.txt"
    _put(path, b"old")
    outcome = kit.run_killed(_save_durably, path, "new", at="fsync")
    assert outcome.killed and outcome.error is None
    assert _bytes(path) == b"old", "killed before the fsync, so before the replace too"
    assert _bytes(str(path) + ".tmp") == b"new", "the flushed data was in the temp file"
    assert outcome.events[-1][:2] == ("killed", "before fsync")


def test_run_killed_at_any_operation_and_nth(tmp_path):
    path = tmp_path / "config.txt"
    _put(path, b"old")
    outcome = kit.run_killed(_save_durably, path, "new", at="replace")
    assert outcome.killed and _bytes(path) == b"old"
    assert outcome.events[-1] == ("killed", "before rename", str(path))
    outcome = kit.run_killed(_save_durably, path, "new", at="flush", nth=1)
    assert outcome.killed and _bytes(str(path) + ".tmp") == b"", "killed before the flush"
    outcome = kit.run_killed(_save_durably, path, "new")
    assert not outcome.killed and outcome.returned is None and _bytes(path) == b"new"

    def two_lines(p):
        with open(p, "a", encoding="utf-8") as f:
            f.write("one\n")
            f.flush()
            f.write("two\n")
            f.flush()
    outcome = kit.run_killed(two_lines, tmp_path / "log.txt", at="flush", nth=2)
    assert outcome.killed and _bytes(tmp_path / "log.txt") == b"one\n"


def _write_views(path, use_fd):
    import array

    numbers = array.array("I", range(8))  # a memoryview of format "I": 32 bytes, 8 items
    pieces = [memoryview(numbers), bytearray(b"b" * 10), memoryview(b"m" * 10), b"z" * 10]
    if use_fd:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        for piece in pieces:
            os.write(fd, piece)
        os.close(fd)
    else:
        with open(path, "wb") as f:
            for piece in pieces:
                f.write(piece)
    return "finished"


def test_run_killed_after_bytes_takes_any_bytes_like_object(tmp_path):
    import array

    full = array.array("I", range(8)).tobytes() + b"b" * 10 + b"m" * 10 + b"z" * 10
    for use_fd in (False, True):
        for cut in (5, 32, 47):
            path = tmp_path / ("torn-%s-%d.bin" % (use_fd, cut))
            outcome = kit.run_killed(_write_views, path, use_fd, after_bytes=cut)
            assert outcome.error is None, outcome.error
            assert outcome.killed and _bytes(path) == full[:cut], (use_fd, cut, _bytes(path))
        outcome = kit.run_killed(_write_views, path, use_fd, after_bytes=len(full) + 1)
        assert not outcome.killed and outcome.returned == "finished" and _bytes(path) == full


def test_run_killed_after_bytes_counts_the_bytes_of_text(tmp_path):
    def write(p):
        with open(p, "w", encoding="utf-8", newline="\r\n") as f:
            f.write("é\n")
            f.write("ü\n")
    outcome = kit.run_killed(write, tmp_path / "t.txt", after_bytes=5)
    assert outcome.killed and _bytes(tmp_path / "t.txt") == "é\r\n".encode() + b"\xc3", (
        "the file gets the first 5 bytes: a character torn in two, as a crash leaves it")


# ---------------------------------------------------------------------------------------------
# record_io, failing_writes, read_only (the helpers that were there first)


def test_record_io_sees_path_open_and_keeps_the_real_layers(tmp_path):
    import io

    with kit.record_io() as rec:
        with (tmp_path / "a.txt").open("w", encoding="utf-8") as f:
            f.write("hi")
            layers = type(f.buffer), type(f.buffer.raw)
        fd, name = tempfile.mkstemp(dir=tmp_path)
        with os.fdopen(fd, "w", encoding="utf-8") as g:
            g.write("x")
            os.fsync(g.fileno())
        os.replace(name, tmp_path / "b.txt")
    assert layers == (io.BufferedWriter, io.FileIO)
    assert rec.kinds() == ["open", "write", "close", "open", "write", "fsync", "close",
                           "replace"], rec.kinds()
    assert [os.path.realpath(p) for p in rec.paths("fsync")] == [os.path.realpath(name)]
    assert rec.events[-1] == ("replace", name, str(tmp_path / "b.txt"))


def test_failing_writes_and_read_only_still_work(tmp_path):
    with kit.failing_writes(errno.ENOSPC, after_bytes=3):
        with open(tmp_path / "a.bin", "wb", buffering=0) as f:
            f.write(b"abc")
            error = _raises(f.write, memoryview(b"d"))
    assert error.errno == errno.ENOSPC and _bytes(tmp_path / "a.bin") == b"abc"
    folder = tmp_path / "ro"
    folder.mkdir()
    with kit.read_only(folder):
        errors = [_raises(open, folder / "new.txt", "w", encoding="utf-8"),
                  _raises(os.mkdir, folder / "sub"), _raises((folder / "p").write_text, "x",
                                                             encoding="utf-8")]
    assert [type(e) for e in errors] == [PermissionError] * 3


def test_contexts_nest_and_put_everything_back(tmp_path):
    import builtins
    import io
    import pathlib

    before = (builtins.open, io.open, os.write, os.replace, os.stat, os.listdir, os.scandir,
              os.path.exists, pathlib.Path.exists, pathlib.Path.__dict__.get("stat"))
    with kit.fail_at("replace", errno.EXDEV) as fault, kit.record_io() as rec, \
            kit.shuffled_listing(), kit.between_check_and_use(lambda: None):
        _put(tmp_path / "a", b"a")
        error = _raises(os.replace, tmp_path / "a", tmp_path / "b")
        os.path.exists(tmp_path)
    after = (builtins.open, io.open, os.write, os.replace, os.stat, os.listdir, os.scandir,
             os.path.exists, pathlib.Path.exists, pathlib.Path.__dict__.get("stat"))
    assert fault.fired and isinstance(error, OSError)
    assert rec.kinds() == ["open", "write", "close"], "the failed replace is not recorded"
    assert before == after, "every patched function is the original again"


# ---------------------------------------------------------------------------------------------
# Data


def test_text_cases_hold_what_their_names_say(tmp_path):
    cases = kit.TEXT_CASES
    assert set(cases) >= {"empty", "one_line_no_newline", "no_final_newline", "blank_lines",
                          "trailing_spaces", "crlf", "mixed_newlines", "u2028",
                          "separator_in_value", "bom", "tabs", "unicode"}
    assert cases["empty"] == ""
    assert "\n" not in cases["one_line_no_newline"]
    assert not cases["no_final_newline"].endswith("\n") and "\n" in cases["no_final_newline"]
    assert "\n\n" in cases["blank_lines"] and cases["blank_lines"].startswith("\n")
    assert " \n" in cases["trailing_spaces"] and "\t\n" in cases["trailing_spaces"]
    assert cases["crlf"].count("\r\n") == cases["crlf"].count("\n") == 3
    mixed = cases["mixed_newlines"]
    assert "\r\n" in mixed and "\r" in mixed.replace("\r\n", "") and "\n" in mixed.replace(
        "\r\n", "")
    assert cases["bom"].startswith("\ufeff")
    assert "\t" in cases["tabs"]
    assert any(len(ch.encode("utf-8")) == 4 for ch in cases["unicode"])
    assert all("=" in line.split("=", 1)[1] or ":" in line or "," in line or line == "empty="
               for line in cases["separator_in_value"].splitlines())
    for name in cases:
        path = kit.write_case(tmp_path / (name + ".txt"), name)
        assert _bytes(path) == cases[name].encode("utf-8"), "written byte-exactly: " + name
    u2028 = kit.write_case(tmp_path / "u.txt", "u2028")
    with open(u2028, encoding="utf-8", newline="") as f:
        file_lines = f.read().split("\n")[:-1]
    assert len(cases["u2028"].splitlines()) > len(file_lines) == 5, (
        "str.splitlines splits at U+2028 and friends; a file's lines do not")


def _char_starts(data, encoding):
    starts, pos = set(), 0
    for ch in data.decode(encoding):
        starts.add(pos)
        pos += len(ch.encode(encoding))
    return starts


def test_straddling_text_splits_a_character_at_every_boundary():
    for size in (16, 100, 4096):
        text = kit.straddling_text(size)
        data = text.encode("utf-8")
        assert 3 * size < len(data) <= 4 * size and text.endswith("\n")
        starts = _char_starts(data, "utf-8")
        for boundary in (size, 2 * size, 3 * size):
            assert boundary not in starts, "a character must straddle %d" % boundary
            try:
                data[:boundary].decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise AssertionError("the chunk before %d decodes on its own" % boundary)
    widths = {len(kit.straddling_text(64, chunks=8).encode("utf-8")[b - 4:b + 4].decode(
        "utf-8", "ignore")) for b in range(64, 512, 64)}
    assert len(widths) > 1, "several kinds of multi-byte characters, not always the same one"
    data = kit.straddling_text(64, encoding="utf-16").encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    for boundary in (64, 128, 192):
        piece = data[boundary - 2:boundary + 2]
        assert 0xD8 <= piece[1] <= 0xDB or 0xD8 <= piece[0] <= 0xDB, (
            "in UTF-16 a surrogate pair straddles %d" % boundary)


def test_straddling_text_can_split_crlf_instead():
    for size in (10, 512):
        data = kit.straddling_text(size, newline="\r\n").encode("utf-8")
        for boundary in (size, 2 * size, 3 * size):
            assert data[boundary - 1:boundary + 1] == b"\r\n", boundary
        assert data.count(b"\n") == data.count(b"\r\n") and data.endswith(b"\r\n")


# ---------------------------------------------------------------------------------------------
# File systems


def test_make_tree_builds_every_kind_of_entry(tmp_path):
    root = kit.make_tree(tmp_path / "t", {
        "a.txt": "text é\r\n", "b.bin": b"\x00\xff", "sub": {"c.txt": "c", "deeper": {}},
        "link": kit.Symlink("a.txt"), "dangling": kit.Symlink("nowhere"), "pipe": kit.FIFO,
        "empty_dir": {}})
    assert root == tmp_path / "t" and type(root).__name__.endswith("Path")
    assert _bytes(root / "a.txt") == "text é\r\n".encode("utf-8")
    assert _bytes(root / "b.bin") == b"\x00\xff" and _bytes(root / "sub" / "c.txt") == b"c"
    assert os.readlink(root / "link") == "a.txt" and not (root / "dangling").exists()
    assert stat.S_ISFIFO(os.lstat(root / "pipe").st_mode)
    assert os.listdir(root / "empty_dir") == [] and (root / "sub" / "deeper").is_dir()


def test_awkward_tree_has_every_awkward_thing(tmp_path):
    root = kit.awkward_tree(tmp_path)
    names = set(os.listdir(root))
    for name in (".hidden", ".git", "dangling", "link_to_sub", "loop", "pipe",
                 "name with spaces.txt", "[x].txt", "café.txt", "a\\b.txt", "Readme.md",
                 "README.md", "empty.txt", "empty_dir"):
        assert name in names, name
    assert os.path.islink(root / "dangling") and not os.path.exists(root / "dangling")
    assert os.path.isdir(root / "link_to_sub") and os.path.islink(root / "link_to_sub")
    error = _raises(os.stat, root / "loop")
    assert isinstance(error, OSError) and error.errno == errno.ELOOP
    assert stat.S_ISFIFO(os.lstat(root / "pipe").st_mode)
    assert os.path.getsize(root / "empty.txt") == 0 and os.listdir(root / "empty_dir") == []


def test_no_blocking_opens_fails_instead_of_hanging_on_a_fifo(tmp_path):
    root = kit.awkward_tree(tmp_path)

    def read_everything(folder):
        texts = {}
        for name in sorted(os.listdir(folder)):
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    texts[name] = f.read()
            except Exception:  # naive: swallows every error
                pass
        return texts

    def guarded():
        with kit.no_blocking_opens():
            read_everything(root)

    started = time.monotonic()
    error = _raises(guarded)
    assert isinstance(error, AssertionError) and "'pipe'" in str(error).replace(
        str(root) + os.sep, ""), "it names the FIFO, though the code swallowed the error"
    assert time.monotonic() - started < 2
    with kit.no_blocking_opens() as opened:  # careful code: opens regular files only
        for entry in os.scandir(root):
            if os.path.isfile(entry.path):
                with open(entry.path, "rb") as f:
                    f.read()
    assert opened == []


def test_shuffled_listing_scrambles_every_listing_the_same_way(tmp_path):
    names = ["f%d.txt" % i for i in range(8)]
    for name in names:  # created in sorted order: creation order == sorted order
        _put(tmp_path / name, b"x")
    (tmp_path / "sub").mkdir()
    _put(tmp_path / "sub" / "f9.txt", b"x")
    import glob
    import pathlib

    def listings():
        with os.scandir(tmp_path) as it:
            scanned = [e.name for e in it if e.name.startswith("f")]
            entry_type = type(next(iter(os.scandir(tmp_path))))
        return {
            "listdir": [n for n in os.listdir(tmp_path) if n.startswith("f")],
            "scandir": scanned,
            "iterdir": [p.name for p in pathlib.Path(tmp_path).iterdir()
                        if p.name.startswith("f")],
            "walk": next(os.walk(tmp_path))[2],
            "glob": [os.path.basename(p) for p in glob.glob(str(tmp_path / "f*.txt"))],
            "iglob": [os.path.basename(p) for p in glob.iglob(str(tmp_path / "f*.txt"))],
            "Path.glob": [p.name for p in tmp_path.glob("f*.txt")],
            "Path.rglob": [p.name for p in tmp_path.rglob("f[0-7].txt")],
        }, entry_type

    with kit.shuffled_listing(seed=0):
        first, entry_type = listings()
        again, _ = listings()
    with kit.shuffled_listing(seed=1):
        other, _ = listings()
    assert entry_type is os.DirEntry
    for how, order in first.items():
        assert sorted(order) == names, (how, order)
        assert order != names, "%s came back sorted (or in creation order)" % how
        assert order == first["listdir"], "%s: one order for every kind of listing" % how
        assert again[how] == order, "%s: the same order every time" % how
    assert other["listdir"] != first["listdir"], "another seed, another order"


def test_shuffled_listing_avoids_the_systems_order_too(tmp_path):
    for name in ("c", "a", "b"):
        _put(tmp_path / name, b"")
    plain = os.listdir(tmp_path)
    with kit.shuffled_listing():
        shuffled = os.listdir(tmp_path)
    assert shuffled not in (plain, ["a", "b", "c"], ["c", "a", "b"]), shuffled


def test_umask_via_symlink_and_set_mtimes(tmp_path):
    with kit.umask(0o077):
        with open(tmp_path / "private.txt", "w", encoding="utf-8"):
            pass
    assert stat.S_IMODE(os.stat(tmp_path / "private.txt").st_mode) == 0o600
    now = os.umask(0o022)
    os.umask(now)
    with kit.umask(0o002):
        inner = os.umask(0o002)
    assert inner == 0o002 and os.umask(now) == now
    target = tmp_path / "data.txt"
    _put(target, b"data")
    linked = kit.via_symlink(target)
    assert linked != target and _bytes(linked) == b"data"
    assert os.path.realpath(linked) == os.path.realpath(target)
    assert any(os.path.islink(p) for p in [linked.parent, *linked.parents][:2])
    folder = kit.via_symlink(tmp_path)
    assert os.path.islink(folder) and os.path.samefile(folder, tmp_path)
    files = [tmp_path / n for n in ("a", "b", "c")]
    for f in files:
        _put(f, b"")
    when = kit.set_mtimes(files)
    assert {os.stat(f).st_mtime_ns for f in files} == {int(when) * 10 ** 9}
    assert {os.stat(f).st_mtime for f in files} == {when}


# ---------------------------------------------------------------------------------------------
# Concurrency


def test_between_check_and_use_fires_after_the_first_check_at_every_layer(tmp_path):
    import pathlib

    checks = {
        "os.path.exists": lambda p: os.path.exists(p),
        "os.path.isfile": lambda p: os.path.isfile(p),
        "os.path.lexists": lambda p: os.path.lexists(p),
        "os.access": lambda p: os.access(p, os.F_OK),
        "os.stat": lambda p: _raises(os.stat, p) is None,
        "os.lstat": lambda p: _raises(os.lstat, p) is None,
        "os.listdir": lambda p: os.path.basename(p) in os.listdir(os.path.dirname(p)),
        "os.scandir": lambda p: any(e.name == os.path.basename(p)
                                    for e in os.scandir(os.path.dirname(p))),
        "Path.exists": lambda p: pathlib.Path(p).exists(),
        "Path.is_file": lambda p: pathlib.Path(p).is_file(),
        "Path.stat": lambda p: _raises(pathlib.Path(p).stat) is None,
    }
    for label, check in checks.items():
        path = tmp_path / ("claim-" + label)

        def someone_else_creates_it():
            _put(path, b"theirs")

        with kit.between_check_and_use(someone_else_creates_it) as race:
            found = check(str(path))
            if not found:  # check, then act: the naive way
                error = _raises(_put, path, b"mine")
        assert race.fired and race.check == label, (label, race)
        assert found is False and error is None and _bytes(path) == b"mine", (
            "%s answered 'missing', the file appeared right after, and the naive code "
            "overwrote it" % label)


def test_between_check_and_use_does_not_hurt_atomic_code_and_can_be_narrowed(tmp_path):
    path = tmp_path / "claim"

    def claim():
        try:
            with open(path, "x", encoding="utf-8") as f:
                f.write("mine")
            return True
        except FileExistsError:
            return False

    with kit.between_check_and_use(lambda: _put(path, b"theirs")) as race:
        if not os.path.exists(path):
            won = claim()
    assert race.fired and won is False and _bytes(path) == b"theirs"
    other = tmp_path / "claimed-by-someone"
    with kit.between_check_and_use(lambda: _put(other, b"x"), ops=["exists"],
                                   path="claimed-by-someone") as race:
        os.stat(tmp_path)  # not an exists() check
        os.path.exists(tmp_path / "elsewhere")  # not that path
        assert race.fired is False
        assert os.path.exists(other) is False
    assert race.check == "os.path.exists" and other.exists()


def test_race_releases_threads_and_processes_together():
    import threading

    meeting = threading.Barrier(3, timeout=5)

    def meet(n):
        meeting.wait()  # only returns if all three threads run at the same time
        return n * 2

    assert kit.race(meet, 21, threads=3) == [42, 42, 42]

    def pid_or_fail(fail):
        if fail:
            raise KeyError("boom")
        return os.getpid()

    results = kit.race(pid_or_fail, False, threads=1, processes=2)
    assert results[0] == os.getpid() and len(set(results)) == 3
    results = kit.race(pid_or_fail, True, threads=1, processes=1)
    assert [type(r) for r in results] == [KeyError, KeyError] and results[1].args == ("boom",)
    results = kit.race(lambda: sys.exit(3), threads=0, processes=1)
    assert isinstance(results[0], SystemExit), "a child that exits never returns into the tests"
    results = kit.race(lambda: (lambda: None), threads=0, processes=1)
    assert isinstance(results[0], RuntimeError), "an unpicklable result comes back as an error"


def test_in_thread_and_after_fork_return_or_reraise():
    import threading

    assert kit.in_thread(threading.get_ident) != threading.get_ident()
    error = _raises(kit.in_thread, int, "x")
    assert isinstance(error, ValueError)
    assert kit.after_fork(os.getpid) != os.getpid()
    error = _raises(kit.after_fork, os.stat, "/nonexistent/file")
    assert isinstance(error, FileNotFoundError)
    error = _raises(kit.after_fork, os._exit, 4)
    assert isinstance(error, ChildProcessError) and "status 4" in str(error)
    error = _raises(kit.after_fork, sys.exit, 3)
    assert isinstance(error, ChildProcessError) and "SystemExit(3)" in str(error), (
        "a child's SystemExit must not end the test run")
    error = _raises(kit.in_thread, sys.exit, 2)
    assert isinstance(error, ChildProcessError) and "SystemExit(2)" in str(error)


def test_importing_the_kit_stays_cheap():
    folder = os.path.dirname(kit.__file__)
    code = ("import sys; sys.path.insert(0, %r); before = set(sys.modules); "
            "import iolings_testkit; print(sorted(set(sys.modules) - before))" % folder)
    done = kit.run_python(code, env=dict(os.environ), args=("-S", "-I"))
    assert done.returncode == 0, done.stderr
    loaded = set(eval(done.stdout))
    heavy = {"contextlib", "pickle", "signal", "subprocess", "threading", "pathlib", "random",
             "tempfile", "glob", "shutil", "functools", "collections", "warnings"}
    assert not loaded & heavy, "imported at start-up: %s" % sorted(loaded & heavy)


C_LOCALE_MODULE = '''
import locale

AT_IMPORT = locale.nl_langinfo(locale.CODESET)


def read_default(path):
    with open(path) as f:  # the machine's encoding
        return f.read()


def read_utf8(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def at_import():
    return AT_IMPORT
'''


def test_in_c_locale_decodes_as_ascii_here_and_in_a_fresh_interpreter(tmp_path):
    import importlib
    import locale
    import warnings

    _put(tmp_path / "c_locale_probe.py", C_LOCALE_MODULE.encode("ascii"))
    _put(tmp_path / "text.txt", "Café\n".encode("utf-8"))
    sys.path.insert(0, str(tmp_path))
    try:
        probe = importlib.import_module("c_locale_probe")
    finally:
        sys.path.remove(str(tmp_path))
    before = locale.setlocale(locale.LC_CTYPE)
    # In UTF-8 mode only a fresh interpreter can have the C locale's encoding.
    for fresh in (True,) if sys.flags.utf8_mode else (False, True):
        assert kit.in_c_locale(probe.read_utf8, tmp_path / "text.txt", fresh=fresh) == "Café\n"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EncodingWarning)
            error = _raises(kit.in_c_locale, probe.read_default, tmp_path / "text.txt",
                            fresh=fresh)
        assert isinstance(error, UnicodeDecodeError), (fresh, error)
        # The module is loaded again there: what it works out at import sees the C locale.
        assert kit.in_c_locale(probe.at_import, fresh=fresh) == "ANSI_X3.4-1968", fresh
        assert sys.getfilesystemencoding() != "ascii" or fresh
    assert locale.setlocale(locale.LC_CTYPE) == before, "the locale was not put back"
    assert probe.at_import() != "ANSI_X3.4-1968", "the loaded module was replaced"
    assert sys.modules["c_locale_probe"] is probe
