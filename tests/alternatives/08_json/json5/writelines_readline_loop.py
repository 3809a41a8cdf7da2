"""writelines() of a generator zipped with itertools.count(), a readline() loop with str.isspace() for blank lines."""

import itertools
import json


def write_jsonl(path, records):
    counter = itertools.count()
    with open(path, mode="w", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n"
                       for r, _ in zip(records, counter))
    return next(counter)


def read_jsonl(path, errors):
    with open(path, encoding="utf-8") as src:
        number = 0
        while True:
            line = src.readline()
            if line == "":
                return
            number += 1
            if line.isspace():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                errors.append((number, "%s" % exc))
            else:
                yield value


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import json  # noqa: E402

import iolings_testkit as kit  # noqa: E402

MEGABYTE = 1024 * 1024

EXPECTED_EVENTS = [
    {"id": 1, "event": "upload started", "user": "zoë", "size": 1048576},
    {"id": 2, "event": "comment", "text": "first line\u2028second line, same record"},
    {"id": 3, "event": "comment", "text": "old Mac text\u0085and\u2029a new paragraph"},
    [5, "not an object, still JSON"],
    {"id": 6, "event": "tags", "tags": ["a,b", "c\nd", "é"]},
    {"id": 7, "event": "upload deleted", "user": "李"},
]

RECORDS = [
    {"id": 1, "name": "Zoë", "note": "line\nbreak and a tab\t"},
    {"id": 2, "name": "李", "note": "separator \u2028 inside \u2029 a string \u0085"},
    {"id": 3, "tags": ["a", "b"], "nested": {"x": None, "y": [True, 2.5]}},
    "a bare string is a record too",
]


def _read_all(path):
    errors = []
    try:
        records = list(read_jsonl(path, errors))
    except json.JSONDecodeError as exc:
        raise AssertionError(
            "read_jsonl stopped at the first bad line: %s. One broken line must not make "
            "the rest of the file unreadable: catch json.JSONDecodeError for that line, append "
            "(line_number, str(error)) to `errors` and go on" % exc) from None
    return records, errors


def test_read_jsonl_reads_the_good_lines():
    records, errors = _read_all("events.jsonl")
    assert [r.get("id") if isinstance(r, dict) else r[0] for r in records] == [1, 2, 3, 5, 6, 7], (
        "events.jsonl has 6 good records (ids 1, 2, 3, 5, 6, 7). Extra errors or missing "
        "records around ids 2 and 3 mean the line was cut at U+2028, U+2029 or U+0085: "
        "str.splitlines() splits there, a file doesn't. Iterate over the file itself "
        "(for line in f)")
    assert records == EXPECTED_EVENTS


def test_read_jsonl_reports_the_bad_line_by_number():
    records, errors = _read_all("events.jsonl")
    numbers = [e[0] for e in errors]
    assert numbers == [5], (
        "events.jsonl has one bad line: line 5 (the record with \"ok\": tru). Lines are "
        "numbered from 1 and every line counts, blank ones too (enumerate(f, start=1)); "
        "blank lines are skipped, not errors. Got errors for lines %r" % (numbers,))
    assert isinstance(errors[0][1], str) and errors[0][1], (
        "each error is (line_number, message), with a message saying what is wrong")


def test_read_jsonl_is_a_lazy_generator(tmp_path):
    path = tmp_path / "big.jsonl"
    line = json.dumps({"id": 1, "event": "upload", "user": "zoë", "note": "ünïcode " * 40},
                      ensure_ascii=False) + "\n"
    kit.make_file(path, 1, line=line)
    size = path.stat().st_size

    def count():
        errors = []
        n = sum(1 for _ in read_jsonl(path, errors))
        return n, errors

    (n, errors), peak = kit.peak_memory(count)
    assert (n, errors) == (size // len(line.encode("utf-8")), []), (
        "every line of the big file is a good record")
    assert peak < MEGABYTE / 2, (
        "peak memory %.1f MB for a %.0f MB file: read_jsonl must hold one line at a time. "
        "Iterate over the file (for line in f) and yield each record; not f.read(), "
        "f.readlines() or a list of records" % (peak / MEGABYTE, size / MEGABYTE))


def test_write_jsonl_round_trip(tmp_path):
    path = tmp_path / "out.jsonl"
    count = write_jsonl(path, RECORDS)
    assert count == len(RECORDS), "write_jsonl must return how many records it wrote"
    records, errors = _read_all(path)
    assert errors == [], "read_jsonl found bad lines in what write_jsonl wrote: %r" % errors
    assert records == RECORDS


def test_write_jsonl_one_line_per_record(tmp_path):
    path = tmp_path / "out.jsonl"
    write_jsonl(path, RECORDS)
    data = path.read_bytes()
    assert data.endswith(b"\n"), (
        "the last line must end with '\\n' too, or the next record appended to the file is "
        "glued to the last one ('\\n'.join leaves it out: write json.dumps(r) + '\\n' per record)")
    assert data.count(b"\n") == len(RECORDS), (
        "%d records gave %d lines: each record must be exactly one line. indent= spreads a "
        "record over several lines; without it json.dumps writes none" % (
            len(RECORDS), data.count(b"\n")))
    assert "Zoë".encode("utf-8") in data and "李".encode("utf-8") in data, (
        "non-ASCII characters must be written as they are, in UTF-8: ensure_ascii=False")


def test_write_jsonl_streams_from_a_generator(tmp_path):
    path = tmp_path / "big.jsonl"
    total = 2000

    def generate():
        for i in range(total):
            yield {"id": i, "user": "zoë", "note": "%06d " % i * 60, "ok": i % 7 != 0}

    count, peak = kit.peak_memory(write_jsonl, path, generate())
    assert count == total, "write_jsonl must return how many records it wrote"
    assert peak < MEGABYTE / 2, (
        "peak memory %.1f MB to write %d records from a generator: write each record as it "
        "comes (for record in records: f.write(...)), without list(records) or one big "
        "string" % (peak / MEGABYTE, total))
    with open(path, encoding="utf-8") as f:
        last = None
        for last in f:
            pass
    assert json.loads(last) == {"id": total - 1, "user": "zoë",
                                "note": "%06d " % (total - 1) * 60, "ok": True}


def test_write_jsonl_replaces_an_old_file(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"old": 1}\n{"old": 2}\n', encoding="utf-8")
    write_jsonl(path, RECORDS[:2])
    assert _read_all(path) == (RECORDS[:2], []), (
        "write_jsonl writes a new file (mode 'w'): the old lines must be gone")


def test_files_are_closed(tmp_path):
    path = tmp_path / "out.jsonl"
    with kit.no_leaked_files():
        write_jsonl(path, RECORDS)
        _read_all(path)


def test_empty_input_and_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    assert write_jsonl(path, iter([])) == 0
    assert path.read_bytes() == b"", "no records, no lines: an empty file"
    assert _read_all(path) == ([], [])
