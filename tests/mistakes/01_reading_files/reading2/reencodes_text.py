"""Counts the bytes by re-encoding the text, which lost every "\\r" to universal newlines."""
# expect: loses one byte per line
r"""Reading files 2: text mode or binary mode?

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
    return len(text), len(text.encode("utf-8"))


def has_windows_newlines(path):
    # newline="": text mode without newline translation, so each line keeps its "\r\n".
    with open(path, encoding="utf-8", newline="") as f:
        return any(line.endswith("\r\n") for line in f)


def read_lines(path):
    # Universal newlines (the default) already turned "\r\n" into "\n".
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import warnings


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


def test_size_counts_the_bytes_on_disk_of_a_windows_file():
    got = size_of("windows.txt")[1]
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


def test_read_lines_of_a_windows_file():
    assert read_lines("windows.txt") == [
        "Meeting notes – Zürich",
        "- budget: 12 € per person",
        "- book the café",
    ], (
        "no \\r and no \\n at the end of any line, and no extra empty line at the end. Text "
        "mode with its universal newlines (the default, newline=None) turns \\r\\n into \\n "
        "for you; then remove the \\n (rstrip('\\n') or str.splitlines())"
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
        "default newline=None, then drop the \\n (or use str.splitlines())"
    )
