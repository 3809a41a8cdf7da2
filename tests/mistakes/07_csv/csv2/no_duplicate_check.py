"""Trusts DictReader with the header: a repeated name silently keeps the last value."""
# expect: silently kept only the last

import csv


class CsvFormatError(ValueError):
    """The CSV file is not in the expected shape."""


def load_users(path):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, restval="")
        header = reader.fieldnames or []
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if False:
            raise CsvFormatError("the header names these columns more than once: "
                                 + ", ".join(repr(name) for name in duplicates))
        users = []
        start = reader.line_num + 1
        for row in reader:
            if None in row:
                raise CsvFormatError("line %d: %d fields, but the header has %d"
                                     % (start, len(header) + len(row[None]), len(header)))
            users.append(row)
            start = reader.line_num + 1
        return users


def export_users(path, users, columns):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(users)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import pathlib  # noqa: E402
from unittest import mock  # noqa: E402

import iolings_testkit as kit  # noqa: E402

USERS = [
    {"id": "1", "email": "anna@example.com", "name": "Müller, Anna", "role": "admin",
     "signature": "Anna"},
    {"id": "2", "email": "bob@example.com", "name": "Bob", "role": "editor", "signature": ""},
    {"id": "3", "email": "zoe@example.com", "name": "Zoë O'Brien", "role": "viewer",
     "signature": "Zoë\r\nHead of Web"},
    {"id": "4", "email": "li@example.com", "name": "Li Wei", "role": "editor", "signature": ""},
]


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def format_error(path, why):
    try:
        got = load_users(path)
    except CsvFormatError as exc:
        return str(exc)
    raise AssertionError("load_users returned %r: %s. Raise CsvFormatError" % (got, why))


def test_load_users():
    with kit.no_leaked_files():
        got = load_users("users.csv")
    assert [row.get("signature") for row in got] == [u["signature"] for u in USERS], (
        "Bob's row has no signature field at all: DictReader fills it with restval, None by "
        "default. Pass restval='' so every value is a str")
    assert got == USERS, "one dict per record, keyed by the header; the blank line is skipped"


def test_duplicate_header_names(tmp_path):
    path = write(tmp_path, "id,email,name,email\r\n1,old@example.com,Anna,new@example.com\r\n")
    message = format_error(path, "the header has 'email' twice, and DictReader silently kept "
                                 "only the last 'email' value of every row")
    assert "'email'" in message, (
        "name the duplicated column in the message, as repr() shows it ('email'), got %r"
        % message)


def test_every_duplicate_is_named(tmp_path):
    path = write(tmp_path, "id,name,id,email,name,name\r\n1,a,2,b,c,d\r\n")
    message = format_error(path, "'id' and 'name' appear more than once in the header")
    assert "'id'" in message and "'name'" in message and "'email'" not in message, (
        "name every duplicated column ('id' and 'name'), and only those, got %r" % message)


def test_a_row_with_more_fields_than_the_header(tmp_path):
    text = ('id,email,name\r\n1,anna@example.com,"Anna\r\nMüller"\r\n'
            '2,bob@example.com,"Bob\r\nBuilder",surplus\r\n3,zoe@example.com,Zoë\r\n')
    message = format_error(write(tmp_path, text),
                           "the record of Bob has 4 fields, the header 3: DictReader put the "
                           "surplus in row[None]. Check for that key")
    assert "line 4" in message, (
        "say where the broken row starts: on line 4 of the file. Anna's record spans lines "
        "2-3, so counting records says 3; Bob's spans lines 4-5, and reader.line_num (the "
        "line where a record ENDS) says 5. Put 'line 4' in the message, got %r"
        % message)


def test_the_first_record_has_more_fields(tmp_path):
    message = format_error(write(tmp_path, "id,email\r\n1,anna@example.com,surplus\r\n"),
                           "the first record has 3 fields, the header 2")
    assert "line 2" in message, (
        "the first record starts on line 2 (the header is line 1); got %r" % message)


def test_empty_and_header_only_files(tmp_path):
    for text in ("", "id,email,name\r\n"):
        path = write(tmp_path, text)
        try:
            got = load_users(path)
        except TypeError as exc:
            raise AssertionError(
                "load_users raised TypeError (%s) for %s file: for an empty file "
                "reader.fieldnames is None" % (exc, "an empty" if not text else "a header-only"
                                               )) from None
        assert got == [], "no records: return []"


EXPORT = [
    {"id": 1, "email": "anna@example.com", "name": "Müller, Anna",
     "password_hash": "$argon2id$v=19$m=65536$c2FsdA$aGFzaA"},
    {"id": 2, "name": "Bob", "password_hash": "$argon2id$v=19$bob"},
    {"email": "zoe@example.com", "id": 3, "name": 'Zoë "Z" O\'Brien', "last_login": None},
]


def read_back(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def exported(tmp_path, users, columns):
    path = tmp_path / "export.csv"
    try:
        export_users(path, users, columns)
    except ValueError as exc:
        raise AssertionError(
            "export_users raised ValueError (%s): the user dicts have keys that are not "
            "columns. DictWriter(..., extrasaction='ignore') leaves them out" % exc) from None
    return path


def test_export_writes_only_the_columns(tmp_path):
    path = exported(tmp_path, EXPORT, ["id", "name", "email"])
    assert read_back(path) == [
        ["id", "name", "email"],
        ["1", "Müller, Anna", "anna@example.com"],
        ["2", "Bob", ""],
        ["3", 'Zoë "Z" O\'Brien', "zoe@example.com"],
    ], ("a header of the given columns in their order, one row per user; a missing key is an "
        "empty field")
    assert b"argon2" not in path.read_bytes(), (
        "password_hash is not one of the columns and must not be exported")


def test_export_replaces_an_existing_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"old,export\r\n")
    with kit.no_leaked_files():
        exported(tmp_path, EXPORT[:1], ["id"])
    assert read_back(path) == [["id"], ["1"]], (
        "the export replaces what the file held: mode 'w', not 'a'")


def test_export_with_no_users(tmp_path):
    path = exported(tmp_path, [], ["id", "email"])
    assert read_back(path) == [["id", "email"]], "no users: just the header"


def test_export_generator_of_users(tmp_path):
    path = exported(tmp_path, (dict(u) for u in EXPORT), ["email"])
    assert read_back(path) == [["email"], ["anna@example.com"], [""], ["zoe@example.com"]], (
        "write exactly the given columns (here only 'email'); users may be any iterable, a "
        "generator too: loop over it once")


@contextlib.contextmanager
def like_windows():
    """open() as on Windows: text mode with newline=None writes every "\\n" as "\\r\\n"."""
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


def test_export_on_windows(tmp_path):
    with like_windows():
        path = exported(tmp_path, EXPORT, ["id", "name"])
    assert b"\r\r\n" not in path.read_bytes(), (
        "on Windows the rows end with \\r\\r\\n: open the file with newline='' (the csv "
        "module writes \\r\\n itself)")
