"""Helpers for exercise tests: faults where they really happen, awkward data and trees, races.

Exercise tests import it as ``import iolings_testkit as kit``; the runner puts it beside the
harness in every sandbox. Everything here is stdlib-only and works the same for root and for
ordinary users: failures are *injected* (root ignores file modes), never left to the kernel.

Faults where they really happen
    kit.fail_at(op, errno.EIO, nth=1, once=False, path=None)  the nth `op` call raises OSError
    kit.short_writes(limit=1)               os.write and unbuffered files write <= limit bytes
    kit.eintr(op="write")                   a signal arrives during the call (PEP 475)
    kit.run_killed(fn, *args, at="replace") fn runs in a child SIGKILLed just before the op
    kit.run_killed(fn, *args, after_bytes=N)  ...killed once N bytes have been written
    kit.failing_writes(errno.ENOSPC)        every write raises OSError(ENOSPC)
    kit.read_only(path)                     writes/creates/renames/deletes under path fail
    kit.record_io()                         records open/write/flush/fsync/replace/close
Data that breaks naive code
    kit.TEXT_CASES[name]                    empty file, no final newline, CRLF, BOM, U+2028...
    kit.straddling_text(chunk_size)         a character (or \\r\\n) split at every chunk boundary
    kit.write_case(path, name)              writes a TEXT_CASES text byte-exactly
File systems as they are
    kit.make_tree(root, spec)               builds files, dirs, kit.Symlink(...), kit.FIFO
    kit.awkward_tree(root)                  dotfiles, links, loop, FIFO, odd names (AWKWARD_TREE)
    kit.shuffled_listing(seed=0)            listings come back in a scrambled, fixed order
    kit.no_blocking_opens()                 opening a FIFO fails the test instead of hanging
    kit.umask(mask)                         a umask for the block
    kit.via_symlink(path)                   the same path, reached through a symlink
    kit.set_mtimes(paths)                   several files with the very same mtime (ties)
Concurrency
    kit.race(fn, *args, threads=2, processes=0)  N calls released at the same instant
    kit.between_check_and_use(action)       action() runs right after the first exists/stat
    kit.in_thread(fn, *args)                fn's result (or exception) from another thread
    kit.after_fork(fn, *args)               fn's result (or exception) from a forked child
Measuring
    kit.peak_memory(fn, *args)              (result, peak bytes allocated by Python)
    kit.no_leaked_files()                   fails with where a file was left open
    kit.in_c_locale(fn, *args)              fn's result on a server whose locale is C (ASCII)
    kit.run_python(code, env={...})         runs code in a fresh interpreter
    kit.make_file(path, megabytes)          writes a large text file quickly

How the file API is watched: while one of the context managers above is active, open(),
io.open, Path.open, os.fdopen and tempfile's files opened for writing come back wrapped, so
write(), flush() and close() are seen (the layers below, f.buffer and f.raw, are the real
objects); os.write, os.fsync, os.fdatasync, os.replace, os.rename (so Path.replace/rename and
shutil.move), os.mkdir, os.open, os.unlink and os.remove are replaced for the block and put back
at its end. Contexts nest: kit.record_io() inside kit.fail_at(...) records the faulty run.
The same holds on 3.10 to 3.13: on 3.10 Path methods call through pathlib's accessor, and on
3.13 Path.glob calls through glob's _StringGlobber; both are patched with the rest.
Not watched: writes through f.buffer / f.raw directly, os.writev/pwrite/sendfile (shutil.copy*
uses sendfile on Linux), mmap.
"""

import builtins
import errno as _errno
import gc
import io
import os
import sys
from _thread import get_ident as _get_ident

# contextlib, pickle, signal, subprocess, threading, pathlib, glob and warnings are imported where
# used: most exercises need only one helper, and every import here delays every run.

_real_open = builtins.open
_real_io_open = io.open
_real_write = os.write
_real_read = os.read
_real_stat = os.stat
_real_lstat = os.lstat
_real_listdir = os.listdir
_real_scandir = os.scandir

# The operations fail_at, run_killed(at=...) and eintr know. "write" also counts os.write;
# "replace" and "rename" are the same system call (rename(2)) and each counts both functions.
OPS = ("open", "write", "flush", "close", "fsync", "replace", "rename", "unlink", "mkdir",
       "os.write")
_RENAMES = ("replace", "rename")


def _op_matches(wanted, actual):
    return (wanted == actual or (wanted == "write" and actual == "os.write")
            or (wanted in _RENAMES and actual in _RENAMES))


def _check_op(op, allowed=OPS):
    if op not in allowed:
        raise ValueError("unknown operation %r: use one of %s" % (op, ", ".join(allowed)))


# ---------------------------------------------------------------------------------------------
# A small contextmanager (contextlib costs several milliseconds to import under -S).


class _GeneratorContext:
    def __init__(self, gen):
        self._gen = gen

    def __enter__(self):
        try:
            return next(self._gen)
        except StopIteration:
            raise RuntimeError("generator didn't yield") from None

    def __exit__(self, typ, value, tb):
        if typ is None:
            try:
                next(self._gen)
            except StopIteration:
                return False
            raise RuntimeError("generator didn't stop")
        if value is None:
            value = typ()
        try:
            self._gen.throw(value)
        except StopIteration as exc:
            return exc is not value
        except RuntimeError as exc:
            if exc is value or exc.__cause__ is value:
                return False
            raise
        except BaseException as exc:
            if exc is value:
                return False
            raise
        raise RuntimeError("generator didn't stop after throw()")


def _contextmanager(func):
    def helper(*args, **kwargs):
        return _GeneratorContext(func(*args, **kwargs))

    helper.__name__ = func.__name__
    helper.__qualname__ = func.__qualname__
    helper.__doc__ = func.__doc__
    helper.__wrapped__ = func
    return helper


# ---------------------------------------------------------------------------------------------
# The active hooks and the wrappers that report to them.


class _Hooks:
    """One active helper: what the wrapped file API reports to and asks."""

    def __init__(self):
        self.events = []  # ("open", path, mode), ("write", path, nbytes)...
        self.before = None  # (op, names) -> None before a call; may raise or kill
        self.on_write = None  # (target, data) -> data before a write; may raise or kill
        self.blocked_dirs = []  # read_only()
        self.short_limit = None  # short_writes()
        self.short_calls = [0]
        self.eintr = None  # eintr(): an _Interrupts
        self.shuffle_seed = None  # shuffled_listing()
        self.check_race = None  # between_check_and_use(): a CheckRecord
        self.fifo_guard = None  # no_blocking_opens(): a list of FIFOs opened


_STACK = []  # active _Hooks, outermost first
_QUIET = {}  # thread id -> depth: the kit's own calls inside a wrapper pass straight through
_IN_OPEN = {}  # thread id -> depth: inside io.open (an opener's os.open is the same open)
_CHECK_DEPTH = {}  # thread id -> [label, path] of the check chain under way (if it counts)


def _active():
    return bool(_STACK) and not _QUIET.get(_get_ident())


class _Quiet:
    """While it is entered, the wrappers pass this thread's calls straight through."""

    def __enter__(self):
        tid = _get_ident()
        _QUIET[tid] = _QUIET.get(tid, 0) + 1

    def __exit__(self, *exc):
        tid = _get_ident()
        depth = _QUIET.get(tid, 1) - 1
        if depth:
            _QUIET[tid] = depth
        else:
            _QUIET.pop(tid, None)
        return False


_quiet = _Quiet()


def _name_of(target):
    if isinstance(target, int):
        try:
            return os.readlink("/proc/self/fd/%d" % target)
        except OSError:
            return "fd %d" % target
    if hasattr(target, "fileno") and not isinstance(target, (str, bytes)):
        try:
            return _name_of(target.fileno())
        except Exception:
            pass
    name = os.fspath(target)
    return os.fsdecode(name) if isinstance(name, bytes) else name


def _nbytes(data):
    """How many bytes a write of `data` hands over (characters for str)."""
    if isinstance(data, str):
        return len(data)
    try:
        return memoryview(data).nbytes
    except TypeError:
        return len(data)


def _byte_view(data):
    """A flat view of the bytes of any bytes-like object, or None if it is not one."""
    try:
        view = memoryview(data)
    except TypeError:
        return None
    if view.format != "B" or view.ndim != 1:
        try:
            view = view.cast("B")
        except TypeError:
            return None
    return view


def _check_blocked(path):
    for hooks in _STACK:
        for blocked in hooks.blocked_dirs:
            full = os.path.abspath(_name_of(path))
            if full == blocked or full.startswith(blocked + os.sep):
                raise PermissionError(_errno.EACCES, "Permission denied (read-only directory)",
                                      full)


def _path_matches(pattern, names):
    """Does `pattern` (a path, a basename or any part of a path) name one of `names`?"""
    pattern = _name_of(pattern)
    patterns = {pattern, os.path.abspath(pattern), os.path.realpath(pattern)}
    for name in names:
        if not isinstance(name, str):
            continue
        for candidate in (name, os.path.abspath(name), os.path.realpath(name)):
            for wanted in patterns:
                if wanted == candidate or (wanted and wanted in candidate):
                    return True
    return False


def _pre(op, names, event=None, target=None, data=None, partial=False):
    """Run the active hooks for one call; returns (data, limit): the data to write and, for
    calls that may write part of it (os.write, unbuffered files), the most bytes to write."""
    limit = None
    with _quiet:
        stack = tuple(_STACK)
        for hooks in stack:
            if hooks.before is not None:
                hooks.before(op, names)
        for hooks in stack:
            if hooks.eintr is not None and hooks.eintr.arrives(op, names) and partial:
                size = _nbytes(data)
                if size > 1:
                    limit = size // 2
        if data is not None:
            for hooks in stack:
                if hooks.on_write is not None:
                    data = hooks.on_write(target, data)
        if event is not None:
            if event[0] == "write":
                event = (event[0], event[1], _nbytes(data))
            for hooks in stack:
                hooks.events.append(event)
        if partial:
            for hooks in stack:
                if hooks.short_limit is not None:
                    limit = hooks.short_limit if limit is None else min(limit, hooks.short_limit)
                    hooks.short_calls[0] += _nbytes(data) > hooks.short_limit
    return data, limit


def _limited(data, limit):
    if limit is None:
        return data
    view = _byte_view(data)
    if view is None or len(view) <= limit:
        return data
    return view[:limit]


def _is_write_mode(mode):
    return any(ch in mode for ch in "wax+")


def _raw_of(f):
    """The FileIO under a file object (f itself for an unbuffered one), or None."""
    seen = 0
    while f is not None and seen < 4:
        if isinstance(f, io.RawIOBase):
            return f
        try:
            f = getattr(f, "buffer", None) or getattr(f, "raw", None)
        except ValueError:  # a detached layer
            return None
        seen += 1
    return None


def _close_dropping(inner, error):
    """Close `inner` for real (its fd is released) while its buffered data fails to reach the
    file with `error`, as when the flush that close() makes fails (a full disk)."""
    raw = _raw_of(inner)
    if raw is inner:
        raw = None
    if raw is not None:
        code = getattr(error, "errno", None) or _errno.EIO

        def refuse(data):
            raise OSError(code, os.strerror(code))

        try:
            raw.write = refuse  # the C buffered layer looks it up on the instance
        except (AttributeError, TypeError):
            raw = None
    try:
        inner.close()
    except Exception:
        pass
    finally:
        if raw is not None:
            try:
                del raw.write
            except AttributeError:
                pass
    if not inner.closed:  # not a stack we know: close it anyway, data and all
        try:
            inner.close()
        except Exception:
            pass


class _FileProxy:
    """Wraps a file object so its writes, flushes and closes are seen by the active hooks."""

    def __init__(self, inner, name, newline=None):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_newline", newline)

    def write(self, data):
        inner = self._inner
        if _active():
            raw = isinstance(inner, io.RawIOBase)
            data, limit = _pre("write", (self._name,), ("write", self._name, 0), self, data,
                               partial=raw)
            if limit is not None:
                return inner.write(_limited(data, limit))
        return inner.write(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        inner = self._inner
        if _active() and not inner.closed:
            _pre("flush", (self._name,), ("flush", self._name))
        return inner.flush()

    def close(self):
        inner = self._inner
        if _active() and not inner.closed:
            try:
                if not isinstance(inner, io.RawIOBase):
                    _pre("flush", (self._name,))  # close() flushes first
                _pre("close", (self._name,), ("close", self._name))
            except BaseException as error:
                _close_dropping(inner, error)
                raise
        return inner.close()

    def __enter__(self):
        self._inner.__enter__()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __iter__(self):
        return iter(self._inner)

    def __next__(self):
        return next(self._inner)

    def __repr__(self):
        return repr(self._inner)

    def __getattr__(self, attr):
        return getattr(self._inner, attr)

    def __setattr__(self, attr, value):
        setattr(self._inner, attr, value)


def _open_wrapper(real):
    def open(file, mode="r", *args, **kwargs):
        if not _active():
            return real(file, mode, *args, **kwargs)
        writing = _is_write_mode(mode)
        opener = kwargs.get("opener", args[5] if len(args) > 5 else None)
        by_fd = isinstance(file, int)
        with _quiet:
            if writing and not by_fd:
                _check_blocked(file)
            name = _name_of(file)
            _fifo_check(file, os.O_RDONLY if not writing else os.O_WRONLY)
        _pre("open", (name,))
        tid = _get_ident()
        _IN_OPEN[tid] = _IN_OPEN.get(tid, 0) + 1
        try:
            inner = real(file, mode, *args, **kwargs)
        finally:
            if _IN_OPEN[tid] == 1:
                del _IN_OPEN[tid]
            else:
                _IN_OPEN[tid] -= 1
        if by_fd or opener is not None:
            with _quiet:
                name = _name_of(inner.fileno())
        _pre("opened", (name,), ("open", name, mode))
        if writing:
            newline = kwargs.get("newline", args[3] if len(args) > 3 else None)
            return _FileProxy(inner, name, newline)
        return inner

    open.__doc__ = real.__doc__
    return open


def _os_write_wrapper(real):
    def write(fd, data, *args, **kwargs):
        if _active():
            with _quiet:
                name = _name_of(fd)
            data, limit = _pre("os.write", (name,), ("write", name, 0), fd, data, partial=True)
            data = _limited(data, limit)
        return real(fd, data, *args, **kwargs)

    return write


def _os_read_wrapper(real):
    def read(fd, n, *args, **kwargs):
        if _active():
            interrupted = False
            with _quiet:
                name = _name_of(fd)
                for hooks in tuple(_STACK):
                    if hooks.eintr is not None and hooks.eintr.arrives("read", (name,)):
                        interrupted = True
            if interrupted and n > 1:
                n = n // 2
        return real(fd, n, *args, **kwargs)

    return read


def _fsync_wrapper(real):
    def fsync(fd, *args, **kwargs):
        if _active():
            with _quiet:
                name = _name_of(fd)
            _pre("fsync", (name,), ("fsync", name))
        return real(fd, *args, **kwargs)

    return fsync


def _rename_wrapper(real, label):
    def rename(src, dst, *args, **kwargs):
        if _active():
            with _quiet:
                _check_blocked(dst)
                _check_blocked(src)
                names = (_name_of(src), _name_of(dst))
            _pre(label, names, (label, names[0], names[1]))
        return real(src, dst, *args, **kwargs)

    return rename


def _path_op_wrapper(real, label):
    def wrapper(path, *args, **kwargs):
        if _active():
            with _quiet:
                _check_blocked(path)
                name = _name_of(path)
            _pre(label, (name,))
        return real(path, *args, **kwargs)

    return wrapper


def _os_open_wrapper(real):
    def open(path, flags, *args, **kwargs):
        if _active():
            with _quiet:
                if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                    _check_blocked(path)
                name = _name_of(path)
                _fifo_check(path, flags)
            if not _IN_OPEN.get(_get_ident()):  # an opener's os.open: io.open counted it
                _pre("open", (name,))
        return real(path, flags, *args, **kwargs)

    return open


# Listings and checks (shuffled_listing, between_check_and_use).


def _fnv(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def _scrambled(items, name_of, seed, avoid):
    """items in an order fixed by the seed, that is neither sorted by name nor any of `avoid`
    (the order the system gave, the creation order) when there is such an order."""
    if len(items) < 2:
        return list(items)
    prefix = b"%d\0" % seed
    keyed = []
    for item in items:
        name = name_of(item)
        keyed.append((_fnv(prefix + (os.fsencode(name) if isinstance(name, str) else name)),
                      name, item))
    keyed.sort(key=lambda k: (k[0], k[1]))
    order = [k[2] for k in keyed]
    names = [name_of(item) for item in order]
    forbidden = [sorted(names)] + [[name_of(item) for item in seq] for seq in avoid]
    for shift in range(len(order)):
        candidate = order[shift:] + order[:shift]
        if [name_of(item) for item in candidate] not in forbidden:
            return candidate
    for shift in range(len(order)):  # two entries: at least not sorted
        candidate = order[shift:] + order[:shift]
        if [name_of(item) for item in candidate] != forbidden[0]:
            return candidate
    return order


def _shuffle_seed():
    seed = None
    for hooks in _STACK:
        if hooks.shuffle_seed is not None:
            seed = hooks.shuffle_seed
    return seed


class _Listing:
    """What os.scandir returns under shuffled_listing: the same DirEntry objects, reordered;
    an iterator and a context manager, like the real one."""

    def __init__(self, entries):
        self._entries = entries
        self._index = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._index >= len(self._entries):
            raise StopIteration
        self._index += 1
        return self._entries[self._index - 1]

    def close(self):
        self._index = len(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _entry_name(entry):
    return entry.name


def _entry_inode(entries):
    try:
        return sorted(entries, key=lambda e: e.inode())
    except OSError:
        return list(entries)


def _listdir_shuffler(real):
    def listdir(*args, **kwargs):
        names = real(*args, **kwargs)
        if not _active():
            return names
        seed = _shuffle_seed()
        if seed is None:
            return names
        with _quiet:
            avoid = [list(names)]
            base = args[0] if args else kwargs.get("path", ".")
            if not isinstance(base, int) and len(names) <= 256:
                try:
                    base = os.fspath(base)
                    inodes = {name: _real_lstat(os.path.join(base, name)).st_ino
                              for name in names}
                    avoid.append(sorted(names, key=lambda n: inodes[n]))
                except (OSError, TypeError, ValueError):
                    pass
            return _scrambled(names, lambda n: n, seed, avoid)

    return listdir


def _scandir_shuffler(real):
    def scandir(*args, **kwargs):
        found = real(*args, **kwargs)
        if not _active():
            return found
        seed = _shuffle_seed()
        racing = any(h.check_race is not None and not h.check_race.fired for h in _STACK)
        if seed is None and not racing:
            return found
        with found:  # read now: under between_check_and_use this is the check's answer
            entries = list(found)
        if seed is None:
            return _Listing(entries)
        with _quiet:
            return _Listing(_scrambled(entries, _entry_name, seed,
                                       [entries, _entry_inode(entries)]))

    return scandir


def _check_wrapper(real, label):
    """Wrap one existence/permission check; the outermost check of a call chain runs the
    action of between_check_and_use once it returns (or raises)."""

    def check(*args, **kwargs):
        if not _active():
            return real(*args, **kwargs)
        tid = _get_ident()
        state = _CHECK_DEPTH.get(tid)
        outermost = state is None
        if outermost:
            state = _CHECK_DEPTH[tid] = [None, None]
        if state[0] is None:
            path = args[0] if args else kwargs.get("path", ".")
            with _quiet:
                for hooks in tuple(_STACK):
                    race = hooks.check_race
                    if race is not None and race.wants(label, path):
                        state[0], state[1] = label, path
                        break
        try:
            return real(*args, **kwargs)
        finally:
            if outermost:
                del _CHECK_DEPTH[tid]
                if state[0] is not None:
                    for hooks in tuple(_STACK):
                        if hooks.check_race is not None:
                            hooks.check_race.after_check(state[0], state[1])

    check.__name__ = getattr(real, "__name__", label)
    check.__doc__ = getattr(real, "__doc__", None)
    return check


def _fifo_check(path, flags):
    """no_blocking_opens(): opening a FIFO without O_NONBLOCK fails instead of hanging."""
    guards = [hooks.fifo_guard for hooks in _STACK if hooks.fifo_guard is not None]
    if not guards or isinstance(path, int) or flags & getattr(os, "O_NONBLOCK", 0):
        return
    try:
        import stat

        if not stat.S_ISFIFO(_real_stat(path).st_mode):
            return
    except (OSError, TypeError, ValueError):
        return
    name = _name_of(path)
    for opened in guards:
        opened.append(name)
    raise AssertionError(
        "your code opened %r, a FIFO (named pipe): open() on a FIFO waits until another "
        "process opens its other end, so the program would hang here. Skip entries that are "
        "not regular files: os.path.isfile(path), entry.is_file() or Path.is_file()" % name)


# The patches, in groups: a helper installs the groups it needs; the last one out puts the
# originals back.

_MISSING = object()
_GROUPS = {}  # group -> [users, [(owner, attr, saved value)...]]


def _patches(group):
    import _io
    import glob  # noqa: F401  (imported first: it binds os.scandir at import in 3.13)
    import pathlib
    import posixpath  # noqa: F401
    import tempfile  # noqa: F401  (imported first so it binds the real functions it needs)

    accessor = getattr(pathlib, "_NormalAccessor", None)  # 3.10: Path calls through it
    globber = getattr(glob, "_StringGlobber", None)  # 3.13: Path.glob calls through it
    out = []
    if group == "files":
        opener = _open_wrapper(builtins.open)
        out += [(builtins, "open", opener), (io, "open", opener), (_io, "open", opener)]
        out.append((os, "write", _os_write_wrapper(os.write)))
        out.append((os, "fsync", _fsync_wrapper(os.fsync)))
        if hasattr(os, "fdatasync"):
            out.append((os, "fdatasync", _fsync_wrapper(os.fdatasync)))
        out.append((os, "replace", _rename_wrapper(os.replace, "replace")))
        out.append((os, "rename", _rename_wrapper(os.rename, "rename")))
        out.append((os, "mkdir", _path_op_wrapper(os.mkdir, "mkdir")))
        out.append((os, "remove", _path_op_wrapper(os.remove, "unlink")))
        out.append((os, "unlink", _path_op_wrapper(os.unlink, "unlink")))
        out.append((os, "open", _os_open_wrapper(os.open)))
        if accessor is not None:
            for attr, owner_attr in (("open", (io, "open")), ("rename", (os, "rename")),
                                     ("replace", (os, "replace")), ("mkdir", (os, "mkdir")),
                                     ("unlink", (os, "unlink"))):
                out.append((accessor, attr, _Late(owner_attr)))
    elif group == "read":
        out.append((os, "read", _os_read_wrapper(os.read)))
    elif group == "listing":
        listdir = _check_wrapper(_listdir_shuffler(os.listdir), "os.listdir")
        scandir = _check_wrapper(_scandir_shuffler(os.scandir), "os.scandir")
        out += [(os, "listdir", listdir), (os, "scandir", scandir)]
        if accessor is not None:
            out += [(accessor, "listdir", staticmethod(listdir)),
                    (accessor, "scandir", staticmethod(scandir))]
        if globber is not None and "scandir" in vars(globber):
            out.append((globber, "scandir", staticmethod(scandir)))
    elif group == "checks":
        stat_ = _check_wrapper(os.stat, "os.stat")
        lstat = _check_wrapper(os.lstat, "os.lstat")
        out += [(os, "stat", stat_), (os, "lstat", lstat),
                (os, "access", _check_wrapper(os.access, "os.access"))]
        for attr in ("exists", "isfile", "isdir", "lexists", "islink"):
            out.append((os.path, attr, _check_wrapper(getattr(os.path, attr), "os.path." + attr)))
        for attr in ("exists", "is_file", "is_dir", "is_symlink", "stat", "lstat"):
            out.append((pathlib.Path, attr,
                        _check_wrapper(getattr(pathlib.Path, attr), "Path." + attr)))
        if accessor is not None:
            out.append((accessor, "stat", staticmethod(stat_)))
        if globber is not None and "lstat" in vars(globber):
            out.append((globber, "lstat", staticmethod(lstat)))
    return out


class _Late:
    """Stands for 'the wrapper just installed at (owner, attr)' in a patch list."""

    def __init__(self, owner_attr):
        self.owner_attr = owner_attr


def _install(*groups):
    for group in groups:
        entry = _GROUPS.get(group)
        if entry is not None:
            entry[0] += 1
            continue
        saved = []
        for owner, attr, value in _patches(group):
            if isinstance(value, _Late):
                value = staticmethod(getattr(*value.owner_attr))
            if isinstance(owner, type):
                saved.append((owner, attr, owner.__dict__.get(attr, _MISSING)))
            else:
                saved.append((owner, attr, getattr(owner, attr)))
            setattr(owner, attr, value)
        _GROUPS[group] = [1, saved]


def _uninstall(*groups):
    for group in reversed(groups):
        entry = _GROUPS[group]
        entry[0] -= 1
        if entry[0]:
            continue
        del _GROUPS[group]
        for owner, attr, value in reversed(entry[1]):
            if value is _MISSING:
                delattr(owner, attr)
            else:
                setattr(owner, attr, value)


class _Patched:
    """Make `hooks` active and route the file API (the given groups) through the wrappers."""

    def __init__(self, hooks, *groups):
        self.hooks = hooks
        self.groups = groups or ("files",)

    def __enter__(self):
        _install(*self.groups)
        _STACK.append(self.hooks)
        return self.hooks

    def __exit__(self, *exc):
        try:
            _STACK.remove(self.hooks)
        except ValueError:
            pass
        _uninstall(*self.groups)
        return False


def _patched(hooks, *groups):
    return _Patched(hooks, *groups)


# ---------------------------------------------------------------------------------------------
# Faults where they really happen.


class IORecord:
    """The file operations seen inside `record_io()`, in order.

    Each event is a tuple: ("open", path, mode), ("write", path, nbytes), ("flush", path),
    ("fsync", path), ("replace", src, dst), ("rename", src, dst), ("close", path).
    nbytes counts characters for a text file. Files opened by descriptor (os.fdopen,
    tempfile) are named by their path.
    """

    def __init__(self, events):
        self.events = events

    def kinds(self):
        """The kinds of the events, in order: ["open", "write", "close", ...]."""
        return [event[0] for event in self.events]

    def first(self, kind):
        """Index of the first event of this kind, or None."""
        for index, event in enumerate(self.events):
            if event[0] == kind:
                return index
        return None

    def last(self, kind):
        """Index of the last event of this kind, or None."""
        found = None
        for index, event in enumerate(self.events):
            if event[0] == kind:
                found = index
        return found

    def paths(self, kind):
        """The path of each event of this kind (the source, for a rename)."""
        return [event[1] for event in self.events if event[0] == kind]


@_contextmanager
def record_io():
    """Record open/write/flush/fsync/replace/rename/close calls made in the block."""
    hooks = _Hooks()
    with _patched(hooks):
        yield IORecord(hooks.events)


@_contextmanager
def failing_writes(error=_errno.ENOSPC, after_bytes=0):
    """Every write after the first `after_bytes` bytes raises OSError(error), like a full disk.

    Counts file-object writes (characters for text files) and os.write calls.
    """
    hooks = _Hooks()
    written = [0]

    def on_write(target, data):
        size = _nbytes(data)
        if written[0] + size > after_bytes:
            raise OSError(error, os.strerror(error))
        written[0] += size
        return data

    hooks.on_write = on_write
    with _patched(hooks):
        yield hooks


@_contextmanager
def read_only(path):
    """Make a directory read-only for the block: mode 0o555 on disk, and, because root ignores
    modes, every create/write/rename/delete under it raises PermissionError while the block runs.
    """
    path = os.path.abspath(os.fspath(path))
    mode = os.stat(path).st_mode
    os.chmod(path, 0o555)
    hooks = _Hooks()
    hooks.blocked_dirs.append(path)
    try:
        with _patched(hooks):
            yield path
    finally:
        os.chmod(path, mode & 0o7777)


class FaultRecord:
    """What fail_at() saw: .calls (matching calls made), .fired (did the fault fire),
    .errors (the exceptions raised, in order)."""

    def __init__(self, op, error, nth, once, path):
        self.op, self.error, self.nth, self.once, self.path = op, error, nth, once, path
        self.calls = 0
        self.fired = False
        self.errors = []

    def __repr__(self):
        return "FaultRecord(op=%r, calls=%d, fired=%r)" % (self.op, self.calls, self.fired)

    def _before(self, op, names):
        if not _op_matches(self.op, op):
            return
        if self.path is not None and not _path_matches(self.path, names):
            return
        self.calls += 1
        if self.calls < self.nth or (self.once and self.calls > self.nth):
            return
        self.fired = True
        error = _make_error(self.error, op, names)
        self.errors.append(error)
        raise error


def _make_error(error, op, names):
    if isinstance(error, BaseException):
        return error
    if isinstance(error, type) and issubclass(error, BaseException):
        return error()
    code = int(error)
    if op in _RENAMES and len(names) == 2:
        return OSError(code, os.strerror(code), names[0], None, names[1])
    if op in ("open", "mkdir", "unlink") and names and not names[0].startswith("fd "):
        return OSError(code, os.strerror(code), names[0])
    return OSError(code, os.strerror(code))


@_contextmanager
def fail_at(op, error=_errno.EIO, *, nth=1, once=False, path=None):
    """The nth matching call of `op` raises OSError(error, os.strerror(error)), and every later
    one too unless once=True. Yields a FaultRecord (.calls, .fired).

    op: "open" (open(), io.open, Path.open, os.fdopen, tempfile's files, os.open),
    "write" (file-object write() and os.write), "os.write" (os.write only), "flush"
    (flush(), and the flush close() makes, so `with open(p, "w") as f: f.write(x)` meets it
    when the block ends), "close" (close() of a file opened for writing), "fsync" (os.fsync,
    os.fdatasync, on files or directories), "replace" / "rename" (both count os.replace,
    os.rename, Path.replace, Path.rename, shutil.move), "unlink" (os.unlink, os.remove,
    Path.unlink), "mkdir" (os.mkdir, os.makedirs, Path.mkdir, tempfile.mkdtemp).
    path: count only calls on this path (a full path, a basename or any part of a path;
    either side of a rename). error: an errno (EIO, ENOSPC, EFBIG, EXDEV, EISDIR, EACCES...)
    or an exception to raise. A flush or close that fails still closes the file: its
    descriptor is released and the buffered data is lost, as when CPython's flush-at-close
    fails on a full disk.
    """
    _check_op(op)
    if nth < 1:
        raise ValueError("nth counts from 1")
    record = FaultRecord(op, error, nth, once, path)
    hooks = _Hooks()
    hooks.before = record._before
    with _patched(hooks):
        yield record


class ShortWrites:
    """What short_writes() saw: .calls is how many writes were cut short."""

    def __init__(self, counter):
        self._counter = counter

    @property
    def calls(self):
        return self._counter[0]


@_contextmanager
def short_writes(limit=1):
    """os.write, and write() on unbuffered binary files (open(p, "wb", buffering=0)), write
    at most `limit` bytes per call and return that count: a real short write. Code that calls
    os.write once and assumes every byte went loses the rest; a loop does not. Buffered and
    text files still write everything (their buffered layer loops until all is written).
    Yields a record whose .calls counts the writes that were cut short.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1 byte")
    hooks = _Hooks()
    hooks.short_limit = limit
    hooks.short_calls = [0]
    with _patched(hooks):
        yield ShortWrites(hooks.short_calls)


class _Interrupts:
    """What eintr() saw: .calls (matching calls), .fired, .signals (handler runs)."""

    def __init__(self, op, nth, once, path, signum):
        self.op, self.nth, self.once, self.path = op, nth, once, path
        self.signum = signum
        self.calls = 0
        self.fired = False
        self.signals = 0
        self._main = _get_ident()

    def arrives(self, op, names):
        if not (_op_matches(self.op, op) or (self.op == op)):
            return False
        if self.path is not None and not _path_matches(self.path, names):
            return False
        self.calls += 1
        if self.calls < self.nth or (self.once and self.calls > self.nth):
            return False
        self.fired = True
        import signal

        before = self.signals
        signal.raise_signal(self.signum)
        if _get_ident() == self._main:
            for _ in range(100000):  # the handler runs at the next bytecode check
                if self.signals > before:
                    break
        return True

    def _handler(self, signum, frame):
        self.signals += 1


@_contextmanager
def eintr(op="write", *, nth=1, once=True, path=None):
    """A signal arrives during the nth matching call (and every later one with once=False):
    the kit's handler runs, and the call goes on as the kernel and Python (PEP 475) make it.

    op="write" / "os.write": os.write and unbuffered binary files; the signal lands after part
    of the data went, so the call returns a short count (half the bytes): code must write the
    rest, not treat it as an error or as done. Buffered and text files still write everything.
    op="read": os.read returns at most half the bytes asked for. Any other op of fail_at()
    ("open", "fsync", "replace"...): the call is retried by Python and succeeds.
    Must be entered from the main thread (Python runs signal handlers there). Yields a record
    with .calls, .fired and .signals (how many times the handler ran).
    """
    import signal

    _check_op(op, OPS + ("read",))
    signum = signal.SIGWINCH  # ignored by default: harmless if one arrives late
    record = _Interrupts(op, nth, once, path, signum)
    previous = signal.signal(signum, record._handler)
    hooks = _Hooks()
    hooks.eintr = record
    try:
        with _patched(hooks, "files", "read"):
            yield record
    finally:
        signal.signal(signum, previous)


class ChildOutcome:
    """How a function run by `run_killed` ended."""

    def __init__(self, killed, returned=None, error=None, events=()):
        self.killed = killed  # True if the planned kill happened
        self.returned = returned  # the return value when it finished
        self.error = error  # "Type: message" when it raised
        self.events = list(events)  # the file operations seen before the end

    def __repr__(self):
        return "ChildOutcome(killed=%r, returned=%r, error=%r)" % (
            self.killed, self.returned, self.error)


def run_killed(fn, *args, at=None, nth=1, after_bytes=None, timeout=10, **kwargs):
    """Run fn(*args, **kwargs) in a forked child and SIGKILL it at a chosen point.

    at=OP: just before the nth call of OP, any operation of fail_at(): "replace" (the default
    use: just before the child renames anything: os.replace, os.rename, Path.replace,
    shutil.move), "fsync", "flush" (buffered data never reaches the file), "close", "write",
    "open", "mkdir", "unlink", "os.write".
    after_bytes=N: once N bytes have been written; the write that crosses N is cut at N and
    flushed to the file first, so a non-atomic writer leaves a torn file, as a crash would.
    Any data works: bytes, bytearray, memoryview (any format) and str (counted in the bytes
    the file gets). With neither, fn simply runs in the child. Returns a ChildOutcome.
    """
    import pickle
    import signal

    if at is not None:
        _check_op(at)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the harness
        try:
            os.close(read_end)
            _child_main(write_end, fn, args, kwargs, at, nth, after_bytes)
        finally:
            os._exit(0)
    os.close(write_end)
    payload, status = _collect(read_end, pid, timeout)
    report = {}
    if payload:
        try:
            report = pickle.loads(payload)
        except Exception:
            report = {}
    events = report.get("events", [])
    returned = report.get("returned")
    error = report.get("error")
    if status is None:
        error = error or "TimeoutError: still running after %s s" % timeout
        killed = False
    else:
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL \
            and report.get("planned", False)
    return ChildOutcome(killed, returned, error, events)


def _collect(read_end, pid, timeout):
    """Read a child's report from `read_end` and reap it; (payload, status), status None if
    it ran past `timeout` (then it is killed)."""
    import select
    import signal
    import time

    deadline = time.monotonic() + timeout
    chunks = []
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            chunk = _real_read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
    if timed_out:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
        return b"".join(chunks), None
    _, status = _wait_with_timeout(pid, max(0.5, deadline - time.monotonic()))
    return b"".join(chunks), status


def _wait_with_timeout(pid, timeout):
    import signal
    import time

    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return done, status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)
        time.sleep(0.002)


def _send_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[_real_write(fd, view):]


def _encoded(target, data):
    """The bytes a write of `data` to `target` (a _FileProxy or an fd) puts in the file."""
    if isinstance(data, str):
        inner = getattr(target, "_inner", None)
        newline = getattr(target, "_newline", None)
        if newline not in (None, "", "\n"):
            data = data.replace("\n", newline)
        elif newline is None and os.linesep != "\n":
            data = data.replace("\n", os.linesep)
        encoding = getattr(inner, "encoding", None) or "utf-8"
        return data.encode(encoding, getattr(inner, "errors", None) or "strict")
    view = _byte_view(data)
    return view if view is not None else bytes(data)


def _child_main(write_end, fn, args, kwargs, at, nth, after_bytes):
    import pickle
    import signal

    hooks = _Hooks()
    report = {"events": hooks.events}
    written = [0]
    seen = [0]

    def send_and_die():
        # The events so far reach the parent; then the child dies as a crash would.
        report["planned"] = True
        _send_all(write_end, pickle.dumps(report))
        os.kill(os.getpid(), signal.SIGKILL)

    if at is not None:
        def before(op, names):
            if not _op_matches(at, op):
                return
            seen[0] += 1
            if seen[0] != nth:
                return
            if op in _RENAMES:
                hooks.events.append(("killed", "before rename", names[-1]))
            else:
                hooks.events.append(("killed", "before " + op, names[0] if names else None))
            send_and_die()
        hooks.before = before

    if after_bytes is not None:
        def on_write(target, data):
            encoded = _encoded(target, data)
            room = after_bytes - written[0]
            if len(encoded) < room:
                written[0] += len(encoded)
                return data
            part = encoded[:max(room, 0)]
            if isinstance(target, int):
                _send_all(target, part)
            else:
                inner = target._inner
                if isinstance(inner, io.TextIOBase):
                    inner.flush()
                    inner.buffer.write(part)
                    inner.buffer.flush()
                elif isinstance(inner, io.RawIOBase):
                    view = memoryview(part)
                    while view:
                        view = view[inner.write(view) or 0:]
                else:
                    inner.write(part)
                    inner.flush()
            hooks.events.append(("killed", "after bytes", after_bytes))
            send_and_die()
        hooks.on_write = on_write

    try:
        with _patched(hooks):
            report["returned"] = fn(*args, **kwargs)
    except BaseException as exc:
        report["error"] = "%s: %s" % (type(exc).__name__, exc)
        report.pop("returned", None)
    try:
        data = pickle.dumps(report)
    except Exception:
        report["returned"] = repr(report.get("returned"))
        data = pickle.dumps(report)
    _send_all(write_end, data)
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# Data that breaks naive code.

TEXT_CASES = {
    "empty": "",
    "one_line_no_newline": "a single line and no newline at the end",
    "no_final_newline": "first line\nsecond line\nthe last line has no newline",
    "blank_lines": "\nafter a blank first line\n\n\ntwo blank lines above\n\n",
    "trailing_spaces": "name = Ada   \nrole = engineer\t\n  indented line  \n \nend\n",
    "crlf": "first line\r\nsecond line\r\nthird line\r\n",
    "mixed_newlines": "unix line\nwindows line\r\nold mac line\rlast line\n",
    "u2028": ("one\u2028line with a line separator\nanother\u2029with a paragraph separator\n"
              "form\x0cfeed\nfile\x1cseparator\nnext\x85line and vertical\x0btab\n"),
    "separator_in_value": ("url=https://example.com/search?q=a=b&lang=en\n"
                           "formula = x=y+1\ntime=12:30:45\nlist=red,green,blue\n"
                           "empty=\nnote=a: b, c=d\n"),
    "bom": "\ufeffname,city\nAda,London\nGrace,New York\n",
    "tabs": "col1\tcol2\tcol3\n\tleading tab\nmiddle\t\ttwo tabs\ntrailing tab\t\n",
    "unicode": ("caf\u00e9 na\u00efve Z\u00fcrich \u00c5ngstr\u00f6m\n"
                "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \u0440\u0443\u0441\u0441"
                "\u043a\u0438\u0439 \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac\n"
                "emoji \U0001F389\U0001F44D\U0001F3FD flag \U0001F1EB\U0001F1F7\n"
                "combining e\u0301 (e + accent) is not \u00e9 (one code point)\n"),
}
"""Texts that break naive code, by name. Each is a str; kit.write_case writes one exactly:

empty, one_line_no_newline, no_final_newline, blank_lines (first, consecutive and last
lines blank), trailing_spaces (spaces and tabs before the newline, a line of one space),
crlf, mixed_newlines (\\n, \\r\\n and a lone \\r), u2028 (U+2028, U+2029, \\x0c, \\x1c, \\x85
and \\x0b inside lines: str.splitlines() splits there, reading a file by lines does not),
separator_in_value (key=value lines whose values hold '=', ':' and ','; an empty value),
bom (starts with U+FEFF), tabs, unicode (accents, CJK, Cyrillic, Greek, emoji with a skin
tone, a flag, and a combining accent).
"""

_FILL = "the quick brown fox jumps over the lazy dog: caf\u00e9, na\u00efve, 5 \u20ac. "
_STRADDLERS = "\u00e9\u20ac\U0001F600\u0436\u65e5\u00fc"


def straddling_text(chunk_size, chunks=4, encoding="utf-8", newline=None):
    """A text of about `chunks` * `chunk_size` encoded bytes, in lines, whose bytes in
    `encoding` have a multi-byte character split across every chunk_size boundary (so code
    that decodes each chunk on its own fails). newline="\\r\\n": all lines end with \\r\\n and a
    \\r\\n is split across every boundary instead (\\r at the end of one chunk, \\n at the start
    of the next). Offsets count from the file's first byte (a BOM included).
    """
    base = len("".encode(encoding))
    widths = {}

    def width(text):
        found = widths.get(text)
        if found is None:
            found = widths[text] = len(text.encode(encoding)) - base
        return found

    def encodable(ch):
        try:
            ch.encode(encoding)
            return True
        except UnicodeEncodeError:
            return False

    if newline not in (None, "\n", "\r\n"):
        raise ValueError("newline must be None, '\\n' or '\\r\\n'")
    eol = "\r\n" if newline == "\r\n" else "\n"
    if eol == "\r\n":
        straddlers = ["\r\n"]
    else:
        straddlers = [ch for ch in _STRADDLERS if encodable(ch) and width(ch) > 1]
        if not straddlers:
            raise ValueError("no character takes more than one byte in %s" % encoding)
    fill = [ch for ch in _FILL if encodable(ch)]
    narrow = "x"
    widest = max(width(s) for s in straddlers)
    out = []
    pos = base
    column = 0
    k = 0
    boundaries = [chunk_size * i for i in range(1, chunks)]
    for index, boundary in enumerate(boundaries):
        following = boundaries[index + 1] if index + 1 < len(boundaries) else None

        def fits(s):
            if following is not None and pos + width(s) >= following:
                return False  # it would leave no room to split the next boundary
            if s == "\r\n":
                return pos + width("\r") == boundary
            return pos < boundary < pos + width(s)

        def latest_start(s):
            return boundary - width("\r") if s == "\r\n" else boundary - 1

        preferred = straddlers[index % len(straddlers)]
        while True:
            near = pos + 4 * widest + 8 > boundary
            if near:  # close enough for a straddler to fit: step one narrow char at a time
                if fits(preferred):
                    choice = preferred
                else:
                    others = [s for s in straddlers if fits(s)]
                    can_wait = pos + width(narrow) <= latest_start(preferred)
                    choice = others[0] if others and not can_wait else None
                if choice is not None:
                    out.append(choice)
                    pos += width(choice)
                    column = 0 if choice == "\r\n" else column + 1
                    break
                if pos >= boundary:
                    raise ValueError("cannot split a character across offset %d in %s with "
                                     "chunk_size=%d" % (boundary, encoding, chunk_size))
                ch = narrow
                column += 1
            elif column >= 60:
                ch = eol
                column = 0
            else:
                ch = fill[k % len(fill)]
                k += 1
                column += 1
            out.append(ch)
            pos += width(ch)
    end = chunk_size * max(chunks, 1)
    while pos + width(eol) + width(narrow) <= end:
        if column >= 60:
            out.append(eol)
            pos += width(eol)
            column = 0
            continue
        ch = fill[k % len(fill)]
        if pos + width(ch) + width(eol) > end:
            ch = narrow
        k += 1
        out.append(ch)
        pos += width(ch)
        column += 1
    out.append(eol)
    return "".join(out)


def write_case(path, name, encoding="utf-8", newline=""):
    """Write TEXT_CASES[name] to path byte-exactly (newline="": no newline translation);
    returns the path as a pathlib.Path."""
    import pathlib

    text = TEXT_CASES[name]
    with _real_io_open(path, "w", encoding=encoding, newline=newline) as f:
        f.write(text)
    return pathlib.Path(path)


# ---------------------------------------------------------------------------------------------
# File systems as they are.


class Symlink:
    """In a make_tree spec: a symbolic link to `target` (relative to the link's folder, or
    absolute; it need not exist)."""

    def __init__(self, target):
        self.target = os.fspath(target)

    def __repr__(self):
        return "Symlink(%r)" % self.target


class FIFO:
    """In a make_tree spec: a named pipe ({"pipe": kit.FIFO}). open() on it blocks until
    another process opens the other end: code that opens every entry hangs there."""


def make_tree(root, spec):
    """Build a tree under root (created if missing) from a dict and return root as a Path:
    str value: a text file (written as UTF-8, byte-exactly); bytes: a binary file; dict: a
    folder ({} is an empty one); kit.Symlink(target): a symlink; kit.FIFO: a named pipe.
    Entries are made in the dict's order; nothing is ever opened for reading.
    """
    import pathlib

    root = pathlib.Path(root)
    with _quiet:  # made by the test, not by the code under test
        os.makedirs(root, exist_ok=True)
        _make_entries(root, spec)
    return root


def _make_entries(root, spec):
    for name, value in spec.items():
        path = os.path.join(root, name)
        if isinstance(value, dict):
            os.mkdir(path)
            _make_entries(path, value)
        elif isinstance(value, str):
            with _real_io_open(path, "w", encoding="utf-8", newline="") as f:
                f.write(value)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            with _real_io_open(path, "wb") as f:
                f.write(value)
        elif isinstance(value, Symlink):
            os.symlink(value.target, path)
        elif value is FIFO or isinstance(value, FIFO):
            os.mkfifo(path)
        else:
            raise TypeError("make_tree: %r: use str, bytes, dict, kit.Symlink(...) or kit.FIFO"
                            % (value,))


AWKWARD_TREE = {
    "notes.txt": "an ordinary file\n",
    ".hidden": "a dotfile\n",
    ".git": {"HEAD": "ref: refs/heads/main\n", "config": "[core]\n\tbare = false\n"},
    "name with spaces.txt": "spaces in the name\n",
    "[x].txt": "brackets: glob syntax in a name\n",
    "caf\u00e9.txt": "an accented name\n",
    "a\\b.txt": "a backslash in the name\n",
    "Readme.md": "one of two case twins\n",
    "README.md": "the other case twin\n",
    "empty.txt": "",
    "empty_dir": {},
    "sub": {"nested.txt": "one level down\n", ".hidden_too": "a dotfile in a folder\n"},
    "dangling": Symlink("missing.txt"),
    "link_to_sub": Symlink("sub"),
    "loop": Symlink("loop"),
    "pipe": FIFO,
}
"""The spec awkward_tree builds (see make_tree): "dangling" points nowhere, "link_to_sub" is
a symlink to the folder "sub", "loop" points to itself (following it raises ELOOP), "pipe" is
a FIFO. Regular files: notes.txt, .hidden, .git/HEAD, .git/config, name with spaces.txt,
[x].txt, café.txt, a\\b.txt, Readme.md, README.md, empty.txt, sub/nested.txt,
sub/.hidden_too.
"""


def awkward_tree(root):
    """Build AWKWARD_TREE under root and return root as a Path: dotfiles (.hidden, .git/), a
    dangling symlink, a symlink to a folder, a symlink loop, a FIFO, names with spaces,
    brackets "[x].txt", unicode "café.txt", a backslash "a\\b.txt", case twins Readme.md and
    README.md, an empty file and an empty folder, beside an ordinary notes.txt.

    The FIFO "pipe": the kit never opens it, but open() on it blocks until another process
    opens the other end, so code under test that opens every entry hangs (the run times out).
    Wrap such a call in kit.no_blocking_opens() to fail with a message instead.
    """
    return make_tree(root, AWKWARD_TREE)


@_contextmanager
def no_blocking_opens():
    """Opening a FIFO (open(), io.open, Path.open, os.open without O_NONBLOCK) in the block
    raises AssertionError saying why instead of hanging; and the block fails at its end if one
    was opened, even if the code caught that error. Yields the list of FIFOs opened."""
    hooks = _Hooks()
    hooks.fifo_guard = []
    with _patched(hooks):
        yield hooks.fifo_guard
    if hooks.fifo_guard:
        raise AssertionError(
            "your code opened %r, a FIFO (named pipe), and would have hung there: open() on a "
            "FIFO waits for another process. Skip entries that are not regular files "
            "(os.path.isfile, entry.is_file(), Path.is_file())" % hooks.fifo_guard[0])


class ListingRecord:
    """What shuffled_listing() saw: .seed."""

    def __init__(self, seed):
        self.seed = seed


@_contextmanager
def shuffled_listing(seed=0):
    """Directory listings come back in an order fixed by `seed` that is not sorted by name,
    not the order the system gave, and not the creation (inode) order (with two entries: at
    least not sorted). Covers os.listdir, os.scandir (the same DirEntry objects; `with
    os.scandir(p) as it:` works), os.walk and os.fwalk, Path.iterdir, Path.glob/rglob and
    Path.walk, glob.glob/iglob, shutil.copytree/rmtree, on 3.10 to 3.13. Code that relies on
    the listing order (instead of sorting) gives another result here.
    """
    hooks = _Hooks()
    hooks.shuffle_seed = seed
    with _patched(hooks, "listing"):
        yield ListingRecord(seed)


@_contextmanager
def umask(mask):
    """Set the process umask for the block (e.g. 0o002, 0o077); the old one comes back at its
    end. Yields the previous mask."""
    previous = os.umask(mask)
    try:
        yield previous
    finally:
        os.umask(previous)


def via_symlink(path):
    """A pathlib.Path that reaches `path` through a symbolic link: a link to path's folder (to
    path itself if it is a folder), made beside that folder as ".via-symlink-N-<name>".
    For "the base folder is reached through a symlink" cases; it lives in the sandbox, which
    is thrown away after the run.
    """
    import pathlib

    with _quiet:  # made by the test, not by the code under test
        path = os.path.abspath(os.fspath(path))
        if os.path.isdir(path) and not os.path.islink(path):
            target, rest = path, None
        else:
            target, rest = os.path.dirname(path), os.path.basename(path)
        parent = os.path.dirname(target)
        n = 0
        while True:
            link = os.path.join(parent, ".via-symlink-%d-%s" % (n, os.path.basename(target)))
            try:
                os.symlink(target, link)
                break
            except FileExistsError:
                n += 1
    return pathlib.Path(link) if rest is None else pathlib.Path(link, rest)


def set_mtimes(paths, when=1600000000, follow_symlinks=True):
    """Give every path the very same modification (and access) time, for tests about ties:
    `when` in seconds since the epoch (an int gives an exact tie) or a datetime. Returns the
    time set, in seconds."""
    if hasattr(when, "timestamp"):
        when = when.timestamp()
    if isinstance(when, int):
        ns = when * 1000000000
    else:
        ns = round(when * 1e9)
    for path in paths:
        os.utime(path, ns=(ns, ns), follow_symlinks=follow_symlinks)
    return ns / 1e9


# ---------------------------------------------------------------------------------------------
# Concurrency.


class CheckRecord:
    """What between_check_and_use() saw: .fired, .check (the check it ran after, e.g.
    "os.path.exists"), .path (what was checked), .calls (checks seen)."""

    def __init__(self, action, ops, path):
        self.action, self.ops, self.path_filter = action, ops, path
        self.fired = False
        self.check = None
        self.path = None
        self.calls = 0

    def __repr__(self):
        return "CheckRecord(fired=%r, check=%r, path=%r)" % (self.fired, self.check, self.path)

    def wants(self, label, path):
        if self.fired:
            return False
        if self.ops is not None and not any(
                label == op or label.endswith("." + op) for op in self.ops):
            return False
        if self.path_filter is not None:
            try:
                if isinstance(path, int) or not _path_matches(self.path_filter, (
                        _name_of(path),)):
                    return False
            except (TypeError, ValueError):
                return False
        return True

    def after_check(self, label, path):
        self.calls += 1
        if self.fired:
            return
        self.fired = True
        self.check = label
        try:
            self.path = _name_of(path) if not isinstance(path, int) else path
        except (TypeError, ValueError):
            self.path = path
        with _quiet:
            self.action()


_CHECKS = ("os.stat", "os.lstat", "os.access", "os.path.exists", "os.path.isfile",
           "os.path.isdir", "os.path.lexists", "os.path.islink", "os.listdir", "os.scandir",
           "Path.exists", "Path.is_file", "Path.is_dir", "Path.is_symlink", "Path.stat",
           "Path.lstat")


@_contextmanager
def between_check_and_use(action, ops=None, path=None):
    """Right after the first existence/permission check in the block returns (or raises),
    action() runs once, e.g. to create the file the code just found missing: check-then-act
    code acts on a stale answer, at every layer, not only os.stat.

    Checks: os.stat, os.lstat, os.access, os.path.exists/isfile/isdir/lexists/islink,
    os.listdir, os.scandir, Path.exists/is_file/is_dir/is_symlink/stat/lstat (a check made
    inside another, like the os.stat inside os.path.exists, is part of it), on 3.10 to 3.13.
    ops: only these checks count (full names, or their last part: "exists" is
    os.path.exists and Path.exists). path: only checks of this path count (a full path, a
    basename or any part). The action runs with the kit's hooks off (it stands for another
    process). Yields a CheckRecord (.fired, .check, .path).
    """
    if ops is not None:
        ops = [ops] if isinstance(ops, str) else list(ops)
        for op in ops:
            if not any(op == name or name.endswith("." + op) for name in _CHECKS):
                raise ValueError("unknown check %r: use one of %s" % (op, ", ".join(_CHECKS)))
    record = CheckRecord(action, ops, path)
    hooks = _Hooks()
    hooks.check_race = record
    with _patched(hooks, "checks", "listing"):
        yield record


def _pickled_outcome(ok, value):
    import pickle

    try:
        return pickle.dumps((ok, value))
    except Exception as exc:
        if ok:
            return pickle.dumps((False, RuntimeError(
                "the result could not be sent back from the child process (%s): %s"
                % (exc, _safe_repr(value)))))
        return pickle.dumps((False, RuntimeError("%s: %s" % (type(value).__name__,
                                                             _safe_repr(value)))))


def _safe_repr(value):
    try:
        text = repr(value)
    except Exception:
        text = "<unprintable %s>" % type(value).__name__
    return text[:500]


def _forked_child(fn, args, kwargs, write_end, wait_end=None, close=()):
    """In a forked child: wait for the release (if any), run fn, send the pickled outcome,
    and end with os._exit: the child never returns into the harness, never prints."""
    try:
        for fd in close:
            try:
                os.close(fd)
            except OSError:
                pass
        if wait_end is not None:
            while _real_read(wait_end, 1):
                pass
        try:
            outcome = (True, fn(*args, **kwargs))
        except BaseException as exc:
            outcome = (False, exc)
        _send_all(write_end, _pickled_outcome(*outcome))
    except BaseException:
        pass
    finally:
        os._exit(0)


def _unpickled_outcome(payload, status):
    import pickle

    if payload:
        try:
            return pickle.loads(payload)
        except Exception as exc:
            return False, RuntimeError("the child's result could not be read back: %s" % exc)
    if status is None:
        how = "was still running at the deadline and was killed"
    elif os.WIFSIGNALED(status):
        how = "was killed by signal %d" % os.WTERMSIG(status)
    else:
        how = "exited with status %d (os._exit?)" % os.WEXITSTATUS(status)
    return False, ChildProcessError("the forked child %s before returning" % how)


def race(fn, *args, threads=2, processes=0, race_timeout=10, **kwargs):
    """Run fn(*args, **kwargs) in `threads` threads and `processes` forked processes at the
    same instant: all wait at a barrier (a threading.Barrier; the processes block on a pipe)
    and are released together. Returns the list of what each returned, or the exception it
    raised (as a value), threads first. A process's result comes back pickled; one that cannot
    be pickled comes back as a RuntimeError. A call still running after race_timeout seconds
    gives a TimeoutError (a process is killed).
    """
    import threading
    import time

    if threads < 0 or processes < 0 or threads + processes < 1:
        raise ValueError("race needs at least one thread or process")
    results = [None] * (threads + processes)
    children = []
    release_read = release_write = None
    if processes:
        release_read, release_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        for index in range(threads, threads + processes):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                _forked_child(fn, args, kwargs, write_end, release_read,
                              close=[release_write, read_end] + [c[2] for c in children])
            os.close(write_end)
            children.append((index, pid, read_end))
        os.close(release_read)
    barrier = threading.Barrier(threads + 1) if threads else None

    def worker(index):
        try:
            barrier.wait()
            results[index] = fn(*args, **kwargs)
        except BaseException as exc:
            results[index] = exc

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in workers:
        thread.start()
    if release_write is not None:
        os.close(release_write)  # every process reads EOF now
    if barrier is not None:
        barrier.wait()
    deadline = time.monotonic() + race_timeout
    for index, pid, read_end in children:
        payload, status = _collect(read_end, pid, max(0.1, deadline - time.monotonic()))
        ok, value = _unpickled_outcome(payload, status)
        if status is None:
            value = TimeoutError("still running after %s s" % race_timeout)
        results[index] = value
    for index, thread in enumerate(workers):
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            results[index] = TimeoutError("still running after %s s" % race_timeout)
    return results


def in_thread(fn, *args, **kwargs):
    """Run fn(*args, **kwargs) in a new thread and wait for it: returns its result, or raises
    the exception it raised (with its traceback). SystemExit and other exceptions that are not
    Exceptions come back as a ChildProcessError, so they cannot end the test run."""
    import threading

    outcome = []

    def target():
        try:
            outcome.append((True, fn(*args, **kwargs)))
        except BaseException as exc:
            outcome.append((False, exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if ok:
        return value
    _reraise(value, "thread")


def _reraise(exc, where):
    if isinstance(exc, Exception):
        raise exc
    # SystemExit, KeyboardInterrupt...: raised here they would end the whole test run.
    raise ChildProcessError("the %s ended with %s(%s)" % (
        where, type(exc).__name__, ", ".join(_safe_repr(a) for a in exc.args))) from exc


def after_fork(fn, *args, **kwargs):
    """Run fn(*args, **kwargs) in a forked child process and wait for it: returns its result
    (pickled back), or raises the exception it raised (SystemExit and the like come back as
    a ChildProcessError, as does a child that dies without returning). The child always ends
    with os._exit (it never returns into the tests) and prints nothing of the kit's."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _forked_child(fn, args, kwargs, write_end, close=[read_end])
    os.close(write_end)
    payload, status = _collect(read_end, pid, 60)
    ok, value = _unpickled_outcome(payload, status)
    if ok:
        return value
    _reraise(value, "forked child")


# ---------------------------------------------------------------------------------------------
# Measuring.


def peak_memory(fn, *args, **kwargs):
    """Run fn and return (result, peak bytes allocated by Python while it ran)."""
    import tracemalloc

    gc.collect()
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        result = fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not already:
            tracemalloc.stop()
    return result, peak


@_contextmanager
def no_leaked_files():
    """Fail if a file opened in the block is left open (garbage-collected unclosed)."""
    import warnings

    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    if leaks:
        raise AssertionError(
            "a file was left open (never closed): %s. Use `with open(...) as f:` so it is "
            "closed even when an exception is raised." % leaks[0].message)


def run_python(code, env=None, cwd=None, timeout=20, args=()):
    """Run `code` in a fresh interpreter with exactly the environment `env` (plus PATH).

    For example env={"LC_ALL": "C", "PYTHONUTF8": "0"} shows what a program does on a server
    whose locale is not UTF-8. Returns subprocess.CompletedProcess with text stdout/stderr.
    """
    import subprocess

    child_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                 "PYTHONDONTWRITEBYTECODE": "1"}
    if env:
        child_env.update(env)
    # Without site-packages when this interpreter has none (the runner's -S): the same
    # standard library, and a start several times quicker.
    site = ("-S",) if sys.flags.no_site else ()
    return subprocess.run([sys.executable, *site, *args, "-c", code], env=child_env, cwd=cwd,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          encoding="utf-8", errors="backslashreplace")


def in_c_locale(fn, *args, fresh=None):
    """Call fn(*args) as on a server or in a container where LC_ALL=C and UTF-8 mode is off:
    there the machine's encoding is ASCII, so open() and Path.read_text() without encoding=,
    encoding="locale" and locale.getpreferredencoding() all decode as ASCII. Returns fn's
    result, or raises the exception it raised (a UnicodeDecodeError, say).

    fn must be a function of a module loaded from a file (an exercise): that module is loaded
    again under the C locale, as a fresh interpreter would load it, so what it works out at
    import time (ENCODING = locale.getpreferredencoding(), say) is worked out there too.

    In this interpreter when it can, in a fraction of the time a fresh one takes: LC_CTYPE is
    "C" while the module loads and fn runs, then put back. Where this interpreter runs in
    UTF-8 mode the locale decides nothing, so it all happens in a fresh interpreter started
    with LC_ALL=C PYTHONUTF8=0 (fresh=True asks for that anyway); then the arguments must be
    plain data or paths and the result picklable.
    """
    args = tuple(os.fspath(a) if isinstance(a, os.PathLike) else a for a in args)
    if fresh is None:
        fresh = bool(sys.flags.utf8_mode)
    if fresh:
        return _in_fresh_c_locale(fn, args)
    import importlib.util
    import locale
    import warnings

    name = fn.__module__
    spec = importlib.util.spec_from_file_location(name, sys.modules[name].__file__)
    module = importlib.util.module_from_spec(spec)
    saved = locale.setlocale(locale.LC_CTYPE)
    fs_encoding = sys.getfilesystemencoding
    loaded = sys.modules[name]
    locale.setlocale(locale.LC_CTYPE, "C")
    # Fixed at start-up, so it is told, not switched: "ascii" is what such a server says.
    sys.getfilesystemencoding = lambda: "ascii"
    try:
        # A server's Python does not turn EncodingWarning on: the answer must be what the
        # code does there (decode as ASCII), not the warning the tests raise as an error here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EncodingWarning)
            sys.modules[name] = module  # as while an import runs: the module finds itself
            spec.loader.exec_module(module)
            return getattr(module, fn.__name__)(*args)
    finally:
        sys.modules[name] = loaded
        sys.getfilesystemencoding = fs_encoding
        locale.setlocale(locale.LC_CTYPE, saved)


def _in_fresh_c_locale(fn, args):
    import base64
    import pickle

    module = sys.modules[fn.__module__]
    code = (
        "import base64, sys\n"
        "import iolings_testkit as kit\n"
        "import %s as m\n"
        "try:\n    outcome = (True, m.%s(*%r))\n"
        "except Exception as exc:\n    outcome = (False, exc)\n"
        "sys.stdout.write('\\n' + base64.b64encode(kit._pickled_outcome(*outcome)).decode())\n"
        % (fn.__module__, fn.__name__, args))
    here = os.path.dirname(os.path.abspath(module.__file__))
    path = os.pathsep.join([here, os.path.dirname(os.path.abspath(__file__))])
    env = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONPATH": path}
    result = run_python(code, env=env, cwd=os.getcwd())
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        error = (result.stderr.strip().splitlines() or ["no error message"])[-1]
        raise ChildProcessError("with LC_ALL=C, importing %s failed: %s" % (fn.__module__, error))
    ok, value = pickle.loads(base64.b64decode(lines[-1]))
    if ok:
        return value
    raise value


def make_file(path, megabytes, line="the quick brown fox jumps over the lazy dog 0123456789\n"):
    """Write a text file of about `megabytes` MB made of `line` repeated; returns its Path."""
    import pathlib

    path = pathlib.Path(path)
    block = (line * max(1, (1 << 16) // len(line))).encode("utf-8")
    target = megabytes * 1024 * 1024
    with _real_io_open(path, "wb") as f:
        written = 0
        while written < target:
            f.write(block)
            written += len(block)
    return path
