"""Opens the file in poem_lines without a with block and never closes it."""
# expect: never closed
r"""Reading files 1: your first open()

A file on disk holds bytes, not text. To turn those bytes into a str, Python has to *decode*
them, and to decode them it must know which encoding the file was written in. So a good
open() call for a text file names three things:

    with open("poem.txt", "r", encoding="utf-8") as f:
        text = f.read()

- the path ("poem.txt", relative to the current directory);
- the mode: "r" means read, in text mode (you get str). "rb" would give you raw bytes;
- the encoding: "utf-8". Leave it out and Python guesses from the machine's settings,
  which is a different answer on a laptop, in a Docker image and on a Windows server.
  (These exercises run with a check that turns a missing encoding= into an error.)

The `with` block closes the file when the block ends, even if an exception is raised.

Your task: poem.txt (in the current directory) is a short poem, saved as UTF-8. It contains
letters such as "é" and "û" that are more than one byte long on disk.

- read_poem(path) returns the whole file as one str, exactly as written (newlines included).
  A file that is not valid UTF-8 must not come back altered: let the UnicodeDecodeError out.
- poem_lines(path) returns the file's lines as a list of str, each line WITHOUT its trailing
  "\n" and otherwise untouched (one line of the poem is indented: keep its leading spaces).

Open the file in text mode, with encoding="utf-8", inside a `with` block.
"""


def read_poem(path):
    with open(path, "r", encoding="utf-8") as f:
        return f.read()


def poem_lines(path):
    f = open(path, encoding="utf-8")
    return [line.rstrip("\n") for line in f]


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import warnings

import iolings_testkit as kit

POEM = (
    "Morning at the Café\n"
    "\n"
    "The kettle hums its naïve tune,\n"
    "the window fogs, the street is grey;\n"
    "    a croissant, a crème brûlée,\n"
    "and nothing’s due until the noon.\n"
)


def default_encoding_warnings(function, *args):
    """The EncodingWarnings raised while function(*args) runs: one per open() without encoding=."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EncodingWarning)
        function(*args)
    return [str(w.message) for w in caught if issubclass(w.category, EncodingWarning)]


def test_read_poem_returns_the_text():
    got = read_poem("poem.txt")
    assert got == POEM, (
        "read_poem must return the poem as a str, exactly as in the file. If you see b'...' "
        "on one side, you read bytes: open in text mode ('r', not 'rb') with encoding='utf-8'"
    )


def test_read_poem_names_the_encoding():
    warned = default_encoding_warnings(read_poem, "poem.txt")
    assert warned == [], (
        "EncodingWarning: %s. open() was called without encoding= (or with the machine's "
        "locale encoding), so Python decoded the file with the platform's default encoding "
        "(ASCII on many servers, cp1252 on Windows). Pass encoding=\"utf-8\" to open()"
        % warned[0].rstrip(".")
    )


def test_read_poem_closes_the_file():
    with kit.no_leaked_files():
        read_poem("poem.txt")


def what_is_wrong_with(got, expected):
    """Why the lines poem_lines returned differ from the file's lines, in words."""
    if not isinstance(got, list) or not all(isinstance(line, str) for line in got):
        return "poem_lines must return a list of str, one per line of the file"
    if any(line.endswith("\r") for line in got):
        return (
            "a line ends with \"\\r\": this file was saved on Windows, its lines end with "
            "\"\\r\\n\", and the \"\\r\" is part of the line ending, not of the line. Open it "
            "in text mode with the default newline translation (no newline=\"\", not \"rb\"): "
            "it turns \"\\r\\n\" into \"\\n\", which line.rstrip(\"\\n\") then removes"
        )
    if any(line.endswith("\n") for line in got):
        return (
            "each line must come without the trailing newline: for line in f gives every "
            "line with its \"\\n\"; remove it with line.rstrip(\"\\n\")"
        )
    if got == expected + [""]:
        return (
            "one str per line, and here there is an extra empty line at the end: "
            "text.split(\"\\n\") gives an empty string after the last \"\\n\", and an "
            "empty file has no lines at all. Iterate over the file (for line in f) instead"
        )
    if got == expected[:-1]:
        return (
            "the last line is missing: it has no \"\\n\" (many editors save files that way) "
            "but it is a line. text.split(\"\\n\")[:-1] drops it; iterate over the file and "
            "use line.rstrip(\"\\n\"), which removes a newline only where there is one"
        )
    if len(got) > len(expected):
        return (
            "more lines than the file has: a form feed (\\x0c) or U+2028 inside a line does "
            "not end it. str.splitlines() splits there too (and at \\x0b, \\x1c-\\x1e, \\x85, "
            "U+2029); iterating over the file (for line in f) splits only at line endings"
        )
    for line, want in zip(got, expected):
        if line == want:
            continue
        if line == want[:-1]:
            return (
                "%r lost its last character: it is the last line and has no newline to "
                "remove. line[:-1] cuts a character whatever it is; line.rstrip(\"\\n\") "
                "removes only a newline" % want
            )
        if want[:1].isspace() and line in (want.strip(), want.lstrip()):
            return (
                "%r lost its leading spaces: keep the leading spaces, they are part of the "
                "line (indentation). line.strip() removes them; line.rstrip(\"\\n\") removes "
                "only the newline" % want
            )
        if line == want.rstrip():
            return (
                "%r lost the spaces or tabs at its end, which are part of the line. "
                "line.strip() or line.rstrip() with no argument removes all trailing "
                "whitespace; line.rstrip(\"\\n\") removes only the newline" % want
            )
    return (
        "one str per line, without the trailing newline and nothing else changed: "
        "line.rstrip(\"\\n\") for each line of the file"
    )


def test_poem_lines():
    got = poem_lines("poem.txt")
    expected = POEM.split("\n")[:-1]  # the poem ends with "\n": nothing after it
    assert got == expected, what_is_wrong_with(got, expected)


def lines_of(tmp_path, data):
    path = tmp_path / "lines.txt"
    path.write_bytes(data.encode("utf-8"))
    return poem_lines(path)


def test_poem_lines_keeps_trailing_spaces(tmp_path):
    got = lines_of(tmp_path, "roses are red  \n  violets\tare blue\t\n")
    expected = ["roses are red  ", "  violets\tare blue\t"]
    assert got == expected, what_is_wrong_with(got, expected)


def test_poem_lines_when_the_last_line_has_no_newline(tmp_path):
    got = lines_of(tmp_path, "Morning at the Café\nand nothing’s due")
    expected = ["Morning at the Café", "and nothing’s due"]
    assert got == expected, what_is_wrong_with(got, expected)


def test_poem_lines_splits_only_at_newlines(tmp_path):
    got = lines_of(tmp_path, "page one\x0cpage two\nline\u2028separator\nend\n")
    expected = ["page one\x0cpage two", "line\u2028separator", "end"]
    assert got == expected, what_is_wrong_with(got, expected)


def test_poem_lines_of_a_file_saved_on_windows(tmp_path):
    got = lines_of(tmp_path, "Morning at the Café\r\n\r\n    a croissant  \r\nthe noon.\r\n")
    expected = ["Morning at the Café", "", "    a croissant  ", "the noon."]
    assert got == expected, what_is_wrong_with(got, expected)


def test_poem_lines_of_an_empty_file(tmp_path):
    got = lines_of(tmp_path, "")
    assert got == [], what_is_wrong_with(got, [])


def test_poem_lines_names_the_encoding():
    warned = default_encoding_warnings(poem_lines, "poem.txt")
    assert warned == [], (
        "EncodingWarning: %s. poem_lines opens the file without naming its encoding: pass "
        "encoding=\"utf-8\" here too" % warned[0].rstrip(".")
    )


def test_poem_lines_closes_the_file():
    with kit.no_leaked_files():
        poem_lines("poem.txt")


def test_reads_the_same_on_a_server_with_the_c_locale():
    here_results = [read_poem("poem.txt"), poem_lines("poem.txt")]
    # The same calls as on a server or in a container where LC_ALL=C and UTF-8 mode is off:
    # there the machine's own encoding is ASCII.
    try:
        there = [kit.in_c_locale(read_poem, "poem.txt"), kit.in_c_locale(poem_lines, "poem.txt")]
    except UnicodeError as error:
        raise AssertionError(
            "with LC_ALL=C, reading the poem failed: %s. encoding=\"locale\" or "
            "locale.getpreferredencoding() means the machine's encoding, ASCII there: name the "
            "file's own encoding, encoding=\"utf-8\"" % error
        ) from None
    assert there == here_results, (
        "with LC_ALL=C you read other text than here: the file was decoded with the "
        "machine's encoding. Name the file's own encoding, encoding=\"utf-8\""
    )


def test_a_file_that_is_not_utf8_fails_loudly_and_is_closed(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café crème\n".encode("latin-1"))  # é and è are single bytes: not UTF-8
    for function in (read_poem, poem_lines):
        with kit.no_leaked_files():
            try:
                got = function(path)
            except UnicodeDecodeError:
                got = None  # what strict UTF-8 decoding must do with these bytes
        assert not isinstance(got, bytes), (
            "%s returned bytes: open the file in text mode, with encoding='utf-8'"
            % function.__name__
        )
        assert got is None, (
            "%s returned %r for a file that is not UTF-8, where decoding it as UTF-8 raises "
            "UnicodeDecodeError. errors='ignore' or 'replace' changes the text without telling "
            "anyone: keep the default errors='strict', so a file in another encoding fails "
            "loudly" % (function.__name__, got)
        )
