"""Accepts the name when Path(name).name == name: misses backslashes, '..', dotfiles and control characters."""
# expect: '..' is the parent folder
import os
from pathlib import Path


def safe_name(filename):
    if not filename or Path(filename).name != filename:
        raise ValueError(filename)
    if len(filename.encode("utf-8")) > 250:
        raise ValueError(filename)
    return filename


def process_body(path, process):
    try:
        result = process(path)
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return result


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import errno  # noqa: E402
import os  # noqa: E402

import iolings_testkit as kit  # noqa: E402

GOOD_NAMES = [
    ("report.pdf", "an ordinary name"),
    ("Zoë Ångström – CV (final).pdf", "spaces, accents, brackets and a dash"),
    ("notes..final.txt", "two dots inside a name are just dots"),
    ("archive.tar.gz", "several suffixes"),
    ("-draft", "a leading dash"),
    ("x", "one character"),
    ("日本語の資料.docx", "CJK: three bytes a character"),
    ("a" * 250, "250 bytes: the longest name allowed"),
    ("é" * 125, "125 characters of two bytes: 250 bytes"),
    ("a" * 246 + "😀", "an emoji (four bytes) at the end of 250 bytes"),
    ("price\xa0list.pdf", "a no-break space is not a control character (str.isprintable() "
                           "says False for it, and for much else that is fine in a name)"),
    ("draft.", "a trailing dot, and Linux file names need no Windows rules"),
    ("Q&A: what? <draft> 100%|*.txt", "punctuation of every kind: only '/', '\\', a leading "
                                      "'.' and control characters are refused"),
]

BAD_NAMES = [
    ("", "the empty name"),
    (".", "'.' is the folder itself"),
    ("..", "'..' is the parent folder"),
    ("../../etc/passwd", "a path that climbs out of the folder"),
    ("....//etc/passwd", "removing '../' once would leave '../'"),
    ("/etc/passwd", "an absolute path"),
    ("uploads/report.pdf", "a name with a '/' in it"),
    ("report.pdf/", "a trailing '/'"),
    ("..\\..\\boot.ini", "backslashes: a Windows path (os.path.basename keeps them on Linux)"),
    ("C:\\Users\\zoe\\cv.pdf", "a whole Windows path, as old browsers sent it"),
    (".htaccess", "a hidden file (it configures some web servers)"),
    (".upload-x8k2.part", "the handler's own temp files start with '.'"),
    ("report\x00.pdf.exe", "a NUL byte: C code sees the name end there"),
    ("report\n.pdf", "a newline: it breaks log lines and headers"),
    ("tab\there.pdf", "a tab is a control character"),
    ("bell\x07.pdf", "a control character (BEL)"),
    ("unit\x1f.pdf", "the last control character below 32"),
    ("delete\x7f.pdf", "DEL (127) is a control character"),
    ("a" * 251, "251 bytes: one more than the 250 allowed"),
    ("é" * 126, "126 characters but 252 bytes: the limit is in BYTES"),
    ("a" * 247 + "😀", "an emoji (four bytes) that goes past 250 bytes"),
    ("caf\udce9.pdf", "a lone surrogate: the name cannot be encoded in UTF-8"),
]


def test_safe_name_accepts_ordinary_names():
    for name, why in GOOD_NAMES:
        try:
            got = safe_name(name)
        except ValueError as exc:
            assert False, (
                "safe_name(%r) raised %r, but that is a fine name (%s): refuse only what the "
                "rules say (empty, a leading '.', '/' or '\\\\', a control character, more "
                "than 250 bytes in UTF-8)" % (name, exc, why))
        assert got == name, (
            "safe_name(%r) returned %r: a good name is returned unchanged (%s)"
            % (name, got, why))


def test_safe_name_refuses_what_could_escape_or_break():
    for name, why in BAD_NAMES:
        try:
            got = safe_name(name)
        except ValueError:
            continue
        assert False, (
            "safe_name(%r) returned %r instead of raising ValueError: %s. %s"
            % (name, got, why, "Refuse the name, don't repair it" if got != name else
               "Refuse it: raise ValueError"))


def _temp_file(folder, data=b"%PDF-1.7 the upload\n"):
    path = folder / ".upload-1234.part"
    path.write_bytes(data)
    return str(path)


class Processor:
    """A processing function: records each call, then returns `result` or raises `error`,
    after doing `then` (e.g. removing the file itself)."""

    def __init__(self, result=b"the result", error=None, then=None):
        self.result, self.error, self.then = result, error, then
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if self.then is not None:
            self.then(args[0])
        if self.error is not None:
            raise self.error
        return self.result


def _others(folder):
    return sorted(name for name in os.listdir(folder) if name != ".upload-1234.part")


def test_process_body_returns_the_result_and_removes_the_file(tmp_path):
    (tmp_path / "earlier.pdf").write_bytes(b"an earlier upload")
    path = _temp_file(tmp_path)
    process = Processor(result=bytearray(b"thumbnail bytes"))
    got = process_body(path, process)
    assert len(process.calls) == 1, (
        "process must be called exactly once, not %d times: it may be slow, or do "
        "something that must not happen twice" % len(process.calls))
    args, kwargs = process.calls[0]
    assert [os.fspath(a) for a in args] == [path] and not kwargs, (
        "process must be called with the path alone, process(path), not %r %r"
        % (args, kwargs))
    assert got is process.result, "process_body must return what process returned, as it is"
    assert not os.path.exists(path), (
        "after processing, the temp file is still there: remove it (os.unlink(path))")
    assert _others(tmp_path) == ["earlier.pdf"], "other files in the folder must stay"


def test_the_file_is_still_there_while_process_runs(tmp_path):
    path = _temp_file(tmp_path, b"the whole body")
    seen = []

    def look(p):
        with open(p, "rb") as f:
            seen.append(f.read())

    process = Processor(then=look)
    process_body(path, process)
    assert seen == [b"the whole body"], "process must find the file, whole, at `path`"


def _failing(path, process, expected, situation):
    """process_body while something fails: the caller must get exactly `expected`."""
    with kit.no_leaked_files():
        try:
            got = process_body(path, process)
        except BaseException as exc:
            raised = exc
        else:
            assert False, (
                "%s, and process_body returned %r as if all was well: let the exception reach "
                "the caller (clean up, then a bare `raise`)" % (situation, got))
    assert raised is expected or (isinstance(expected, int) and isinstance(raised, OSError)
                                  and raised.errno == expected), (
        "%s: the caller must get that same exception, not %r" % (situation, raised))


def test_a_failing_process_still_removes_the_file(tmp_path):
    path = _temp_file(tmp_path)
    error = ValueError("not a PDF")
    _failing(path, Processor(error=error), error, "process raised ValueError")
    assert not os.path.exists(path), (
        "process raised, and the temp file stayed behind: every failed upload leaves one "
        "more, until the disk is full. Remove it in a `finally:` block (or in `except "
        "BaseException:`, then `raise`)")


def test_ctrl_c_in_process_still_removes_the_file(tmp_path):
    path = _temp_file(tmp_path)
    stop = KeyboardInterrupt()
    _failing(path, Processor(error=stop), stop, "Ctrl-C (KeyboardInterrupt) came during process")
    assert not os.path.exists(path), (
        "Ctrl-C (KeyboardInterrupt) came during process, and the temp file stayed behind. "
        "KeyboardInterrupt is not an Exception, so `except Exception:` misses it: use "
        "`finally:` or `except BaseException:`")


def test_process_may_remove_the_file_itself(tmp_path):
    path = _temp_file(tmp_path)
    process = Processor(then=os.unlink)
    try:
        got = process_body(path, process)
    except FileNotFoundError as exc:
        assert False, (
            "process removed the file itself, and process_body then failed with %r: a temp "
            "file that is already gone is fine. Catch FileNotFoundError around os.unlink "
            "(or Path.unlink(missing_ok=True))" % exc)
    assert got == b"the result"


def test_process_may_move_the_file(tmp_path):
    path = _temp_file(tmp_path)
    kept = tmp_path / "quarantine.bin"
    process = Processor(then=lambda p: os.replace(p, kept))
    try:
        got = process_body(path, process)
    except FileNotFoundError as exc:
        assert False, (
            "process moved the file away, and process_body then failed with %r: a temp file "
            "that is already gone is fine" % exc)
    assert got == b"the result"
    assert kept.read_bytes() == b"%PDF-1.7 the upload\n", "the moved file is not yours to touch"


def test_a_process_that_fails_after_removing_the_file(tmp_path):
    path = _temp_file(tmp_path)
    error = RuntimeError("scanner crashed")
    _failing(path, Processor(error=error, then=os.unlink), error,
             "process removed the file, then raised RuntimeError")


def test_the_file_vanishes_between_a_check_and_the_removal(tmp_path):
    # Another process (a cleanup job, the scanner's own worker) removes the file just
    # after your code checked that it is still there.
    path = _temp_file(tmp_path)
    with kit.between_check_and_use(lambda: os.unlink(path)):
        try:
            got = process_body(path, Processor())
        except FileNotFoundError as exc:
            assert False, (
                "the file was there when your code checked, and gone a moment later, so "
                "removing it failed: %r. Don't check first: call os.unlink(path) and catch "
                "FileNotFoundError (or Path.unlink(missing_ok=True))" % exc)
    assert got == b"the result"


def test_the_process_error_wins_over_a_failing_cleanup(tmp_path):
    path = _temp_file(tmp_path)
    error = ValueError("not a PDF")
    with kit.fail_at("unlink", errno.EIO) as fault:
        _failing(path, Processor(error=error), error,
                 "process raised ValueError, and removing the temp file failed too (EIO). "
                 "The processing error is the one the caller needs: an exception raised "
                 "while cleaning up replaces it, so catch OSError around the removal there")
    assert fault.fired, "process raised, and the temp file was never removed"


def test_a_failing_cleanup_after_success_is_reported(tmp_path):
    for code, what in ((errno.EIO, "OSError EIO"), (errno.EACCES, "PermissionError EACCES")):
        path = _temp_file(tmp_path)
        with kit.fail_at("unlink", code) as fault:
            _failing(path, Processor(), code,
                     "process returned, but removing the temp file failed (%s). Don't hide "
                     "that: the file stays, and the next ones will too. Only a file that is "
                     "already gone (FileNotFoundError) is fine" % what)
        assert fault.fired, "the temp file was never removed"
        os.unlink(path)
