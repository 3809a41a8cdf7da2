"""Checks member names for '..' and a leading '/', and never looks at where links point."""
# expect: OUTSIDE THE DESTINATION
"""dirs4: pack a folder into a .tar.gz, and unpack uploaded archives without trusting them.

Customers upload whole folders as one .tar.gz. The service unpacks them into a fresh folder
per upload, and it also packs finished jobs for download.

Packing: shutil.make_archive(base_name, format, root_dir=folder) writes base_name plus the
format's extension (".tar.gz" for "gztar") and returns its path. root_dir is the folder the
member names are relative to; without it make_archive packs the CURRENT folder. (base_dir,
a folder inside root_dir, picks what to pack; the default packs all of root_dir.)

Unpacking is where the danger is. A tar member's name is just a string chosen by whoever
made the archive, and so is a link's target:

    "../../home/app/.bashrc"       a name that climbs out of the destination
    "/etc/cron.d/job"              an absolute name
    "docs -> /etc", "docs/passwd"  a symlink out, then a file written THROUGH it
    "x -> .", "x/y -> ..", "x/y/a" a chain of links that each look harmless
    a hard link to ../../secret, then a file of that name: the secret is overwritten
    a device file or a FIFO; a setuid program

tarfile's extractall() trusted all of that for decades. Python 3.12 added filters (and
backported them to 3.11.4 and 3.10.12): extractall(dest, filter="data") refuses links and
names that lead outside dest, absolute links and special files, and drops setuid bits and
write permission for group and others. Python 3.12 and 3.13 warn when you pass no filter;
3.14 uses "data" by default. Older patch releases (3.10.11, 3.11.3, ...) have no filter at
all: passing filter= is a TypeError there, and hasattr(tarfile, "data_filter") tells which
Python you have.

Even where it exists, the filter strips a leading "/" instead of refusing the member. For
uploads you want your own check in any case, and a check that sees links must look at the
file system when each member is extracted: a member's path is safe only once the links
made by the members before it are taken into account. os.path.realpath(os.path.join(dest,
name)) does that at the moment the member is about to be written. A filter is called
exactly then: filter(member, dest) -> member (or raise), for one member after the other.

Your task:

- pack(folder, archive_base) -> str: write archive_base + ".tar.gz" holding everything in
  `folder`, with member names relative to `folder` (like "./report.pdf"), and return its
  path. Whatever the current folder is, it does not matter and it stays as it was.
- safe_unpack(archive, dest): extract the tar archive into dest (created if missing).
  Raise ValueError naming the member for: an absolute name; a name that leads outside
  dest (after the links extracted before it); a symlink whose target is absolute or leads
  outside dest; a hard link to anything outside dest; a member that is not a file, folder
  or link (FIFO, device). Nothing may ever be written outside dest; what was extracted
  before the bad member may stay. Regular files and folders lose the setuid, setgid and
  sticky bits and group/other write permission (mode & 0o755). Works with tar filters
  (pass filter="data" or your own filter function, so no DeprecationWarning) and on a
  Python without them.
"""

import os
import shutil
import tarfile


def pack(folder, archive_base):
    return shutil.make_archive(os.fspath(archive_base), "gztar", root_dir=folder)


def _inside(path, dest):
    return os.path.commonpath([dest, path]) == dest


def _checked(member, dest):
    """The member if extracting it now writes only inside dest, else ValueError."""
    if os.path.isabs(member.name):
        raise ValueError("%r: an absolute member name" % member.name)
    if not _inside(os.path.realpath(os.path.join(dest, member.name)), dest):
        raise ValueError("%r: leads outside the destination" % member.name)
    if member.issym():
        link = os.path.join(dest, os.path.dirname(member.name), member.linkname)
    elif member.islnk():
        link = os.path.join(dest, member.linkname)
    elif member.isfile() or member.isdir():
        member.mode &= 0o755
        return member
    else:
        raise ValueError("%r: not a file, folder or link" % member.name)
    if os.path.isabs(member.linkname) or not _inside(os.path.realpath(link), dest):
        raise ValueError("%r: links to %r, outside the destination"
                         % (member.name, member.linkname))
    return member


def safe_unpack(archive, dest):
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for member in members:
            if member.name.startswith("/") or ".." in member.name.split("/"):
                raise ValueError("%r: unsafe name" % member.name)
            member.mode &= 0o755
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, members, filter="fully_trusted")
        else:
            tar.extractall(dest, members)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import warnings  # noqa: E402

import iolings_testkit as kit  # noqa: E402

UPLOAD = {
    "report.pdf": b"%PDF-1.7 quarterly report",
    "pages": {"1.png": b"\x89PNG one", "2.png": b"\x89PNG two", "empty": {}},
    "latest.png": kit.Symlink("pages/2.png"),
    ".meta": '{"tenant": "acme"}\n',
}


def snapshot(root, skip=()):
    """{relative path: bytes, '-> target' for a symlink, '/' for a folder}: a tree's content."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip]
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isdir(path):
                found[rel] = "/"
            elif stat.S_ISREG(os.lstat(path).st_mode):
                with open(path, "rb") as f:
                    found[rel] = f.read()
            else:
                found[rel] = "special"
    return found


def member(name, kind="file", value=b"", mode=0o644):
    info = tarfile.TarInfo(name)
    info.mode, info.mtime = mode, 1700000000
    if kind == "file":
        info.size = len(value)
    elif kind == "dir":
        info.type = tarfile.DIRTYPE
    elif kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, value
    elif kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, value
    elif kind == "fifo":
        info.type = tarfile.FIFOTYPE
    elif kind == "device":
        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
    return info, (value if kind == "file" else None)


def make_tar(path, *members):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tarfile.open(path, "w:gz" if str(path).endswith(".gz") else "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


@contextlib.contextmanager
def python_without_tar_filters():
    """tarfile and shutil as Python 3.10.11 / 3.11.3 and older have them: no filter=
    argument (a TypeError) and no tarfile.data_filter; extraction trusts every member."""
    names = ("data_filter", "tar_filter", "fully_trusted_filter")
    saved = {name: getattr(tarfile, name) for name in names if hasattr(tarfile, name)}
    trusted = saved.get("fully_trusted_filter")
    real_extract, real_extractall = tarfile.TarFile.extract, tarfile.TarFile.extractall
    real_unpack = shutil.unpack_archive
    had_default = "extraction_filter" in vars(tarfile.TarFile)

    def no_filter(function, kwargs):
        if kwargs.pop("filter", None) is not None or kwargs:
            raise TypeError("%s() got an unexpected keyword argument 'filter'" % function)

    def extract(self, member, path="", set_attrs=True, *, numeric_owner=False, **kwargs):
        no_filter("extract", kwargs)
        return real_extract(self, member, path, set_attrs, numeric_owner=numeric_owner,
                            **({"filter": trusted} if trusted else {}))

    def extractall(self, path=".", members=None, *, numeric_owner=False, **kwargs):
        no_filter("extractall", kwargs)
        return real_extractall(self, path, members, numeric_owner=numeric_owner,
                               **({"filter": trusted} if trusted else {}))

    def unpack_archive(filename, extract_dir=None, format=None, **kwargs):
        if kwargs:
            raise TypeError("unpack_archive() got an unexpected keyword argument 'filter'")
        return real_unpack(filename, extract_dir, format)

    for name in saved:
        delattr(tarfile, name)
    if had_default:
        default = vars(tarfile.TarFile)["extraction_filter"]
        del tarfile.TarFile.extraction_filter
    tarfile.TarFile.extract, tarfile.TarFile.extractall = extract, extractall
    shutil.unpack_archive = unpack_archive
    try:
        yield
    finally:
        tarfile.TarFile.extract, tarfile.TarFile.extractall = real_extract, real_extractall
        shutil.unpack_archive = real_unpack
        if had_default:
            tarfile.TarFile.extraction_filter = default
        for name, value in saved.items():
            setattr(tarfile, name, value)


def unpack(archive, dest):
    """safe_unpack, with DeprecationWarning as an error and words for a missing filter."""
    with warnings.catch_warnings(), kit.no_leaked_files():
        warnings.simplefilter("error", DeprecationWarning)
        try:
            return safe_unpack(archive, dest)
        except DeprecationWarning as exc:
            raise AssertionError(
                "DeprecationWarning: %s. Python 3.12 and later warn when tar extraction gets "
                "no filter: pass filter='data' (or your own filter function) where tarfile "
                "has filters" % exc) from None
        except FileNotFoundError as exc:
            if exc.filename is None or os.path.normpath(os.fspath(exc.filename)) != (
                    os.path.normpath(os.fspath(dest))):
                raise
            raise AssertionError(
                "%s: the destination's parent folder did not exist yet. Create dest with "
                "every missing level: os.makedirs(dest, exist_ok=True)" % exc) from None
        except TypeError as exc:
            if "filter" not in str(exc):
                raise
            raise AssertionError(
                "TypeError: %s. This Python's tarfile has no filters (3.10.11, 3.11.3 and "
                "older): test hasattr(tarfile, 'data_filter') and, without it, check each "
                "member yourself and extract it with tar.extract(member, dest)" % exc) from None


FILTER_ERROR = getattr(tarfile, "FilterError", ())


def refused(tmp_path, archive, why):
    dest = tmp_path / "unpacked"
    shutil.rmtree(dest, ignore_errors=True)  # a fresh destination for every archive
    before = snapshot(tmp_path, skip={str(dest)})
    error = failed = None
    try:
        unpack(archive, dest)
    except ValueError:
        pass
    except FILTER_ERROR as exc:
        error = exc
    except OSError as exc:  # the wrong exception, or an extraction the system stopped
        failed = exc
    else:
        error = "none"
    after = snapshot(tmp_path, skip={str(dest)})
    written = sorted(k for k in after if after[k] != before.get(k))
    assert not written, (
        "EXTRACTION WROTE OUTSIDE THE DESTINATION: %r (%s). Check every member before it is "
        "extracted" % (written, why))
    assert failed is None, (
        "safe_unpack raised %s: %s, not ValueError (%s). Either it refused with the wrong "
        "exception or it went on to extract and the system stopped it: check every member "
        "before extracting anything, and raise ValueError" % (type(failed).__name__, failed, why))
    assert error != "none", (
        "safe_unpack extracted it without complaint: %s. Raise ValueError" % why)
    assert error is None, (
        "tarfile's filter refused it (%s: %s), but your own check did not (%s): where "
        "tarfile has no filters, nothing would stop it, and callers expect ValueError. "
        "Check the member yourself and raise ValueError" % (type(error).__name__, error, why))


def outside(tmp_path):
    return kit.make_tree(tmp_path / "outside", {"secret.txt": "the database password\n"})


def test_pack_names_are_relative_to_the_folder(tmp_path):
    folder = kit.make_tree(tmp_path / "jobs" / "job-17", UPLOAD)
    os.chdir(tmp_path / "jobs")
    (tmp_path / "downloads").mkdir()
    got = pack(folder, tmp_path / "downloads" / "job-17")
    assert str(got) == str(tmp_path / "downloads" / "job-17.tar.gz"), (
        "pack returns the archive's path: archive_base + '.tar.gz' (format 'gztar')")
    assert os.getcwd() == str(tmp_path / "jobs"), "pack must leave the current folder alone"
    with tarfile.open(got) as tar:
        names = sorted(n[2:] if n.startswith("./") else n for n in tar.getnames())
    names = [n for n in names if n not in (".", "")]
    assert names == [".meta", "latest.png", "pages", "pages/1.png", "pages/2.png",
                     "pages/empty", "report.pdf"], (
        "the member names must be relative to the folder itself (./report.pdf, ...), got %r. "
        "Pass root_dir=folder to make_archive; base_dir alone keeps the folders above it in "
        "every name" % names[:4])


def test_round_trip(tmp_path):
    folder = kit.make_tree(tmp_path / "job-17", UPLOAD)
    os.chmod(folder / "report.pdf", 0o640)
    archive = pack(folder, tmp_path / "job-17-download")
    unpack(archive, tmp_path / "unpacked" / "job-17")
    assert snapshot(tmp_path / "unpacked" / "job-17") == snapshot(folder), (
        "unpacking what pack made must give the same tree back, the symlink latest.png "
        "(it points inside) included")
    mode = stat.S_IMODE(os.stat(tmp_path / "unpacked" / "job-17" / "report.pdf").st_mode)
    assert mode == 0o640, "report.pdf keeps its mode 0o640, got %o" % mode
    (tmp_path / "linked").mkdir()
    try:
        unpack(archive, kit.via_symlink(tmp_path / "linked"))
    except ValueError as exc:
        raise AssertionError(
            "a clean archive was refused (%s) because the destination was reached through a "
            "symlink: resolve dest too (os.path.realpath) before comparing member paths with "
            "it" % exc) from None
    assert snapshot(tmp_path / "linked") == snapshot(folder), (
        "a destination reached through a symlink gets the whole tree too")
    nested = make_tar(tmp_path / "up" / "nested-link.tar",
                      member("report.pdf", value=b"%PDF"), member("docs", "dir", mode=0o755),
                      member("docs/v1", "dir", mode=0o755),
                      member("docs/v1/current.pdf", "symlink", "../../report.pdf"))
    try:
        unpack(nested, tmp_path / "nested")
    except ValueError as exc:
        raise AssertionError(
            "a clean archive was refused (%s): 'docs/v1/current.pdf -> ../../report.pdf' "
            "points to report.pdf in the destination. A symlink's target is relative to the "
            "folder the link is IN: resolve dest + dirname(name) + linkname" % exc) from None
    assert os.readlink(tmp_path / "nested" / "docs" / "v1" / "current.pdf") == (
        "../../report.pdf"), "the link inside is extracted as it is"
    unpack(make_tar(tmp_path / "up" / "empty.tar"), tmp_path / "new" / "empty")
    assert os.path.isdir(tmp_path / "new" / "empty"), (
        "an empty archive still gives an (empty) destination folder: create dest first")


def test_refuses_names_that_climb_out(tmp_path):
    outside(tmp_path)
    archive = make_tar(tmp_path / "up" / "dotdot.tar.gz", member("report.pdf", value=b"ok"),
                       member("../outside/evil.txt", value=b"owned"))
    refused(tmp_path, archive, "'../outside/evil.txt' names a file outside the destination")


def test_refuses_a_sibling_that_starts_like_the_destination(tmp_path):
    archive = make_tar(tmp_path / "up" / "sibling.tar.gz",
                       member("../unpacked2/evil.txt", value=b"owned"))
    refused(tmp_path, archive,
            "'../unpacked2/evil.txt' is outside 'unpacked', although the string "
            "'.../unpacked2' starts with '.../unpacked': compare paths part by part "
            "(os.path.commonpath), not as strings")


def test_refuses_absolute_names(tmp_path):
    outside(tmp_path)
    target = str(tmp_path / "outside" / "evil.txt")
    archive = make_tar(tmp_path / "up" / "absolute.tar.gz", member(target, value=b"owned"))
    refused(tmp_path, archive, "%r is an absolute name (the data filter would only strip "
                               "the leading '/'; refuse it)" % target)
    inner = str(tmp_path / "unpacked" / "inner.txt")
    archive = make_tar(tmp_path / "up" / "absolute-in.tar.gz", member(inner, value=b"odd"))
    refused(tmp_path, archive, "%r is an absolute name; even one that happens to point into "
                               "the destination is refused (os.path.isabs)" % inner)


def test_refuses_symlinks_that_point_out(tmp_path):
    outside(tmp_path)
    relative = make_tar(tmp_path / "up" / "link-out.tar.gz",
                        member("docs", "symlink", "../outside"),
                        member("docs/evil.txt", value=b"owned"))
    refused(tmp_path, relative, "the symlink 'docs -> ../outside' points out of the "
                                "destination, and 'docs/evil.txt' is written through it")
    absolute = make_tar(tmp_path / "up" / "link-abs.tar.gz",
                        member("cfg", "symlink", str(tmp_path / "outside" / "secret.txt")))
    refused(tmp_path, absolute, "the symlink 'cfg' has an absolute target")
    dest = os.path.realpath(tmp_path / "unpacked")
    inside = make_tar(tmp_path / "up" / "link-abs-in.tar.gz", member("a.txt", value=b"a"),
                      member("cfg", "symlink", os.path.join(dest, "a.txt")))
    refused(tmp_path, inside, "the symlink 'cfg' has an absolute target, even if it names a "
                              "file in the destination: the tree breaks wherever it is moved "
                              "or copied. Refuse every absolute linkname (os.path.isabs)")


def test_refuses_a_chain_of_harmless_looking_links(tmp_path):
    outside(tmp_path)
    archive = make_tar(tmp_path / "up" / "chain.tar.gz",
                       member("x", "symlink", "."),
                       member("x/y", "symlink", ".."),
                       member("x/y/outside/evil.txt", value=b"owned"))
    refused(tmp_path, archive,
            "'x -> .' is harmless, but 'x/y -> ..' is created in the folder x leads to (the "
            "destination), so it points to the destination's parent: an earlier member's link "
            "changes where a later name goes. Resolve each member's path (os.path.realpath) "
            "just before extracting it, as a filter does")
    late = make_tar(tmp_path / "up" / "late.tar.gz",
                    member("a", "symlink", "x/.."),
                    member("x", "symlink", "."),
                    member("a/outside/evil.txt", value=b"owned"))
    refused(tmp_path, late,
            "'a -> x/..' stays inside while x does not exist; once 'x -> .' exists, a leads to "
            "the destination's parent, and 'a/outside/evil.txt' goes there. A member's NAME "
            "must be resolved too (os.path.realpath of dest + name, just before extracting), "
            "not only link targets")


def test_refuses_hard_links_out(tmp_path):
    outside(tmp_path)
    archive = make_tar(tmp_path / "up" / "hardlink.tar.gz",
                       member("passwd", "hardlink", "../outside/secret.txt"),
                       member("passwd", value=b"owned"))
    refused(tmp_path, archive, "the hard link 'passwd' is the very file outside/secret.txt; "
                               "the next member named passwd overwrites it")
    nested = make_tar(tmp_path / "up" / "hardlink-nested.tar.gz", member("etc", "dir"),
                      member("etc/passwd", "hardlink", "../outside/secret.txt"),
                      member("etc/passwd", value=b"owned"))
    refused(tmp_path, nested, "the hard link 'etc/passwd -> ../outside/secret.txt' leads out: "
                              "a HARD link's target is relative to the destination (the "
                              "archive's top), not to the link's folder as a symlink's is")


def test_refuses_special_files(tmp_path):
    for kind in ("fifo", "device"):
        archive = make_tar(tmp_path / "up" / (kind + ".tar"), member("data", kind))
        refused(tmp_path, archive, "a %s member: only files, folders and links belong in an "
                                   "upload" % kind)


def test_modes_are_tamed(tmp_path):
    archive = make_tar(tmp_path / "up" / "modes.tar",
                       member("tool", value=b"#!/bin/sh\n", mode=0o4755),
                       member("shared.txt", value=b"everyone may write\n", mode=0o666),
                       member("plain.txt", value=b"fine\n", mode=0o644))
    unpack(archive, tmp_path / "unpacked")
    modes = {name: stat.S_IMODE(os.stat(tmp_path / "unpacked" / name).st_mode)
             for name in ("tool", "shared.txt", "plain.txt")}
    assert modes == {"tool": 0o755, "shared.txt": 0o644, "plain.txt": 0o644}, (
        "modes %s: extracted files must lose the setuid/setgid/sticky bits and write "
        "permission for group and others (mode & 0o755). filter='data' does it; without "
        "filters, change member.mode before extracting"
        % {k: oct(v) for k, v in modes.items()})


def test_without_tar_filters(tmp_path):
    outside(tmp_path)
    folder = kit.make_tree(tmp_path / "job-17", UPLOAD)
    (tmp_path / "up").mkdir()
    archive = pack(folder, tmp_path / "up" / "job-17")
    attacks = [
        (make_tar(tmp_path / "up" / "a1.tar.gz", member("../outside/evil.txt", value=b"x")),
         "'../outside/evil.txt' climbs out"),
        (make_tar(tmp_path / "up" / "a2.tar.gz",
                  member(str(tmp_path / "outside" / "evil.txt"), value=b"x")),
         "an absolute name"),
        (make_tar(tmp_path / "up" / "a3.tar.gz", member("docs", "symlink", "../outside"),
                  member("docs/evil.txt", value=b"x")), "a symlink out, and a file through it"),
        (make_tar(tmp_path / "up" / "a4.tar.gz", member("x", "symlink", "."),
                  member("x/y", "symlink", ".."), member("x/y/outside/evil.txt", value=b"x")),
         "a chain of links"),
        (make_tar(tmp_path / "up" / "a5.tar.gz",
                  member("passwd", "hardlink", "../outside/secret.txt"),
                  member("passwd", value=b"x")), "a hard link out"),
        (make_tar(tmp_path / "up" / "a6.tar.gz", member("data", "fifo")), "a FIFO"),
        (make_tar(tmp_path / "up" / "a7.tar.gz", member("etc", "dir"),
                  member("etc/passwd", "hardlink", "../outside/secret.txt"),
                  member("etc/passwd", value=b"x")),
         "a hard link out from a folder (its target is relative to the destination)"),
    ]
    modes = make_tar(tmp_path / "up" / "modes.tar.gz",
                     member("tool", value=b"#!/bin/sh\n", mode=0o4755),
                     member("shared.txt", value=b"x\n", mode=0o666),
                     member("drop", "dir", mode=0o2777))
    with python_without_tar_filters():
        unpack(archive, tmp_path / "clean")
        for bad, why in attacks:
            refused(tmp_path, bad, why + ", on a Python without tar filters")
        unpack(modes, tmp_path / "modes")
    assert snapshot(tmp_path / "clean") == snapshot(folder), (
        "on a Python without tar filters, a clean archive must still unpack completely")
    got = {n: stat.S_IMODE(os.stat(tmp_path / "modes" / n).st_mode)
           for n in ("tool", "shared.txt", "drop")}
    assert got == {"tool": 0o755, "shared.txt": 0o644, "drop": 0o755}, (
        "on a Python without tar filters the setuid/setgid bits and group/other write stayed "
        "(%s): set member.mode &= 0o755 yourself before extracting, for files AND folders"
        % {k: oct(v) for k, v in got.items()})
