r"""Reading files 5: UnicodeDecodeError and the wrong codec

Not every file is UTF-8. Spreadsheets exported on Windows, old databases and many client
uploads use cp1252 ("Windows-1252", also called "ANSI"), where "é" is the single byte 0xE9
and "€" is 0x80. Read such a file as UTF-8 and Python stops with:

    UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 32: invalid ...

The fix is NOT to try codecs until the error goes away. latin-1 (ISO-8859-1), for example,
never raises: it maps every byte to some character, so it "works" and silently gives you the
wrong text. latin-1 and cp1252 agree on most bytes, but not on 0x80-0x9F: there cp1252 has
€ ‚ „ … – — “ ” œ and friends, and latin-1 has invisible control characters. Find out what
the file really is (ask whoever produced it; look at the bytes) and name that codec.

Sometimes a file is *mostly* right: a UTF-8 log with a few corrupt bytes in one line. Then
errors= decides what happens to the bytes that do not decode:

    errors="strict"    (default) raise UnicodeDecodeError
    errors="replace"   put U+FFFD "�" in their place: the damage stays visible
    errors="ignore"    drop them silently: the damage becomes invisible (rarely what you want)
    errors="backslashreplace"  show them as \xe9

Your task:

- read_export(path) returns the lines (without "\n") of export_cp1252.csv, a bank export
  that Excel on Windows saved in cp1252. It has €, “curly quotes”, an en dash and "œ".
- read_damaged_log(path) returns the lines (without "\n") of server.log: UTF-8, except that
  one line contains a file name a client sent in latin-1. Do not crash on it: replace each
  byte that is not valid UTF-8 with U+FFFD, and keep every valid character as it is.
"""


def read_export(path):
    with open(path, encoding="cp1252") as f:
        return [line.rstrip("\n") for line in f]


def read_damaged_log(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n") for line in f]


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.


def call(function, path, advice):
    """function(path), with a UnicodeDecodeError turned into a failure that says what to do."""
    try:
        return function(path)
    except UnicodeDecodeError as error:
        raise AssertionError(
            "%s(%r) raised UnicodeDecodeError: %s. %s" % (function.__name__, path, error, advice)
        ) from None


def test_read_export_decodes_cp1252():
    not_utf8 = "This file is not UTF-8: Excel on Windows saved it in cp1252 (Windows-1252)"
    assert call(read_export, "export_cp1252.csv", not_utf8) == [
        "date;payee;amount",
        "2024-05-01;Café Müller;-4,50 €",
        "2024-05-02;“Le Bœuf” bistro;-23,00 €",
        "2024-05-03;Salary – May;+2 150,00 €",
    ], (
        "the export was written in cp1252 (Windows-1252): open it with encoding='cp1252'. "
        "If you see '\\x80' where '€' should be, you decoded it as latin-1, which never "
        "fails but maps bytes 0x80-0x9F to invisible control characters. If you see '�', "
        "errors='replace' hid the real problem: the codec is wrong"
    )


def test_read_damaged_log_keeps_going_and_marks_the_damage():
    damaged = (
        "The log is UTF-8 apart from a few bad bytes: errors= decides what open() does with "
        "bytes that don't decode, instead of raising"
    )
    assert call(read_damaged_log, "server.log", damaged) == [
        "2024-05-01 12:00:00 INFO  user=zoë logged in",
        "2024-05-01 12:00:03 WARN  upload name=r\ufffdsum\ufffd.pdf rejected",
        "2024-05-01 12:00:04 INFO  user=josé logged out",
    ], (
        "decode as UTF-8 with errors='replace': each undecodable byte becomes U+FFFD ('�') "
        "and every valid character stays as it is. errors='ignore' deletes the bad bytes "
        "without a trace; latin-1 turns every valid 'ë' and 'é' into mojibake ('Ã«', 'Ã©')"
    )
