"""Sets every file to 0o600, dropping the owner's execute bit and adding write to read-only files."""
# expect: keep what the owner had
"""os4: refuse a secret file that others can read, and lock it down.

ssh refuses a private key that other users can read ("UNPROTECTED PRIVATE KEY FILE!"). A
service that reads an API key or a database password from a file should do the same: if group
or others have access, the secret may already have leaked, and the admin must be told.

Permissions live in os.stat(path).st_mode. That int holds MORE than the permission bits:

    st_mode = 0o100640          a regular file (0o100000) with permissions 0o640
              ^^^^--- file type bits        stat.S_ISREG(st_mode) / stat.S_ISDIR(...)
                  ^^^- permission bits      stat.S_IMODE(st_mode) -> 0o640

so `st_mode == 0o600` is never true for a file: compare stat.S_IMODE(st_mode) (or
st_mode & 0o777). Each octal digit is one class of users, owner/group/others, and each digit
adds up read (4), write (2) and execute (1): 0o640 = owner rw-, group r--, others ---.
`stat.filemode(st_mode)` renders it as '-rw-r-----'. The bits for "group or others have any
access" are 0o077 (stat.S_IRWXG | stat.S_IRWXO).

os.chmod(path, mode) sets the permission bits. The mode is an int, usually written in octal:
os.chmod(path, 600) is DECIMAL 600, which is 0o1130 (sticky bit, --x-wx---): a classic bug.

Your tasks:

- read_secret(path) -> str: return the file's UTF-8 text with surrounding whitespace stripped.
  If group or others have ANY permission on the file (read, write or execute), raise
  PermissionError instead, with a message that contains the permission bits written the way
  oct() writes them, e.g. "0o644", so the admin knows what to fix. Owner-only modes such as
  0o600 and 0o400 are fine.
- tighten(path) -> int: remove every group and others permission bit from the file and keep
  the owner's bits as they are (0o755 -> 0o700, 0o644 -> 0o600, 0o400 stays 0o400). Return the
  new permission bits as an int.

`path` may be a symbolic link (deployment tools and Kubernetes mount secrets that way): judge,
read and tighten the file it leads to, as os.stat(), open() and os.chmod() do by default.

Careful: the machine running these tests may be root, and root can read any file whatever its
mode, so never test "can I open it?" (os.access, try/open): look at the mode bits.
"""

import os
import stat  # noqa: F401  (stat.S_IMODE, stat.filemode, stat.S_IRWXG ...)


def read_secret(path):
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & 0o077:
        raise PermissionError(f"{path} is accessible by group or others (mode {oct(mode)})")
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def tighten(path):
    os.chmod(path, 0o600)
    return 0o600


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
import stat  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def secret_file(folder, mode, text="s3cr3t-token\n"):
    path = os.path.join(folder, "api-%o.key" % mode)  # a new file each time: as non-root you
    # could not reopen a 0o400 file for writing
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_reads_an_owner_only_secret(tmp_path):
    path = secret_file(tmp_path, 0o600)
    try:
        got = read_secret(path)
    except PermissionError as exc:
        raise AssertionError(
            "a 0o600 file was refused (%s). os.stat().st_mode also holds the file type: it is "
            "0o%o here, not 0o600. Look at stat.S_IMODE(st_mode)." % (exc, os.stat(path).st_mode)
        ) from None
    assert got == "s3cr3t-token", "return the text with surrounding whitespace stripped"
    path = secret_file(tmp_path, 0o600, text=" \t pässwört-€42 \r\n\r\n")
    got = read_secret(path)
    assert got == "pässwört-€42", (
        "strip ALL surrounding whitespace, str.strip(): the spaces and tab before the secret and "
        "the '\\r\\n' a Windows editor leaves after it are not part of it (rstrip('\\n') keeps "
        "them). Read it as UTF-8.")


def test_a_secret_reached_through_a_symlink(tmp_path):
    real = secret_file(tmp_path, 0o600)
    link = os.path.join(tmp_path, "current.key")
    os.symlink(os.path.basename(real), link)  # a symlink's own mode is always 0o777
    try:
        with kit.no_leaked_files():
            got = read_secret(link)
    except PermissionError as exc:
        raise AssertionError(
            "a symlink to a 0o600 secret was refused (%s): os.lstat() describes the link "
            "itself, whose mode is always 0o777. Judge the file it leads to: os.stat()." % exc
        ) from None
    assert got == "s3cr3t-token"
    exposed = secret_file(tmp_path, 0o644)
    os.remove(link)
    os.symlink(os.path.basename(exposed), link)
    got = tighten(link)
    assert (oct(mode_of(exposed)), got) == ("0o600", 0o600), (
        "tighten() through a symlink to a 0o644 file: the target must become 0o600, computed "
        "from the TARGET's bits (os.stat(), not os.lstat(), whose 0o777 is the link's)")


def test_read_only_for_the_owner_is_private_too(tmp_path):
    for mode in (0o400, 0o700, 0o500):
        path = secret_file(tmp_path, mode)
        try:
            got = read_secret(path)
        except PermissionError as exc:
            raise AssertionError(
                "a 0o%o file was refused (%s), but nobody except the owner can touch it. Refuse "
                "only when a GROUP or OTHERS bit is set: S_IMODE(st_mode) & 0o077 != 0 (not a "
                "list of allowed modes, not a comparison like mode > 0o600)" % (mode, exc)
            ) from None
        assert got == "s3cr3t-token"


def test_refuses_when_group_or_others_have_any_access(tmp_path):
    for mode in (0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o601, 0o666, 0o440, 0o404, 0o470):
        path = secret_file(tmp_path, mode)
        try:
            read_secret(path)
        except PermissionError as exc:
            assert oct(mode) in str(exc), (
                "say what is wrong: put the permission bits in octal, oct(stat.S_IMODE(st_mode)) "
                "= %r, in the PermissionError message" % oct(mode))
        else:
            raise AssertionError(
                "a secret with mode %s (%s) was accepted: group or others have access. Raise "
                "PermissionError when stat.S_IMODE(st_mode) & 0o077 is not 0 (never try "
                "os.access or opening it: root can read anything)."
                % (oct(mode), stat.filemode(os.stat(path).st_mode)))


def test_tighten_removes_group_and_other_bits(tmp_path):
    path = secret_file(tmp_path, 0o644)
    got = tighten(path)
    assert mode_of(path) != 600, (
        "os.chmod(path, 600) is DECIMAL 600 = 0o1130 (sticky, --x-wx---). Write modes in "
        "octal: 0o600.")
    assert oct(mode_of(path)) == "0o600", "0o644 tightened is 0o600 (rw- --- ---)"
    assert not (isinstance(got, int) and got & ~0o7777), (
        "tighten returned %s: that is a whole st_mode, file type bits included. Return only "
        "the permission bits, stat.S_IMODE(st_mode)" % oct(got))
    assert got == 0o600, "return the new permission bits, here 0o600 (384 in decimal)"


def test_tighten_keeps_the_owner_bits(tmp_path):
    for before, after in ((0o755, 0o700), (0o640, 0o600), (0o444, 0o400), (0o600, 0o600),
                          (0o700, 0o700)):
        path = secret_file(tmp_path, before)
        got = tighten(path)
        assert oct(mode_of(path)) == oct(after), (
            "%s tightened is %s: clear only the group/others bits, "
            "os.chmod(path, stat.S_IMODE(st_mode) & ~0o077), and keep what the owner had "
            "(a script stays executable, a read-only file stays read-only)"
            % (oct(before), oct(after)))
        assert got == after, "return the new permission bits (%s)" % oct(after)
