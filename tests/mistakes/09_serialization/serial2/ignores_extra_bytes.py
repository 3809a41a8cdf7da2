"""Checks that the file is long enough, but not that it holds nothing more than the header says."""
# expect: one record more than the header says
"""serial2: binary records with struct: byte order, sizes and alignment.

Devices, file formats and network protocols write numbers as raw bytes: a 32-bit unsigned
integer is 4 bytes, not up to 10 digits of text. struct converts between Python values and
such bytes, described by a format string:

    struct.pack(">HIhB", 17, 1714564800, -525, 1)      # 9 bytes
    struct.unpack(">HIhB", data)                        # (17, 1714564800, -525, 1)

The first character sets the byte order, and also whether sizes and padding are standard:

    ">" or "!"   big-endian ("network order": most significant byte first), standard sizes
    "<"          little-endian (what x86 and ARM CPUs use in memory), standard sizes
    "@"          the default: this machine's order, its C sizes AND its C alignment

Then one letter per field: B/b 1 byte (unsigned/signed), H/h 2 bytes, I/i 4 bytes, Q/q 8,
f 4-byte float, d 8-byte float, 4s a 4-byte bytes string. Upper case is unsigned: a 2-byte
field holding -525 must be read with "h", or it comes back as 65011.

Alignment is the trap of the default "@": like a C compiler, it puts padding bytes so that
each field starts at a multiple of its size. struct.calcsize("@HIhB") is 11 (2 bytes of
padding after the H), struct.calcsize(">HIhB") is 9. A file format defines every byte, so
always say "<" or ">" (whichever the format's documentation says) and never rely on "@".

Your task. A temperature sensor writes its log in this format, everything big-endian, no
padding:

    header, 10 bytes:   magic b"SENS" (4 bytes), version (uint16, always 1),
                        count (uint32, the number of records that follow)
    record, 9 bytes:    sensor_id (uint16), timestamp (uint32, Unix seconds),
                        centi_celsius (int16, hundredths of a degree: -525 is -5.25 °C),
                        status (uint8)

- read_log(path) returns the records of the log file at `path` as a list of Reading
  tuples. It raises ValueError (with a message saying what is wrong) when the magic is not
  b"SENS", the version is not 1, or the file's size does not match the count in the header:
  a truncated file (a record cut short, or fewer records than the count) or extra bytes.
- write_log(path, readings) writes a header and the readings (an iterable of tuples of 4
  ints: a list, or a generator) in that format, replacing any file at `path`. A value that does not fit its field raises struct.error (struct does that).
- write_wav(path, samples, rate) writes a WAV file with one channel of 16-bit samples
  (`samples`: ints from -32768 to 32767). WAV is little-endian; its 44-byte header is
      b"RIFF", uint32 36 + data size, b"WAVE",
      b"fmt ", uint32 16, uint16 1 (PCM), uint16 channels, uint32 rate,
               uint32 byte rate (rate * channels * 2), uint16 block align (channels * 2),
               uint16 bits per sample (16),
      b"data", uint32 data size (len(samples) * 2)
  followed by the samples, each an int16, replacing any file at `path`. The standard
  library's wave module must read it.
"""

import struct
from collections import namedtuple

Reading = namedtuple("Reading", "sensor_id timestamp centi_celsius status")

HEADER = struct.Struct(">4sHI")   # 10 bytes, big-endian, no padding
RECORD = struct.Struct(">HIhB")   # 9 bytes

WAV_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")   # 44 bytes, little-endian


def read_log(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < HEADER.size:
        raise ValueError("truncated: %d bytes, shorter than the %d-byte header"
                         % (len(data), HEADER.size))
    magic, version, count = HEADER.unpack_from(data, 0)
    if magic != b"SENS":
        raise ValueError("not a sensor log: magic %r, expected b'SENS'" % magic)
    if version != 1:
        raise ValueError("unsupported version %d" % version)
    expected = HEADER.size + count * RECORD.size
    if len(data) < expected:
        raise ValueError("%s: the header says %d records (%d bytes), the file has %d bytes"
                         % ("truncated" if len(data) < expected else "extra bytes",
                            count, expected, len(data)))
    return [Reading(*fields) for fields in RECORD.iter_unpack(data[HEADER.size:])]


def write_log(path, readings):
    readings = list(readings)
    with open(path, "wb") as f:
        f.write(HEADER.pack(b"SENS", 1, len(readings)))
        for reading in readings:
            f.write(RECORD.pack(*reading))


def write_wav(path, samples, rate):
    channels, width = 1, 2
    data = struct.pack("<%dh" % len(samples), *samples)
    header = WAV_HEADER.pack(b"RIFF", 36 + len(data), b"WAVE",
                             b"fmt ", 16, 1, channels, rate, rate * channels * width,
                             channels * width, 8 * width,
                             b"data", len(data))
    with open(path, "wb") as f:
        f.write(header + data)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import wave  # noqa: E402

import iolings_testkit as kit  # noqa: E402

EXPECTED = [
    (17, 1714564800, 2150, 0),
    (17, 1714564860, -525, 1),
    (65535, 4000000000, -27315, 255),
    (300, 1714564920, 32767, 2),
    (1, 0, -1, 0),
]


def _read(path):
    try:
        return read_log(path)
    except struct.error as exc:
        raise AssertionError(
            "read_log(%r) raised struct.error: %s. Check the file's size against the header "
            "before unpacking, and raise ValueError saying what is missing" % (path, exc)
        ) from None


def test_reads_the_log():
    try:
        got = read_log("readings.bin")
    except (ValueError, struct.error) as exc:
        raise AssertionError(
            "readings.bin is a valid log (10-byte header, 5 records of 9 bytes), but "
            "read_log raised %r. A format string's first character decides two things: the "
            "byte order (the log is big-endian) and the padding (the default '@' pads fields "
            "to their C alignment, so struct.calcsize('@HIhB') is 11): start the formats "
            "with '>', big-endian without padding" % (exc,)) from None
    assert [tuple(r) for r in got] == EXPECTED, (
        "wrong values. The log is big-endian: the formats must start with '>' (the default "
        "'@' uses this machine's byte order, little-endian here). And the letters set size "
        "and sign: H uint16, I uint32, h int16 (-525), B uint8")
    assert all(isinstance(r, Reading) for r in got), "read_log must return Reading tuples"


def test_a_truncated_log_is_an_error():
    try:
        got = _read("readings_truncated.bin")
    except ValueError as exc:
        assert str(exc), "the ValueError should say what is wrong"
        return
    assert False, (
        "readings_truncated.bin stops in the middle of its 5th record, but read_log returned "
        "%d records without complaint. Compare the size with HEADER.size + count * "
        "RECORD.size and raise ValueError" % len(got))


def _must_refuse(path, data, why):
    path.write_bytes(data)
    try:
        got = _read(path)
    except ValueError:
        return
    assert False, "%s: read_log must raise ValueError, it returned %r" % (why, got)


def test_other_broken_files(tmp_path):
    with open("readings.bin", "rb") as f:
        good = f.read()
    _must_refuse(tmp_path / "a.bin", b"PNG\x00" + good[4:], "the magic is not b'SENS'")
    _must_refuse(tmp_path / "b.bin", good[:4] + b"\x00\x02" + good[6:], "version 2")
    _must_refuse(tmp_path / "c.bin", good[:6] + b"\x00\x00\x00\x06" + good[10:],
                 "the header says 6 records, the file holds 5")
    _must_refuse(tmp_path / "d.bin", good + good[10:19], "one record more than the header says")
    _must_refuse(tmp_path / "e.bin", good[:7], "the header itself is cut short")
    _must_refuse(tmp_path / "f.bin", b"", "an empty file")
    _must_refuse(tmp_path / "g.bin", good + b"\x00\x00",
                 "two stray bytes after the last record (the size must be exactly "
                 "HEADER.size + count * RECORD.size; dividing by RECORD.size hides the rest)")


def test_write_log_gives_the_same_bytes(tmp_path):
    path = tmp_path / "out.bin"
    write_log(path, EXPECTED)
    with open("readings.bin", "rb") as f:
        expected = f.read()
    got = path.read_bytes()
    assert len(got) == len(expected), (
        "write_log wrote %d bytes where readings.bin has %d: the formats must have no "
        "padding ('>' not '@')" % (len(got), len(expected)))
    assert got == expected, "write_log must write the log format exactly (big-endian)"


def test_an_empty_log(tmp_path):
    path = tmp_path / "empty.bin"
    write_log(path, iter([]))
    assert path.read_bytes() == b"SENS\x00\x01\x00\x00\x00\x00", (
        "a log without readings is just the 10-byte header, with count 0")
    assert _read(path) == [], "a header with count 0 and nothing after it is a valid, empty log"


def test_write_log_from_a_generator_replaces_the_file(tmp_path):
    path = tmp_path / "out.bin"
    write_log(path, EXPECTED * 3)
    write_log(path, (reading for reading in EXPECTED))
    with open("readings.bin", "rb") as f:
        assert path.read_bytes() == f.read(), (
            "write_log must accept any iterable (here a generator) and replace the file "
            "(mode 'wb', not 'ab')")


def test_files_are_closed(tmp_path):
    with kit.no_leaked_files():
        read_log("readings.bin")
        write_log(tmp_path / "out.bin", EXPECTED)
        write_wav(tmp_path / "out.wav", SAMPLES, 8000)


def test_write_log_refuses_values_that_do_not_fit(tmp_path):
    for bad in [(17, 1714564800, 40000, 0), (17, -1, 0, 0), (70000, 0, 0, 0),
                (1, 0, 0, 256)]:
        try:
            write_log(tmp_path / "bad.bin", [bad])
        except struct.error:
            continue
        assert False, (
            "%r does not fit the record (int16 temperature, unsigned fields): struct.pack "
            "raises struct.error for it with the right format letters" % (bad,))


SAMPLES = [0, 1000, -1000, 32767, -32768, 12345, -1, 7]


def test_write_wav_is_read_by_the_wave_module(tmp_path):
    path = tmp_path / "beep.wav"
    write_wav(path, SAMPLES, 8000)
    try:
        with wave.open(str(path), "rb") as w:
            params = (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes())
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, struct.error) as exc:
        raise AssertionError(
            "the wave module cannot read the file: %s. WAV is little-endian: every field "
            "of the header with '<'" % exc) from None
    assert params == (1, 2, 8000, len(SAMPLES)), (
        "wave reads (channels, bytes per sample, rate, frames) = %r" % (params,))
    assert frames == struct.pack("<%dh" % len(SAMPLES), *SAMPLES), (
        "the samples must follow the header as little-endian int16 ('<h')")


def test_write_wav_header_fields(tmp_path):
    path = tmp_path / "beep.wav"
    write_wav(path, SAMPLES * 3, 8000)
    write_wav(path, SAMPLES, 44100)
    data = path.read_bytes()
    assert len(data) == 44 + 2 * len(SAMPLES), "a 44-byte header, then 2 bytes per sample"
    assert data[:44] == (
        b"RIFF" + (36 + 16).to_bytes(4, "little") + b"WAVE"
        + b"fmt " + (16).to_bytes(4, "little") + (1).to_bytes(2, "little")
        + (1).to_bytes(2, "little") + (44100).to_bytes(4, "little")
        + (88200).to_bytes(4, "little") + (2).to_bytes(2, "little")
        + (16).to_bytes(2, "little") + b"data" + (16).to_bytes(4, "little")), (
        "the header fields must be exactly as the task lists them: RIFF size = 36 + data "
        "size, byte rate = rate * channels * 2, block align = channels * 2")
