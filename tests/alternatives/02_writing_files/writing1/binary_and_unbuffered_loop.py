"""Another correct solution: binary modes throughout, an unbuffered append with a write loop, and os.open with O_EXCL|O_NOFOLLOW for the claim."""

import os
def save_settings(path, text):
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)

def log_event(path, message):
    line = (message + "\n").encode("utf-8")
    with open(path, "ab", buffering=0) as f:
        view = memoryview(line)
        while view:
            view = view[f.write(view):]

def claim_name(path, owner):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(owner + "\n")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
import shutil  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_save_settings_creates_a_missing_file(tmp_path):
    path = tmp_path / "new.ini"
    try:
        save_settings(path, "port = 8080\n")
    except FileNotFoundError:
        assert False, "the file did not exist yet: 'w' creates it, 'r+' needs it to exist"
    assert _read(path) == "port = 8080\n"


def test_save_settings_leaves_nothing_of_the_old_content(tmp_path):
    path = shutil.copy("settings.ini", tmp_path / "settings.ini")
    save_settings(path, "port = 8080\n")
    assert _read(path) == "port = 8080\n", (
        "the old content is still (partly) there: open with 'w', which truncates the file to "
        "0 bytes when it opens it; 'r+' writes over the old bytes and keeps the tail it did "
        "not reach, and 'a' keeps all of them")


def test_save_settings_twice_keeps_only_the_last(tmp_path):
    path = tmp_path / "s.ini"
    with open(path, "w", encoding="utf-8") as f:
        f.write("old = 0\n")
    save_settings(path, "a = 1\nb = 2\nc = 3\n")
    save_settings(path, "a = 9\n")
    assert _read(path) == "a = 9\n", "'w' truncates: only the last text written remains"


def _log_problem(got, before, messages):
    """Why a log that held `before` holds `got` after log_event(path, m) for each m."""
    if not got.startswith(before) or messages[0] not in got:
        return (
            "the lines written before this call are gone: open the log with 'a' (append). "
            "'w' truncates the file each time it is opened, and 'r+' writes over its first "
            "bytes, so every call destroyed the log written so far")
    return (
        "the earlier lines are intact, but the text added is %r instead of %r: every message "
        "must become one line of its own, message + \"\\n\" (the newline at the END, so the "
        "next message starts on a fresh line)"
        % (got[len(before):], "".join(m + "\n" for m in messages)))


def test_log_event_keeps_the_earlier_lines(tmp_path):
    path = shutil.copy("app.log", tmp_path / "app.log")
    before = _read(path)
    added = ["2024-05-01T09:15:02 upload stored", "2024-05-01T09:15:03 thumbnail created"]
    for message in added:
        log_event(path, message)
    got = _read(path)
    assert got == before + "".join(m + "\n" for m in added), _log_problem(got, before, added)


def test_log_event_creates_a_missing_log(tmp_path):
    path = tmp_path / "fresh.log"
    try:
        log_event(path, "first")
    except FileNotFoundError:
        assert False, "the log did not exist yet: 'a' creates a missing file, 'r+' does not"
    log_event(path, "second")
    got = _read(path)
    assert got == "first\nsecond\n", _log_problem(got, "", ["first", "second"])


def test_a_crash_while_logging_keeps_the_earlier_lines(tmp_path):
    path = shutil.copy("app.log", tmp_path / "app.log")
    before = _read(path)
    outcome = kit.run_killed(log_event, path, "2024-05-01T09:15:02 upload stored",
                             after_bytes=8)
    assert outcome.error is None, "log_event raised in the child process: %s" % outcome.error
    got = _read(path)
    assert got[:len(before)] == before, (
        "the process was killed while log_event was adding ONE line, and the lines that were "
        "already in the log are damaged. 'w' empties the file the moment it opens it, so "
        "writing the whole log again (even after reading it first) puts every old line at "
        "risk for each new one: open with 'a', which only ever adds bytes at the end and "
        "never touches the old ones")


def test_log_event_appends_to_the_file_another_worker_has_open(tmp_path):
    # Like a second service process, another writer keeps the log open in append mode.
    path = tmp_path / "app.log"
    with open(path, "a", encoding="utf-8") as other:
        log_event(path, "worker-1 upload stored")
        other.write("worker-2 scan finished\n")
        other.flush()
        log_event(path, "worker-1 thumbnail created")
        replaced = os.stat(path).st_ino != os.fstat(other.fileno()).st_ino
    got = _read(path)
    want = "worker-1 upload stored\nworker-2 scan finished\nworker-1 thumbnail created\n"
    assert not replaced or "worker-2" in got, (
        "another worker has the log open in append mode, and its line is lost: log_event put "
        "a NEW file under the log's name (a rename, or a delete and re-create) instead of "
        "appending to the existing one, so the other worker went on writing into the old, "
        "deleted file. Open the log with 'a' and add your line to that same file")
    assert got == want, _log_problem(got, "", want.splitlines())


def test_every_byte_reaches_the_file_despite_short_writes(tmp_path):
    # A write to a pipe, a socket, a nearly full disk or one interrupted by a signal may take
    # fewer bytes than it was given. os.write() then returns how many it took; a file object
    # loops until all of them are written. The same calls, with and without short writes:
    claim_name(tmp_path / "normal.claim", "worker-1")
    log_event(tmp_path / "normal.log", "upload stored")
    with kit.short_writes(3):
        claim_name(tmp_path / "short.claim", "worker-1")
        log_event(tmp_path / "short.log", "upload stored")
    for kind in ("claim", "log"):
        assert _read(tmp_path / ("short." + kind)) == _read(tmp_path / ("normal." + kind)), (
            "when the system took only 3 bytes per write, the %s file lost the rest: "
            "os.write(fd, data) returns how many bytes it wrote, and the others are silently "
            "dropped. Loop until every byte is written, or let a file object do that: "
            "open(path, 'x' or 'a', encoding='utf-8')" % kind)


def test_one_line_goes_to_the_log_in_one_write(tmp_path):
    # O_APPEND keeps each single write whole, at the end of the file. A line handed to the
    # system in two calls (the message, then its newline) can get another worker's line in
    # between. Here the second low-level write of the call fails, to find out whether there is one.
    path = tmp_path / "app.log"
    with kit.fail_at("os.write", nth=2, once=True, path=str(path)) as second:
        try:
            log_event(path, "upload stored")
        except OSError:
            pass
    assert not second.fired, (
        "log_event handed one line to the system in several os.write() calls: 'a' (O_APPEND) "
        "keeps each single write whole, but another worker's line can land between two of "
        "them, in the middle of yours. Build the whole line first, message + \"\\n\", and "
        "write it in one go (a file object opened with 'a' does that when it is closed)")


def test_the_files_hold_utf8_and_are_closed(tmp_path):
    text = kit.TEXT_CASES["unicode"]
    name = "Zo\u00eb \u6771\u4eac \u2713"
    calls = [("save_settings", save_settings, tmp_path / "s.ini", text, text),
             ("log_event", log_event, tmp_path / "a.log", name, name + "\n"),
             ("claim_name", claim_name, tmp_path / "c.claim", name, name + "\n")]
    (tmp_path / "s.ini").write_bytes(b"")
    for label, fn, path, arg, want in calls:
        with kit.no_leaked_files():
            try:
                fn(path, arg)
            except UnicodeEncodeError as exc:
                assert False, (
                    "%s could not write %r: %s. The files are UTF-8: pass encoding='utf-8' "
                    "to open()" % (label, arg, exc))
        with open(path, "rb") as f:
            got = f.read()
        assert got == want.encode("utf-8"), (
            "%s wrote these bytes instead of the UTF-8 encoding of the text: open the file "
            "with encoding='utf-8'" % label)


def test_claim_name_creates_the_file(tmp_path):
    path = tmp_path / "alice.claim"
    claim_name(path, "alice")
    assert _read(path) == "alice\n"


def test_claim_name_refuses_an_existing_file(tmp_path):
    path = tmp_path / "shared.claim"
    with open(path, "w", encoding="utf-8") as f:
        f.write("alice\n")
    raised = None
    try:
        claim_name(path, "bob")
    except FileExistsError as exc:
        raised = exc
    assert raised is not None, (
        "the file already existed, so claim_name must raise FileExistsError: open it with "
        "'x' (exclusive create), which fails instead of overwriting. Don't catch the error")
    assert _read(path) == "alice\n", "the existing claim must be left untouched"


def test_claim_name_is_not_fooled_by_a_planted_symlink(tmp_path):
    victim = tmp_path / "victim.txt"  # does not exist yet
    path = tmp_path / "eve.claim"
    os.symlink(victim, path)  # a dangling symlink: os.path.exists(path) says False
    raised = False
    try:
        claim_name(path, "mallory")
    except FileExistsError:
        raised = True
    wrote_through_link = victim.exists()
    assert not wrote_through_link, (
        "a dangling symlink was planted at the path: os.path.exists() said 'missing', and "
        "open(path, 'w') followed the link and created the file it points to. Check-then-"
        "create is a race; use open(path, 'x'), which checks and creates in one step and "
        "refuses symlinks")
    assert raised, "the path existed (as a symlink): claim_name must raise FileExistsError"


def test_claim_name_loses_a_race_cleanly(tmp_path):
    # Simulate another worker claiming the same name at the worst moment: right after a
    # check of yours (os.path.exists, lexists, isfile, Path.exists, os.stat...) has found the
    # name free. open(path, 'x') makes no such check, so with it the
    # other worker never gets in between.
    path = tmp_path / "job-17.claim"
    raced = []

    def other_worker():  # runs once, right after your first check of the path
        try:
            with open(path, "x", encoding="utf-8") as f:
                f.write("worker-2\n")
            raced.append(True)
        except FileExistsError:
            pass  # the check came after your own create: no gap there

    raised = False
    with kit.between_check_and_use(other_worker, path=path.name):
        try:
            claim_name(path, "worker-1")
        except FileExistsError:
            raised = True
    if not raced:  # no check, no gap: the claim is simply ours
        assert not raised, "the name was free, yet claim_name raised FileExistsError"
        assert _read(path) == "worker-1\n", "the claim file must hold the owner and a \\n"
        return
    assert _read(path) == "worker-2\n", (
        "another worker created the file between your existence check and your open(), and "
        "you overwrote its claim: both of you now believe you own the name. A check followed "
        "by a create can always lose that race: let open(path, 'x') check and create in one "
        "step")
    assert raised, (
        "another worker claimed the name first: claim_name must raise FileExistsError")
