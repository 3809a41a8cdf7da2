"""Sorts the result by path instead of by modification time."""
# expect: not by name
"""pathlib4: which files changed since the last run? (rglob patterns and st_mtime)

p.stat() returns an os.stat_result. Three of its times look alike and are not:

    st_mtime   modification time: when the file's CONTENT was last written. This is the one
               backup tools, build systems and `make` compare.
    st_ctime   on Linux/macOS the inode CHANGE time: it moves whenever the content OR the
               metadata changes (rename, chmod, even setting the mtime with os.utime).
               On Windows it is the creation time. Either way it is not "content changed".
    st_atime   last access; often not updated at all (noatime mounts).

The times are floats: seconds since the epoch, the same scale as time.time().

root.rglob(pattern) matches `pattern` against the NAME of every entry at any depth below
root: rglob("*.csv") finds reports/q1.csv and archive/2023/q4.csv alike. It yields
directories too when their name matches (and "*" matches every name).

An incremental backup job remembers when it last ran and copies only what changed since then.
Write the function that picks those files.

changed_since(root, since, pattern="*") -> list[Path]
    `root` is a Path to a directory, `since` a timestamp in seconds since the epoch. Return the
    paths, RELATIVE to root, of the regular files anywhere under root whose name matches the
    glob `pattern` and whose content was modified strictly AFTER `since` (a file modified
    exactly at `since` was already copied by the last run).
      - oldest modification first, so the copies are made in the order the changes happened;
      - files with the same modification time ordered by path, ascending;
      - directories are never listed.
"""

from pathlib import Path


# === Your code ===================================================================================


def changed_since(root, since, pattern="*"):
    found = []
    for path in root.rglob(pattern):
        if not path.is_file():
            continue
        mtime = path.stat().st_mtime
        if mtime > since:
            found.append((mtime, path.relative_to(root)))
    return sorted(path for mtime, path in found)


# === Tests (do not edit) =========================================================================

import os

LAST_RUN = 1_700_000_000  # 2023-11-14 22:13:20 UTC: the previous backup run


def make_tree(root, mtimes):
    """Create files {"reports/q1.csv": seconds_after_last_run, ...} with exact mtimes."""
    for name in mtimes:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("data of %s\n" % name, encoding="utf-8")
    for name, offset in mtimes.items():
        # os.utime(path, (atime, mtime)) sets the times, so the test does not depend on the clock.
        os.utime(root / name, (LAST_RUN + offset, LAST_RUN + offset))
    return root


TREE = {
    "reports/q1.csv": -100,  # changed before the last run: already backed up
    "reports/q2.csv": 0,  # changed exactly at the last run: already backed up
    "reports/q3.csv": 50,
    "archive/q4.csv": 50,  # same mtime as reports/q3.csv
    "inbox/new.csv": 5,
    "notes.txt": 10,
    "old.txt": -3600,
}


def test_returns_relative_paths(tmp_path):
    make_tree(tmp_path, {"notes.txt": 10})
    got = changed_since(tmp_path, LAST_RUN)
    assert got == [Path("notes.txt")], (
        "return a list of paths RELATIVE to root (path.relative_to(root))"
    )


def test_old_files_are_skipped(tmp_path):
    make_tree(tmp_path, {"old.txt": -3600, "new.txt": 10})
    got = changed_since(tmp_path, LAST_RUN)
    assert got == [Path("new.txt")], (
        "old.txt was modified an hour before the last run and must be skipped. Compare "
        "st_mtime (content modified); st_ctime is the inode change time, which os.utime "
        "itself just set to now"
    )


def test_modified_exactly_at_since_is_skipped(tmp_path):
    make_tree(tmp_path, {"q2.csv": 0, "q3.csv": 50})
    got = changed_since(tmp_path, LAST_RUN)
    assert got == [Path("q3.csv")], (
        "q2.csv was modified exactly at `since`, so the last run already copied it: "
        "keep only mtime > since (strictly after, not >=)"
    )


def test_never_lists_directories(tmp_path):
    make_tree(tmp_path, TREE)
    got = changed_since(tmp_path, LAST_RUN)
    listed_dirs = sorted(str(path) for path in got if (tmp_path / path).is_dir())
    assert listed_dirs == [], (
        "directories are not files to back up, and their mtime is recent (it changed when "
        "files were created in them): skip them with path.is_file()"
    )


def test_oldest_change_first(tmp_path):
    make_tree(tmp_path, {"a.txt": 30, "b.txt": 10, "c.txt": 20})
    got = changed_since(tmp_path, LAST_RUN)
    assert got == [Path("b.txt"), Path("c.txt"), Path("a.txt")], (
        "order by modification time, oldest first (b at +10s, c at +20s, a at +30s), "
        "not by name"
    )


def test_whole_tree_with_ties_by_path(tmp_path):
    make_tree(tmp_path, TREE)
    got = changed_since(tmp_path, LAST_RUN)
    want = [Path("inbox/new.csv"), Path("notes.txt"), Path("archive/q4.csv"),
            Path("reports/q3.csv")]
    assert got == want, (
        "search the whole tree (rglob); files with the same mtime (archive/q4.csv and "
        "reports/q3.csv) are ordered by path, ascending"
    )


def test_pattern_matches_names_at_any_depth(tmp_path):
    make_tree(tmp_path, TREE)
    (tmp_path / "exports.csv").mkdir()  # a DIRECTORY whose name matches the pattern
    got = changed_since(tmp_path, LAST_RUN, "*.csv")
    want = [Path("inbox/new.csv"), Path("archive/q4.csv"), Path("reports/q3.csv")]
    assert got == want, (
        "only files whose name matches the pattern, in every subdirectory: "
        "root.rglob(pattern) (root.glob(pattern) only looks at the top level); "
        "the directory exports.csv matches the pattern but is not a file"
    )
