"""Checks the stored name with Path.exists(), which follows a dangling symlink and says False, so the upload replaces it."""
# expect: os.path.lexists
"""dirs1: create folders and move files and folders between them.

Accepted uploads are stored as storage/<tenant>/<year>/<month>/<file name>. The folders are
made on demand, by several workers at once, and the files arrive from an incoming/ folder
that may sit on another disk (a mounted volume, a tmpfs) than the storage.

Creating a folder:

    Path(folder).mkdir(parents=True, exist_ok=True)     # or os.makedirs(folder, exist_ok=True)

parents=True makes every missing level; exist_ok=True makes an existing folder fine, in one
step, so two workers creating the same folder at the same moment both succeed. Checking
first (`if not folder.exists(): folder.mkdir()`) has a window in which the other worker
creates it, and then mkdir raises FileExistsError. exist_ok only forgives a FOLDER: if a
file is in the way, mkdir still raises, and it should.

Moving: os.rename() (and Path.rename/replace) is one step that moves nothing, it only
changes a name, so it is instant and keeps everything (the inode, the times). It only works
within one file system; across two it fails with OSError EXDEV ("Invalid cross-device
link"). shutil.move(src, dst) tries os.rename first and, on failure, copies (shutil.copy2:
data, permission bits and times; copytree for a folder) and then deletes the source.

Two surprises of shutil.move and os.rename: over an existing FILE they replace it without a
word, and when dst is an existing FOLDER shutil.move puts src INSIDE it (dst/name). Decide
the exact destination path yourself and check it before moving.

Your task (paths may come as str or Path):

- storage_dir(root, tenant, when) -> Path: the folder root/tenant/YYYY/MM for the date
  `when` (month with two digits: 2024/03), created with every missing level. Calling it
  again, or while another worker creates the same folder, is fine; if something that is not
  a folder is in the way, the OSError from mkdir propagates.
- accept_upload(upload, root, tenant, when) -> Path: move the file `upload` into
  storage_dir(root, tenant, when), keeping its name, and return its new path. Nothing stays
  behind in incoming/. On one file system the move is a rename (nothing is copied); it also
  works across file systems, and keeps the file's modification time. If a file of that
  name is already stored, raise FileExistsError and leave both files as they are.
- archive_job(job_dir, archive_root) -> Path: move the folder `job_dir` (with everything in
  it, symlinks kept as symlinks) to archive_root/<its name>, creating archive_root and its
  parents if needed, and return the new path. A rename on one file system; across file
  systems too. If
  archive_root/<name> exists already, raise FileExistsError and move nothing.
"""

import os
import shutil
from pathlib import Path


def storage_dir(root, tenant, when):
    folder = Path(root, tenant, "%04d" % when.year, "%02d" % when.month)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def accept_upload(upload, root, tenant, when):
    upload = Path(upload)
    target = storage_dir(root, tenant, when) / upload.name
    if target.exists():
        raise FileExistsError("%s is already stored" % target)
    shutil.move(upload, target)
    return target


def archive_job(job_dir, archive_root):
    job_dir = Path(job_dir)
    archive_root = Path(archive_root)
    archive_root.mkdir(parents=True, exist_ok=True)
    target = archive_root / job_dir.name
    if os.path.lexists(target):
        raise FileExistsError("%s exists already" % target)
    shutil.move(job_dir, target)
    return target


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import datetime  # noqa: E402
import errno  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import iolings_testkit as kit  # noqa: E402

WHEN = datetime.date(2024, 3, 7)
OLD = 1600000000  # the upload's modification time, 2020-09-13


def snapshot(root):
    """{relative path: bytes, '-> target' for a symlink, '/' for a folder} of a whole tree."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = "/"
            else:
                with open(path, "rb") as f:
                    found[rel] = f.read()
    return found


def make_upload(tmp_path, data=b"%PDF-1.7 quarterly report"):
    incoming = tmp_path / "incoming"
    incoming.mkdir(exist_ok=True)
    upload = incoming / "report.pdf"
    upload.write_bytes(data)
    os.utime(upload, (OLD, OLD))
    return upload


JOB = {
    "input.pdf": b"%PDF-1.7 scanned contract",
    "pages": {"1.png": b"\x89PNG page one", "2.png": b"\x89PNG page two"},
    "latest": kit.Symlink("pages/2.png"),
    "empty": {},
}


def stored(tmp_path):
    return tmp_path / "storage" / "acme" / "2024" / "03"


def call_storage_dir(tmp_path):
    try:
        return storage_dir(tmp_path / "storage", "acme", WHEN)
    except FileNotFoundError as exc:
        raise AssertionError(
            "storage_dir raised %s: the levels above the last folder did not exist yet. "
            "mkdir(parents=True) (or os.makedirs) creates every missing level" % exc) from None


def test_storage_dir_creates_every_level(tmp_path):
    got = call_storage_dir(tmp_path)
    assert Path(got) == stored(tmp_path), (
        "storage_dir(root, 'acme', date(2024, 3, 7)) is root/acme/2024/03 (two-digit month)")
    assert stored(tmp_path).is_dir(), "the folder must exist when storage_dir returns"


def test_storage_dir_again_is_fine(tmp_path):
    call_storage_dir(tmp_path)
    (stored(tmp_path) / "first.pdf").write_bytes(b"stored earlier")
    try:
        again = call_storage_dir(tmp_path)
    except FileExistsError:
        raise AssertionError(
            "the second upload of the month failed with FileExistsError: the folder exists "
            "already. mkdir(parents=True, exist_ok=True) accepts an existing folder") from None
    assert Path(again) == stored(tmp_path), "the same folder again"
    assert (stored(tmp_path) / "first.pdf").read_bytes() == b"stored earlier", (
        "what the folder held must still be there")


def test_storage_dir_while_another_worker_creates_it(tmp_path):
    def other_worker():
        os.makedirs(stored(tmp_path), exist_ok=True)

    with kit.between_check_and_use(other_worker) as race:
        try:
            got = call_storage_dir(tmp_path)
        except FileExistsError:
            raise AssertionError(
                "FileExistsError: your code checked that the folder was missing (%s), then "
                "another worker created it before your mkdir. Don't check first: "
                "mkdir(parents=True, exist_ok=True) creates it or accepts it in one step"
                % race.check) from None
    assert Path(got) == stored(tmp_path) and stored(tmp_path).is_dir(), "the folder is there"


def test_storage_dir_refuses_a_file_in_the_way(tmp_path):
    stored(tmp_path).parent.mkdir(parents=True)
    stored(tmp_path).write_text("a file named 03, not a folder\n", encoding="utf-8")
    try:
        got = storage_dir(tmp_path / "storage", "acme", WHEN)
    except (FileExistsError, NotADirectoryError):
        return
    raise AssertionError(
        "storage_dir returned %r, but that is a file, not a folder: every upload stored "
        "'in' it would fail later. exist_ok=True only forgives an existing FOLDER; let the "
        "FileExistsError from mkdir propagate (catching it hides the file)" % (got,))


def test_accept_upload_moves_the_file(tmp_path):
    upload = make_upload(tmp_path)
    inode = upload.stat().st_ino
    got = accept_upload(upload, tmp_path / "storage", "acme", WHEN)
    target = stored(tmp_path) / "report.pdf"
    assert Path(got) == target, "the upload goes to storage/acme/2024/03/report.pdf"
    assert target.read_bytes() == b"%PDF-1.7 quarterly report", "the stored file's content"
    assert not os.path.lexists(upload), (
        "report.pdf is still in incoming/: a move leaves nothing behind")
    assert target.stat().st_ino == inode, (
        "on one file system a move must be renamed, not copied (the file got a new inode, "
        "so it was copied byte by byte). shutil.move renames when it can and copies only "
        "when it must")


def test_accept_upload_across_file_systems(tmp_path):
    upload = make_upload(tmp_path)
    with kit.fail_at("rename", errno.EXDEV):
        try:
            got = accept_upload(str(upload), str(tmp_path / "storage"), "acme", WHEN)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            raise AssertionError(
                "%s: incoming/ and storage/ are on different file systems here, and a rename "
                "cannot cross them (EXDEV). shutil.move tries os.rename, then copies and "
                "deletes the source" % exc) from None
    target = stored(tmp_path) / "report.pdf"
    assert Path(got) == target and target.read_bytes() == b"%PDF-1.7 quarterly report", (
        "the file must arrive in storage/acme/2024/03 with its content")
    assert not os.path.lexists(upload), "report.pdf is still in incoming/ after the move"
    assert target.stat().st_mtime == OLD, (
        "the stored copy lost its modification time (%s instead of %s): copy with "
        "shutil.copy2 (shutil.move does), not shutil.copy or copyfile"
        % (target.stat().st_mtime, OLD))


def test_accept_upload_never_overwrites(tmp_path):
    call_storage_dir(tmp_path)
    existing = stored(tmp_path) / "report.pdf"
    existing.write_bytes(b"the upload stored yesterday")
    upload = make_upload(tmp_path, b"a new upload with the same name")
    try:
        accept_upload(upload, tmp_path / "storage", "acme", WHEN)
    except FileExistsError:
        pass
    except shutil.Error as exc:
        raise AssertionError(
            "shutil.Error(%s): shutil.move into the folder refused the existing name, but "
            "callers expect FileExistsError. Build the full target path, check it with "
            "os.path.lexists and raise FileExistsError yourself" % exc) from None
    else:
        assert existing.read_bytes() == b"the upload stored yesterday", (
            "accept_upload replaced the stored file with the new upload: os.rename and "
            "shutil.move overwrite an existing file without a word. Check the target first "
            "and raise FileExistsError")
        raise AssertionError("a file of that name is already stored: raise FileExistsError")
    assert existing.read_bytes() == b"the upload stored yesterday", (
        "the stored file must stay as it was")
    assert upload.read_bytes() == b"a new upload with the same name", (
        "a refused upload stays in incoming/")


def test_a_dangling_symlink_counts_as_taken(tmp_path):
    call_storage_dir(tmp_path)
    link = stored(tmp_path) / "report.pdf"
    os.symlink("deleted-long-ago.pdf", link)
    upload = make_upload(tmp_path)
    archive = tmp_path / "archive"
    archive.mkdir()
    os.symlink("../nowhere", archive / "job-17")
    job = kit.make_tree(tmp_path / "work" / "job-17", JOB)
    for what, call, taken in (
            ("accept_upload", lambda: accept_upload(upload, tmp_path / "storage", "acme", WHEN),
             link),
            ("archive_job", lambda: archive_job(job, archive), archive / "job-17")):
        try:
            call()
        except FileExistsError:
            pass
        except shutil.Error as exc:
            raise AssertionError("%s: shutil.Error(%s): raise FileExistsError" % (what, exc))
        else:
            raise AssertionError(
                "%s replaced %s, a symlink to a file that does not exist: the name is taken "
                "all the same. Path.exists() and os.path.exists() follow the link and say "
                "False; check with os.path.lexists, which sees the link itself" % (what, taken))
        assert os.path.islink(taken), "%s: the symlink %s must stay as it was" % (what, taken)
    assert upload.read_bytes() == b"%PDF-1.7 quarterly report", "the upload stays in incoming/"
    assert (job / "input.pdf").exists(), "the job stays in work/"


def test_archive_job_moves_the_folder(tmp_path):
    job = kit.make_tree(tmp_path / "work" / "job-17", JOB)
    inode = (job / "pages" / "1.png").stat().st_ino
    try:
        got = archive_job(job, tmp_path / "archive" / "2024")
    except FileNotFoundError as exc:
        raise AssertionError(
            "archive_job raised %s: archive/2024 did not exist yet. Create archive_root with "
            "its parents first" % exc) from None
    target = tmp_path / "archive" / "2024" / "job-17"
    assert Path(got) == target, "the job goes to archive_root/job-17"
    assert not os.path.lexists(job), "job-17 is still in work/: a move leaves nothing behind"
    assert target.is_dir(), (
        "archive/2024/job-17 does not exist (archive/2024 holds %r): shutil.move(src, dst) "
        "RENAMES src to dst when dst is not an existing folder. Create archive_root first, "
        "then move to archive_root / <name>"
        % (sorted(os.listdir(target.parent)) if target.parent.is_dir() else None,))
    assert snapshot(target) == snapshot(kit.make_tree(tmp_path / "expected", JOB)), (
        "the archived folder must hold exactly what the job held")
    assert (target / "pages" / "1.png").stat().st_ino == inode, (
        "on one file system the folder must be renamed, not copied file by file")


def test_archive_job_across_file_systems(tmp_path):
    job = kit.make_tree(tmp_path / "work" / "job-17", JOB)
    with kit.fail_at("rename", errno.EXDEV):
        try:
            got = archive_job(job, tmp_path / "archive")
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            raise AssertionError(
                "%s: the archive is on another file system, where a rename cannot go "
                "(EXDEV). shutil.move copies the folder (copytree) and deletes the "
                "original when the rename fails" % exc) from None
    target = tmp_path / "archive" / "job-17"
    assert Path(got) == target, "the job goes to archive_root/job-17"
    assert os.path.islink(target / "latest"), (
        "'latest' is a symlink in the job and must stay one, not become a copy of "
        "pages/2.png: copy with symlinks=True (shutil.move does)")
    assert not os.path.lexists(job), (
        "job-17 is still in work/: after copying, the original folder must be removed")
    assert snapshot(target) == snapshot(kit.make_tree(tmp_path / "expected", JOB)), (
        "the archived folder must hold exactly what the job held")


def test_archive_job_second_job_and_str_paths(tmp_path):
    archive_job(kit.make_tree(tmp_path / "work" / "job-17", JOB), tmp_path / "archive")
    second = kit.make_tree(tmp_path / "work" / "job-18.retry", {"input.pdf": b"%PDF again"})
    try:
        got = archive_job(str(second), str(tmp_path / "archive"))
    except FileExistsError as exc:
        raise AssertionError(
            "archiving a second job failed with %s: archive_root exists after the first one. "
            "Create it with exist_ok=True" % exc) from None
    target = tmp_path / "archive" / "job-18.retry"
    assert Path(got) == target, (
        "the folder keeps its whole name, dots included: archive_root/job-18.retry (.name, "
        "not .stem)")
    assert snapshot(target) == {"input.pdf": b"%PDF again"}, "the second job's content"
    assert sorted(os.listdir(tmp_path / "archive")) == ["job-17", "job-18.retry"], (
        "both jobs side by side in the archive")


def test_archive_job_refuses_an_existing_folder(tmp_path):
    job = kit.make_tree(tmp_path / "work" / "job-17", JOB)
    existing = kit.make_tree(tmp_path / "archive" / "job-17", {"old.log": "archived before\n"})
    try:
        archive_job(job, tmp_path / "archive")
    except FileExistsError:
        pass
    except shutil.Error as exc:
        raise AssertionError(
            "shutil.Error(%s): check archive_root/<name> yourself and raise "
            "FileExistsError" % exc) from None
    else:
        assert not os.path.lexists(existing / "job-17"), (
            "the job ended up INSIDE the existing archive/job-17 (as archive/job-17/job-17): "
            "shutil.move into an existing folder puts the source inside it. Check the "
            "destination first and raise FileExistsError")
        raise AssertionError("archive/job-17 exists already: raise FileExistsError")
    assert snapshot(existing) == {"old.log": b"archived before\n"}, (
        "the existing archive/job-17 must stay as it was")
    assert snapshot(job) == snapshot(kit.make_tree(tmp_path / "expected", JOB)), (
        "a refused job stays where it was, untouched")
