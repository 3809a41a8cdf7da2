"""Resolves the whole path, so a symlink is replaced by its target before rmtree runs."""
# expect: not the entry
"""dirs2: delete a folder tree, but only inside the base folder, and never through a symlink.

When an upload job ends, its working folder under work/ is deleted with everything in it.
The path comes from a database row or a request, so it can be wrong or hostile: "..",
a symlink someone planted, a sibling folder whose name starts like the base. shutil.rmtree
deletes whatever it is given, so the check in front of it is what keeps the rest of the
disk alive.

Where does a path really lead? Path.resolve() (os.path.realpath) follows every symlink and
removes every "..". But resolving the WHOLE path is wrong when the last part is a symlink:
work/job-9 -> /srv/storage resolves to /srv/storage, and rmtree would delete the storage.
Resolve the folder that holds the entry, keep the entry's own name:

    target = path.parent.resolve() / path.name         # where the entry itself lives
    root = Path(base).resolve()                         # resolve the base too
    target.is_relative_to(root)                         # part by part: /srv/work2 is not
                                                        # inside /srv/work (startswith is)

An entry named ".." (or "", as in Path(".")) has no name of its own: refuse it. If the entry
is a symlink (to a folder, a file, or nothing), delete the link with unlink(); rmtree
refuses links anyway. Inside the tree, rmtree never follows symlinks: it removes the links
and leaves what they point to alone.

Permission errors: a file can only be deleted from a folder you can WRITE (on Linux and
macOS the file's own mode does not matter; on Windows a read-only file is what blocks).
Build tools and archives sometimes leave read-only folders (mode 0o555) in a job folder,
and rmtree then stops with PermissionError. rmtree calls an error handler instead of
raising when you pass one. The handler gets the function that failed (os.unlink, os.rmdir),
the path and the error; it may fix the cause and call the function again. Its name changed:

    Python 3.12 and later:  shutil.rmtree(p, onexc=handler)      handler(func, path, exc)
    Python 3.10 and 3.11:   shutil.rmtree(p, onerror=handler)    handler(func, path, exc_info)
                            (exc_info is a tuple (type, value, traceback): the error is [1])

onexc does not exist before 3.12 (TypeError), and onerror is deprecated from 3.12 (it
still works, but its days are counted): choose by sys.version_info. Never pass
ignore_errors=True: it hides every error and leaves the tree half deleted.

Your task: remove_tree(path, base) (str or Path, absolute or relative to the current
folder):

- raise ValueError, deleting nothing, unless the entry `path` names lives strictly inside
  `base`: its parent folder resolved (every symlink followed, ".." removed), plus its own
  name. base itself, and names ".." or "" are refused too. base may be reached through a
  symlink; resolve it as well.
- a symlink (to anything, even dangling) or a file: unlink it (never what a link points to).
- a folder: delete it and everything in it with shutil.rmtree, symlinks inside removed as
  links. A PermissionError on the way: add the owner's write bit (stat.S_IWUSR) to the
  folder that holds the failing entry, then call the failing function again. Any other
  error propagates. Works on Python 3.10 to 3.13: onexc= where it exists, onerror= before.
"""

import os
import shutil
import stat
import sys
from pathlib import Path


def _unlock_and_retry(func, path, error):
    """For rmtree: after a PermissionError, make the folder holding `path` writable and call
    func(path) again; any other error is raised again."""
    if not isinstance(error, PermissionError):
        raise error
    folder = os.path.dirname(path)
    os.chmod(folder, stat.S_IMODE(os.lstat(folder).st_mode) | stat.S_IWUSR)
    func(path)


def remove_tree(path, base):
    path = Path(path)
    if path.name in ("", ".."):
        raise ValueError("refusing to delete %r: name the entry itself" % str(path))
    root = Path(base).resolve()
    target = path.resolve()
    if target == root or not target.is_relative_to(root):
        raise ValueError("refusing to delete %s: it is not inside %s" % (target, root))
    if target.is_symlink() or not target.is_dir():
        target.unlink()
    elif sys.version_info >= (3, 12):
        shutil.rmtree(target, onexc=_unlock_and_retry)
    else:
        shutil.rmtree(target, onerror=lambda func, p, info: _unlock_and_retry(func, p, info[1]))


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import errno  # noqa: E402
import os  # noqa: E402
import stat  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import iolings_testkit as kit  # noqa: E402

JOB = {
    "input.pdf": b"%PDF-1.7 contract",
    "pages": {"page-1.png": b"\x89PNG one", "page-2.png": b"\x89PNG two"},
    "latest": kit.Symlink("pages/page-2.png"),
    "empty": {},
}


def snapshot(root):
    """{relative path: bytes, '-> target' for a symlink, '/' for a folder}: a tree's content."""
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


def make_site(tmp_path):
    """tmp/srv/work/{job-1, job-2}, tmp/srv/storage/keep, and tmp/other (another tree)."""
    base = tmp_path / "srv" / "work"
    kit.make_tree(base / "job-1", JOB)
    kit.make_tree(base / "job-2", JOB)
    kit.make_tree(tmp_path / "srv" / "storage" / "keep", {"contract.pdf": b"%PDF keep me"})
    kit.make_tree(tmp_path / "other" / "tree", {"precious.txt": "not yours\n"})
    return base


def everything(tmp_path):
    return snapshot(tmp_path)


def remove(path, base):
    """remove_tree, with a word about the one TypeError that has a version behind it."""
    try:
        return remove_tree(path, base)
    except TypeError as exc:
        if "onexc" not in str(exc):
            raise
        raise AssertionError(
            "TypeError: %s. onexc exists from Python 3.12 only; on Python %d.%d pass "
            "onerror=, whose handler gets (func, path, exc_info) and finds the error in "
            "exc_info[1]" % ((exc,) + sys.version_info[:2])) from None


def refused(path, base, why):
    root = Path(base).parent.parent  # tmp_path: everything the test made
    before = everything(root)
    try:
        remove(path, base)
    except ValueError:
        assert everything(root) == before, (
            "remove_tree(%r) raised ValueError, but only after deleting part of it: check "
            "first, delete after" % str(path))
        return
    except OSError as exc:
        if everything(root) != before:
            raise AssertionError(
                "remove_tree(%r) started deleting and then failed (%s): %s. Raise "
                "ValueError before deleting anything" % (str(path), exc, why)) from None
        raise
    raise AssertionError("remove_tree(%r) deleted without complaint: %s. Raise ValueError"
                         % (str(path), why))


def test_removes_a_job_folder(tmp_path):
    base = make_site(tmp_path)
    os.symlink(tmp_path / "other" / "tree", base / "job-1" / "out")
    before = everything(tmp_path)
    remove(base / "job-1", base)
    assert snapshot(tmp_path / "other") == {"tree": "/", "tree/precious.txt": b"not yours\n"}, (
        "files outside the job were deleted: job-1/out is a symlink to another tree, and the "
        "link was FOLLOWED. Delete links as links (shutil.rmtree does; os.walk with "
        "followlinks=True does not)")
    assert not os.path.lexists(base / "job-1"), "job-1 must be gone, with everything in it"
    gone = sorted(k for k in before if k not in everything(tmp_path))
    assert all(k.startswith("srv/work/job-1") for k in gone), (
        "only job-1 may be deleted, but also: %r" % [k for k in gone if "job-1" not in k])
    assert len(everything(tmp_path)) == len(before) - len(gone), "nothing else changes"


def test_refuses_dotdot_outside(tmp_path):
    base = make_site(tmp_path)
    before = everything(tmp_path)
    refused(base / "job-1" / ".." / ".." / ".." / "other", base,
            "work/job-1/../../../other is tmp/other, outside the base")
    refused(base / ".." / "storage", base, "work/../storage is srv/storage, outside the base")
    assert everything(tmp_path) == before, "a refused call deletes nothing"


def test_refuses_a_sibling_whose_name_starts_like_the_base(tmp_path):
    make_site(tmp_path)
    kit.make_tree(tmp_path / "srv" / "work2" / "job-1", JOB)
    before = everything(tmp_path)
    refused(tmp_path / "srv" / "work2" / "job-1", tmp_path / "srv" / "work",
            "srv/work2 is not inside srv/work, although the string '.../work2' starts with "
            "'.../work': compare paths part by part (Path.is_relative_to, "
            "os.path.commonpath), not as strings")
    assert everything(tmp_path) == before, "a refused call deletes nothing"


def test_refuses_the_base_itself(tmp_path):
    base = make_site(tmp_path)
    before = everything(tmp_path)
    refused(base, base, "that is the base itself, not an entry inside it")
    refused(base / "job-1" / "..", base,
            "work/job-1/.. is the base itself; an entry named '..' has no name of its own")
    refused(str(base) + "/.", base, "work/. is the base itself")
    assert everything(tmp_path) == before, "a refused call deletes nothing"


def test_a_symlink_is_removed_not_followed(tmp_path):
    base = make_site(tmp_path)
    os.symlink(tmp_path / "other" / "tree", base / "current")
    os.symlink(tmp_path / "srv" / "storage" / "keep", base / "job-3")
    os.symlink("nowhere", base / "dangling")
    before = everything(tmp_path)
    for name in ("current", "job-3", "dangling"):
        try:
            remove(base / name, base)
        except OSError as exc:
            raise AssertionError(
                "remove_tree(work/%s) raised %s: work/%s is a symlink, and rmtree refuses "
                "links. Check is_symlink() first and remove the link itself with unlink()"
                % (name, exc, name)) from None
        except ValueError as exc:
            raise AssertionError(
                "remove_tree(work/%s) was refused (%s), but the link itself lives in work/: "
                "resolve the folder holding the entry, not the entry, and remove the link"
                % (name, exc)) from None
    after = everything(tmp_path)
    assert after.get("srv/storage/keep/contract.pdf") == b"%PDF keep me", (
        "srv/storage/keep was deleted: work/job-3 is a symlink to it, and the link was "
        "FOLLOWED (resolve() on the whole path gives the link's target). Resolve only the "
        "folder the entry is in, and unlink a symlink")
    assert after.get("other/tree/precious.txt") == b"not yours\n", (
        "other/tree was deleted through the symlink work/current")
    assert not any(os.path.lexists(base / n) for n in ("current", "job-3", "dangling")), (
        "the three links themselves must be gone")
    assert len(after) == len(before) - 3, "only the three links are deleted"


def test_refuses_a_path_through_a_symlinked_folder(tmp_path):
    base = make_site(tmp_path)
    os.symlink(tmp_path / "other", base / "escape")
    before = everything(tmp_path)
    refused(base / "escape" / "tree", base,
            "work/escape is a symlink to tmp/other, so work/escape/tree is really "
            "tmp/other/tree, outside the base: a check of the path as text "
            "(os.path.abspath, normpath) does not see it; resolve the parent folder")
    assert everything(tmp_path) == before, (
        "other/tree was deleted through the symlink work/escape")


def test_base_reached_through_a_symlink(tmp_path):
    base = make_site(tmp_path)
    via = kit.via_symlink(base)
    try:
        remove(base / "job-1", via)
        remove(via / "job-2", base)
    except ValueError as exc:
        raise AssertionError(
            "a job inside the base was refused (%s): the base or the path was reached "
            "through a symlink. resolve both sides before comparing them" % exc) from None
    assert not os.path.lexists(base / "job-1") and not os.path.lexists(base / "job-2"), (
        "both jobs are inside the base and must be deleted")
    assert os.path.islink(via), "the symlink to the base is not part of the job"


def test_relative_paths_files_and_str(tmp_path):
    base = make_site(tmp_path)
    (base / "notes.txt").write_text("a file\n", encoding="utf-8")
    kit.make_tree(base, {"...old": {"a.txt": "dots are part of a name\n"}, ".cache": {}})
    os.chdir(tmp_path / "srv")
    remove("work/job-1", "work")
    remove(str(base / "notes.txt"), str(base))
    for name in ("...old", ".cache"):
        try:
            remove(base / name, base)
        except ValueError as exc:
            raise AssertionError(
                "work/%s was refused (%s): only the names '..' and '' are special; "
                "'...old' and '.cache' are ordinary names (compare .name, not .stem)"
                % (name, exc)) from None
    assert sorted(os.listdir(base)) == ["job-2"], (
        "a relative folder, a file (given as str) and two dot-names inside the base must "
        "all be deleted")


@contextlib.contextmanager
def permissions_enforced():
    """Deleting an entry fails with PermissionError when the folder holding it lacks its
    owner's write bit, as it does for an ordinary user (root ignores modes, and these tests
    must mean the same for everyone)."""
    real = {"unlink": os.unlink, "remove": os.remove, "rmdir": os.rmdir}

    def guarded(func):
        def call(path, *, dir_fd=None):
            name = os.fspath(path)
            if dir_fd is not None and os.sep not in name:
                mode = os.fstat(dir_fd).st_mode
            elif dir_fd is not None:
                mode = os.stat(os.path.dirname(name), dir_fd=dir_fd).st_mode
            else:
                mode = os.stat(os.path.dirname(os.path.abspath(name))).st_mode
            if not mode & stat.S_IWUSR:
                raise PermissionError(errno.EACCES, "Permission denied", name)
            return func(path, dir_fd=dir_fd)
        return call

    for name, func in real.items():
        setattr(os, name, guarded(func))
    try:
        yield
    finally:
        for name, func in real.items():
            setattr(os, name, func)


def unlock_all(root):
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), 0o755)


def test_read_only_folders_inside(tmp_path):
    base = make_site(tmp_path)
    locked = kit.make_tree(base / "job-1" / "build", {"deps": {"lib.so": b"\x7fELF"},
                                                      "log.txt": "built\n"})
    os.chmod(locked / "deps", 0o555)
    os.chmod(locked, 0o555)
    try:
        with permissions_enforced(), warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            try:
                remove(base / "job-1", base)
            except DeprecationWarning as exc:
                raise AssertionError(
                    "DeprecationWarning: %s. From Python 3.12 pass onexc=, before it "
                    "onerror= (choose by sys.version_info >= (3, 12))" % exc) from None
            except OSError as exc:
                raise AssertionError(
                    "%s: %s. job-1/build is read-only (0o555), so nothing in "
                    "it can be deleted. Pass rmtree an error handler (onexc= from 3.12, "
                    "onerror= before) that adds the owner's write bit to the folder holding "
                    "the failing entry (os.path.dirname(path)), then calls func(path) "
                    "again: calling it again without that fails the same way"
                    % (type(exc).__name__, exc)) from None
    finally:
        unlock_all(tmp_path)
    assert not os.path.lexists(base / "job-1"), (
        "job-1 is still there (%r): rmtree gave up on the read-only folder without an "
        "error, which is what ignore_errors=True does. Handle the PermissionError instead"
        % sorted(snapshot(base / "job-1"))[:4])
    assert sorted(os.listdir(base)) == ["job-2"], "only job-1 is deleted"


def test_a_read_only_folder_that_stays(tmp_path):
    base = make_site(tmp_path)
    team = kit.make_tree(base / "team-a", {"job-3": JOB, "job-4": {"keep.txt": "stays\n"}})
    os.chmod(team, 0o555)
    try:
        with permissions_enforced():
            try:
                remove(team / "job-3", base)
            except ValueError as exc:
                raise AssertionError(
                    "work/team-a/job-3 was refused (%s), but it is inside work, two levels "
                    "down: inside means anywhere below the base, not only directly in it"
                    % exc) from None
            except OSError as exc:
                raise AssertionError(
                    "%s: %s. work/team-a is read-only (0o555), so job-3 cannot be removed "
                    "from it: the rmtree handler must add the owner's write bit to the folder "
                    "holding the failing entry, then call func(path) again"
                    % (type(exc).__name__, exc)) from None
        mode = stat.S_IMODE(os.stat(team).st_mode)
    finally:
        unlock_all(tmp_path)
    assert not os.path.lexists(team / "job-3"), "job-3 must be gone"
    assert snapshot(team / "job-4") == {"keep.txt": b"stays\n"}, "job-4 stays as it was"
    assert mode == 0o755, (
        "work/team-a stays, and its mode became %s: the handler must only ADD the owner's "
        "write bit, 0o555 -> 0o755 (stat.S_IMODE(os.lstat(folder).st_mode) | stat.S_IWUSR), "
        "not set a mode of its own" % oct(mode))


def test_other_errors_propagate(tmp_path):
    base = make_site(tmp_path)
    with kit.fail_at("unlink", errno.EIO, path="page-2.png", once=True) as fault:
        try:
            remove(base / "job-1", base)
        except OSError as exc:
            assert exc.errno == errno.EIO, "the disk's EIO must reach the caller, got %r" % exc
            return
    assert fault.fired, "the deletion of pages/page-2.png must be tried"
    raise AssertionError(
        "deleting pages/page-2.png failed with EIO (a failing disk) and remove_tree returned "
        "as if all was well: the error was swallowed (ignore_errors=True, a handler that "
        "ignores it, or one that retries every error). Only a PermissionError is yours to "
        "fix; raise everything else")
