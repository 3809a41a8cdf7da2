"""Walks only start.parents and never looks in start itself."""
# expect: look there first
"""pathlib5: refactor an os.path function to pathlib (and lose its bugs).

Before pathlib (Python 3.4), a path was a str, and the tools to handle it were spread over
os, os.path, glob and shutil: os.path.join(a, b), os.path.dirname(p), os.path.exists(p),
os.path.splitext(p)[1]... Every intermediate value is a plain string, so nothing stops you from
gluing it wrongly, and each edge case ('.', '', '..', a trailing '/') is yours to handle.

pathlib puts the same operations on the path itself and returns paths, not strings:

    os.path.join(d, name)              d / name
    os.path.dirname(p)                 p.parent          and every ancestor: p.parents
    os.path.basename(p)                p.name
    os.path.splitext(p)[1]             p.suffix          (all of them: p.suffixes)
    os.path.exists(p) / isfile / isdir p.exists() / p.is_file() / p.is_dir()
    os.path.abspath(p) / realpath(p)   p.absolute() / p.resolve()
    open(p, encoding=...).read()       p.read_text(encoding=...)

Below is a real-looking function from an old code base: it looks for the service's config file
in the start directory and then in every directory above it, like git looks for .git. It has
two bugs that are easy to write with strings and hard to see:

  - with a relative start such as "." it never looks above the current directory, because
    os.path.dirname(".") is "" and os.path.dirname("") is "" again;
  - os.path.exists() is also true for a DIRECTORY with the config file's name.

Rewrite it with pathlib.

find_config(start, name) -> Path | None
    `start` is a directory, given as a str or a Path, possibly relative ("." or "src/app") and
    possibly containing ".." . Look for a regular FILE called `name` in start itself, then in
    its parent, its grandparent, and so on up to the root of the file system. Return the
    absolute Path of the first one found (the nearest one wins), or None if there is none.
    The parents of "src/app/.." are those of "src", not "src/app": make start absolute AND
    resolve its ".." before walking up (Path.resolve() does both). A start reached through a
    symlink is searched from where it really is: resolve() follows symlinks too.
"""

import os
from pathlib import Path


# === Your code ===================================================================================


def find_config(start, name):
    for directory in Path(start).resolve().parents:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
from pathlib import Path  # noqa: E402


NAME = "iolings-pathlib5-app.toml"  # an unusual name, so no real file above the sandbox matches


def make_project(root, *config_dirs):
    """root/proj/app/src, with a config file in each of config_dirs (relative to root)."""
    (root / "proj" / "app" / "src").mkdir(parents=True)
    for folder in config_dirs:
        (root / folder / NAME).write_text("[server]\nport = 8080\n", encoding="utf-8")
    return root / "proj" / "app" / "src"


def check_found(got, want, message):
    assert got is None or isinstance(got, Path), (
        "find_config must return a Path (or None), not %r: pathlib functions return paths, "
        "and so should yours" % type(got).__name__
    )
    assert got is not None, message + " (find_config returned None)"
    assert got.is_absolute(), "return an absolute path, got %r" % (got,)
    assert got.resolve() == want.resolve(), message


def test_finds_config_in_start_itself(tmp_path):
    src = make_project(tmp_path, "proj/app/src")
    check_found(find_config(src, NAME), src / NAME,
                "the config sits in start itself: look there first")


def test_accepts_a_str(tmp_path):
    src = make_project(tmp_path, "proj/app/src")
    check_found(find_config(str(src), NAME), src / NAME,
                "start may be a str: Path(start) accepts both str and Path")


def test_finds_config_in_an_ancestor(tmp_path):
    src = make_project(tmp_path, "proj")
    check_found(find_config(src, NAME), tmp_path / "proj" / NAME,
                "the config is two levels up: walk start.parents")


def test_nearest_config_wins(tmp_path):
    src = make_project(tmp_path, "proj", "proj/app")
    check_found(find_config(src, NAME), tmp_path / "proj" / "app" / NAME,
                "proj/app is nearer to proj/app/src than proj: check start, then its parent, "
                "then its grandparent... and return the first hit")


def test_directory_with_that_name_is_not_a_config(tmp_path):
    src = make_project(tmp_path, "proj")
    (src / NAME).mkdir()  # a DIRECTORY called like the config file
    check_found(find_config(src, NAME), tmp_path / "proj" / NAME,
                "proj/app/src/%s is a directory, not a config file: test with is_file(), "
                "not exists()" % NAME)


def test_relative_start(tmp_path):
    src = make_project(tmp_path, "proj")
    os.chdir(src)  # the harness restores the working directory after each test
    check_found(find_config(".", NAME), tmp_path / "proj" / NAME,
                "start is '.', the current directory proj/app/src, and the config is in proj. "
                "Path('.').parents is empty: call resolve() first to get the absolute path, "
                "whose parents go all the way up")


def test_start_with_dotdot(tmp_path):
    src = make_project(tmp_path, "proj/app/src")
    got = find_config(src / "..", NAME)  # proj/app/src/.. is proj/app
    assert got is None, (
        "start is proj/app/src/.. which is proj/app; the only config is in proj/app/src, a "
        "CHILD of start, so nothing is found. Lexically, the parent of 'proj/app/src/..' is "
        "'proj/app/src' (that is what .parent and absolute() give you): resolve() the start "
        "first, which removes the '..'"
    )


def test_start_reached_through_a_symlink(tmp_path):
    src = make_project(tmp_path, "proj")
    (tmp_path / "workspace").mkdir()
    os.symlink(src, tmp_path / "workspace" / "current")  # workspace/current -> proj/app/src
    check_found(find_config(tmp_path / "workspace" / "current", NAME), tmp_path / "proj" / NAME,
                "start is workspace/current, a symlink to proj/app/src, and the config is in "
                "proj: the directories above start are those of where it really is. resolve() "
                "follows the symlink; absolute() and os.path.abspath only edit the text, so "
                "they walk up through workspace instead")


def test_only_a_regular_file_counts(tmp_path):
    src = make_project(tmp_path, "proj")
    os.symlink("gone.toml", src / NAME)  # a dangling symlink in proj/app/src
    os.mkfifo(src.parent / NAME)  # a FIFO in proj/app
    check_found(find_config(src, NAME), tmp_path / "proj" / NAME,
                "proj/app/src/%s is a dangling symlink and proj/app/%s a FIFO: neither is a "
                "config file, the first real one is in proj. Test with is_file(), which is true "
                "only for a regular file (or a link to one)" % (NAME, NAME))


def test_a_symlinked_config_counts(tmp_path):
    (tmp_path / "dotfiles").mkdir()
    src = make_project(tmp_path, "proj", "dotfiles")
    os.symlink(tmp_path / "dotfiles" / NAME, src / NAME)  # as dotfile managers install configs
    check_found(find_config(src, NAME), src / NAME,
                "proj/app/src/%s is a symlink to a real config file, so it is the nearest "
                "config. is_file() follows the link and says True; os.lstat() with S_ISREG "
                "describes the link itself and skips it" % NAME)


def test_looks_in_the_file_system_root_too(tmp_path):
    src = make_project(tmp_path).resolve()
    ancestors = [d for d in src.parents if d != d.parent]
    names = [n for n in sorted(os.listdir("/")) if os.path.isfile(os.path.join("/", n))
             and not any(os.path.lexists(d / n) for d in [src, *ancestors])]
    if not names:
        return  # this machine has no regular file in / to look for
    check_found(find_config(src, names[0]), Path("/") / names[0],
                "/%s exists and no directory below / has one: the search goes up to the root "
                "of the file system AND looks in the root itself. A loop `while d != d.parent` "
                "stops one step early; walk [start, *start.parents]" % names[0])


def test_none_when_there_is_no_config(tmp_path):
    src = make_project(tmp_path)
    assert find_config(src, NAME) is None, (
        "no directory from start up to the root has the file: return None"
    )
