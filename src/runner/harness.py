"""The iolings test harness: compile one exercise, run its tests, report to the runner.

The runner starts ``python harness.py EXERCISE.py`` inside the sandbox with two variables:

* ``IOLINGS_REPORT_FD``: an inherited pipe the harness writes its report to, one JSON object
  per line. The learner's prints go to stdout/stderr and can never corrupt it.
* ``IOLINGS_TOKEN_FD``: an inherited pipe holding a random token, read once and closed. Every
  record carries it, so a stray write to the report pipe cannot pass for the harness (and the
  token is in no environment, argument list or file the exercise could read).

Both variables are removed from ``os.environ`` and the report pipe is moved to a high,
close-on-exec descriptor before any learner code runs. Every record starts on a fresh line and
carries ``"token"`` and the harness's ``"pid"``; a forked copy of the harness (a test that
forks and forgets to exit) never reports. Records, in order:

    {"event": "start", "python": "3.11.7"}
    {"event": "compile_error", "type", "message", "line", "col", "end_col", "text"}   (then stop)
    {"event": "crash", "type", "message", "traceback": [frame...]}   (exception at import)
    {"event": "exit", "code", "during", "traceback"}   (SystemExit at import or in a test)
    {"event": "test_start", "name"}
    {"event": "test", "name", "line", "outcome": "passed"|"failed"|"error", "duration_ms",
     "type", "message", "assertion", "traceback", "stdout", "stderr"}
    {"event": "done", "total": N, "passed": N}

Without ``IOLINGS_REPORT_FD`` the harness prints a plain report instead, which is handy when
writing exercises: ``python3 src/runner/harness.py exercises/01_reading_files/reading1.py``.

This file is stdlib-only and must keep working under ``-W error`` and
``-X warn_default_encoding``: every open() here names its encoding.
"""

import _ast
import io
import os
import sys
import time

# Only cheap modules are imported up front: every millisecond here is paid on every save.
# (`ast`, `json`, `traceback` and `operator` together cost ~30 ms at start-up, so the harness
# walks `_ast` nodes, encodes its JSON and trims tracebacks itself.)

# Captured before any learner code runs, so monkeypatching cannot reach the reporter.
_os_write = os.write
_perf = time.perf_counter
_str, _repr, _len, _isinstance = str, repr, len, isinstance
_ModuleType, _FunctionType = type(sys), type(lambda: None)

TEXT_CAP = 64 * 1024  # characters kept per captured stream or compared value
REPR_CAP = 2 * 1024


def _take_channel():
    token = ""
    token_fd = os.environ.pop("IOLINGS_TOKEN_FD", None)
    if token_fd is not None:
        chunks = []
        while True:
            chunk = os.read(int(token_fd), 256)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(int(token_fd))
        token = b"".join(chunks).decode("ascii")
    raw = os.environ.pop("IOLINGS_REPORT_FD", None)
    if raw is None:
        return None, token
    import fcntl

    fd = int(raw)
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 200)
    os.close(fd)
    return high, token


_CHANNEL, _TOKEN = _take_channel()
_PID = os.getpid()
_PLAIN = []  # records kept for the plain report when there is no channel


def _json(value):
    """JSON for the records: dicts, lists, str, int, float, bool, None. ASCII only."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if _isinstance(value, _str):
        return _json_str(value)
    if _isinstance(value, (int, float)):
        return _repr(value)
    if _isinstance(value, dict):
        return "{" + ",".join(_json_str(k) + ":" + _json(v) for k, v in value.items()) + "}"
    return "[" + ",".join(_json(v) for v in value) + "]"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_str(text):
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 32 <= code < 127:
            out.append(ch)
        elif 0xD800 <= code < 0xE000:
            # A lone surrogate (an undecodable file name, say) is invalid JSON: send its
            # escape as visible text instead of dropping the record.
            out.append("\\\\u%04x" % code)
        elif code < 0x10000:
            out.append("\\u%04x" % code)
        else:
            code -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 | (code >> 10), 0xDC00 | (code & 0x3FF)))
    return '"' + "".join(out) + '"'


def _send(record):
    if os.getpid() != _PID:
        os._exit(0)  # a forked copy of the harness (a test forked and returned): stay silent
    if _CHANNEL is None:
        _PLAIN.append(record)
        return
    record["token"] = _TOKEN
    record["pid"] = _PID
    # A fresh line first: an unterminated line written by exercise code cannot swallow it.
    data = ("\n" + _json(record) + "\n").encode("ascii")
    while data:
        written = _os_write(_CHANNEL, data)
        data = data[written:]


# ---------------------------------------------------------------------------------------------
# Assertion rewriting: `assert a == b` reports both sides, as pytest does.

_OPS = {
    _ast.Eq: ("==", lambda a, b: a == b),
    _ast.NotEq: ("!=", lambda a, b: a != b),
    _ast.Lt: ("<", lambda a, b: a < b),
    _ast.LtE: ("<=", lambda a, b: a <= b),
    _ast.Gt: (">", lambda a, b: a > b),
    _ast.GtE: (">=", lambda a, b: a >= b),
    _ast.Is: ("is", lambda a, b: a is b),
    _ast.IsNot: ("is not", lambda a, b: a is not b),
    _ast.In: ("in", lambda a, b: a in b),
    _ast.NotIn: ("not in", lambda a, b: a not in b),
}
_OP_FUNCS = {symbol: func for symbol, func in _OPS.values()}
_LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def _rewrite(node):
    """Turn every `assert L op R, msg` in the tree into
    `__iolings_compare__(L, "op", R, lambda: msg)`, in place; returns the (new) node."""
    for field in node._fields:
        value = getattr(node, field, None)
        if _isinstance(value, list):
            for i, item in enumerate(value):
                if _isinstance(item, _ast.AST):
                    value[i] = _rewrite(item)
        elif _isinstance(value, _ast.AST):
            setattr(node, field, _rewrite(value))
    if _isinstance(node, _ast.Assert):
        return _rewrite_assert(node)
    return node


def _rewrite_assert(node):
    test = node.test
    if not (_isinstance(test, _ast.Compare) and _len(test.ops) == 1):
        return node
    entry = _OPS.get(type(test.ops[0]))
    if entry is None or _suspends(node.msg):
        return node
    if node.msg is None:
        msg = _located(_ast.Constant(value=None), node)
    else:
        no_args = _ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                 kw_defaults=[], kwarg=None, defaults=[])
        msg = _located(_ast.Lambda(args=no_args, body=node.msg), node)
    func = _located(_ast.Name(id="__iolings_compare__", ctx=_ast.Load()), node)
    op = _located(_ast.Constant(value=entry[0]), node)
    call = _located(_ast.Call(func=func, args=[test.left, op, test.comparators[0], msg],
                              keywords=[]), node)
    return _located(_ast.Expr(value=call), node)


def _suspends(node):
    """True if `node` holds await/yield: moved into a lambda, they would change meaning."""
    if node is None:
        return False
    if _isinstance(node, (_ast.Await, _ast.Yield, _ast.YieldFrom)):
        return True
    for field in node._fields:
        value = getattr(node, field, None)
        items = value if _isinstance(value, list) else [value]
        if any(_isinstance(v, _ast.AST) and _suspends(v) for v in items):
            return True
    return False


def _located(new, old):
    for attr in _LOCATION:
        setattr(new, attr, getattr(old, attr, None))
    return new


def _short_repr(value):
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not hide the real failure
        text = "<repr failed: %s>" % type(exc).__name__
    if len(text) > REPR_CAP:
        text = text[:REPR_CAP] + "... (%d more characters)" % (len(text) - REPR_CAP)
    return text


def _describe(value):
    """One side of a comparison, in the form the runner diffs."""
    if isinstance(value, str):
        kind, text = "str", value
    elif isinstance(value, (bytes, bytearray)):
        # Each line escaped as in a bytes literal, so the diff shows b'\xe9' and not mojibake.
        kind = "bytes"
        text = "\n".join(repr(bytes(line))[2:-1] for line in bytes(value).split(b"\n"))
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        import pprint  # only on a failing comparison of containers

        kind = type(value).__name__
        if kind in ("tuple", "frozenset"):
            kind = {"tuple": "list", "frozenset": "set"}[kind]
        try:
            text = pprint.pformat(value, width=60)
        except Exception:
            text = _short_repr(value)
    else:
        kind, text = "other", _short_repr(value)
    truncated = len(text) > TEXT_CAP
    return {
        "kind": kind,
        "type": type(value).__name__,
        "repr": _short_repr(value),
        "text": text[:TEXT_CAP],
        "truncated": truncated,
    }


def __iolings_compare__(left, op, right, msg):
    if _OP_FUNCS[op](left, right):
        return
    detail = None
    if msg is not None:
        detail = str(msg())
    error = AssertionError(detail if detail is not None else "%s %s %s" % (
        _short_repr(left), op, _short_repr(right)))
    error.__iolings__ = {"op": op, "left": _describe(left), "right": _describe(right),
                         "has_message": detail is not None}
    raise error


# ---------------------------------------------------------------------------------------------
# Output capture per test.


class _CappedSink(io.RawIOBase):
    """A write-only byte sink that keeps the first TEXT_CAP bytes and counts the rest."""

    def __init__(self):
        super().__init__()
        self.data = bytearray()
        self.dropped = 0

    def writable(self):
        return True

    def write(self, b):
        room = TEXT_CAP - len(self.data)
        if room > 0:
            self.data += bytes(b[:room])
        self.dropped += max(0, len(b) - max(room, 0))
        return len(b)

    def text(self):
        out = self.data.decode("utf-8", errors="replace")
        if self.dropped:
            out += "\n... output truncated (%d more bytes)\n" % self.dropped
        return out


def _capture_stream():
    sink = _CappedSink()
    stream = io.TextIOWrapper(io.BufferedWriter(sink), encoding="utf-8",
                              errors="backslashreplace", write_through=True)
    return sink, stream


# ---------------------------------------------------------------------------------------------
# Tracebacks trimmed to the learner's file.


_SOURCE_LINES = []  # the exercise's lines, for the code shown with each frame


def _frames(tb, path):
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == path:
            line = tb.tb_lineno
            text = _SOURCE_LINES[line - 1].strip() if 0 < line <= _len(_SOURCE_LINES) else ""
            frames.append({"line": line, "func": code.co_name, "code": text})
        tb = tb.tb_next
    return frames


def _exception_record(exc, path):
    return {
        "type": type(exc).__name__,
        "message": _exception_message(exc),
        "traceback": _frames(exc.__traceback__, path),
    }


def _exception_message(exc):
    try:
        text = str(exc)
    except Exception:
        text = "<str() failed>"
    if isinstance(exc, KeyError) and exc.args:
        text = _short_repr(exc.args[0])
    return text[:TEXT_CAP]


# ---------------------------------------------------------------------------------------------
# Compile, import, discover, run.


def _compile(path):
    with open(path, "rb") as f:
        source = f.read()
    _SOURCE_LINES.extend(source.decode("utf-8", errors="replace").splitlines())
    # optimize=0 always: under -O or PYTHONOPTIMIZE plain asserts would vanish and pass.
    try:
        tree = compile(source, path, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True, optimize=0)
        return compile(_rewrite(tree), path, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        pass
    # Some errors only show when compiling (`return` outside a function...), and a rewrite
    # must never be what breaks a file: compile the source as written and report its error.
    try:
        return compile(source, path, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError) as exc:
        record = {"event": "compile_error", "type": type(exc).__name__,
                  "message": getattr(exc, "msg", None) or str(exc)}
        if isinstance(exc, SyntaxError):
            record.update(line=exc.lineno, col=exc.offset,
                          end_col=getattr(exc, "end_offset", None),
                          text=(exc.text or "").rstrip("\n"))
        _send(record)
        return None


def _exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1


def _leave_early(exc, during, path):
    """The learner's code raised SystemExit: report where, then end without a `done` record."""
    _send({"event": "exit", "code": _exit_code(exc), "during": during,
           "traceback": _frames(exc.__traceback__, path)})
    _finish(_exit_code(exc))


def _import(code, path):
    name = os.path.splitext(os.path.basename(path))[0]
    if name in getattr(sys, "stdlib_module_names", ()) or name in sys.modules:
        name = "exercise_" + name  # an exercise called `tempfile` must not replace the real one
    module = _ModuleType(name)
    module.__file__ = path
    module.__dict__["__iolings_compare__"] = __iolings_compare__
    module.__dict__["__builtins__"] = __builtins__
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except SystemExit as exc:
        _leave_early(exc, "import", path)
    except BaseException as exc:
        record = {"event": "crash"}
        record.update(_exception_record(exc, path))
        _send(record)
        _finish(1)
    return module


def _discover(module):
    """Test callables in file order: module-level test_* functions and TestCase methods."""
    found = []
    for name, obj in list(vars(module).items()):
        if name.startswith("test") and isinstance(obj, _FunctionType) \
                and obj.__module__ == module.__name__:
            found.append((obj.__code__.co_firstlineno, name, obj, None))
        elif isinstance(obj, type) and "unittest" in sys.modules \
                and obj.__module__ == module.__name__:
            import unittest

            if issubclass(obj, unittest.TestCase):
                for attr, member in vars(obj).items():
                    if attr.startswith("test") and callable(member):
                        line = getattr(getattr(member, "__code__", None), "co_firstlineno", 0)
                        found.append((line, "%s.%s" % (name, attr), obj, attr))
    found.sort(key=lambda item: item[0])
    return found


_CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200


def _call_function(func):
    kwargs = {}
    code = func.__code__
    if code.co_flags & (_CO_GENERATOR | _CO_ASYNC_GENERATOR):
        raise TypeError("%s is a generator (it contains `yield`), so calling it runs none of "
                        "its body: a test function must not yield" % func.__name__)
    if "tmp_path" in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]:
        import pathlib

        kwargs["tmp_path"] = pathlib.Path(_fresh_dir())
    if code.co_flags & _CO_COROUTINE:
        import asyncio

        asyncio.run(func(**kwargs))
    else:
        func(**kwargs)


def _fresh_dir():
    """A new empty directory in the sandbox, like pytest's tmp_path."""
    base = os.getcwd()
    n = 0
    while True:
        path = os.path.join(base, "tmp_path_%d" % n)
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            n += 1


def _call_testcase(cls, method):
    import unittest

    outcome = []

    class _Result(unittest.TestResult):
        def addFailure(self, test, err):
            outcome.append(err[1])

        def addError(self, test, err):
            outcome.append(err[1])

        def addSubTest(self, test, subtest, err):
            if err is not None:
                outcome.append(err[1])

        def addUnexpectedSuccess(self, test):
            outcome.append(AssertionError("marked expectedFailure, but it passed"))

        def addSkip(self, test, reason):
            outcome.append(AssertionError("skipped (%s): every test must run to count" % reason))

    # A one-test suite, so setUpClass/setUpModule and their teardowns run as usual.
    unittest.TestSuite([cls(method)]).run(_Result())
    if outcome:
        raise outcome[0]


def _run_test(name, line, target, method, path):
    _send({"event": "test_start", "name": name})
    out_sink, out = _capture_stream()
    err_sink, err = _capture_stream()
    saved = (sys.stdout, sys.stderr, os.getcwd(), dict(os.environ), _get_umask())
    sys.stdout, sys.stderr = out, err
    record = {"event": "test", "name": name, "line": line, "outcome": "passed"}
    started = _perf()
    try:
        if method is None:
            _call_function(target)
        else:
            _call_testcase(target, method)
    except SystemExit as exc:
        sys.stdout, sys.stderr = saved[0], saved[1]
        _leave_early(exc, name, path)
    except BaseException as exc:
        record["outcome"] = "failed" if isinstance(exc, AssertionError) else "error"
        record.update(_exception_record(exc, path))
        record["assertion"] = getattr(exc, "__iolings__", None)
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        _restore(saved[2], saved[3], saved[4])
    record["duration_ms"] = round((_perf() - started) * 1000, 3)
    for stream in (out, err):
        try:
            stream.flush()
        except Exception:
            pass
    record["stdout"] = out_sink.text()
    record["stderr"] = err_sink.text()
    _send(record)
    return record["outcome"] == "passed"


def _get_umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _restore(cwd, environ, umask):
    """Each test starts where the previous one did: same cwd, environment and umask."""
    os.umask(umask)
    try:
        os.chdir(cwd)
    except OSError:
        pass
    if dict(os.environ) != environ:
        os.environ.clear()
        os.environ.update(environ)


def _finish(code):
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass
    if _CHANNEL is None:
        _plain_report()
    # Skip interpreter shutdown: learner threads or atexit hooks must not hold the run open.
    os._exit(code)


def _plain_report():
    for record in _PLAIN:
        event = record["event"]
        if event == "test":
            mark = "PASS" if record["outcome"] == "passed" else "FAIL"
            print("%s %s" % (mark, record["name"]), file=sys.__stderr__)
            if record["outcome"] != "passed":
                for frame in record["traceback"]:
                    print("    line %s: %s" % (frame["line"], frame["code"]), file=sys.__stderr__)
                print("    %s: %s" % (record["type"], record["message"]), file=sys.__stderr__)
                for stream in ("stdout", "stderr"):
                    if record[stream]:
                        print("    [%s] %s" % (stream, record[stream].rstrip()),
                              file=sys.__stderr__)
        elif event not in ("start", "test_start"):
            print(_json(record), file=sys.__stderr__)


def _dump_on_timeout():
    """At the deadline the runner sends SIGUSR2: write every thread's stack to the report pipe
    (faulthandler does it from the signal handler, even inside a C call), so a timeout can
    say where the code was stuck."""
    if _CHANNEL is None:
        return
    import faulthandler
    import signal

    faulthandler.register(signal.SIGUSR2, file=_CHANNEL, all_threads=True)


# Set by `dev mutate` only: stop at the first failing test. It can end a run sooner, never
# turn one into a pass (a pass still needs every test to report and pass).
_FAIL_FAST = os.environ.pop("IOLINGS_FAIL_FAST", None) == "1"


def main(argv):
    if len(argv) != 2:
        print("usage: harness.py EXERCISE.py", file=sys.stderr)
        return 2
    path = os.path.abspath(argv[1])
    _dump_on_timeout()
    _send({"event": "start", "python": "%d.%d.%d" % sys.version_info[:3]})
    code = _compile(path)
    if code is None:
        _finish(1)
    sys.path.append(os.path.dirname(path))  # after the stdlib: fixtures never shadow it
    module = _import(code, path)
    tests = _discover(module)
    passed = ran = 0
    for line, name, target, method in tests:
        passed += _run_test(name, line, target, method, path)
        ran += 1
        if _FAIL_FAST and passed < ran:
            break  # measuring tests (dev mutate): one failure is the whole answer
    _send({"event": "done", "total": ran, "passed": passed})
    _finish(0 if passed == len(tests) else 1)


if __name__ == "__main__":
    main(sys.argv)
