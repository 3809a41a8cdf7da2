r"""Reading files 3: the I/O stack under open()

open() does not return "a file". It returns the top of a stack of objects, each doing one job:

    f = open("poem.txt", encoding="utf-8")

    f              io.TextIOWrapper    decodes bytes into str, translates newlines
    f.buffer       io.BufferedReader   reads big blocks (8 KiB), hands out small parts
    f.buffer.raw   io.FileIO           one os.read() system call per read, no buffer
    f.fileno()     an int              the kernel's file descriptor, shared by all three

The mode decides how much of the stack you get: text mode gives all three layers, "rb" gives
a BufferedReader (no TextIOWrapper), and "rb" with buffering=0 gives the bare FileIO. From the
top you can reach each lower layer of the SAME open file through .buffer and .raw (that is how
`sys.stdin.buffer` gives a program the raw bytes of its input).

You can also build the stack yourself over any raw binary stream (a FileIO, a socket made into
a file...): io.BufferedReader(raw), then io.TextIOWrapper(buffered, encoding="utf-8").

Your task:

- layers(f) takes an open file object and returns the list of objects of its stack, from f
  itself down to the raw FileIO: [f, f's buffer, its raw FileIO] for a text file,
  [f, its raw FileIO] for a buffered binary file, [f] for an unbuffered one.
- read_text(raw) takes an unbuffered binary stream (io.RawIOBase) whose bytes are UTF-8 text,
  and returns all of that text as one str, with universal newlines ("\r\n" becomes "\n").
  Each raw.read() is a system call, so read through a BufferedReader; and let a TextIOWrapper
  do the decoding (it knows how to handle a character whose bytes arrive in two reads).
"""

import io


def layers(f):
    # TODO: walk down the stack: a text file has .buffer, a buffered binary file has .raw.
    return [f]


def read_text(raw):
    # TODO: this decodes every 4 KiB chunk on its own, so a character whose bytes are split
    #       between two chunks raises UnicodeDecodeError, and "\r\n" is never translated.
    #       Build the stack over `raw` instead (BufferedReader, then TextIOWrapper).
    text = ""
    while True:
        chunk = raw.read(4096)
        if not chunk:
            return text
        text += chunk.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os


class CountingFileIO(io.FileIO):
    """A FileIO that counts how often it is asked for data: each time is one os.read()."""

    def __init__(self, path):
        super().__init__(path, "r")
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        return super().read(size)

    def readinto(self, buffer):
        self.reads += 1
        return super().readinto(buffer)

    def readall(self):
        self.reads += 1
        return super().readall()


def layer_names(f):
    return [type(layer).__name__ for layer in layers(f)]


def test_layers_of_a_text_file():
    with open("poem.txt", encoding="utf-8") as f:
        assert layer_names(f) == ["TextIOWrapper", "BufferedReader", "FileIO"], (
            "a text file is a TextIOWrapper over a BufferedReader (f.buffer) over a FileIO "
            "(f.buffer.raw): return all three, from f down"
        )


def test_layers_belong_to_the_same_open_file():
    with open("poem.txt", encoding="utf-8") as f:
        descriptors = [layer.fileno() for layer in layers(f)]
        assert descriptors == [f.fileno()] * len(descriptors), (
            "the layers you returned use different file descriptors, so they are separate "
            "open files, not the layers of f. Reach them from f with .buffer and .raw; "
            "don't open the file again"
        )
        assert layers(f)[0] is f, "the first layer is f itself"


def test_layers_of_a_binary_file():
    with open("poem.txt", "rb") as f:
        assert layer_names(f) == ["BufferedReader", "FileIO"], (
            "'rb' returns a BufferedReader directly (no TextIOWrapper, so no .buffer): its "
            "FileIO is f.raw"
        )


def test_layers_of_an_unbuffered_file():
    with open("poem.txt", "rb", buffering=0) as f:
        assert layer_names(f) == ["FileIO"], (
            "with buffering=0, open() returns the raw FileIO itself: there is nothing under it"
        )


def test_read_text_decodes_and_translates_newlines(tmp_path):
    path = tmp_path / "note.txt"
    path.write_bytes("Zürich – 5 €\r\ncafé\r\n".encode("utf-8"))
    raw = CountingFileIO(path)
    try:
        got = read_text(raw)
    finally:
        raw.close()
    assert got == "Zürich – 5 €\ncafé\n", (
        "decode the bytes as UTF-8 and translate \\r\\n into \\n: an "
        "io.TextIOWrapper(..., encoding='utf-8') over the stream does both "
        "(universal newlines is its default)"
    )


def big_text_file(tmp_path):
    """About 200 KB of UTF-8 text where multi-byte characters sit at every offset."""
    line = "“Ça va?” — ¡Olé! 5 € für Grüße\r\n"  # 46 bytes: chunk boundaries fall everywhere
    path = tmp_path / "big.txt"
    path.write_bytes(line.encode("utf-8") * 4350)
    return path, line.replace("\r\n", "\n") * 4350


def test_read_text_handles_characters_split_between_reads(tmp_path):
    path, expected = big_text_file(tmp_path)
    raw = CountingFileIO(path)
    try:
        got = read_text(raw)
    except UnicodeDecodeError as error:
        raise AssertionError(
            "UnicodeDecodeError (%s): a UTF-8 character was cut in two between two reads, and "
            "each piece was decoded on its own. A TextIOWrapper decodes incrementally: it "
            "keeps the first bytes of a character until the rest arrive" % error.reason
        ) from None
    finally:
        raw.close()
    same = got == expected
    assert same, "the text of a 200 KB file came out different from its bytes decoded as UTF-8"


def test_read_text_is_buffered(tmp_path):
    path, _ = big_text_file(tmp_path)
    raw = CountingFileIO(path)
    try:
        read_text(raw)
    except UnicodeDecodeError:
        pass  # reported by the test above
    finally:
        raw.close()
    size = os.path.getsize(path)
    assert raw.reads <= size // 4096 + 8, (
        "%d raw reads (system calls) for a %d KB file. Each raw read is an os.read() system "
        "call: put an io.BufferedReader between the raw stream and your code, so the file is "
        "read in big blocks" % (raw.reads, size // 1000)
    )
