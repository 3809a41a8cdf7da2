"""map() to join names and filter(os.path.isfile, ...) over the sorted listing."""
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
  they contain are not included), each built as os.path.join(directory, name); hidden files
  count, while folders, named pipes (FIFOs) and symlinks that lead nowhere do not;
- sorted by name, so the order never depends on the file system;
- when `directory` is omitted (None) it lists the current working directory, and the paths it
  returns are ABSOLUTE (start from os.getcwd()), so they still point at the right files after
  the job later changes directory with os.chdir();
- an empty folder gives [].

The fixture folder is inbox/: report.csv, notes.txt, avatar.png and a subfolder archive/.
"""

import os

def incoming_files(directory=None):
    folder = os.getcwd() if directory is None else directory
    paths = map(lambda n: os.path.join(folder, n), sorted(os.listdir(folder)))
    return list(filter(os.path.isfile, paths))


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
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
    """Simulate a file system that lists entries in reverse alphabetical order (real ones use
    hash or creation order: never count on any particular order); reverse=False: in order."""
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
    names = [os.path.basename(p) for p in got]
    assert names == ["avatar.png", "notes.txt", "report.csv"], (
        "os.listdir() (and os.scandir()) return entries in an arbitrary, file-system-dependent "
        "order (here: reversed). Sort the result so every run processes files in the same order.")


def test_defaults_to_the_current_directory_as_absolute_paths():
    inbox = os.path.join(os.getcwd(), "inbox")
    os.chdir("inbox")
    got = incoming_files()
    want = [os.path.join(inbox, n) for n in ["avatar.png", "notes.txt", "report.csv"]]
    os.chdir("archive")  # the job moves on; the paths must still be valid
    assert all(os.path.isabs(p) for p in got), (
        "with no argument, list os.getcwd(): it is an ABSOLUTE path, so the result stays "
        "valid after os.chdir(). '.' or '' would make every path relative to wherever the "
        "process happens to be later.")
    assert sorted(got) == want, (
        "with no argument, list the directory that is current WHEN incoming_files() is "
        "called (here %r): call os.getcwd() inside the function. A default argument "
        "(directory=os.getcwd()) or a module-level constant is computed once, at import."
        % inbox)
    assert got == want, "sorted by name"
    assert all(os.path.isfile(p) for p in got), "each path must still name an existing file"


def test_empty_directory(tmp_path):
    assert incoming_files(str(tmp_path)) == [], "an empty folder has no files: return []"


def make_upload_folder(root):
    """A folder as users leave it: a hidden file, names differing only in case, odd characters,
    a sub-folder, a named pipe (FIFO) and symlinks. The folder's own name has brackets."""
    folder = os.path.join(root, "uploads [2024]")
    os.mkdir(folder)
    for name in (".env", "B.txt", "a.txt", "README.md", "readme.md", "[draft].txt", "café.txt"):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(name)
    os.mkdir(os.path.join(folder, "docs"))
    os.mkfifo(os.path.join(folder, "queue"))  # a named pipe: neither a folder nor a regular file
    os.symlink("nowhere.txt", os.path.join(folder, "gone.txt"))  # a dangling symlink
    os.symlink("docs", os.path.join(folder, "docs-link"))  # a symlink to a folder
    os.symlink("a.txt", os.path.join(folder, "a-link.txt"))  # a symlink to a file: either way
    return folder


def test_a_folder_users_write_to(tmp_path):
    folder = make_upload_folder(str(tmp_path))
    want = [".env", "B.txt", "README.md", "[draft].txt", "a.txt", "café.txt", "readme.md"]
    runs = []
    for reverse in (True, False):
        with reverse_order_file_system(reverse):
            got = incoming_files(folder)
        # a symlink to a regular file may be listed or not (os.path.isfile follows it)
        runs.append([p for p in got if p != os.path.join(folder, "a-link.txt")])
    got = runs[0]
    names = [os.path.basename(p) for p in got]
    if not got:
        raise AssertionError(
            "nothing found in %r. If you used glob: it reads the [ ] in the folder's name as a "
            "pattern (and skips hidden files). os.listdir() takes names literally." % folder)
    assert ".env" in names, (
        "'.env' is missing: a hidden file is a regular file too. os.listdir() includes names "
        "starting with '.' (glob's '*' does not): don't filter them out")
    not_files = sorted(set(names) & {"queue", "gone.txt", "docs-link", "docs"})
    assert not_files == [], (
        "%r are not regular files: 'queue' is a named pipe (FIFO), 'gone.txt' a dangling "
        "symlink, 'docs-link' a symlink to a folder. 'not a folder' is not 'a regular file': "
        "keep a name only if os.path.isfile(os.path.join(directory, name))" % not_files)
    assert sorted(names) == want, "the regular files directly inside the folder"
    assert runs[0] == runs[1], (
        "the order depends on the order the file system lists the entries in (%r, then %r). "
        "A sort key like str.lower makes 'README.md' and 'readme.md' equal, so their order is "
        "left to the file system: sort by the name itself, sorted(os.listdir(directory))"
        % ([os.path.basename(p) for p in runs[0]], [os.path.basename(p) for p in runs[1]]))
    assert got == [os.path.join(folder, n) for n in want], (
        "sorted by name as sorted() orders strings (by code point: '.env' < 'B.txt' < 'a.txt'), "
        "each path os.path.join(directory, name)")
