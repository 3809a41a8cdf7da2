"""Text mode with newline='' (f.read(n) counts characters), a small class holding buffer and index, a set of number characters."""

import json

WS = " \t\n\r"
NUMERIC = set("0123456789+-.eE")


class _Stream:
    def __init__(self, f, size):
        self.f, self.size = f, size
        self.buf, self.i, self.done = "", 0, False

    def fill(self):
        if self.done:
            return False
        data = self.f.read(self.size)
        if data == "":
            self.done = True
            return False
        self.buf = self.buf[self.i:] + data
        self.i = 0
        return True

    def peek(self):
        while True:
            while self.i < len(self.buf) and self.buf[self.i] in WS:
                self.i += 1
            if self.i < len(self.buf):
                return self.buf[self.i]
            if not self.fill():
                return None


def iter_array(path, chunk_size=65536):
    dec = json.JSONDecoder()
    with open(path, "r", encoding="utf-8", newline="") as f:
        s = _Stream(f, chunk_size)
        if s.peek() != "[":
            raise ValueError("expected a JSON array")
        s.i += 1
        if s.peek() == "]":
            s.i += 1
        else:
            while True:
                if s.peek() is None:
                    raise ValueError("truncated array")
                while True:
                    try:
                        value, end = dec.raw_decode(s.buf, s.i)
                    except json.JSONDecodeError:
                        if not s.fill():
                            raise
                        continue
                    rest = s.buf[end:]
                    if rest and not all(c in NUMERIC for c in rest):
                        break
                    if not s.fill():
                        break
                s.i = end
                yield value
                c = s.peek()
                if c == "]":
                    s.i += 1
                    break
                if c != ",":
                    raise ValueError("expected ',' or ']', got %r" % c)
                s.i += 1
        if s.peek() is not None:
            raise ValueError("trailing data after the array")


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
