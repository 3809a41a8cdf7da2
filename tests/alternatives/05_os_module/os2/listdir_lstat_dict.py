"""os.listdir with one os.lstat per name, S_ISLNK/S_ISDIR on its st_mode, rows collected in a dict and emitted sorted."""
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

import os, stat

def summarize(directory):
    out = {}
    for name in os.listdir(directory):
        mode_st = os.lstat(os.path.join(directory, name))
        if stat.S_ISLNK(mode_st.st_mode):
            out[name] = "link", 0
        elif stat.S_ISDIR(mode_st.st_mode):
            out[name] = "dir", 0
        else:
            out[name] = "file", mode_st.st_size
    return [(n, *out[n]) for n in sorted(out)]


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import collections  # noqa: E402
import contextlib  # noqa: E402
import errno  # noqa: E402
import os  # noqa: E402


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
def reverse_order_file_system(reverse=True):
    """Simulate a file system that lists entries in reverse alphabetical order (reverse=False:
    in order)."""
    real_listdir, real_scandir = os.listdir, os.scandir

    def listdir(*args):
        return sorted(real_listdir(*args), reverse=reverse)

    def scandir(*args):
        with real_scandir(*args) as it:
            return _Listing(sorted(it, key=lambda entry: entry.name, reverse=reverse))

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
    for i in range(30):
        with open(os.path.join(tmp_path, "f%03d.log" % i), "wb") as f:
            f.write(b"x" * i)
    for i in range(10):
        os.mkdir(os.path.join(tmp_path, "d%02d" % i))
    with count_stat_calls() as calls:
        got = summarize(str(tmp_path))
    assert len(got) == 40, "one row per entry"
    assert ("f029.log", "file", 29) in [tuple(row) for row in got], (
        "files keep their st_size")
    per_entry = collections.Counter(os.path.basename(os.fspath(path)) for _, path in calls)
    worst = sorted(name for name, n in per_entry.items() if n > 1)
    assert len(calls) <= 40 and not worst, (
        "%d os.stat()/os.lstat() calls for 40 entries, several for %r (first calls: %r). "
        "Each os.path.isdir(), os.path.islink() or os.path.getsize() is one more system call "
        "per entry; os.scandir()'s DirEntry already knows the type (entry.is_dir(), "
        "entry.is_symlink()) and entry.stat() caches its answer." % (len(calls), worst[:3],
                                                                     calls[:3]))


def make_user_folder(folder):
    """What users leave in a shared folder: a hidden file, names differing only in case, a
    space, an empty folder, a named pipe (FIFO) and three kinds of symlink."""
    for name, size in ((".hidden", 3), ("README.md", 9), ("readme.md", 4), ("a b.txt", 7)):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(b"x" * size)
    os.mkdir(os.path.join(folder, "empty"))
    os.mkfifo(os.path.join(folder, "queue"))  # a named pipe: stat() works, opening would block
    os.symlink("README.md", os.path.join(folder, "to-file"))
    os.symlink("empty", os.path.join(folder, "to-dir"))
    os.symlink("deleted.txt", os.path.join(folder, "gone"))


def test_a_folder_users_write_to(tmp_path):
    make_user_folder(tmp_path)
    runs = []
    for reverse in (True, False):
        with reverse_order_file_system(reverse):
            runs.append([tuple(row) for row in summarize_or_explain(str(tmp_path))])
    want = [
        (".hidden", "file", 3),
        ("README.md", "file", 9),
        ("a b.txt", "file", 7),
        ("empty", "dir", 0),
        ("gone", "link", 0),
        ("queue", "file", 0),
        ("readme.md", "file", 4),
        ("to-dir", "link", 0),
        ("to-file", "link", 0),
    ]
    got = dict((row[0], row[1:]) for row in runs[0])
    assert ".hidden" in got, (
        "'.hidden' is missing: hidden entries are entries too, report every name os.scandir() "
        "gives")
    assert got.get("queue") == ("file", 0), (
        "'queue' is a named pipe (FIFO), reported as %r: it is neither a folder nor a symlink, "
        "so its kind is 'file' (the kind for everything else), with its st_size (0). Decide "
        "'link' by entry.is_symlink(), not by 'not a file and not a folder'."
        % (got.get("queue"),))
    links = {name: got.get(name) for name in ("to-file", "to-dir", "gone")}
    assert links == {name: ("link", 0) for name in links}, (
        "%r: a symlink is a 'link' of size 0 whatever it points to (a file, a folder, nothing). "
        "entry.is_file()/is_dir()/stat() FOLLOW symlinks unless follow_symlinks=False: test "
        "entry.is_symlink() first." % links)
    assert sorted(runs[0]) == want, "one (name, kind, size) per entry"
    assert runs[0] == runs[1], (
        "the order of the rows depends on the order the file system lists the entries in. A "
        "sort key like str.lower makes 'README.md' and 'readme.md' equal, so their order is left "
        "to the file system: sort by the name itself")
    assert runs[0] == want, (
        "sorted by name as sorted() orders strings (by code point: '.hidden' < 'README.md' < "
        "'a b.txt')")


class _UnreadableEntry:
    """A DirEntry whose stat() fails with EIO, as on a failing disk or a flaky network mount."""

    def __init__(self, folder):
        self.name = "unreadable.dat"
        self.path = os.path.join(folder, self.name)

    def is_symlink(self):
        return False

    def is_dir(self, follow_symlinks=True):
        return False

    def is_file(self, follow_symlinks=True):
        return True

    def stat(self, follow_symlinks=True):
        raise OSError(errno.EIO, "Input/output error", self.path)

    def inode(self):
        return 0

    def __fspath__(self):
        return self.path


class _ListingWithAnError:
    """os.scandir()'s iterator with an unreadable entry first: the error comes while the
    directory is still open."""

    def __init__(self, real, folder):
        self._real, self._first = real, _UnreadableEntry(folder)
        self.closed = self.exhausted = False

    def __iter__(self):
        return self

    def __next__(self):
        if self._first is not None:
            first, self._first = self._first, None
            return first
        try:
            return next(self._real)
        except StopIteration:
            self.exhausted = True  # an exhausted scandir iterator closes itself
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        self.closed = True
        self._real.close()


def test_the_directory_is_closed_when_an_entry_fails(tmp_path):
    make_storage(tmp_path)
    real_scandir = os.scandir
    listings = []

    def scandir(*args):
        listings.append(_ListingWithAnError(real_scandir(*args), str(tmp_path)))
        return listings[-1]

    os.scandir = scandir
    try:
        summarize(str(tmp_path))
    except OSError:
        pass  # reporting the error is fine; leaving the directory open is not
    finally:
        os.scandir = real_scandir
    unclosed = [listing for listing in listings if not (listing.closed or listing.exhausted)]
    for listing in unclosed:
        listing.close()
    assert not unclosed, (
        "entry.stat() failed (EIO) in the middle of the listing, and the os.scandir() iterator, "
        "an open directory handle, was left open. Iterate inside `with os.scandir(directory) "
        "as entries:` so it is closed on every way out.")
