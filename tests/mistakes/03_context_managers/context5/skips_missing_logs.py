"""Skips logs that do not exist instead of letting FileNotFoundError propagate."""
# expect: reach the caller
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
  not exist (its FileNotFoundError must propagate to the caller) or when writing the output
  fails (that OSError must propagate too).
"""

import contextlib
import heapq


def merge_logs(paths, out_path):
    count = 0
    with contextlib.ExitStack() as stack:
        files = []
        for p in paths:
            try:
                files.append(stack.enter_context(open(p, encoding="utf-8")))
            except FileNotFoundError:
                print("skipping missing log", p)
        out = stack.enter_context(open(out_path, "w", encoding="utf-8"))
        for line in heapq.merge(*files):
            out.write(line)
            count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Tests

import builtins  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402

import iolings_testkit as kit  # noqa: E402

SHARDS = ["logs/api-1.log", "logs/api-2.log", "logs/api-3.log", "logs/api-4.log"]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.readlines()


@contextlib.contextmanager
def watch_opens():
    """Collect every file object opened in the block, so a test can check which are closed."""
    opened = []
    saved = builtins.open, io.open

    def spy(*args, **kwargs):
        f = saved[1](*args, **kwargs)
        opened.append(f)
        return f

    builtins.open = io.open = spy
    try:
        yield opened
    finally:
        builtins.open, io.open = saved


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
        shard.write_text("".join("2024-05-01T10:%02d:00Z shard-%d\n" % (m, n)
                                 for m in range(n, 60, 7)), encoding="utf-8")
        shards.append(shard)
    out = tmp_path / "merged.log"
    assert merge_logs(shards, out) == 60
    assert read_lines(out) == sorted(line for shard in shards for line in read_lines(shard))
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
    first_two = {os.path.realpath(SHARDS[0]), os.path.realpath(SHARDS[1])}
    before = [f for f in opened
              if isinstance(f.name, (str, os.PathLike)) and os.path.realpath(f.name) in first_two]
    still_open = [os.fspath(f.name) for f in before if not f.closed]
    for f in before:
        f.close()
    assert still_open == [], (
        "opening the 3rd of 4 logs failed, and the files opened before it were left open. "
        "A list comprehension of open() calls loses them when one open() raises: open each "
        "file with stack.enter_context(open(...)) inside `with contextlib.ExitStack() as "
        "stack:`, which closes everything it already holds when a later open() fails")


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
            "writing the merged log failed (disk full) and the input logs were not closed: "
            "closing them after the loop is skipped when write() raises. Let one ExitStack "
            "own the inputs and the output. (%s)" % leak) from None
    assert raised, "the disk is full: the OSError from write() must reach the caller"


def test_streams_instead_of_loading_whole_files(tmp_path):
    shards = []
    for n in range(4):
        shard = tmp_path / ("big-%d.log" % n)
        shard.write_text("".join("2024-05-01T%02d:%02d:%02d.%06dZ api-%d POST /upload 201\n"
                                 % (s // 3600, s // 60 % 60, s % 60, n, n)
                                 for s in range(0, 80000, 4)), encoding="utf-8")
        shards.append(shard)
    size = sum(shard.stat().st_size for shard in shards)
    count, peak = kit.peak_memory(merge_logs, shards, tmp_path / "merged.log")
    assert count == 80000
    assert peak < 2 * 1024 * 1024, (
        "merging %.1f MB of logs took %.1f MB of memory: the files were read whole. Keep them "
        "all open and let heapq.merge(*files) read one line at a time from each: that is why "
        "all the files must be open at once" % (size / 1e6, peak / 1e6))
