"""Makes a new sha256 object for every chunk: the digest is that of the last chunk only."""
# expect: to ONE hashlib.sha256() object
import hashlib
import os
import tempfile

CHUNK_SIZE = 64 * 1024


def receive_body(stream, folder, chunk_size=CHUNK_SIZE):
    fd, path = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(fd, "wb") as f:
            while chunk := stream.read(chunk_size):
                f.write(chunk)
                digest = hashlib.sha256(chunk)
                size += len(chunk)
    except BaseException:
        os.unlink(path)
        raise
    return path, size, digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import errno  # noqa: E402
import hashlib  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402

import iolings_testkit as kit  # noqa: E402


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


CHUNK = 4096


def _body(size):
    """`size` bytes that break text handling: not UTF-8 (\\xff, \\xfe, \\x80), \\r\\n and a lone
    \\r, NUL bytes, and a UTF-8 'é' cut in two at every CHUNK boundary."""
    pattern = b"%PDF-1.7\r\n\x00\xff\xfe\x80 binary\rlone CR \xe2\x82\xac\n"
    data = bytearray((pattern * (size // len(pattern) + 1))[:size])
    for boundary in range(CHUNK, size, CHUNK):
        data[boundary - 1:boundary + 1] = "é".encode("utf-8")
    return bytes(data)


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _contents(folder):
    """{name: bytes} of every file in folder."""
    found = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            found[name] = f.read()
    return found


def _receive(stream, folder, *chunk_size):
    """receive_body's answer as (path, size, sha256), with a word on what it should be."""
    try:
        got = receive_body(stream, folder, *chunk_size)
    except UnicodeDecodeError as exc:
        assert False, (
            "receive_body raised %r: the body is bytes, not text (a PDF or a photo is not "
            "UTF-8). Open the temp file with 'wb' and write each chunk as it came, without "
            "decoding it" % exc)
    except TypeError as exc:
        if "str" not in str(exc):
            raise
        assert False, (
            "receive_body raised %r: the chunks are bytes; write them to a file opened in "
            "binary mode ('wb')" % exc)
    assert isinstance(got, tuple) and len(got) == 3, (
        "receive_body must return a tuple (path, size, sha256), not %r" % (got,))
    return os.fspath(got[0]), got[1], got[2]


def _file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _check_stored(folder, got, data):
    path, size, sha256 = got
    assert os.path.dirname(os.path.realpath(path)) == os.path.realpath(folder), (
        "the temp file is %s, not in the upload folder %s: create it there, "
        "tempfile.mkstemp(dir=folder). /tmp is often a small RAM disk, and an upload of a few "
        "GB must land where the space for uploads is" % (path, folder))
    stored = _file_bytes(path)
    assert len(stored) == len(data), (
        "the temp file holds %d bytes, the body has %d: every byte must reach the file, "
        "unchanged. %s" % (len(stored), len(data), "A short read is not the end of the "
        "body: keep reading until a read returns b''" if len(stored) < len(data) else
        "MORE bytes than the body were written: write only what each read gave (with "
        "readinto, the first n bytes of the buffer: buf[:n])"))
    assert stored == data, (
        "the temp file does not hold the body's bytes as they came: write the chunks in "
        "binary mode, unchanged (no decoding, no newline translation)")
    assert size == len(data), (
        "the size must count the bytes of the body (%d), not %r: add len(chunk) for every "
        "chunk, whatever size it has" % (len(data), size))
    assert sha256 == _sha(data), (
        "the sha256 is not the SHA-256 of the body's bytes: feed every chunk, in order, to ONE "
        "hashlib.sha256() object (digest.update(chunk)), then .hexdigest(); hash the bytes as "
        "they came, not text decoded from them")


def test_stores_the_body_byte_for_byte(tmp_path):
    for size in (1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 1234):
        folder = tmp_path / ("size-%d" % size)
        folder.mkdir()
        data = _body(size)
        got = _receive(Body(data), folder, CHUNK)
        _check_stored(folder, got, data)
        assert os.listdir(folder) == [os.path.basename(got[0])], (
            "the folder must hold the temp file and nothing else")


def test_an_empty_body(tmp_path):
    got = _receive(Body(b""), tmp_path, CHUNK)
    _check_stored(tmp_path, got, b"")
    assert got[2] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_short_reads_are_not_the_end(tmp_path):
    # On a network a read returns what has arrived so far: here 1000 bytes, then 1, then a
    # full chunk, then 333... Only b"" says the body is over.
    data = _body(5 * CHUNK + 77)
    body = Body(data, pieces=(1000, 1, CHUNK, 333))
    got = _receive(body, tmp_path, CHUNK)
    _check_stored(tmp_path, got, data)


def _read_in_chunks(body):
    unbounded = [size for size in body.asked if not isinstance(size, int) or size < 0]
    assert "line" not in unbounded, (
        "the body was read by iterating over the stream (or readline()): a binary stream "
        "yields LINES, and a body with no b'\\n' in it is one line, all of it in memory at "
        "once. Call stream.read(chunk_size) in a loop")
    assert unbounded == [], (
        "stream.read() was called without a size: it returns the whole body at once, and a "
        "4 GB upload does not fit in memory. Call stream.read(chunk_size) in a loop")


def test_reads_in_chunks(tmp_path):
    data = _body(6 * CHUNK + 5)
    body = Body(data)
    _receive(body, tmp_path, CHUNK)
    _read_in_chunks(body)
    assert max(body.asked) <= CHUNK, (
        "a read asked for %d bytes with chunk_size=%d: never ask for more than chunk_size"
        % (max(body.asked), CHUNK))
    assert len(body.asked) >= 7, "a body of 6 chunks and a bit needs at least 7 reads"


def test_the_default_chunk_is_64_kib(tmp_path):
    data = _body(200 * 1024)
    body = Body(data)
    got = _receive(body, tmp_path)
    _check_stored(tmp_path, got, data)
    _read_in_chunks(body)
    assert max(body.asked) == CHUNK_SIZE == 64 * 1024, (
        "without a chunk_size argument, each read must ask for CHUNK_SIZE (64 KiB) bytes, "
        "not %d" % max(body.asked))


def test_memory_stays_at_one_chunk(tmp_path):
    data = bytes(range(256)) * (16 * 1024)  # 4 MiB
    got, peak = kit.peak_memory(receive_body, Body(data), tmp_path, 64 * 1024)
    assert peak < 1024 * 1024, (
        "receiving a 4 MiB body took %.1f MiB of memory: the whole body was held at once "
        "(one read(), or the chunks kept in a list). Write each chunk to the file as soon "
        "as it arrives, and keep nothing but the hash and the count" % (peak / 2 ** 20))
    assert _file_bytes(got[0]) == data


def test_every_byte_arrives_despite_short_writes(tmp_path):
    # os.write() may take fewer bytes than it was given, and returns how many it took.
    data = _body(3 * CHUNK)
    with kit.short_writes(limit=1000):
        got = _receive(Body(data), tmp_path, CHUNK)
    stored = _file_bytes(got[0])
    assert stored == data, (
        "when the system took at most 1000 bytes per write, the file got %d of the %d bytes: "
        "os.write(fd, data) returns how many bytes it wrote and drops the rest. Loop until "
        "every byte is written, or write through a file object (open(fd, 'wb'))"
        % (len(stored), len(data)))


def test_each_body_gets_a_file_of_its_own(tmp_path):
    (tmp_path / "upload.part").write_bytes(b"somebody else's file")
    first, second = _body(CHUNK + 10), _body(2 * CHUNK)[::-1]
    got1 = _receive(Body(first), tmp_path, CHUNK)
    got2 = _receive(Body(second), tmp_path, CHUNK)
    assert got1[0] != got2[0], (
        "two bodies were received into the same temp file %s: the second one overwrote the "
        "first before anyone processed it. Let tempfile.mkstemp(dir=folder) make a fresh, "
        "unique name for every body" % got1[0])
    _check_stored(tmp_path, got1, first)
    _check_stored(tmp_path, got2, second)
    assert _file_bytes(tmp_path / "upload.part") == b"somebody else's file", (
        "a file that was already in the folder was changed: create a NEW file")


def test_two_bodies_at_the_same_moment(tmp_path):
    # Two requests arrive at once, in two threads: both are in the middle of their body at
    # the same moment (each waits for the other after its first chunk).
    bodies = [_body(4 * CHUNK), _body(4 * CHUNK)[::-1]]
    meeting = threading.Barrier(2)
    streams = [Body(data, pause_on=2, pause=meeting) for data in bodies]
    lock = threading.Lock()

    def one_request():
        with lock:
            stream = streams.pop()
        return stream.data, receive_body(stream, tmp_path, CHUNK)

    results = kit.race(one_request, threads=2)
    for result in results:
        assert not isinstance(result, BaseException), (
            "one of two bodies received at the same moment failed: %r. Each needs a temp "
            "file of its own: tempfile.mkstemp(dir=folder)" % (result,))
    paths = [os.fspath(result[1][0]) for result in results]
    assert paths[0] != paths[1], (
        "two bodies received at the same moment were written into the same file %s: give "
        "each one a fresh, unique temp file, tempfile.mkstemp(dir=folder)" % paths[0])
    for data, got in results:
        assert _file_bytes(got[0]) == data, (
            "two bodies received at the same moment got mixed up in their temp files: each "
            "needs a file of its own, tempfile.mkstemp(dir=folder)")


def _failed(stream, folder, expected, situation, advice="", **fault):
    """Receive while something fails; return the exception (checked to be `expected`), or
    None when the fault never came (the code never made such a call)."""
    before = sorted(os.listdir(folder))
    with kit.no_leaked_files():
        try:
            if fault:
                (op, error), = fault.items()
                with kit.fail_at(op, error) as record:
                    got = receive_body(stream, folder, CHUNK)
                if not record.fired:
                    return None
            else:
                got = receive_body(stream, folder, CHUNK)
        except BaseException as exc:
            raised = exc
            if fault:  # one of the very OSErrors the file system raised
                expected = next((e for e in record.errors if e is exc), record.errors[0])
            cause = exc
            while cause is not None:  # a traceback keeps the frames (and their files) alive
                cause.__traceback__ = None
                cause = cause.__context__
        else:
            assert False, (
                "%s, and receive_body returned %r as if all was well: the caller would go on "
                "with half a body. Clean up, then re-raise with a bare `raise`"
                % (situation, got))
    assert raised is expected, (
        "%s: the caller must get that same exception, %r, not %r. After cleaning up, "
        "re-raise it with a bare `raise` (a new exception loses the original's details)"
        % (situation, expected, raised))
    left = sorted(set(os.listdir(folder)) - set(before))
    assert left == [], (
        "%s, and the half-written temp file %s stayed in the folder. Every failed upload "
        "leaves one more, until the disk is full: put the whole receive in try, with "
        "`except BaseException:` os.unlink(path), then `raise`%s" % (situation, left[0], advice))
    assert sorted(os.listdir(folder)) == before, "files that were there before must stay"
    return raised


def test_the_client_disconnects_half_way(tmp_path):
    (tmp_path / "earlier.pdf").write_bytes(b"an earlier upload")
    gone = ClientDisconnected("the client closed the connection")
    _failed(Body(_body(5 * CHUNK), fail_after=2 * CHUNK, error=gone), tmp_path, gone,
            "the client went away after two chunks (the framework raised ClientDisconnected, "
            "not an OSError)")


def test_ctrl_c_half_way(tmp_path):
    stop = KeyboardInterrupt()
    _failed(Body(_body(5 * CHUNK), fail_after=CHUNK + 100, error=stop), tmp_path, stop,
            "Ctrl-C (KeyboardInterrupt) arrived in the middle of the body",
            advice=". KeyboardInterrupt is not an Exception, so `except Exception:` misses it")


def test_the_disk_fills_up_while_writing(tmp_path):
    _failed(Body(_body(5 * CHUNK)), tmp_path, errno.ENOSPC,
            "the disk was full (every write raised OSError ENOSPC)", write=errno.ENOSPC)


def test_the_disk_fills_up_when_the_file_is_closed(tmp_path):
    # A buffered file writes its last bytes when it is closed: that is where a full disk (or
    # a quota) shows up, at the end of the `with` block. (Code that writes with os.write
    # has no such buffer, and this fault never comes.)
    _failed(Body(_body(CHUNK // 2)), tmp_path, errno.EDQUOT,
            "the last bytes did not fit when the file was closed (OSError EDQUOT, quota "
            "exceeded)", advice=". The try must cover the whole `with` block: its end, where "
            "the file is closed, is where a buffered file does its last write",
            close=errno.EDQUOT)


def test_the_file_is_closed_and_complete_when_returned(tmp_path):
    data = _body(2 * CHUNK + 100)
    with kit.no_leaked_files():
        got = _receive(Body(data), tmp_path, CHUNK)
        assert _file_bytes(got[0]) == data, (
            "when receive_body returned, the temp file did not hold the whole body yet: the "
            "last bytes were still in the file object's buffer. Close the file (a `with` "
            "block) before returning")
