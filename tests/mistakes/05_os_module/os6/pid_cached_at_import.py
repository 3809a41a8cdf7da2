"""Stores PID = os.getpid() at import: a forked child writes its parent's pid."""
# expect: a pid stored at import time is the parent's
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

PID = os.getpid()


def _stale(path):
    try:
        with open(path, encoding="ascii") as f:
            pid = int(f.read())
    except ValueError:
        return True
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire_pidfile(path):
    for attempt in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if attempt or not _stale(path):
                raise
            os.remove(path)
            continue
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(f"{PID}\n")
        return PID


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
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
    there a moment earlier: the file appears, holding the rival's pid, just before the call
    (rival_pid=None: the rival has created it but not written its pid yet)."""
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open
    done = []

    def rival_creates_it():
        if not done:
            done.append(True)
            fd = real_os_open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            if rival_pid is not None:
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
        yield done
    finally:
        builtins.open, io.open, os.open = real_open, real_io_open, real_os_open


def open_descriptors():
    for folder in ("/proc/self/fd", "/dev/fd"):
        if os.path.isdir(folder):
            return len(os.listdir(folder))
    return None


@contextlib.contextmanager
def kill_checks(foreign=()):
    """Watch os.kill: pids in `foreign` belong to another user (os.kill raises PermissionError,
    as it would for an ordinary user; root is never refused). A pid of 0 or below is recorded
    and NOT sent: it would address a whole process group."""
    real_kill = os.kill
    groups = []

    def kill(pid, sig):
        if pid <= 0:
            groups.append(pid)
            return None  # what the kernel says for a group we may signal: "it exists"
        if pid in foreign:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        return real_kill(pid, sig)

    os.kill = kill
    try:
        yield groups
    finally:
        os.kill = real_kill


def test_creates_the_pid_file(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    old = os.umask(0o022)
    before = open_descriptors()
    try:
        with kit.no_leaked_files():
            got = acquire_pidfile(path)
    finally:
        os.umask(old)
    assert open_descriptors() == before, (
        "a file descriptor was left open: os.open() returns a bare int that nothing closes "
        "for you. Wrap it with `with os.fdopen(fd, 'w', encoding='ascii') as f:`, or call "
        "os.close(fd) in a finally: block")
    assert got == os.getpid(), "return this process's pid, os.getpid()"
    assert read(path) == "%d\n" % os.getpid(), "the file holds the pid and a newline"
    mode = os.stat(path).st_mode & 0o777
    assert oct(mode) == "0o644", (
        "with umask 0o022 the pid file got mode %s: give os.open() its mode, "
        "os.open(path, flags, 0o644). Without one it is 0o777 minus the umask: an executable "
        "pid file" % oct(mode))


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
    write(path, "1\n")  # pid 1 (init) is always alive, and it belongs to root
    with kill_checks(foreign={1}):  # as an ordinary user sees it, also when we are root
        acquire_expecting_refusal(
            path, "process 1 named in the pid file is alive. For an ordinary user "
            "os.kill(1, 0) raises PermissionError (the process exists but belongs to another "
            "user): that still means 'alive', so raise FileExistsError. Only "
            "ProcessLookupError means stale")
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
        with kit.no_leaked_files():  # reading the stale file must close it too
            got = acquire_pidfile(path)
    except FileExistsError:
        raise AssertionError(
            "the pid file names process %d, which has exited (os.kill(%d, 0) raises "
            "ProcessLookupError): it is stale, left by a crashed run. Remove it and create it "
            "again, or the job never runs again." % (gone, gone)) from None
    assert got == os.getpid()
    assert read(path) == "%d\n" % os.getpid(), "the pid file now holds OUR pid"


def test_takes_over_an_empty_or_garbage_pid_file(tmp_path):
    # "": the previous run crashed between creating the file and writing to it
    for text in ("", "\n", "abc\n", "pid=42\n", "0\n", "-1\n"):
        path = os.path.join(tmp_path, "cleanup.pid")
        write(path, text)
        with kill_checks() as groups:
            try:
                got = acquire_pidfile(path)
            except ValueError as exc:
                raise AssertionError(
                    "an empty (or garbage) pid file, %r, made acquire_pidfile crash (%r). It "
                    "names no process: treat it as stale." % (text, exc)) from None
            except FileExistsError:
                why = ("os.kill(0, 0) or os.kill(-1, 0) 'succeeds' because 0 and negative "
                       "numbers address process GROUPS: only a positive integer is a pid"
                       if text.strip().lstrip("-").isdigit() else
                       "a crash while writing it, or a file someone else wrote, must not "
                       "block every future run")
                raise AssertionError(
                    "a pid file holding %r names no process: it is stale, %s" % (text, why)
                ) from None
        assert groups == [], (
            "os.kill(%d, 0) was called for a pid file holding %r: 0 and negative numbers "
            "address whole process groups (-1: every process you may signal). Check that the "
            "pid is a positive integer before calling os.kill" % (groups[0], text))
        assert got == os.getpid()
        assert read(path) == "%d\n" % os.getpid(), "the pid file now holds OUR pid"
        os.remove(path)


def test_check_and_create_are_one_step(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    rival = os.getppid()  # alive
    with rival_wins_the_race(path, rival):
        try:
            got = acquire_pidfile(path)
        except FileExistsError:
            got = FileExistsError
    assert read(path) == "%d\n" % rival, (
        "another copy created the pid file between your existence check and your open(), and "
        "you overwrote it: now both copies run. Let os.open(path, os.O_WRONLY | os.O_CREAT | "
        "os.O_EXCL, 0o644) check and create in one step.")
    assert got is FileExistsError, (
        "the rival won the race: raise FileExistsError (acquire_pidfile returned %r)" % (got,))


def test_a_rival_wins_after_the_stale_file_is_removed(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    write(path, "%d\n" % dead_pid())
    rival = os.getppid()  # alive
    with rival_wins_the_race(path, rival) as rival_ran:
        try:
            got = acquire_pidfile(path)
        except FileExistsError:
            got = FileExistsError
    if not rival_ran:
        return  # the stale file was never removed: the next test looks at that
    assert read(path) == "%d\n" % rival, (
        "another copy of the job saw the same stale file, removed it and created its own pid "
        "file just before you created yours, and you overwrote it: now both copies run. After "
        "removing a stale file, create it again with O_CREAT | O_EXCL too.")
    assert got is FileExistsError, (
        "the rival won the race for the stale file: raise FileExistsError, don't return "
        "(acquire_pidfile returned %r)" % (got,))


def test_a_stale_entry_is_replaced_not_written_through(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    victim = os.path.join(tmp_path, "settings.conf")
    write(victim, "x = 1\n")
    os.symlink(victim, path)  # planted where the pid file goes: its "pid" is not a number
    try:
        got = acquire_pidfile(path)
    except FileExistsError:
        raise AssertionError(
            "the pid file (a symlink to a file holding 'x = 1\\n') names no process: it is "
            "stale. Remove it and create the pid file again") from None
    assert read(victim) == "x = 1\n", (
        "the stale pid file was a symlink, and the file it points to was overwritten with the "
        "pid: open(path, 'w') on the stale file follows it. Remove the stale entry (os.remove "
        "deletes the link itself) and create a new file with O_CREAT | O_EXCL, which never "
        "follows a symlink.")
    assert not os.path.islink(path) and read(path) == "%d\n" % got, (
        "the pid file is now a new regular file holding our pid")


def test_in_a_forked_child(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    outcome = kit.run_killed(lambda: (os.getpid(), acquire_pidfile(path), read(path)))
    assert outcome.error is None, "acquire_pidfile raised in the forked child: %s" % outcome.error
    child, got, text = outcome.returned
    assert (got, text.strip()) == (child, str(child)), (
        "a child made by fork() (a worker, a daemonised job) must write and return ITS pid, "
        "%d: a pid stored at import time is the parent's. Call os.getpid() when acquiring."
        % child)
    assert text == "%d\n" % child, "the file holds the pid and a newline"


def test_a_rival_still_writing_its_pid_file_has_won(tmp_path):
    path = os.path.join(tmp_path, "cleanup.pid")
    write(path, "%d\n" % dead_pid())
    with rival_wins_the_race(path, None) as rival_ran:  # created, its pid not written yet
        try:
            got = acquire_pidfile(path)
        except FileExistsError:
            got = FileExistsError
    if not rival_ran:
        return  # the stale file was never removed: test_a_stale_entry_... looks at that
    assert got is FileExistsError and os.path.exists(path), (
        "after you removed the stale file, another copy created it a moment before your second "
        "O_EXCL try, and has not written its pid YET: the file is empty, like a stale one. That "
        "copy has won: when the second try fails too, raise FileExistsError; don't judge its "
        "file stale and take it over (then both copies run).")
