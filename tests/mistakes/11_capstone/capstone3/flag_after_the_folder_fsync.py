"""Marks the output as placed only after the folder fsync, so a failure of that fsync leaves the new output beside the old sidecar."""
# expect: Remove the output again before raising
"""capstone3: publish the result and its sidecar: atomically, durably, the output first.

Steps 4 and 5 of the upload handler. The processing result goes to folder/name, and a JSON
sidecar that describes it (size, SHA-256, content type, times) to folder/name.json. Other
programs read that folder: a download endpoint, a search indexer, a backup job. Whatever
happens, and whenever, none of them may ever find:

- a half-written file, because the process was killed in the middle of writing it. Write
  a temp file in the same folder and os.replace() it onto the name (lesson 02, writing2).
- a file that is empty or gone after a power cut, although publish returned. os.fsync()
  the temp file BEFORE the rename (flush first: fsync cannot see Python's buffer), and
  fsync the folder AFTER it, because the rename changed the folder (writing4).
- a sidecar without its output. The sidecar says "this upload is complete", so it comes
  second: first the output, renamed and its folder synced, then the sidecar. If the folder
  were synced only once at the end, the disk could record the sidecar's rename and not the
  output's.
- an output without its sidecar, or beside a sidecar that describes another file. That
  happens when the sidecar cannot be written after the output was already renamed into
  place. Then publish takes both names away before it raises: no upload is better than a
  wrong one. (Before that point, a failure leaves an earlier upload of the same name as it
  was.)

When something fails, clean up quietly: the caller must get the error that happened, not a
FileNotFoundError from removing a file that was never made (lesson 02, writing3).

Your task: publish(folder, name, result, metadata) -> None

- folder: an existing folder (str or Path, maybe relative). name: a file name that
  safe_name (capstone2) has accepted. result: bytes. metadata: a dict that JSON can hold.
- Put `result`, byte for byte, at folder/name, and json.dumps(metadata) encoded in UTF-8
  (any indentation) at folder/name + ".json". Each one the durable way: a temp file of its
  own in `folder` (tempfile.mkstemp(dir=folder)), write, flush, os.fsync, os.replace onto its
  name, then os.fsync the folder (os.open(folder, os.O_RDONLY), fsync, os.close). The
  output's folder fsync comes before the sidecar's rename. Leave no descriptor open.
- A successful call leaves the two files and nothing else of its own (no temp files); an
  earlier upload of the same name is replaced. Two calls at once each use their own temp
  files.
- If anything fails (metadata that JSON cannot encode, a write, a flush, a close, an fsync,
  a rename, Ctrl-C), the caller gets that same exception and no temp file is left. If the
  failure came before the new output was renamed into place, folder/name and
  folder/name.json are left exactly as they were. If it came after, remove both of them
  (whichever exist). An error while cleaning up must never replace the original one.
"""

import json
import os
import tempfile


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass  # cleaning up: the caller needs the original error, not this one


def _place(folder, target, data):
    """Write data to a temp file in folder, fsync it, and rename it onto target."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".publish-", suffix=".tmp")
    try:
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()  # Python's buffer -> the kernel
            os.fsync(f.fileno())  # the kernel -> the disk, BEFORE the rename
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise


def _fsync_folder(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)  # makes the rename itself durable
    finally:
        os.close(fd)


def publish(folder, name, result, metadata):
    output = os.path.join(folder, name)
    sidecar = output + ".json"
    placed = False
    try:
        text = json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
        _place(folder, output, result)
        _fsync_folder(folder)  # the output's rename is on disk before the sidecar's
        placed = True
        _place(folder, sidecar, text.encode("utf-8"))
        _fsync_folder(folder)
    except BaseException:
        if placed:  # no output without its sidecar, no sidecar describing another output
            _remove_quietly(output)
            _remove_quietly(sidecar)
        raise


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def _quick_fsync(fd):
    """Stands in for os.fsync in these tests: a real one waits for the disk (milliseconds
    each, seconds on a busy one). The tests check WHICH fsyncs you make and WHEN, and that
    the descriptor is valid, not the disk."""
    os.fstat(fd if isinstance(fd, int) else fd.fileno())


os.fsync = _quick_fsync
if hasattr(os, "fdatasync"):
    os.fdatasync = _quick_fsync

NAME = "Zoë – report.pdf"
SIDECAR = NAME + ".json"
# Under 8 KiB, so that it sits in Python's buffer until a flush: bytes that are not UTF-8,
# NUL, \r\n.
RESULT = b"%PDF-1.7\r\n\x00\xff\xfe processed \xe2\x82\xac\r\n" * 60
METADATA = {
    "filename": NAME,
    "content_type": "application/pdf",
    "size": 48213,
    "sha256": "5f2b0ed6c3a6b8f7e0f5e7a9b4d2c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4",
    "received_at": "2024-05-01T09:15:02.125000+00:00",
    "processed_at": "2024-05-01T09:15:03.500000+00:00",
    "tags": ["facture", "reçu", "日本"],
}
OLD_RESULT = b"%PDF-1.4 an earlier upload of the same name\n"
OLD_METADATA = {"filename": NAME, "size": len(OLD_RESULT), "sha256": "0" * 64}
RENAMES = ("replace", "rename")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _put_old(folder):
    """An earlier upload of NAME in folder; returns the folder's snapshot."""
    with open(os.path.join(folder, NAME), "wb") as f:
        f.write(OLD_RESULT)
    with open(os.path.join(folder, SIDECAR), "w", encoding="utf-8") as f:
        json.dump(OLD_METADATA, f)
    return _snapshot(folder)


def _snapshot(folder):
    """{name: bytes} of everything in folder (a symlink as the text 'symlink -> target')."""
    found = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        found[name] = ("symlink -> " + os.readlink(path)) if os.path.islink(path) else _read(path)
    return found


def _output_state(folder):
    path = os.path.join(folder, NAME)
    if not os.path.lexists(path):
        return "none"
    got = _read(path)
    return {RESULT: "new", OLD_RESULT: "old"}.get(got, "torn (%d bytes)" % len(got))


def _sidecar_state(folder):
    path = os.path.join(folder, SIDECAR)
    if not os.path.lexists(path):
        return "none"
    try:
        with open(path, encoding="utf-8") as f:
            got = json.load(f)
    except ValueError:
        return "torn (not JSON)"
    return "new" if got == METADATA else "old" if got == OLD_METADATA else "torn (%r)" % got


def _extra(folder):
    return sorted(set(os.listdir(folder)) - {NAME, SIDECAR})


def _consistent(folder, situation):
    """What a reader may find after a crash: each file whole (old or new), and never the new
    sidecar beside anything but the new output."""
    out, side = _output_state(folder), _sidecar_state(folder)
    assert not out.startswith("torn"), (
        "%s, and the output is %s: a reader finds half a file. Never write into the target: "
        "write a temp file and os.replace() it onto the name" % (situation, out))
    assert not side.startswith("torn"), (
        "%s, and the sidecar is %s: write it to a temp file too and os.replace() it"
        % (situation, side))
    assert side != "new" or out == "new", (
        "%s, and the new sidecar was in place while the output was %s: a reader believes an "
        "upload is complete that is not there. Publish the output first, then the sidecar"
        % (situation, "missing" if out == "none" else "the old one"))


def test_publishes_the_output_and_its_sidecar(tmp_path):
    with kit.record_io() as rec:
        publish(tmp_path, NAME, RESULT, METADATA)
    assert sorted(os.listdir(tmp_path)) == [NAME, SIDECAR], (
        "after publish the folder must hold the output and its sidecar and nothing else, "
        "not %s" % sorted(os.listdir(tmp_path)))
    assert _read(tmp_path / NAME) == RESULT, "the output must hold the result, byte for byte"
    with open(tmp_path / SIDECAR, encoding="utf-8") as f:
        assert json.load(f) == METADATA, "the sidecar must hold the metadata as JSON, in UTF-8"
    for target in (NAME, SIDECAR):
        sources = [e[1] for e in rec.events if e[0] in RENAMES
                   and os.path.realpath(e[2]) == os.path.realpath(tmp_path / target)]
        assert sources, (
            "%s was not renamed into place: write a temp file in the folder and "
            "os.replace() it onto the name" % target)
        where = os.path.dirname(os.path.realpath(sources[-1]))
        assert where == os.path.realpath(tmp_path), (
            "the temp file for %s was in %s, not in the folder %s: os.replace is atomic only "
            "within one file system, and /tmp is often another one. "
            "tempfile.mkstemp(dir=folder)" % (target, where, tmp_path))


def test_replaces_an_earlier_upload(tmp_path):
    _put_old(tmp_path)
    publish(str(tmp_path), NAME, RESULT, METADATA)
    assert (_output_state(tmp_path), _sidecar_state(tmp_path)) == ("new", "new"), (
        "an earlier upload of the same name must be replaced by the new one")
    assert _extra(tmp_path) == [], "no temp file may be left behind"


def test_works_with_a_relative_folder(tmp_path):
    os.chdir(tmp_path)  # the harness gives every test the same working directory back
    os.mkdir("uploads")
    publish("uploads", NAME, RESULT, METADATA)
    publish(Path("uploads"), "second.pdf", b"two", {"n": 2})
    assert sorted(os.listdir("uploads")) == sorted([NAME, SIDECAR, "second.pdf",
                                                    "second.pdf.json"])


def test_a_planted_symlink_is_replaced_not_followed(tmp_path):
    # Someone put a symlink where the output will go, pointing at a file outside the folder.
    folder, outside = tmp_path / "uploads", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "victim.cfg").write_bytes(b"not yours\n")
    os.symlink(outside / "victim.cfg", folder / NAME)
    os.symlink(outside / "victim.cfg", folder / SIDECAR)
    publish(folder, NAME, RESULT, METADATA)
    assert _read(outside / "victim.cfg") == b"not yours\n", (
        "publish wrote THROUGH a symlink that was in the way, into a file outside the folder: "
        "open(target, 'w') follows symlinks. os.replace(tmp, target) replaces the link itself")
    assert not os.path.islink(folder / NAME) and _output_state(folder) == "new"


def test_a_crash_while_writing_leaves_no_torn_file(tmp_path):
    for cut in (len(RESULT) // 2, len(RESULT) - 1, len(RESULT) + 40):
        folder = tmp_path / ("cut-%d" % cut)
        folder.mkdir()
        _put_old(folder)
        outcome = kit.run_killed(publish, folder, NAME, RESULT, METADATA, after_bytes=cut)
        assert outcome.error is None, "publish raised in the child: %s" % outcome.error
        _consistent(folder, "the process was killed after writing %d bytes" % cut)


def test_a_crash_before_each_rename_or_fsync(tmp_path):
    for at, nth, old in (("replace", 1, True), ("replace", 2, True), ("fsync", 1, False),
                         ("fsync", 2, True), ("fsync", 3, False), ("fsync", 4, True)):
        folder = tmp_path / ("%s-%d" % (at, nth))
        folder.mkdir()
        if old:
            _put_old(folder)
        outcome = kit.run_killed(publish, folder, NAME, RESULT, METADATA, at=at, nth=nth)
        assert outcome.error is None, "publish raised in the child: %s" % outcome.error
        _consistent(folder, "the process was killed just before %s number %d"
                    % ("fsync" if at == "fsync" else "rename", nth))
    folder = tmp_path / "after-the-crash"
    folder.mkdir()
    kit.run_killed(publish, folder, NAME, RESULT, METADATA, at="replace")
    publish(folder, NAME, RESULT, METADATA)  # the leftover temp file must not get in the way
    assert (_output_state(folder), _sidecar_state(folder)) == ("new", "new")


@contextlib.contextmanager
def _watched():
    """kit.record_io(), plus the size each file had when it was fsync'd."""
    with kit.record_io() as rec:
        sizes = {}
        saved = os.fsync, getattr(os, "fdatasync", None)

        def watch(inner):
            def fsync(fd):
                sizes[len(rec.events)] = os.fstat(fd if isinstance(fd, int) else fd.fileno()
                                                  ).st_size
                return inner(fd)
            return fsync

        os.fsync = watch(saved[0])
        if saved[1] is not None:
            os.fdatasync = watch(saved[1])
        try:
            yield rec.events, sizes
        finally:
            os.fsync = saved[0]
            if saved[1] is not None:
                os.fdatasync = saved[1]


def test_survives_a_power_cut(tmp_path):
    # After a power cut, what the disk holds is what was fsync'd, and in no particular order
    # otherwise. For each file: its data must be synced before its rename, the rename must be
    # synced (by an fsync of the folder) after it, and the output's before the sidecar's.
    _put_old(tmp_path)
    with _watched() as (events, sizes):
        publish(tmp_path, NAME, RESULT, METADATA)
    real = os.path.realpath
    folder = real(tmp_path)
    fsyncs = [(i, real(e[1]), sizes.get(i)) for i, e in enumerate(events) if e[0] == "fsync"]
    renamed = {}
    for target in (NAME, SIDECAR):
        found = [i for i, e in enumerate(events) if e[0] in RENAMES
                 and real(e[2]) == real(tmp_path / target)]
        assert found, "%s was not renamed into place with os.replace" % target
        renamed[target] = found[-1]
    r1, r2 = renamed[NAME], renamed[SIDECAR]
    for target, r in ((NAME, r1), (SIDECAR, r2)):
        what = "the output" if target == NAME else "the sidecar"
        temp = real(events[r][1])
        before = [size for i, path, size in fsyncs if path == temp and i < r]
        late = [i for i, path, size in fsyncs if path == real(tmp_path / target) and i > r]
        assert before or not late, (
            "%s was fsync'd only after os.replace: the disk may record the rename before "
            "the data, and after a power cut the name points at an empty file. fsync the "
            "temp file BEFORE renaming it" % what)
        assert before, (
            "%s's temp file was never fsync'd before its rename: the data was only in the "
            "page cache, which a power cut wipes, and the name would point at an empty "
            "file. f.flush(), then os.fsync(f.fileno()), then os.replace" % what)
        size = os.path.getsize(tmp_path / target)
        assert max(before) == size, (
            "when %s's temp file was fsync'd it held %d of its %d bytes: the rest was still "
            "in Python's buffer, which fsync cannot see. f.flush() first, then "
            "os.fsync(f.fileno())" % (what, max(before), size))
    on_folder = [i for i, path, size in fsyncs if path == folder]
    assert on_folder, (
        "the folder was never fsync'd: os.replace changed the folder, and until the folder "
        "is synced a power cut can bring the old files back (or none). After each rename: "
        "fd = os.open(folder, os.O_RDONLY); os.fsync(fd); os.close(fd)")
    assert [i for i in on_folder if r1 < i < r2], (
        "the folder was fsync'd before the output's rename, not after it: the rename was not "
        "covered. fsync the folder AFTER os.replace" if max(on_folder) < r1 else
        "the folder was fsync'd only after both renames: the disk may then record the "
        "sidecar's rename and not the output's, and after a power cut a sidecar describes a "
        "file that is not there. fsync the folder after the output's rename, BEFORE the "
        "sidecar's" if min(on_folder) > r2 else
        "the folder was fsync'd before the output's rename, not after it: fsync the folder "
        "AFTER os.replace")
    assert [i for i in on_folder if i > r2], (
        "after the sidecar's rename the folder was not fsync'd: the sidecar's rename is not "
        "durable yet. fsync the folder AFTER the rename (an fsync before it does not cover "
        "it)")


def test_every_fsync_failing_means_nothing_is_published(tmp_path):
    with kit.record_io() as rec:
        with kit.fail_at("fsync", errno.EIO) as fault:
            try:
                publish(tmp_path, NAME, RESULT, METADATA)
                raised = None
            except OSError as exc:
                raised = exc
    assert fault.fired, (
        "publish never called os.fsync: after a power cut its files may be empty or gone "
        "although it returned. fsync each temp file before its rename, and the folder after")
    assert raised is not None and raised is fault.errors[0], (
        "every fsync failed (EIO: the disk could not write), and publish %s. A failed fsync "
        "is a failed publish: let the error reach the caller" % (
            "returned normally" if raised is None else "raised another error, %r" % raised))
    early = [e for e in rec.events if e[0] in RENAMES
             and os.path.realpath(e[2]) == os.path.realpath(tmp_path / NAME)]
    assert not early, (
        "every fsync failed, and yet the output was renamed into place first: its data had "
        "not been synced. fsync the temp file BEFORE os.replace, and don't rename when that "
        "fails")
    assert os.listdir(tmp_path) == [], (
        "every fsync failed, and %s stayed in the folder: remove the temp file when the save "
        "fails" % os.listdir(tmp_path))


def _calls(folder, ops):
    """How many calls of each op one publish makes (counted by faults that never fire)."""
    with contextlib.ExitStack() as stack:
        counters = {op: stack.enter_context(kit.fail_at(op, nth=10 ** 6)) for op in ops}
        publish(folder, NAME, RESULT, METADATA)
    return {op: counter.calls for op, counter in counters.items()}


def _fails_cleanly(folder, old, op, nth, error=errno.EIO, situation=None, advice=""):
    """publish with the nth `op` failing: check what the caller gets and what is left."""
    situation = situation or "call %d of %s failed (%s)" % (
        nth, op, errno.errorcode.get(error, error))
    with kit.fail_at(op, error, nth=nth, once=True) as fault:
        with kit.record_io() as rec:
            try:
                publish(folder, NAME, RESULT, METADATA)
                raised = None
            except BaseException as exc:
                raised = exc
    if not fault.fired:
        return
    assert raised is not None, (
        "%s, and publish returned normally: the caller would report the upload as stored. "
        "Clean up, then let the error through (a bare `raise`)%s" % (situation, advice))
    assert raised is fault.errors[0], (
        "%s, but the caller got %r: it must get that same exception. An error raised while "
        "cleaning up replaces the one being handled: remove files quietly there (catch "
        "OSError around each removal)" % (situation, raised))
    assert _extra(folder) == [], (
        "%s, and a temp file was left behind (%s): remove it when the save fails (`except "
        "BaseException:` os.unlink(tmp), then `raise`)%s" % (situation, _extra(folder)[0], advice))
    placed = [e for e in rec.events if e[0] in RENAMES
              and os.path.realpath(e[2]) == os.path.realpath(os.path.join(folder, NAME))]
    if not placed:
        assert _snapshot(folder) == old, (
            "%s before the new output was renamed into place, and the upload that was "
            "there (output %s, sidecar %s) was changed: until the rename, write only into "
            "temp files%s" % (situation, _output_state(folder), _sidecar_state(folder), advice))
    else:
        out, side = _output_state(folder), _sidecar_state(folder)
        assert out == "none", (
            "%s after the new output was in place, and the output was left there (its "
            "sidecar: %s): a reader finds an upload that nothing describes, or that an "
            "older sidecar describes wrongly. Remove the output again before raising%s"
            % (situation, side, advice))
        assert side == "none", (
            "%s after the new output was in place; you removed the output, but the sidecar "
            "of the earlier upload stayed, describing a file that is gone. Remove both "
            "names%s" % (situation, advice))


def test_a_failure_at_any_step(tmp_path):
    counts = _calls(tmp_path, ("open", "write", "flush", "close", "fsync", "replace"))
    for op, count in counts.items():
        for nth in range(1, count + 1):
            # With an earlier upload of the same name there, and (for the last steps) without.
            for old in (True, False) if op in ("fsync", "replace") else (True,):
                folder = tmp_path / ("%s-%d-%s" % (op, nth, old))
                folder.mkdir()
                _fails_cleanly(folder, _put_old(folder) if old else {}, op, nth)


def test_metadata_that_json_cannot_encode(tmp_path):
    for old in (True, False):
        folder = tmp_path / str(old)
        folder.mkdir()
        before = _put_old(folder) if old else {}
        bad = dict(METADATA, received_at={"a set"})  # a set: JSON has no such type
        with kit.record_io() as rec:
            try:
                publish(folder, NAME, RESULT, bad)
                raised = None
            except TypeError as exc:
                raised = exc
        assert raised is not None, (
            "the metadata held a set, which JSON cannot encode, and publish did not raise the "
            "TypeError json gave it")
        assert _extra(folder) == [], "the failed publish left a temp file behind"
        placed = any(e[0] in RENAMES and os.path.realpath(e[2]) == os.path.realpath(
            folder / NAME) for e in rec.events)
        if placed:
            assert os.listdir(folder) == [], (
                "the sidecar could not be written (its metadata is not JSON), and the new "
                "output stayed: remove it (and an earlier sidecar) before raising")
        else:
            assert _snapshot(folder) == before, "the earlier upload must be left as it was"


def test_ctrl_c_at_any_moment(tmp_path):
    for op, nth in (("write", 1), ("fsync", 2), ("replace", 2), ("fsync", 4)):
        folder = tmp_path / ("%s-%d" % (op, nth))
        folder.mkdir()
        _fails_cleanly(folder, _put_old(folder), op, nth, error=KeyboardInterrupt,
                       situation="Ctrl-C (KeyboardInterrupt) came at call %d of %s" % (nth, op),
                       advice=". KeyboardInterrupt is not an Exception: `except Exception:` "
                       "misses it")


def test_a_failing_cleanup_does_not_hide_the_error(tmp_path):
    for nth in (1, 2):
        folder = tmp_path / str(nth)
        folder.mkdir()
        with kit.fail_at("unlink", errno.EACCES):
            with kit.fail_at("replace", errno.EIO, nth=nth, once=True) as fault:
                try:
                    publish(folder, NAME, RESULT, METADATA)
                    raised = None
                except BaseException as exc:
                    raised = exc
        assert raised is not None and raised is fault.errors[0], (
            "rename number %d failed (EIO), and removing files while cleaning up failed too "
            "(EACCES). The caller must get the rename's error, not %r: an exception raised "
            "while cleaning up replaces the one being handled, so catch OSError around each "
            "removal there" % (nth, raised))


def test_two_publishes_at_the_same_moment(tmp_path):
    # Two uploads of the same name: the second one runs from start to end while the first
    # is about to make its first rename.
    _put_old(tmp_path)
    other = (b"another upload's result", dict(METADATA, size=1))
    second = []
    real = os.replace, os.rename

    def other_worker_goes_first(rename):
        def hooked(src, dst, *args, **kwargs):
            if not second:
                second.append("ok")
                try:
                    publish(tmp_path, NAME, *other)
                except Exception as exc:
                    second[0] = exc
            return rename(src, dst, *args, **kwargs)
        return hooked

    os.replace, os.rename = (other_worker_goes_first(f) for f in real)
    first = "ok"
    try:
        publish(tmp_path, NAME, RESULT, METADATA)
    except Exception as exc:
        first = exc
    finally:
        os.replace, os.rename = real
    failed = [r for r in [first] + second if r != "ok"]
    assert failed == [], (
        "two uploads of the same name were published at the same moment, and one failed "
        "with %r: they shared a temp file. A name made from the target (name + '.tmp') is "
        "the same for both: let tempfile.mkstemp(dir=folder) make a unique one" % failed[0])
    assert (_output_state(tmp_path), _sidecar_state(tmp_path)) == ("new", "new"), (
        "the first upload renamed last, so its output and sidecar must be there")
    assert _extra(tmp_path) == [], "no temp file may be left behind"


def _open_descriptors():
    found = set()
    for fd in range(1024):
        try:
            os.fstat(fd)
        except OSError:
            continue
        found.add(fd)
    return found


def test_closes_every_descriptor(tmp_path):
    before = _open_descriptors()
    with kit.no_leaked_files():  # every file object closed, not left to the garbage collector
        publish(tmp_path, NAME, RESULT, METADATA)
        publish(tmp_path, NAME, RESULT, METADATA)
    leaked = len(_open_descriptors() - before)
    assert leaked <= 0, (
        "%d file descriptor(s) were left open by two publishes: a descriptor from os.open() "
        "(the folder's, for its fsync) has no `with` to close it: os.close(fd) in a finally "
        "block" % leaked)


def test_every_byte_arrives_despite_short_writes(tmp_path):
    with kit.short_writes(limit=100):
        publish(tmp_path, NAME, RESULT, METADATA)
    assert _output_state(tmp_path) == "new", (
        "when the system took at most 100 bytes per write, the output got %d of its %d "
        "bytes: os.write returns how many bytes it wrote, and drops the rest. Loop, or write "
        "through a file object" % (os.path.getsize(tmp_path / NAME), len(RESULT)))
    assert _sidecar_state(tmp_path) == "new", "the sidecar lost bytes to short writes"
