"""os.open with O_CREAT | O_EXCL and os.write; __exit__ tolerates a lock already gone and returns None."""
"""context3: a context manager class, and why __exit__ must not return True.

Any object with __enter__ and __exit__ methods works in a `with` statement:

- __enter__(self) acquires the resource. What it RETURNS is what `as` binds.
- __exit__(self, exc_type, exc, tb) releases it. It runs after the block, also when the block
  raised. If it returns a true value, Python treats the exception as handled and throws it
  away. Return False (or None, the default) unless swallowing that exact error is the job of
  your context manager, as it is for contextlib.suppress(FileNotFoundError).

A cron job that must never run twice at the same time takes a lock file first: a file that
exists while the job runs. Creating it with mode "x" (exclusive create) fails with
FileExistsError if it already exists, and the check and the creation happen in one step, so two
processes can never both succeed.

Your task: fix the class LockFile so that

    with LockFile(path) as lock:
        ...  # do the job

behaves like this:

- __enter__ creates the file `path` exclusively (FileExistsError propagates if it already
  exists: the lock is held by someone else), writes the current process id (os.getpid()) and
  a newline into it (UTF-8 text), closes it, and returns the LockFile object itself, so that
  lock.path is `path`;
- __exit__ removes the file (releases the lock) whether the block succeeded or raised, and
  never swallows the block's exception: the caller must see that the job failed.
"""
import contextlib
import os


class LockFile:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, ("%d\n" % os.getpid()).encode("utf-8"))
        finally:
            os.close(fd)
        return self

    def __exit__(self, exc_type, exc, tb):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import errno  # noqa: E402
import pathlib  # noqa: E402

import iolings_testkit as kit  # noqa: E402


# (The tests look around inside the with blocks but assert only after them: an __exit__ that
# returns True would otherwise swallow the test's own AssertionError.)


def test_lock_file_exists_while_held(tmp_path):
    path = tmp_path / "job.lock"
    manager = LockFile(path)
    with manager as lock:
        held = path.exists()
        with open(path, encoding="utf-8") as f:
            content = f.read()
    assert lock is manager, (
        "`with LockFile(path) as lock` binds what __enter__ returns, and it returned %r: "
        "end __enter__ with `return self`" % (lock,))
    assert lock.path == path
    assert held, "the lock file must exist inside the with block"
    assert content == "%d\n" % os.getpid(), "the lock file holds our pid and a newline"
    assert not path.exists(), "leaving the with block must remove the lock file"


def test_lock_does_not_leak_file_handles(tmp_path):
    path = tmp_path / "job.lock"
    with kit.no_leaked_files():
        with LockFile(path):
            pass


def test_a_lock_that_cannot_be_released_is_reported(tmp_path):
    path = tmp_path / "job.lock"
    raised = None
    with kit.fail_at("unlink", errno.EIO, path=path.name) as removal:
        try:
            with LockFile(path):
                pass
        except OSError as exc:
            raised = exc
    if path.exists():
        os.remove(path)
    assert not removal.fired or raised is not None, (
        "removing the lock file failed with EIO, and nobody was told: the lock stays on disk "
        "and no later run of the job can ever start. Don't wrap os.remove() in a try that "
        "ignores its errors: let them reach the caller")


def test_second_lock_fails_while_first_is_held(tmp_path):
    path = tmp_path / "job.lock"
    entered_twice = raised = still_locked = False
    try:
        with LockFile(path):
            try:
                with LockFile(path):
                    entered_twice = True
            except FileExistsError:
                raised = True
            still_locked = path.exists()
    except FileNotFoundError:
        pass  # the second LockFile deleted the first one's file; the asserts below say more
    assert not entered_twice, (
        "a second LockFile on the same path was entered while the first one is held: "
        "create the file with mode 'x' so that __enter__ raises FileExistsError")
    assert raised, "the second LockFile must raise FileExistsError"
    assert still_locked, (
        "the failed second attempt removed the FIRST holder's lock file. When __enter__ "
        "raises, __exit__ is not called, so never remove the file outside __exit__")


def test_check_then_create_is_not_a_lock(tmp_path):
    # Another process takes the lock at the worst possible moment: right before LockFile opens
    # the file, after whatever "does it exist?" check LockFile may have made.
    import builtins
    import io

    path = tmp_path / "job.lock"
    real = (builtins.open, io.open, os.open, pathlib.Path.open)
    raced = []

    def other_process_takes_the_lock(file):
        if raced or not isinstance(file, (str, os.PathLike)):
            return
        if os.fspath(file) == os.fspath(path):
            raced.append(True)
            with real[0](path, "x", encoding="utf-8") as f:
                f.write("99999\n")

    def racing_open(file, *args, **kwargs):
        other_process_takes_the_lock(file)
        return real[0](file, *args, **kwargs)

    def racing_os_open(file, *args, **kwargs):
        other_process_takes_the_lock(file)
        return real[2](file, *args, **kwargs)

    def racing_path_open(self, *args, **kwargs):
        other_process_takes_the_lock(self)
        return real[3](self, *args, **kwargs)

    builtins.open = io.open = racing_open
    os.open = racing_os_open
    pathlib.Path.open = racing_path_open
    try:
        raised = False
        try:
            with LockFile(path):
                pass
        except FileExistsError:
            raised = True
    finally:
        builtins.open, io.open, os.open, pathlib.Path.open = real
    assert raised, (
        "another process created the lock after your exists() check and just before your "
        "open(), and your open() replaced its file: now both processes believe they hold the "
        "lock. Open with mode 'x': the check and the creation become one step, and open() "
        "itself raises FileExistsError")
    with open(path, encoding="utf-8") as f:
        assert f.read() == "99999\n", "the other process's lock file must not be overwritten"


# What a job can fail with: a bug, a full disk, and Ctrl-C (a BaseException, not an Exception).
FAILURES = [ValueError("job failed half-way"), OSError(28, "No space left on device"),
            KeyboardInterrupt()]


def test_exception_in_body_propagates(tmp_path):
    path = tmp_path / "job.lock"
    for error in FAILURES:
        caught = None
        try:
            with LockFile(path):
                raise error
        except BaseException as exc:
            caught = exc
        assert caught is error, (
            "LockFile swallowed the %s raised in its with block: __exit__ returned a true "
            "value, which tells Python 'handled'. The caller now believes the job succeeded, "
            "and real bugs (a TypeError, a full disk, Ctrl-C) vanish without a trace. Release "
            "the lock, then return False or None so the exception propagates"
            % type(error).__name__)
        if path.exists():
            path.unlink()  # the next test says it; here, start each case without a lock


def test_lock_released_when_body_raises(tmp_path):
    path = tmp_path / "job.lock"
    for error in FAILURES:
        try:
            with LockFile(path):
                raise error
        except BaseException:
            pass
        left = path.exists()
        if left:
            path.unlink()
        assert not left, (
            "the job failed with %s but its lock file is still there: no later run can ever "
            "take the lock. __exit__ runs for every exception, Ctrl-C included; remove the "
            "file whatever exc_type is" % type(error).__name__)
