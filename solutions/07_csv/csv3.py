"""csv3: an Excel export from Germany: a BOM, semicolons and decimal commas.

"CSV" from Excel depends on the language settings of the machine that saved it. In Germany
(and most of Europe) the comma is the DECIMAL separator, so Excel separates fields with
semicolons instead, and the bank export that lands in your upload folder looks like this:

    Buchungstag;Empfänger;Verwendungszweck;Betrag;Währung
    02.01.2024;Stadtwerke München;"Abschlag Strom; Januar";-84,00;EUR
    05.01.2024;Müller GmbH;Gehalt Dezember;3.250,75;EUR

Three things to get right, each on purpose:

- The delimiter: csv.reader(f, delimiter=";"). With the default "," each line is split at
  the decimal commas instead.
- The encoding: Excel's "CSV UTF-8" starts the file with a BOM (bytes EF BB BF). Read with
  "utf-8" and the first header is "\\ufeffBuchungstag": it prints like "Buchungstag", but
  row["Buchungstag"] is a KeyError. encoding="utf-8-sig" removes a BOM if there is one.
  Writing with "utf-8-sig" ADDS one, which is how Excel knows the file is UTF-8 (without it,
  it shows "MÃ¼ller").
- The numbers: "3.250,75" is 3250.75: "." groups thousands, "," starts the decimals. float()
  fails on it; Decimal(text.replace(",", ".")) fails too ("3.250.75"); and
  text.replace(".", "").replace(",", ".") "works" until an English number such as "1,234.56"
  arrives and silently becomes 1.23456. Parse the format you expect, check that the text IS
  in that format, and reject anything else. Money is Decimal, never float.

Your tasks:

- parse_amount(text) -> Decimal: a number in German notation. Surrounding whitespace is
  ignored. The format: an optional "-", then either digits without separators ("1234") or
  digits grouped in threes by "." ("1.234", "12.345.678", the first group 1 to 3 digits),
  then optionally "," and one or more decimal digits. Keep the digits exactly: "-84,00" is
  Decimal("-84.00"). Anything else raises ValueError: "1,234.56", "12.5", "1.23,4",
  "1.2345", "", "abc".
- read_transactions(path) -> list[dict]: the rows of a semicolon-separated UTF-8 file that
  may start with a BOM, as dicts keyed by the header, with the "Betrag" value converted with
  parse_amount() (the other values stay str).
- write_for_excel(path, rows, fieldnames) -> None: write dicts for a German Excel: a BOM,
  ";" between fields, "\\r\\n" after every row, a header of `fieldnames`. Decimal values are
  written with a decimal comma, no thousands separators and never in exponent notation
  (Decimal("1234.50") -> "1234,50", Decimal("1E+3") -> "1000"); other values as str().
"""
import csv
import re
from decimal import Decimal

GERMAN_NUMBER = re.compile(r"-?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?")


def parse_amount(text):
    text = text.strip()
    if not GERMAN_NUMBER.fullmatch(text):
        raise ValueError("not an amount in German notation (1.234,56): %r" % text)
    return Decimal(text.replace(".", "").replace(",", "."))


def read_transactions(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    for row in rows:
        row["Betrag"] = parse_amount(row["Betrag"])
    return rows


def _excel_value(value):
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def write_for_excel(path, rows, fieldnames):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _excel_value(value) for key, value in row.items()})


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import pathlib  # noqa: E402
from unittest import mock  # noqa: E402

import iolings_testkit as kit  # noqa: E402

HEADER = ["Buchungstag", "Empfänger", "Verwendungszweck", "Betrag", "Währung"]
TRANSACTIONS = [
    ["02.01.2024", "Stadtwerke München", "Abschlag Strom; Januar", Decimal("-84.00"), "EUR"],
    ["05.01.2024", "Müller GmbH", "Gehalt Dezember", Decimal("3250.75"), "EUR"],
    ["10.01.2024", 'Café "Zum Löwen"', "Frühstück", Decimal("-12.5"), "EUR"],
    ["15.01.2024", "Vermieter", "Miete Januar", Decimal("-1234.56"), "EUR"],
    ["31.01.2024", "Sparkasse", "Zinsen", Decimal("0.01"), "EUR"],
]


def amount(text):
    try:
        return parse_amount(text)
    except Exception as exc:  # noqa: BLE001 - any exception is a wrong answer here
        raise AssertionError(
            "parse_amount(%r) raised %s(%s): that is a valid German amount. Check it against "
            "the format, then remove the '.' separators and turn the ',' into '.'"
            % (text, type(exc).__name__, exc)) from None


def test_parse_german_amounts():
    for text, expected in (("1.234,56", "1234.56"), ("-84,00", "-84.00"), ("12,5", "12.5"),
                           ("0,01", "0.01"), ("1234,56", "1234.56"), ("1.000.000", "1000000"),
                           ("42", "42"), ("-3.250,75", "-3250.75"), (" 7,50 ", "7.50"),
                           ("999.999,999", "999999.999")):
        got = amount(text)
        assert type(got) is Decimal, (
            "amounts of money are Decimal, not %s: float cannot hold 0,01 exactly"
            % type(got).__name__)
        assert str(got) == expected, (
            "%r is %s in German notation: '.' groups thousands, ',' starts the decimals "
            "(keep every digit: Decimal('-84.00'), not -84)" % (text, expected))


def test_reject_what_is_not_german_notation():
    for text in ("1,234.56", "12.5", "1.23,4", "1.2345", "12.34.567", "1,2,3", "", "  ",
                 "abc", "--1", "1.234.56", ",5", "5,", "1e3", "NaN", "+-1", "12 345", "+84,00",
                 ".123", "1.234,"):
        try:
            got = parse_amount(text)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(
                "parse_amount(%r) raised %s: raise ValueError for text that is not a German "
                "amount (decimal.InvalidOperation is not a ValueError)"
                % (text, type(exc).__name__)) from None
        raise AssertionError(
            "parse_amount(%r) returned %r: that is not a German amount (English notation, "
            "wrong grouping, a '+' sign, or no number at all), so it must raise ValueError. "
            "The format allows only an optional '-' in front. Replacing "
            "'.' and ',' without checking the format turns such text into a wrong number"
            % (text, got))


def test_read_the_bank_export():
    try:
        rows = read_transactions("umsaetze.csv")
    except KeyError as exc:
        raise AssertionError(
            "read_transactions raised KeyError(%s): the header was not split into the columns "
            "you expect. Look at the first line of the file: its fields are separated by ';' "
            "(csv.DictReader(f, delimiter=';')), and it starts with a BOM "
            "(encoding='utf-8-sig')" % exc) from None
    assert rows, "umsaetze.csv has 5 transactions"
    keys = list(rows[0])
    assert keys[0] != "\ufeffBuchungstag", (
        "the first column is called '\\ufeffBuchungstag': the file starts with a BOM, and "
        "encoding='utf-8' keeps it as a character. Open it with encoding='utf-8-sig'")
    assert keys == HEADER, (
        "the columns are separated by ';' (a German Excel export): "
        "csv.DictReader(f, delimiter=';')")
    assert [[row[key] for key in HEADER] for row in rows] == TRANSACTIONS, (
        "every transaction, Betrag as Decimal, the quoted ';' inside Verwendungszweck kept")
    assert sum(row["Betrag"] for row in rows) == Decimal("1919.70"), "the balance is 1919,70"


def test_read_without_a_bom(tmp_path):
    path = tmp_path / "no_bom.csv"
    path.write_bytes("Betrag;Währung;Text\r\n1.234,56;EUR;\"zwei\r\nZeilen\"\r\n"
                     .encode("utf-8"))
    with kit.no_leaked_files():
        rows = read_transactions(path)
    assert [list(row) for row in rows] == [["Betrag", "Währung", "Text"]], (
        "a file without a BOM must work too: 'utf-8-sig' removes a BOM only if there is one")
    assert rows == [{"Betrag": Decimal("1234.56"), "Währung": "EUR", "Text": "zwei\r\nZeilen"}], (
        "the quoted Text field holds '\\r\\n' and must keep it: open the file with "
        "newline='', or text mode turns it into '\\n'")


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


OUT_ROWS = [
    {"Datum": "01.02.2024", "Text": "Miete; Februar", "Betrag": Decimal("-1234.50"),
     "Menge": 1},
    {"Datum": "02.02.2024", "Text": 'Café "Zum Löwen"', "Betrag": Decimal("1E+3"), "Menge": 12},
    {"Datum": "03.02.2024", "Text": "Zinsen", "Betrag": Decimal("0.0000001"), "Menge": 0},
]
OUT_BYTES = ("\ufeffDatum;Text;Betrag;Menge\r\n"
             "01.02.2024;\"Miete; Februar\";-1234,50;1\r\n"
             "02.02.2024;\"Café \"\"Zum Löwen\"\"\";1000;12\r\n"
             "03.02.2024;Zinsen;0,0000001;0\r\n").encode("utf-8")


def test_write_for_excel(tmp_path):
    path = tmp_path / "export.csv"
    with like_windows():
        write_for_excel(path, OUT_ROWS, ["Datum", "Text", "Betrag", "Menge"])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), (
        "start the file with a BOM (encoding='utf-8-sig'): without it Excel reads UTF-8 as "
        "cp1252 and shows 'CafÃ©'")
    assert b"\r\r\n" not in data, (
        "on Windows the rows end with \\r\\r\\n: open the file with newline=''")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Datum;Text;Betrag;Menge", "the header, separated by ';' (delimiter=';')"
    assert data == OUT_BYTES, (
        "Decimal values with a decimal comma, every digit and nothing else: no thousands "
        "separators, no rounding, no exponent (format(value, 'f') gives '1000' for "
        "Decimal('1E+3'), where str() gives '1E+3'); ';' between fields; text with ';' or "
        "'\"' quoted")


def test_written_file_reads_back(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"old;content\r\n")
    rows = [{"Betrag": Decimal(text), "Text": text} for text in
            ("-1234.56", "0.5", "1000000", "12.30", "-0.01")]
    with kit.no_leaked_files():
        write_for_excel(path, rows, ["Text", "Betrag"])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfText;"), (
        "write_for_excel replaces what the file held: mode 'w', not 'a'")
    got = read_transactions(path)
    assert got == [{"Text": row["Text"], "Betrag": row["Betrag"]} for row in rows], (
        "what write_for_excel writes, read_transactions must read back to the same Decimals")
    assert [str(row["Betrag"]) for row in got] == [row["Text"] for row in rows], (
        "keep every digit when writing: Decimal('12.30') is written as 12,30")
