"""capstone4: the whole upload handler, and every way it can fail.

Below is the handler as it is often written on a first day. It works on the developer's
laptop, with a small PDF, a fast disk and no bad luck. In production it:

- reads the whole body into memory (stream.read()): a 4 GB upload kills the worker;
- writes wherever the client's file name points: "../../app/settings.py" overwrites code;
- writes the body under the final name, processes it there, then writes the result over
  it in place: a reader (or a crash) finds the raw upload, or half a result, under that
  name, and a power cut can leave an empty file although the client was told "stored";
- writes the sidecar in place too, so it can be torn, or describe an output that never
  came;
- leaves half-written files behind when anything fails on the way.

You have built every piece that fixes this: receive_body (capstone1), safe_name and
process_body (capstone2), publish (capstone3). Copy your versions in above handle_upload (or
write them again), then rebuild handle_upload from them. The order is the design:

    name = safe_name(filename)                # refuse a bad name before reading a byte
    path, size, sha256 = receive_body(...)    # steps 1-2: the body, streamed to a temp file
    received_at = now()                       # the body is in
    result = process_body(path, process)      # steps 3 and 6: process, then remove the temp
    processed_at = now()                      # the result is ready
    publish(out_dir, name, result, metadata)  # steps 4-5: the output, then its sidecar

The temp file goes (step 6) as soon as processing is over, before publishing: once publish
starts, nothing is left to clean up but its own files, and a failure to remove the temp
file fails the upload before anything is published. Every failure then has one meaning: the
upload did not happen, and the caller gets the reason.

Your task: handle_upload(stream, filename, content_type, out_dir, process,
chunk_size=CHUNK_SIZE, now=None) -> dict

- filename: the client's name for the file; refuse it with ValueError (safe_name's rules)
  before anything is read from the stream or created. stream: the request body, a binary
  stream, read in chunks of at most chunk_size bytes as in capstone1. out_dir: the upload
  folder (str or Path). content_type: the client's content type, a str, stored as it is.
- process(path) is called once, with the path of a temp file in out_dir that holds the
  whole body (complete and closed); it returns the result, bytes. The temp file is removed
  once process has returned or raised, as in capstone2: whatever happened, fine if process
  removed it itself, and when process raised, its error wins over a failing removal.
- now: a function with no arguments that returns the current time as a timezone-aware
  datetime; None means datetime.now(timezone.utc). Call it once when the whole body has
  been received (before processing), and once when processing is over (before publishing).
- The upload is published as in capstone3: out_dir/name holds the result, out_dir/name.json
  the metadata, each atomically and durably, the output first. The metadata, which is also
  what handle_upload returns, is exactly:
      {"filename": name, "content_type": content_type, "size": <bytes in the body>,
       "sha256": <hex SHA-256 of the body>, "received_at": <first now()>.isoformat(),
       "processed_at": <second now()>.isoformat()}
  A successful upload leaves exactly those two files of its own (no temp files); an earlier
  upload of the same name is replaced. Two uploads at once (in two threads) never mix.
- If anything fails at any step, the caller gets that same exception; no temp file is left
  (unless removing it is what failed); if the failure came before the new output was
  renamed into place, an earlier upload of the same name is left exactly as it was, and if
  it came after, both out_dir/name and out_dir/name.json are gone.
"""

import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone

CHUNK_SIZE = 64 * 1024
MAX_NAME_BYTES = 250  # 255 (NAME_MAX on Linux) minus the ".json" of the sidecar


# capstone2: the client's file name -----------------------------------------------------------

def safe_name(filename):
    if filename == "" or filename.startswith("."):
        raise ValueError("empty or hidden file name: %r" % filename)
    if "/" in filename or "\\" in filename:
        raise ValueError("a file name with a path separator in it: %r" % filename)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in filename):
        raise ValueError("a control character in the file name: %r" % filename)
    # A lone surrogate makes encode() raise UnicodeEncodeError, which is a ValueError too.
    size = len(filename.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise ValueError("a file name of %d bytes (at most %d)" % (size, MAX_NAME_BYTES))
    return filename


# capstone1: steps 1 and 2, the body into a temp file -----------------------------------------

def receive_body(stream, folder, chunk_size=CHUNK_SIZE):
    fd, path = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        digest = hashlib.sha256()
        size = 0
        with open(fd, "wb") as f:
            while True:
                chunk = stream.read(chunk_size)
                if not chunk:  # only b"" is the end; a short chunk is not
                    break
                f.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except BaseException:  # also Ctrl-C: never leave a half-written temp file
        os.unlink(path)
        raise
    return path, size, digest.hexdigest()


# capstone2: steps 3 and 6, process the temp file, then remove it -----------------------------

def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass  # the processing function removed or moved it: nothing left to do


def process_body(path, process):
    try:
        result = process(path)
    except BaseException:
        try:
            _remove(path)
        except OSError:
            pass  # the caller needs the processing error, not this one
        raise
    _remove(path)  # after a result, a failure to clean up is the caller's business
    return result


# capstone3: steps 4 and 5, the output and its sidecar ----------------------------------------

def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass  # cleaning up: the caller needs the original error, not this one


def _place(folder, target, data):
    """Write data to a temp file in folder, fsync it, and rename it onto target."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".publish-", suffix=".tmp")
    try:
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()  # Python's buffer -> the kernel
            os.fsync(f.fileno())  # the kernel -> the disk, BEFORE the rename
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise


def _fsync_folder(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)  # makes the rename itself durable
    finally:
        os.close(fd)


def publish(folder, name, result, metadata):
    output = os.path.join(folder, name)
    sidecar = output + ".json"
    placed = False
    try:
        text = json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
        _place(folder, output, result)
        placed = True
        _fsync_folder(folder)  # the output's rename is on disk before the sidecar's
        _place(folder, sidecar, text.encode("utf-8"))
        _fsync_folder(folder)
    except BaseException:
        if placed:  # no output without its sidecar, no sidecar describing another output
            _remove_quietly(output)
            _remove_quietly(sidecar)
        raise


# The handler ---------------------------------------------------------------------------------

def _utc_now():
    return datetime.now(timezone.utc)


def handle_upload(stream, filename, content_type, out_dir, process, chunk_size=CHUNK_SIZE,
                  now=None):
    now = now or _utc_now
    name = safe_name(filename)  # before a single byte is read
    path, size, sha256 = receive_body(stream, out_dir, chunk_size)
    received_at = now().isoformat()
    result = process_body(path, process)  # the temp file is gone after this, in every case
    metadata = {
        "filename": name,
        "content_type": content_type,
        "size": size,
        "sha256": sha256,
        "received_at": received_at,
        "processed_at": now().isoformat(),
    }
    publish(out_dir, name, result, metadata)
    return metadata


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def _quick_fsync(fd):
    """Stands in for os.fsync in these tests: a real one waits for the disk (milliseconds
    each, seconds on a busy one). The tests check WHICH fsyncs you make and WHEN, and that
    the descriptor is valid, not the disk."""
    os.fstat(fd if isinstance(fd, int) else fd.fileno())


os.fsync = _quick_fsync
if hasattr(os, "fdatasync"):
    os.fdatasync = _quick_fsync


class ClientDisconnected(Exception):
    """What a web framework raises when the client goes away in the middle of the body."""


class Body:
    """A request body as a web framework hands it over: a binary stream, read in pieces.

    pieces: the most bytes each read(n) returns, in turn (a network read returns what has
    arrived so far, often less than asked for). fail_after: the client goes away after this
    many bytes: the read that would go past them raises `error`. pause_on: the read
    (counted from 1) that first waits for `pause` (a threading.Barrier), so that two uploads
    are surely in the middle at the same moment. .asked records the size each read asked
    for (None: everything; "line": a line).
    """

    def __init__(self, data, pieces=(), fail_after=None, error=None, pause_on=None,
                 pause=None):
        self.data = bytes(data)
        self.pos = 0
        self.pieces = list(pieces)
        self.fail_after, self.error = fail_after, error
        self.pause_on, self.pause = pause_on, pause
        self.asked = []
        self.after_end = 0

    def _take(self, size):
        self.asked.append(size)
        reads = len(self.asked)
        if reads == self.pause_on:
            try:
                self.pause.wait(2)
            except threading.BrokenBarrierError:
                pass
        if self.pos >= len(self.data):
            self.after_end += 1
            assert self.after_end < 4, (
                "the body was read again and again after its end: a read that returns b'' "
                "(readinto: 0) means the body is over, so stop there")
        end = len(self.data)
        if isinstance(size, int) and size >= 0:
            n = size
            if self.pieces:
                n = min(n, self.pieces[(reads - 1) % len(self.pieces)])
            end = min(end, self.pos + n)
        if self.fail_after is not None and end > self.fail_after:
            if self.pos >= self.fail_after or not isinstance(size, int) or size < 0:
                raise self.error
            end = self.fail_after
        if size == "line":
            newline = self.data.find(b"\n", self.pos, end)
            if newline >= 0:
                end = newline + 1
        chunk = bytes(memoryview(self.data)[self.pos:end])  # a copy, as a real read gives
        self.pos += len(chunk)
        return chunk

    def read(self, size=-1):
        return self._take(size if size is not None else -1)

    def readinto(self, buffer):
        view = memoryview(buffer).cast("B")
        chunk = self._take(len(view))
        view[:len(chunk)] = chunk
        return len(chunk)

    def readline(self, size=-1):
        return self._take("line")

    def __iter__(self):  # like a real binary stream: line by line, as long as the lines are
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def readable(self):
        return True


CHUNK = 1024
NAME = "Zoë – facture 2024.pdf"
SIDECAR = NAME + ".json"
TYPE = "Application/PDF; charset=binary"  # as the client sent it, case and parameter included
KEYS = ["content_type", "filename", "processed_at", "received_at", "sha256", "size"]
RENAMES = ("replace", "rename")


def _body(size):
    """`size` bytes that break text handling: not UTF-8 (\\xff, \\xfe, \\x80), \\r\\n and a lone
    \\r, NUL bytes, and a UTF-8 'é' cut in two at every CHUNK boundary."""
    pattern = b"%PDF-1.7\r\n\x00\xff\xfe\x80 binary\rlone CR \xe2\x82\xac\n"
    data = bytearray((pattern * (size // len(pattern) + 1))[:size])
    for boundary in range(CHUNK, size, CHUNK):
        data[boundary - 1:boundary + 1] = "é".encode("utf-8")
    return bytes(data)


DATA = _body(2 * CHUNK + 300)
OLD_RESULT = b"%PDF-1.4 the result of an earlier upload of the same name\n"
OLD_METADATA = {"filename": NAME, "content_type": TYPE, "size": 1, "sha256": "0" * 64,
                "received_at": "2024-04-30T08:00:00+00:00",
                "processed_at": "2024-04-30T08:00:01+00:00"}


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _result(data):
    """What the test's processing function makes of a body: not the body itself."""
    return b"processed " + _sha(data).encode("ascii") + b"\r\n" + data[::-1]


def _read(path):
    with open(path, "rb") as f:
        return f.read()


class Processor:
    """The processing function: reads the file it was given, notes what it found there, and
    returns _result() of it (or raises `error`), after doing `then` to the file (if given).
    meet: a threading.Barrier to wait at first, so that two uploads both have their body
    stored before either is processed."""

    def __init__(self, error=None, then=None, meet=None):
        self.error, self.then, self.meet = error, then, meet
        self.calls = []
        self.seen = []
        self.done = 0

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if self.meet is not None:
            try:
                self.meet.wait(2)
            except threading.BrokenBarrierError:
                pass
        path = args[0] if args else None
        with open(path, "rb") as f:
            data = f.read()
        self.seen.append(data)
        if self.then is not None:
            self.then(path)
        if self.error is not None:
            raise self.error
        self.done += 1
        return _result(data)


class Clock:
    """now(): a second later at every call, noting what had happened by then."""

    def __init__(self, body, processor, output):
        self.body, self.processor, self.output = body, processor, output
        self.readings = []
        self.before = self._inode()

    def _inode(self):
        try:
            return os.lstat(self.output).st_ino
        except (OSError, ValueError):  # no file yet, or a name no file can have
            return None

    def _published(self):
        """Is a new file with the result's size under the output's name? (No open(): the
        tests' faults count those.)"""
        try:
            found = os.lstat(self.output)
        except (OSError, ValueError):
            return False
        return (found.st_ino != self.before
                and found.st_size == len(_result(self.body.data)))

    def __call__(self):
        value = datetime(2024, 5, 1, 9, 15, 0, 250000, tzinfo=timezone.utc) + timedelta(
            seconds=len(self.readings) + 1)
        self.readings.append((value, {
            "body_over": self.body.pos >= len(self.body.data),
            "processing": len(self.processor.calls) > 0,
            "processed": self.processor.done > 0,
            "published": self._published(),
        }))
        return value


class Upload:
    """One call of handle_upload, with its own body, processor and clock."""

    def __init__(self, folder, data=DATA, name=NAME, process_error=None, then=None, meet=None,
                 **body):
        self.folder, self.data, self.name = Path(folder), data, name
        self.body = Body(data, **body)
        self.processor = Processor(process_error, then, meet)
        self.clock = Clock(self.body, self.processor, self.folder / name)
        self.returned = self.raised = None

    def run(self, chunk_size=CHUNK):
        try:
            self.returned = handle_upload(self.body, self.name, TYPE, self.folder,
                                          self.processor, chunk_size=chunk_size, now=self.clock)
        except BaseException as exc:
            self.raised = exc
            cause = exc
            while cause is not None:  # a traceback keeps the frames (and their files) alive
                cause.__traceback__ = None
                cause = cause.__context__
        return self

    def ok(self):
        """Run it; it must succeed."""
        self.run()
        if self.raised is not None:
            raise self.raised
        return self


def _folder(tmp_path, label, old=False):
    folder = tmp_path / label
    folder.mkdir()
    if old:
        with open(folder / NAME, "wb") as f:
            f.write(OLD_RESULT)
        with open(folder / SIDECAR, "w", encoding="utf-8") as f:
            json.dump(OLD_METADATA, f)
    return folder


def _snapshot(folder):
    found = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        found[name] = ("symlink -> " + os.readlink(path)) if os.path.islink(path) else _read(path)
    return found


def _output_state(folder, data=DATA):
    path = os.path.join(folder, NAME)
    if not os.path.lexists(path):
        return "none"
    got = _read(path)
    if got == _result(data):
        return "new"
    if got == OLD_RESULT:
        return "old"
    if got == data:
        return "the raw body, not the result"
    return "a torn file (%d bytes)" % len(got)


def _sidecar_state(folder):
    path = os.path.join(folder, SIDECAR)
    if not os.path.lexists(path):
        return "none"
    try:
        with open(path, encoding="utf-8") as f:
            got = json.load(f)
    except ValueError:
        return "torn (not JSON)"
    if got == OLD_METADATA:
        return "old"
    if isinstance(got, dict) and got.get("sha256") == _sha(DATA) and sorted(got) == KEYS:
        return "new"
    return "wrong (%r)" % (got,)


def _extra(folder):
    return sorted(set(os.listdir(folder)) - {NAME, SIDECAR})


def test_a_successful_upload(tmp_path):
    folder = _folder(tmp_path, "uploads")
    # Short reads: 700 bytes, then 1, then a full chunk, then 300...
    up = Upload(folder, pieces=(700, 1, CHUNK, 300)).ok()
    p = up.processor
    assert len(p.calls) == 1, "process must be called exactly once, not %d times" % len(p.calls)
    args, kwargs = p.calls[0]
    assert len(args) == 1 and not kwargs, "call process(path), with the path alone"
    path = os.path.realpath(args[0])
    assert path != os.path.realpath(folder / NAME), (
        "process got the file under its final name, %s: for a while the raw upload was "
        "there, where readers expect the result (and a crash leaves it there). Process the "
        "temp file, and publish only the result under the final name" % NAME)
    assert os.path.dirname(path) == os.path.realpath(folder), (
        "process got %s, which is not in the upload folder: receive the body into a temp "
        "file in out_dir, tempfile.mkstemp(dir=out_dir)" % args[0])
    assert p.seen[0] == up.data, (
        "process found %d of the body's %d bytes in its file%s: hand it the file only when it "
        "is complete and closed (after the `with` block)"
        % (len(p.seen[0]), len(up.data), "" if len(p.seen[0]) < len(up.data) else
           " (not the same bytes)"))
    assert [size for size in up.body.asked if not isinstance(size, int) or size < 0] == [], (
        "stream.read() was called without a size: it returns the whole body at once. Read "
        "chunk_size bytes at a time (receive_body)")
    assert max(up.body.asked) <= CHUNK, "a read asked for more than chunk_size bytes"
    got = up.returned
    assert isinstance(got, dict) and sorted(got) == KEYS, (
        "handle_upload must return the metadata, a dict with exactly the keys %s, not %r"
        % (KEYS, got))
    assert (got["filename"], got["content_type"]) == (NAME, TYPE), (
        "the metadata's filename is the (accepted) name, its content_type the one the client "
        "sent, exactly as it came (%r: not lower-cased, not cut at ';'), got %r"
        % (TYPE, got["content_type"]))
    assert got["size"] == len(up.data), (
        "size must be the number of bytes in the BODY (%d), not %r" % (len(up.data), got["size"]))
    assert got["sha256"] == _sha(up.data), (
        "sha256 must be the SHA-256 of the BODY as it was received (what the client can check "
        "against its own file), not of the result or of anything decoded from it")
    assert sorted(os.listdir(folder)) == [NAME, SIDECAR], (
        "after a successful upload the folder must hold the output and its sidecar, and "
        "nothing else of yours: %s" % sorted(os.listdir(folder)))
    assert _read(folder / NAME) == _result(up.data), (
        "the output must hold what process returned, byte for byte")
    with open(folder / SIDECAR, encoding="utf-8") as f:
        assert json.load(f) == got, "the sidecar must hold the metadata handle_upload returned"


def test_an_empty_body(tmp_path):
    folder = _folder(tmp_path, "uploads")
    up = Upload(folder, data=b"").ok()
    assert up.processor.seen == [b""], "process must get the (empty) file once"
    assert (up.returned["size"], up.returned["sha256"]) == (0, _sha(b"")), (
        "an empty body has size 0 and the SHA-256 of b''")
    assert _read(folder / NAME) == _result(b"")


def _reading(up, stamp, which):
    for value, state in up.clock.readings:
        if stamp == value.isoformat():
            return state
    assert False, (
        "%s is %r, which is not now().isoformat() of any time now() gave (%s): call the "
        "`now` function you were given, and store now().isoformat()"
        % (which, stamp, ", ".join(v.isoformat() for v, s in up.clock.readings) or "never called"))


def test_the_times_are_taken_when_they_happen(tmp_path):
    up = Upload(_folder(tmp_path, "uploads")).ok()
    received = _reading(up, up.returned["received_at"], "received_at")
    assert received["body_over"], (
        "received_at was taken before the whole body had been read: call now() after "
        "receive_body returns")
    assert not received["processing"], (
        "received_at was taken after processing had started: call now() right after the "
        "body is in, before process")
    processed = _reading(up, up.returned["processed_at"], "processed_at")
    assert processed["processed"], (
        "processed_at was taken before processing was over: call now() after process "
        "returns")
    assert not processed["published"], (
        "processed_at was taken after the output was published: call now() when processing "
        "is over, before publish")


def test_the_default_clock_and_chunk_size(tmp_path):
    folder = _folder(tmp_path, "uploads")
    data = _body(150 * 1024)
    body = Body(data)
    before = datetime.now(timezone.utc)
    got = handle_upload(body, NAME, TYPE, folder, Processor())
    after = datetime.now(timezone.utc)
    assert max(body.asked) == CHUNK_SIZE == 64 * 1024, (
        "without a chunk_size argument, read CHUNK_SIZE (64 KiB) at a time")
    stamps = []
    for key in ("received_at", "processed_at"):
        try:
            stamp = datetime.fromisoformat(got[key].replace("Z", "+00:00"))
        except (AttributeError, TypeError, ValueError):
            assert False, (
                "%s must be an ISO 8601 string (datetime.isoformat()), not %r" % (key, got[key]))
        assert stamp.utcoffset() is not None, (
            "%s is %r, a time without a UTC offset: nobody can tell which time zone it is "
            "in. By default use datetime.now(timezone.utc)" % (key, got[key]))
        assert stamp.utcoffset() == timedelta(0), (
            "%s is %r: by default use UTC, datetime.now(timezone.utc)" % (key, got[key]))
        assert before - timedelta(seconds=2) <= stamp <= after + timedelta(seconds=2), (
            "%s is %r, but the upload happened between %s and %s"
            % (key, got[key], before.isoformat(), after.isoformat()))
        stamps.append(stamp)
    assert stamps[0] <= stamps[1], "received_at cannot come after processed_at"


BAD_NAMES = ["", ".", "..", "../../app/settings.py", "/etc/cron.d/job", "sub/report.pdf",
             "..\\..\\boot.ini", "C:\\Users\\zoe\\cv.pdf", ".htaccess", "report\x00.pdf",
             "report\n.pdf", "unit\x1f.pdf", "delete\x7f.pdf", "a" * 251, "é" * 126,
             "caf\udce9.pdf"]


def test_a_bad_file_name_is_refused_before_anything_happens(tmp_path):
    folder = _folder(tmp_path, "uploads")
    outside = _folder(tmp_path, "app")
    for name in BAD_NAMES:
        up = Upload(folder, name=name).run()
        assert isinstance(up.raised, ValueError), (
            "the client sent the file name %r, and handle_upload %s: refuse it with ValueError "
            "(safe_name) before doing anything else"
            % (name, "returned normally" if up.raised is None else "raised %r" % up.raised))
        assert up.body.asked == [] and up.processor.calls == [], (
            "the file name %r was refused only after the body had been read%s: check the "
            "name first, so a bad request costs nothing"
            % (name, " and processed" if up.processor.calls else ""))
        assert os.listdir(folder) == [] and os.listdir(outside) == [], (
            "the refused upload %r left files behind" % name)


def test_good_names_near_the_rules_are_accepted(tmp_path):
    for name in ("notes..final.txt", "é" * 125):
        folder = _folder(tmp_path, str(len(name)))
        up = Upload(folder, name=name).run()
        assert up.raised is None, (
            "the file name %r (%d bytes) is fine, but handle_upload raised %r"
            % (name, len(name.encode("utf-8")), up.raised))
        assert sorted(os.listdir(folder)) == sorted([name, name + ".json"])


def _refused(up, expected, situation, old_state):
    assert up.raised is not None, (
        "%s, and handle_upload returned %r as if the upload had worked: the client would be "
        "told it was stored. Let the exception reach the caller" % (situation, up.returned))
    assert up.raised is expected, (
        "%s, and the caller got %r instead of that same exception" % (situation, up.raised))
    assert _extra(up.folder) == [], (
        "%s, and a temp file was left behind (%s): every failed upload leaves one more, until "
        "the disk is full" % (situation, _extra(up.folder)[0]))
    assert _snapshot(up.folder) == old_state, (
        "%s, and the earlier upload of the same name was changed (output: %s, sidecar: %s): "
        "until the new output is ready, write only temp files"
        % (situation, _output_state(up.folder), _sidecar_state(up.folder)))


def test_the_client_disconnects_half_way(tmp_path):
    for error, situation in (
            (ClientDisconnected("the client closed the connection"),
             "the client went away in the middle of the body"),
            (KeyboardInterrupt(), "Ctrl-C (KeyboardInterrupt) came in the middle of the body "
             "(it is not an Exception: `except Exception:` misses it)")):
        folder = _folder(tmp_path, type(error).__name__, old=True)
        old = _snapshot(folder)
        up = Upload(folder, fail_after=CHUNK + 100, error=error).run()
        _refused(up, error, situation, old)
        assert up.processor.calls == [], "half a body must never reach process"


def test_processing_fails(tmp_path):
    for error in (ValueError("not a PDF"), KeyboardInterrupt()):
        folder = _folder(tmp_path, type(error).__name__, old=True)
        old = _snapshot(folder)
        up = Upload(folder, process_error=error).run()
        _refused(up, error, "process raised %r" % error, old)


def test_process_may_remove_the_temp_file_itself(tmp_path):
    folder = _folder(tmp_path, "uploads")
    up = Upload(folder, then=os.unlink).run()
    assert up.raised is None, (
        "process removed the temp file itself, and the upload then failed with %r: a temp "
        "file that is already gone is fine (catch FileNotFoundError when removing it)"
        % (up.raised,))
    assert sorted(os.listdir(folder)) == [NAME, SIDECAR]


def test_the_processing_error_wins_over_a_failing_cleanup(tmp_path):
    folder = _folder(tmp_path, "uploads")
    error = ValueError("not a PDF")
    with kit.fail_at("unlink", errno.EIO):
        up = Upload(folder, process_error=error).run()
    assert up.raised is error, (
        "process raised ValueError, and removing the temp file failed too (EIO): the caller "
        "must get the ValueError, not %r. An exception raised while cleaning up replaces the "
        "one being handled: catch OSError around that removal" % (up.raised,))


def _consistent(folder, situation):
    """What a reader may find after a crash: each file whole (old or new), and never the new
    sidecar beside anything but the new output."""
    out, side = _output_state(folder), _sidecar_state(folder)
    assert out in ("none", "old", "new"), (
        "%s, and the output name holds %s: readers find it there. Only the finished result may "
        "ever appear under the final name: write it to a temp file and os.replace() it onto "
        "the name" % (situation, out))
    assert side in ("none", "old", "new"), (
        "%s, and the sidecar is %s: write it to a temp file too and os.replace() it"
        % (situation, side))
    assert side != "new" or out == "new", (
        "%s, and the new sidecar was in place while the output was %s: a reader believes an "
        "upload is complete that is not there. Publish the output first, then the sidecar"
        % (situation, "missing" if out == "none" else "the old one"))


def test_a_crash_at_any_step(tmp_path):
    points = [("the body was half received", dict(after_bytes=CHUNK + 10)),
              ("the first rename", dict(at="replace", nth=1)),
              ("the second rename", dict(at="replace", nth=2)),
              ("the second fsync", dict(at="fsync", nth=2)),
              ("the last fsync", dict(at="fsync", nth=4))]
    for index, (where, how) in enumerate(points):
        folder = _folder(tmp_path, "crash-%d" % index, old=True)
        up = Upload(folder)
        outcome = kit.run_killed(up.run, **how)
        assert outcome.error is None, "handle_upload raised in the child: %s" % outcome.error
        _consistent(folder, "the process was killed when %s" % where
                    if where.startswith("the body") else
                    "the process was killed just before %s" % where)
    Upload(folder).ok()  # the temp files the crash left must not get in the way
    assert (_output_state(folder), _sidecar_state(folder)) == ("new", "new")


@contextlib.contextmanager
def _watched():
    """kit.record_io(), plus the size each file had when it was fsync'd."""
    with kit.record_io() as rec:
        sizes = {}
        saved = os.fsync, getattr(os, "fdatasync", None)

        def watch(inner):
            def fsync(fd):
                sizes[len(rec.events)] = os.fstat(fd if isinstance(fd, int) else fd.fileno()
                                                  ).st_size
                return inner(fd)
            return fsync

        os.fsync = watch(saved[0])
        if saved[1] is not None:
            os.fdatasync = watch(saved[1])
        try:
            yield rec.events, sizes
        finally:
            os.fsync = saved[0]
            if saved[1] is not None:
                os.fdatasync = saved[1]


def test_survives_a_power_cut(tmp_path):
    # After a power cut, the disk holds what was fsync'd, and otherwise anything, in any
    # order. For each file: its data synced before its rename, the rename synced (an fsync
    # of the folder) after it, and the output's before the sidecar's.
    folder = _folder(tmp_path, "uploads", old=True)
    with _watched() as (events, sizes):
        Upload(folder).ok()
    real = os.path.realpath
    fsyncs = [(i, real(e[1]), sizes.get(i)) for i, e in enumerate(events) if e[0] == "fsync"]
    renamed = {}
    for target in (NAME, SIDECAR):
        found = [i for i, e in enumerate(events) if e[0] in RENAMES
                 and real(e[2]) == real(folder / target)]
        assert found, (
            "%s was not renamed into place: write a temp file in the folder and os.replace() "
            "it onto the name" % target)
        renamed[target] = found[-1]
    r1, r2 = renamed[NAME], renamed[SIDECAR]
    for target, r in ((NAME, r1), (SIDECAR, r2)):
        what = "the output" if target == NAME else "the sidecar"
        temp = real(events[r][1])
        assert os.path.dirname(temp) == real(folder), (
            "%s's temp file was in %s, not in the upload folder: os.replace is atomic only "
            "within one file system, and /tmp is often another one. "
            "tempfile.mkstemp(dir=out_dir)" % (what, os.path.dirname(temp)))
        before = [size for i, path, size in fsyncs if path == temp and i < r]
        assert before, (
            "%s's temp file was never fsync'd before its rename: its data was only in the "
            "page cache, which a power cut wipes, and the name would point at an empty "
            "file. f.flush(), then os.fsync(f.fileno()), then os.replace" % what)
        size = os.path.getsize(folder / target)
        assert max(before) == size, (
            "when %s's temp file was fsync'd it held %d of its %d bytes: the rest was still "
            "in Python's buffer, which fsync cannot see. f.flush() first" % (what, max(before),
                                                                            size))
    on_folder = [i for i, path, size in fsyncs if path == real(folder)]
    assert [i for i in on_folder if r1 < i < r2], (
        "the folder was not fsync'd between the output's rename and the sidecar's: after a "
        "power cut the disk may hold the sidecar's rename and not the output's. fsync the "
        "folder after each rename: fd = os.open(folder, os.O_RDONLY); os.fsync(fd); "
        "os.close(fd)")
    assert [i for i in on_folder if i > r2], (
        "the folder was not fsync'd after the sidecar's rename: that rename is not durable "
        "yet when handle_upload returns")


def test_every_fsync_failing_means_nothing_is_published(tmp_path):
    folder = _folder(tmp_path, "uploads", old=True)
    old = _snapshot(folder)
    with kit.record_io() as rec:
        with kit.fail_at("fsync", errno.EIO) as fault:
            up = Upload(folder).run()
    assert fault.fired, (
        "handle_upload never called os.fsync: after a power cut the upload may be empty or "
        "gone although the client was told it was stored")
    assert up.raised is not None and up.raised is fault.errors[0], (
        "every fsync failed (EIO), and the caller got %r: a failed fsync is a failed upload, "
        "and the caller must get that error" % (up.raised,))
    early = [e for e in rec.events if e[0] in RENAMES
             and os.path.realpath(e[2]) == os.path.realpath(folder / NAME)]
    assert not early, (
        "every fsync failed, and yet the output was renamed into place: its data had not "
        "been synced. fsync the temp file BEFORE os.replace, and stop when that fails")
    assert _snapshot(folder) == old, (
        "every fsync failed, and the folder was changed: %s" % sorted(os.listdir(folder)))


def _calls(tmp_path, ops):
    """How many calls of each op one upload makes (counted by faults that never fire)."""
    folder = _folder(tmp_path, "count", old=True)
    with contextlib.ExitStack() as stack:
        counters = {op: stack.enter_context(kit.fail_at(op, nth=10 ** 6)) for op in ops}
        Upload(folder).ok()
    return {op: counter.calls for op, counter in counters.items()}


def _fails_cleanly(tmp_path, op, nth, old=True, error=errno.EIO, situation=None,
                   advice=""):
    """One upload with the nth `op` call failing: what the caller gets, what is left."""
    folder = _folder(tmp_path, "%s-%d-%s-%s" % (op, nth, old, getattr(error, "__name__", error)),
                     old=old)
    before = _snapshot(folder)
    with kit.fail_at(op, error, nth=nth, once=True) as fault:
        with kit.record_io() as rec:
            up = Upload(folder).run()
    if not fault.fired:
        return
    situation = situation or "call %d of %s failed (EIO)" % (nth, op)
    assert up.raised is not None, (
        "%s, and handle_upload returned normally: the client would be told the upload was "
        "stored. Let the error through%s" % (situation, advice))
    assert up.raised is fault.errors[0], (
        "%s, but the caller got %r: it must get that same exception. An error raised while "
        "cleaning up replaces the one being handled: remove files quietly there%s"
        % (situation, up.raised, advice))
    if op != "unlink":
        assert _extra(folder) == [], (
            "%s, and a temp file was left behind (%s): clean up on every error%s"
            % (situation, _extra(folder)[0], advice))
    placed = [e for e in rec.events if e[0] in RENAMES
              and os.path.realpath(e[2]) == os.path.realpath(folder / NAME)]
    if not placed:
        assert {k: v for k, v in _snapshot(folder).items() if k in (NAME, SIDECAR)} == before, (
            "%s before the new output was in place, and the earlier upload was changed "
            "(output: %s, sidecar: %s): until then, write only temp files%s"
            % (situation, _output_state(folder), _sidecar_state(folder), advice))
    else:
        out, side = _output_state(folder), _sidecar_state(folder)
        assert (out, side) == ("none", "none"), (
            "%s after the new output was renamed into place, and the folder was left with "
            "output %s and sidecar %s: a failed upload must leave neither. Remove both names "
            "before raising%s" % (
                situation, out, side,
                "; and remove the temp file BEFORE publishing (process_body does), so that a "
                "failing removal fails the upload before anything is published"
                if op == "unlink" else advice))


def test_a_failure_at_any_step(tmp_path):
    # Every call that can fail, one at a time: the opens, writes, flushes, closes, fsyncs,
    # renames and the removal of the temp file, at every step of the upload.
    counts = _calls(tmp_path, ("open", "write", "flush", "close", "fsync", "replace", "unlink"))
    for op, count in counts.items():
        for nth in range(1, count + 1):
            _fails_cleanly(tmp_path, op, nth)
    _fails_cleanly(tmp_path, "replace", 2, old=False)  # no earlier sidecar to remove


def test_ctrl_c_while_publishing(tmp_path):
    for op, nth in (("fsync", 1), ("replace", 2), ("fsync", 4)):
        _fails_cleanly(tmp_path, op, nth, error=KeyboardInterrupt,
                       situation="Ctrl-C (KeyboardInterrupt) came at call %d of %s" % (nth, op),
                       advice=". KeyboardInterrupt is not an Exception: `except Exception:` "
                       "misses it")


def test_two_uploads_at_the_same_moment(tmp_path):
    # Two requests in two threads, both in the middle of their body at the same moment (each
    # waits for the other after its first chunk), and both stored before either is
    # processed: first with two names, then with one.
    for label, names in (("two-names", ["first.pdf", "second.pdf"]),
                         ("one-name", [NAME, NAME])):
        folder = _folder(tmp_path, label)
        meeting, stored = threading.Barrier(2), threading.Barrier(2)
        uploads = [Upload(folder, data=_body(3 * CHUNK + i * 7)[i:], name=name, pause_on=2,
                          pause=meeting, meet=stored) for i, name in enumerate(names)]
        waiting = list(uploads)
        lock = threading.Lock()

        def one_request():
            with lock:
                up = waiting.pop()
            return up.run()

        kit.race(one_request, threads=2)
        for up in uploads:
            assert up.raised is None, (
                "two uploads%s ran at the same moment, and one of them failed with %r: they "
                "shared a temp file, and each needs temp files of its own. Let "
                "tempfile.mkstemp(dir=out_dir) make a unique one for every body and every "
                "output" % (
                    " of the same name" if names[0] == names[1] else "", up.raised))
        for up in uploads:
            assert up.processor.seen == [up.data], (
                "two uploads%s ran at the same moment, and one's processing function found "
                "%s in its temp file: they shared a temp file, and each needs temp files of "
                "its own. Let tempfile.mkstemp(dir=out_dir) make a unique one" % (
                    " of the same name" if names[0] == names[1] else "",
                    "the other's body" if up.processor.seen[0] in [u.data for u in uploads]
                    else "a mix of both bodies"))
        extra = sorted(set(os.listdir(folder)) - {n for name in names
                                                     for n in (name, name + ".json")})
        assert extra == [], "no temp file may be left behind: %s" % extra
        for name in set(names):
            got = _read(folder / name)
            mine = [up for up in uploads if up.name == name]
            assert got in {_result(up.data) for up in mine}, (
                "two uploads ran at the same moment, and %s holds a mix of them (or the "
                "other's result): each needs temp files of its own" % name)
            with open(folder / (name + ".json"), encoding="utf-8") as f:
                meta = json.load(f)
            assert meta in [up.returned for up in mine], (
                "the sidecar of %s is not the metadata of an upload of that name" % name)


def test_memory_stays_small(tmp_path):
    folder = _folder(tmp_path, "uploads")
    data = bytes(range(256)) * (16 * 1024)  # 4 MiB

    def digest_in_chunks(path):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(64 * 1024):
                h.update(chunk)
        return h.hexdigest().encode("ascii")

    got, peak = kit.peak_memory(handle_upload, Body(data), NAME, TYPE, folder,
                                digest_in_chunks)
    assert peak < 1024 * 1024, (
        "a 4 MiB upload took %.1f MiB of memory: the body was held in memory at once. "
        "Stream it to the temp file chunk by chunk (receive_body)" % (peak / 2 ** 20))
    assert _read(folder / NAME) == _sha(data).encode("ascii")


def test_a_planted_symlink_is_replaced_not_followed(tmp_path):
    folder, outside = _folder(tmp_path, "uploads"), _folder(tmp_path, "app")
    (outside / "settings.py").write_bytes(b"SECRET = 'keep me'\n")
    os.symlink(outside / "settings.py", folder / NAME)
    Upload(folder).ok()
    assert _read(outside / "settings.py") == b"SECRET = 'keep me'\n", (
        "the upload wrote THROUGH a symlink that was planted under its name, into a file "
        "outside the upload folder: open(path, 'w') follows symlinks, os.replace(tmp, path) "
        "replaces the link itself")
    assert not os.path.islink(folder / NAME) and _output_state(folder) == "new"


def _open_descriptors():
    found = set()
    for fd in range(1024):
        try:
            os.fstat(fd)
        except OSError:
            continue
        found.add(fd)
    return found


def test_closes_every_descriptor(tmp_path):
    folder = _folder(tmp_path, "uploads")
    before = _open_descriptors()
    with kit.no_leaked_files():
        Upload(folder).ok()
        Upload(folder, name="second.pdf").ok()
    leaked = len(_open_descriptors() - before)
    assert leaked <= 0, (
        "%d file descriptor(s) were left open by two uploads: close every file (a `with` "
        "block) and every os.open() descriptor (os.close in a finally block)" % leaked)


def test_every_byte_arrives_despite_short_writes(tmp_path):
    folder = _folder(tmp_path, "uploads")
    with kit.short_writes(limit=100):
        up = Upload(folder).ok()
    assert up.processor.seen == [DATA], (
        "when the system took at most 100 bytes per write, process found %d of the body's %d "
        "bytes: os.write returns how many bytes it wrote and drops the rest. Loop, or write "
        "through a file object" % (len(up.processor.seen[0]), len(DATA)))
    assert _output_state(folder) == "new", "the output lost bytes to short writes"
    assert _sidecar_state(folder) == "new", "the sidecar lost bytes to short writes"
