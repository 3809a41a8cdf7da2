"""delete=False and no cleanup: every failed upload leaves a .part file behind."""
# expect: left behind
"""dirs5: temporary files and folders that always go away, under names nobody can guess.

The upload service needs scratch space all the time: the request body is spooled to disk
before it is checked, a virus scanner reads a file by its name, a converter works in a
folder of its own. Each of those must disappear when the work is done, and also when it
fails halfway; and its name must not be guessable, or another process (another request,
another user on a shared /tmp) can create the file first, or a symlink in its place.

tempfile creates every one of them with a random name, atomically (O_CREAT | O_EXCL: it
fails rather than open something that is already there) and private to you (files 0o600,
folders 0o700):

    fd, path = tempfile.mkstemp(dir=..., prefix=..., suffix=...)
        a new file, opened: YOU close fd (os.fdopen(fd, "wb") gives a file object that
        does) and YOU delete the file.
    tempfile.NamedTemporaryFile(dir=..., prefix=..., suffix=..., delete=True)
        the same as a file object with a .name. delete=True: the file is deleted when it is
        closed (the end of the with block). delete=False: it stays, and is yours to delete.
    tempfile.TemporaryDirectory(prefix=...)
        a new folder; `with ... as path:` deletes it, with everything in it, at the end of
        the block, also when an exception leaves the block.
    tempfile.mktemp()
        only returns a name, nothing is created: by the time you open it, someone else may
        have. Never use it; and never build names from the pid, a counter or the time.

Without dir=, they go to tempfile.gettempdir() ($TMPDIR, else /tmp). A file you will later
rename into a folder belongs in THAT folder (dir=folder): a rename cannot cross file
systems.

Two traps of NamedTemporaryFile: what you write sits in Python's buffer until flush(), so
a program that reads the file by its name sees nothing (call f.flush() first); and with
delete=True the file is gone once closed, so hand the name to the reader INSIDE the with.

Cleanup on failure: `try: ... except BaseException: delete it; raise` (BaseException, so
that KeyboardInterrupt and SystemExit clean up too), around everything that can fail,
including the close, which writes the buffer and can fail on a full disk.

Your task:

- spool_upload(chunks, folder) -> Path: write the bytes chunks (an iterable) to a new file
  in `folder` named ".upload-<random>.part" (prefix ".upload-", suffix ".part"), mode
  0o600, and return its path; the file stays for the caller. If anything fails (the chunks
  raise, a write or the close fails, even KeyboardInterrupt), delete the file, leak no file
  descriptor, and let the exception propagate.
- inspect_upload(data, reader) -> whatever reader returns: write the bytes `data` to a
  new named temporary file (random name, mode 0o600) in tempfile.gettempdir(), call
  reader(path) while the file holds all of data, and return reader's result. The file is
  gone afterwards, also when reader raises.
- convert(data, tool) -> bytes: make a scratch folder with tempfile.TemporaryDirectory(),
  write data to <scratch>/input.bin, call tool(input_path, output_path) with output_path
  <scratch>/output.bin, and return the bytes the tool wrote there. The scratch folder is
  deleted with everything the tool left in it, also when the tool raises.
"""

import os
import tempfile
from pathlib import Path


def spool_upload(chunks, folder):
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", suffix=".part",
                                     delete=False) as f:
        for chunk in chunks:
            f.write(chunk)
    return Path(f.name)


def inspect_upload(data, reader):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return reader(f.name)


def convert(data, tool):
    with tempfile.TemporaryDirectory() as scratch:
        source = os.path.join(scratch, "input.bin")
        target = os.path.join(scratch, "output.bin")
        with open(source, "wb") as f:
            f.write(data)
        tool(source, target)
        with open(target, "rb") as f:
            return f.read()


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import stat  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import iolings_testkit as kit  # noqa: E402

CHUNKS = [b"%PDF-1.7\n", b"\x00\xff" * 5000, "caf\u00e9 \u20ac".encode("utf-8"), b"%%EOF\n"]
SMALL = b"%PDF-1.7 a small upload, smaller than a write buffer\n" * 8


@contextlib.contextmanager
def private_tmp(tmp_path):
    """tempfile.gettempdir() is a fresh folder for the block, so leftovers are seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved


def open_fds():
    return len(os.listdir("/proc/self/fd"))


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class ClientGone(Exception):
    """The client hung up in the middle of the upload."""


def chunks_then(error):
    yield CHUNKS[0]
    yield CHUNKS[1]
    raise error


def test_spool_upload_writes_a_private_file(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    with kit.umask(0o002):
        got = spool_upload(iter(CHUNKS), folder)
    assert isinstance(got, Path), "spool_upload returns a pathlib.Path"
    assert got.parent == folder, (
        "the spooled file must be in `folder` (it is renamed there later, and a rename "
        "cannot leave its file system): pass dir=folder to tempfile, got %s" % got)
    assert got.exists(), (
        "%s does not exist when spool_upload returns: NamedTemporaryFile deletes its file "
        "when it is closed, unless delete=False" % got)
    assert got.read_bytes() == b"".join(CHUNKS), "the file holds every chunk, in order"
    assert got.name.startswith(".upload-") and got.name.endswith(".part"), (
        "name it .upload-<random>.part (prefix='.upload-', suffix='.part'), got %r" % got.name)
    assert mode_of(got) == 0o600, (
        "the file was created with mode 0o%o: anyone on the machine may read this upload. "
        "tempfile.mkstemp / NamedTemporaryFile create it 0o600 from the first instant; "
        "open() gives 0o666 minus the umask" % mode_of(got))


def test_spool_upload_names_are_unpredictable(tmp_path):
    names = {spool_upload([b"x"], tmp_path).name for _ in range(3)}
    assert len(names) == 3, (
        "three uploads got the names %r: a name made of the pid, a counter or the time can "
        "be guessed (and collides between threads); let tempfile pick a random one"
        % sorted(names))
    assert not any(str(os.getpid()) in name for name in names), (
        "the pid is part of the name %r: guessable. Let tempfile choose" % sorted(names))


def test_two_uploads_at_the_same_time(tmp_path):
    barrier = threading.Barrier(2, timeout=5)
    tags = iter([b"A", b"B"])

    def one_upload():
        tag = next(tags)

        def chunks():
            for _ in range(3):
                yield tag * 100
                barrier.wait()
        try:
            return tag, spool_upload(chunks(), tmp_path)
        except BaseException:
            barrier.abort()
            raise

    results = kit.race(one_upload, threads=2)
    for result in results:
        if isinstance(result, BaseException):
            raise AssertionError("an upload failed while another one ran: %r" % (result,))
    (tag_a, path_a), (tag_b, path_b) = results
    assert path_a != path_b, (
        "two uploads running at the same moment wrote into the same file %s: its name is "
        "predictable. tempfile picks a fresh random name for each" % path_a)
    assert Path(path_a).read_bytes() == tag_a * 300 and Path(path_b).read_bytes() == tag_b * 300, (
        "each upload's file must hold its own data only")


def spool_failing(tmp_path, folder, error, fault=None):
    before = open_fds()
    with fault or contextlib.nullcontext() as record:
        try:
            spool_upload(chunks_then(error) if fault is None else iter(CHUNKS), folder)
        except BaseException as exc:
            caught = exc
        else:
            caught = None
    if record is not None and not record.fired:
        return None, [], 0  # this code never made that call: nothing failed
    assert caught is not None, "the upload failed, and spool_upload must raise"
    left = sorted(os.listdir(folder))
    return caught, left, open_fds() - before


def test_spool_upload_cleans_up_when_the_client_hangs_up(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    caught, left, leaked = spool_failing(tmp_path, folder, ClientGone("connection reset"))
    assert isinstance(caught, ClientGone), (
        "the chunks raised ClientGone, and that must reach the caller, got %r" % (caught,))
    assert not left, (
        "%r was left behind after the upload failed: delete the temporary file on every "
        "way out (try: ... except BaseException: os.unlink(name); raise), or make it with "
        "delete=False only once it is complete" % left)
    assert leaked <= 0, (
        "%d file descriptor(s) stay open after the failure: close the file (os.fdopen(fd) or "
        "a with block closes mkstemp's descriptor)" % leaked)


def test_spool_upload_cleans_up_on_keyboard_interrupt(tmp_path):
    caught, left, _ = spool_failing(tmp_path, tmp_path, KeyboardInterrupt())
    assert isinstance(caught, KeyboardInterrupt), "KeyboardInterrupt must propagate"
    assert not left, (
        "Ctrl-C during the upload left %r behind: KeyboardInterrupt is not an Exception, so "
        "`except Exception:` skips the cleanup. Use except BaseException (and raise again) "
        "or finally" % left)


def test_spool_upload_cleans_up_when_the_disk_is_full(tmp_path):
    fired = set()
    for op in ("write", "flush", "os.write"):
        folder = tmp_path / op
        folder.mkdir()
        caught, left, leaked = spool_failing(
            tmp_path, folder, None, kit.fail_at(op, errno.ENOSPC, path=".upload-"))
        if caught is None:
            continue
        fired.add(op)
        op = op.replace("os.", "")
        assert isinstance(caught, OSError) and caught.errno == errno.ENOSPC, (
            "the disk is full (ENOSPC at %s): that error must reach the caller, got %r"
            % (op, caught))
        assert not left, (
            "%r was left behind after ENOSPC at %s%s" % (left, op, {
                "write": ": delete the temporary file when a write fails",
                "flush": " (the last flush happens when the file is CLOSED, at the end of "
                         "the with block): the cleanup must cover the close too"}[op]))
        assert leaked <= 0, "%d file descriptor(s) stay open after the failure" % leaked
    assert fired, "the upload wrote its data without any write call?"


def test_spool_upload_survives_short_writes(tmp_path):
    with kit.short_writes(limit=1000):
        got = spool_upload(iter(CHUNKS), tmp_path)
    size = os.path.getsize(got)
    assert Path(got).read_bytes() == b"".join(CHUNKS), (
        "the spooled file holds %d of the %d bytes: os.write may write FEWER bytes than it "
        "was given (a pipe, a signal, a full quota) and returns how many it wrote. Loop "
        "until every byte is written, or write through a file object (os.fdopen(fd, 'wb'), "
        "NamedTemporaryFile), whose write() does that loop for you"
        % (size, len(b"".join(CHUNKS))))


def test_spool_upload_leaks_no_descriptor(tmp_path):
    before = open_fds()
    for _ in range(5):
        spool_upload(iter(CHUNKS), tmp_path)
    assert open_fds() - before <= 0, (
        "%d file descriptors stay open after five uploads: mkstemp returns an OPEN "
        "descriptor; wrap it in os.fdopen(fd, 'wb') (closed by its with block) or "
        "os.close(fd)" % (open_fds() - before))


def test_inspect_upload_reader_sees_all_the_data(tmp_path):
    seen = []

    def scanner(path):
        seen.append(path)
        with open(path, "rb") as f:
            data = f.read()
        return ("clean", len(data), data == SMALL, mode_of(path))

    with private_tmp(tmp_path) as tmp:
        try:
            inspect_upload(b"another upload", scanner)
            got = inspect_upload(SMALL, scanner)
        except FileNotFoundError as exc:
            raise AssertionError(
                "the reader found no file (%s): with delete=True the file is deleted when it "
                "is closed; call the reader inside the with block" % exc) from None
        left = sorted(os.listdir(tmp))
    assert got[:3] == ("clean", len(SMALL), True), (
        "the reader read %d bytes of %d: the data was still in Python's buffer. Call "
        "f.flush() before handing the name to anyone" % (got[1], len(SMALL)))
    assert got[3] == 0o600, "the temporary file must be private (0o600), got 0o%o" % got[3]
    assert all(os.path.dirname(p) == str(tmp) for p in seen), (
        "the temporary file must be in tempfile.gettempdir(), got %r" % seen)
    assert not left, (
        "%r was left in the temporary folder: the file must be deleted after the reader "
        "ran (NamedTemporaryFile's default delete=True does it)" % left)
    assert seen[0] != seen[1], "each call gets a file of its own, with a new random name"


def test_inspect_upload_deletes_the_file_when_the_reader_fails(tmp_path):
    def broken(path):
        raise RuntimeError("scanner crashed")

    with private_tmp(tmp_path) as tmp:
        try:
            inspect_upload(b"data", broken)
        except RuntimeError:
            left = sorted(os.listdir(tmp))  # while the error is still on its way
        else:
            raise AssertionError("the reader's RuntimeError must reach the caller")
    assert not left, (
        "%r was still there when the reader's error reached the caller: the file must be "
        "deleted on the way out (a with block), not later by the garbage collector" % left)


def converter(log):
    def tool(source, target):
        log.append((source, target, os.path.dirname(source), mode_of(os.path.dirname(source))))
        with open(source, "rb") as f:
            data = f.read()
        os.mkdir(os.path.join(os.path.dirname(target), "pages"))
        with open(os.path.join(os.path.dirname(target), "pages", "1.tmp"), "wb") as f:
            f.write(b"the tool's own leftovers")
        with open(target, "wb") as f:
            f.write(data.upper())
    return tool


def convert_and_watch(data, tool):
    """convert(), watching for a TemporaryDirectory left to the garbage collector."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            return convert(data, tool)
        finally:
            gc.collect()
            implicit = [w for w in caught if "Implicitly cleaning up" in str(w.message)]
            assert not implicit, (
                "%s: the TemporaryDirectory was deleted by the garbage collector, whenever it "
                "runs, not by your code. Use it as `with tempfile.TemporaryDirectory() as "
                "scratch:`" % implicit[0].message)
            unclosed = [w for w in caught if "unclosed" in str(w.message)]
            assert not unclosed, (
                "%s: a file was left open. Open files with `with open(...) as f:`"
                % unclosed[0].message)


def test_convert_returns_the_output_and_removes_the_scratch_folder(tmp_path):
    log = []
    with private_tmp(tmp_path) as tmp, kit.umask(0o002):
        first = convert_and_watch(b"report v1", converter(log))
        second = convert_and_watch(b"report v2", converter(log))
        left = sorted(os.listdir(tmp))
    assert first == b"REPORT V1" and second == b"REPORT V2", "convert returns the tool's output"
    (src1, dst1, dir1, mode1), (src2, dst2, dir2, mode2) = log
    assert os.path.dirname(dir1) == str(tmp), (
        "the scratch folder must be made by tempfile in tempfile.gettempdir(), got %s" % dir1)
    assert (os.path.basename(src1), os.path.basename(dst1)) == ("input.bin", "output.bin"), (
        "the tool gets <scratch>/input.bin and <scratch>/output.bin")
    assert dir1 != dir2, (
        "both runs used the scratch folder %s: a fixed name is predictable (and two requests "
        "at once would share it). tempfile.TemporaryDirectory() picks a random one" % dir1)
    assert mode1 == 0o700, (
        "the scratch folder has mode 0o%o: other users may look inside. TemporaryDirectory "
        "(mkdtemp) creates it 0o700" % mode1)
    assert not left, (
        "%r was left behind: the scratch folder must be deleted after the work, with "
        "EVERYTHING in it, the tool's own leftovers included (the end of `with "
        "tempfile.TemporaryDirectory() as scratch:` does that)" % left)


@contextlib.contextmanager
def permissions_enforced():
    """Deleting an entry fails with PermissionError when the folder holding it lacks its
    owner's write bit, as it does for an ordinary user (root ignores modes, and these tests
    must mean the same for everyone)."""
    real = {"unlink": os.unlink, "remove": os.remove, "rmdir": os.rmdir}

    def guarded(func):
        def call(path, *, dir_fd=None):
            name = os.fspath(path)
            if dir_fd is not None and os.sep not in name:
                mode = os.fstat(dir_fd).st_mode
            elif dir_fd is not None:
                mode = os.stat(os.path.dirname(name), dir_fd=dir_fd).st_mode
            else:
                mode = os.stat(os.path.dirname(os.path.abspath(name))).st_mode
            if not mode & stat.S_IWUSR:
                raise PermissionError(errno.EACCES, "Permission denied", name)
            return func(path, dir_fd=dir_fd)
        return call

    for name, func in real.items():
        setattr(os, name, guarded(func))
    try:
        yield
    finally:
        for name, func in real.items():
            setattr(os, name, func)


def test_convert_removes_read_only_leftovers(tmp_path):
    def locking_tool(source, target):
        cache = os.path.join(os.path.dirname(target), "cache")
        os.mkdir(cache)
        with open(os.path.join(cache, "fonts.bin"), "wb") as f:
            f.write(b"cached fonts")
        os.chmod(cache, 0o555)  # build tools and archives leave read-only folders
        with open(target, "wb") as f:
            f.write(b"converted")

    with private_tmp(tmp_path) as tmp:
        try:
            with permissions_enforced():
                try:
                    got = convert_and_watch(b"report", locking_tool)
                except PermissionError as exc:
                    raise AssertionError(
                        "%s: the tool left a read-only folder in the scratch folder, and your "
                        "cleanup could not delete it. tempfile.TemporaryDirectory's cleanup "
                        "makes such folders writable and retries" % exc) from None
            left = sorted(os.listdir(tmp))
        finally:
            for folder, dirs, files in os.walk(tmp):
                for name in dirs:
                    os.chmod(os.path.join(folder, name), 0o755)
    assert got == b"converted", "convert returns the tool's output"
    assert not left, (
        "%r was left behind: the tool's read-only cache folder stopped the cleanup (which "
        "hid the error: ignore_errors=True?). `with tempfile.TemporaryDirectory()` deletes "
        "read-only leftovers too" % left)


def test_convert_removes_the_scratch_folder_when_the_tool_fails(tmp_path):
    def failing_tool(source, target):
        with open(target, "wb") as f:
            f.write(b"half")
        raise RuntimeError("the converter crashed")

    with private_tmp(tmp_path) as tmp:
        try:
            convert_and_watch(b"report", failing_tool)
        except RuntimeError:
            left = sorted(os.listdir(tmp))  # while the error is still on its way
        else:
            raise AssertionError("the tool's RuntimeError must reach the caller")
    assert not left, (
        "the tool raised, and %r was left behind: the cleanup must run on every way out "
        "(a with block, or try/finally)" % left)
