"""Calls os.path.isfile(name) on the bare name from os.listdir(), which looks in the current directory."""
# expect: looks in the CURRENT directory
"""os1: list the files waiting in an upload folder.

A background job picks up uploaded files from an "inbox" folder. It needs the list of files to
process, in an order that is the same on every run, so that two runs over the same folder do
the same work and a log line like "processed 3 of 7" means something.

Three functions from the os module do the work:

    os.getcwd()          the process's current working directory, as an ABSOLUTE path string.
                         Relative paths ("inbox", ".", "a.txt") are resolved against it.
    os.listdir(path)     the NAMES (not paths!) of everything in the folder: files, subfolders,
                         symlinks, hidden files. "." and ".." are left out. The order is
                         whatever the file system returns: not alphabetical, not by date, and it
                         can differ between machines and even between runs.
    os.path.isfile(p)    True if p is a regular file (or a symlink to one). p is resolved
                         against the current directory, so a bare name from os.listdir() must
                         first be joined to its folder: os.path.join(folder, name).

Your task: fix incoming_files(directory=None) -> list[str]:

- it returns the paths of the REGULAR FILES directly inside `directory` (subfolders and what
  they contain are not included), each built as os.path.join(directory, name);
- sorted by name, so the order never depends on the file system;
- when `directory` is omitted (None) it lists the current working directory, and the paths it
  returns are ABSOLUTE (start from os.getcwd()), so they still point at the right files after
  the job later changes directory with os.chdir();
- an empty folder gives [].

The fixture folder is inbox/: report.csv, notes.txt, avatar.png and a subfolder archive/.
"""

import os


def incoming_files(directory=None):
    if directory is None:
        directory = os.getcwd()
    return [os.path.join(directory, name) for name in sorted(os.listdir(directory))
            if os.path.isfile(name)]


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
    """Simulate a file system that lists entries in reverse alphabetical order (real ones use
    hash or creation order: never count on any particular order)."""
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


def test_lists_only_regular_files():
    got = incoming_files("inbox")
    assert isinstance(got, list), "return a list of path strings"
    names = sorted(os.path.basename(p) for p in got)
    if not names:
        raise AssertionError(
            "no files found: os.listdir() returns bare names like 'notes.txt'; "
            "os.path.isfile('notes.txt') looks in the CURRENT directory, not in inbox/. "
            "Test os.path.isfile(os.path.join(directory, name)).")
    assert names == ["avatar.png", "notes.txt", "report.csv"], (
        "only the regular files directly inside inbox/: skip subfolders such as archive/ "
        "(os.path.isfile(os.path.join(directory, name)) is False for them)")


def test_paths_are_joined_to_the_directory():
    got = incoming_files("inbox")
    folders = [os.path.dirname(p) for p in got]
    assert folders == ["inbox"] * len(got), (
        "each item is os.path.join(directory, name), here 'inbox/notes.txt': a bare name "
        "from os.listdir() cannot be opened from another directory")


def test_sorted_whatever_order_the_file_system_uses():
    with reverse_order_file_system():
        got = incoming_files("inbox")
    want = [os.path.join("inbox", n) for n in ["avatar.png", "notes.txt", "report.csv"]]
    assert got == want, (
        "os.listdir() (and os.scandir()) return entries in an arbitrary, file-system-dependent "
        "order (here: reversed). Sort the result so every run processes files in the same order.")


def test_defaults_to_the_current_directory_as_absolute_paths():
    inbox = os.path.join(os.getcwd(), "inbox")
    os.chdir("inbox")
    got = incoming_files()
    want = [os.path.join(inbox, n) for n in ["avatar.png", "notes.txt", "report.csv"]]
    os.chdir("archive")  # the job moves on; the paths must still be valid
    assert got == want, (
        "with no argument, list os.getcwd(): it is an ABSOLUTE path, so the result stays "
        "valid after os.chdir(). '.' or '' would make every path relative to wherever the "
        "process happens to be later.")
    assert all(os.path.isfile(p) for p in got), "each path must still name an existing file"


def test_empty_directory(tmp_path):
    assert incoming_files(str(tmp_path)) == [], "an empty folder has no files: return []"
