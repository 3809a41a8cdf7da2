"""pytest's everyday API for exercises that run without pytest installed.

The iolings harness runs every test itself. When ``import pytest`` finds no real pytest (the
default: exercises run without site-packages), this module is imported under the name
``pytest`` instead, so tests written the usual way work with the standard library alone:
``@pytest.fixture`` (with ``yield``, ``scope=``, ``params=``, ``autouse=``),
``@pytest.mark.parametrize`` / ``skip`` / ``skipif`` / ``xfail`` / ``usefixtures``,
``pytest.param``, ``pytest.raises`` (with ``match=``), ``pytest.warns``, ``pytest.approx``,
``pytest.skip`` / ``fail`` / ``xfail`` / ``importorskip``.

It also holds the built-in fixtures the harness hands to tests whether or not the real pytest
is installed: ``tmp_path``, ``tmp_path_factory``, ``tmpdir``, ``capsys``, ``capsysbinary``,
``monkeypatch``, ``caplog``, ``recwarn``, ``request`` and ``subtests``.

The objects have the shapes of pytest's own (a ``pytestmark`` list of marks with ``name``,
``args`` and ``kwargs``; a fixture carries ``_fixture_function_marker``; outcome exceptions
derive from ``BaseException``), so the harness reads the real pytest's and these alike.
Standard library only, and nothing is imported before it is needed.
"""

import os
import sys

__version__ = "0+iolings"  # not pytest: the iolings harness's stand-in


class _NotSet:
    def __repr__(self):
        return "<notset>"


_NOTSET = _NotSet()

# ---------------------------------------------------------------------------------------------
# Outcomes: raised by skip(), fail(), xfail(); BaseException, as in pytest, so that a learner's
# `except Exception` cannot swallow them.


class OutcomeException(BaseException):
    def __init__(self, msg=None, pytrace=True):
        super().__init__(msg)
        self.msg = msg
        self.pytrace = pytrace

    def __str__(self):
        return str(self.msg) if self.msg is not None else ""


class Skipped(OutcomeException):
    def __init__(self, msg=None, pytrace=True, allow_module_level=False):
        super().__init__(msg, pytrace)
        self.allow_module_level = allow_module_level


class Failed(OutcomeException):
    pass


class XFailed(Failed):
    pass


def skip(reason="", *, allow_module_level=False):
    """Skip the running test (or, with allow_module_level=True, the whole file)."""
    raise Skipped(reason, allow_module_level=allow_module_level)


def fail(reason="", pytrace=True):
    """Fail the running test with `reason`."""
    raise Failed(reason, pytrace)


def xfail(reason=""):
    """Mark the running test as an expected failure and stop it."""
    raise XFailed(reason)


skip.Exception = Skipped
fail.Exception = Failed
xfail.Exception = XFailed


def importorskip(modname, minversion=None, reason=None):
    """The module `modname`, or a skip when it cannot be imported."""
    import importlib

    try:
        module = importlib.import_module(modname)
    except ImportError as exc:
        raise Skipped(reason or "could not import %r: %s" % (modname, exc),
                      allow_module_level=True) from None
    if minversion is not None:
        have = getattr(module, "__version__", None)
        if have is None or _version(have) < _version(minversion):
            raise Skipped("module %r has __version__ %r, required is: %r"
                          % (modname, have, minversion), allow_module_level=True)
    return module


def _version(text):
    parts = []
    for piece in str(text).split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


# ---------------------------------------------------------------------------------------------
# Marks.


class Mark:
    __slots__ = ("name", "args", "kwargs")

    def __init__(self, name, args=(), kwargs=None):
        self.name, self.args, self.kwargs = name, tuple(args), dict(kwargs or {})

    def __repr__(self):
        return "Mark(name=%r, args=%r, kwargs=%r)" % (self.name, self.args, self.kwargs)


class MarkDecorator:
    """`pytest.mark.NAME` and `pytest.mark.NAME(args)`: applied to a function or class, it
    appends its Mark to the object's `pytestmark` list."""

    def __init__(self, mark):
        self.mark = mark

    @property
    def name(self):
        return self.mark.name

    @property
    def args(self):
        return self.mark.args

    @property
    def kwargs(self):
        return self.mark.kwargs

    def with_args(self, *args, **kwargs):
        kw = dict(self.mark.kwargs)
        kw.update(kwargs)
        return MarkDecorator(Mark(self.mark.name, self.mark.args + args, kw))

    def __call__(self, *args, **kwargs):
        if args and not kwargs and len(args) == 1 and (callable(args[0]) or
                                                       isinstance(args[0], type)):
            target = args[0]
            marks = list(getattr(target, "__dict__", {}).get("pytestmark", []))
            marks.append(self.mark)
            target.pytestmark = marks
            return target
        return self.with_args(*args, **kwargs)

    def __repr__(self):
        return "<MarkDecorator %r>" % (self.mark,)


class MarkGenerator:
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return MarkDecorator(Mark(name))


mark = MarkGenerator()


class ParameterSet(tuple):
    """What pytest.param() returns: values, marks and an id."""

    __slots__ = ()

    def __new__(cls, values, marks, id):
        return tuple.__new__(cls, (tuple(values), tuple(marks), id))

    values = property(lambda self: self[0])
    marks = property(lambda self: self[1])
    id = property(lambda self: self[2])


def param(*values, marks=(), id=None):
    if isinstance(marks, MarkDecorator):
        marks = (marks,)
    return ParameterSet(values, marks, id)


# ---------------------------------------------------------------------------------------------
# Fixtures.


class FixtureFunctionMarker:
    __slots__ = ("scope", "params", "autouse", "ids", "name")

    def __init__(self, scope, params, autouse, ids, name):
        self.scope, self.params, self.autouse = scope, params, autouse
        self.ids, self.name = ids, name


def fixture(fixture_function=None, *, scope="function", params=None, autouse=False, ids=None,
            name=None):
    """Declare a fixture: a test that names it as a parameter gets what it returns (or
    yields: the code after `yield` runs when the test is over)."""
    marker = FixtureFunctionMarker(scope, None if params is None else list(params), autouse,
                                   ids, name)

    def decorate(function):
        function._fixture_function_marker = marker
        return function

    if fixture_function is not None:
        return decorate(fixture_function)
    return decorate


yield_fixture = fixture

# ---------------------------------------------------------------------------------------------
# pytest.raises, pytest.warns.


class ExceptionInfo:
    """What `with pytest.raises(...) as info` gives: `info.value`, `info.type`, `info.match()`."""

    def __init__(self):
        self._excinfo = None

    def _fill(self, exc_type, exc, tb):
        self._excinfo = (exc_type, exc, tb)

    def _get(self, index):
        if self._excinfo is None:
            raise AssertionError(".value can only be used after the `with pytest.raises` block")
        return self._excinfo[index]

    type = property(lambda self: self._get(0))
    value = property(lambda self: self._get(1))
    tb = property(lambda self: self._get(2))
    typename = property(lambda self: self._get(0).__name__)

    def errisinstance(self, exc):
        return isinstance(self.value, exc)

    def match(self, regexp):
        import re

        text = str(self.value)
        if not re.search(regexp, text):
            raise AssertionError("Regex pattern did not match.\n  Expected regex: %r\n"
                                 "  Actual message: %r" % (regexp, text))
        return True

    def __repr__(self):
        if self._excinfo is None:
            return "<ExceptionInfo for raises contextmanager>"
        return "<ExceptionInfo %s(%r)>" % (self.typename, str(self.value))


def _names(expected):
    if isinstance(expected, tuple):
        return "any of (%s)" % ", ".join(e.__name__ for e in expected)
    return expected.__name__


class RaisesContext:
    def __init__(self, expected, match):
        self.expected, self.match_expr = expected, match
        self.excinfo = ExceptionInfo()

    def __enter__(self):
        return self.excinfo

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            fail("DID NOT RAISE %s" % _names(self.expected))
        if not issubclass(exc_type, self.expected):
            return False  # another exception: it propagates, as in pytest
        self.excinfo._fill(exc_type, exc, tb)
        if self.match_expr is not None:
            self.excinfo.match(self.match_expr)
        return True


def raises(expected_exception, *args, match=None, **kwargs):
    """`with pytest.raises(ValueError, match="regex"):` or `pytest.raises(E, func, *args)`."""
    if not args:
        return RaisesContext(expected_exception, match)
    func = args[0]
    context = RaisesContext(expected_exception, match)
    with context:
        func(*args[1:], **kwargs)
    return context.excinfo


class WarningsRecorder:
    """The warnings seen in a `pytest.warns` block or by the `recwarn` fixture (a list of
    warnings.WarningMessage)."""

    def __init__(self):
        self._list = []
        self._catcher = None

    @property
    def list(self):
        return self._list

    def __iter__(self):
        return iter(self._list)

    def __len__(self):
        return len(self._list)

    def __getitem__(self, index):
        return self._list[index]

    def pop(self, cls=Warning):
        for i, w in enumerate(self._list):
            if issubclass(w.category, cls):
                return self._list.pop(i)
        raise AssertionError("%r not found in warning list" % (cls,))

    def clear(self):
        del self._list[:]

    def __enter__(self):
        import warnings

        self._catcher = warnings.catch_warnings(record=True)
        self._list = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._catcher.__exit__(*exc)
        return False


class WarningsChecker(WarningsRecorder):
    def __init__(self, expected, match):
        super().__init__()
        self.expected, self.match_expr = expected, match

    def __exit__(self, *exc):
        super().__exit__(*exc)
        if exc[0] is not None:
            return False
        import re

        for w in self:
            if issubclass(w.category, self.expected) and (
                    self.match_expr is None or re.search(self.match_expr, str(w.message))):
                return False
        fail("DID NOT WARN. No warnings of type %s%s were emitted. The list of emitted "
             "warnings is: %s." % (_names(self.expected), "" if self.match_expr is None else
                                   " matching the regex %r" % self.match_expr,
                                   [w.message for w in self]))


def warns(expected_warning=Warning, *args, match=None, **kwargs):
    checker = WarningsChecker(expected_warning, match)
    if not args:
        return checker
    with checker:
        return args[0](*args[1:], **kwargs)


def deprecated_call(*args, **kwargs):
    return warns((DeprecationWarning, PendingDeprecationWarning), *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# pytest.approx.

_DEFAULT_REL, _DEFAULT_ABS = 1e-6, 1e-12


class ApproxBase:
    __hash__ = None

    def __init__(self, expected, rel=None, abs=None, nan_ok=False):
        self.expected, self.rel, self.abs, self.nan_ok = expected, rel, abs, nan_ok

    def _scalar(self, value):
        return ApproxScalar(value, self.rel, self.abs, self.nan_ok)

    def __ne__(self, actual):
        return not self == actual


class ApproxScalar(ApproxBase):
    def _numeric(self, value):
        import numbers
        from decimal import Decimal

        return isinstance(value, (numbers.Complex, Decimal)) and not isinstance(value, bool)

    @property
    def tolerance(self):
        from decimal import Decimal

        decimal = isinstance(self.expected, Decimal)
        absolute = self.abs if self.abs is not None else (
            Decimal("1e-12") if decimal else _DEFAULT_ABS)
        if self.rel is None and self.abs is not None:
            return absolute
        rel = self.rel if self.rel is not None else (Decimal("1e-6") if decimal else _DEFAULT_REL)
        return max(rel * abs(self.expected), absolute)

    def __eq__(self, actual):
        if isinstance(self.expected, bool) and not isinstance(actual, bool):
            return False
        if actual == self.expected:
            return True
        if not (self._numeric(self.expected) and self._numeric(actual)):
            return False
        if abs(self.expected) != abs(self.expected):  # NaN
            return self.nan_ok and abs(actual) != abs(actual)
        if abs(self.expected) == float("inf"):
            return False
        return abs(self.expected - actual) <= self.tolerance

    def __repr__(self):
        if not self._numeric(self.expected) or abs(self.expected) == float("inf"):
            return str(self.expected)
        try:
            tol = self.tolerance
            shown = ("%g" % tol) if 1e-3 <= tol < 1e3 else "%.1e" % tol
        except (TypeError, ValueError):
            shown = "???"
        return "%s ± %s" % (self.expected, shown)


class ApproxSequence(ApproxBase):
    def __eq__(self, actual):
        try:
            if len(actual) != len(self.expected):
                return False
        except TypeError:
            return False
        if isinstance(actual, (str, bytes, dict)):
            return False
        return all(self._scalar(e) == a for e, a in zip(self.expected, actual))

    def __repr__(self):
        inner = ", ".join(repr(self._scalar(e)) for e in self.expected)
        if isinstance(self.expected, tuple):
            return "approx((%s%s))" % (inner, "," if len(self.expected) == 1 else "")
        return "approx([%s])" % inner


class ApproxMapping(ApproxBase):
    def __eq__(self, actual):
        try:
            if set(actual.keys()) != set(self.expected.keys()):
                return False
        except AttributeError:
            return False
        return all(self._scalar(v) == actual[k] for k, v in self.expected.items())

    def __repr__(self):
        return "approx({%s})" % ", ".join("%r: %r" % (k, self._scalar(v))
                                          for k, v in self.expected.items())


def approx(expected, rel=None, abs=None, nan_ok=False):
    """A value equal to `expected` within a tolerance (relative 1e-6, absolute 1e-12 unless
    given), for numbers and for lists, tuples and dicts of numbers."""
    if isinstance(expected, dict):
        return ApproxMapping(expected, rel, abs, nan_ok)
    if isinstance(expected, (list, tuple)):
        return ApproxSequence(expected, rel, abs, nan_ok)
    return ApproxScalar(expected, rel, abs, nan_ok)


# ---------------------------------------------------------------------------------------------
# Built-in fixtures (used by the harness whether or not the real pytest is installed).


class MonkeyPatch:
    """Change attributes, dict items, environment variables, sys.path or the working
    directory for one test; everything is put back when the test ends (or on undo())."""

    def __init__(self):
        self._setattr, self._setitem = [], []
        self._cwd = None
        self._savesyspath = None

    @classmethod
    def context(cls):
        import contextlib

        @contextlib.contextmanager
        def patching():
            patch = cls()
            try:
                yield patch
            finally:
                patch.undo()

        return patching()

    def setattr(self, target, name, value=_NOTSET, raising=True):
        if isinstance(target, str) and value is _NOTSET:
            # setattr("os.path.exists", fake): the second argument is the value.
            value = name
            target, name = _resolve_dotted(target)
        elif value is _NOTSET:
            raise TypeError("use monkeypatch.setattr(target, name, value) or "
                            "monkeypatch.setattr('module.attr', value)")
        oldval = getattr(target, name, _NOTSET)
        if raising and oldval is _NOTSET:
            raise AttributeError("%r has no attribute %r" % (target, name))
        if isinstance(target, type):
            oldval = target.__dict__.get(name, _NOTSET)
        self._setattr.append((target, name, oldval))
        setattr(target, name, value)

    def delattr(self, target, name=None, raising=True):
        if isinstance(target, str) and name is None:
            target, name = _resolve_dotted(target)
        if not hasattr(target, name):
            if raising:
                raise AttributeError(name)
            return
        oldval = getattr(target, name, _NOTSET)
        if isinstance(target, type):
            oldval = target.__dict__.get(name, _NOTSET)
        self._setattr.append((target, name, oldval))
        delattr(target, name)

    def setitem(self, dic, name, value):
        self._setitem.append((dic, name, dic.get(name, _NOTSET)))
        dic[name] = value

    def delitem(self, dic, name, raising=True):
        if name not in dic:
            if raising:
                raise KeyError(name)
            return
        self._setitem.append((dic, name, dic.get(name, _NOTSET)))
        del dic[name]

    def setenv(self, name, value, prepend=None):
        value = str(value)
        if prepend and name in os.environ:
            value = value + prepend + os.environ[name]
        self.setitem(os.environ, str(name), value)

    def delenv(self, name, raising=True):
        self.delitem(os.environ, name, raising=raising)

    def syspath_prepend(self, path):
        if self._savesyspath is None:
            self._savesyspath = sys.path[:]
        sys.path.insert(0, str(path))
        import importlib

        importlib.invalidate_caches()

    def chdir(self, path):
        if self._cwd is None:
            self._cwd = os.getcwd()
        os.chdir(path)

    def undo(self):
        for target, name, value in reversed(self._setattr):
            if value is not _NOTSET:
                setattr(target, name, value)
            else:
                try:
                    delattr(target, name)
                except AttributeError:
                    pass
        self._setattr.clear()
        for dic, name, value in reversed(self._setitem):
            if value is _NOTSET:
                dic.pop(name, None)
            else:
                dic[name] = value
        self._setitem.clear()
        if self._savesyspath is not None:
            sys.path[:] = self._savesyspath
            self._savesyspath = None
        if self._cwd is not None:
            os.chdir(self._cwd)
            self._cwd = None


def _resolve_dotted(path):
    import importlib

    if "." not in path:
        raise ValueError("must be absolute import path string, not %r" % (path,))
    module_name, attr = path.rsplit(".", 1)
    parts = module_name.split(".")
    target = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 1):
        try:
            target = getattr(target, part)
        except AttributeError:
            target = importlib.import_module(".".join(parts[:i + 1]))
    return target, attr


class CaptureResult(tuple):
    __slots__ = ()

    def __new__(cls, out, err):
        return tuple.__new__(cls, (out, err))

    out = property(lambda self: self[0])
    err = property(lambda self: self[1])

    def __repr__(self):
        return "CaptureResult(out=%r, err=%r)" % self


class CaptureFixture:
    """capsys / capsysbinary: what the test printed to sys.stdout and sys.stderr."""

    def __init__(self, binary=False):
        self._binary = binary
        self._saved = None
        self._streams = None

    def _start(self):
        import io

        self._saved = (sys.stdout, sys.stderr)
        self._streams = tuple(io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="",
                                               errors="backslashreplace", write_through=True)
                              for _ in range(2))
        sys.stdout, sys.stderr = self._streams

    def _stop(self):
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
            self._saved = None

    def readouterr(self):
        """Everything printed since the test started (or since the last readouterr())."""
        out = []
        for stream in self._streams:
            stream.flush()
            data = stream.buffer.getvalue()
            stream.buffer.seek(0)
            stream.buffer.truncate()
            out.append(data if self._binary else data.decode("utf-8", errors="replace"))
        return CaptureResult(*out)

    def disabled(self):
        import contextlib

        @contextlib.contextmanager
        def off():
            inner = (sys.stdout, sys.stderr)
            sys.stdout, sys.stderr = self._saved
            try:
                yield
            finally:
                sys.stdout, sys.stderr = inner

        return off()


class LogCaptureFixture:
    """caplog: the log records emitted during the test (at the loggers' levels, as in pytest:
    the root logger drops INFO and DEBUG until `caplog.set_level(logging.INFO)`)."""

    FORMAT = "%(levelname)-8s %(name)s:%(filename)s:%(lineno)d %(message)s"

    def __init__(self):
        import io
        import logging

        class Handler(logging.StreamHandler):
            def __init__(handler):
                super().__init__(io.StringIO())
                handler.records = []

            def emit(handler, record):
                handler.records.append(record)
                super().emit(record)

        self.handler = Handler()
        self.handler.setFormatter(logging.Formatter(self.FORMAT))
        self._levels = []
        self._handler_level = None

    def _start(self):
        import logging

        logging.getLogger().addHandler(self.handler)

    def _stop(self):
        import logging

        for logger, level in reversed(self._levels):
            logger.setLevel(level)
        self._levels.clear()
        logging.getLogger().removeHandler(self.handler)

    @property
    def records(self):
        return self.handler.records

    @property
    def text(self):
        return self.handler.stream.getvalue()

    @property
    def record_tuples(self):
        return [(r.name, r.levelno, r.getMessage()) for r in self.records]

    @property
    def messages(self):
        return [r.getMessage() for r in self.records]

    def get_records(self, when="call"):
        return list(self.records)

    def clear(self):
        self.handler.records.clear()
        self.handler.stream.seek(0)
        self.handler.stream.truncate()

    def set_level(self, level, logger=None):
        import logging

        target = logging.getLogger(logger)
        self._levels.append((target, target.level))
        target.setLevel(level)
        self.handler.setLevel(level)

    def at_level(self, level, logger=None):
        import contextlib
        import logging

        @contextlib.contextmanager
        def level_context():
            target = logging.getLogger(logger)
            old, old_handler = target.level, self.handler.level
            target.setLevel(level)
            self.handler.setLevel(level)
            try:
                yield
            finally:
                target.setLevel(old)
                self.handler.setLevel(old_handler)

        return level_context()


class TempPathFactory:
    """tmp_path_factory: fresh directories inside the run's sandbox."""

    def __init__(self, make_dir):
        self._make_dir = make_dir
        self._base = None

    def getbasetemp(self):
        import pathlib

        if self._base is None:
            self._base = pathlib.Path(self._make_dir("tmp_base"))
        return self._base

    def mktemp(self, basename, numbered=True):
        base = self.getbasetemp()
        if not numbered:
            path = base / basename
            path.mkdir()
            return path
        n = 0
        while True:
            path = base / ("%s%d" % (basename, n))
            try:
                path.mkdir()
                return path
            except FileExistsError:
                n += 1


def local_path(path):
    """tmpdir: a pathlib.Path with the everyday methods of py.path.local (join, write, read,
    mkdir(name), ensure, listdir, strpath...)."""
    return _local_class()(path)


_LOCAL = []


def _local_class():
    if _LOCAL:
        return _LOCAL[0]
    import pathlib

    class LocalPath(type(pathlib.Path())):
        @property
        def strpath(self):
            return str(self)

        @property
        def basename(self):
            return self.name

        @property
        def ext(self):
            return self.suffix

        @property
        def purebasename(self):
            return self.stem

        def dirpath(self):
            return LocalPath(self.parent)

        def join(self, *parts):
            return LocalPath(self.joinpath(*parts))

        def write(self, data, mode="w", ensure=False):
            if ensure:
                self.parent.mkdir(parents=True, exist_ok=True)
            if "b" in mode or isinstance(data, bytes):
                with open(self, mode if "b" in mode else mode + "b") as f:
                    f.write(data)
            else:
                with open(self, mode, encoding="utf-8") as f:
                    f.write(data)

        def read(self, mode="r"):
            if "b" in mode:
                return self.read_bytes()
            return self.read_text(encoding="utf-8")

        def mkdir(self, *args, **kwargs):
            if args and isinstance(args[0], str):  # py.path: mkdir(name) makes a child
                child = self.join(*args)
                super(LocalPath, child).mkdir()
                return child
            return super().mkdir(*args, **kwargs)

        def ensure(self, *parts, dir=False):
            target = self.join(*parts)
            if dir:
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            return target

        def listdir(self):
            return sorted(LocalPath(p) for p in self.iterdir())

        def isdir(self):
            return self.is_dir()

        def isfile(self):
            return self.is_file()

        def check(self, exists=True, dir=None, file=None):
            ok = self.exists() == bool(exists)
            if dir is not None:
                ok = ok and self.is_dir() == dir
            if file is not None:
                ok = ok and self.is_file() == file
            return ok

        def remove(self):
            import shutil

            shutil.rmtree(self) if self.is_dir() else self.unlink()

        def __add__(self, other):
            return str(self) + other

    _LOCAL.append(LocalPath)
    return LocalPath


class FixtureLookupError(LookupError):
    pass


class FixtureRequest:
    """`request`: the test being run, `request.param` for parametrized fixtures,
    `request.addfinalizer()` and `request.getfixturevalue()`."""

    def __init__(self, name, function, cls, instance, module, resolve, finalizers,
                 param=_NOTSET, scope="function", fixturename=None):
        self.node = _Node(name)
        self.function, self.cls, self.instance, self.module = function, cls, instance, module
        self._resolve, self._finalizers = resolve, finalizers
        self.scope = scope
        self.fixturename = fixturename
        self.config = None
        if param is not _NOTSET:
            self.param = param

    @property
    def keywords(self):
        return {}

    def addfinalizer(self, finalizer):
        self._finalizers.append(finalizer)

    def getfixturevalue(self, name):
        return self._resolve(name)

    def applymarker(self, marker):
        pass


class _Node:
    def __init__(self, name):
        self.name = name
        self.nodeid = name

    def get_closest_marker(self, name):
        return None


class Subtests:
    """The `subtests` fixture: `with subtests.test(msg, **params):` runs a block whose
    failure is reported with its parameters and does not stop the test."""

    def __init__(self, report):
        self._report = report

    def test(self, msg=None, **kwargs):
        import contextlib

        @contextlib.contextmanager
        def block():
            try:
                yield
            except (KeyboardInterrupt, SystemExit, GeneratorExit):
                raise
            except BaseException as exc:
                if "Skipped" in [k.__name__ for k in type(exc).__mro__]:
                    raise
                self._report(msg, kwargs, exc)

        return block()


# Re-exported names of pytest's public API that tests use in annotations.
Parser = Config = Item = Function = Module = Class = Session = object
TempdirFactory = TempPathFactory
