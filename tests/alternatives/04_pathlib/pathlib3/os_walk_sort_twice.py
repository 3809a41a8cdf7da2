"""os.walk and os.path.getsize, sorted twice (by path, then by size descending: sort is stable)."""
"""pathlib3: walking a directory tree and asking files for their size.

A Path can list and inspect the directory it names:

    folder.iterdir()        the entries directly inside folder (files AND subdirectories)
    folder.glob("*.log")    the entries directly inside folder whose name matches the pattern
    folder.rglob("*")       every entry in folder and all its subdirectories, at any depth
    p.is_file(), p.is_dir() what kind of entry it is
    p.stat().st_size        its size in bytes (st_mtime: when its content last changed)
    p.relative_to(folder)   the part of p below folder

None of them promises an order: the file system returns entries in whatever order it stores
them, which differs between machines. Sort the results yourself, on a key that leaves no ties
undecided, or your report changes from one run to the next.

A disk on a storage server is filling up. Write the function behind the "what is using the
space?" report.

largest_files(root, n) -> list[tuple[Path, int]]
    `root` is a Path to a directory. Return the `n` largest regular files found anywhere under
    root (in root itself and in all its subdirectories, at any depth) as a list of
    (path relative to root, size in bytes) tuples:
      - largest first;
      - files of equal size ordered by their relative path, ascending;
      - only regular files count: never list directories, FIFOs or dangling symlinks, and
        don't follow symlinks to directories (rglob() and os.walk() don't). Hidden files and
        folders (".cache/...") are files like any other;
      - fewer than n files: return all of them.
    Example: [(Path("db/dump.sql"), 52000), (Path("big.bin"), 5000)]
"""
import os
from pathlib import Path


def largest_files(root, n):
    found = []
    for folder, dirs, files in os.walk(root):
        for name in files:
            full = os.path.join(folder, name)
            if os.path.isfile(full):
                found.append((Path(full).relative_to(root), os.path.getsize(full)))
    found.sort(key=lambda item: item[0])
    found.sort(key=lambda item: item[1], reverse=True)
    return found[:n]


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
from pathlib import Path  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def make_tree(root, sizes):
    """Create files under root: {"logs/app.log": 3000, ...} (parents created as needed)."""
    for name, size in sizes.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
    return root


TREE = {
    "a.txt": 100,
    "big.bin": 5000,
    "empty.txt": 0,
    "z.dat": 700,
    "logs/app.log": 3000,
    "logs/old/app.log.1": 3000,
    "logs/old/app.log.2": 9000,
    "db/dump.sql": 52000,
}


def test_returns_relative_path_and_size(tmp_path):
    make_tree(tmp_path, {"only.bin": 1234})
    got = largest_files(tmp_path, 1)
    assert got == [(Path("only.bin"), 1234)], (
        "return a list of (path relative to root, size in bytes) tuples: "
        "p.relative_to(root) and p.stat().st_size"
    )


def test_largest_first(tmp_path):
    make_tree(tmp_path, {"a.txt": 100, "b.txt": 5000, "c.txt": 700, "d.txt": 20})
    got = largest_files(tmp_path, 3)
    assert got == [(Path("b.txt"), 5000), (Path("c.txt"), 700), (Path("a.txt"), 100)], (
        "largest first: sort by size (st_size), descending, then keep the first n; "
        "sorting by name gives the wrong files"
    )


def test_looks_in_subdirectories(tmp_path):
    make_tree(tmp_path, TREE)
    got = largest_files(tmp_path, 2)
    assert got == [(Path("db/dump.sql"), 52000), (Path("logs/old/app.log.2"), 9000)], (
        "the biggest files are in subdirectories: iterdir() and glob('*') only look one level "
        "deep, rglob('*') walks the whole tree"
    )


def test_never_lists_directories(tmp_path):
    make_tree(tmp_path, TREE)
    got = largest_files(tmp_path, 100)
    listed_dirs = sorted(str(path) for path, size in got if (tmp_path / path).is_dir())
    assert listed_dirs == [], (
        "directories are not files, yet they have a size too: skip them with p.is_file()"
    )
    assert sorted(got) == sorted((Path(name), size) for name, size in TREE.items()), (
        "with n larger than the number of files, return every file once"
    )


def test_equal_sizes_ordered_by_path(tmp_path):
    make_tree(tmp_path, TREE)
    got = largest_files(tmp_path, 5)
    assert not any((tmp_path / path).is_dir() for path, size in got), (
        "directories are not files, yet they have a size too: skip them with p.is_file()"
    )
    want = [
        (Path("db/dump.sql"), 52000),
        (Path("logs/old/app.log.2"), 9000),
        (Path("big.bin"), 5000),
        (Path("logs/app.log"), 3000),
        (Path("logs/old/app.log.1"), 3000),
    ]
    assert got == want, (
        "logs/app.log and logs/old/app.log.1 have the same size: ties are ordered by path "
        "ASCENDING (sort on the key (-size, path), or sort twice) so the report is the same "
        "on every machine"
    )


def test_ties_do_not_depend_on_the_listing_order(tmp_path):
    size = 20000  # more than any directory's own size, on any file system
    make_tree(tmp_path, {"a/zeta.bin": size, "b/alpha.bin": size, "a/b/mid.bin": size,
                         "c.bin": size, "small.txt": 1})
    with kit.shuffled_listing():
        got = largest_files(tmp_path, 3)
    want = [(Path("a/b/mid.bin"), size), (Path("a/zeta.bin"), size), (Path("b/alpha.bin"), size)]
    assert got == want, (
        "four files have 20000 bytes, and the directory listing came in an order that is "
        "neither sorted nor the creation order (as on many real file systems). Ties go by "
        "the whole relative path, ascending: sort on the key (-size, path). Sorting by size "
        "alone (sorted with reverse=True, heapq.nlargest) keeps the listing's order, and "
        "p.name is not the path"
    )


def test_only_regular_files_of_an_awkward_tree(tmp_path):
    root = tmp_path / "disk [1]"  # brackets: a glob pattern built from this path matches nothing
    sizes = {".cache/thumbs.db": 6000, ".env": 40, "core": 8000, "café menu.txt": 300,
             "[draft] plan.txt": 200, "back\\slash.txt": 100, "logs/app.log": 3000}
    make_tree(root, sizes)
    (root / "empty dir").mkdir()
    os.mkfifo(root / "events.fifo")
    os.symlink("logs/rotated.log", root / "current.log")  # dangling: its target is gone
    elsewhere = make_tree(tmp_path / "elsewhere", {"huge.iso": 90000})
    os.symlink(elsewhere, root / "mnt")  # a link to a directory outside root
    os.symlink("logs/app.log", root / "latest.log")  # a link to a regular file
    try:
        got = largest_files(root, 100)
    except OSError as exc:
        raise AssertionError(
            "largest_files crashed with %r. The tree holds a FIFO and a dangling symlink: "
            "neither is a regular file, and stat() on a dangling link fails. Keep only the "
            "entries for which p.is_file() is true" % (exc,)) from None
    link = [(path, size) for path, size in got if path == Path("latest.log")]
    assert link in ([], [(Path("latest.log"), 3000)]), (
        "latest.log is a symlink to logs/app.log (3000 bytes) but was reported as %r. Whether "
        "you count such a link or not, never report the size of the LINK itself: p.lstat() "
        "measures the link (the length of its target's name), p.stat() the file it leads to"
        % (link,)
    )
    if link:
        sizes["latest.log"] = 3000
    want = sorted(((Path(name), size) for name, size in sizes.items()),
                  key=lambda item: (-item[1], item[0]))
    extra = [str(path) for path, size in got if (path, size) not in want]
    missing = [str(path) for path, size in want if (path, size) not in got]
    assert extra == [], (
        "listed %s: a FIFO, a dangling link and a directory are not regular files (keep "
        "p.is_file() only), and mnt is a symlink to a directory OUTSIDE root, which must not "
        "be followed (rglob() and os.walk() don't)" % ", ".join(extra)
    )
    assert missing == [], (
        "missed %s. Hidden files and folders count (glob.glob skips them), so do names "
        "without a dot ('*', not '*.*'), and the [brackets] in root's own name are not a "
        "pattern: walk with root.rglob('*') instead of gluing root into a glob pattern"
        % ", ".join(missing)
    )
    assert got == want, "largest first, ties by path"


def test_n_zero_and_empty_directory(tmp_path):
    make_tree(tmp_path, {"a.txt": 10})
    assert largest_files(tmp_path, 0) == [], "n == 0 asks for no files at all"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert largest_files(empty, 3) == [], "an empty directory has no files to report"
