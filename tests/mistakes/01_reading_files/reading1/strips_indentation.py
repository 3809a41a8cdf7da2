"""Uses line.strip(), which also removes the indentation of the poem's lines."""
# expect: keep the leading spaces
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
- poem_lines(path) returns the file's lines as a list of str, each line WITHOUT its trailing
  "\n" and otherwise untouched (one line of the poem is indented: keep its leading spaces).

Open the file in text mode, with encoding="utf-8", inside a `with` block.
"""


def read_poem(path):
    with open(path, "r", encoding="utf-8") as f:
        return f.read()


def poem_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f]


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
    assert default_encoding_warnings(read_poem, "poem.txt") == [], (
        "open() was called without encoding=, so Python decoded the file with the platform's "
        "default encoding (ASCII on many servers, cp1252 on Windows). "
        "Pass encoding=\"utf-8\" to open()"
    )


def test_read_poem_closes_the_file():
    with kit.no_leaked_files():
        read_poem("poem.txt")


def test_poem_lines():
    got = poem_lines("poem.txt")
    assert got == POEM.splitlines(), (
        "one str per line, without the trailing newline and nothing else removed: keep the "
        "leading spaces of the indented line and the empty line after the title. "
        "line.rstrip(\"\\n\") drops only the newline; line.strip() drops the spaces too"
    )


def test_poem_lines_names_the_encoding():
    assert default_encoding_warnings(poem_lines, "poem.txt") == [], (
        "poem_lines calls open() without encoding=: pass encoding=\"utf-8\" here too"
    )


def test_poem_lines_closes_the_file():
    with kit.no_leaked_files():
        poem_lines("poem.txt")
