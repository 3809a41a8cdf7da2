"""Calls raw_decode right after a comma, where a space may follow: raw_decode does not skip whitespace."""
# expect: raw_decode does not skip whitespace
"""json6: streaming the elements of a huge JSON array with raw_decode.

Not every big JSON file is JSON Lines. An export API hands you one 3 GB array:

    [{"id": 1, ...}, {"id": 2, ...}, ... ]

json.load(f) builds the whole list before it returns, several times the file's size in
memory. The standard library has no streaming parser, but it has the piece you need to build
one: json.JSONDecoder().raw_decode(text, pos) decodes ONE JSON value starting exactly at
index pos of `text` and returns (value, end), the index just past it. It does not mind what
comes after the value, and it does not skip whitespace before it.

    >>> json.JSONDecoder().raw_decode('[{"a": 1}, 22, 3]', 1)
    ({'a': 1}, 9)

So: read the file in chunks, keep a text buffer, and walk it: skip whitespace, expect "[",
then repeatedly decode a value, skip whitespace, expect "," or "]". Three traps:

- an element can straddle the end of the buffer. raw_decode then raises JSONDecodeError:
  read the next chunk and try again. Worse, a NUMBER cut in two still decodes: "12" of
  "1234" is a perfectly good 12, and "-0.5" of "-0.5e-10" is -0.5 (it stops before the
  "e"). So when only characters that can continue a number (digits . e E + -) follow the
  value up to the end of the buffer, it may go on in the next chunk: read more, decode again.
- a chunk of BYTES can end inside a multi-byte UTF-8 character ("é" is 2 bytes, "€" 3, "😀"
  4), and chunk.decode("utf-8") raises UnicodeDecodeError for it. An incremental decoder,
  codecs.getincrementaldecoder("utf-8")(), keeps the unfinished bytes for the next call;
  give it final=True for the last chunk, where an unfinished character is a real error.
- at the end of the file, a value that still does not decode is not "wait for more": the
  file is truncated or broken. Raise, don't loop.

Your task: iter_array(path, chunk_size=65536) is a generator that yields, one at a time, the
elements of the JSON array that makes up the UTF-8 file at `path`, reading it with
f.read(chunk_size) in binary mode (or text mode: f.read(n) then returns n characters) and
holding about one chunk plus one element in memory, whatever the file's size. Whitespace may
appear between any two tokens. It raises ValueError (json.JSONDecodeError is one) when the
file is not one JSON array: empty, not starting with "[", a broken element, elements without
a comma between them (or a comma before "]"), no closing "]" (a truncated file), or anything
but whitespace after it.
"""

import codecs
import json

_WHITESPACE = " \t\r\n"
_NUMBER_CHARS = "0123456789.eE+-"


def iter_array(path, chunk_size=65536):
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        buffer, pos, eof = "", 0, False

        def more():
            """Drop what is decoded, append the next chunk; False at the end of the file."""
            nonlocal buffer, pos, eof
            if eof:
                return False
            chunk = f.read(chunk_size)
            eof = not chunk
            buffer = buffer[pos:] + utf8.decode(chunk, final=eof)
            pos = 0
            return True

        def next_token():
            """Skip whitespace; the next character, or "" at the end of the file."""
            nonlocal pos
            while True:
                while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                    pos += 1
                if pos < len(buffer):
                    return buffer[pos]
                if not more():
                    return ""

        def may_go_on(end):
            """Only number characters from end to the end of the buffer?"""
            while end < len(buffer) and buffer[end] in _NUMBER_CHARS:
                end += 1
            return end == len(buffer) and not eof

        if next_token() != "[":
            raise ValueError("not a JSON array: it must start with '['")
        pos += 1
        if next_token() == "]":
            pos += 1
        else:
            while True:
                while True:
                    try:
                        value, end = decoder.raw_decode(buffer, pos)
                    except json.JSONDecodeError:
                        if more():
                            continue  # the element goes on in the next chunk
                        raise
                    if not may_go_on(end):
                        break
                    more()  # a number may go on in the next chunk: decode it again
                pos = end
                yield value
                separator = next_token()
                pos += 1
                if separator == "]":
                    break
                if separator != ",":
                    raise ValueError("expected ',' or ']' after an element, found %r"
                                     % (separator or "the end of the file"))
        if next_token() != "":
            raise ValueError("unexpected data after the closing ']'")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import json  # noqa: E402
import signal  # noqa: E402

import iolings_testkit as kit  # noqa: E402

MEGABYTE = 1024 * 1024

ELEMENTS = [
    {"id": 1, "name": "Zoë", "price": 12345.678, "tags": ["a]b", "c,d", "[e"]},
    123456789,
    -0.5e-10,
    "a string with \"quotes\", a ] bracket, a \\ backslash and a , comma",
    [[], [1, [2, [3]]], {}],
    {"nested": {"deeper": {"deepest": [True, False, None]}}, "€": "€€€", "emoji": "😀🎉"},
    True,
    None,
    "",
    1e300,
    "café crème, 日本語, ελληνικά",
    0,
    98765432109876543210,
]


def _write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def _items(path, chunk_size):
    try:
        return list(iter_array(path, chunk_size))
    except UnicodeDecodeError as exc:
        raise AssertionError(
            "UnicodeDecodeError with chunks of %d bytes (%s): a chunk ended in the middle of a "
            "multi-byte character. Decode with an incremental decoder, "
            "codecs.getincrementaldecoder('utf-8')(), which keeps an unfinished character for "
            "the next chunk" % (chunk_size, exc)) from None


def test_small_array_in_one_chunk(tmp_path):
    path = _write(tmp_path / "a.json", json.dumps(ELEMENTS, ensure_ascii=False))
    assert _items(path, 65536) == ELEMENTS
    compact = _write(tmp_path / "b.json", json.dumps(ELEMENTS, separators=(",", ":")))
    assert _items(compact, 65536) == ELEMENTS, "no whitespace at all: '[1,2]' is an array too"


def test_the_file_is_closed(tmp_path):
    path = _write(tmp_path / "a.json", json.dumps(ELEMENTS))
    with kit.no_leaked_files():
        assert _items(path, 7) == ELEMENTS
        _returns_within(lambda: list(iter_array(_write(tmp_path / "c.json", "[1, tru"), 3)))


def test_whitespace_between_all_tokens(tmp_path):
    text = " \n\t[\n  " + " ,\r\n\t ".join(json.dumps(e, ensure_ascii=False) for e in ELEMENTS) \
        + "  \n]\n  \n"
    path = _write(tmp_path / "a.json", text)
    try:
        got = _items(path, 65536)
    except ValueError as exc:
        raise AssertionError(
            "a valid array with whitespace around its tokens raised %r. raw_decode does not "
            "skip whitespace: skip spaces, tabs, \\r and \\n yourself before '[', before each "
            "value, before each ',' or ']', and after the ']'" % exc) from None
    assert got == ELEMENTS


def test_every_element_straddles_a_chunk_boundary(tmp_path):
    text = json.dumps(ELEMENTS, ensure_ascii=False, indent=1)
    path = _write(tmp_path / "a.json", text)
    for chunk_size in (1, 2, 3, 5, 7, 64):
        try:
            got = _items(path, chunk_size)
        except ValueError as exc:
            got = exc
        assert got == ELEMENTS, (
            "with chunks of %d bytes a valid array gave wrong elements or an error. When an element is cut by "
            "the end of the buffer, read more and try again; and a number may be cut in two "
            "and still decode (123456789 read as 12, -0.5e-10 as -0.5): when only digits, "
            "'.', 'e', 'E', '+', '-' follow the value up to the end of the buffer, read more "
            "and decode it again" % chunk_size)


def test_empty_arrays(tmp_path):
    for text in ("[]", " [ ] \n", "[\n]"):
        path = _write(tmp_path / "e.json", text)
        assert _items(path, 1) == [] and _items(path, 65536) == [], (
            "%r is an empty array: no elements, no error" % text)


class _NeverReturned(BaseException):
    pass


def _returns_within(fn, seconds=2):
    """(True, fn's result or exception) if fn ends within `seconds`, else (False, None)."""
    def stop(signum, frame):
        raise _NeverReturned()
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return True, fn()
    except _NeverReturned:
        return False, None
    except Exception as exc:  # noqa: BLE001 - judged by the test
        return True, exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


BROKEN = {
    "an empty file": "",
    "only whitespace": "  \n ",
    "an object, not an array": '{"a": 1}',
    "a truncated file": '[1, {"a": "b"}, {"id": 3, "name": "Zo',
    "a truncated number at the end": "[1, 2, 345",
    "no closing bracket": "[1, 2, 3",
    "a missing comma": "[1, 2 3]",
    "a comma before the bracket": "[1, 2,]",
    "a comma first": "[, 1]",
    "a broken element": "[1, tru, 3]",
    "garbage after the array": "[1, 2] [3]",
    "a character after the array": "[1, 2]x",
    "a character after an empty array": "[]x",
    "a junk character instead of a comma": "[1x2]",
    "a colon instead of a comma": '[{"a": 1}:{"b": 2}]',
    "an unfinished character": b"[\"caf\xc3",
    "an unfinished character after the array": b"[\"ok\"]\xc3",
}


def test_broken_files_raise_value_error(tmp_path):
    for what, text in BROKEN.items():
        path = tmp_path / "broken.json"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            _write(path, text)
        for chunk_size in (3, 65536):
            done, outcome = _returns_within(lambda: list(iter_array(path, chunk_size)))
            assert done, (
                "iter_array never returned on %s (chunks of %d bytes): at the end of the "
                "file there is nothing more to wait for, a value that does not decode means "
                "the file is broken: raise ValueError" % (what, chunk_size))
            assert isinstance(outcome, ValueError), (
                "%s (%r) must raise ValueError, got %r" % (what, text, outcome))


def test_big_array_in_little_memory(tmp_path):
    path = tmp_path / "big.json"
    element = {"id": 7, "user": "zoë", "path": "/uploads/2024/ünïcode-€.pdf", "ok": True,
               "sizes": [1, 22, 333, 4444], "note": "x" * 100}
    one = json.dumps(element, ensure_ascii=False)
    count = 12_000
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i in range(count):
            f.write(("" if i == 0 else ",\n") + one)
        f.write("\n]\n")
    size = path.stat().st_size

    def consume():
        n = 0
        for item in iter_array(path, 64 * 1024):
            assert item == element
            n += 1
        return n

    n, peak = kit.peak_memory(consume)
    assert n == count
    assert peak < MEGABYTE, (
        "peak memory %.1f MB for a %.1f MB file: iter_array must hold about one chunk plus "
        "one element, not the whole file or the whole list: read with f.read(chunk_size) and "
        "drop the text you have decoded" % (peak / MEGABYTE, size / MEGABYTE))
