"""A dict of stat results built from rglob, then a comprehension and sorted() on (mtime, path)."""
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
      - only regular files: never directories, FIFOs or dangling symlinks, and symlinks to
        directories are not followed (rglob() and os.walk() don't). Hidden files
        (".env", ".config/...") must be backed up like any other.
"""
from pathlib import Path


def changed_since(root, since, pattern="*"):
    stats = {p: p.stat() for p in root.rglob(pattern) if p.is_file()}
    fresh = [p for p, st in stats.items() if st.st_mtime > since]
    return [p.relative_to(root) for p in sorted(fresh, key=lambda p: (stats[p].st_mtime, p))]


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os
from pathlib import Path

import iolings_testkit as kit

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


def check_files(root, got, want, missing_hint):
    """Assert that `got` holds the paths of `want`, in any order; name what is wrong."""
    assert all(isinstance(p, Path) and not p.is_absolute() for p in got), (
        "return a list of Path objects RELATIVE to root (path.relative_to(root)), got %r" % (got,)
    )
    extra = sorted(set(got) - set(want))
    dirs = [str(p) for p in extra if (root / p).is_dir()]
    assert dirs == [], (
        "listed the directory %s: directories are not files to back up, and their mtime is "
        "recent (it changes when files are created in them): skip them with path.is_file()"
        % ", ".join(dirs)
    )
    special = [str(p) for p in extra if not (root / p).is_file()]
    assert special == [], (
        "listed %s: a FIFO or a dangling symlink is not a regular file (and stat() on a "
        "dangling link fails): keep only the entries for which path.is_file() is true"
        % ", ".join(special)
    )
    outside = [str(p) for p in extra
               if not (root / p).resolve().is_relative_to(root.resolve())]
    assert outside == [], (
        "listed %s, which lives OUTSIDE root: it was reached through a symlink to a directory, "
        "and those must not be followed (rglob() and os.walk() don't)" % ", ".join(outside)
    )
    stale = [str(p) for p in extra if (root / p).stat().st_mtime <= LAST_RUN]
    assert stale == [], (
        "listed %s, whose content was last modified at or before `since`: the last run "
        "already copied it. Compare st_mtime (content modified; st_ctime moves on every "
        "metadata change, os.utime included) and keep only mtime > since, strictly"
        % ", ".join(stale)
    )
    assert extra == [], (
        "listed %s, which the pattern does not match (on POSIX a glob pattern is matched "
        "case-sensitively, as rglob() and fnmatch.fnmatchcase() do: 'q*.csv' does not match "
        "'Q9.CSV')" % ", ".join(map(str, extra))
    )
    missing = [str(p) for p in want if p not in got]
    assert missing == [], "missed %s: %s" % (", ".join(missing), missing_hint)


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
    with kit.shuffled_listing():
        got = changed_since(tmp_path, LAST_RUN)
    want = [Path("inbox/new.csv"), Path("notes.txt"), Path("archive/q4.csv"),
            Path("reports/q3.csv")]
    check_files(tmp_path, got, want, "search the whole tree: root.rglob(pattern) looks in every "
                "subdirectory, root.glob(pattern) only at the top level")
    assert got == want, (
        "files with the same mtime (archive/q4.csv and reports/q3.csv) are ordered by path, "
        "ascending, whatever order the directory listing came in (here neither sorted nor "
        "the creation order): sort on the key (mtime, path). A sort on the mtime alone keeps "
        "the listing's order for ties"
    )


def test_pattern_matches_names_at_any_depth(tmp_path):
    make_tree(tmp_path, TREE)
    (tmp_path / "exports.csv").mkdir()  # a DIRECTORY whose name matches the pattern
    got = changed_since(tmp_path, LAST_RUN, "*.csv")
    want = [Path("inbox/new.csv"), Path("archive/q4.csv"), Path("reports/q3.csv")]
    check_files(tmp_path, got, want, "only files whose name matches the pattern, in every "
                "subdirectory: root.rglob(pattern) (root.glob(pattern) only looks at the top level)")
    assert got == want, "oldest change first, equal times by path"


def test_pattern_is_matched_against_the_name(tmp_path):
    make_tree(tmp_path, {"reports/q3.csv": 50, "archive/q4.csv": 60, "reports/summary.csv": 20,
                         "q.txt": 30, "archive/Q9.CSV": 70})
    got = changed_since(tmp_path, LAST_RUN, "q*.csv")
    want = [Path("reports/q3.csv"), Path("archive/q4.csv")]
    check_files(tmp_path, got, want, "the pattern is matched against each file's NAME, at any "
                "depth, as rglob(pattern) does: 'q*.csv' matches reports/q3.csv. Matching it "
                "against the relative path 'reports/q3.csv' finds nothing below the top level")
    assert got == want, "oldest change first"


def test_sub_second_changes_count(tmp_path):
    make_tree(tmp_path, {"quick.txt": 0.25, "old.txt": -1})
    got = changed_since(tmp_path, LAST_RUN)
    check_files(tmp_path, got, [Path("quick.txt")], "it changed a quarter of a second after the "
                "last run: st_mtime is a float, compare it as it is, without rounding it to "
                "whole seconds")


def test_since_taken_from_a_file_time(tmp_path):
    # Backup tools often take `since` from a file's st_mtime, which the file system keeps in
    # nanoseconds: a file changed at exactly that instant was already copied.
    make_tree(tmp_path, {"same.txt": 0, "later.txt": 0})
    stamp_ns = LAST_RUN * 1_000_000_000 + 123_456_789
    os.utime(tmp_path / "same.txt", ns=(stamp_ns, stamp_ns))
    os.utime(tmp_path / "later.txt", ns=(stamp_ns + 1_000_000, stamp_ns + 1_000_000))
    since = (tmp_path / "same.txt").stat().st_mtime
    got = changed_since(tmp_path, since)
    assert got == [Path("later.txt")], (
        "`since` is the st_mtime of same.txt itself, so same.txt changed exactly at `since` and "
        "must be skipped, while later.txt (1 ms later) is new. Compare st_mtime with since as "
        "they are (mtime > since): converting since to nanoseconds (int(since * 1e9)) or "
        "rounding either side moves the cut-off"
    )


def test_symlink_to_a_file_is_judged_by_its_target(tmp_path):
    make_tree(tmp_path, {"data/old.csv": -100, "data/new.csv": 10})
    os.symlink("data/old.csv", tmp_path / "current.csv")
    os.symlink("data/new.csv", tmp_path / "fresh.csv")
    # the LINKS have their own times: current.csv was made after the last run, fresh.csv before
    os.utime(tmp_path / "current.csv", (LAST_RUN + 100, LAST_RUN + 100), follow_symlinks=False)
    os.utime(tmp_path / "fresh.csv", (LAST_RUN - 100, LAST_RUN - 100), follow_symlinks=False)
    got = changed_since(tmp_path, LAST_RUN)
    assert Path("current.csv") not in got, (
        "current.csv is a symlink to data/old.csv, whose content has not changed since the last "
        "run: judge a link by the file it leads to with p.stat() (which follows it). "
        "p.lstat() gives the time the LINK itself was made"
    )
    assert got in ([Path("data/new.csv")], [Path("data/new.csv"), Path("fresh.csv")]), (
        "data/new.csv changed after the last run; fresh.csv leads to it (list it or not, but "
        "its time is the time of data/new.csv): got %r" % (got,)
    )


def test_only_regular_files_of_an_awkward_tree(tmp_path):
    root = tmp_path / "home [ann]"  # brackets: a glob pattern built from this path matches nothing
    make_tree(root, {".env": 15, ".config/settings.toml": 20, "café.txt": 30,
                     "[draft].md": 40, "old.txt": -50})
    (root / "empty dir").mkdir()
    os.mkfifo(root / "events.fifo")  # created now, so "changed" long after LAST_RUN
    os.symlink("gone.txt", root / "latest.txt")  # dangling: its target does not exist
    elsewhere = make_tree(tmp_path / "elsewhere", {"other-users-file.txt": 60})
    os.symlink(elsewhere, root / "mnt")  # a link to a directory outside root
    try:
        got = changed_since(root, LAST_RUN)
    except OSError as exc:
        raise AssertionError(
            "changed_since crashed with %r. The tree holds a FIFO and a dangling symlink: "
            "neither is a regular file, and stat() on a dangling link fails. Keep only the "
            "entries for which path.is_file() is true" % (exc,)) from None
    want = [Path(".env"), Path(".config/settings.toml"), Path("café.txt"), Path("[draft].md")]
    check_files(root, got, want, "search the whole tree with root.rglob(pattern): glob() only "
                "looks at the top level, glob.glob skips hidden files and folders (which must "
                "be backed up too), and a pattern glued together from root's own name matches "
                "nothing here because of its [brackets]")
    assert got == want, "oldest change first"
