"""Refuses '..' parts and absolute paths but never resolves, so a symlink out of base gets through."""
# expect: check the path resolve() gives
"""pathlib6: a safe join that refuses to leave its base directory.

A download endpoint serves files from a storage directory:  GET /files/<name>  reads
base / name. If `name` comes from the client unchecked, the client picks ANY file the server
can read (this is called path traversal):

    base / "../../etc/passwd"       climbs out with ".."
    base / "/etc/passwd"            an absolute right-hand side REPLACES the left one entirely
    base / "avatars/link"           a symlink inside base may point anywhere

Checks on the string cannot see all of these. `".." in name` misses the symlink (and refuses
the harmless file "notes..txt"); `str(target).startswith(str(base))` accepts /srv/files2/x,
a SIBLING directory whose name merely starts with "files". The reliable way asks the file
system where the path really leads, then compares paths part by part:

    target = (base / name).resolve()      # makes it absolute, removes "..", follows symlinks
    target.is_relative_to(base)           # compares parts: /srv/files2 is NOT under /srv/files

(resolve() also works for paths that do not exist yet, such as a file about to be uploaded.
Path.is_relative_to needs Python 3.9 or newer.)

safe_join(base, user_path) -> Path
    `base` is a Path to the storage directory (possibly relative, possibly not in canonical
    form, e.g. "data/../files"); `user_path` is the str the client sent. Return the resolved,
    absolute Path that user_path names inside base.
    Raise ValueError if that path is not inside base: this covers "../" tricks, absolute paths
    such as "/etc/passwd", and symlinks that lead out of base. Resolve `base` too before you
    compare (it may itself be reached through a symlink), or a perfectly good name is refused.
    Normal nested names such as "users/42/avatar.png" are accepted, whether the file exists
    yet or not.
"""

import os
from pathlib import Path


# === Your code ===================================================================================


def safe_join(base, user_path):
    requested = Path(user_path)
    if requested.is_absolute() or ".." in requested.parts:
        raise ValueError("%r points outside %s" % (user_path, base))
    return (Path(base) / requested).resolve()


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
from pathlib import Path  # noqa: E402


def make_storage(tmp_path):
    """tmp_path/files (the base) with users/42/avatar.png, and a secret file OUTSIDE it."""
    base = tmp_path / "files"
    (base / "users" / "42").mkdir(parents=True)
    (base / "users" / "42" / "avatar.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.txt").write_text("database password\n", encoding="utf-8")
    return base


REFUSED = "<refused: safe_join raised ValueError>"


def refused(base, user_path):
    """REFUSED if safe_join raised ValueError; otherwise the value it returned."""
    try:
        got = safe_join(base, user_path)
    except ValueError:
        return REFUSED
    return got


def test_accepts_a_nested_name(tmp_path):
    base = make_storage(tmp_path)
    got = safe_join(base, "users/42/avatar.png")
    assert got == (base / "users" / "42" / "avatar.png").resolve(), (
        "a normal name inside base is accepted: return the resolved path base / user_path"
    )


def test_accepts_a_file_that_does_not_exist_yet(tmp_path):
    base = make_storage(tmp_path)
    got = safe_join(base, "uploads/2024/new.bin")
    assert got == (base / "uploads" / "2024" / "new.bin").resolve(), (
        "an upload that is about to be written does not exist yet, and is still fine: "
        "resolve() works on paths that do not exist"
    )


def test_accepts_double_dots_inside_a_name(tmp_path):
    base = make_storage(tmp_path)
    got = refused(base, "notes..txt")
    assert got == (base / "notes..txt").resolve(), (
        "'notes..txt' is an ordinary file name: '..' inside a name is not a parent directory. "
        "Checking `'..' in user_path` refuses it (and still misses symlinks): resolve and "
        "compare paths instead"
    )


def test_refuses_parent_escape(tmp_path):
    base = make_storage(tmp_path)
    for evil in ("../secret.txt", "users/../../secret.txt", "../../../../../../etc/passwd"):
        got = refused(base, evil)
        assert got == REFUSED, (
            "%r climbs out of base with '..', yet safe_join returned %r: raise ValueError"
            % (evil, got)
        )


def test_refuses_absolute_path(tmp_path):
    base = make_storage(tmp_path)
    got = refused(base, "/etc/passwd")
    assert got == REFUSED, (
        "base / '/etc/passwd' is just /etc/passwd (an absolute right-hand side replaces the "
        "base), yet safe_join returned %r: raise ValueError" % (got,)
    )


def test_refuses_sibling_with_same_prefix(tmp_path):
    base = make_storage(tmp_path)
    sibling = tmp_path / "files2"  # its name starts with "files" too
    sibling.mkdir()
    (sibling / "other-tenant.csv").write_text("private\n", encoding="utf-8")
    got = refused(base, "../files2/other-tenant.csv")
    assert got == REFUSED, (
        "files2 is a sibling of files, not inside it, yet safe_join returned %r. "
        "str(target).startswith(str(base)) is fooled because 'files2' starts with 'files': "
        "compare paths with target.is_relative_to(base)" % (got,)
    )


def test_refuses_symlink_leading_outside(tmp_path):
    base = make_storage(tmp_path)
    os.symlink(tmp_path / "secret.txt", base / "users" / "42" / "notes.txt")
    os.symlink(tmp_path, base / "backup")  # a link to a directory outside base
    os.symlink("../../../secret.txt", base / "users" / "42" / "old.txt")  # a relative link out
    for evil in ("users/42/notes.txt", "backup/secret.txt", "users/42/old.txt",
                 "backup/../secret.txt"):
        got = refused(base, evil)
        assert got == REFUSED, (
            "%r goes through a symlink that points out of base, yet safe_join returned %r. "
            "Only the file system knows where a link leads (relative links, and '..' after a "
            "link, which climbs from the link's TARGET): check the path resolve() gives, not "
            "the text" % (evil, got)
        )


def test_accepts_symlink_staying_inside(tmp_path):
    base = make_storage(tmp_path)
    os.symlink(base / "users" / "42", base / "me")  # a link that stays inside base
    got = refused(base, "me/avatar.png")
    assert got == (base / "users" / "42" / "avatar.png").resolve(), (
        "a symlink that leads to another place INSIDE base is fine: return the resolved path"
    )
    got = refused(base, "me/../42/avatar.png")
    assert got != REFUSED, (
        "me is a link to users/42, so me/.. is users (the '..' climbs from where the link "
        "leads) and me/../42/avatar.png is users/42/avatar.png, inside base. Refusing every "
        "'..' refuses good names: resolve the path and compare where it really leads"
    )
    assert got == (base / "users" / "42" / "avatar.png").resolve(), (
        "me is a link to users/42, so me/.. is users (the '..' climbs from where the link "
        "leads), and me/../42/avatar.png is users/42/avatar.png. Removing 'me/..' as text "
        "(os.path.normpath, abspath) names another file: let resolve() do it, got %r" % (got,)
    )


def test_base_reached_through_a_symlink(tmp_path):
    base = make_storage(tmp_path)
    os.symlink(base, tmp_path / "srv-files")  # the service is configured with this path
    got = refused(tmp_path / "srv-files", "users/42/avatar.png")
    assert got != REFUSED, (
        "base is srv-files, a symlink to files, and a good name was refused: the resolved "
        "target lies under files, so compare it with the RESOLVED base. absolute() and "
        "os.path.abspath keep the link's name, and no resolved path is ever under it"
    )
    assert got == (base / "users" / "42" / "avatar.png").resolve(), (
        "return the resolved path, which lies under the real base directory files (got %r)"
        % (got,)
    )
    got = refused(tmp_path / "srv-files", "../secret.txt")
    assert got == REFUSED, "'../secret.txt' still climbs out of a symlinked base: raise ValueError"


def test_base_given_in_non_canonical_form(tmp_path):
    base = make_storage(tmp_path)
    (tmp_path / "tmp").mkdir()
    roundabout = tmp_path / "tmp" / ".." / "files"  # the same directory as base
    got = refused(roundabout, "users/42/avatar.png")
    assert got == (base / "users" / "42" / "avatar.png").resolve(), (
        "base was given as .../tmp/../files: resolve the base too before comparing, "
        "or a good name is refused"
    )


def test_relative_base(tmp_path):
    base = make_storage(tmp_path)
    os.chdir(tmp_path)  # the harness restores the working directory after each test
    got = refused(Path("files"), "users/42/avatar.png")
    assert got == (base / "users" / "42" / "avatar.png").resolve(), (
        "base may be relative to the current directory: Path(base).resolve() makes it absolute"
    )
    assert refused(Path("files"), "../secret.txt") == REFUSED, "'../secret.txt' must be refused"
