"""os6: a pid file that lets only one copy of a job run.

A nightly cleanup job is started by cron every 10 minutes; if a run takes longer, the next one
must not start a second copy that deletes the same files. The classic guard is a PID FILE: the
running job writes its process id into, say, cleanup.pid; a new copy that finds the file
refuses to start. Two details make or break it:

1. "Check, then create" is a race. Between `if not os.path.exists(path)` and
   `open(path, "w")` another copy can do the very same check, and both start. The check and
   the creation must be ONE step: os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
   either creates the file or raises FileExistsError. Exactly one caller wins.
2. A job that crashed (or was killed with SIGKILL) never removed its pid file. A STALE pid
   file must not block every future run. Ask the kernel whether the pid in it is alive:

       os.kill(pid, 0)     # signal 0 = "send nothing, only check"
       # returns        -> the process exists
       # ProcessLookupError -> no such process: the pid file is stale
       # PermissionError    -> it exists but belongs to another user: it is alive

Your task: fix acquire_pidfile(path) -> int.

- It creates `path` exclusively (O_CREAT | O_EXCL, mode 0o644) and writes this process's pid
  as decimal digits and a newline ("4242\n"). It returns that pid (os.getpid()).
- If the file already exists, read it:
  - it holds the pid of a process that is alive (os.kill(pid, 0) succeeds or raises
    PermissionError; this includes the current process) -> raise FileExistsError and leave the
    file untouched;
  - the process is gone (ProcessLookupError), or the file does not hold a positive integer
    (a crash while writing it leaves it empty; and never pass 0 or a negative number to
    os.kill: those address whole process GROUPS) -> it is stale: remove it and try to create it
    again, once more, still with O_EXCL (another copy may have removed it and won meanwhile;
    then that copy wins and you raise FileExistsError).
"""

import os


def acquire_pidfile(path):
    # TODO: check-then-create is a race, and a stale pid file blocks the job forever.
    if os.path.exists(path):
        raise FileExistsError(f"{path} exists: another copy is running")
    with open(path, "w", encoding="ascii") as f:
        f.write(f"{os.getpid()}\n")
    return os.getpid()


# ---------------------------------------------------------------------------------------------
# Tests

import builtins  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import iolings_testkit as kit  # noqa: E402


def read(path):
    with open(path, encoding="ascii") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def dead_pid():
    """The pid of a process that has exited (and been reaped): nobody has it now."""
    outcome = kit.run_killed(os.getpid)  # a forked child returns its pid and exits
    return outcome.returned


def acquire_expecting_refusal(path, why):
    try:
        got = acquire_pidfile(path)
    except FileExistsError:
        return
    raise AssertionError("acquire_pidfile returned %r: %s" % (got, why))


@contextlib.contextmanager
def rival_wins_the_race(path, rival_pid):
    """The first time the code under test tries to CREATE `path`, another copy of the job gets
    there a moment earlier: the file appears, holding the rival's pid, just before the call."""
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open
    done = []

    def rival_creates_it():
        if not done:
            done.append(True)
            fd = real_os_open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, b"%d\n" % rival_pid)
            os.close(fd)

    def same(target):
        return not isinstance(target, int) and os.path.abspath(target) == os.path.abspath(path)

    def fake_open(file, mode="r", *args, **kwargs):
        if same(file) and any(ch in mode for ch in "wax+") and not os.path.lexists(path):
            rival_creates_it()
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(file, flags, *args, **kwargs):
        if same(file) and flags & os.O_CREAT and not os.path.lexists(path):
            rival_creates_it()
        return real_os_open(file, flags, *args, **kwargs)

    builtins.open, io.open, os.open = fake_open, fake_open, fake_os_open  # io.open: pathlib
    try:
        yield
    finally:
        builtins.open, io.open, os.open = real_open, real_io_open, real_os_open


def test_creates_the_pid_file(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    got = acquire_pidfile(path)
    assert got == os.getpid(), "return this process's pid, os.getpid()"
    assert read(path) == "%d\n" % os.getpid(), "the file holds the pid and a newline"


def test_refuses_while_the_owner_is_running(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    running = os.getppid()  # our parent process: certainly alive while this test runs
    write(path, "%d\n" % running)
    acquire_expecting_refusal(
        path, "process %d named in the pid file is alive (os.kill(pid, 0) succeeds): raise "
        "FileExistsError" % running)
    assert read(path) == "%d\n" % running, "leave the running job's pid file untouched"


def test_refuses_while_another_users_process_owns_it(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    write(path, "1\n")  # pid 1 (init) is always alive; unless we are root, it is not ours
    acquire_expecting_refusal(
        path, "process 1 named in the pid file is alive. For an ordinary user os.kill(1, 0) "
        "raises PermissionError (the process exists but belongs to another user): that "
        "still means 'alive', so raise FileExistsError. Only ProcessLookupError means stale")
    assert read(path) == "1\n", "leave the running job's pid file untouched"


def test_refuses_a_second_acquire_by_the_same_process(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    acquire_pidfile(path)
    acquire_expecting_refusal(path, "the pid file names this very process, which is alive")


def test_takes_over_a_stale_pid_file(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    gone = dead_pid()
    write(path, "%d\n" % gone)
    try:
        got = acquire_pidfile(path)
    except FileExistsError:
        raise AssertionError(
            "the pid file names process %d, which has exited (os.kill(%d, 0) raises "
            "ProcessLookupError): it is stale, left by a crashed run. Remove it and create it "
            "again, or the job never runs again." % (gone, gone)) from None
    assert got == os.getpid()
    assert read(path) == "%d\n" % os.getpid(), "the pid file now holds OUR pid"


def test_takes_over_an_empty_pid_file(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    write(path, "")  # the previous run crashed between creating the file and writing to it
    try:
        got = acquire_pidfile(path)
    except ValueError as exc:
        raise AssertionError(
            "an empty (or garbage) pid file made acquire_pidfile crash (%r). It names no "
            "process: treat it as stale." % exc) from None
    except FileExistsError:
        raise AssertionError("an empty pid file names no process: it is stale") from None
    assert got == os.getpid()
    assert read(path) == "%d\n" % os.getpid()


def test_check_and_create_are_one_step(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    rival = os.getppid()  # alive
    with rival_wins_the_race(path, rival):
        try:
            got = acquire_pidfile(path)
        except FileExistsError:
            got = None
    assert read(path) == "%d\n" % rival, (
        "another copy created the pid file between your existence check and your open(), and "
        "you overwrote it: now both copies run. Let os.open(path, os.O_WRONLY | os.O_CREAT | "
        "os.O_EXCL, 0o644) check and create in one step.")
    assert got is None, "the rival won the race: raise FileExistsError"
