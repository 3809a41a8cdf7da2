"""Helpers for exercise tests: crash a function mid-write, fail writes, watch memory and files.

Exercise tests import it as ``import iolings_testkit as kit``; the runner puts it beside the
harness in every sandbox. Everything here is stdlib-only and works the same for root and for
ordinary users: failures are *injected* (root ignores file modes), never left to the kernel.

    kit.run_killed(fn, *args, at="replace")      fn runs in a child killed just before it
                                                  renames a file (os.replace / os.rename)
    kit.run_killed(fn, *args, after_bytes=100)   ...killed once 100 bytes have been written
    kit.record_io()                               records open/write/flush/fsync/replace/close
    kit.failing_writes(errno.ENOSPC)              every write raises OSError(ENOSPC)
    kit.read_only(path)                           path is read-only (mode 0o555) and writes
                                                  under it raise PermissionError, root or not
    kit.peak_memory(fn, *args)                    (result, peak bytes allocated by Python)
    kit.no_leaked_files()                         fails with where a file was left open
    kit.run_python(code, env={...})               runs code in a fresh interpreter
    kit.make_file(path, megabytes)                writes a large text file quickly
"""

import builtins
import contextlib
import errno as _errno
import gc
import io
import os
import sys

# pickle, signal, subprocess, pathlib and warnings are imported where used: most exercises need
# only one helper, and every import here delays every run.

_real_open = builtins.open
_real_io_open = io.open
_real_write = os.write
_real_replace = os.replace
_real_rename = os.rename
_real_fsync = os.fsync
_real_fdatasync = getattr(os, "fdatasync", None)


class _Hooks:
    """What the wrapped file API reports to: a list of events and optional interceptors."""

    def __init__(self):
        self.events = []
        self.on_write = None  # called with (name, data) before a write; may raise or kill
        self.on_rename = None  # called with (src, dst) before a rename
        self.blocked_dirs = []


_HOOKS = None  # the active _Hooks, set by _patched()


def _name_of(target):
    if isinstance(target, int):
        try:
            return os.readlink("/proc/self/fd/%d" % target)
        except OSError:
            return "fd %d" % target
    return os.fspath(target) if not isinstance(target, str) else target


def _check_blocked(path):
    if _HOOKS is None or not _HOOKS.blocked_dirs:
        return
    full = os.path.abspath(_name_of(path))
    for blocked in _HOOKS.blocked_dirs:
        if full == blocked or full.startswith(blocked + os.sep):
            raise PermissionError(_errno.EACCES, "Permission denied (read-only directory)", full)


def _is_write_mode(mode):
    return any(ch in mode for ch in "wax+")


class _FileProxy:
    """Wraps a file object so its writes, flushes and closes are seen by the active hooks."""

    def __init__(self, inner, name):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_name", name)

    def write(self, data):
        hooks = _HOOKS
        if hooks is not None:
            if hooks.on_write is not None:
                data = hooks.on_write(self, data)
            hooks.events.append(("write", self._name, len(data)))
        return self._inner.write(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if _HOOKS is not None:
            _HOOKS.events.append(("flush", self._name))
        return self._inner.flush()

    def close(self):
        if _HOOKS is not None and not self._inner.closed:
            _HOOKS.events.append(("close", self._name))
        return self._inner.close()

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

    def __getattr__(self, attr):
        return getattr(self._inner, attr)

    def __setattr__(self, attr, value):
        setattr(self._inner, attr, value)


def _wrapped_open(file, mode="r", *args, **kwargs):
    if _is_write_mode(mode) and not isinstance(file, int):
        _check_blocked(file)
    inner = _real_io_open(file, mode, *args, **kwargs)
    if _HOOKS is None:
        return inner
    name = _name_of(file)
    _HOOKS.events.append(("open", name, mode))
    if _is_write_mode(mode):
        return _FileProxy(inner, name)
    return inner


def _wrapped_write(fd, data):
    hooks = _HOOKS
    if hooks is not None:
        if hooks.on_write is not None:
            data = hooks.on_write(fd, data)
        hooks.events.append(("write", _name_of(fd), len(data)))
    return _real_write(fd, data)


def _wrapped_fsync(fd):
    if _HOOKS is not None:
        target = fd if isinstance(fd, int) else fd.fileno()
        _HOOKS.events.append(("fsync", _name_of(target)))
    return _real_fsync(fd)


def _rename_hook(real, label):
    def wrapper(src, dst, *args, **kwargs):
        if _HOOKS is not None:
            _check_blocked(dst)
            _check_blocked(src)
            if _HOOKS.on_rename is not None:
                _HOOKS.on_rename(src, dst)
            _HOOKS.events.append((label, os.fspath(src), os.fspath(dst)))
        return real(src, dst, *args, **kwargs)

    return wrapper


def _wrapped_mkdir_factory(real):
    def wrapper(path, *args, **kwargs):
        _check_blocked(path)
        return real(path, *args, **kwargs)

    return wrapper


def _wrapped_os_open_factory(real):
    def wrapper(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            _check_blocked(path)
        return real(path, flags, *args, **kwargs)

    return wrapper


@contextlib.contextmanager
def _patched(hooks):
    """Route the file API through the wrappers above while `hooks` is active."""
    global _HOOKS
    import _io
    import tempfile  # noqa: F401  (imported first so it binds the real functions it needs)

    saved = {
        (builtins, "open"): builtins.open, (io, "open"): io.open, (_io, "open"): _io.open,
        (os, "write"): os.write, (os, "fsync"): os.fsync, (os, "replace"): os.replace,
        (os, "rename"): os.rename, (os, "mkdir"): os.mkdir, (os, "open"): os.open,
        (os, "remove"): os.remove, (os, "unlink"): os.unlink,
    }
    if _real_fdatasync is not None:
        saved[(os, "fdatasync")] = os.fdatasync
    previous = _HOOKS
    _HOOKS = hooks
    builtins.open = io.open = _io.open = _wrapped_open
    os.write = _wrapped_write
    os.fsync = _wrapped_fsync
    if _real_fdatasync is not None:
        os.fdatasync = _wrapped_fsync
    os.replace = _rename_hook(_real_replace, "replace")
    os.rename = _rename_hook(_real_rename, "rename")
    os.mkdir = _wrapped_mkdir_factory(saved[(os, "mkdir")])
    os.open = _wrapped_os_open_factory(saved[(os, "open")])
    os.remove = _wrapped_mkdir_factory(saved[(os, "remove")])
    os.unlink = _wrapped_mkdir_factory(saved[(os, "unlink")])
    try:
        yield hooks
    finally:
        for (owner, attr), value in saved.items():
            setattr(owner, attr, value)
        _HOOKS = previous


# ---------------------------------------------------------------------------------------------
# Public helpers.


class IORecord:
    """The file operations seen inside `record_io()`, in order.

    Each event is a tuple: ("open", path, mode), ("write", path, nbytes), ("flush", path),
    ("fsync", path), ("replace", src, dst), ("rename", src, dst), ("close", path).
    """

    def __init__(self, events):
        self.events = events

    def kinds(self):
        return [event[0] for event in self.events]

    def first(self, kind):
        """Index of the first event of this kind, or None."""
        for index, event in enumerate(self.events):
            if event[0] == kind:
                return index
        return None

    def last(self, kind):
        found = None
        for index, event in enumerate(self.events):
            if event[0] == kind:
                found = index
        return found

    def paths(self, kind):
        return [event[1] for event in self.events if event[0] == kind]


@contextlib.contextmanager
def record_io():
    """Record open/write/flush/fsync/replace/rename/close calls made in the block."""
    hooks = _Hooks()
    with _patched(hooks):
        yield IORecord(hooks.events)


@contextlib.contextmanager
def failing_writes(error=_errno.ENOSPC, after_bytes=0):
    """Every write after the first `after_bytes` bytes raises OSError(error), like a full disk."""
    hooks = _Hooks()
    written = [0]

    def on_write(target, data):
        if written[0] + len(data) > after_bytes:
            raise OSError(error, os.strerror(error))
        written[0] += len(data)
        return data

    hooks.on_write = on_write
    with _patched(hooks):
        yield hooks


@contextlib.contextmanager
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


def run_killed(fn, *args, at=None, after_bytes=None, timeout=10, **kwargs):
    """Run fn(*args, **kwargs) in a forked child and SIGKILL it at a chosen point.

    at="replace": just before the child renames anything (os.replace, os.rename, Path.replace).
    after_bytes=N: once N bytes have been written; the write that crosses N is cut at N and
    flushed to the file first, so a non-atomic writer leaves a torn file, as a crash would.
    With neither, fn simply runs in the child. Returns a ChildOutcome.
    """
    import pickle
    import signal

    if at not in (None, "replace"):
        raise ValueError("at= must be None or 'replace'")
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the harness
        os.close(read_end)
        _child_main(write_end, fn, args, kwargs, at, after_bytes)
        os._exit(0)
    os.close(write_end)
    chunks = []
    with _real_io_open(read_end, "rb") as pipe:
        chunks.append(pipe.read())
    _, status = _wait_with_timeout(pid, timeout)
    events, returned, error = [], None, None
    payload = b"".join(chunks)
    report = {}
    if payload:
        try:
            report = pickle.loads(payload)
        except Exception:
            report = {}
    events = report.get("events", [])
    returned = report.get("returned")
    error = report.get("error")
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return ChildOutcome(killed, returned, error, events)


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


def _child_main(write_end, fn, args, kwargs, at, after_bytes):
    import pickle
    import signal

    hooks = _Hooks()
    report = {"events": hooks.events}
    written = [0]

    def send_and_die():
        # The events so far reach the parent; then the child dies as a crash would.
        data = pickle.dumps(report)
        while data:
            data = data[_real_write(write_end, data):]
        os.kill(os.getpid(), signal.SIGKILL)

    if at == "replace":
        def on_rename(src, dst):
            hooks.events.append(("killed", "before rename", os.fspath(dst)))
            send_and_die()
        hooks.on_rename = on_rename

    if after_bytes is not None:
        def on_write(target, data):
            room = after_bytes - written[0]
            if len(data) < room:
                written[0] += len(data)
                return data
            part = data[:max(room, 0)]
            if isinstance(target, int):
                _real_write(target, part if isinstance(part, bytes) else part.encode())
            else:
                target._inner.write(part)
                target._inner.flush()
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
    while data:
        data = data[_real_write(write_end, data):]
    os._exit(0)


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


@contextlib.contextmanager
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
    return subprocess.run([sys.executable, *args, "-c", code], env=child_env, cwd=cwd,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          encoding="utf-8", errors="backslashreplace")


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
