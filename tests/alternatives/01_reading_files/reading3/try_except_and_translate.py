"""Another correct solution: layers by catching AttributeError; read_text decodes everything a BufferedReader returns, then translates the newlines with str.replace."""

import io
def layers(f):
    try:
        buf = f.buffer
    except AttributeError:
        try:
            return [f, f.raw]
        except AttributeError:
            return [f]
    return [f, buf, buf.raw]

def read_text(raw):
    data = io.BufferedReader(raw).read()
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib
import os


@contextlib.contextmanager
def opened(*args, **kwargs):
    """open(), closed at the end even if the code under test broke f."""
    f = open(*args, **kwargs)
    try:
        yield f
    finally:
        with contextlib.suppress(ValueError):  # "underlying buffer has been detached"
            f.close()


def stack_of(f):
    stack = layers(f)
    try:
        f.fileno()
    except ValueError as error:
        raise AssertionError(
            "after layers(f), f no longer works (%s): f.detach() takes the buffer away from "
            "f. Only look at the layers, through f.buffer and .raw" % error
        ) from None
    return stack


def layer_names(f):
    return [type(layer).__name__ for layer in stack_of(f)]


def test_layers_of_a_text_file():
    with opened("poem.txt", encoding="utf-8") as f:
        assert layer_names(f) == ["TextIOWrapper", "BufferedReader", "FileIO"], (
            "a text file is a TextIOWrapper over a BufferedReader (f.buffer) over a FileIO "
            "(f.buffer.raw): return all three, from f down"
        )


def test_layers_belong_to_the_same_open_file():
    with opened("poem.txt", encoding="utf-8") as f:
        stack = stack_of(f)
        descriptors = [layer.fileno() for layer in stack]
        assert descriptors == [f.fileno()] * len(descriptors), (
            "the layers you returned use different file descriptors, so they are separate "
            "open files, not the layers of f. Reach them from f with .buffer and .raw; "
            "don't open the file again"
        )
        assert stack[0] is f, "the first layer is f itself"
        assert stack[1:] == [f.buffer, f.buffer.raw][: len(stack) - 1], (
            "the layers under f are the objects f.buffer and f.buffer.raw themselves"
        )


def test_layers_of_a_binary_file():
    with opened("poem.txt", "rb") as f:
        assert layer_names(f) == ["BufferedReader", "FileIO"], (
            "'rb' returns a BufferedReader directly (no TextIOWrapper, so no .buffer): its "
            "FileIO is f.raw"
        )


def test_layers_of_an_unbuffered_file():
    with opened("poem.txt", "rb", buffering=0) as f:
        assert layer_names(f) == ["FileIO"], (
            "with buffering=0, open() returns the raw FileIO itself: there is nothing under it"
        )


def reads_layers_right():
    with opened("poem.txt", encoding="utf-8") as text, opened("poem.txt", "rb") as binary:
        return (layer_names(text) == ["TextIOWrapper", "BufferedReader", "FileIO"]
                and layer_names(binary) == ["BufferedReader", "FileIO"])


def test_layers_of_files_opened_for_writing(tmp_path):
    path = tmp_path / "out.txt"
    for mode, expected in (
        ("w", ["TextIOWrapper", "BufferedWriter", "FileIO"]),
        ("ab", ["BufferedWriter", "FileIO"]),
        ("r+b", ["BufferedRandom", "FileIO"]),
    ):
        with opened(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            descriptors = [layer.fileno() for layer in stack_of(f)]
            assert descriptors == [f.fileno()] * len(descriptors), (
                "the layers you returned for a file opened with mode %r are other open files: "
                "reach them from f with .buffer and .raw; don't open the file again" % mode
            )
            got = layer_names(f)
        if got != expected and not reads_layers_right():
            raise AssertionError(
                "a file opened with mode %r is %s: the same stack as a file opened for "
                "reading, so first make the tests above pass" % (mode, " over ".join(expected))
            )
        assert got == expected, (
            "a file opened with mode %r is %s: writing (or reading and writing) gives a "
            "BufferedWriter or BufferedRandom instead of a BufferedReader, with the same "
            ".raw. Test for what a layer is (io.TextIOBase, io.BufferedIOBase, or hasattr "
            ".buffer / .raw), not for one class" % (mode, " over ".join(expected))
        )


class RawStream(io.RawIOBase):
    """A raw binary stream that is not a file (like a socket or a pipe), over some bytes.

    It counts how often it is asked for data (on a real stream, each time is one system
    call), and how often its read() is called directly, which a BufferedReader never does: it
    fills its buffer with readinto().
    """

    def __init__(self, data, most=None):
        self.data, self.pos, self.most = data, 0, most  # most: bytes per call at most
        self.calls = self.direct_reads = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.calls += 1
        size = len(buffer) if self.most is None else min(len(buffer), self.most)
        piece = self.data[self.pos:self.pos + size]
        self.pos += len(piece)
        buffer[: len(piece)] = piece
        return len(piece)

    def readall(self):
        self.calls += 1
        piece, self.pos = self.data[self.pos:], len(self.data)
        return piece

    def read(self, size=-1):
        self.direct_reads += 1
        return super().read(size)


def text_of(raw):
    """read_text(raw), with the typical crashes turned into advice."""
    try:
        return read_text(raw)
    except UnicodeDecodeError as error:
        raise AssertionError(
            "UnicodeDecodeError (%s): a UTF-8 character was cut in two between two reads, and "
            "each piece was decoded on its own. A TextIOWrapper decodes incrementally: it "
            "keeps the first bytes of a character until the rest arrive" % error.reason
        ) from None
    except io.UnsupportedOperation as error:
        raise AssertionError(
            "%s: raw is not always a file you can open again (here it is a stream like a "
            "socket or a pipe, with no file descriptor). Read from raw itself, through "
            "io.BufferedReader(raw)" % error
        ) from None


def test_read_text_decodes_and_translates_newlines(tmp_path):
    path = tmp_path / "note.txt"
    path.write_bytes("Zürich – 5 €\r\ncafé\r\nold Mac line\rend\n".encode("utf-8"))
    raw = io.FileIO(path)
    try:
        got = text_of(raw)
    finally:
        raw.close()
    assert got == "Zürich – 5 €\ncafé\nold Mac line\nend\n", (
        "decode the bytes as UTF-8 and translate the newlines (universal newlines): \\r\\n "
        "and a lone \\r both become \\n. An io.TextIOWrapper(..., encoding='utf-8') over "
        "the stream does both (universal newlines, newline=None, is its default)"
    )


def straddling_data(size):
    """`size` bytes of UTF-8 text in which, at every multiple of 512 and of 1000 bytes, a
    multi-byte character or a \r\n is cut in two: wherever reads of 1000, 1024, 4096, 8192,
    65536... bytes end, a character or a line ending is split between two reads."""
    pieces = ("\r\n".encode(), "€".encode(), "😀".encode(), "ß".encode())
    starts = [1, 1, 2, 1]  # how many bytes of each piece come before the boundary
    filler = b"Gruss aus Zuerich, 5 EUR pro Person; la cafe est ouverte\n" * (size // 50)
    targets = sorted(set(range(512, size - 8, 512)) | set(range(1000, size - 8, 1000)))
    out, kind = bytearray(), 0
    for target in targets:
        start = target - starts[kind]
        if start < len(out) + 2:  # too close to the previous one
            continue
        out += filler[: start - len(out)]
        out += pieces[kind]
        kind = (kind + 1) % len(pieces)
    out += filler[: size - len(out)]
    return bytes(out)


BIG = straddling_data(200_000)
BIG_TEXT = BIG.decode("utf-8").replace("\r\n", "\n")
SMALL = straddling_data(60_000)


def test_read_text_handles_characters_split_between_reads():
    got = text_of(RawStream(BIG, most=1500))  # at most 1500 bytes per read, like a socket
    if isinstance(got, str) and got.count("\n") > BIG_TEXT.count("\n"):
        raise AssertionError(
            "a \\r\\n split between two reads became two newlines: the \\r at the end of one "
            "chunk was turned into \\n, then the \\n at the start of the next. Translate "
            "newlines across chunks: a TextIOWrapper (or io.IncrementalNewlineDecoder) keeps "
            "a final \\r until it sees what comes next"
        )
    assert got == BIG_TEXT, (
        "the text of a 200 KB stream came out different from its bytes decoded as UTF-8 "
        "with universal newlines (multi-byte characters and \\r\\n fall across the reads)"
    )


def test_read_text_goes_through_a_buffered_reader():
    raw = RawStream(SMALL)
    with contextlib.suppress(AssertionError):
        text_of(raw)  # what it returns is checked above
    assert raw.direct_reads == 0, (
        "read_text called raw.read() directly (%d calls). A raw stream is meant to be read through an "
        "io.BufferedReader, which asks it for whole blocks (with readinto); a TextIOWrapper "
        "expects a buffered stream under it, not a raw one: "
        "io.TextIOWrapper(io.BufferedReader(raw), encoding='utf-8')" % raw.direct_reads
    )


def test_read_text_is_buffered():
    raw = RawStream(SMALL)
    with contextlib.suppress(AssertionError):
        text_of(raw)  # what it returns is checked above
    assert raw.calls + raw.direct_reads <= len(SMALL) // 4096 + 8, (
        "%d raw reads (system calls) for a %d KB stream. Each raw read is a system call: "
        "put an io.BufferedReader between the raw stream and your code, so the data is "
        "read in big blocks" % (raw.calls + raw.direct_reads, len(SMALL) // 1000)
    )
