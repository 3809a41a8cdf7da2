"""defaultdict(Decimal) totals, a generator yielding (first line, row), one try block catching ValueError and DecimalException."""

import csv
import decimal
from collections import defaultdict
from typing import NamedTuple


class Summary(NamedTuple):
    totals: dict
    good: int
    bad_lines: list


def _records(reader):
    """(first line, row) for every record, blank lines included."""
    ended = reader.line_num
    for row in reader:
        yield ended + 1, row
        ended = reader.line_num


def summarize(path):
    totals = defaultdict(decimal.Decimal)
    good = 0
    bad = []
    with open(path, "r", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        if next(reader, None) is None:
            return Summary({}, 0, [])
        for line, row in _records(reader):
            if row == []:
                continue
            try:
                if len(row) != 7 or row[2] == "":
                    raise ValueError
                amount = decimal.Decimal(row[3])
                if amount.is_nan() or amount.is_infinite():
                    raise ValueError
            except (ValueError, decimal.DecimalException):
                bad.append(line)
                continue
            totals[row[2]] += amount
            good += 1
    return Summary(dict(totals), good, bad)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

from decimal import Decimal  # noqa: E402,F811

import iolings_testkit as kit  # noqa: E402

HEADER = "order_id,created_at,customer,amount,currency,user_agent,note\r\n"
UA = ('"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
      'Chrome/124.0 Safari/537.36"')

# Line by line (the comment is the line number inside the block):
SMALL = "".join([
    "1001,2024-05-01T10:00:00Z,acme,19.99,EUR,%s,first order\r\n" % UA,          # 1 good
    '1002,2024-05-01T10:01:00Z,globex,250.00,EUR,%s,"gift wrap,\r\nplease"\r\n' % UA,  # 2-3 good
    "1003,2024-05-01T10:02:00Z,acme,abc,EUR,%s,amount is not a number\r\n" % UA,  # 4 bad
    '1004,2024-05-01T10:03:00Z,initech,-5.00,EUR,%s,"refund ""partial"""\r\n' % UA,  # 5 good
    "1005,2024-05-01T10:04:00Z,,12.00,EUR,%s,no customer\r\n" % UA,               # 6 bad
    "\r\n",                                                                        # 7 blank
    '1006,2024-05-01T10:05:00Z,globex,7.50,EUR,%s,"three\r\nline\r\nnote",surplus\r\n' % UA,
    #                                                                   8-10 bad: 8 fields
    "1007,2024-05-01T10:06:00Z,acme,NaN,EUR,%s,not finite\r\n" % UA,              # 11 bad
    '1008,2024-05-01T10:07:00Z,hooli,0.01,EUR,%s,""\r\n' % UA,                    # 12 good
    "1009,2024-05-01T10:08:00Z,umbrella,3.33,EUR\r\n",                            # 13 bad
    '1010,2024-05-01T10:09:00Z,"Müller\r\nGmbH",1.00,EUR,%s,\r\n' % UA,            # 14-15 good
])
SMALL_LINES = 15
SMALL_BAD = [4, 6, 8, 11, 13]
SMALL_TOTALS = {"acme": Decimal("19.99"), "globex": Decimal("250.00"),
                "initech": Decimal("-5.00"), "hooli": Decimal("0.01"),
                "Müller\r\nGmbH": Decimal("1.00")}


def write_export(path, block, repeats):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        for _ in range(repeats):
            f.write(block)
    return path


def run(path):
    try:
        return Summary(*summarize(path))
    except (ArithmeticError, ValueError) as exc:
        raise AssertionError(
            "summarize crashed on a bad row (%s: %s): one broken record must not stop the "
            "run. Check each record, and skip bad ones (remember their line)"
            % (type(exc).__name__, exc)) from None


def test_good_and_bad_rows(tmp_path):
    with kit.no_leaked_files():
        got = run(write_export(tmp_path / "orders.csv", SMALL, 1))
    assert got.good == 5, (
        "5 records are good: 1001, 1002, 1004, 1008 and 1010. Bad: 1003 ('abc' is no number), 1005 "
        "(no customer), 1006 (8 fields), 1007 ('NaN' is a Decimal but not a finite one: "
        "Decimal.is_finite()), 1009 (5 fields)")
    assert got.totals == SMALL_TOTALS, (
        "the totals of the good records, per customer, as Decimal. The file is UTF-8, and the "
        "customer 'Müller\\r\\nGmbH' holds a line break that must stay '\\r\\n' (open the "
        "file with newline='')")
    assert all(type(v) is Decimal for v in got.totals.values()), "totals are Decimal, not float"


def test_bad_rows_are_reported_where_they_start(tmp_path):
    got = run(write_export(tmp_path / "orders.csv", SMALL, 1))
    expected = [1 + line for line in SMALL_BAD]  # the header is line 1
    assert got.bad_lines == expected, (
        "the bad records start on lines %s of the file. Record 1006 spans lines 9-11, so "
        "reader.line_num (where a record ENDS) says 11 and counting records says 8; the blank "
        "line 8 counts as a line too. Remember start = reader.line_num + 1 before reading each "
        "record" % expected)


def test_totals_are_exact(tmp_path):
    got = run(write_export(tmp_path / "orders.csv", SMALL, 300))
    assert got.good == 5 * 300, "5 good records per block (see test_good_and_bad_rows)"
    assert got.totals == {name: total * 300 for name, total in SMALL_TOTALS.items()}, (
        "300 times 19.99 is exactly 5997.00: add Decimal amounts, never float (float sums "
        "drift: 0.1 + 0.2 != 0.3)")
    assert got.bad_lines[:5] == [1 + line for line in SMALL_BAD] and \
        got.bad_lines[-1] == 1 + 299 * SMALL_LINES + SMALL_BAD[-1], (
            "bad records are reported in file order, counting every line of the file")


def test_the_first_record_is_bad(tmp_path):
    got = run(write_export(tmp_path / "orders.csv", "1,2024-05-01,acme,abc,EUR,x,y\r\n", 1))
    assert got.bad_lines == [2], "the first record, on line 2 (after the header), is bad"


def test_header_only_and_empty_file(tmp_path):
    path = tmp_path / "header.csv"
    path.write_bytes(HEADER.encode("utf-8"))
    assert run(path) == Summary({}, 0, []), "a header and nothing else: no totals, no rows"
    path.write_bytes(b"")
    try:
        got = run(path)
    except StopIteration:
        raise AssertionError("an empty file has no header: next(reader) raises StopIteration; "
                             "use next(reader, None)") from None
    assert got == Summary({}, 0, []), "an empty file: no totals, no rows"


# About 10 MB: 24 good single-line records, a good record over 3 lines, a bad one over 2.
BIG_GOOD = "".join(
    "%d,2024-05-02T08:%02d:00Z,customer-%d,%d.%02d,EUR,%s,%s\r\n"
    % (2000 + i, i, i % 5, i, i, UA, "x" * 200) for i in range(24))
BIG_BLOCK = (BIG_GOOD
             + '3000,2024-05-02T09:00:00Z,customer-0,1.00,EUR,%s,"a\r\nb\r\nc"\r\n' % UA
             + '3001,2024-05-02T09:01:00Z,customer-1,oops,EUR,%s,"bad\r\nrow"\r\n' % UA)
BIG_LINES = 24 + 3 + 2
BIG_REPEATS = 10 * 1024 * 1024 // len(BIG_BLOCK.encode("utf-8"))
MEMORY_LIMIT = 1.5 * 1024 * 1024


def test_big_file_in_constant_memory(tmp_path):
    path = write_export(tmp_path / "big.csv", BIG_BLOCK, BIG_REPEATS)
    size = path.stat().st_size
    result, peak = kit.peak_memory(run, path)
    assert result.good == 25 * BIG_REPEATS, "25 good records in each block"
    assert result.bad_lines[:2] == [BIG_LINES, 2 * BIG_LINES], (
        "the bad record of each %d-line block starts on the block's line %d (plus 1 for "
        "the header)" % (BIG_LINES, BIG_LINES - 1))
    assert len(result.bad_lines) == BIG_REPEATS, "one bad record per block"
    assert peak < MEMORY_LIMIT, (
        "summarize allocated %.1f MB at its peak for a %.1f MB file: iterate over the "
        "reader and keep only running totals; list(reader), f.read() or f.readlines() hold "
        "the whole file" % (peak / 2**20, size / 2**20))
