"""os.fdopen in binary mode, os.rename, and a bare except with contextlib.suppress for the cleanup."""
import contextlib
import json
import os
import tempfile


def save_config(path, config):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(config, indent=4).encode("utf-8"))
        os.rename(tmp, path)
    except:  # noqa: E722
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402

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
            "until the disk is full: put the writing AND the os.replace in one try block, "
            "with `except BaseException:` os.unlink(tmp), then `raise`")


def _open_fds():
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    return len(os.listdir(folder))


LEAKED_FD = ("save_config left a file descriptor open: tempfile.mkstemp() returns an OPEN "
             "descriptor along with the name. Write through it, open(fd, 'w', "
             "encoding='utf-8'), so that closing the file closes it too; opening the name "
             "a second time leaves mkstemp's descriptor open")


LEAKED_WITH_THE_ERROR = (
    "save_config failed (%s), and a file it opened is still open while the caller holds the "
    "exception: its traceback keeps save_config's variables alive, the open temp file among "
    "them, for as long as the caller keeps it (to log it, or to retry later). Close the file "
    "before the error leaves the function: write inside `with open(fd, 'w', "
    "encoding='utf-8') as f:` within the try, or close it in the cleanup")


def _outcome(path, config):
    """Call save_config; return None, or (type, errno, text) of the exception it raised."""
    got = kept = None
    before = _open_fds()
    with kit.no_leaked_files():  # a failed save must still close its file
        try:
            save_config(path, config)
        except BaseException as exc:
            kept = exc  # the caller keeps the error, as a service logging it would
            got = type(exc), getattr(exc, "errno", None), "%s: %s" % (type(exc).__name__, exc)
        leaked_while_kept = _open_fds() != before
        kept = None
    assert _open_fds() == before, LEAKED_FD
    assert not leaked_while_kept, LEAKED_WITH_THE_ERROR % (got[2] if got else "no error")
    return got


def _failed(got, expected, situation):
    """`got` (from _outcome) must be the `expected` exception."""
    assert got is not None, (
        "%s, and save_config returned as if the save had worked: the caller would tell the "
        "user it was saved. Clean up, then re-raise with a bare `raise`" % situation)
    assert issubclass(got[0], expected), (
        "%s: the caller must get that same %s, but got %s. After cleaning up, re-raise the "
        "original with a bare `raise`; don't replace it with another exception"
        % (situation, expected.__name__, got[2]))
    return got


def test_saves_the_config_as_json(tmp_path):
    path = tmp_path / "config.json"
    assert _outcome(path, NEW) is None, "save_config raised"
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
    _failed(_outcome(path, bad), TypeError,
            "a set cannot be written as JSON: json.dump raises TypeError")
    assert _bytes(path) == before, (
        "the old config must be left exactly as it was: json.dump had already written half "
        "a document when it failed, so it must have gone into a temp file, not the target")
    assert _leftovers(tmp_path) == [], LEFTOVER


def test_a_full_disk(tmp_path):
    path, before = _old_config(tmp_path)
    with kit.failing_writes(errno.ENOSPC):
        got = _outcome(path, NEW)
    _failed(got, OSError, "every write failed with ENOSPC (disk full)")
    assert got[1] == errno.ENOSPC, (
        "the caller must get the original error (ENOSPC), not another one raised while "
        "cleaning up: %s" % got[2])
    assert _bytes(path) == before, "the old config must be left exactly as it was"
    assert _leftovers(tmp_path) == [], LEFTOVER


@contextlib.contextmanager
def _file_size_limit(nbytes):
    """Every write that would make a file larger than nbytes fails with EFBIG ("File too
    large"), like a quota or a full disk: at the moment the bytes really reach the kernel
    (for a buffered file: when it is flushed or closed; a flush with nothing to write cannot
    fail)."""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get the error, not the signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, handler)


def test_a_full_disk_noticed_only_at_close(tmp_path):
    # A small config fits in the file object's buffer: f.write() only copies it there, and
    # the real write to the disk happens when the file is flushed or closed at the end of
    # the `with` block. So that is where a full disk or a quota shows up.
    path, before = _old_config(tmp_path)
    with _file_size_limit(0):
        got = _outcome(path, NEW)
    _failed(got, OSError, "the data did not fit on the disk (EFBIG)")
    assert got[1] == errno.EFBIG, (
        "the caller must get the original error (EFBIG), not another one raised while "
        "cleaning up: %s" % got[2])
    assert _bytes(path) == before, "the old config must be left exactly as it was"
    assert _leftovers(tmp_path) == [], (
        "the data did not fit on the disk, and the temp file was left behind. For a "
        "buffered file the error comes when the file is flushed or closed, at the end of "
        "the `with` block: the try must cover the whole `with` block and the os.replace, "
        "not just json.dump inside it")


def test_the_temp_file_cannot_be_created(tmp_path):
    # The service may not write to the config's folder (or the disk has no room for one
    # more file): then the very first step, creating the temp file, fails.
    path, before = _old_config(tmp_path)
    with kit.read_only(tmp_path):
        got = _outcome(path, NEW)
    assert got is not None, (
        "the folder is read-only and the temp file could not be created, yet save_config "
        "returned as if the save had worked")
    assert issubclass(got[0], OSError), (
        "creating the temp file failed with PermissionError, and the caller got %s instead: "
        "the cleanup ran for a temp file that was never created (tmp had no value yet). "
        "Call mkstemp BEFORE the try block: the cleanup is only for a temp file that "
        "exists" % got[2])
    assert _bytes(path) == before, "the old config must be left exactly as it was"
    assert _leftovers(tmp_path) == [], LEFTOVER


def test_a_failing_rename(tmp_path):
    path, before = _old_config(tmp_path)
    with kit.fail_at("replace", errno.EIO) as renames:  # os.replace and os.rename
        got = _outcome(path, NEW)
    if not renames.fired:
        return  # it renamed nothing: test_the_temp_file_is_in_the_same_directory says why it must
    _failed(got, OSError, "os.replace failed with EIO")
    assert got[1] == errno.EIO, "the caller must get the rename's own error: %s" % got[2]
    assert _bytes(path) == before, "the old config must be left exactly as it was"
    assert _leftovers(tmp_path) == [], (
        "os.replace failed, and the temp file was left behind: the rename belongs inside the "
        "try block too, so that its failure also removes the temp file")


class _Interrupted(dict):
    """A dict that Ctrl-C interrupts while json.dump is in the middle of writing it."""

    def items(self):
        raise KeyboardInterrupt


def test_ctrl_c_in_the_middle_of_the_save(tmp_path):
    path, before = _old_config(tmp_path)
    bad = dict(NEW, storage=_Interrupted(NEW["storage"]))  # half the JSON is written first
    _failed(_outcome(path, bad), KeyboardInterrupt,
            "Ctrl-C (KeyboardInterrupt) arrived in the middle of the save")
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
        "the temp file was created in %s, not in the target's directory %s: os.replace is "
        "only atomic within one filesystem, and elsewhere it may fail with EXDEV. "
        "tempfile.mkstemp(dir=folder) with the folder of os.path.abspath(path)"
        % (os.path.dirname(sources[-1]), os.path.dirname(target)))


def test_two_saves_at_the_same_moment(tmp_path):
    # Two workers save the same config at once: the second one runs from start to end while
    # the first is just about to rename its temp file.
    path, _ = _old_config(tmp_path)
    other = dict(NEW, max_upload_mb=75)
    second = []
    real = os.replace, os.rename

    def other_worker_saves_first(rename):
        def hooked(src, dst, *args, **kwargs):
            if not second:
                second.append("ok")
                try:
                    save_config(path, other)
                except Exception as exc:
                    second[0] = exc
            return rename(src, dst, *args, **kwargs)
        return hooked

    os.replace, os.rename = (other_worker_saves_first(f) for f in real)
    first = "ok"
    try:
        save_config(path, NEW)
    except Exception as exc:
        first = exc
    finally:
        os.replace, os.rename = real
    failed = [r for r in [first] + second if r != "ok"]
    assert failed == [], (
        "two saves of the same config ran at the same moment, and one of them failed with "
        "%r: both used the same temp file. A fixed name (path + '.tmp') is shared by every "
        "writer: let tempfile.mkstemp(dir=...) create a fresh, unique one" % failed[0])
    assert _parsed(path) == NEW, "the last rename was the first worker's: its config must win"
    assert _leftovers(tmp_path) == [], "no temp file may be left behind"
