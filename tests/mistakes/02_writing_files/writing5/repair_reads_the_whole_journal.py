"""The repair reads the whole journal on every append, even when it ends with a newline: each append gets slower as the journal grows."""
# expect: it read the whole journal
import json
import os


def _cut_torn_tail(path):
    try:
        with open(path, "rb+") as f:
            data = f.read()
            if data and not data.endswith(b"\n"):
                f.truncate(data.rfind(b"\n") + 1)
    except FileNotFoundError:
        pass


def append_record(path, record):
    _cut_torn_tail(path)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_records(path):
    records = []
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return records
    with f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            records.append(json.loads(line.decode("utf-8")))
    return records


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402

import iolings_testkit as kit  # noqa: E402


FIXTURE_RECORDS = [
    {"seq": 1, "event": "upload", "file": "invoice-0042.pdf", "bytes": 48213},
    {"seq": 2, "event": "scan", "file": "invoice-0042.pdf", "clean": True},
    {"seq": 3, "event": "stored", "file": "invoice-0042.pdf", "bucket": "incoming"},
]
MORE = [
    {"seq": 10, "event": "upload", "file": "résumé.pdf", "note": "two\nlines"},
    {"seq": 11, "event": "scan", "file": "résumé.pdf", "clean": False},
    {"seq": 12, "event": "quarantined", "file": "résumé.pdf"},
]


def _put(path, data):
    with open(path, "wb") as f:
        f.write(data)


def _bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _parsed(line):
    try:
        return json.loads(line.decode("utf-8"))
    except ValueError:
        return None


def _read(path, situation):
    """read_records(path), turning a crash into a message that says why it matters."""
    try:
        with kit.no_leaked_files():  # the reader closes the journal
            return read_records(path)
    except (ValueError, UnicodeDecodeError) as exc:
        assert False, (
            "read_records crashed on %s: %s: %s. The last line of a journal can be torn by a "
            "crash (no \\n at the end): skip it, don't fail the whole read"
            % (situation, type(exc).__name__, exc))


@contextlib.contextmanager
def _recording():
    """kit.record_io(), plus the size each file had on disk when it was fsync'd."""
    with kit.record_io() as rec:
        sizes = {}
        saved = os.fsync, getattr(os, "fdatasync", None)

        def watch(inner):
            def watcher(fd):
                sizes[len(rec.events)] = os.fstat(fd if isinstance(fd, int) else fd.fileno()
                                                  ).st_size
                return inner(fd)
            return watcher

        os.fsync = watch(saved[0])
        if saved[1] is not None:
            os.fdatasync = watch(saved[1])
        try:
            yield rec, sizes
        finally:
            os.fsync = saved[0]
            if saved[1] is not None:
                os.fdatasync = saved[1]


def test_append_writes_one_json_line_per_record(tmp_path):
    path = tmp_path / "journal.jsonl"
    with kit.no_leaked_files():  # every file the writer opens (the repair's too) is closed
        for record in MORE:
            append_record(path, record)
    data = _bytes(path)
    assert data.endswith(b"\n"), "every record must end with \\n, the last one too"
    parsed = [_parsed(line) for line in data.split(b"\n")[:-1]]
    assert None not in parsed, (
        "one record = exactly one line: json.dumps(record) without indent=, then \"\\n\"")
    assert parsed == MORE, (
        "%d records were appended and the journal holds %r: each call must add its record at "
        "the end and keep the ones before it: open with 'a' ('w' truncates the journal every "
        "time)" % (len(MORE), parsed))


def test_append_keeps_the_existing_records(tmp_path):
    path = tmp_path / "journal.jsonl"
    _put(path, b"".join(json.dumps(r).encode() + b"\n" for r in FIXTURE_RECORDS))
    append_record(path, MORE[0])
    lines = _bytes(path).decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == FIXTURE_RECORDS + MORE[:1], (
        "a journal only grows: open it with 'a'; 'w' truncates away every committed record")


def test_each_record_is_flushed_and_fsynced_before_returning(tmp_path):
    path = tmp_path / "journal.jsonl"
    with _recording() as (rec, sizes):
        for record in MORE:
            start = len(rec.events)
            append_record(path, record)
            size = os.path.getsize(path)
            synced = [sizes.get(i) for i, e in enumerate(rec.events)
                      if i >= start and e[0] == "fsync"
                      and os.path.realpath(e[1]) == os.path.realpath(path)]
            assert synced != [], (
                "append_record returned without fsync: the record is only in Python's buffer "
                "or the page cache, and a power cut loses a record the caller was told was "
                "saved. f.flush(), then os.fsync(f.fileno()), for EVERY record")
            assert max(synced) == size, (
                "when you fsync'd, the journal held %d of its %d bytes: the new line was still "
                "in Python's buffer. f.flush() before os.fsync()" % (max(synced), size))


ODD = [  # written unescaped (ensure_ascii=False), these characters stay raw in the file
    {"seq": 20, "note": "line\u2028separator", "by": "Zoë"},
    {"seq": 21, "note": "next\x85line \u2029paragraph"},
]


def test_reader_reads_complete_records(tmp_path):
    path = tmp_path / "journal.jsonl"
    records = MORE + ODD
    _put(path, b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records))
    try:
        got = read_records(path)
    except ValueError as exc:
        assert False, (
            "read_records failed on a journal of complete records, some holding U+2028, "
            "U+2029 or U+0085 inside a string (json.dumps(..., ensure_ascii=False) leaves them "
            "raw): %s. str.splitlines() splits at those characters too, a file's lines end "
            "only at \\n: iterate over the file opened with 'rb', or split on b\"\\n\"" % exc)
    assert got == records


def test_reader_of_a_missing_journal(tmp_path):
    try:
        got = read_records(tmp_path / "nothing-yet.jsonl")
    except FileNotFoundError:
        assert False, "no journal yet means no records yet: return [] for a missing file"
    assert got == []


def test_only_a_missing_journal_means_no_records(tmp_path):
    path = tmp_path / "journal.jsonl"
    _put(path, b"".join(json.dumps(r).encode("utf-8") + b"\n" for r in FIXTURE_RECORDS))
    with kit.fail_at("open", errno.EIO, path=path.name) as failing:
        try:
            got = read_records(path)
        except OSError:
            got = None  # the disk error reached the caller
    assert not failing.fired or got is None, (
        "opening the journal failed with EIO (a disk error), and read_records returned %r as "
        "if there were no records: only a missing journal (FileNotFoundError) means 'no "
        "records yet'. Catching OSError also hides disk errors, permissions, a directory in "
        "its place, and the caller believes committed records are gone: catch "
        "FileNotFoundError only" % (got,))
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()  # a directory where the journal should be
    try:
        got = read_records(folder)
    except OSError:
        got = None
    assert got is None, (
        "the journal's path is a directory, and read_records returned %r: only a missing "
        "journal means no records. Open it and let every error other than FileNotFoundError "
        "through (an os.path.isfile() check answers 'missing' for a directory)" % (got,))


def test_a_failing_repair_check_is_not_skipped(tmp_path):
    path = tmp_path / "journal.jsonl"
    committed = b"".join(json.dumps(r).encode("utf-8") + b"\n" for r in FIXTURE_RECORDS)
    _put(path, committed + b'{"seq": 4, "event": "up')  # a torn tail
    with kit.fail_at("open", errno.EIO, once=True, path=path.name) as failing:
        try:
            append_record(path, MORE[0])
            raised = False
        except OSError:
            raised = True
    if not failing.fired:
        return  # the journal was never opened: the other tests say why it must be
    data = _bytes(path)
    assert raised or data.startswith(committed) and b'"up{' not in data, (
        "the first open of the journal failed with EIO (a disk error) and append_record went "
        "on as if all was well: the torn tail was never cut off, and the new record was glued "
        "onto it. Only a missing journal (FileNotFoundError) means there is nothing to "
        "repair; let every other error reach the caller (catch FileNotFoundError, not "
        "OSError)")
    assert raised, (
        "opening the journal failed with EIO and append_record returned normally: the caller "
        "believes the record is committed. Let the error through")


def test_reader_skips_a_torn_last_line():
    got = _read("journal.jsonl", "journal.jsonl, whose last line was torn by a crash")
    assert got == FIXTURE_RECORDS, "the three complete records, and not the torn fourth one"


def test_reader_ignores_a_last_line_without_newline_even_if_it_parses(tmp_path):
    path = tmp_path / "journal.jsonl"
    _put(path, b'{"seq": 1}\n{"seq": 2}\n{"seq": 3}')
    got = _read(path, "a last line without \\n")
    assert got == [{"seq": 1}, {"seq": 2}], (
        "the last line has no \\n: the writer was killed before finishing (and before its "
        "fsync), so that record was never committed, even though these bytes parse. Only "
        "lines that end with \\n count")


def test_reader_survives_a_line_torn_inside_a_character(tmp_path):
    path = tmp_path / "journal.jsonl"
    whole = json.dumps({"seq": 1, "file": "café.pdf"}, ensure_ascii=False).encode("utf-8")
    cut = whole.index("é".encode("utf-8")) + 1  # between the two bytes of the UTF-8 'é'
    _put(path, whole + b"\n" + whole[:cut])
    got = _read(path, "a last line cut in the middle of a UTF-8 character")
    assert got == [{"seq": 1, "file": "café.pdf"}]


def test_reader_reports_corruption_in_the_middle(tmp_path):
    path = tmp_path / "journal.jsonl"
    _put(path, b'{"seq": 1}\n{"seq": 2, "ev\x00\x00\x00\n{"seq": 3}\n')
    raised = False
    try:
        read_records(path)
    except ValueError:
        raised = True
    assert raised, (
        "line 2 ends with \\n, so it was written completely, and it is not JSON: that is real "
        "corruption, not a torn write. Raise (json.loads' ValueError), don't skip it silently")
    _put(path, b'{"seq": 1}\n{"seq": 2, "file": "caf\xe9.pdf"}\n{"seq": 3}\n')  # Latin-1
    raised = False
    try:
        read_records(path)
    except ValueError:  # UnicodeDecodeError is a ValueError
        raised = True
    assert raised, (
        "line 2 is complete, but it is not valid UTF-8 (a byte 0xE9 on its own): that is "
        "corruption too. Decode strictly, line.decode('utf-8'), and let the error through; "
        "errors='replace' or 'ignore' would quietly turn the data into something else")
    _put(path, b'{"seq": 1}\n\n{"seq": 3}\n')
    raised = False
    try:
        read_records(path)
    except ValueError:
        raised = True
    assert raised, (
        "line 2 is empty but complete (it ends with \\n): the writer never writes an empty "
        "line, so something else damaged the journal. Don't skip blank lines: json.loads "
        "raises on them, let that ValueError through")


def test_a_crash_mid_append_loses_nothing_committed(tmp_path):
    path = tmp_path / "journal.jsonl"
    for record in MORE[:2]:
        append_record(path, record)
    outcome = kit.run_killed(append_record, path, MORE[2], after_bytes=20)
    assert outcome.error is None, "append_record raised in the child: %s" % outcome.error
    assert _read(path, "a journal whose last append was killed") == MORE[:2], (
        "the writer was killed in the middle of the third record: the two committed records "
        "must be read back and the torn third one ignored. If the committed records are gone, "
        "append_record rewrote the journal: 'w' empties the file the moment it opens it, so a "
        "crash loses every record. Only ever append ('a'), and repair a torn tail with "
        "f.truncate()")


def test_a_crash_while_repairing_loses_nothing_committed(tmp_path):
    path = shutil.copy("journal.jsonl", tmp_path / "journal.jsonl")  # ends with a torn line
    outcome = kit.run_killed(append_record, path, MORE[0], after_bytes=20)
    assert outcome.error is None, "append_record raised in the child: %s" % outcome.error
    assert _read(path, "a journal whose repair and append were killed") == FIXTURE_RECORDS, (
        "the writer found a torn last line, and was killed while repairing it and appending: "
        "the three committed records must survive. If they are gone, the repair rewrote the "
        "journal (a crash in the middle of a rewrite loses them): cut the torn tail off in "
        "place with f.truncate(size), which removes only bytes that were never committed")


def test_appending_after_a_crash_starts_a_fresh_line(tmp_path):
    path = shutil.copy("journal.jsonl", tmp_path / "journal.jsonl")
    append_record(path, MORE[0])
    lines = _bytes(path).split(b"\n")
    assert [_parsed(line) for line in lines[:3]] == FIXTURE_RECORDS, (
        "the three committed records at the start of the journal are gone: only ever append "
        "('a'), and repair a torn tail in place with f.truncate()")
    assert len(lines) == len(FIXTURE_RECORDS) + 2 and _parsed(lines[-2]) == MORE[0], (
        "the journal ended with a torn line from a crash, and the new record was glued onto "
        "it: %r. Before appending, cut the file back to just after its last \\n (open with "
        "'rb+', f.truncate(size))" % lines[-2][:80])
    assert _read(path, "a repaired journal") == FIXTURE_RECORDS + MORE[:1]


def test_appending_after_other_torn_tails(tmp_path):
    committed = b"".join(json.dumps(r).encode() + b"\n" for r in FIXTURE_RECORDS)
    long_torn = json.dumps({"seq": 4, "note": "x" * 20000}).encode()[:15000]
    accented = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in MORE[1:])
    torn_char = json.dumps({"seq": 13, "file": "r\u00e9sum\u00e9"}, ensure_ascii=False).encode()
    torn_char = torn_char[:torn_char.index("\u00e9".encode()) + 1]  # half of the 'é'
    in_bytes = (" Repair on bytes ('rb+'): there rfind(b'\\n') gives a byte offset, which is "
                "what truncate() takes. In text mode a torn character cannot be decoded, and "
                "string positions count characters, not bytes.")
    cases = [
        ("the journal exists but is empty (nothing to cut: its last byte is no newline because "
         "it has no bytes at all)", b"", []),
        ("the very first append was torn, so the journal has no \\n at all",
         b'{"seq": 1, "event": "upl', []),
        ("the torn line is long (15000 bytes, no \\n): looking only at the last few KB for "
         "a newline finds none", committed + long_torn, FIXTURE_RECORDS),
        ("the torn line happens to parse as JSON (the crash came just before its \\n), but "
         "it was never committed: the reader ignores it, so the repair must cut it too",
         committed + b'{"seq": 4}', FIXTURE_RECORDS),
        ("the committed records hold letters that take two bytes in UTF-8 (\u00e9), and the "
         "torn line ends half-way through one", accented + torn_char, MORE[1:], in_bytes),
        ("the committed records hold letters that take two bytes in UTF-8 (\u00e9), and the "
         "torn line is plain ASCII", accented + b'{"seq": 13, "event": "sc', MORE[1:], in_bytes),
    ]
    for situation, journal, kept, *hint in cases:
        hint = hint[0] if hint else ""
        path = tmp_path / "journal.jsonl"
        _put(path, journal)
        try:
            append_record(path, MORE[0])
        except Exception as exc:
            assert False, "%s, and append_record raised %r.%s" % (situation, exc, hint)
        *lines, tail = _bytes(path).split(b"\n")
        got = [_parsed(line) for line in lines]
        assert got[:len(kept)] == kept, (
            "%s, and the records committed before the torn line are damaged or gone. Only "
            "ever append ('a'), and repair the torn tail in place with f.truncate(), cutting "
            "just after the last \\n.%s" % (situation, hint))
        assert got == kept + MORE[:1] and tail == b"", (
            "%s. After append_record the journal must hold the committed records, then the "
            "new one on a line of its own; its lines are now %r. Cut the file back to just "
            "after its last \\n (to 0 bytes if it has none), whatever the torn bytes are, "
            "then append.%s" % (situation, [line[:60] for line in lines], hint))


def test_appending_to_a_long_healthy_journal_reads_only_its_end(tmp_path):
    # A journal only grows. When it ends with \n (the usual case), one byte tells that there
    # is nothing to repair; reading all of it on every append makes each append slower
    # than the one before.
    path = tmp_path / "journal.jsonl"
    kit.make_file(path, 4, line=json.dumps(FIXTURE_RECORDS[0]) + "\n")  # 4 MB of records
    size = os.path.getsize(path)
    _, peak = kit.peak_memory(append_record, path, MORE[0])
    assert peak < 1024 * 1024, (
        "append_record held %d KB in memory to add one record to a %d MB journal that ends "
        "with \\n: it read the whole journal. Check the LAST byte only (f.seek(-1, "
        "os.SEEK_END); f.read(1)), and read further back only when it is not \\n"
        % (peak // 1024, size // (1024 * 1024)))
    with open(path, "rb") as f:
        f.seek(size)
        added = f.read()
    assert added.endswith(b"\n") and _parsed(added) == MORE[0], (
        "the new record must be added after the existing ones, as one line: got %r"
        % added[:80])


def test_a_failing_fsync_is_not_a_commit(tmp_path):
    path = tmp_path / "journal.jsonl"
    with kit.fail_at("fsync", errno.EIO) as fsync:  # os.fsync and os.fdatasync
        try:
            append_record(path, MORE[0])
            raised = None
        except OSError as exc:
            raised = exc.errno
    if not fsync.fired:
        return  # it never fsync'd: test_each_record_is_flushed_and_fsynced... says why it must
    assert raised == errno.EIO, (
        "os.fsync failed with EIO: the record may never reach the disk, so it is NOT "
        "committed, and append_record must not return as if it were (it %s). Let the error "
        "reach the caller; never catch and ignore an fsync error"
        % ("returned normally" if raised is None else "raised errno %s instead" % raised))


def test_every_byte_arrives_despite_short_writes(tmp_path):
    # A write may take fewer bytes than it was given: os.write() returns how many it took;
    # a file object loops until all of them are written.
    path = tmp_path / "journal.jsonl"
    with kit.short_writes(7):
        for record in MORE:
            append_record(path, record)
    got = _read(path, "a journal written with short writes")
    assert got == MORE, (
        "when the system took at most 7 bytes per write, the records came out as %r: "
        "os.write(fd, data) returns how many bytes it wrote, and the rest is silently "
        "dropped, yet append_record returned as if the record were committed. Loop until "
        "every byte is written, or write through a file object" % (got,))
