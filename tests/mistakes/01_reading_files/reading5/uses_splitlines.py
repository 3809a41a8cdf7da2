"""Uses str.splitlines(), which also splits at \\x0c, \\x85 and U+2028 inside a line."""
# expect: str.splitlines() splits there
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
    with open(path, "rb") as f:
        return f.read().decode("cp1252").splitlines()


def read_damaged_log(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace").splitlines()


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import iolings_testkit as kit


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
    got = call(read_damaged_log, "server.log", damaged)
    expected = [
        "2024-05-01 12:00:00 INFO  user=zoë logged in",
        "2024-05-01 12:00:03 WARN  upload name=r\ufffdsum\ufffd.pdf rejected",
        "2024-05-01 12:00:04 INFO  user=josé logged out",
    ]
    assert got == expected, lines_problem(got, expected)


def lines_problem(got, expected, export=False):
    """Why the lines returned differ from the expected ones, in words."""
    if not isinstance(got, list) or not all(isinstance(line, str) for line in got):
        return "return a list of str, one per line"
    if export and any("\ufffd" in line or any("\x80" <= c <= "\x9f" for c in line)
                      for line in got):
        return (
            "'\\ufffd' or invisible control characters (\\x80-\\x9f) where € and the curly "
            "quotes should be: the codec is wrong. This export is cp1252: "
            "encoding='cp1252', without errors="
        )
    if any(isinstance(line, str) and line.endswith("\r") for line in got):
        return (
            "the lines still end with \\r: Excel writes \\r\\n line endings, and with "
            "newline='' (or in binary mode) nothing translates them. Read in text mode with "
            "the default newline=None, then line.rstrip('\\n')"
        )
    if len(got) > len(expected):
        return (
            "more lines than the file has: a form feed (\\x0c), \\x85 or U+2028 inside a line "
            "does not end it, but str.splitlines() splits there. Iterate over the file "
            "(for line in f), which splits only at line endings"
        )
    if len(got) < len(expected):
        return (
            "fewer lines than the file has: the last line has no \\n, but it is a line. "
            "Iterate over the file and use line.rstrip('\\n')"
        )
    for line, want in zip(got, expected):
        if line != want and line == want.rstrip():
            return (
                "%r lost the spaces at its end, which are data: line.rstrip() or line.strip() "
                "without an argument removes them; line.rstrip('\\n') removes only the "
                "newline" % want
            )
        if line != want and line == want[:-1]:
            return "%r lost its last character: line[:-1] cuts it when there is no \\n" % want
        if line != want and ("Ã" in line or "Å" in line or "ð" in line) and "Ã" not in want:
            return (
                "%r is mojibake: UTF-8 bytes decoded one byte at a time with latin-1 or "
                "cp1252. The log is UTF-8: decode it as UTF-8, with errors='replace' for the "
                "few bad bytes" % line[:70]
            )
        if line != want and "\ufffd" in want and "\ufffd" not in line:
            if "\\x" in line and "\\x" not in want:
                how = ("errors='backslashreplace' wrote them as '\\xe9', which looks like "
                       "text but is not what the line held")
            elif any("\udc80" <= c <= "\udcff" for c in line):
                how = ("errors='surrogateescape' turned them into lone surrogates, which "
                       "print as nothing useful and crash when encoded as UTF-8")
            elif line == want.replace("\ufffd", ""):
                how = "errors='ignore' dropped them without a trace"
            else:
                how = ("that line was decoded with another codec, so the damage no longer "
                       "shows: the log is UTF-8, a few bad bytes don't make a line cp1252")
            return (
                "the bad bytes in %r were not replaced by U+FFFD: %s. Decode the whole log "
                "as UTF-8 with errors='replace'" % (want, how)
            )
        if line != want and "\ufffd" in line and "\ufffd" not in want:
            return (
                "valid characters became '\ufffd' in %r: the bytes of one character were "
                "split between two chunks and each chunk was decoded on its own. Let open() "
                "decode (encoding='utf-8', errors='replace' and iterate over the file): it "
                "decodes incrementally" % line[:70]
            )
    return "one str per line, without the line ending and nothing else changed"


def test_read_export_from_excel_with_windows_line_endings(tmp_path):
    path = tmp_path / "export.csv"
    rows = ["date;payee;amount;note", "2024-05-04;Boulangerie Paul;-3,20 €;“croissants”  ",
            "2024-05-05;Œuvre – don;-10,00 €;"]
    path.write_bytes("\r\n".join(rows).encode("cp1252"))  # and no line ending at the end
    got = call(read_export, path, "This export is cp1252 too")
    assert got == rows, lines_problem(got, rows, export=True)


LOG_LINES = [
    "2024-05-01 12:00:%02d INFO  user=zoë note=%s" % (n % 60, "é€ñ😀" * (n % 7 + 1))
    for n in range(5000)
]
LOG_LINES[1234] = "2024-05-01 12:20:34 WARN  agent=Bot/1.0\x0cpage\u2028break\x85end  "
BAD_LINE = "2024-05-01 12:30:00 WARN  upload name=r\ufffdsum\ufffd.pdf rejected"
LOG = LOG_LINES[:2000] + [BAD_LINE] + LOG_LINES[2000:4000] + [BAD_LINE] + LOG_LINES[4000:]


def test_read_damaged_log_of_a_big_log(tmp_path):
    # About 430 KB of UTF-8 in which multi-byte characters fall on every chunk boundary, with
    # two lines holding latin-1 bytes, one line holding characters that str.splitlines() splits
    # at (and trailing spaces), and no newline at the end.
    def encoded(line):  # the bad lines carry the byte 0xE9 where U+FFFD is expected
        return line.encode("utf-8").replace("\ufffd".encode("utf-8"), b"\xe9")

    path = tmp_path / "big_server.log"
    path.write_bytes(b"\n".join(encoded(line) for line in LOG))
    got = call(read_damaged_log, path, "Decode with errors='replace'")
    assert got == LOG, lines_problem(got, LOG)


def test_both_functions_close_their_files():
    for function, path in ((read_export, "export_cp1252.csv"), (read_damaged_log, "server.log")):
        try:
            with kit.no_leaked_files():
                try:
                    function(path)
                except UnicodeDecodeError:
                    pass  # reported by the tests above
        except AssertionError as error:
            raise AssertionError("%s: %s" % (function.__name__, error)) from None
