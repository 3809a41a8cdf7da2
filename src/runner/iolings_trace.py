"""iolings_trace: what the learner's code did to files during each test (``run --trace``).

The harness imports this module only when the runner asks for a trace (``IOLINGS_TRACE_IO=1``);
ordinary runs never load it. It watches without replacing anything: file objects stay the real
``_io`` objects (lesson 01's tests check their types), ``open`` stays the builtin.

How it sees the I/O
* ``sys.setprofile``: every call of a C function or method. Calls of the ``_io`` file methods
  (``write``, ``read``, ``flush``, ``close``, ``__exit__``...) name their object in
  ``__self__``; ``open``, ``os.fsync``, ``os.replace``... are compared by identity with the
  builtins captured when this module loads. A profile callback gets no arguments and no return
  value, so the file object an ``open()`` returned is found among the objects the garbage
  collector's youngest generation tracks (it was allocated a moment ago), and the arguments of
  os calls come from the audit events they raise (below).
* ``sys.addaudithook``: ``open`` (path, flags), ``os.rename`` (also raised by ``os.replace``),
  ``os.remove``, ``os.mkdir``, ``tempfile.mkstemp``, ``shutil.*``... An audit hook cannot be
  removed, so it is installed once and does nothing while no test is traced.
* ``/proc/self/io`` (Linux): the syscall counters (syscr, syscw, rchar, wchar), read with one
  ``pread`` before and after each traced call, so each event says how many read()/write()
  system calls it caused and how many bytes they moved (the tracer's own pread is subtracted).

Whose I/O: an event counts when the innermost frame that belongs to the exercise file or to the
harness is in the exercise's code part (above the tests marker). Frames of the standard library
(pathlib, shutil, tempfile, json...) and of the test kit are looked through, so
``Path.write_text`` called by the learner counts, and so does the learner's write through a
test-kit fault wrapper; the tests' own fixture files and the harness's and kit's own I/O do not.

Limits, documented for the report: iterating a file (``for line in f``) and ``print(file=f)``
call no method a profiler sees; their bytes are found from the raw file's position when it is
closed and shown as an estimate. Only the thread that runs the test is traced.
"""

import gc
import os
import sys
import weakref

import _io

EVENT_CAP = 60  # timeline entries per test; the rest is counted ("… N more")
FINDING_CAP = 8
PATH_CAP = 240
TINY_SYSCALLS = 1000  # this many read()/write() syscalls of a few bytes each is a finding
TINY_BYTES = 16
WHOLE_FILE = 1 << 20  # one call reading this much or more holds the whole file in memory

LESSONS = {
    "no_encoding": "01_reading_files",
    "tiny_reads": "01_reading_files",
    "whole_file": "01_reading_files",
    "tiny_writes": "02_writing_files",
    "rename_without_fsync": "02_writing_files",
    "temp_elsewhere": "02_writing_files",
    "temp_left_behind": "02_writing_files",
    "not_closed": "03_context_managers",
}

_IO_TYPES = {_io.FileIO, _io.BufferedReader, _io.BufferedWriter, _io.BufferedRandom,
             _io.TextIOWrapper}
_TEXT, _RAW = _io.TextIOWrapper, _io.FileIO
_OPEN = _io.open
_READS = {"read": "read", "read1": "read", "readline": "read", "readlines": "read",
          "readinto": "read", "readinto1": "read", "readall": "read", "__next__": "read"}
_WRITES = {"write": "write", "writelines": "write"}
_OTHERS = {"flush": "flush", "close": "close", "__exit__": "close", "fileno": "fileno",
           "truncate": "truncate", "seek": "seek"}


def _os_functions():
    names = {"fsync": "fsync", "fdatasync": "fsync", "rename": "rename", "replace": "replace",
             "remove": "remove", "unlink": "unlink", "mkdir": "mkdir", "rmdir": "rmdir",
             "chmod": "chmod", "open": "os.open", "read": "os.read", "write": "os.write",
             "truncate": "truncate", "makedirs": None}
    out = {}
    for name, op in names.items():
        func = getattr(os, name, None)
        if op is not None and func is not None and type(func) is type(len):
            out[id(func)] = (func, op)
    return out


_OS = _os_functions()
# Audit events shown as they are (the os calls above are seen by the profiler instead).
_AUDITED = {"shutil.copyfile": "copy", "shutil.copytree": "copytree", "shutil.move": "move",
            "shutil.rmtree": "rmtree", "tempfile.mkstemp": "mkstemp",
            "tempfile.mkdtemp": "mkdtemp"}


# Standard library functions whose I/O is their own business, not the caller's: tempfile
# probes its folder with a test file the first time it is used.
_PRIVATE = {"_get_default_tempdir"}


def _text(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "surrogateescape")
    value = str(value)
    return value if len(value) <= PATH_CAP else value[:PATH_CAP - 1] + "…"


class _Counters:
    """/proc/self/io, read with one pread per snapshot (None where it cannot be read)."""

    def __init__(self):
        self.fd = None
        self.taken = 0  # snapshots taken, and the bytes they read: the tracer's own I/O
        self.taken_bytes = 0
        try:
            fd = os.open("/proc/self/io", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            import fcntl

            self.fd = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 220)
            os.close(fd)
        except (OSError, ImportError):
            self.fd = None

    def snap(self):
        if self.fd is None:
            return None
        try:
            data = os.pread(self.fd, 512, 0)
        except OSError:
            return None
        self.taken += 1
        self.taken_bytes += len(data)
        # "rchar: N\nwchar: N\nsyscr: N\nsyscw: N\n..." (the order is fixed by the kernel)
        words = data.split()
        try:
            rchar, wchar, syscr, syscw = int(words[1]), int(words[3]), int(words[5]), int(words[7])
        except (IndexError, ValueError):
            return None
        # This snapshot's own pread shows up in the next one: one syscr and len(data) rchar.
        return (syscr, syscw, rchar, wchar, len(data))

    @staticmethod
    def delta(before, after):
        if before is None or after is None:
            return None
        return (max(after[0] - before[0] - 1, 0), max(after[1] - before[1], 0),
                max(after[2] - before[2] - before[4], 0), max(after[3] - before[3], 0))


class _File:
    """One file the learner opened (or first used) in this test, keyed by its raw FileIO."""

    def __init__(self, path, raw):
        self.path = path
        self.raw = raw  # a weak reference
        self.closed_seen = False
        self.gc_closed = False
        self.written = False
        self.synced = True
        self.read_bytes = 0
        self.read_calls = 0
        self.read_syscalls = 0
        self.write_syscalls = 0
        self.write_bytes = 0
        self.start = 0
        self.gap_syscr = 0
        self.opened_here = False
        self.line = 0


class Tracer:
    def __init__(self, exercise, tests_line, harness_files):
        self.exercise = exercise
        self.tests_line = tests_line
        self.stop_files = set(harness_files)
        self.work = os.getcwd()
        self.tmp = os.environ.get("TMPDIR", "")
        self.counters = _Counters()
        self.calls = _call_sites(exercise)
        self._profile_function = self._make_profile()
        self.active = False
        self.busy = False
        self._reset()
        sys.addaudithook(self._audit)

    def _reset(self):
        self.events = []
        self.findings = []
        self.files = {}  # id(raw) -> _File
        self.pending = []  # [frame, kind, payload, snapshot, audit args]
        self.temps = {}  # absolute path -> (shown path, kind) of temp files still around
        self.last_file = None
        self.last_fileno = None
        self.last_os_open = None
        self.snap = None
        self.window = None
        # The run of repeated calls in progress (see _profile): [id of the file object or the
        # os function, frame, method name, calls not yet settled, event, _File, op].
        self.group = None
        self.dropped = 0  # events past the cap
        self.written_paths = set()  # shown paths written through os.write
        self.sync_unknown = False  # an fsync whose file could not be told

    # -- the harness's hook points ------------------------------------------------------------

    def begin(self):
        self._reset()
        self.window = self.counters.snap()
        self.snap = self.window
        self.own = (self.counters.taken, self.counters.taken_bytes)
        self.active = True
        sys.setprofile(self._profile_function)

    def end(self):
        if not self.active:
            return None
        sys.setprofile(None)
        self.busy = True
        try:
            self._settle()
            self.active = False
            return self._summary()
        except Exception as exc:  # a bug here must never cost the learner their verdict
            return {"events": [], "more": 0, "findings": [],
                    "error": "the trace failed: %s: %s" % (type(exc).__name__, exc)}
        finally:
            self.busy = False

    # -- attribution ----------------------------------------------------------------------------

    def _learner_line(self, frame):
        """The line of the learner's code this event comes from, or 0 when it is not theirs."""
        exercise, stop = self.exercise, self.stop_files
        while frame is not None:
            name = frame.f_code.co_filename
            if name == exercise:
                line = frame.f_lineno or 0
                return line if line < self.tests_line else 0
            if name in stop or frame.f_code.co_name in _PRIVATE:
                return 0
            frame = frame.f_back
        return 0

    # -- the profiler -----------------------------------------------------------------------------

    def _make_profile(self):
        """The profile callback: called for every call and return in the program, so it is a
        closure over locals, and everything not a file call leaves after a test or two."""
        tracer, io_types, open_, os_ids, guarded = self, _IO_TYPES, _OPEN, _OS, self._guarded

        def profile(frame, event, arg):
            if event == "c_call":
                if tracer.busy:
                    return
                owner = getattr(arg, "__self__", None)
                group = tracer.group
                # The fast path: the same call again from the same frame (a loop of f.read(1)
                # or out.write(line)) is counted; its syscalls are settled when the run ends.
                if (group is not None and frame is group[1]
                        and (arg is group[0] or id(owner) == group[0])
                        and arg.__name__ == group[2]):
                    group[3] += 1
                elif type(owner) in io_types:
                    guarded(tracer._io_call, frame, arg, owner)
                elif arg is open_ or id(arg) in os_ids:
                    guarded(tracer._func_call, frame, arg, None)
            elif event == "return":
                group = tracer.group
                if group is not None and frame is group[1] and not tracer.busy:
                    guarded(tracer._settle)
            elif event != "call" and tracer.pending and not tracer.busy:
                if tracer.pending[-1][0] is frame:  # c_return or c_exception of a traced call
                    guarded(tracer._returned, frame, event, arg)

        return profile

    def _guarded(self, method, *args):
        self.busy = True
        try:
            method(*args)
        except Exception:
            pass  # the trace loses an event; the learner's code never sees the tracer
        finally:
            self.busy = False

    def _settle(self):
        """End the run of repeated calls: their syscalls since the first one's return."""
        group, self.group = self.group, None
        if group is None or not group[3]:
            return
        now = self.counters.snap()
        delta = _Counters.delta(self.snap, now)
        self.snap = now
        event, file, op = group[4], group[5], group[6]
        event["calls"] = event.get("calls", 0) + group[3]
        if delta is not None:
            self._account(op, file, event, delta, group[3])

    def _io_call(self, frame, method, owner):
        name = getattr(method, "__name__", "")
        op = _READS.get(name) or _WRITES.get(name) or _OTHERS.get(name)
        if op is None:
            return
        line = self._learner_line(frame)
        if not line:
            if op == "close":  # the tests closing the learner's file: not a leak
                known = self.files.get(id(_raw_of(owner)))
                if known is not None:
                    known.closed_seen = True
            return
        file = self._file_of(owner, line)
        if file is None:
            return
        if op == "fileno":
            self.last_fileno = file
            return
        self._settle()
        before = self._take_snap(file)
        if op == "close" and not file.closed_seen:
            self._before_close(file)
        # id(owner), not owner: the tracer must never keep a file object alive (a file the
        # learner drops is closed, and flushed, at once; tests rely on it).
        self.pending.append([frame, op, file, before, None, id(owner), name])

    def _func_call(self, frame, func, _owner):
        line = self._learner_line(frame)
        if not line:
            return
        op = "open" if func is _OPEN else _OS[id(func)][1]
        self._settle()
        self.pending.append([frame, op, line, self._take_snap(None), None, func,
                             func.__name__])

    def _take_snap(self, file):
        now = self.counters.snap()
        gap = _Counters.delta(self.snap, now)
        target = file or self.last_file
        if gap is not None and target is not None:
            target.gap_syscr += max(gap[0], 0)
        return now

    def _returned(self, frame, event, _arg):
        entry = self.pending.pop()
        after = self.counters.snap()
        self.snap = after
        delta = _Counters.delta(entry[3], after) or (None, None, None, None)
        _, op, payload, _, audit, key, name = entry
        failed = event == "c_exception"
        if op == "open":
            self._opened(frame, payload, audit, failed)
            return
        if isinstance(payload, _File):
            target = self._file_event(op, payload, delta, failed)
        else:
            target = self._os_event(op, payload, audit, delta, failed)
        if not failed and target is not None and target["op"] in ("read", "write"):
            file = payload if isinstance(payload, _File) else None
            self.group = [key, frame, name, 0, target, file, target["op"]]

    # -- the audit hook ---------------------------------------------------------------------------

    def _audit(self, event, args):
        if not self.active or self.busy:
            return
        if self.pending and self.pending[-1][4] is None and event in (
                "open", "os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.chmod",
                "os.truncate"):
            self.pending[-1][4] = args
            return
        kind = _AUDITED.get(event)
        if kind is None:
            return
        self.busy = True
        try:
            self._audited(kind, args)
        except Exception:
            pass
        finally:
            self.busy = False

    def _audited(self, kind, args):
        line = self._learner_line(sys._getframe(2))
        if not line:
            return
        if kind in ("mkstemp", "mkdtemp"):
            path = self._abs(args[0])
            self.temps[path] = (self._show(path), kind)
            self._add({"op": kind, "path": self._show(path), "line": line})
            return
        event = {"op": kind, "path": self._show(self._abs(args[0])), "line": line}
        if kind in ("copy", "copytree", "move") and len(args) > 1:
            event["to"] = self._show(self._abs(args[1]))
        if kind == "rmtree":
            root = self._abs(args[0]).rstrip(os.sep) + os.sep
            for path in list(self.temps):
                if path.startswith(root) or path + os.sep == root:
                    del self.temps[path]
        self._add(event)

    # -- files ------------------------------------------------------------------------------------

    def _file_of(self, obj, line):
        raw = obj
        try:
            if type(raw) is _TEXT:
                raw = raw.buffer
            if type(raw) is not _RAW:
                raw = raw.raw
        except Exception:
            return None
        if type(raw) is not _RAW:
            return None  # a wrapper around BytesIO or a pipe of the harness: not a file
        file = self.files.get(id(raw))
        if file is not None and file.raw() is raw:
            return file
        file = _File(self._name_of(raw), weakref.ref(raw, self._collected(id(raw))))
        file.line = line
        self.files[id(raw)] = file
        try:
            file.start = raw.tell()
        except Exception:
            pass
        return file

    def _collected(self, key):
        def collected(_ref):
            file = self.files.get(key)
            if file is not None and not file.closed_seen and self.active:
                file.gc_closed = True
                self._add({"op": "collected", "path": file.path})
        return collected

    def _name_of(self, raw):
        name = raw.name
        if isinstance(name, int):
            try:
                name = os.readlink("/proc/self/fd/%d" % name)
            except OSError:
                return "fd %d" % name
        return self._show(self._abs(name))

    def _abs(self, path):
        path = os.fspath(path) if not isinstance(path, int) else "fd %d" % path
        if isinstance(path, bytes):
            path = path.decode("utf-8", "surrogateescape")
        if isinstance(path, str) and path.startswith("fd "):
            return path
        return os.path.normpath(os.path.join(os.getcwd(), path))

    def _show(self, path):
        """A path relative to the sandbox: to the exercise's folder, or $TMPDIR/..."""
        if path.startswith("fd "):
            return path
        if path == self.work:
            return "."
        if path.startswith(self.work + os.sep):
            return _text(path[len(self.work) + 1:])
        if self.tmp and path.startswith(self.tmp + os.sep):
            return _text("$TMPDIR/" + path[len(self.tmp) + 1:])
        return _text(path)

    def _opened(self, frame, line, audit, failed):
        if failed:
            path = self._show(self._abs(audit[0])) if audit else "?"
            self._add({"op": "open", "path": path, "line": line, "failed": True})
            return
        top = None
        for generation in (0, 1):
            found = [o for o in gc.get_objects(generation) if type(o) in _IO_TYPES]
            for obj in reversed(found):
                raw = _raw_of(obj)
                known = self.files.get(id(raw)) if raw is not None else None
                if raw is not None and not raw.closed and (known is None or known.raw() is not raw):
                    top = obj
                    break
            del found
            if top is not None:
                break
        if top is None:
            path = self._show(self._abs(audit[0])) if audit else "?"
            self._add({"op": "open", "path": path, "line": line})
            return
        file = self._file_of(top, line)
        if file is None:
            return
        file.opened_here = True
        event = self._describe(file, top, line)
        del top
        self._add(event)
        mode = event.get("mode", "")
        if any(c in mode for c in "wax+"):
            self._note_temp(file.path, mode)

    def _describe(self, file, top, line):
        event = {"op": "open", "path": file.path, "line": line}
        layers = [type(top).__name__]
        inner = top
        while type(inner) is not _RAW:
            inner = inner.buffer if type(inner) is _TEXT else inner.raw
            layers.append(type(inner).__name__)
        event["layers"] = layers
        event["mode"] = getattr(top, "mode", "") or ""
        site = self.calls.get(line, [])
        if type(top) is _TEXT:
            event["encoding"] = top.encoding
            if top.errors != "strict":
                event["errors"] = top.errors
            explicit = [call for call in site if "encoding" in call or "**" in call]
            if site and not explicit:
                self._finding("no_encoding", line,
                              "%s opened in text mode without encoding=: it got %s from the "
                              "locale, another machine picks another" % (file.path, top.encoding))
            newline = [call["newline"] for call in site if "newline" in call]
            if newline:
                event["newline"] = newline[0]
            if top.line_buffering:
                event["buffering"] = "line"
        if "buffering" not in event:
            given = [call["buffering"] for call in site if "buffering" in call]
            if type(top) is _RAW:
                event["buffering"] = "none"
            elif given:
                event["buffering"] = given[0]
        return event

    def _note_temp(self, path, mode):
        name = path.rsplit("/", 1)[-1]
        if (name.endswith((".tmp", ".temp", ".part", "~")) or ".tmp" in name
                or name.startswith((".tmp", "tmp"))):
            absolute = self._abs(path) if not path.startswith("$TMPDIR/") else (
                self.tmp + "/" + path[len("$TMPDIR/"):])
            self.temps.setdefault(absolute, (path, "temp"))

    def _before_close(self, file):
        """At close: the bytes iteration or print(file=...) moved, which no call showed."""
        raw = file.raw()
        if raw is None or raw.closed:
            return
        try:
            position = raw.tell()
        except Exception:
            return
        moved = position - file.start
        if raw.readable() and not raw.writable() and moved > file.read_bytes and moved > 0:
            self._add({"op": "iterate", "path": file.path, "bytes": moved - file.read_bytes,
                       "syscalls": file.gap_syscr, "estimate": True})
            file.read_syscalls += file.gap_syscr
            file.read_bytes = moved

    def _file_event(self, op, file, delta, failed):
        syscr, syscw, rchar, wchar = delta
        self.last_file = file
        event = {"op": op, "path": file.path}
        if failed:
            event["failed"] = True
        if op in ("read", "write"):
            event["calls"] = 1
            if syscr is not None:
                event["syscalls"], event["bytes"] = 0, 0
                self._account(op, file, event, delta, 1)
        elif wchar and op in ("flush", "close", "truncate", "seek"):
            file.written = True
            file.synced = False
            file.write_syscalls += syscw
            file.write_bytes += wchar
            self._absorb(file, syscw, wchar)
        if op == "close":
            file.closed_seen = True
        return self._add(event)

    def _account(self, op, file, event, delta, calls):
        """Add the syscalls of `calls` read or write calls to their event and file."""
        syscr, syscw, rchar, wchar = delta
        syscalls, moved = (syscr, rchar) if op == "read" else (syscw, wchar)
        event["syscalls"] = event.get("syscalls", 0) + syscalls
        event["bytes"] = event.get("bytes", 0) + moved
        if file is None:
            return
        if op == "read":
            file.read_syscalls += syscalls
            file.read_bytes += moved
            if moved >= WHOLE_FILE * calls:
                self._finding("whole_file", file.line,
                              "one call read %s of %s into memory: read it in chunks or "
                              "line by line" % (_size(moved // calls), file.path))
        else:
            file.written = True
            file.synced = False
            file.write_syscalls += syscalls
            file.write_bytes += moved

    def _absorb(self, file, syscw, wchar):
        """The syscalls a flush or close made are those the earlier writes were waiting for."""
        for event in reversed(self.events):
            if event.get("path") == file.path and event["op"] == "write":
                event["syscalls"] = event.get("syscalls", 0) + (syscw or 0)
                event["bytes"] = event.get("bytes", 0) + (wchar or 0)
                return
        if len(self.events) >= EVENT_CAP:
            return  # its write was past the cap too, and counted there
        self._add({"op": "write", "path": file.path, "calls": 0, "syscalls": syscw or 0,
                   "bytes": wchar or 0})

    def _os_event(self, op, line, audit, delta, failed):
        syscr, syscw, rchar, wchar = delta
        event = {"op": op, "line": line}
        if failed:
            event["failed"] = True
        if audit:
            path = self._abs(audit[0]) if not isinstance(audit[0], int) else "fd %d" % audit[0]
            event["path"] = self._show(path)
            if op in ("rename", "replace") and len(audit) > 1:
                self._renamed(event, path, self._abs(audit[1]), line, failed)
            elif op in ("remove", "unlink", "rmdir"):
                self.temps.pop(path, None)
            elif op == "os.open":
                self.last_os_open = event["path"]
                last = self.events[-1] if self.events else None
                if last is not None and last["op"] == "mkstemp" and last["path"] == event["path"]:
                    return None  # mkstemp's own os.open: the mkstemp line says it all
                flags = audit[2] if len(audit) > 2 and isinstance(audit[2], int) else 0
                event["mode"] = _flags(flags)
                if flags & (os.O_WRONLY | os.O_RDWR):
                    self._note_temp(event["path"], "w")
        if op == "fsync":
            self._synced(event)
        elif op in ("os.read", "os.write"):
            event["path"] = self.last_os_open or "fd"
            event["op"] = op[3:]
            event["calls"] = 1
            if syscr is not None:
                moved = (syscr, rchar) if op == "os.read" else (syscw, wchar)
                event["syscalls"], event["bytes"] = moved
            if op == "os.write":
                for file in self.files.values():
                    if file.path == event["path"]:
                        file.written, file.synced = True, False
                self.written_paths.add(event["path"])
        return self._add(event)

    def _synced(self, event):
        target = None
        if self.last_fileno is not None:
            target = self.last_fileno.path
            self.last_fileno.synced = True
            self.last_fileno = None
        elif self.last_os_open is not None:
            target = self.last_os_open
        if target is not None:
            event["path"] = target
            for file in self.files.values():
                if file.path == target:
                    file.synced = True
            self.written_paths.discard(target)
        else:
            event["path"] = "?"
            self.sync_unknown = True

    def _renamed(self, event, src, dst, line, failed):
        event["to"] = self._show(dst)
        if failed:
            return
        shown = event["path"]
        dirty = [f for f in self.files.values() if f.path == shown and f.written and not f.synced]
        dirty = dirty or shown in self.written_paths
        if dirty and not self.sync_unknown:
            self._finding("rename_without_fsync", line,
                          "no fsync before the rename: after a power cut %s can be empty"
                          % event["to"])
        temp = self.temps.pop(src, None)
        if temp is not None and os.path.dirname(src) != os.path.dirname(dst):
            self._finding("temp_elsewhere", line,
                          "the temp file %s is in another directory than %s: a rename across "
                          "file systems fails (EXDEV), and the target's folder is where it must "
                          "be" % (shown, event["to"]))

    # -- the timeline -----------------------------------------------------------------------------

    def _add(self, event):
        """Append `event`, or fold it into the one before when it repeats it; returns the event
        that holds it. Past the cap events are only counted (memory stays bounded: tests
        measure the learner's memory with tracemalloc)."""
        last = self.events[-1] if self.events else None
        if (last is not None and last["op"] == event["op"] and last.get("path") == event.get("path")
                and event["op"] in ("read", "write", "flush", "fsync", "seek", "collected")
                and not event.get("failed") and not last.get("failed")):
            if "calls" not in event:
                last["count"] = last.get("count", 1) + 1
            for key in ("calls", "syscalls", "bytes"):
                if key in event:
                    last[key] = last.get(key, 0) + event[key]
            return last
        if len(self.events) >= EVENT_CAP:
            self.dropped += 1
            return event
        self.events.append(event)
        return event

    def _finding(self, kind, line, message):
        for finding in self.findings:
            if finding["kind"] == kind and finding["message"] == message:
                return
        finding = {"kind": kind, "lesson": LESSONS[kind], "message": _text(message)}
        if line:
            finding["line"] = line
        self.findings.append(finding)

    def _summary(self):
        for file in list(self.files.values()):
            raw = file.raw()
            if raw is not None and not raw.closed and file.opened_here:
                self._add({"op": "left_open", "path": file.path})
                self._finding("not_closed", file.line,
                              "%s is still open at the end of the test: use a with block"
                              % file.path)
            elif file.gc_closed and file.opened_here:
                self._finding("not_closed", file.line,
                              "%s was never closed: the garbage collector closed it, on "
                              "another Python maybe much later; use a with block" % file.path)
            for calls, kind, what in ((file.read_syscalls, "tiny_reads", "read"),
                                      (file.write_syscalls, "tiny_writes", "write")):
                moved = file.read_bytes if what == "read" else file.write_bytes
                if calls >= TINY_SYSCALLS and moved <= calls * TINY_BYTES:
                    self._finding(kind, file.line,
                                  "%s %s() syscalls for %s of %s: each system call costs far "
                                  "more than a function call; keep the buffer (no buffering=0) "
                                  "or move bigger blocks" % (_count(calls), what, _size(moved),
                                                             file.path))
            del raw
        self._os_tiny()
        for path, (shown, _kind) in self.temps.items():
            if os.path.lexists(path):
                self._add({"op": "left_behind", "path": shown})
                self._finding("temp_left_behind", 0,
                              "the temp file %s is still there at the end of the test: remove "
                              "it when the save fails (try/except, or finally)" % shown)
        events = self.events
        trace = {"events": events[:EVENT_CAP],
                 "more": max(len(events) - EVENT_CAP, 0) + self.dropped,
                 "findings": self.findings[:FINDING_CAP]}
        taken, taken_bytes = self.counters.taken, self.counters.taken_bytes
        window = _Counters.delta(self.window, self.counters.snap())
        if window is not None:
            # Less the tracer's own preads (the window's first one is already taken off).
            snaps = taken - self.own[0]
            trace["totals"] = {
                "syscr": max(window[0] - snaps, 0), "syscw": window[1],
                "rchar": max(window[2] - (taken_bytes - self.own[1]), 0), "wchar": window[3]}
        self.files = {}
        return trace

    def _os_tiny(self):
        """A loop of os.read(fd, 1) calls: counted on its read events, not on a file object."""
        for event in self.events:
            if event["op"] not in ("read", "write") or event.get("line") is None:
                continue
            calls, moved = event.get("syscalls", 0), event.get("bytes", 0)
            if calls >= TINY_SYSCALLS and moved <= calls * TINY_BYTES:
                kind = "tiny_reads" if event["op"] == "read" else "tiny_writes"
                self._finding(kind, event["line"],
                              "%s %s() syscalls for %s of %s: each system call costs far more "
                              "than a function call; move bigger blocks" % (
                                  _count(calls), event["op"], _size(moved), event["path"]))


def _raw_of(obj):
    try:
        if type(obj) is _TEXT:
            obj = obj.buffer
        if type(obj) is not _RAW:
            obj = obj.raw
    except Exception:
        return None
    return obj if type(obj) is _RAW else None


def _flags(flags):
    names = [name for name in ("O_WRONLY", "O_RDWR") if flags & getattr(os, name, 0)] or ["O_RDONLY"]
    for name in ("O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_DIRECTORY"):
        if flags & getattr(os, name, 0):
            names.append(name)
    return "|".join(names)


def _count(n):
    return "{:,}".format(n)


def _size(n):
    if n < 10 * 1024:
        return "%s bytes" % _count(n)
    if n < 10 * 1024 * 1024:
        return "%.0f KiB" % (n / 1024)
    return "%.0f MiB" % (n / 1024 / 1024)


# -- the call sites in the exercise's code -----------------------------------------------------

_OPENERS = {"open", "fdopen", "read_text", "write_text", "TextIOWrapper", "NamedTemporaryFile",
            "TemporaryFile", "SpooledTemporaryFile"}


def _call_sites(path):
    """line -> the open-like calls spanning it, each a dict of the keywords it names (with the
    value's source for newline= and buffering=; "**" when it passes **kwargs)."""
    import _ast

    try:
        with _io.open(path, "rb") as f:
            source = f.read()
        tree = compile(source, path, "exec", _ast.PyCF_ONLY_AST)
    except Exception:
        return {}
    sites = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, _ast.AST))
            elif isinstance(value, _ast.AST):
                stack.append(value)
        if not isinstance(node, _ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, _ast.Name) else getattr(func, "attr", None)
        if name not in _OPENERS:
            continue
        call = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                call["**"] = True
            elif keyword.arg in ("newline", "buffering"):
                value = keyword.value
                call[keyword.arg] = (repr(value.value) if isinstance(value, _ast.Constant)
                                     else "…")
            else:
                call[keyword.arg] = True
        positional = len(node.args)
        if name == "open" and isinstance(func, _ast.Name) and positional >= 4:
            call["encoding"] = True  # open(path, mode, buffering, encoding)
        if any(isinstance(a, _ast.Starred) for a in node.args):
            call["**"] = True
        for line in range(node.lineno, (getattr(node, "end_lineno", None) or node.lineno) + 1):
            sites.setdefault(line, []).append(call)
    return sites
