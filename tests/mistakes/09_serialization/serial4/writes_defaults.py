"""Writes every field that is present, even 0, '' and b''."""
# expect: is not written
"""serial4: the Protocol Buffers wire format, by hand: varints, zigzag, tags, wire types.

Protocol Buffers (protobuf) is how gRPC services and many storage systems exchange data:
a schema in a .proto file, and a compact binary encoding generated code reads and writes.
The encoding is small enough to write yourself, and knowing it explains protobuf's rules.

VARINT: an unsigned integer in 7-bit groups, least significant group first; each byte's top
bit says "more bytes follow". 1 is 01; 150 is 96 01 (150 = 0b1_0010110: the low 7 bits
0010110 with the top bit set give 0x96, then 0b1 gives 0x01). A varint is 1 to 10 bytes.

A MESSAGE is a sequence of fields. Each field starts with a TAG, itself a varint:
(field_number << 3) | wire_type. The wire type says how to find the end of the value, so a
reader can skip fields it does not know:

    0 VARINT   a varint                     (int32, int64, uint32, bool, enum, sint32...)
    1 I64      8 bytes, little-endian       (fixed64, double)
    2 LEN      a varint length, then that many bytes   (string, bytes, nested messages)
    5 I32      4 bytes, little-endian       (fixed32, float)
    (3 and 4 were "groups", long deprecated; 6 and 7 do not exist.)

Skipping unknown fields is what makes schema evolution work: a new sender adds field 6, an
old reader skips it and keeps working. Field numbers, not names, are on the wire: never
reuse one.

Negative numbers. An int32 field holding -1 is sign-extended to 64 bits, so it is the varint
of 2**64 - 1: ten bytes, ff ff ff ff ff ff ff ff ff 01. (In Python, -1 >> 7 is still -1:
a varint loop over a negative int never ends. Convert first: n + 2**64 for n < 0.) That is
why protobuf has sint32: ZIGZAG maps 0, -1, 1, -2, 2... to 0, 1, 2, 3, 4... so small
negative numbers stay short: zigzag(n) = (n << 1) ^ (n >> 31) for a 32-bit n, and back:
(z >> 1) ^ -(z & 1).

The message of this exercise:

    message Upload {
      int32   id     = 1;   // wire type 0
      string  name   = 2;   // wire type 2, UTF-8 (its length is in BYTES)
      sint32  offset = 3;   // wire type 0, zigzag
      bytes   sha256 = 4;   // wire type 2
      fixed32 crc    = 5;   // wire type 5, 4 bytes little-endian
    }

Your task:

- encode_varint(n) returns the varint bytes of 0 <= n < 2**64 (ValueError otherwise).
  decode_varint(data, pos) reads the varint starting at data[pos] and returns
  (value, position after it); ValueError if data ends inside it or it is longer than 10 bytes.
- zigzag(n) and unzigzag(z) for 32-bit values, as above.
- encode_upload(msg) returns the bytes of an Upload. `msg` is a dict with some of the keys
  id, name, offset, sha256, crc. Fields are written in field-number order, and, as in
  proto3, a field whose value is the default (0, "" or b"") is not written at all. A value
  out of its type's range (int32 and sint32: -2**31 <= n < 2**31, fixed32: 0 <= n < 2**32)
  raises ValueError.
- decode_upload(data) returns a dict with all five keys, defaults for the fields that are
  absent. If a field appears more than once, the last value wins. An int32 is the low 32
  bits of its varint, read as a signed number. Fields with other numbers are skipped (wire
  types 0, 1, 2 and 5). ValueError for: data that ends inside a tag or a value, wire types
  3, 4, 6, 7, field number 0, a known field with the wrong wire type, a name that is not UTF-8.

Checked against the examples of the protobuf encoding guide:
    encode_upload({"id": 150})         == bytes.fromhex("08 96 01")
    encode_upload({"name": "testing"}) == bytes.fromhex("12 07 74 65 73 74 69 6e 67")
"""

import struct

VARINT, I64, LEN, I32 = 0, 1, 2, 5

# field number -> (name, wire type, kind)
FIELDS = {1: ("id", VARINT, "int32"), 2: ("name", LEN, "string"),
          3: ("offset", VARINT, "sint32"), 4: ("sha256", LEN, "bytes"),
          5: ("crc", I32, "fixed32")}


def encode_varint(n):
    if not 0 <= n < 2**64:
        raise ValueError("a varint holds 0 <= n < 2**64, not %d" % n)
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def decode_varint(data, pos):
    value = 0
    for i in range(10):
        if pos + i >= len(data):
            raise ValueError("truncated varint at byte %d" % pos)
        byte = data[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, pos + i + 1
    raise ValueError("varint longer than 10 bytes at byte %d" % pos)


def zigzag(n):
    return (n << 1) ^ (n >> 31)


def unzigzag(z):
    return (z >> 1) ^ -(z & 1)


def _check_int32(name, n):
    if not -2**31 <= n < 2**31:
        raise ValueError("%s=%d is out of the int32 range" % (name, n))


def encode_upload(msg):
    out = bytearray()
    for number, (name, wire, kind) in sorted(FIELDS.items()):
        value = msg.get(name)
        if value is None:
            continue
        out += encode_varint(number << 3 | wire)
        if kind == "int32":
            _check_int32(name, value)
            out += encode_varint(value + 2**64 if value < 0 else value)
        elif kind == "sint32":
            _check_int32(name, value)
            out += encode_varint(zigzag(value))
        elif kind == "fixed32":
            if not 0 <= value < 2**32:
                raise ValueError("%s=%d is out of the fixed32 range" % (name, value))
            out += struct.pack("<I", value)
        else:
            raw = value.encode("utf-8") if kind == "string" else bytes(value)
            out += encode_varint(len(raw)) + raw
    return bytes(out)


def _take(data, pos, n):
    if pos + n > len(data):
        raise ValueError("truncated: %d bytes needed at byte %d, %d left"
                         % (n, pos, len(data) - pos))
    return data[pos:pos + n], pos + n


def decode_upload(data):
    msg = {"id": 0, "name": "", "offset": 0, "sha256": b"", "crc": 0}
    pos = 0
    while pos < len(data):
        tag, pos = decode_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise ValueError("field number 0 is not allowed")
        if wire == VARINT:
            value, pos = decode_varint(data, pos)
        elif wire == I64:
            value, pos = _take(data, pos, 8)
        elif wire == LEN:
            length, pos = decode_varint(data, pos)
            value, pos = _take(data, pos, length)
        elif wire == I32:
            value, pos = _take(data, pos, 4)
        else:
            raise ValueError("wire type %d is not supported" % wire)
        if number not in FIELDS:
            continue  # an unknown field: skipped
        name, expected, kind = FIELDS[number]
        if wire != expected:
            raise ValueError("field %d (%s) has wire type %d, expected %d"
                             % (number, name, wire, expected))
        if kind == "int32":
            value &= 0xFFFFFFFF
            msg[name] = value - 2**32 if value >= 2**31 else value
        elif kind == "sint32":
            msg[name] = unzigzag(value & 0xFFFFFFFF)
        elif kind == "fixed32":
            (msg[name],) = struct.unpack("<I", value)
        elif kind == "string":
            msg[name] = bytes(value).decode("utf-8")
        else:
            msg[name] = bytes(value)
    return msg


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import signal  # noqa: E402

VARINTS = {0: "00", 1: "01", 127: "7f", 128: "80 01", 150: "96 01", 300: "ac 02",
           16384: "80 80 01", 2**32 - 1: "ff ff ff ff 0f", 2**64 - 1: "ff ff ff ff ff ff ff ff ff 01"}


class _NeverReturned(BaseException):
    pass


def _within(fn, seconds=2):
    """fn(), stopped by a timer signal if it runs for more than `seconds`."""
    def stop(signum, frame):
        raise _NeverReturned()
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    except _NeverReturned:
        raise AssertionError(
            "this call never returned. In Python, -1 >> 7 is still -1: a loop `while n: ... "
            "n >>= 7` over a negative number never ends. A negative int32 is sign-extended to "
            "64 bits first: encode the varint of n + 2**64 (for n < 0)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_varints():
    got = {n: _within(lambda n=n: encode_varint(n)).hex(" ") for n in VARINTS}
    assert got == VARINTS, (
        "a varint holds 7 bits per byte, least significant group first, with the top bit "
        "(0x80) set on every byte but the last: 150 -> 96 01")
    for n, text in VARINTS.items():
        data = b"\xaa" + bytes.fromhex(text) + b"\xbb"
        assert decode_varint(data, 1) == (n, 1 + len(bytes.fromhex(text))), (
            "decode_varint(data, pos) must return (value, the position just after the "
            "varint): %s at position 1 of %s" % (text, data.hex(" ")))


def _must_raise(fn, why):
    try:
        got = _within(fn)
    except ValueError:
        return
    except AssertionError as exc:
        raise AssertionError("%s: %s" % (why, exc)) from None
    except struct.error as exc:
        raise AssertionError(
            "%s: raise ValueError, not struct.error (%s), which is not a ValueError: check "
            "the range yourself before packing" % (why, exc)) from None
    except TypeError as exc:
        raise AssertionError(
            "%s: raise ValueError, not TypeError (%s): a value read with one wire type was "
            "converted as another; check a known field's wire type before using its value"
            % (why, exc)) from None
    except IndexError as exc:
        raise AssertionError(
            "%s: raise ValueError, not IndexError (%s): check that the data goes on before "
            "reading the next byte" % (why, exc)) from None
    assert False, "%s: must raise ValueError, got %r" % (why, got)


def test_varint_errors():
    _must_raise(lambda: decode_varint(b"\x96", 0), "96 is a varint cut short (its top bit says more follows)")
    _must_raise(lambda: decode_varint(b"", 0), "no byte at all")
    _must_raise(lambda: decode_varint(b"\xff" * 10 + b"\x01", 0), "an 11-byte varint")
    _must_raise(lambda: encode_varint(-1), "encode_varint(-1): varints are unsigned, so raise ValueError for n < 0")
    _must_raise(lambda: encode_varint(2**64), "encode_varint(2**64): more than 64 bits")


ZIGZAG = {0: 0, -1: 1, 1: 2, -2: 3, 2: 4, 2147483647: 4294967294, -2147483648: 4294967295}


def test_zigzag():
    assert {n: zigzag(n) for n in ZIGZAG} == ZIGZAG, (
        "zigzag maps 0, -1, 1, -2, 2 to 0, 1, 2, 3, 4: (n << 1) ^ (n >> 31)")
    assert {z: unzigzag(z) for z in ZIGZAG.values()} == {z: n for n, z in ZIGZAG.items()}, (
        "unzigzag undoes it: (z >> 1) ^ -(z & 1)")


def _encode(msg):
    got = _within(lambda: encode_upload(msg))
    assert isinstance(got, bytes), "encode_upload must return bytes"
    return got.hex(" ")


def test_examples_from_the_encoding_guide():
    assert _encode({"id": 150}) == "08 96 01", (
        "field 1, wire type 0: tag (1 << 3) | 0 = 08, then the varint 96 01")
    assert _encode({"name": "testing"}) == "12 07 74 65 73 74 69 6e 67", (
        "field 2, wire type 2: tag (2 << 3) | 2 = 12, the length 07, then the UTF-8 bytes")


def test_encode_each_field():
    assert _encode({"name": "Zoë"}) == "12 04 5a 6f c3 ab", (
        "the length of a string is its number of UTF-8 BYTES: 'Zoë' is 4 bytes, 3 characters")
    assert _encode({"offset": -1}) == "18 01", "sint32 -1 is zigzag 1: tag 18, varint 01"
    assert _encode({"offset": -2147483648}) == "18 ff ff ff ff 0f"
    assert _encode({"sha256": b"\x00\xff"}) == "22 02 00 ff"
    assert _encode({"crc": 0xDEADBEEF}) == "2d ef be ad de", (
        "fixed32: tag (5 << 3) | 5 = 2d, then 4 bytes LITTLE-endian (struct '<I')")
    assert _encode({"crc": 5, "id": 7, "offset": 3, "sha256": b"h", "name": "n"}) == (
        "08 07 12 01 6e 18 06 22 01 68 2d 05 00 00 00"), "fields in field-number order"


def test_negative_int32_takes_ten_bytes():
    assert _encode({"id": -1}) == "08 ff ff ff ff ff ff ff ff ff 01", (
        "an int32 -1 is sign-extended to 64 bits: the varint of 2**64 - 1, 10 bytes. "
        "(n & 0xFFFFFFFF gives 5 bytes, which other protobuf encoders never write)")
    assert _encode({"id": -2147483648}) == "08 80 80 80 80 f8 ff ff ff ff 01"


def test_defaults_are_not_written():
    assert _encode({"id": 0, "name": "", "offset": 0, "sha256": b"", "crc": 0}) == "", (
        "as in proto3, a field holding its default value (0, '', b'') is not written")
    assert _encode({}) == ""


def test_values_out_of_range():
    for msg in ({"id": 2**31}, {"id": -2**31 - 1}, {"offset": 2**31}, {"crc": -1},
                {"crc": 2**32}):
        _must_raise(lambda msg=msg: encode_upload(msg), "%r is out of range" % msg)


DEFAULTS = {"id": 0, "name": "", "offset": 0, "sha256": b"", "crc": 0}


def _decode(hex_text):
    """decode_upload of a VALID message."""
    try:
        return _within(lambda: decode_upload(bytes.fromhex(hex_text)))
    except ValueError as exc:
        raise AssertionError(
            "%s is a valid message, but decode_upload raised %r. Check how many bytes each "
            "wire type takes: 0 a varint, 1 eight bytes, 2 a varint length then that many "
            "bytes, 5 four bytes; and read each tag as a varint" % (hex_text, exc)) from None


def test_decode():
    assert _decode("08 96 01") == dict(DEFAULTS, id=150), (
        "decode_upload returns all five keys, defaults for absent fields")
    assert _decode("12 07 74 65 73 74 69 6e 67") == dict(DEFAULTS, name="testing")
    assert _decode("08 ff ff ff ff ff ff ff ff ff 01") == dict(DEFAULTS, id=-1), (
        "an int32 is the low 32 bits of its varint as a signed number: 2**64 - 1 is -1")
    assert _decode("18 ff ff ff ff 0f 12 04 5a 6f c3 ab 2d ef be ad de") == dict(
        DEFAULTS, offset=-2147483648, name="Zoë", crc=0xDEADBEEF)
    assert _decode("") == DEFAULTS
    assert _decode("08 80 80 80 80 f8 ff ff ff ff 01") == dict(DEFAULTS, id=-2147483648)
    assert _decode("08 ff ff ff ff 07") == dict(DEFAULTS, id=2147483647)
    assert _decode("08 01 08 02") == dict(DEFAULTS, id=2), "the last value of a field wins"
    assert _decode("08 96 81 80 80 10 18 84 80 80 80 10") == dict(DEFAULTS, id=150, offset=2), (
        "id's varint is 2**32 + 150 and offset's 2**32 + 4: an int32 or sint32 keeps only the "
        "LOW 32 bits of its varint (value & 0xFFFFFFFF), then reads them as signed (int32: "
        "subtract 2**32 from values >= 2**31) or unzigzags them (sint32)")
    assert _decode("08 ff ff ff ff 0f") == dict(DEFAULTS, id=-1), (
        "a 5-byte varint 2**32 - 1 is int32 -1 too: its low 32 bits are all ones")


def test_round_trip():
    msg = {"id": -42, "name": "rapport été 2024.pdf", "offset": -123456,
           "sha256": bytes(range(32)), "crc": 0x80000001}
    assert _within(lambda: decode_upload(encode_upload(msg))) == msg
    for n in (2**31 - 1, -2**31, 2**30, -2**30 - 1, 1, -1):
        msg = dict(DEFAULTS, id=n, offset=n, crc=n % 2**32)
        assert _within(lambda: decode_upload(encode_upload(msg))) == msg, (
            "%d is an int32 like any other: every value from -2**31 to 2**31 - 1 must "
            "survive encode_upload and decode_upload" % n)


def test_unknown_fields_are_skipped():
    data = ("30 96 01"                      # field 6, varint
            "08 07"                         # id = 7
            "39 01 02 03 04 05 06 07 08"    # field 7, 8 bytes (I64)
            "42 03 61 62 63"                # field 8, length-delimited
            "4d 01 02 03 04"                # field 9, 4 bytes (I32)
            "c0 3e 05"                      # field 1000, varint: its tag is 2 bytes
            "12 01 78")                     # name = "x"
    try:
        got = _within(lambda: decode_upload(bytes.fromhex(data)))
    except ValueError as exc:
        raise AssertionError(
            "decode_upload refused a message with fields it does not know (%s). Skip them: "
            "wire type 0, read a varint; 1, 8 bytes; 2, read a length then that many bytes; "
            "5, 4 bytes. And read each tag as a varint (field 1000 needs 2 bytes)" % exc) from None
    assert got == dict(DEFAULTS, id=7, name="x"), (
        "unknown fields must be skipped by their wire type, and the known ones still read: "
        "wire type 1 is 8 bytes, 5 is 4 bytes")


def test_broken_messages():
    cases = {
        "08 96": "a varint cut short",
        "08": "a tag with no value",
        "12 07 74 65 73 74": "a string shorter than its length",
        "2d ef be": "a fixed32 cut short",
        "39 01 02 03 04 05 06 07": "an unknown 8-byte field cut short",
        "42 05 61 62": "an unknown length-delimited field cut short",
        "80": "a tag cut short",
        "0b 01": "wire type 3 (start group)",
        "0c": "wire type 4 (end group)",
        "0e 01": "wire type 6",
        "0f 01": "wire type 7",
        "33 08 01": "wire type 3 in a field this reader does not know",
        "37 01": "wire type 7 in a field this reader does not know",
        "00 01": "field number 0",
        "02 00": "field number 0 with wire type 2 (the tag 02 is not 0, but its number, tag >> 3, is)",
        "0a 01 78": "field 1 (int32) sent as length-delimited",
        "2a 01 78": "field 5 (fixed32) sent as length-delimited",
        "12 02 c3 28": "a name that is not UTF-8",
    }
    for hex_text, why in cases.items():
        _must_raise(lambda hex_text=hex_text: decode_upload(bytes.fromhex(hex_text)),
                    "%s (%s)" % (why, hex_text))
