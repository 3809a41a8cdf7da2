r"""reading2: text mode or binary mode?

open() has two ways of reading the same file:

- text mode ("r", with encoding=...) gives you str: decoded characters. It also applies
  *universal newlines*: "\r\n" (Windows) and a lone "\r" (old Mac) both come out as "\n",
  so your code only ever has to deal with "\n".
- binary mode ("rb") gives you bytes, exactly as stored on disk. Nothing is decoded or
  translated. len() counts bytes, and "é" is two bytes in UTF-8.

Sometimes you want text but the real line endings too (to check them, or to hand the text to
the csv module): open in text mode with newline="". Then nothing is translated.

Your task. Two fixtures are in the current directory: poem.txt (UTF-8, "\n" line endings) and
windows.txt (UTF-8, written on Windows: every line ends with "\r\n").

- size_of(path) returns a tuple (characters, bytes): the length of the file's text as a str
  (read in text mode), and how many bytes the file takes on disk (what os.path.getsize()
  reports).
- has_windows_newlines(path) returns True if the file contains at least one "\r\n",
  False otherwise.
- read_lines(path) returns the file's lines as a list of str with no line ending at all
  (no "\n", no "\r"), whichever convention the file uses: "\n", "\r\n", or even the lone
  "\r" of old Mac files.

Every text-mode open() names its encoding: encoding="utf-8".
"""


def size_of(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # TODO: the second number must count the bytes on disk, not characters.
    return len(text), len(text)


def has_windows_newlines(path):
    # TODO: this always answers False, even for windows.txt. Why does it never see a "\r"?
    with open(path, encoding="utf-8") as f:
        return "\r\n" in f.read()


def read_lines(path):
    # TODO: on windows.txt every line keeps a "\r", and there is an extra "" at the end.
    with open(path, "rb") as f:
        return f.read().decode("utf-8").split("\n")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import warnings

import iolings_testkit as kit


def default_encoding_warnings(function, *args):
    """The EncodingWarnings raised while function(*args) runs: one per open() without encoding=."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EncodingWarning)
        function(*args)
    return [str(w.message) for w in caught if issubclass(w.category, EncodingWarning)]


def test_size_counts_characters_and_bytes():
    assert size_of("poem.txt") == (157, 164), (
        "(characters, bytes): the poem has 157 characters but takes 164 bytes, because "
        "'é', 'ï', 'è', 'û' take two bytes each in UTF-8 and '’' takes three. A str counts "
        "characters; count the bytes on disk in binary mode ('rb') or with os.path.getsize()"
    )


def test_size_of_a_windows_file():
    chars, got = size_of("windows.txt")
    assert chars == 65, (
        "windows.txt read in text mode is 65 characters, and size_of says %d: the text is "
        "what text mode gives you, where each \\r\\n has become one \\n (universal "
        "newlines). Decoding the bytes yourself or opening with newline='' keeps every \\r "
        "and counts it: len() of open(path, encoding='utf-8').read()" % chars
    )
    assert got == 74, (
        "windows.txt takes 74 bytes on disk, and size_of says %d. Text mode turned each \\r\\n "
        "into \\n while reading, so re-encoding the text (len(text.encode())) loses one byte "
        "per line: count the bytes themselves, in binary mode ('rb') or with "
        "os.path.getsize()" % got
    )


def test_every_open_names_its_encoding():
    for function in (size_of, has_windows_newlines, read_lines):
        assert default_encoding_warnings(function, "windows.txt") == [], (
            "%s opens a file in text mode without encoding=: pass encoding=\"utf-8\" "
            "(binary mode 'rb' takes no encoding)" % function.__name__
        )


def test_every_function_closes_its_files():
    for function in (size_of, has_windows_newlines, read_lines):
        try:
            with kit.no_leaked_files():
                function("windows.txt")
        except AssertionError as error:
            raise AssertionError("%s: %s" % (function.__name__, error)) from None


def test_sees_windows_newlines():
    assert has_windows_newlines("windows.txt") is True, (
        "windows.txt ends its lines with \\r\\n, but text mode translates \\r\\n into \\n as "
        "it reads (universal newlines), so you never see the \\r. Open it with newline='' "
        "(text mode, no translation) or in binary mode 'rb' to see the real line endings"
    )


def test_no_false_alarm_on_unix_newlines():
    assert has_windows_newlines("poem.txt") is False, (
        "poem.txt uses plain \\n line endings: has_windows_newlines must return False for it"
    )


def mixed_file(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_bytes(b"written on Linux\nthen a line pasted from Windows\r\nand more\n")
    return path


def test_sees_a_windows_newline_after_the_first_line(tmp_path):
    assert has_windows_newlines(mixed_file(tmp_path)) is True, (
        "the first line of this file ends with \\n, the second with \\r\\n: a file can mix "
        "both, so look at every line (or the whole file), not only the first"
    )


# Chunk sizes people read with: 1000, 1024, 4096, 8192 (io.DEFAULT_BUFFER_SIZE), 64 KiB, 1 MiB...
CHUNK_SIZES = (1000, 1024, 4096, 8192, 10000, 16384, 65536, 100000, 131072, 1048576)


def test_sees_a_windows_newline_split_between_two_chunks(tmp_path):
    lines = b"".join(b"%*d\n" % (1023, n) for n in range(CHUNK_SIZES[-1] // 1024 + 1))
    for size in CHUNK_SIZES:
        # Plain \n lines, and one \r\n whose \r is the last byte of the first `size` bytes.
        before = lines[: size - 1]
        path = tmp_path / ("split_%d.txt" % size)
        data = before[:-1] + b"\n" + b"\r\n" + b"x" * 63 + b"\n"
        assert data.index(b"\r\n") == size - 1
        path.write_bytes(data)
        if has_windows_newlines(path) is not True:
            assert has_windows_newlines(mixed_file(tmp_path)) is True, (
                "has_windows_newlines misses a \\r\\n that is not in the first line of the "
                "file (see the test above)"
            )
            raise AssertionError(
                "the only \\r\\n of this %d-byte file has its \\r at byte %d and its \\n at byte "
                "%d: read in chunks of %d, the \\r ends one chunk and the \\n starts the next, "
                "so neither chunk contains b'\\r\\n'. Iterate over lines (open with newline='' "
                "and check each line), or keep the last byte of each chunk and look at it "
                "together with the next one" % (path.stat().st_size, size - 1, size, size)
            )


def test_the_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert size_of(path) == (0, 0), "an empty file has 0 characters and 0 bytes"
    assert has_windows_newlines(path) is False, "an empty file has no \\r\\n"
    assert read_lines(path) == [], (
        "an empty file has no lines: read_lines must return []. \"\".split(\"\\n\") gives "
        "[\"\"], one empty line that is not in the file"
    )


def test_read_lines_of_a_windows_file():
    assert read_lines("windows.txt") == [
        "Meeting notes – Zürich",
        "- budget: 12 € per person",
        "- book the café",
    ], (
        "no \\r and no \\n at the end of any line, and no extra empty line at the end. Text "
        "mode with its universal newlines (the default, newline=None) turns \\r\\n into \\n "
        "for you; then remove the \\n with line.rstrip('\\n')"
    )


def test_read_lines_of_a_unix_file():
    assert read_lines("poem.txt")[-3:] == [
        "the window fogs, the street is grey;",
        "    a croissant, a crème brûlée,",
        "and nothing’s due until the noon.",
    ], "poem.txt uses \\n line endings: remove them, and keep each line's leading spaces"


def old_mac_file(tmp_path):
    path = tmp_path / "classic_mac.txt"
    path.write_bytes("Grüße\rfrom\rthe '90s\r".encode("utf-8"))
    return path


def test_lone_carriage_returns_are_not_windows_newlines(tmp_path):
    assert has_windows_newlines(old_mac_file(tmp_path)) is False, (
        "this file ends its lines with a lone \\r (classic Mac OS) and contains no \\r\\n: "
        "look for the two characters \\r\\n together, not for any \\r"
    )


def test_read_lines_of_an_old_mac_file(tmp_path):
    assert read_lines(old_mac_file(tmp_path)) == ["Grüße", "from", "the '90s"], (
        "universal newlines also turn a lone \\r into \\n: read in text mode with the "
        "default newline=None, then drop the \\n with line.rstrip('\\n')"
    )


def test_read_lines_removes_only_the_line_ending(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(
        "total:  12 €  \r\n"  # trailing spaces are data (think of a fixed-width field)
        "\tindented\t\r\n"
        "page one\x0cpage two, then a line\u2028separator\r\n"  # \x0c, U+2028: not line endings
        "last line, no line ending".encode("utf-8")
    )
    got = read_lines(path)
    expected = [
        "total:  12 €  ",
        "\tindented\t",
        "page one\x0cpage two, then a line\u2028separator",
        "last line, no line ending",
    ]
    problem = "no line ending on any line and nothing else removed: line.rstrip('\\n')"
    if isinstance(got, list) and any(line.endswith(("\r", "\n")) for line in got):
        problem = (
            "some lines still end with \\r or \\n: read with the default newline=None, "
            "which turns every line ending into \\n, then remove it with line.rstrip('\\n')"
        )
    elif isinstance(got, list) and len(got) > len(expected):
        problem = (
            "%d lines, but the file has 4: a form feed (\\x0c) or U+2028 inside a line does "
            "not end it. str.splitlines() splits there too; iterating over the file (for line "
            "in f) splits only at \\n, \\r\\n and \\r" % len(got)
        )
    elif isinstance(got, list) and len(got) == len(expected) - 1:
        problem = (
            "the last line has no line ending, but it is a line: text.split('\\n')[:-1] drops "
            "it; iterate over the file and use line.rstrip('\\n')"
        )
    elif isinstance(got, list) and len(got) == len(expected):
        if got[-1] == expected[-1][:-1]:
            problem = (
                "the last line has no line ending to remove, and line[:-1] cut its last "
                "letter: line.rstrip('\\n') removes a newline only where there is one"
            )
        elif got[0] == expected[0].rstrip() or got[1] == expected[1].strip():
            problem = (
                "spaces and tabs at the start or end of a line are data: line.strip() or "
                "line.rstrip() without an argument removes them. Remove only the newline, "
                "line.rstrip('\\n')"
            )
    assert got == expected, problem
