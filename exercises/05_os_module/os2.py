"""os2: summarise a directory with os.scandir().

An admin page of a file server shows what is in a storage folder: each entry, whether it is a
file, a folder or a symbolic link, and its size. Folders can hold thousands of entries, and the
folder is written by users, so it can contain anything, including symlinks (a link to
/etc/passwd, or a link whose target was deleted: a "dangling" link).

os.listdir() gives only names; asking os.path.isdir(), os.path.getsize() ... about each name
costs one more system call (a stat) per question per entry. os.scandir() returns DirEntry
objects that already carry what the directory listing told the kernel:

    with os.scandir(folder) as entries:          # closes the directory handle at the end
        for entry in entries:
            entry.name, entry.path                  # 'a.txt', 'folder/a.txt'
            entry.is_symlink()                      # no system call on Linux/macOS/Windows
            entry.is_dir(follow_symlinks=False)     # no system call either
            entry.is_file(follow_symlinks=False)
            entry.stat(follow_symlinks=False)       # one lstat() at most, then cached

By default is_dir()/is_file()/stat() FOLLOW symlinks: a link to a 2 GB file looks like a 2 GB
file, and stat() on a dangling link raises FileNotFoundError. Pass follow_symlinks=False to
describe the link itself.

Your task: rewrite summarize(directory) -> list[tuple[str, str, int]] with os.scandir():

- one (name, kind, size) tuple per entry directly inside `directory`;
- kind is "link" for a symbolic link (whatever it points to, even nothing), "dir" for a
  folder, "file" for anything else;
- size is the entry's st_size for a "file", and 0 for a "dir" or a "link";
- sorted by name (os.scandir, like os.listdir, uses file-system order);
- never follows a symlink, never crashes on a dangling one;
- at most ONE os.stat()/os.lstat() call per entry (DirEntry's cached answers don't count):
  a listing of a big folder must not cost three system calls per file.
"""

import os


def summarize(directory):
    # TODO: use os.scandir(). This version asks the OS two or three questions per name,
    # follows symlinks (and crashes on a dangling one), and never sorts.
    rows = []
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            rows.append((name, "dir", 0))
        else:
            rows.append((name, "file", os.path.getsize(path)))
    return rows


# ---------------------------------------------------------------------------------------------
# Tests

import contextlib  # noqa: E402


class _Listing:
    """What os.scandir returns: an iterator that is also a context manager."""

    def __init__(self, entries):
        self._it = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass


@contextlib.contextmanager
def reverse_order_file_system():
    """Simulate a file system that lists entries in reverse alphabetical order."""
    real_listdir, real_scandir = os.listdir, os.scandir

    def listdir(*args):
        return sorted(real_listdir(*args), reverse=True)

    def scandir(*args):
        with real_scandir(*args) as it:
            return _Listing(sorted(it, key=lambda entry: entry.name, reverse=True))

    os.listdir, os.scandir = listdir, scandir
    try:
        yield
    finally:
        os.listdir, os.scandir = real_listdir, real_scandir


@contextlib.contextmanager
def count_stat_calls():
    """Count calls to os.stat and os.lstat (os.path.isdir, getsize, Path.stat... all use them)."""
    calls = []
    real_stat, real_lstat = os.stat, os.lstat

    def stat(path, *args, **kwargs):
        calls.append(("stat", path))
        return real_stat(path, *args, **kwargs)

    def lstat(path, *args, **kwargs):
        calls.append(("lstat", path))
        return real_lstat(path, *args, **kwargs)

    os.stat, os.lstat = stat, lstat
    try:
        yield calls
    finally:
        os.stat, os.lstat = real_stat, real_lstat


def make_storage(folder):
    """a.txt (5 bytes), b.bin (1000 bytes), photos/ (a folder with a file in it)."""
    with open(os.path.join(folder, "a.txt"), "wb") as f:
        f.write(b"hello")
    with open(os.path.join(folder, "b.bin"), "wb") as f:
        f.write(bytes(1000))
    os.mkdir(os.path.join(folder, "photos"))
    with open(os.path.join(folder, "photos", "cat.jpg"), "wb") as f:
        f.write(bytes(300))


def summarize_or_explain(folder):
    try:
        return summarize(folder)
    except FileNotFoundError as exc:
        raise AssertionError(
            "summarize crashed on a dangling symlink (%s). os.path.getsize()/os.stat() follow "
            "the link to its missing target; with os.scandir() check entry.is_symlink() first, "
            "and use entry.stat(follow_symlinks=False)." % exc) from None


def test_files_and_folders(tmp_path):
    make_storage(tmp_path)
    got = summarize(str(tmp_path))
    assert isinstance(got, list), "return a list of (name, kind, size) tuples"
    assert sorted(tuple(row) for row in got) == [
        ("a.txt", "file", 5),
        ("b.bin", "file", 1000),
        ("photos", "dir", 0),
    ], "one (name, kind, size) per entry directly inside the folder; folders have size 0"


def test_sorted_by_name(tmp_path):
    make_storage(tmp_path)
    with reverse_order_file_system():
        got = summarize(str(tmp_path))
    assert [row[0] for row in got] == ["a.txt", "b.bin", "photos"], (
        "os.scandir()/os.listdir() return entries in an arbitrary, file-system-dependent order "
        "(here: reversed). Sort the rows by name.")


def test_symlinks_are_reported_not_followed(tmp_path):
    make_storage(tmp_path)
    os.symlink(os.path.join(tmp_path, "b.bin"), os.path.join(tmp_path, "link-to-file"))
    os.symlink(os.path.join(tmp_path, "photos"), os.path.join(tmp_path, "link-to-dir"))
    got = summarize_or_explain(str(tmp_path))
    assert sorted(tuple(row) for row in got) == [
        ("a.txt", "file", 5),
        ("b.bin", "file", 1000),
        ("link-to-dir", "link", 0),
        ("link-to-file", "link", 0),
        ("photos", "dir", 0),
    ], (
        "a symlink is a 'link' of size 0, whatever it points to: entry.is_file() and "
        "entry.is_dir() FOLLOW symlinks by default. Test entry.is_symlink() first, or pass "
        "follow_symlinks=False.")


def test_dangling_symlink_does_not_crash(tmp_path):
    make_storage(tmp_path)
    os.symlink(os.path.join(tmp_path, "deleted.txt"), os.path.join(tmp_path, "broken"))
    got = summarize_or_explain(str(tmp_path))
    assert sorted(tuple(row) for row in got) == [
        ("a.txt", "file", 5),
        ("b.bin", "file", 1000),
        ("broken", "link", 0),
        ("photos", "dir", 0),
    ], "a dangling symlink is still a 'link' of size 0"


def test_at_most_one_stat_per_entry(tmp_path):
    for i in range(200):
        with open(os.path.join(tmp_path, "f%03d.log" % i), "wb") as f:
            f.write(b"x" * i)
    for i in range(50):
        os.mkdir(os.path.join(tmp_path, "d%02d" % i))
    with count_stat_calls() as calls:
        got = summarize(str(tmp_path))
    assert len(got) == 250, "one row per entry"
    assert ("f199.log", "file", 199) in [tuple(row) for row in got], (
        "files keep their st_size")
    assert len(calls) <= 250, (
        "%d os.stat()/os.lstat() calls for 250 entries (first ones: %r). Each os.path.isdir(), "
        "os.path.islink() or os.path.getsize() is one more system call per entry; os.scandir()'s "
        "DirEntry already knows the type (entry.is_dir(), entry.is_symlink()) and "
        "entry.stat() caches its answer." % (len(calls), calls[:3]))
