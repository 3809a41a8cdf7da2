"""Sorts on (size, path) with reverse=True, which also puts equal-sized files in reverse path order."""
# expect: ties are ordered by path ASCENDING
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
      - directories are not files: never list them;
      - fewer than n files: return all of them.
    Example: [(Path("db/dump.sql"), 52000), (Path("big.bin"), 5000)]
"""

from pathlib import Path


# === Your code ===================================================================================


def largest_files(root, n):
    sized = [(p.relative_to(root), p.stat().st_size) for p in root.rglob("*") if p.is_file()]
    sized.sort(key=lambda item: (item[1], item[0]), reverse=True)
    return sized[:n]


# === Tests (do not edit) =========================================================================


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


def test_n_zero_and_empty_directory(tmp_path):
    make_tree(tmp_path, {"a.txt": 10})
    assert largest_files(tmp_path, 0) == [], "n == 0 asks for no files at all"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert largest_files(empty, 3) == [], "an empty directory has no files to report"
