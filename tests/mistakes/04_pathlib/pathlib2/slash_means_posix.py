"""Parses the client's name as a POSIX path as soon as it contains a '/', though Windows paths may mix '/' and '\\'."""
# expect: a '/' does not make it a POSIX path
r"""pathlib2: one code path for POSIX and Windows paths.

Path() gives you the flavour of the machine you run on (PosixPath on Linux and macOS,
WindowsPath on Windows). The *pure* classes do no I/O at all, so you can build and take apart
paths of EITHER flavour on any machine:

    >>> from pathlib import PurePosixPath, PureWindowsPath
    >>> win = PureWindowsPath(r"C:\media") / "users" / "42"
    >>> str(win)
    'C:\\media\\users\\42'
    >>> PureWindowsPath(r"C:\media\users\42\a.png").relative_to(r"C:\media").as_posix()
    'users/42/a.png'
    >>> PureWindowsPath(r"C:\Users\bob\report.pdf").name
    'report.pdf'

Code that glues strings with "/" or slices them with len() works on the developer's laptop and
breaks on the Windows build agent. Code that uses the path's own methods works on both. The tests
below prove it by passing you BOTH flavours: every function gets its flavour from the `root`
argument, and must build its results from it (so never call Path(...) here).

A media service stores files on local disk under `root` and mirrors them to object storage, whose
keys always use "/" whatever the operating system. Write three functions.

storage_key(root, path) -> str
    `root` and `path` are pure paths of the same flavour; `path` is a file under `root`. Return
    the object-storage key: the part of `path` below `root`, with "/" between the parts.
        /srv/media  and  /srv/media/users/42/a.png    ->  "users/42/a.png"
        C:\media    and  C:\media\users\42\a.png      ->  "users/42/a.png"
    Windows paths are case-insensitive, so C:\Media and c:\media\a.png give "a.png".
    Raise ValueError if `path` is not inside `root`.

local_path(root, key) -> PurePath
    The reverse: the path under `root` for a key such as "users/42/a.png". Return a path of the
    SAME class as `root` (a PureWindowsPath root gives a PureWindowsPath).

client_filename(raw) -> str
    Browsers send the upload's file name, and some old ones send the whole client-side path,
    which may be a Windows one: C:\Users\bob\Desktop\report.pdf. Return only the final
    name ("report.pdf"), whether `raw` is a Windows path, a POSIX path or a bare name.
    Hint: a Windows path accepts both "\" and "/" as separators.
"""

from pathlib import PurePosixPath, PureWindowsPath
import os, ntpath, posixpath

def storage_key(root, path):
    return path.relative_to(root).as_posix()

def local_path(root, key):
    return root / key

def client_filename(raw):
    if "\\" in raw and "/" not in raw:
        return PureWindowsPath(raw).name
    return PurePosixPath(raw).name


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

from pathlib import PurePosixPath, PureWindowsPath  # noqa: E402


POSIX_ROOT = PurePosixPath("/srv/media")
WINDOWS_ROOT = PureWindowsPath(r"C:\media")


def test_storage_key_posix():
    got = storage_key(POSIX_ROOT, POSIX_ROOT / "users" / "42" / "avatar.png")
    assert got == "users/42/avatar.png", "the key is the part of the path below root"


def test_storage_key_windows():
    got = storage_key(WINDOWS_ROOT, PureWindowsPath(r"C:\media\users\42\avatar.png"))
    assert got == "users/42/avatar.png", (
        "object-storage keys use '/' on every platform: str() of a Windows path uses '\\', "
        "path.relative_to(root).as_posix() gives '/'"
    )


def test_storage_key_windows_ignores_case():
    got = storage_key(PureWindowsPath(r"C:\Media"), PureWindowsPath(r"c:\media\users\a.png"))
    assert got == "users/a.png", (
        "Windows paths are case-insensitive: C:\\Media and c:\\media are the same folder. "
        "PureWindowsPath.relative_to knows that, string slicing and startswith do not"
    )


def test_storage_key_keeps_names_as_they_are():
    got = storage_key(POSIX_ROOT, POSIX_ROOT / "scans" / "odd\\name.png")
    assert got == "scans/odd\\name.png", (
        "on POSIX a backslash is an ordinary character of a file name (this one is called "
        "'odd\\name.png'): as_posix() keeps it, replacing every '\\' with '/' turns one name "
        "into two folders"
    )
    got = storage_key(WINDOWS_ROOT, PureWindowsPath(r"c:\MEDIA\Users\Photo.PNG"))
    assert got == "Users/Photo.PNG" or got.lower() != "users/photo.png", (
        "root and path match case-insensitively on Windows, but the key keeps the path's own "
        "spelling: relative_to() does both, lower-casing the strings loses the case"
    )
    assert got == "Users/Photo.PNG", (
        "c:\\MEDIA\\Users\\Photo.PNG is Users\\Photo.PNG below C:\\media, so its key is "
        "'Users/Photo.PNG': path.relative_to(root).as_posix()"
    )


def test_storage_key_outside_root_raises():
    for outside in ("/srv/other/a.png", "/srv/media2/a.png", "/etc/passwd"):
        try:
            got = storage_key(POSIX_ROOT, PurePosixPath(outside))
        except ValueError:
            continue
        raise AssertionError(
            "%s is not inside %s, yet storage_key returned %r: raise ValueError "
            "(path.relative_to(root) raises it for you; slicing off len(root) characters "
            "does not check anything)" % (outside, POSIX_ROOT, got)
        )


def test_local_path_posix():
    got = local_path(POSIX_ROOT, "users/42/avatar.png")
    assert got == PurePosixPath("/srv/media/users/42/avatar.png"), (
        "the path is root joined with the key (root / key, not str(root) + '/' + key)"
    )


def test_local_path_keeps_the_flavour_of_root():
    got = local_path(WINDOWS_ROOT, "users/42/avatar.png")
    assert type(got) is PureWindowsPath, (
        "return a path of the same flavour as root: build it from root itself "
        "(root / ... or root.joinpath(...)); Path(...) is always the flavour of THIS machine, "
        "and a str is no path at all"
    )
    assert str(got) == r"C:\media\users\42\avatar.png", (
        "a Windows path is written with backslashes: join the key onto root with pathlib"
    )


def test_round_trip_both_flavours():
    for root in (POSIX_ROOT, WINDOWS_ROOT):
        path = root / "2024" / "05" / "scan.final.pdf"
        key = storage_key(root, path)
        assert key == "2024/05/scan.final.pdf", "storage_key(%r, %r)" % (root, path)
        back = local_path(root, key)
        assert back == path, "local_path(root, storage_key(root, p)) must give back p"
    path = POSIX_ROOT / "scans" / "odd\\name.png"
    back = local_path(POSIX_ROOT, storage_key(POSIX_ROOT, path))
    assert back == path, (
        "the key 'scans/odd\\name.png' names the POSIX file odd\\name.png in scans: split the "
        "key on '/' only (or use root / key), a backslash is part of the name"
    )


def test_local_path_under_the_file_system_root():
    got = local_path(PurePosixPath("/"), "a.png")
    assert got == PurePosixPath("/a.png"), (
        "root may be '/' itself: gluing str(root) + '/' + key gives '//a.png', which POSIX "
        "treats as a different root. Join with pathlib: root / key"
    )


def test_client_filename_windows_path():
    got = client_filename(r"C:\Users\bob\Desktop\report.pdf")
    assert got == "report.pdf", (
        "this name came from a Windows browser: os.path.basename on Linux only splits on '/', "
        "so parse it with PureWindowsPath(raw).name"
    )
    got = client_filename("C:/Users/bob\\Desktop\\report.pdf")
    assert got == "report.pdf", (
        "Windows accepts '/' and '\\' in the SAME path, so a '/' does not make it a POSIX path: "
        "PureWindowsPath(raw).name splits on both separators"
    )


def test_client_filename_posix_path_and_bare_name():
    assert client_filename("/home/ann/scans/scan 01.png") == "scan 01.png", (
        "a POSIX path must work too (PureWindowsPath accepts '/' as a separator)"
    )
    assert client_filename("notes.txt") == "notes.txt", "a bare name is returned unchanged"
