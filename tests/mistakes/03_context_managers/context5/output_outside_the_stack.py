"""Lets an ExitStack own the inputs but opens the output before it with a bare open(), so a missing input leaves the output open."""
# expect: merged.log, opened before it
"""context5: a variable number of files with contextlib.ExitStack.

For a fixed number of files, one `with` holds them all:

    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        ...

But how many `as` clauses do you write for a list of paths you only know at run time? The
tempting answer leaks:

    files = [open(p, encoding="utf-8") for p in paths]   # the 3rd open() raises...
    ...                                                  # ...and the first two stay open

contextlib.ExitStack is a context manager that holds any number of others. Each
stack.enter_context(cm) enters cm and remembers to exit it; when the stack's block ends,
normally or by an exception (also one raised by a later open()), it exits all of them in
reverse order:

    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(open(p, encoding="utf-8")) for p in paths]
        ...                                  # every file in `files` is open here
    # every file that was opened is closed here, whatever happened

Your task: four API servers each write a log whose lines are sorted by time (each line starts
with an ISO timestamp, so sorting the text sorts by time). Fix merge_logs(paths, out_path):

- paths: a list of any length (0 included) of UTF-8 log files, each sorted, each line ending
  with a newline. out_path: the merged log to write (UTF-8).
- Write every line of every input to out_path in sorted order; return how many lines were
  written.
- Logs can be much bigger than memory: stream them. Keep all inputs open at once and let
  heapq.merge(*files) pick the next line; never read a whole file (no read(), readlines(),
  list(f) or sorted(f)).
- Every file opened is closed again, also when something fails half-way: when one input does
  not exist (its FileNotFoundError must propagate to the caller), when writing the output
  fails (that OSError must propagate too), and when Ctrl-C arrives (KeyboardInterrupt).
"""
import contextlib
import heapq


def merge_logs(paths, out_path):
    out = open(out_path, "w", encoding="utf-8")
    count = 0
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(open(p, encoding="utf-8")) for p in paths]
        for line in heapq.merge(*files):
            out.write(line)
            count += 1
    out.close()
    return count


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import builtins  # noqa: E402
import contextlib  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402

import iolings_testkit as kit  # noqa: E402

SHARDS = ["logs/api-1.log", "logs/api-2.log", "logs/api-3.log", "logs/api-4.log"]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.readlines()


class CtrlCOnWrite(io.TextIOWrapper):
    """A text file whose writes raise KeyboardInterrupt, as if Ctrl-C arrived right then."""

    def write(self, text):
        raise KeyboardInterrupt

    def writelines(self, lines):
        raise KeyboardInterrupt


@contextlib.contextmanager
def watch_opens(ctrl_c_writing=None):
    """Collect every file object opened in the block, so a test can check which are closed.
    Writing to the file `ctrl_c_writing` (if given) raises KeyboardInterrupt."""
    opened = []
    saved = builtins.open, io.open, pathlib.Path.open

    def spy(file, mode="r", buffering=-1, encoding=None, *args, **kwargs):
        if (ctrl_c_writing is not None and isinstance(file, (str, os.PathLike))
                and os.path.abspath(file) == os.path.abspath(ctrl_c_writing)
                and "b" not in mode and "r" not in mode):
            f = CtrlCOnWrite(saved[1](file, mode + "b"), encoding=encoding or "utf-8")
        else:
            f = saved[1](file, mode, buffering, encoding, *args, **kwargs)
        opened.append(f)
        return f

    def path_spy(self, mode="r", buffering=-1, encoding=None, *args, **kwargs):
        return spy(self, mode, buffering, encoding, *args, **kwargs)

    builtins.open = io.open = spy
    pathlib.Path.open = path_spy
    try:
        yield opened
    finally:
        builtins.open, io.open, pathlib.Path.open = saved


def left_open(opened):
    """The names of the files in `opened` that are still open (and closes them)."""
    names = [os.path.basename(f.name) for f in opened if not f.closed]
    for f in opened:
        f.close()
    return names


def test_merges_four_logs(tmp_path):
    out = tmp_path / "merged.log"
    count = merge_logs(SHARDS, out)
    want = sorted(line for shard in SHARDS for line in read_lines(shard))
    assert read_lines(out) == want, "all lines of all logs, in time order"
    assert count == 24, "merge_logs returns the number of lines it wrote"


def test_any_number_of_logs(tmp_path):
    shards = []
    for n in range(7):
        shard = tmp_path / ("shard-%d.log" % n)
        shard.write_text("".join("2024-05-01T10:%02d:00Z shard-%d GET /files/café-%d.pdf\n"
                                 % (m, n, m) for m in range(n, 60, 7)), encoding="utf-8")
        shards.append(shard)
    out = tmp_path / "merged.log"
    assert merge_logs(shards, out) == 60
    assert read_lines(out) == sorted(line for shard in shards for line in read_lines(shard)), (
        "every line of the 7 logs, in time order, and exactly as it was: the logs are UTF-8 "
        "(café), so read and write them with encoding='utf-8'")
    assert merge_logs(shards[:1], out) == 9, "a single log is copied as it is"
    assert merge_logs([], out) == 0, "no logs at all: write an empty file and return 0"
    assert read_lines(out) == []


def test_no_file_left_open(tmp_path):
    with kit.no_leaked_files():
        merge_logs(SHARDS, tmp_path / "merged.log")


def test_missing_log_closes_the_ones_already_open(tmp_path):
    paths = [SHARDS[0], SHARDS[1], "logs/api-9.log", SHARDS[3]]  # the 3rd one does not exist
    raised = False
    with watch_opens() as opened:
        try:
            merge_logs(paths, tmp_path / "merged.log")
        except FileNotFoundError:
            raised = True
    assert raised, (
        "logs/api-9.log does not exist: let the FileNotFoundError reach the caller. Skipping "
        "it would quietly produce a merged log with a whole server missing")
    still_open = left_open(opened)
    assert still_open == [], (
        "opening the 3rd of 4 logs failed, and %s, opened before it, stayed open. A list "
        "comprehension of open() calls loses them when one open() raises, and an output opened "
        "outside the stack is never closed: open every file, the output too, with "
        "stack.enter_context(open(...)) inside `with contextlib.ExitStack() as stack:`, which "
        "closes everything it already holds when a later open() fails" % " and ".join(still_open))


def test_failed_write_closes_every_input(tmp_path):
    raised = False
    try:
        with kit.no_leaked_files():
            with kit.failing_writes(errno.ENOSPC):
                try:
                    merge_logs(SHARDS, tmp_path / "merged.log")
                except OSError:
                    raised = True  # (keeping the exception would keep the files alive)
    except AssertionError as leak:
        raise AssertionError(
            "writing the merged log failed (disk full) and a file was left open: closing "
            "files after the loop is skipped when write() raises. Let one ExitStack own the "
            "inputs and the output. (%s)" % leak) from None
    assert raised, "the disk is full: the OSError from write() must reach the caller"


def test_ctrl_c_closes_every_file(tmp_path):
    out = tmp_path / "merged.log"
    interrupted = False
    with watch_opens(ctrl_c_writing=out) as opened:
        try:
            merge_logs(SHARDS, out)
        except KeyboardInterrupt:
            interrupted = True
    still_open = left_open(opened)
    assert interrupted, "Ctrl-C while writing: the KeyboardInterrupt must reach the caller"
    assert still_open == [], (
        "Ctrl-C (KeyboardInterrupt) arrived while writing the merged log and left %s open. "
        "KeyboardInterrupt is a BaseException, not an Exception: cleanup in `except "
        "Exception:` never runs for it. An ExitStack closes everything it holds whatever "
        "the exception" % " and ".join(still_open))


def test_streams_instead_of_loading_whole_files(tmp_path):
    shards = []
    for n in range(4):
        shard = tmp_path / ("big-%d.log" % n)
        shard.write_text("".join("2024-05-01T%02d:%02d:%02d.%06dZ api-%d POST /upload 201\n"
                                 % (s // 3600, s // 60 % 60, s % 60, n, n)
                                 for s in range(0, 40000, 4)), encoding="utf-8")
        shards.append(shard)
    size = sum(shard.stat().st_size for shard in shards)
    count, peak = kit.peak_memory(merge_logs, shards, tmp_path / "merged.log")
    assert count == 40000
    assert peak < 1024 * 1024, (
        "merging %.1f MB of logs took %.1f MB of memory: the files were read whole. Keep them "
        "all open and let heapq.merge(*files) read one line at a time from each: that is why "
        "all the files must be open at once" % (size / 1e6, peak / 1e6))
