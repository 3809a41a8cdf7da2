"""Unpacks the stored CRC as a signed int ('>i'), so every CRC above 2**31 mismatches."""
# expect: big-endian unsigned int
"""serial3: a real binary format: PNG chunks, CRCs, and files cut short.

A PNG file is an 8-byte signature followed by CHUNKS, each laid out the same way:

    length   4 bytes, big-endian unsigned: the size of the data (not of the whole chunk)
    type     4 ASCII letters: b"IHDR", b"tEXt", b"IDAT", b"IEND", ...
    data     `length` bytes
    CRC      4 bytes, big-endian unsigned: zlib.crc32(type + data), type INCLUDED

    signature  b"\\x89PNG\\r\\n\\x1a\\n"  (the \\r\\n and \\x1a catch a file mangled by text mode)
    IHDR       first chunk, 13 bytes: width, height (uint32 each), bit depth, color type,
               compression, filter, interlace (1 byte each): struct format ">IIBBBBB"
    tEXt       keyword, a zero byte, then text, both in latin-1 (not UTF-8)
    IDAT       the pixels, zlib-compressed; may be split over several IDAT chunks
    IEND       last chunk, empty

Reading binary data you did not write is parsing untrusted input: every length may lie and
the file may stop anywhere. f.read(n) returns FEWER than n bytes at the end of the file,
without an error, so check the length of what you got every time. The CRC catches data
damaged in transit or on disk: compare it for every chunk.

Writing a PNG is the same in reverse. The pixel data of an 8-bit RGB image is, for each row,
one filter-type byte (0 = no filter) followed by 3 bytes (R, G, B) per pixel; all rows
together are compressed with zlib.compress and stored in IDAT.

Your task:

- read_chunks(path) returns the chunks of the PNG file at `path` as a list of
  (type, data) pairs, type a str like "IHDR", data bytes, in file order up to and including
  IEND. It raises ValueError, with a message that says what is wrong, when: the signature is
  wrong; the file ends inside a chunk or before an IEND chunk (the message contains
  "truncated"); a chunk's CRC does not match (the message contains "CRC" and the chunk's
  type); anything follows IEND.
- image_info(path) returns {"width": ..., "height": ..., "bit_depth": ..., "color_type": ...,
  "text": {keyword: text, ...}} from the IHDR chunk and every tEXt chunk of the file.
- write_png(path, width, height, rows) writes (or replaces) an 8-bit RGB image (bit depth 8, color type 2,
  compression, filter and interlace 0): `rows` is a list of `height` bytes objects of
  width * 3 bytes each. The file holds the signature, IHDR, one IDAT and IEND, each chunk
  with its correct length and CRC.
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _read_exactly(f, n, what):
    data = f.read(n)
    if len(data) != n:
        raise ValueError("truncated PNG: the file ends inside %s (%d of %d bytes)"
                         % (what, len(data), n))
    return data


def read_chunks(path):
    chunks = []
    with open(path, "rb") as f:
        if f.read(8) != SIGNATURE:
            raise ValueError("not a PNG file: wrong signature")
        while True:
            header = f.read(8)
            if not header:
                raise ValueError("truncated PNG: the file ends before the IEND chunk")
            if len(header) != 8:
                raise ValueError("truncated PNG: the file ends inside a chunk header")
            length, kind = struct.unpack(">I4s", header)
            name = kind.decode("latin-1")
            data = _read_exactly(f, length, "the data of a %s chunk" % name)
            (crc,) = struct.unpack(">i", _read_exactly(f, 4, "the CRC of a %s chunk" % name))
            if crc != zlib.crc32(kind + data):
                raise ValueError("CRC mismatch in a %s chunk: the file is damaged" % name)
            chunks.append((name, data))
            if kind == b"IEND":
                if f.read(1):
                    raise ValueError("unexpected data after the IEND chunk")
                return chunks


def image_info(path):
    info = {"text": {}}
    for kind, data in read_chunks(path):
        if kind == "IHDR":
            width, height, depth, color, _, _, _ = struct.unpack(">IIBBBBB", data)
            info.update(width=width, height=height, bit_depth=depth, color_type=color)
        elif kind == "tEXt":
            keyword, _, text = data.partition(b"\x00")
            info["text"][keyword.decode("latin-1")] = text.decode("latin-1")
    return info


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(path, width, height, rows):
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + bytes(row) for row in rows))
    with open(path, "wb") as f:
        f.write(SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels)
                + _chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import struct  # noqa: E402
import zlib  # noqa: E402

import iolings_testkit as kit  # noqa: E402

with open("logo.png", "rb") as _f:
    LOGO = _f.read()


def _chunk_offsets(data):
    """(offset, type) of each chunk in the PNG bytes `data` (a reader of our own)."""
    found, at = [], 8
    while at < len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        found.append((at, kind.decode("ascii")))
        at += 12 + length
    return found


def _read(path):
    try:
        return read_chunks(path)
    except struct.error as exc:
        raise AssertionError(
            "read_chunks raised struct.error (%s): the file ended where your code expected "
            "more bytes. f.read(n) returns fewer bytes at the end of the file; check len() of "
            "every read and raise ValueError('truncated ...')" % exc) from None


def test_reads_the_chunks_of_a_real_png():
    try:
        chunks = _read("logo.png")
    except ValueError as exc:
        raise AssertionError(
            "logo.png is a valid PNG, but read_chunks raised %r. The CRC is "
            "zlib.crc32(type + data), the type's 4 bytes INCLUDED, compared as a big-endian "
            "unsigned int ('>I')" % (exc,)) from None
    assert [kind for kind, _ in chunks] == ["IHDR", "tEXt", "tEXt", "IDAT", "IDAT", "IEND"]
    assert b"".join(data for kind, data in chunks) == b"".join(
        LOGO[at + 8:at + 8 + int.from_bytes(LOGO[at:at + 4], "big")]
        for at, _ in _chunk_offsets(LOGO)), "each chunk's data must be exactly `length` bytes"


def _broken(tmp_path, data, name="broken.png"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _must_raise(path, words, why):
    try:
        got = read_chunks(path)
    except struct.error as exc:
        raise AssertionError(
            "%s: read_chunks must raise ValueError saying so, but struct.error escaped (%s). "
            "Check what you read before unpacking it: f.read(n) returns fewer bytes at the "
            "end of the file, without an error" % (why, exc)) from None
    except ValueError as exc:
        for word in words:
            assert word in str(exc), (
                "%s: the ValueError should say so (with %r in the message), got %r"
                % (why, word, str(exc)))
        return
    assert False, "%s, but read_chunks returned %d chunks without complaint" % (why, len(got))


def test_a_corrupted_chunk_is_detected(tmp_path):
    at, kind = _chunk_offsets(LOGO)[4]            # the second IDAT
    damaged = bytearray(LOGO)
    damaged[at + 8 + 3] ^= 0x01                   # one bit of its data flipped
    _must_raise(_broken(tmp_path, bytes(damaged)), ["CRC", "IDAT"],
                "one bit of the second IDAT chunk is flipped: its CRC does not match. Compute "
                "zlib.crc32(type + data) and compare it with the chunk's last 4 bytes")
    at, kind = _chunk_offsets(LOGO)[2]            # the second tEXt
    damaged = bytearray(LOGO)
    damaged[at + 5] = ord("e")                    # its type tEXt becomes teXt
    _must_raise(_broken(tmp_path, bytes(damaged)), ["CRC"],
                "a chunk's TYPE was damaged (tEXt became teXt): the CRC covers the type too, "
                "zlib.crc32(type + data)")
    damaged[at + 5] = 0xC5                        # a type byte that is not ASCII at all
    _must_raise(_broken(tmp_path, bytes(damaged)), ["CRC"],
                "a chunk's type byte became 0xC5: the CRC does not match. (Decode types "
                "with a codec that accepts any byte, like latin-1, or compare bytes)")


def test_a_truncated_file_is_detected(tmp_path):
    offsets = _chunk_offsets(LOGO)
    cuts = {
        "in the middle of the second IDAT's data": offsets[4][0] + 10,
        "in the middle of a chunk's length": offsets[3][0] + 2,
        "between the data and the CRC": offsets[4][0] + 8 + int.from_bytes(
            LOGO[offsets[4][0]:offsets[4][0] + 4], "big"),
        "right before IEND": offsets[5][0],
        "inside the signature": 5,
    }
    for where, size in cuts.items():
        words = ["truncated"] if size > 8 else []
        _must_raise(_broken(tmp_path, LOGO[:size]), words,
                    "the file is cut %s (after %d of %d bytes)" % (where, size, len(LOGO)))


def test_other_broken_files(tmp_path):
    _must_raise(_broken(tmp_path, b"\x89PNG\n\x1a\n" + LOGO[8:]), [],
                "the signature lost its \\r (a PNG that went through a text-mode copy)")
    _must_raise(_broken(tmp_path, b"GIF89a\x00\x00" + LOGO[8:]), [], "the signature is a GIF's")
    _must_raise(_broken(tmp_path, LOGO + b"garbage"), [], "bytes follow the IEND chunk")
    _must_raise(_broken(tmp_path, b""), [], "the file is empty")


def test_image_info():
    try:
        info = image_info("logo.png")
    except UnicodeDecodeError as exc:
        raise AssertionError(
            "decoding a tEXt chunk failed (%s): tEXt keywords and text are latin-1, not "
            "UTF-8" % exc) from None
    assert info == {"width": 5, "height": 3, "bit_depth": 8, "color_type": 2,
                    "text": {"Title": "Café logo", "Author": "Zoë"}}, (
        "IHDR's data is struct '>IIBBBBB': width, height, bit depth, color type, ...; "
        "each tEXt is keyword, b'\\x00', text, in latin-1")


def _png(*chunks):
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return out


def test_image_info_with_latin1_keywords(tmp_path):
    path = tmp_path / "légende.png"
    path.write_bytes(_png((b"IHDR", struct.pack(">IIBBBBB", 640, 480, 16, 6, 0, 0, 0)),
                          (b"tEXt", "Légende".encode("latin-1") + b"\x00" + "Æsop".encode("latin-1")),
                          (b"tEXt", b"Empty\x00"),
                          (b"tEXt", b"Comment\x00  two words  "),
                          (b"IDAT", zlib.compress(b"")), (b"IEND", b"")))
    assert image_info(path) == {"width": 640, "height": 480, "bit_depth": 16, "color_type": 6,
                                "text": {"Légende": "Æsop", "Empty": "",
                                         "Comment": "  two words  "}}, (
        "keywords are latin-1 too; the text may be empty, and its spaces are part of it "
        "(everything after the first b'\\x00', unchanged)")


def test_files_are_closed(tmp_path):
    with kit.no_leaked_files():
        read_chunks("logo.png")
        image_info("logo.png")
        write_png(tmp_path / "out.png", 4, 3, ROWS)
        try:
            read_chunks(_broken(tmp_path, LOGO[:100]))
        except ValueError:
            pass


ROWS = [bytes((x * 40 + y) % 256 for x in range(4 * 3)) for y in range(3)]


def _check_png(data, width, height, rows):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG starts with the 8-byte signature"
    found, at = [], 8
    while at < len(data):
        assert at + 12 <= len(data), "the file ends inside a chunk at byte %d" % at
        length, kind = struct.unpack_from(">I4s", data, at)
        body = data[at + 8:at + 8 + length]
        assert len(body) == length, "the %r chunk says %d bytes of data, the file has %d" % (
            kind, length, len(body))
        (crc,) = struct.unpack_from(">I", data, at + 8 + length)
        if length >= 4 and crc != zlib.crc32(kind + body):
            (shorter,) = struct.unpack_from(">I", data, at + 8 + length - 4)
            assert shorter != zlib.crc32(kind + body[:-4]), (
                "the %r chunk's length field is %d, 4 more than its data: the length counts "
                "the data only, not the type or the CRC" % (kind, length))
        assert crc == zlib.crc32(kind + body), (
            "the CRC of the %r chunk is wrong: it must be zlib.crc32(type + data), packed "
            "as '>I'" % kind)
        found.append((kind, body))
        at += 12 + length
    kinds = [k for k, _ in found]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds, (
        "the chunks must be IHDR, IDAT, IEND; got %r" % kinds)
    assert found[0][1] == struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0), (
        "IHDR's 13 bytes: width, height, bit depth 8, color type 2 (RGB), then three 0s")
    stream = zlib.decompressobj()
    pixels = stream.decompress(b"".join(body for kind, body in found if kind == b"IDAT"))
    assert stream.eof and not stream.unused_data, (
        "the IDAT data must be ONE complete zlib stream (all IDAT chunks joined): compress "
        "all rows together with one zlib.compress, not each row on its own")
    assert pixels == b"".join(b"\x00" + row for row in rows), (
        "the decompressed IDAT data must be each row preceded by its filter-type byte 0: "
        "b''.join(b'\\x00' + row for row in rows), then zlib.compress")


def test_write_png(tmp_path):
    path = tmp_path / "out.png"
    write_png(path, 2, 1, [b"\x00" * 6])
    write_png(path, 4, 3, ROWS)
    _check_png(path.read_bytes(), 4, 3, ROWS)
    assert [kind for kind, _ in _read(path)] == ["IHDR", "IDAT", "IEND"], (
        "read_chunks must read what write_png wrote")


def test_write_png_of_a_single_pixel(tmp_path):
    path = tmp_path / "dot.png"
    write_png(path, 1, 1, [b"\xff\x00\x80"])
    _check_png(path.read_bytes(), 1, 1, [b"\xff\x00\x80"])
