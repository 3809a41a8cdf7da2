"""Recursive os.scandir with DirEntry checks (follow_symlinks=False) for both functions; remove_empty_dirs decides emptiness from its children's results."""
"""dirs6: walk a tree with os.walk: prune, handle errors, follow links safely, delete bottom-up.

The upload service indexes what customers store, and a nightly job tidies the storage.
Customers' folders hold anything: a checked-out .git with 50 000 objects, a node_modules
folder with 200 000 files, folders the service may not read, symlinks, even a symlink that
points to its own parent.

    for folder, dirs, files in os.walk(root):      # folder: a path; dirs, files: names
        ...

- Pruning: with the default topdown=True, os.walk yields a folder BEFORE it goes into the
  folders in `dirs`, and it goes into whatever `dirs` holds after your loop body ran. To
  skip a folder, remove its name from that very list: dirs[:] = [...] or dirs.remove(n).
  `dirs = [...]` only rebinds your variable; os.walk still walks the old list. Sorting
  dirs in place (dirs.sort()) also fixes the order of the walk.
- Errors: a folder that cannot be listed (no permission, removed meanwhile) is skipped
  SILENTLY, unless you pass onerror=function: it is called with the OSError (its
  .filename is the folder).
- Symlinks: a symlink to a folder is listed in `dirs`, but os.walk does not go into it,
  unless followlinks=True. Then a link to a parent ("up -> ..") makes the walk go round in
  circles until the path gets too long; remember which folders you have been in, by
  their identity (st_dev, st_ino) from os.stat, and don't enter one twice.
- Bottom-up: topdown=False yields a folder AFTER everything inside it, which is the order
  to delete in. Pruning has no effect then (the subfolders were walked already), and the
  lists are made before the children are handled: a folder whose only subfolder you just
  removed still shows it in `dirs`. Ask the file system (os.rmdir fails with OSError on a
  folder that is not empty).

Your task (paths with "/" between parts, relative to root, sorted):

- list_files(root, follow_links=False) -> (files, unreadable):
  files: every regular file in the tree (not symlinks, not FIFOs or other special files;
  dotfiles included); never list, let alone enter, a folder whose name is in SKIP, at any
  depth; unreadable: the folders that could not be listed. With follow_links=True,
  symlinks to folders are entered too (their files are listed under the link's path), but
  no folder is entered twice: the first visit in sorted order wins.
- remove_empty_dirs(root) -> list: delete every folder under root that is empty or holds
  only folders that are (so a/b/c, a/b and a all go when a/b/c is the only thing in a);
  root itself stays, nothing inside a SKIP folder is touched, symlinks are never
  followed; return the folders removed.
"""

import os
import stat

SKIP = {".git", "node_modules"}


def _relative(path, root):
    return os.path.relpath(path, root).replace(os.sep, "/")


def list_files(root, follow_links=False):
    files, unreadable, seen = [], [], set()

    def visit(path, rel):
        st = os.stat(path)
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            unreadable.append(rel or ".")
            return
        for e in entries:
            sub = e.name if not rel else rel + "/" + e.name
            if e.is_dir(follow_symlinks=False):
                if e.name not in SKIP:
                    visit(e.path, sub)
            elif e.is_symlink():
                if follow_links and e.is_dir() and e.name not in SKIP:
                    visit(e.path, sub)
            elif e.is_file(follow_symlinks=False):
                files.append(sub)

    visit(root, "")
    return sorted(files), sorted(unreadable)


def _old_list_files(root, follow_links=False):
    files, unreadable, seen = [], [], set()

    def failed(error):
        unreadable.append(_relative(error.filename, root))

    for folder, dirs, names in os.walk(root, onerror=failed, followlinks=follow_links):
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:
            dirs.clear()
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(name for name in dirs if name not in SKIP)
        for name in names:
            path = os.path.join(folder, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                files.append(_relative(path, root))
    return sorted(files), sorted(unreadable)


def remove_empty_dirs(root):
    removed = []

    def prune(path, rel):
        """True if path is gone afterwards."""
        empty = True
        with os.scandir(path) as it:
            entries = list(it)
        for e in entries:
            sub = e.name if not rel else rel + "/" + e.name
            if e.is_dir(follow_symlinks=False) and e.name not in SKIP:
                if not prune(e.path, sub):
                    empty = False
            else:
                empty = False
        if empty and rel:
            os.rmdir(path)
            removed.append(rel)
            return True
        return False

    prune(root, "")
    return sorted(removed)


def _old_remove_empty_dirs(root):
    removed = []
    for folder, dirs, names in os.walk(root, topdown=False):
        rel = _relative(folder, root)
        if rel == "." or SKIP.intersection(rel.split("/")):
            continue
        try:
            os.rmdir(folder)
        except OSError:
            continue
        removed.append(rel)
    return sorted(removed)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import os  # noqa: E402

import iolings_testkit as kit  # noqa: E402

SKIP_NAMES = {".git", "node_modules"}

STORAGE = {
    "report.pdf": b"%PDF-1.7",
    ".env": "TOKEN=not-in-git\n",
    "latest.pdf": kit.Symlink("report.pdf"),
    "docs": {"a.txt": "a\n", "b.txt": "b\n", "old": {"c.txt": "c\n"}},
    "empty": {},
    "site": {
        ".git": {"HEAD": "ref: refs/heads/main\n", "objects": {"ab": {"cdef": b"x"}}},
        "node_modules": {"left-pad": {"index.js": "module.exports = 1\n"}},
        "packages": {"web": {"node_modules": {"react": {"index.js": "//\n"}},
                             "app.js": "run()\n", ".git": "gitdir: ../../.git/worktrees/web\n"}},
        "index.html": "<html>\n",
    },
}

FILES = [".env", "docs/a.txt", "docs/b.txt", "docs/old/c.txt", "report.pdf",
         "site/index.html", "site/packages/web/.git", "site/packages/web/app.js"]


@contextlib.contextmanager
def watched_listings(unreadable=()):
    """Records every folder os.scandir lists (os.walk lists through it); listing a folder
    named in `unreadable` fails with PermissionError, as it does for an ordinary user on a
    folder of mode 0o000 (root can read every folder, so the tests do it this way)."""
    real = os.scandir
    listed = []

    def scandir(path=".", *args, **kwargs):
        if not isinstance(path, int):
            name = os.fsdecode(os.fspath(path))
            listed.append(name)
            if os.path.basename(name) in unreadable:
                raise PermissionError(errno.EACCES, "Permission denied", name)
        return real(path, *args, **kwargs)

    os.scandir = scandir
    try:
        yield listed
    finally:
        os.scandir = real


def call_list_files(root, follow_links=False):
    got = list_files(root, follow_links=follow_links) if follow_links else list_files(root)
    assert isinstance(got, tuple) and len(got) == 2, "list_files returns (files, unreadable)"
    return list(got[0]), list(got[1])


def test_lists_regular_files_sorted(tmp_path):
    root = kit.make_tree(tmp_path / "storage", STORAGE)
    with kit.shuffled_listing(seed=1):
        files, unreadable = call_list_files(root)
    assert "latest.pdf" not in files, (
        "latest.pdf is a symlink: list regular files only (os.lstat + stat.S_ISREG, or "
        "DirEntry.is_file(follow_symlinks=False)); os.path.isfile follows links")
    assert sorted(files) == FILES, (
        "every regular file, dotfiles included, relative to root with '/', and nothing from "
        "inside .git or node_modules folders (a FILE named .git is an ordinary file)")
    assert files == FILES, (
        "os.walk gives folders and names in the order the file system lists them "
        "(scrambled here): return sorted(files)")
    assert unreadable == [], "every folder here can be read"


def test_skip_folders_are_never_even_listed(tmp_path):
    root = kit.make_tree(tmp_path / "storage", STORAGE)
    with watched_listings() as listed:
        files, _ = call_list_files(root)
    entered = sorted({os.path.relpath(p, root) for p in listed
                      if set(os.path.relpath(p, root).split(os.sep)) & SKIP_NAMES})
    assert not entered, (
        "os.walk listed %r: a .git or node_modules folder (at any depth) must be pruned "
        "before os.walk goes into it. Change dirs IN PLACE (dirs[:] = [...]) in every "
        "folder: `dirs = [...]` makes a new list that os.walk never sees, and filtering the "
        "results afterwards still pays for walking 200 000 files" % entered)
    assert sorted(files) == FILES, "the same files as before"


def test_an_awkward_tree(tmp_path):
    root = kit.awkward_tree(tmp_path / "awkward")
    with kit.no_blocking_opens():
        files, unreadable = call_list_files(root)
    assert sorted(files) == sorted([
        ".hidden", "README.md", "Readme.md", "[x].txt", "a\\b.txt", "caf\u00e9.txt",
        "empty.txt", "name with spaces.txt", "notes.txt", "sub/.hidden_too",
        "sub/nested.txt"]), (
        "regular files only, and nothing inside .git: not the FIFO 'pipe', the dangling "
        "link, the self-referring "
        "link 'loop', nor anything through link_to_sub (symlinked folders are not "
        "entered unless follow_links=True); got %r" % sorted(files))
    assert unreadable == [], "nothing here is unreadable"


def test_unreadable_folders_are_reported(tmp_path):
    root = kit.make_tree(tmp_path / "storage", dict(STORAGE, locked={"x.txt": "x\n"}))
    kit.make_tree(root / "docs" / "private", {"y.txt": "y\n"})
    kit.make_tree(root / "docs-old", {"z.txt": "z\n"})
    with watched_listings(unreadable=("locked", "private", "docs-old")):
        files, unreadable = call_list_files(root)
    assert sorted(unreadable) == ["docs-old", "docs/private", "locked"], (
        "got unreadable=%r: os.walk SKIPS folders it cannot list without a word, unless "
        "you pass onerror=; collect the relative path of error.filename there" % unreadable)
    assert unreadable == ["docs-old", "docs/private", "locked"], (
        "unreadable must be sorted too (the walk met docs/private before docs-old), got %r"
        % unreadable)
    assert files == FILES, "the rest of the tree is still listed"


def loop_tree(tmp_path):
    root = kit.make_tree(tmp_path / "storage", {
        "docs": {"a.txt": "a\n"},
        "shortcut": kit.Symlink("docs"),
        "sub": {"b.txt": "b\n", "up": kit.Symlink("..")},
        "linked": kit.Symlink("../elsewhere"),
    })
    kit.make_tree(tmp_path / "elsewhere", {"o.txt": "o\n"})
    return root


def test_symlinked_folders_are_not_entered_by_default(tmp_path):
    root = loop_tree(tmp_path)
    files, unreadable = call_list_files(root)
    assert sorted(files) == ["docs/a.txt", "sub/b.txt"], (
        "with follow_links=False, symlinked folders are not entered, got %r" % files[:6])
    assert files == ["docs/a.txt", "sub/b.txt"], "files must be sorted, got %r" % files
    assert unreadable == [], "nothing is unreadable"


def test_following_links_visits_each_folder_once(tmp_path):
    root = loop_tree(tmp_path)
    with kit.shuffled_listing(seed=0), watched_listings() as listed:  # shortcut before docs
        files, unreadable = call_list_files(root, follow_links=True)
    circles = [f for f in files if f.startswith("sub/up/")]
    assert not circles and unreadable == [], (
        "following links, sub/up -> .. leads back to the root, and the walk went round in "
        "circles until the path was too long: %d files listed, %d errors, e.g. %r. "
        "Remember the (st_dev, st_ino) of every folder entered and prune (dirs[:] = []) "
        "a folder you have seen" % (len(files), len(unreadable),
                                    (circles or unreadable or [""])[0][:60] + "..."))
    assert files == ["docs/a.txt", "linked/o.txt", "sub/b.txt"], (
        "got %r: each real folder once, under the first path in sorted order (docs before "
        "shortcut, which leads to the same folder); sort dirs in place so the walk's order "
        "does not depend on the file system; a link out of the tree (linked) is followed "
        "too" % files[:6])
    assert len(listed) <= 6, (
        "%d folders listed for 4 real folders and 2 links back into them: when you skip a "
        "folder you have seen, also empty its dirs (dirs[:] = []), or os.walk still lists "
        "everything below it" % len(listed))


EMPTY = {
    "a": {"b": {"c": {}}},
    "d": {"e": {}, "report.pdf": b"%PDF"},
    "f": {".keep": ""},
    "g": {},
    "h": {"to-outside": kit.Symlink("../../outside-empty")},
    ".git": {"refs": {"tags": {}}, "objects": {}},
    "site": {"node_modules": {"left-pad": {}}, "packages": {"node_modules": {}}},
}


def test_remove_empty_dirs_bottom_up(tmp_path):
    root = kit.make_tree(tmp_path / "storage", EMPTY)
    (tmp_path / "outside-empty").mkdir()
    with kit.shuffled_listing(seed=4):
        got = remove_empty_dirs(root)
    left = set()
    for folder, dirs, names in os.walk(root):
        left.update(os.path.relpath(os.path.join(folder, n), root) for n in dirs)
    assert not {"a/b/c", "a/b", "a"} & left, (
        "a, a/b and a/b/c must all be removed (%r left): with topdown=True a parent is seen "
        "before its children are removed; walk with topdown=False, and ask the file system "
        "(os.rmdir raises OSError if a folder is not empty), not the lists os.walk made "
        "before the children were removed" % sorted({"a/b/c", "a/b", "a"} & left))
    kept = {".git/refs/tags", ".git/objects", "site/node_modules/left-pad",
            "site/packages/node_modules"}
    assert kept <= left, (
        "%r were removed: nothing inside .git or node_modules may be touched. Pruning dirs "
        "does nothing with topdown=False (the subfolders were walked already): skip every "
        "folder whose relative path has a SKIP part" % sorted(kept - left))
    assert {"d", "f", "h"} <= left, (
        "d (a file), f (a dotfile) and h (a symlink) are not empty and must stay")
    assert (tmp_path / "outside-empty").is_dir(), (
        "outside-empty, the target of h/to-outside, was removed: never follow symlinks")
    assert got == ["a", "a/b", "a/b/c", "d/e", "g"], (
        "remove_empty_dirs returns the removed folders, relative with '/', sorted: got %r"
        % (got,))


def test_remove_empty_dirs_keeps_the_root(tmp_path):
    root = kit.make_tree(tmp_path / "storage", {"x": {"y": {}}})
    got = remove_empty_dirs(root)
    assert root.is_dir(), "root itself must stay, even when it ends up empty"
    assert got == ["x", "x/y"] and os.listdir(root) == [], "x/y and x are removed"
