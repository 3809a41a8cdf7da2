"""pathlib open for reading with a loop; the rows written into a StringIO(newline='') and stored with Path.write_bytes."""

import csv
import io
import pathlib


def read_rows(path):
    rows = []
    with pathlib.Path(path).open("r", encoding="utf-8", newline="") as handle:
        for record in csv.reader(handle):
            rows.append(record)
    return rows


def write_rows(path, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    pathlib.Path(path).write_bytes(buffer.getvalue().encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import pathlib  # noqa: E402
from unittest import mock  # noqa: E402

import iolings_testkit as kit  # noqa: E402

CONTACTS = [
    ["id", "name", "email", "address", "note"],
    ["1", "Müller, Anna", "anna@example.com", "Hauptstr. 5\r\n10115 Berlin", 'says "hi"'],
    ["2", "Bob", "bob@example.com", "", ""],
    ["3", "Zoë O'Brien", "zoe@example.com", "12 Main St, Apt 4", ""],
    ["4", "Li Wei", "li@example.com", "Beijing", "line one\nline two"],
]


@contextlib.contextmanager
def like_windows():
    """open() as it behaves on Windows: in text mode with the default newline=None, every
    "\\n" written becomes "\\r\\n" (on Linux and macOS it stays "\\n")."""
    real_open = io.open

    def windows_open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None,
                     closefd=True, opener=None):
        if "b" not in mode and newline is None and any(c in mode for c in "wax+"):
            newline = "\r\n"
        return real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)

    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(builtins, "open", windows_open))
        stack.enter_context(mock.patch.object(io, "open", windows_open))
        if hasattr(pathlib, "_NormalAccessor"):  # Python 3.10's Path.open
            stack.enter_context(mock.patch.object(pathlib._NormalAccessor, "open",
                                                  staticmethod(windows_open)))
        yield


def test_quoted_commas():
    rows = read_rows("contacts.csv")
    assert rows[:2] and rows[1][:2] == ["1", "Müller, Anna"], (
        "a comma inside a quoted field is part of the value: \"Müller, Anna\" is ONE field. "
        "line.split(',') cannot know that; use csv.reader(f)")


def test_line_break_inside_a_quoted_field():
    rows = read_rows("contacts.csv")
    assert len(rows) == 5, (
        "contacts.csv holds a header and 4 records, but the file has 7 lines: two quoted "
        "fields contain a line break. Reading line by line cuts those records in two; give "
        "the whole file object to csv.reader(f)")
    assert rows[1][3] == "Hauptstr. 5\r\n10115 Berlin", (
        "the address field contains '\\r\\n' in the file and must keep it. Without "
        "newline='' in open(), text mode turns that '\\r\\n' into '\\n' before csv sees it: "
        "open(path, encoding='utf-8', newline='')")


def test_reads_the_whole_file():
    with kit.no_leaked_files():
        got = read_rows("contacts.csv")
    assert got == CONTACTS, (
        "every field unquoted, \"\" inside quotes read as one \", empty fields as ''")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert read_rows(path) == [], "an empty file has no rows"


ROWS = [
    ["id", "name", "note"],
    [1, "Müller, Anna", 'says "hi"'],
    [2, "two\nlines", ""],
    [3.5, " padded ", "end"],
]
EXPECTED = ('id,name,note\r\n1,"Müller, Anna","says ""hi"""\r\n2,"two\nlines",\r\n'
            '3.5, padded ,end\r\n').encode("utf-8")


def test_write_quotes_where_needed(tmp_path):
    path = tmp_path / "out.csv"
    with kit.no_leaked_files():
        write_rows(path, ROWS)
    assert path.read_bytes() == EXPECTED, (
        "quote fields that contain a comma, a quote or a line break (and double the quotes "
        "inside), end every row with \\r\\n: csv.writer(f).writerows(rows) does all of it, "
        "with the file opened with newline=''")


def test_write_on_windows(tmp_path):
    here, windows = tmp_path / "here.csv", tmp_path / "windows.csv"
    write_rows(here, ROWS)
    with like_windows():
        write_rows(windows, ROWS)
    data = windows.read_bytes()
    assert b"\r\r\n" not in data, (
        "on Windows every row ended with \\r\\r\\n: csv.writer writes \\r\\n, and then text "
        "mode turned its \\n into \\r\\n. Open the file with newline='' so nothing is "
        "translated (Excel shows an empty line after every row otherwise)")
    assert data == here.read_bytes(), (
        "on Windows write_rows wrote other bytes than here: text mode translated the line "
        "break inside a field. Open the file with newline='' so nothing is translated")


def test_round_trip(tmp_path):
    rows = [
        ["crlf\r\ninside", "lone\rcr", "lf\ninside"],
        ['"quoted"', "a,b", "  spaces  "],
        ["", "", ""],
        ["only"],
        ["trailing empty", ""],
    ]
    path = tmp_path / "round.csv"
    write_rows(path, rows)
    assert read_rows(path) == rows, (
        "rows written by write_rows must come back unchanged from read_rows, line breaks "
        "inside fields included (both files opened with newline='')")


def test_write_replaces_an_existing_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_bytes(b"old,content\r\nthat,must go\r\n")
    write_rows(path, [["new"]])
    assert path.read_bytes() == b"new\r\n", (
        "write_rows must replace what the file held: open it with mode 'w', not 'a'")


def test_numbers_are_written_as_text(tmp_path):
    path = tmp_path / "numbers.csv"
    write_rows(path, [["qty", "price"], [3, 9.5], [0, -1]])
    assert read_rows(path) == [["qty", "price"], ["3", "9.5"], ["0", "-1"]], (
        "CSV has no types: numbers are written as text and read back as str")
