"""Copies a file only when the source is newer than its copy, so a restored older version is never backed up."""
# expect: not 'newer than'
"""dirs3: back up the storage folder with shutil.copytree and shutil.copy2.

Every night the storage folder is copied to a backup disk. The backup is refreshed in
place: a file that has not changed since last night is not copied again, and what the
backup holds already stays.

The shutil copy functions differ in what they copy besides the bytes:

    shutil.copyfile(src, dst)   the data only (dst gets a new mode and the time of now)
    shutil.copy(src, dst)       data + permission bits
    shutil.copy2(src, dst)      data + permission bits + times (modification, access)

Only copy2 keeps the modification time, and a backup that compares (size, mtime) to find
changed files needs it: after a plain copy every file looks changed tomorrow.

shutil.copytree(src, dst, ...) copies a whole tree, calling copy_function (copy2 unless you
say otherwise) for every file. Its keywords:

    ignore=shutil.ignore_patterns("*.tmp", "__pycache__")
        a callable (folder, names) -> the names to skip in that folder; ignore_patterns
        makes one that matches each name with fnmatch ("*.tmp" matches "a.tmp", not
        "a.tmp.txt"), in every folder of the tree. You can write your own and combine.
    dirs_exist_ok=True
        dst may exist (from the last run): without it copytree raises FileExistsError.
        Files already in dst that are not in src are left alone.
    copy_function=f
        f(src_file, dst_file) copies one file; it may also decide not to.
    symlinks=False (the default)
        a symlink in src is FOLLOWED: a link to /etc puts a copy of /etc into your backup,
        a dangling link is an error. symlinks=True copies links as links, but then a
        second run with dirs_exist_ok=True fails on every link that is already there.

Your task: backup(src, dest) -> list[str]

- make dest a copy of the tree src: dest and its missing parents are created, or dest is
  refreshed if it exists; files in dest that src does not have stay;
- skip every file or folder whose name matches a pattern in IGNORE, at any depth, and skip
  every symlink (uploads never contain links; copying one would copy what it points to);
- copy a file only if dest has no file there yet, or its size or modification time differ
  from the source's; copies keep the modification time and permission bits, so that the
  next run finds them unchanged;
- return the relative paths (with "/") of the files copied by this run, sorted.
"""

import os
import shutil

IGNORE = ("*.part", "*.tmp", "__pycache__", ".cache")

_patterns = shutil.ignore_patterns(*IGNORE)


def _skipped(folder, names):
    skip = set(_patterns(folder, names))
    skip.update(name for name in names if os.path.islink(os.path.join(folder, name)))
    return skip


def backup(src, dest):
    copied = []

    def copy_if_changed(source, target):
        new = os.stat(source)
        try:
            old = os.stat(target)
        except FileNotFoundError:
            pass
        else:
            if old.st_size == new.st_size and old.st_mtime_ns >= new.st_mtime_ns:
                return target
        copied.append(os.path.relpath(source, src).replace(os.sep, "/"))
        return shutil.copy2(source, target)

    shutil.copytree(src, dest, ignore=_skipped, copy_function=copy_if_changed,
                    dirs_exist_ok=True)
    return sorted(copied)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402

import iolings_testkit as kit  # noqa: E402

NIGHT = 1700000000  # the source files' modification time (2023-11-14)

STORAGE = {
    "acme": {"2024": {"03": {
        "report.pdf": b"%PDF-1.7 quarterly report",
        "scan.png": b"\x89PNG scanned page",
        "upload.part": b"half an upload",
        "notes.tmp.txt": "kept: '*.tmp' does not match a name that only contains .tmp\n",
    }}},
    "globex": {
        "contract.pdf": b"%PDF-1.7 contract",
        "draft.tmp": "a temporary file\n",
        "__pycache__": {"tools.cpython-312.pyc": b"\xcb\r\r\n"},
        "tmp": {"real.txt": "a folder named tmp is not *.tmp\n"},
    },
    ".cache": {"thumbs.db": b"thumbnail cache"},
    "deep": {"er": {".cache": {"x.bin": b"cached"}, "data.bin": bytes(range(256))}},
    "index.json": '{"tenants": 2}\n',
}

COPIED = [
    "acme/2024/03/notes.tmp.txt", "acme/2024/03/report.pdf", "acme/2024/03/scan.png",
    "deep/er/data.bin", "globex/contract.pdf", "globex/tmp/real.txt", "index.json",
]


def make_storage(tmp_path):
    src = kit.make_tree(tmp_path / "storage", STORAGE)
    files = []
    for folder, dirs, names in os.walk(src):
        files += [os.path.join(folder, name) for name in names]
    kit.set_mtimes(files, NIGHT)
    return src


def snapshot(root):
    """{relative path: bytes, '-> target' for a symlink, '/' for a folder}: a tree's content."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = "/"
            else:
                with open(path, "rb") as f:
                    found[rel] = f.read()
    return found


def files_of(tree):
    return {k: v for k, v in tree.items() if v != "/"}


def expected_files(src):
    want = files_of(snapshot(src))
    return {k: v for k, v in want.items() if k in COPIED}


def run_backup(src, dest, night):
    try:
        return backup(src, dest)
    except FileExistsError as exc:
        raise AssertionError(
            "the %s backup failed with %s: the backup folder exists from the night before. "
            "copytree(..., dirs_exist_ok=True) refreshes an existing folder" % (night, exc)
        ) from None
    except shutil.Error as exc:
        raise AssertionError(
            "copytree failed with shutil.Error %s: it followed a symlink (or copied one that "
            "is already there). Skip symlinks in your ignore function "
            "(os.path.islink(os.path.join(folder, name)))" % (str(exc)[:300],)) from None


def test_first_backup(tmp_path):
    src = make_storage(tmp_path)
    dest = tmp_path / "backup" / "nightly"
    got = run_backup(src, dest, "first")
    assert isinstance(got, list), "backup returns a list of relative paths"
    assert sorted(files_of(snapshot(dest))) == COPIED, (
        "the backup must hold the files whose names (and folders' names) match no IGNORE "
        "pattern, at any depth")
    assert files_of(snapshot(dest)) == expected_files(src), "each copied file's content"
    assert got == COPIED, "the first run copies every file it keeps, and returns them sorted"


def test_ignore_patterns_match_whole_names_at_any_depth(tmp_path):
    src = make_storage(tmp_path)
    dest = tmp_path / "backup"
    run_backup(src, dest, "first")
    names = set(snapshot(dest))
    assert "acme/2024/03/notes.tmp.txt" in names and "globex/tmp/real.txt" in names, (
        "notes.tmp.txt and the folder tmp/ were skipped, but '*.tmp' matches only names that "
        "END in .tmp: match names with fnmatch (shutil.ignore_patterns does), not by "
        "looking for text inside them")
    leaked = sorted(n for n in names if "__pycache__" in n or ".cache" in n or
                    n.endswith((".part", ".tmp")))
    assert not leaked, (
        "%r were copied: the patterns must apply in EVERY folder, at any depth. copytree "
        "calls ignore(folder, names) once per folder; ignore_patterns(...) checks each "
        "folder's own names" % leaked)


def test_symlinks_are_skipped(tmp_path):
    src = make_storage(tmp_path)
    kit.make_tree(tmp_path / "elsewhere", {"secret.key": "not for the backup\n"})
    os.symlink(tmp_path / "elsewhere", src / "acme" / "mirror")
    os.symlink("2024/03/report.pdf", src / "acme" / "latest.pdf")
    os.symlink("nowhere", src / "globex" / "gone")
    dest = tmp_path / "backup"
    got = run_backup(src, dest, "first")
    tree = snapshot(dest)
    links = sorted(k for k, v in tree.items() if isinstance(v, str) and v.startswith("->"))
    assert not links, (
        "the backup holds the symlinks %r: skip symlinks altogether (copytree(symlinks=True) "
        "copies them as links, and the next run fails on them)" % links)
    followed = sorted(k for k in tree if k.startswith(("acme/mirror", "acme/latest")))
    assert not followed, (
        "%r were copied: copytree FOLLOWED a symlink and copied what it points to. Skip "
        "symlinks in your ignore function" % followed)
    assert got == COPIED, "the same files as without the links"
    assert run_backup(src, dest, "second") == [], "and a second run copies nothing"


def test_second_night_copies_nothing(tmp_path):
    src = make_storage(tmp_path)
    dest = tmp_path / "backup"
    run_backup(src, dest, "first")
    source_mtime = os.stat(src / "index.json").st_mtime_ns
    copy_mtime = os.stat(dest / "index.json").st_mtime_ns
    got = run_backup(src, dest, "second")
    assert copy_mtime == source_mtime, (
        "the copy of index.json has another modification time than the source, so every "
        "file looks changed the next night: copy with shutil.copy2 (copy and copyfile do "
        "not keep times)")
    assert got == [], (
        "nothing changed since the first run, yet %r were copied again: skip a file whose "
        "copy has the same size and modification time" % got[:3])
    assert files_of(snapshot(dest)) == expected_files(src), "the backup is still complete"


def test_changed_files_are_copied_again(tmp_path):
    src = make_storage(tmp_path)
    dest = tmp_path / "backup"
    run_backup(src, dest, "first")
    report = src / "acme" / "2024" / "03" / "report.pdf"
    report.write_bytes(b"%PDF-1.7 quarterly report, corrected and longer")
    kit.set_mtimes([report], NIGHT)
    scan = src / "acme" / "2024" / "03" / "scan.png"
    scan.write_bytes(b"\x89PNG scanned PAGE")
    kit.set_mtimes([scan], NIGHT + 60)
    contract = src / "globex" / "contract.pdf"
    contract.write_bytes(b"%PDF-1.7 CONTRACT")         # an older version put back, same size
    os.utime(contract, ns=((NIGHT - 86400) * 10**9,) * 2)
    data = src / "deep" / "er" / "data.bin"
    data.write_bytes(bytes(range(255, -1, -1)))         # changed half a second later, same size
    os.utime(data, ns=(NIGHT * 10**9 + 500_000_000,) * 2)
    got = run_backup(src, dest, "second")
    assert "acme/2024/03/report.pdf" in got, (
        "report.pdf changed size but kept its modification time (edits within the clock's "
        "resolution do that): compare the size too")
    assert "acme/2024/03/scan.png" in got, (
        "scan.png has the same size but a new modification time: compare the modification "
        "time too (st_mtime_ns)")
    assert "globex/contract.pdf" in got, (
        "contract.pdf was replaced by an OLDER version of the same size (a restore): its "
        "modification time differs from the backup's, so copy it. Compare for equality "
        "(!=), not 'newer than'")
    assert "deep/er/data.bin" in got, (
        "data.bin changed half a second after the backup, same size: compare the times to "
        "the nanosecond (st_mtime_ns), not in whole seconds")
    assert got == ["acme/2024/03/report.pdf", "acme/2024/03/scan.png", "deep/er/data.bin",
                   "globex/contract.pdf"], "only the four changed files are copied"
    assert files_of(snapshot(dest)) == expected_files(src), "the backup has the new content"


def test_files_only_in_the_backup_stay(tmp_path):
    src = make_storage(tmp_path)
    dest = kit.make_tree(tmp_path / "backup", {"acme": {"2023": {"old.pdf": b"%PDF last year"}},
                                                "README": "backups of storage/\n"})
    got = run_backup(src, dest, "first")
    tree = snapshot(dest)
    assert tree.get("acme/2023/old.pdf") == b"%PDF last year" and "README" in tree, (
        "the backup's own files (acme/2023/old.pdf, README) must stay: refresh the backup "
        "folder in place (dirs_exist_ok=True), don't delete it first")
    assert got == COPIED, "every file of the storage is copied into it"


def test_copies_keep_permission_bits_and_times(tmp_path):
    src = make_storage(tmp_path)
    report = src / "acme" / "2024" / "03" / "report.pdf"
    os.chmod(report, 0o640)
    os.chmod(src / "index.json", 0o604)
    dest = tmp_path / "backup"
    run_backup(src, dest, "first")
    for rel in ("acme/2024/03/report.pdf", "index.json"):
        mine, theirs = os.stat(src / rel), os.stat(dest / rel)
        assert stat.S_IMODE(theirs.st_mode) == stat.S_IMODE(mine.st_mode), (
            "%s: mode %o in the backup, %o in the storage: shutil.copy2 keeps the "
            "permission bits" % (rel, stat.S_IMODE(theirs.st_mode), stat.S_IMODE(mine.st_mode)))
        assert theirs.st_mtime_ns == mine.st_mtime_ns, (
            "%s: the copy's modification time differs from the source's: use shutil.copy2"
            % rel)


def test_result_is_sorted_whatever_the_listing_order(tmp_path):
    src = make_storage(tmp_path)
    with kit.shuffled_listing(seed=3):
        got = run_backup(src, tmp_path / "backup", "first")
    assert got == COPIED, (
        "copytree meets files in the order the file system lists them (scrambled here): "
        "return sorted(...) of the relative paths")
