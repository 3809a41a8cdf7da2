"""Opens the temp file with newline='\r\n', so the text's line endings are changed on the way."""
# expect: line endings unchanged
import os
import tempfile


def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)))
    with open(fd, "w", encoding="utf-8", newline="\r\n") as f:
        f.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
import stat  # noqa: E402

import iolings_testkit as kit  # noqa: E402


OLD = "".join("old setting %04d = enabled\n" % i for i in range(800))   # about 21 KB
NEW = "".join("new setting %04d = disabled\n" % i for i in range(900))  # about 25 KB
OTHER = NEW.replace("disabled", "unknown")  # what a second worker saves at the same time


def _put(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _state(path):
    """What a reader finds at path, in a few words."""
    if not os.path.lexists(path):
        return "no file at all"
    with open(path, encoding="utf-8", errors="replace") as f:
        got = f.read()
    if got == OLD:
        return "the old content"
    if got == NEW:
        return "the new content"
    if got == OTHER:
        return "the other worker's content"
    return "a torn file (%d characters, starting %r, ending %r)" % (len(got), got[:20], got[-20:])


def _open_fds():
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    return len(os.listdir(folder))


def _child_error(outcome):
    return "write_atomic raised in the child process: %s" % outcome.error


def test_writes_a_new_file(tmp_path):
    path = tmp_path / "greeting.txt"
    write_atomic(path, "héllo\r\nwörld\n")
    with open(path, "rb") as f:
        got = f.read()
    assert got == "héllo\r\nwörld\n".encode("utf-8"), (
        "the file must contain exactly the text, encoded as UTF-8, its line endings unchanged")


def test_replaces_an_existing_file(tmp_path):
    path = tmp_path / "settings.conf"
    _put(path, OLD)
    write_atomic(str(path), "short\n")
    with open(path, encoding="utf-8") as f:
        got = f.read()
    assert got == "short\n", "after write_atomic the file holds the new text and nothing else"


def test_leaves_no_temp_file_behind(tmp_path):
    path = tmp_path / "settings.conf"
    _put(path, OLD)
    before = _open_fds()
    write_atomic(path, NEW)
    assert sorted(os.listdir(tmp_path)) == ["settings.conf"], (
        "after a successful write only the target may be in the directory: the temp file "
        "must have been renamed onto it with os.replace(tmp, path)")
    assert _open_fds() == before, (
        "write_atomic left a file descriptor open: tempfile.mkstemp() returns an OPEN "
        "descriptor along with the name. Write through that descriptor, open(fd, 'w', "
        "encoding='utf-8'), so closing the file closes it; opening the name a second time "
        "leaves the first descriptor open for as long as the process runs")


def test_a_crash_mid_write_keeps_the_old_content(tmp_path):
    # Kill the writer at several points: early, half-way, near the end of the text, and (for
    # a writer that writes more than once) in the middle of a second copy.
    size = len(NEW)
    for cut in (size // 2, 1, size - 1, size + size // 2, 2 * size - 1):
        path = tmp_path / ("settings-%d.conf" % cut)
        _put(path, OLD)
        outcome = kit.run_killed(write_atomic, path, NEW, after_bytes=cut)
        assert outcome.error is None, _child_error(outcome)
        assert _state(path) in ("the old content", "the new content"), (
            "the process was killed after writing %d bytes (the text has %d), and the target "
            "now holds %s: it must still hold the complete old content (or the complete new "
            "one), never a torn mix. Never write into the target itself (not with 'w', not "
            "by copying over it): write a temp file and os.replace() it over the target"
            % (cut, size, _state(path)))


def test_a_crash_while_creating_leaves_no_half_file(tmp_path):
    path = tmp_path / "report.txt"
    outcome = kit.run_killed(write_atomic, path, NEW, after_bytes=len(NEW) // 3)
    assert outcome.error is None, _child_error(outcome)
    assert _state(path) in ("no file at all", "the new content"), (
        "the process was killed while creating the file: a reader must find no file or the "
        "complete file, never a half-written one that looks valid")


def test_a_crash_just_before_the_rename_keeps_the_old_content(tmp_path):
    path = tmp_path / "settings.conf"
    _put(path, OLD)
    outcome = kit.run_killed(write_atomic, path, NEW, at="replace")
    assert outcome.error is None, _child_error(outcome)
    assert _state(path) in ("the old content", "the new content"), (
        "the process was killed just before os.replace(): the target must not have been "
        "touched yet. Put all the writing into the temp file, and make the rename the last "
        "step")
    try:
        write_atomic(path, NEW)  # the next save, with the crashed one's temp file still there
    except OSError as exc:
        assert False, (
            "a crashed save left its temp file behind, and the next save failed: %r. Give "
            "every save a fresh, unique temp name: tempfile.mkstemp(dir=...)" % exc)
    assert _state(path) == "the new content", "the save after the crash must work"


def test_the_rename_publishes_a_finished_file(tmp_path):
    # Stop the writer just before its rename and look at the temp file it was about to put
    # in place: whatever it is at that moment is what readers (and a crash right after the
    # rename) get.
    path = tmp_path / "settings.conf"
    _put(path, OLD)
    os.chmod(path, 0o640)
    text = "port = 8080\nname = caf\u00e9\n"  # small: it fits in Python's buffer
    outcome = kit.run_killed(write_atomic, path, text, at="replace")
    assert outcome.error is None, _child_error(outcome)
    left = [tmp_path / n for n in os.listdir(tmp_path) if n != "settings.conf"]
    if not (outcome.killed and len(left) == 1 and _state(path) == "the old content"):
        return  # no rename of a temp file to look at: the other tests say why
    with open(left[0], "rb") as f:
        got = f.read()
    want = text.encode("utf-8")
    assert got == want or not want.startswith(got), (
        "just before os.replace() the temp file held %r, not the whole text: the rename "
        "was about to put an unfinished file in place. The text was still in Python's "
        "buffer: close the temp file (end its `with` block) BEFORE the rename" % got)
    assert got == want, (
        "the temp file holds %r, not the UTF-8 encoding of the text: open it with "
        "encoding='utf-8'" % got)
    mode = stat.S_IMODE(os.stat(left[0]).st_mode)
    assert oct(mode) == oct(0o640), (
        "just before os.replace() the temp file had mode %s, and the old file 0o640: the "
        "rename publishes the file with the mode it has at that moment, so a reader (or a "
        "crash right after the rename) gets that mode, not one set afterwards. Give the temp "
        "file the old mode before the rename: os.chmod(tmp, "
        "stat.S_IMODE(os.stat(path).st_mode))" % oct(mode))


def test_the_temp_file_is_in_the_same_directory(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "settings.conf"
    _put(path, OLD)
    with kit.record_io() as rec:
        write_atomic(path, NEW)
    target = os.path.realpath(path)
    renames = [e for e in rec.events if e[0] in ("replace", "rename")
               and os.path.realpath(e[2]) == target]
    assert renames != [], (
        "write_atomic never renamed a file onto the target: write the text to a temp file, "
        "then os.replace(tmp, path). That rename is the atomic step")
    src = os.path.realpath(renames[-1][1])
    assert os.path.dirname(src) == os.path.dirname(target), (
        "the temp file was created in %s, not in the target's directory %s. os.replace is "
        "only atomic within one filesystem, and /tmp is often another one (the rename then "
        "fails with EXDEV): create the temp file next to the target, "
        "tempfile.mkstemp(dir=os.path.dirname(path))" % (os.path.dirname(src), folder))
    with open(path, encoding="utf-8") as f:
        assert f.read() == NEW, "the target must hold the new text"


def test_a_bare_file_name_gets_its_temp_file_in_the_current_directory(tmp_path):
    here = os.getcwd()
    os.chdir(tmp_path)  # "settings.conf" is then a file of tmp_path
    try:
        _put("settings.conf", OLD)
        with kit.record_io() as rec:
            write_atomic("settings.conf", NEW)
        target = os.path.realpath("settings.conf")
        sources = [os.path.realpath(e[1]) for e in rec.events
                   if e[0] in ("replace", "rename") and os.path.realpath(e[2]) == target]
    finally:
        os.chdir(here)
    assert sources != [], (
        "write_atomic('settings.conf', ...) never renamed a file onto it: write a temp file "
        "next to it, then os.replace(tmp, path)")
    assert os.path.dirname(sources[-1]) == os.path.dirname(target), (
        "for the bare name 'settings.conf' the temp file was created in %s, not in the "
        "current directory %s where the file is. os.path.dirname('settings.conf') is '', and "
        "turning that into None (or leaving dir= out) lets mkstemp use /tmp: take the folder "
        "of os.path.abspath(path)" % (os.path.dirname(sources[-1]), os.path.dirname(target)))


def test_a_dangling_symlink_is_a_new_file(tmp_path):
    path = tmp_path / "settings.conf"
    os.symlink(tmp_path / "removed-by-the-last-deploy.conf", path)  # points to nothing
    try:
        write_atomic(path, NEW)
    except FileNotFoundError as exc:
        assert False, (
            "the path is a symlink to a file that no longer exists, and write_atomic raised "
            "%r. os.path.lexists() says the link is there, but os.stat() follows it and finds "
            "nothing, so there is no old mode to keep: treat it as a new file (try os.stat(), "
            "except FileNotFoundError)" % exc)
    assert _state(path) == "the new content", "the path must lead to the new text"


def test_two_saves_at_the_same_moment(tmp_path):
    # Two workers save the same file at once: the second one runs from start to end while
    # the first is just about to rename its temp file.
    path = tmp_path / "settings.conf"
    _put(path, OLD)
    second = []
    real = os.replace, os.rename

    def other_worker_saves_first(rename):
        def hooked(src, dst, *args, **kwargs):
            if not second:
                second.append("ok")
                try:
                    write_atomic(path, OTHER)
                except Exception as exc:
                    second[0] = exc
            return rename(src, dst, *args, **kwargs)
        return hooked

    os.replace, os.rename = (other_worker_saves_first(f) for f in real)
    first = "ok"
    try:
        write_atomic(path, NEW)
    except Exception as exc:
        first = exc
    finally:
        os.replace, os.rename = real
    failed = [r for r in [first] + second if r != "ok"]
    assert failed == [], (
        "two saves of the same file ran at the same moment, and one of them failed with %r: "
        "both used the same temp file, so one emptied or took away the other's. A fixed name "
        "(path + '.tmp', or one made from the pid) is shared by every writer: let "
        "tempfile.mkstemp(dir=...) create a fresh, unique one" % failed[0])
    assert _state(path) == "the new content", (
        "two saves ran at the same moment and the last rename was the first worker's, so the "
        "file must hold its text; it holds %s. Each save needs a temp file of its own"
        % _state(path))
    assert sorted(os.listdir(tmp_path)) == ["settings.conf"], "no temp file may be left behind"


def test_every_byte_arrives_despite_short_writes(tmp_path):
    # A write may take fewer bytes than it was given (a nearly full disk, a signal, a pipe):
    # os.write() returns how many it took; a file object loops until all are written.
    write_atomic(tmp_path / "normal.conf", NEW)
    with kit.short_writes(4096):
        write_atomic(tmp_path / "short.conf", NEW)
    assert _state(tmp_path / "short.conf") == _state(tmp_path / "normal.conf"), (
        "when the system took at most 4096 bytes per write, the file got %s: os.write(fd, "
        "data) returns how many bytes it wrote, and the rest is silently dropped. Loop until "
        "every byte is written, or write through a file object: open(fd, 'w', "
        "encoding='utf-8')" % _state(tmp_path / "short.conf"))


def test_keeps_the_file_permissions(tmp_path):
    path = tmp_path / "settings.conf"
    _put(path, OLD)
    os.chmod(path, 0o640)  # owner reads and writes, the service's group reads
    write_atomic(path, NEW)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    effect = ("the service's group can no longer read its settings" if not mode & 0o040
              else "the file is not protected as it was")
    assert oct(mode) == oct(0o640), (
        "the file had mode 0o640 and now has %s: the rename put the temp file, with the mode "
        "it was created with, in place of the old one (tempfile.mkstemp creates 0o600, owner "
        "only), and %s. Before the rename, give the temp file the old file's mode: "
        "os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode)), if the file existed"
        % (oct(mode), effect))


def test_keeps_the_permissions_of_the_file_a_symlink_points_to(tmp_path):
    real = tmp_path / "shared" / "settings.conf"
    real.parent.mkdir()
    _put(real, OLD)
    os.chmod(real, 0o640)
    path = tmp_path / "settings.conf"
    os.symlink(real, path)  # the service reads its settings through this link
    write_atomic(path, NEW)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert oct(mode) == oct(0o640), (
        "the target was a symlink to a file with mode 0o640, and the saved file has mode %s. "
        "os.lstat() describes the link itself (a link's own mode is always 0o777); the "
        "mode to keep is the one of the file it points to: os.stat(path), which follows the "
        "link" % oct(mode))
    assert _state(path) == "the new content", "the path must lead to the new text"
