"""csv4: files of unknown dialect in, one strict dialect out: Sniffer, Dialect, quoting.

A DIALECT is the set of rules of one CSV flavour: the delimiter, the quote character, whether
a quote inside a quoted field is doubled, which fields get quoted, the line terminator. The csv
module knows "excel" (the default: comma, minimal quoting, \\r\\n), "excel-tab" and "unix"
(\\n, every field quoted), and you can declare your own:

    class Partner(csv.Dialect):
        delimiter = ","
        quotechar = '"'
        doublequote = True             # a " inside a field is written as ""
        skipinitialspace = False
        lineterminator = "\\n"
        quoting = csv.QUOTE_ALL         # or QUOTE_MINIMAL, QUOTE_NONNUMERIC, QUOTE_NONE

    csv.writer(f, dialect=Partner)     # also csv.reader(f, delimiter=";") for one setting

Uploads arrive in every dialect: comma, semicolon (European Excel), tab, pipe. csv.Sniffer
GUESSES the dialect from a sample of the text:

    dialect = csv.Sniffer().sniff(sample, delimiters=",;\\t|")

It is a heuristic, and it guesses wrong in ways worth knowing:

- Without delimiters=, any character may win: for a one-column file of e-mail addresses it
  picks the letter "l". With delimiters= and no clear winner it raises csv.Error
  ("Could not determine delimiter"), which you must catch and answer with a default.
- It guesses MORE than the delimiter: the quote character, doublequote, skipinitialspace.
  Names like O'Brien and values like 'Obi' make it choose "'" as the quote character and
  doublequote=False, and then every properly double-quoted field is parsed wrong. Take only
  the delimiter from the Sniffer and keep everything else standard.
- Sniff a SAMPLE (the first 64 KiB is plenty), not a 2 GB file, and then go back to the start
  of the file (f.seek(0)) before reading it for real.

Your tasks:

- sniff_delimiter(sample) -> str: the delimiter of the CSV text `sample`, one of ",", ";",
  "\\t" and "|", as csv.Sniffer guesses it when restricted to those four; "," when the
  Sniffer cannot decide.
- convert(src, dst) -> int: read the CSV file `src` (UTF-8, possibly with a BOM), whose
  delimiter is sniff_delimiter() of its first 64 KiB (65536 characters, or all of it if it
  is shorter); apart from the delimiter it follows the standard "excel" rules (quote " and
  doubled "" inside quotes). Write every non-blank row to `dst` in the partner's format:
  UTF-8 without a BOM, "," between fields, EVERY field in double quotes (a " inside doubled),
  each row ending with "\\n". Return the number of rows written, the header included.
"""
import csv

SAMPLE_SIZE = 64 * 1024


class Partner(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_ALL


def sniff_delimiter(sample):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def convert(src, dst):
    count = 0
    with open(src, encoding="utf-8-sig", newline="") as f, \
            open(dst, "w", encoding="utf-8", newline="") as out:
        delimiter = sniff_delimiter(f.read(SAMPLE_SIZE))
        f.seek(0)
        writer = csv.writer(out, dialect=Partner)
        for row in csv.reader(f, delimiter=delimiter):
            if row:
                writer.writerow(row)
                count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import pathlib  # noqa: E402
from unittest import mock  # noqa: E402

import iolings_testkit as kit  # noqa: E402

COMMA = ("id,name,nickname,note\r\n"
         "1,O'Brien,'Obi',\"said \"\"hi\"\", then left\"\r\n"
         "2,D'Angelo,'Dee',it's fine\r\n"
         "3,\"Smith, J.\",'Smithy',none\r\n")
COMMA_OUT = ('"id","name","nickname","note"\n'
             '"1","O\'Brien","\'Obi\'","said ""hi"", then left"\n'
             '"2","D\'Angelo","\'Dee\'","it\'s fine"\n'
             '"3","Smith, J.","\'Smithy\'","none"\n')

SEMICOLON = ("\ufeffDatum;Empfänger;Betrag\r\n"
             "02.01.2024;Stadtwerke;-84,00\r\n"
             "05.01.2024;\"Müller; GmbH\r\nAbt. 3\";3.250,75\r\n"
             "10.01.2024;Café O'Neil;-12,5\r\n")
SEMICOLON_OUT = ('"Datum","Empfänger","Betrag"\n'
                 '"02.01.2024","Stadtwerke","-84,00"\n'
                 '"05.01.2024","Müller; GmbH\r\nAbt. 3","3.250,75"\n'
                 '"10.01.2024","Café O\'Neil","-12,5"\n')

TAB = ("id\tname\tcity\n1\tAnna Maria\tNew York\n2\tBob\tLos Angeles\n\n\t\t\n"
       "3\tZoë\tSan José\n")
TAB_OUT = ('"id","name","city"\n"1","Anna Maria","New York"\n"2","Bob","Los Angeles"\n'
           '"","",""\n"3","Zoë","San José"\n')

PIPE = 'sku|title|price\n1001|"Cable | 2 m"|9.99\n1002| Plug|1.50\n1003|Adapter, EU|4.00\n'
PIPE_OUT = ('"sku","title","price"\n"1001","Cable | 2 m","9.99"\n"1002"," Plug","1.50"\n'
            '"1003","Adapter, EU","4.00"\n')

ONE_COLUMN = "email\nanna@example.com\nbob@example.com\nzoe@example.com\n"
ONE_COLUMN_OUT = '"email"\n"anna@example.com"\n"bob@example.com"\n"zoe@example.com"\n'


def delimiter_of(sample):
    try:
        return sniff_delimiter(sample)
    except csv.Error as exc:
        raise AssertionError(
            "sniff_delimiter raised csv.Error(%s) for %r: when the Sniffer cannot decide, "
            "catch csv.Error and return ','" % (exc, sample[:40])) from None


def test_sniff_the_four_delimiters():
    for sample, expected in ((COMMA, ","), (SEMICOLON, ";"), (TAB, "\t"), (PIPE, "|")):
        assert delimiter_of(sample) == expected, (
            "the delimiter of %r... is %r" % (sample[:30], expected))


def test_sniff_only_the_allowed_delimiters():
    got = delimiter_of(ONE_COLUMN)
    assert got in (",", ";", "\t", "|"), (
        "the Sniffer guessed %r as the delimiter of a one-column file: without "
        "delimiters=',;\\t|' any character may win" % got)
    assert got == ",", "a file the Sniffer cannot decide gets the default ','"


def rows_of(text):
    """The rows of CSV text in any quoting and line ending style (for tests about content)."""
    return list(csv.reader(io.StringIO(text, newline="")))


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


def converted(tmp_path, text, name="upload.csv", windows=False):
    src, dst = tmp_path / name, tmp_path / ("out-" + name)
    src.write_bytes(text.encode("utf-8"))
    dst.write_bytes(b"old content of the output file\n")
    with kit.no_leaked_files(), (like_windows() if windows else contextlib.nullcontext()):
        count = convert(src, dst)
    got = dst.read_bytes().decode("utf-8")
    assert not got.startswith("old content"), (
        "convert must replace what the output file held: mode 'w', not 'a'")
    assert got.strip() != "", (
        "convert wrote nothing (returned %r). If you read a sample to sniff, the file "
        "position is then at its end: f.seek(0) before reading the rows" % count)
    assert not got.startswith("\ufeff"), (
        "the output starts with a BOM: the partner wants UTF-8 without one, write with "
        "encoding='utf-8' (not 'utf-8-sig')")
    return count, got


def test_convert_to_the_partner_format(tmp_path):
    count, got = converted(tmp_path, PIPE)
    assert rows_of(got) == rows_of(PIPE_OUT), (
        "every field must reach the output exactly as it is in the input: ' Plug' keeps its "
        "leading space (the standard rules: no skipinitialspace)")
    assert got == PIPE_OUT, (
        "the partner's format: ',' between fields, every field in double quotes "
        "(quoting=csv.QUOTE_ALL), each row ending with '\\n' (lineterminator='\\n')")
    assert count == 4, "return the number of rows written, the header included"


def test_convert_on_windows(tmp_path):
    _, here = converted(tmp_path, PIPE)
    _, got = converted(tmp_path, PIPE, windows=True)
    assert got == here, (
        "on Windows convert wrote other line endings than here: open the output with "
        "newline='', so text mode does not turn the '\\n' the writer ends rows with into "
        "'\\r\\n'")


def test_convert_ignores_the_sniffed_quote_character(tmp_path):
    count, got = converted(tmp_path, COMMA)
    assert rows_of(got) == rows_of(COMMA_OUT), (
        "the apostrophes in O'Brien and 'Obi' make the Sniffer guess quotechar=\"'\" and "
        "doublequote=False, which breaks the double-quoted fields. Use only its delimiter: "
        "csv.reader(f, delimiter=sniff_delimiter(sample))")
    assert count == 4


def test_convert_a_german_excel_export(tmp_path):
    count, got = converted(tmp_path, SEMICOLON)
    assert "\ufeff" not in got, (
        "the input starts with a BOM: read it with encoding='utf-8-sig', so it does not "
        "become part of the first field")
    assert rows_of(got) == rows_of(SEMICOLON_OUT), (
        "a ';'-separated file, with ';' and a '\\r\\n' inside a quoted field: open the input "
        "with newline='' so the line break reaches the csv module unchanged")
    assert count == 4


def test_convert_skips_blank_lines(tmp_path):
    count, got = converted(tmp_path, TAB)
    assert rows_of(got) == rows_of(TAB_OUT), (
        "a tab-separated file with a blank line and a line of three empty fields: the reader "
        "gives [] for the blank line only, and ['', '', ''] is a row like any other. Skip a "
        "row when it is [] (`if row`), not when its fields are empty (`if any(row)`)")
    assert count == 5, "5 rows written: the blank line does not count"


def test_convert_a_one_column_file(tmp_path):
    count, got = converted(tmp_path, ONE_COLUMN)
    assert rows_of(got) == rows_of(ONE_COLUMN_OUT), "one column, read with the default ','"
    assert count == 4


def test_sniff_more_than_the_header(tmp_path):
    text = ("Name;Straße, Nr.;PLZ\r\nAnna;Hauptstr. 5;10115\r\nBob;Ring 2, Hof;80331\r\n"
            "Zoë;Am Markt 1;01067\r\n")
    count, got = converted(tmp_path, text)
    assert rows_of(got)[0] == ["Name", "Straße, Nr.", "PLZ"], (
        "the header 'Name;Straße, Nr.;PLZ' alone has one ';' and one ',': from that line "
        "the Sniffer cannot tell the delimiter, the rows below it decide. Sniff a sample of "
        "the first 64 KiB (f.read(65536)), not only the first line")
    assert rows_of(got) == [["Name", "Straße, Nr.", "PLZ"], ["Anna", "Hauptstr. 5", "10115"],
                            ["Bob", "Ring 2, Hof", "80331"], ["Zoë", "Am Markt 1", "01067"]]
    assert count == 4


def test_convert_a_file_bigger_than_the_sample(tmp_path):
    row = '02.01.2024;"Stadtwerke; München";-84,00;Abschlag Strom\r\n'
    text = "Datum;Empfänger;Betrag;Text\r\n" + row * 6000  # about 340 KiB
    samples = []
    real_sniff = csv.Sniffer.sniff

    def sniff(self, sample, delimiters=None):
        samples.append(len(sample))
        return real_sniff(self, sample, delimiters)

    with mock.patch.object(csv.Sniffer, "sniff", sniff):
        count, got = converted(tmp_path, text)
    assert samples and max(samples) <= 256 * 1024, (
        "convert gave the Sniffer %d characters of a %d-character file: sniff a SAMPLE "
        "(f.read(65536)), not the whole file. On a 2 GB upload that reads it all into memory "
        "just to guess one character" % (max(samples or [0]), len(text)))
    rows = rows_of(got)
    assert count == 6001 and len(rows) == 6001, (
        "6001 rows (header included) in, 6001 rows out, got %d rows (returned %d). Sniff "
        "the first 65536 characters, then f.seek(0) and read the WHOLE file from its start"
        % (len(rows), count))
    assert rows[0] == ["Datum", "Empfänger", "Betrag", "Text"], "the header is written first"
    assert rows[1:] == [["02.01.2024", "Stadtwerke; München", "-84,00", "Abschlag Strom"]
                        ] * 6000, "every row converted like the first"
