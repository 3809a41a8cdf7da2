"""Calls os.write(fd, data) once and ignores how many bytes it actually wrote."""
# expect: may write FEWER bytes
"""os5: create a secret file that is never readable by others, not even for an instant.

A deploy script writes a freshly generated API token to a file. The obvious code

    with open(path, "w") as f:          # the file is created HERE, with mode 0o666 & ~umask
        f.write(token)
    os.chmod(path, 0o600)               # ... and only locked down HERE

has two holes:

1. A window. open() creates the file with mode 0o666 minus the process's umask: 0o644
   (readable by everyone) with the usual umask 0o022, 0o666 with umask 0o000. Another user's
   process that opens the file during the window keeps its descriptor, and can read the token
   after your chmod: permissions are checked when a file is OPENED, never again afterwards.
2. It follows whatever is already at `path`. If an attacker created a symlink there (say
   /tmp/deploy.key -> /home/you/.bashrc), open("w") follows it and overwrites the target.
   An existing file is silently truncated.

The os module exposes the system call that solves both at once:

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

- O_CREAT | O_EXCL: create the file, and fail with FileExistsError if ANYTHING is already at
  `path`, including a symlink (even one pointing nowhere). The check and the creation are one
  atomic step, so nobody can slip a file in between.
- 0o600: the mode the file is BORN with (minus the umask, which can only remove bits), so
  there is no window. You never need chmod afterwards.
- The result is a raw file descriptor, an int. Nothing closes it for you: wrap it at once
  with `with os.fdopen(fd, "wb") as f:` (which also loops until every byte is written), or
  call os.write() in a loop and os.close(fd) in a `finally:`.

Your task: fix create_secret(path, data: bytes) -> None. It creates a NEW file at `path`
holding exactly `data`, with mode 0o600 from the moment it exists, whatever the umask is. If
anything already exists at `path` (a file, a symlink, a dangling symlink), it raises
FileExistsError and changes nothing. It leaves no file descriptor open. It must not change
the process's umask either (or must put it back: the umask is shared by every thread).

(pathlib's open()/write_bytes() cannot pass a creation mode: this is a job for os.open.)
"""

import os


def create_secret(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import os  # noqa: E402
import stat  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@contextlib.contextmanager
def process_umask(mask):
    """Run the block with this umask, and check that the code under test did not change it."""
    old = os.umask(mask)
    try:
        yield
        now = os.umask(mask)
        assert oct(now) == oct(mask), (
            "create_secret changed the process umask (%s, was %s) and did not restore it: the "
            "umask is shared by the whole process. Prefer os.open(..., 0o600), or restore the old "
            "umask in a finally: block." % (oct(now), oct(mask)))
    finally:
        os.umask(old)


@contextlib.contextmanager
def watch_chmod():
    """Record the mode a file had just BEFORE each os.chmod/os.fchmod call (then let it run)."""
    seen = []
    real_chmod, real_fchmod = os.chmod, os.fchmod

    def chmod(path, mode, *args, **kwargs):
        if not isinstance(path, int):
            seen.append((os.fspath(path), oct(mode_of(path))))
        return real_chmod(path, mode, *args, **kwargs)

    def fchmod(fd, mode):
        seen.append(("fd %d" % fd, oct(stat.S_IMODE(os.fstat(fd).st_mode))))
        return real_fchmod(fd, mode)

    os.chmod, os.fchmod = chmod, fchmod
    try:
        yield seen
    finally:
        os.chmod, os.fchmod = real_chmod, real_fchmod


def open_descriptors():
    for folder in ("/proc/self/fd", "/dev/fd"):
        if os.path.isdir(folder):
            return len(os.listdir(folder))
    return None


def test_writes_the_data(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    create_secret(path, b"tok_4f1c9e\n")
    with open(path, "rb") as f:
        got = f.read()
    assert got == b"tok_4f1c9e\n", "the file holds exactly the bytes given"


def test_mode_is_0600_whatever_the_umask(tmp_path):
    for mask in (0o022, 0o002, 0o077):
        path = os.path.join(tmp_path, "deploy-%o.key" % mask)
        with process_umask(mask):
            create_secret(path, b"tok")
        assert oct(mode_of(path)) == "0o600", (
            "with umask %s the secret must end up owner-only: rw------- (0o600)" % oct(mask))


def test_never_readable_by_others_even_for_an_instant(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    with process_umask(0o000), watch_chmod() as chmods:  # a permissive umask: open() -> 0o666
        create_secret(path, b"tok")
    early = [(where, mode) for where, mode in chmods if int(mode, 8) & 0o077]
    assert early == [], (
        "the file was readable by others before you locked it down: each (path, mode) in the "
        "list is one chmod call and the mode the file ALREADY had just before it. A process "
        "that opens the file in that window keeps reading after the chmod. "
        "Create it with os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600) so it is "
        "born private.")
    assert oct(mode_of(path)) == "0o600", (
        "with umask 0o000 the file must still be 0o600: pass the mode to os.open()")


def test_refuses_to_overwrite_an_existing_file(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    with open(path, "wb") as f:
        f.write(b"the token production uses")
    raised = None
    with process_umask(0o022):  # an error must not leave the umask changed either
        try:
            create_secret(path, b"new")
        except FileExistsError as exc:
            raised = exc
    with open(path, "rb") as f:
        after = f.read()
    assert after == b"the token production uses", (
        "an existing file was overwritten: O_CREAT alone opens what is there (and O_TRUNC or "
        "open('w') empties it; os.replace() puts another file in its place). Create it with "
        "os.O_CREAT | os.O_EXCL, which fails when anything exists at the path.")
    assert raised is not None, "raise FileExistsError when the path already exists"


def test_refuses_a_planted_symlink(tmp_path):
    target = os.path.join(tmp_path, "victim.txt")  # does not exist yet
    path = os.path.join(tmp_path, "deploy.key")
    os.symlink(target, path)  # an attacker got there first
    raised = None
    try:
        create_secret(path, b"tok")
    except FileExistsError as exc:
        raised = exc
    assert not os.path.exists(target), (
        "create_secret followed a symlink planted at the path and created/wrote its target. "
        "os.O_EXCL refuses any existing entry, even a symlink that points nowhere.")
    assert raised is not None, "raise FileExistsError when something (here a symlink) is there"


def test_no_descriptor_left_open(tmp_path):
    before = open_descriptors()
    for i in range(5):
        create_secret(os.path.join(tmp_path, "key%d" % i), b"tok")
    after = open_descriptors()
    assert after == before, (
        "file descriptors left open: os.open() returns a bare int that nothing closes for you. "
        "Wrap it with `with os.fdopen(fd, 'wb') as f:`, or os.close(fd) in a finally: block.")


@contextlib.contextmanager
def attacker_right_after_the_first_check(action):
    """Run `action` once, just after the first existence check (os.stat, os.lstat, os.access,
    os.listdir, os.scandir: os.path.exists/lexists/isfile and Path.exists all end up there)
    has returned: what another process can do between a check and the use of its answer."""
    names = ("stat", "lstat", "access", "listdir", "scandir")
    real = {name: getattr(os, name) for name in names}
    done = []

    def make(name):
        def checked(*args, **kwargs):
            try:
                return real[name](*args, **kwargs)
            finally:
                if not done:
                    done.append(name)
                    action()
        return checked

    for name in names:
        setattr(os, name, make(name))
    try:
        yield done
    finally:
        for name in names:
            setattr(os, name, real[name])


def test_every_byte_is_written_even_when_os_write_is_short(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    data = bytes(range(256)) * 40
    with kit.short_writes(1000):  # os.write and unbuffered files write <= 1000 bytes a call
        create_secret(path, data)
    with open(path, "rb") as f:
        got = f.read()
    assert len(got) == len(data), (
        "the file holds %d of the %d bytes: os.write(fd, data) may write FEWER bytes than "
        "given and returns how many it wrote, and so may write() on an unbuffered file "
        "(buffering=0). Loop until everything is written, or let a buffered "
        "os.fdopen(fd, 'wb').write() do it" % (len(got), len(data)))
    assert got == data, "the file holds exactly the bytes given"


def test_no_descriptor_left_open_when_writing_fails(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    before = open_descriptors()
    leaked = None
    with kit.failing_writes(errno.ENOSPC):  # the disk is full
        try:
            create_secret(path, b"tok" * 1000)
        except OSError:
            leaked = open_descriptors() - before  # while the error is still being handled
        else:
            raise AssertionError("every write failed with ENOSPC, yet create_secret returned: "
                                 "let the OSError propagate")
    assert leaked == 0, (
        "a write failed (disk full) and %s descriptor(s) stayed open: close the file on the "
        "error path too. `with os.fdopen(fd, 'wb') as f:` does, or os.close(fd) in a finally: "
        "block" % leaked)


def test_no_gap_between_check_and_create(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    victim = os.path.join(tmp_path, "victim.txt")  # e.g. ~/.bashrc
    raised = None
    with attacker_right_after_the_first_check(lambda: os.symlink(victim, path)) as checked:
        try:
            create_secret(path, b"tok")
        except FileExistsError as exc:
            raised = exc
    if not checked:
        return  # no separate check at all: nothing to slip in between
    assert not os.path.exists(victim), (
        "a symlink planted at the path between your existence check and your open() was "
        "followed, and its target written. A check (os.path.exists, lexists, os.access...) "
        "answers for a moment that is already past: let os.open(path, os.O_WRONLY | "
        "os.O_CREAT | os.O_EXCL, 0o600) check and create in one step.")
    assert raised is not None, "something appeared at the path: raise FileExistsError"


@contextlib.contextmanager
def swapped_right_after_creation(path, victim):
    """Just after os.open() has created `path`, another user replaces it with a symlink to
    `victim` (anyone who may write to the folder can, as in /tmp)."""
    real_open = os.open
    done = []

    def os_open(file, flags, *args, **kwargs):
        fd = real_open(file, flags, *args, **kwargs)
        if (not done and flags & os.O_CREAT and not isinstance(file, int)
                and os.path.abspath(file) == os.path.abspath(path)):
            done.append(True)
            os.remove(path)
            os.symlink(victim, path)
        return fd

    os.open = os_open
    try:
        yield done
    finally:
        os.open = real_open


def test_writes_through_the_descriptor_it_created(tmp_path):
    path = os.path.join(tmp_path, "deploy.key")
    victim = os.path.join(tmp_path, "victim.txt")  # e.g. ~/.bashrc
    with swapped_right_after_creation(path, victim):
        try:
            create_secret(path, b"tok")
        except OSError:
            pass  # noticing the swap is fine too
    assert not os.path.exists(victim), (
        "after creating the file you opened it again BY NAME (open(path, 'wb'), "
        "Path.write_bytes ...): by then another process had replaced it with a symlink, and "
        "the secret went to the symlink's target. Write through the descriptor os.open() "
        "returned: `with os.fdopen(fd, 'wb') as f: f.write(data)`.")
