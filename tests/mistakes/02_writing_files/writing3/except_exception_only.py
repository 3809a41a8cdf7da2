"""Cleans up in `except Exception:`, which KeyboardInterrupt (Ctrl-C) and SystemExit slip past."""
# expect: not subclasses of Exception
"""writing3: when the write fails, clean up the temp file and keep the error.

An atomic write protects the target from crashes. But ordinary exceptions happen too, in the
middle of writing: the disk is full (OSError ENOSPC), a quota is exceeded, or the data cannot
be serialised at all: json.dump() writes its output in small pieces as it walks the dict, so
when it meets a value JSON has no type for (a set, a datetime, bytes) it raises TypeError
AFTER part of the document is already in the file.

With a temp file, the target is safe in all these cases. What is not safe is the temp file:
if nobody removes it, every failed save leaves one more `.config-xxxx.tmp` in the directory,
and a server that retries a failing save every minute fills its disk with them. So the write
and the rename go in a try block, and any exception removes the temp file and is then raised
again for the caller to see:

    try:
        ...write the temp file, os.replace(tmp, path)...
    except BaseException:      # BaseException: Ctrl-C (KeyboardInterrupt) must clean up too
        os.unlink(tmp)
        raise                  # never swallow it: the caller must know the save failed

Your task: save_config(path, config) writes the dict `config` as JSON (UTF-8, any
indentation) to `path`, atomically, with the temp file in the target's directory (as in
writing2). If anything raises (a value json cannot encode, a failing write...), the SAME
exception reaches the caller, the old file at `path` is left exactly as it was, and no temp
file is left in the directory.
"""

import json
import os
import tempfile


def save_config(path, config):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".config-", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=2, ensure_ascii=False)
        os.replace(tmp, path)
    except Exception:  # TypeError, OSError: every error there is
        os.unlink(tmp)
        raise  # the same exception, for the caller


# ---------------------------------------------------------------------------------------------
# Tests

import errno  # noqa: E402
import shutil  # noqa: E402

import iolings_testkit as kit  # noqa: E402

NEW = {
    "service": "uploads",
    "max_upload_mb": 50,
    "owner": "Zoë Ångström",
    "allowed_types": ["application/pdf", "image/png"],
    "storage": {"bucket": "incoming", "region": "eu-central-1"},
}


def _old_config(tmp_path):
    path = shutil.copy("config.json", tmp_path / "config.json")
    with open(path, "rb") as f:
        return path, f.read()


def _bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _parsed(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except ValueError:
        return "<not valid JSON>"


def _leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name != "config.json")


LEFTOVER = ("a temp file was left behind after the failed save. Every failure leaves one more, "
            "until the disk is full: put the writing and the os.replace in try/except "
            "BaseException, os.unlink(tmp) there, then `raise`")


def test_saves_the_config_as_json(tmp_path):
    path = tmp_path / "config.json"
    save_config(path, NEW)
    with open(path, encoding="utf-8") as f:
        assert json.load(f) == NEW, "the file must hold the config as JSON"
    assert _leftovers(tmp_path) == [], "after a successful save only config.json remains"


def test_replaces_the_old_config(tmp_path):
    path, _ = _old_config(tmp_path)
    save_config(path, NEW)
    with open(path, encoding="utf-8") as f:
        assert json.load(f) == NEW
    assert _leftovers(tmp_path) == [], "after a successful save only config.json remains"


def test_a_value_json_cannot_encode(tmp_path):
    path, before = _old_config(tmp_path)
    bad = dict(NEW, allowed_types={"application/pdf", "image/png"})  # a set: not JSON
    raised = None
    try:
        save_config(path, bad)
    except TypeError as exc:
        raised = exc
    assert raised is not None, (
        "a set cannot be written as JSON: json.dump raises TypeError, and that error must "
        "reach the caller (re-raise it after cleaning up, don't return quietly)")
    assert _bytes(path) == before, (
        "the old config must be left exactly as it was: json.dump had already written half "
        "a document when it failed, so it must have gone into a temp file, not the target")
    assert _leftovers(tmp_path) == [], LEFTOVER


def test_a_full_disk(tmp_path):
    path, before = _old_config(tmp_path)
    raised = None
    with kit.failing_writes(errno.ENOSPC):
        try:
            save_config(path, NEW)
        except OSError as exc:
            raised = exc
    assert raised is not None, (
        "every write failed with ENOSPC (disk full): that OSError must reach the caller, "
        "who would otherwise believe the config was saved")
    assert raised.errno == errno.ENOSPC, (
        "the caller must get the original error (ENOSPC), not another one raised while "
        "cleaning up: %r" % raised)
    assert _bytes(path) == before, "the old config must be left exactly as it was"
    assert _leftovers(tmp_path) == [], LEFTOVER


class _Interrupted(dict):
    """A dict that Ctrl-C interrupts while json.dump is in the middle of writing it."""

    def items(self):
        raise KeyboardInterrupt


def test_ctrl_c_in_the_middle_of_the_save(tmp_path):
    path, before = _old_config(tmp_path)
    bad = dict(NEW, storage=_Interrupted(NEW["storage"]))  # half the JSON is written first
    interrupted = False
    try:
        save_config(path, bad)
    except KeyboardInterrupt:
        interrupted = True
    assert interrupted, (
        "Ctrl-C (KeyboardInterrupt) arrived in the middle of the save, and save_config did not "
        "let it through: clean up, then a bare `raise`")
    assert _bytes(path) == before, "the old config must be left exactly as it was"
    assert _leftovers(tmp_path) == [], (
        "Ctrl-C (KeyboardInterrupt) arrived in the middle of json.dump, and the temp file "
        "stayed behind. KeyboardInterrupt and SystemExit are not subclasses of Exception, so "
        "`except Exception:` lets them pass without cleaning up: use `except BaseException:` "
        "(or a finally block), os.unlink(tmp), then `raise`")


def test_a_crash_mid_write_keeps_the_old_config(tmp_path):
    path, before = _old_config(tmp_path)
    outcome = kit.run_killed(save_config, path, NEW, after_bytes=60)
    assert outcome.error is None, "save_config raised in the child: %s" % outcome.error
    assert _bytes(path) == before or _parsed(path) == NEW, (
        "killed mid-write, the file must hold the old config or the new one, never a torn mix")


def test_the_temp_file_is_in_the_same_directory(tmp_path):
    path, _ = _old_config(tmp_path)
    with kit.record_io() as rec:
        save_config(path, NEW)
    target = os.path.realpath(path)
    sources = [os.path.realpath(e[1]) for e in rec.events
               if e[0] in ("replace", "rename") and os.path.realpath(e[2]) == target]
    assert sources != [], "save_config must os.replace() a temp file onto the target"
    assert os.path.dirname(sources[-1]) == os.path.dirname(target), (
        "the temp file must be in the target's directory: os.replace is only atomic within "
        "one filesystem")
