"""Another correct solution: Binary lines searched for b"ERROR"; 1 MiB chunks through iter(partial(f.read, n), b"")."""
"""Reading files 4: big files, small memory

f.read() returns the WHOLE file as one object, and f.readlines() returns a list of ALL its
lines. For a 2 GB log or a 5 GB upload that is gigabytes of memory, and a server process that
suddenly needs that much gets killed (OOM), taking every other request with it.

Two ways to read any file in constant memory:

- text, line by line: a text file object is an iterator over its lines. Only one line (plus
  the 8 KiB buffer) is in memory at a time:

      with open(path, encoding="utf-8") as f:
          for line in f:
              ...

- bytes, in fixed-size chunks: f.read(n) returns at most n bytes, and b"" at the end.
  Ideal for data that has no lines (images, archives, uploads), or to feed a hash:

      with open(path, "rb") as f:
          while chunk := f.read(64 * 1024):
              ...

Your task. Both functions below already give correct answers, but they load the whole file.
Keep what they compute; change how they read.

- count_errors(path) returns how many lines of the UTF-8 log file at `path` contain "ERROR"
  (case-sensitive; a line that contains it twice still counts once).
- sha256_of(path) returns the SHA-256 hex digest of the file's bytes (any file: text or not),
  e.g. to check that an upload arrived intact. A hashlib object can be fed piece by piece:
  h = hashlib.sha256(); h.update(chunk) ...; h.hexdigest().

The tests call count_errors on an 8 MB log and sha256_of on an 8 MB binary file that has no
newline at all, and measure with tracemalloc the peak memory each call allocates. It must stay
under 5 MB.
"""

import hashlib
from functools import partial


def count_errors(path):
    count = 0
    with open(path, "rb") as f:
        for line in f:
            count += b"ERROR" in line
    return count


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(partial(f.read, 1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import hashlib
import os

import iolings_testkit as kit

MEGABYTE = 1024 * 1024
MEMORY_LIMIT = 5 * MEGABYTE

TRACE = " trace=" + "4bf92f3577b34da6a3ce929d0e0e4736" * 28  # long lines, as with request dumps
INFO = "2024-05-01T12:00:00Z INFO  GET /api/orders/1234 200 in 12 ms user=zoë@example.com"
ERROR = "2024-05-01T12:00:01Z ERROR POST /api/uploads 507 disk quota exceeded tenant=müller"
# kit.make_file repeats this block: an 8 MB log where one line in four is an error, and the
# error lines, with their dumps, are most of the bytes: keeping them all costs memory too.
LOG_BLOCK = (INFO + "\n") * 3 + ERROR + TRACE + "\n"


def make_big_log(tmp_path):
    return kit.make_file(tmp_path / "big.log", 8, line=LOG_BLOCK)


def test_count_errors_in_a_small_log():
    assert count_errors("app.log") == 4, (
        "app.log has 4 lines containing ERROR. The last one contains it twice and counts once "
        "(count lines, not occurrences); the line with a lowercase 'error' does not count"
    )


# Chunk sizes people read with: 1000, 1024, 4096, 8192 (io.DEFAULT_BUFFER_SIZE), 64 KiB, 1 MiB...
CHUNK_SIZES = (1000, 1024, 4096, 8192, 10000, 16384, 65536, 100000, 131072, 1048576)


COUNTED_OCCURRENCES = (
    "count_errors returned %d, the number of times ERROR occurs: count the lines that contain "
    "it instead (a line with ERROR twice counts once)"
)


def log_cut_at_every_chunk_size(cut):
    """(text, count): an ASCII log and how many of its lines contain ERROR.

    Wherever a read of one of CHUNK_SIZES characters ends, the log has a line containing
    ERROR, and the read ends at `cut` characters into that line: at the first three ends of
    each size (a carry-over bug may show only at the second), at the first end of 1 MiB (a
    3 MiB log would cost more time than it finds).
    """
    info = "2024-05-01T12:00:00Z INFO  GET /api/orders 200 in 12 ms\n"
    parts, size, count = [], 0, 0
    ends = {k * s for s in CHUNK_SIZES if s < CHUNK_SIZES[-1] for k in (1, 2, 3)}
    for boundary in sorted(ends | {CHUNK_SIZES[-1]}):
        start = boundary - len(cut[0])
        if start <= size:
            continue  # too close to the one before
        while start - size > len(info):
            parts.append(info)
            size += len(info)
        parts.append("." * (start - size - 1) + "\n")
        parts.append(cut[1])
        size, count = start + len(cut[1]), count + 1
    return "".join(parts), count


def test_count_errors_when_reads_cut_a_line(tmp_path):
    path = tmp_path / "cut.log"
    for cut, why in (
        (("2024-05-01T12:00:01Z ER", "2024-05-01T12:00:01Z ERROR upload failed\n"),
         "the reads end inside the word: 'ER' ends one chunk and 'ROR' starts the next, so "
         "neither chunk contains ERROR"),
        (("2024-05-01T12:00:02Z ERROR retry ", "2024-05-01T12:00:02Z ERROR retry ERROR\n"),
         "the reads end between the two ERRORs of a line, so both halves of the line count"),
    ):
        text, expected = log_cut_at_every_chunk_size(cut)
        path.write_bytes(text.encode("ascii"))
        got = count_errors(path)
        assert got != text.count("ERROR") or got == expected, COUNTED_OCCURRENCES % got
        assert got == expected, (
            "%d lines of this log contain ERROR and count_errors says %d. Wherever a read of "
            "1000, 1024, 4096, 8192... or 1 MiB characters ends, %s. A chunk is not a line: "
            "iterate over the file (for line in f), which always gives whole lines"
            % (expected, got, why)
        )


def test_count_errors_in_awkward_lines(tmp_path):
    path = tmp_path / "awkward.log"
    for line, expected, advice in (
        ("ERROR at the very start of a line\n", 1,
         "ERROR at position 0 counts: line.find('ERROR') is 0 there, which is not > 0; "
         "test '\"ERROR\" in line'"),
        ("2024-05-01T12:00:03Z [ERROR] disk full\n", 1,
         "a line contains ERROR even when it is not a separate word: test '\"ERROR\" in line', "
         "not line.split()"),
        ("2024-05-01T12:00:04Z level=ERROR,code=507\n", 1,
         "a line contains ERROR even when it is not a separate word: test '\"ERROR\" in line', "
         "not line.split()"),
        ("ERROR, ERROR: payload=" + "x" * 100_000 + " ERROR\n", 1,
         "this one 100 KB line has ERROR at both ends and counts once. Pieces of a long line "
         "(from readline(limit) or from chunks) are not lines: iterate over the file"),
        ("INFO first line\n2024-05-01T12:00:07Z ERROR in the last line, no newline", 1,
         "the last line has no \"\\n\", but it is a line: count it too (a loop that only counts "
         "text followed by \"\\n\" forgets it)"),
    ):
        path.write_bytes(line.encode("ascii"))
        got = count_errors(path)
        assert got != line.count("ERROR") or got == expected, COUNTED_OCCURRENCES % got
        assert got == expected, (
            "count_errors says %d for a log whose lines are %r: %s"
            % (got, [text[:60] + ("..." if len(text) > 60 else "") for text in
                     line.splitlines()], advice)
        )


def test_both_functions_on_an_empty_file(tmp_path):
    path = tmp_path / "empty.upload"
    path.write_bytes(b"")  # a 0-byte upload, or a log just rotated
    for function, expected in ((count_errors, 0), (sha256_of, hashlib.sha256(b"").hexdigest())):
        try:
            got = function(path)
        except ValueError as error:
            raise AssertionError(
                "%s failed on an empty file (%s): files of 0 bytes exist, and mmap cannot map "
                "one. Read with plain reads (for line in f, or f.read(64 * 1024) in a loop), "
                "which simply return nothing at the end" % (function.__name__, error)
            ) from None
        assert got == expected, (
            "%s returned %r for an empty file: no line contains ERROR (0), and the SHA-256 "
            "of no bytes at all is %s" % (function.__name__, got, expected)
        )


def test_both_functions_close_their_files():
    for function in (count_errors, sha256_of):
        try:
            with kit.no_leaked_files():
                function("app.log")
        except AssertionError as error:
            raise AssertionError("%s: %s" % (function.__name__, error)) from None


def test_count_errors_in_a_big_log_with_little_memory(tmp_path):
    path = make_big_log(tmp_path)
    size = os.path.getsize(path)
    count, peak = kit.peak_memory(count_errors, path)
    assert count == size // len(LOG_BLOCK.encode("utf-8")), "wrong number of ERROR lines"
    assert peak < MEMORY_LIMIT, (
        "peak memory %.1f MB while reading this %.0f MB file: iterate over the file "
        "(for line in f) instead of f.read() or f.readlines(), so only one line is in "
        "memory at a time, and count as you go: a list of the matching lines grows with "
        "the file" % (peak / MEGABYTE, size / MEGABYTE)
    )


def test_sha256_of_binary_data(tmp_path):
    # Not text at all: a PNG header, \r\n and lone \r, NUL bytes, every byte value.
    data = b"\x89PNG\r\n\x1a\n\x00\x00\r" + bytes(range(256)) * 40
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    try:
        digest = sha256_of(path)
    except UnicodeDecodeError as error:
        raise AssertionError(
            "sha256_of decoded the file as text and failed (%s). A hash is computed over "
            "bytes and most files are not text: open the file in binary mode ('rb')" % error
        ) from None
    assert digest == hashlib.sha256(data).hexdigest(), (
        "this is not the SHA-256 of the file's bytes. Open the file in binary mode ('rb'): "
        "text mode decodes the bytes and turns \\r\\n into \\n, so you hash something else; "
        "and keep reading until f.read(n) returns b''"
    )


# 65,280 bytes: every byte value except b"\n", so the whole big file is one single "line".
BINARY_BLOCK = bytes(b for b in range(256) if b != ord("\n")) * 256


def make_big_binary(tmp_path):
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        for _ in range(8 * MEGABYTE // len(BINARY_BLOCK)):
            f.write(BINARY_BLOCK)
    return path


def expected_sha256(path, block):
    """SHA-256 of a file made of `block` repeated (computed without reading the file)."""
    repeats, rest = divmod(os.path.getsize(path), len(block))
    assert rest == 0
    h = hashlib.sha256()
    for _ in range(repeats):
        h.update(block)
    return h.hexdigest()


def test_sha256_of_a_big_file_with_little_memory(tmp_path):
    path = make_big_binary(tmp_path)
    size = os.path.getsize(path)
    digest, peak = kit.peak_memory(sha256_of, path)
    assert digest == expected_sha256(path, BINARY_BLOCK), (
        "wrong digest for this %.0f MB file: hash every chunk, until f.read(n) returns b''"
        % (size / MEGABYTE)
    )
    assert peak < MEMORY_LIMIT, (
        "peak memory %.1f MB while hashing this %.0f MB binary file: read it in fixed-size "
        "chunks (f.read(64 * 1024) in a loop, feeding each chunk to h.update). Not f.read(), "
        "and not line by line either: this file has no b'\\n' at all, so its one 'line' is "
        "the whole file" % (peak / MEGABYTE, size / MEGABYTE)
    )
