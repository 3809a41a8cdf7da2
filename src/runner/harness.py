"""The iolings test harness: compile one exercise, run its tests, report to the runner.

The runner starts ``python harness.py EXERCISE.py`` inside the sandbox with two variables:

* ``IOLINGS_REPORT_FD``: an inherited pipe the harness writes its report to, one JSON object
  per line. The learner's prints go to stdout/stderr and can never corrupt it.
* ``IOLINGS_TOKEN_FD``: an inherited pipe holding a random token, read once and closed. Every
  record carries it, so a stray write to the report pipe cannot pass for the harness (and the
  token is in no environment, argument list or file the exercise could read). The token is
  also the signal to start: the runner may start the harness ahead of a save (a warm run),
  which then imports what it needs and blocks reading the pipe; only after the token arrives
  does it read the exercise, which may not exist before.

Both variables are removed from ``os.environ`` and the report pipe is moved to a high,
close-on-exec descriptor before any learner code runs. Every record starts on a fresh line and
carries ``"token"`` and the harness's ``"pid"``; a forked copy of the harness (a test that
forks and forgets to exit) never reports. Records, in order:

    {"event": "start", "python": "3.11.7"}
    {"event": "compile_error", "type", "message", "line", "col", "end_col", "text"}   (then stop)
    {"event": "crash", "type", "message", "traceback": [frame...]}   (exception at import)
    {"event": "exit", "code", "during", "traceback"}   (SystemExit at import or in a test)
    {"event": "test_start", "name"}
    {"event": "test", "name", "line", "outcome", "duration_ms", "type", "message",
     "assertion", "traceback", "stdout", "stderr", "skip_origin", "subtests", "trace"}
    {"event": "done", "total": N, "passed": N, "ahead": bool}

``ahead`` says whether the tests section compiled before the go was used (see
``_compile_ahead``); it changes nothing but the time, and lets tests check that it did.

``outcome`` is one of ``passed``, ``failed`` (an assertion), ``error`` (another exception),
``skipped`` (``message`` holds the reason; ``skip_origin`` says whether the skip was declared
or raised in the tests section, ``"tests"``, or came from the code above it, ``"code"``: the
runner decides which skips count), ``xfailed`` (an expected failure happened) and ``xpassed``
(a non-strict expected failure passed). ``assertion`` is the structured comparison of a failed
``assert a <op> b`` or unittest ``assertEqual``-style helper: ``{"op", "left", "right",
"has_message", "helper", "explain"}`` (left is what the code got, right what the test expects;
``explain`` holds pytest-style "where" lines). ``subtests`` lists the failing
``self.subTest(...)`` / ``subtests.test(...)`` blocks of a test, each ``{"name": "(n=3)",
"outcome", "type", "message", "assertion", "traceback"}``; the record's own fields then
repeat the first of them. ``trace`` is there only when the runner asks for it
(``IOLINGS_TRACE_IO=1``, ``run --trace``): the file I/O of the learner's code during the test,
``{"events": [...], "more": N, "findings": [...], "totals": {...}}``, made by iolings_trace.py
(its docstring says how; at most 60 events, the rest counted in ``more``).

Tests are collected the way pytest does (module-level ``test*`` functions, ``Test*`` classes
without ``__init__``, ``unittest.TestCase`` subclasses; inherited test methods; marks,
parametrize, fixtures) and run in file order. Without ``IOLINGS_REPORT_FD`` the harness prints
a plain report instead, which is handy when writing exercises:
``python3 src/runner/harness.py exercises/01_reading_files/reading1.py``.

This file is stdlib-only and must keep working under ``-W error`` and
``-X warn_default_encoding``: every open() here names its encoding.
"""

import _ast
import io
import os
import sys
import time

# Only cheap modules are imported up front: every millisecond here is paid on every save.
# (`ast`, `json`, `traceback`, `inspect` and `operator` together cost ~30 ms at start-up, so
# the harness walks `_ast` nodes, encodes its JSON and trims tracebacks itself; the pytest
# stand-in and the built-in fixtures live in iolings_pytest.py, imported only when used.)

# Captured before any learner code runs, so monkeypatching cannot reach the reporter.
_os_write = os.write
_perf = time.perf_counter
_str, _repr, _len, _isinstance = str, repr, len, isinstance
_ModuleType, _FunctionType = type(sys), type(lambda: None)
_HERE = os.path.dirname(os.path.abspath(__file__))

TEXT_CAP = 64 * 1024  # characters kept per captured stream, compared value or message
REPR_CAP = 2 * 1024
WHERE_CAP = 240  # characters of one value inside an explanation line


def _take_channel():
    token_fd = os.environ.pop("IOLINGS_TOKEN_FD", None)
    raw = os.environ.pop("IOLINGS_REPORT_FD", None)
    if raw is None:
        return None, token_fd
    import fcntl

    fd = int(raw)
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 200)
    os.close(fd)
    return high, token_fd


def _read_token(token_fd):
    """Block until the runner writes the token and closes the pipe: that is its "go". A warm
    interpreter waits here, harness imported, before the exercise is even in the sandbox."""
    if token_fd is None:
        return ""
    chunks = []
    while True:
        chunk = os.read(int(token_fd), 256)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(int(token_fd))
    return b"".join(chunks).decode("ascii")


_CHANNEL, _TOKEN_FD = _take_channel()
_TOKEN = ""  # set by main() once the runner says go
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
# The exercise's source: its lines, where the tests section starts, statement spans.

_SOURCE_LINES = []  # the exercise's lines, for the code shown with each frame
_TESTS_LINE = [1]  # first line of the tests section (the whole file when it has no marker)
_SPANS = {}  # line -> (first, last) line of the multi-line simple statement holding it
_CLASS_LINES = {}  # top-level class name -> line of its first decorator or `class`
_PYTESTMARK_LINE = [0]  # line of the module-level `pytestmark = ...`, if any


def _read_source(source):
    # Split as Python counts lines (\n, \r\n, \r), not as str.splitlines (which also breaks
    # at \f, \x1c, U+2028...), so line numbers match the interpreter's.
    text = source.decode("utf-8", errors="replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _SOURCE_LINES.extend(lines)
    for i in range(_len(lines) - 1):
        rule = lines[i].rstrip()
        if (rule.startswith("# ") and _len(rule) >= 12 and rule[2:] == "-" * (_len(rule) - 2)
                and lines[i + 1].startswith("# Tests")):
            _TESTS_LINE[0] = i + 1
            break


def _in_tests(line):
    return line >= _TESTS_LINE[0]


def _segment(pos):
    """The source text of a node from its (lineno, col, end_lineno, end_col) position; the
    offsets are in UTF-8 bytes."""
    first, col, last, end_col = pos
    if not first or first > _len(_SOURCE_LINES):
        return "?"
    lines = [line.encode("utf-8") for line in _SOURCE_LINES[first - 1:last]]
    if not lines:
        return "?"
    if _len(lines) == 1:
        return lines[0][col:end_col].decode("utf-8", errors="replace")
    lines[0] = lines[0][col:]
    lines[-1] = lines[-1][:end_col]
    return "\n".join(line.decode("utf-8", errors="replace") for line in lines)


# ---------------------------------------------------------------------------------------------
# Assertion rewriting: every `assert` reports what it saw, as pytest's does. `assert T, M`
# becomes
#
#     if not T':
#         __iolings_fail__(SPEC, M)
#     @iolings_0 = @iolings_1 = None
#
# where T' is T with the parts worth showing (calls, attributes, other expressions) bound to
# temporaries as they are computed, `(@iolings_0 := f(x)) == y`, the way pytest's rewriting
# names them `@py_assert1`: names no source can spell, so they never clash and are never
# mangled. Evaluation order is unchanged, nothing runs twice, a passing assert costs a few
# stores and keeps nothing alive, and plain names and constants are read only when it fails.
# When T short-circuits (`a and b`, `0 <= x < 10`), the temporaries are first set to a marker,
# so that a failure knows which parts ran. SPEC indexes _SPECS, the shape of T, from which a
# failure builds the two sides of a comparison and the "where False = is_even(4)" lines.
# (Few new nodes per assert: building AST nodes is what the rewrite spends its time on.)

_OPS = {
    _ast.Eq: "==", _ast.NotEq: "!=", _ast.Lt: "<", _ast.LtE: "<=", _ast.Gt: ">", _ast.GtE: ">=",
    _ast.Is: "is", _ast.IsNot: "is not", _ast.In: "in", _ast.NotIn: "not in",
}
_SPECS = []
_COMPOUND = (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.ClassDef, _ast.If, _ast.For,
             _ast.AsyncFor, _ast.While, _ast.With, _ast.AsyncWith, _ast.Try) + (
    (_ast.Match,) if hasattr(_ast, "Match") else ()) + (
    (_ast.TryStar,) if hasattr(_ast, "TryStar") else ())
_OPAQUE_DEPTH = 4  # calls nested deeper than this are shown by value only


def _scan_module(tree):
    for node in tree.body:
        if _isinstance(node, _ast.ClassDef):
            lines = [d.lineno for d in node.decorator_list] + [node.lineno]
            _CLASS_LINES[node.name] = min(lines)
        elif _isinstance(node, (_ast.Assign, _ast.AnnAssign)):
            targets = node.targets if _isinstance(node, _ast.Assign) else [node.target]
            if any(_isinstance(t, _ast.Name) and t.id == "pytestmark" for t in targets):
                _PYTESTMARK_LINE[0] = node.lineno


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _rewrite(node):
    """Rewrite every assert in the tree, in place; note multi-line statements on the way.
    Asserts are statements, so only statement lists are walked (never expressions: they are
    most of the tree, and walking them in Python costs milliseconds on every save)."""
    for field in _BODIES:
        body = getattr(node, field, None)
        if not body:
            continue
        new_body = None
        for i, stmt in enumerate(body):
            if _isinstance(stmt, _COMPOUND) or not _isinstance(stmt, _ast.stmt):
                _rewrite(stmt)  # (handlers and match cases are not statements themselves)
                if new_body is not None:
                    new_body.append(stmt)
                continue
            first = stmt.lineno
            last = getattr(stmt, "end_lineno", None) or first
            if last > first:
                for line in range(first, last + 1):
                    _SPANS.setdefault(line, (first, last))
            if _isinstance(stmt, _ast.Assert) and not _isinstance(stmt.test, _ast.Tuple):
                # (`assert (x, "msg")` is always true: left alone so Python's warning says so.)
                if new_body is None:
                    new_body = body[:i]
                new_body.extend(_rewrite_assert(stmt))
            elif new_body is not None:
                new_body.append(stmt)
        if new_body is not None:
            setattr(node, field, new_body)
    return node


def _location(node):
    """The position of `node`, as keyword arguments for the nodes that replace it (one dict
    per assert: setting four attributes on every new node costs more than the rewrite)."""
    return {"lineno": node.lineno, "col_offset": node.col_offset,
            "end_lineno": getattr(node, "end_lineno", None) or node.lineno,
            "end_col_offset": getattr(node, "end_col_offset", None) or node.col_offset}


def _pos(node):
    return (node.lineno, node.col_offset, getattr(node, "end_lineno", node.lineno),
            getattr(node, "end_col_offset", node.col_offset))


_TEMP = "@iolings_%d"
_LOAD, _STORE, _NOT = _ast.Load(), _ast.Store(), _ast.Not()


class _Unset:
    """What a temporary holds until its part of a short-circuiting assert runs."""

    def __repr__(self):
        return "<not evaluated>"


_UNSET = _Unset()


def _rewrite_assert(node):
    at = _location(node)
    slots = [0, False]  # [next slot, the test short-circuits]
    test, spec = _instrument(node.test, slots, 0, at)
    _SPECS.append((spec, node.msg is not None))
    args = [_ast.Constant(value=_len(_SPECS) - 1, **at)]
    if node.msg is not None:
        args.append(node.msg)
    fail = _ast.Call(func=_ast.Name(id="__iolings_fail__", ctx=_LOAD, **at), args=args,
                     keywords=[], **at)
    check = _ast.If(test=_ast.UnaryOp(op=_NOT, operand=test, **at),
                    body=[_ast.Expr(value=fail, **at)], orelse=[], **at)
    if not slots[0]:  # `assert got == expected`: nothing to record, nothing to pay
        return [check]

    def temporaries(value):
        return _ast.Assign(targets=[_ast.Name(id=_TEMP % i, ctx=_STORE, **at)
                                    for i in range(slots[0])], value=value, **at)

    release = temporaries(_ast.Constant(value=None, **at))
    if not slots[1]:
        return [check, release]
    return [temporaries(_ast.Name(id="__iolings_unset__", ctx=_LOAD, **at)), check, release]


def _record(node, slots, at):
    """`node` bound to a new temporary as it is computed; returns (new node, slot)."""
    slot = slots[0]
    slots[0] += 1
    target = _ast.Name(id=_TEMP % slot, ctx=_STORE, **at)
    return _ast.NamedExpr(target=target, value=node, **at), slot


def _instrument(node, slots, depth, anchor):
    """(instrumented node, spec). Spec: (kind, slot, position, extra)."""
    pos = _pos(node)
    if _isinstance(node, _ast.Compare):
        # A chain stops at its first false comparison: there every operand is recorded, to
        # know which ran. A single comparison runs both sides, so names and constants
        # need no recording.
        chained = _len(node.ops) > 1
        slots[1] = slots[1] or chained
        operands = []
        new_left, left_spec, slot = _operand(node.left, slots, depth, anchor, chained)
        operands.append((slot, left_spec))
        comparators = []
        for comparator in node.comparators:
            new, sub, slot = _operand(comparator, slots, depth, anchor, chained)
            comparators.append(new)
            operands.append((slot, sub))
        node.left, node.comparators = new_left, comparators
        ops = [_OPS.get(type(op), "?") for op in node.ops]
        return node, ("cmp", None, pos, (operands, ops))
    if _isinstance(node, _ast.BoolOp):
        slots[1] = True
        values, specs = [], []
        for value in node.values:
            new, sub, slot = _operand(value, slots, depth, anchor, True)
            values.append(new)
            specs.append((slot, sub))
        node.values = values
        op = "and" if _isinstance(node.op, _ast.And) else "or"
        return node, ("bool", None, pos, (op, specs))
    if _isinstance(node, _ast.UnaryOp) and _isinstance(node.op, _ast.Not):
        new, sub = _instrument(node.operand, slots, depth + 1, anchor)
        if sub[1] is None and sub[0] not in ("const", "name"):
            new, slot = _record(new, slots, anchor)
            sub = (sub[0], slot, sub[2], sub[3])
        node.operand = new
        return node, ("not", None, pos, sub)
    if _isinstance(node, _ast.Constant):
        return node, ("const", None, pos, node.value)
    if _isinstance(node, _ast.Name):
        # Looked up in the test's frame when the assert fails: a name cannot be rebound
        # while its expression runs (short of a walrus, which is recorded as an expression).
        return node, ("name", None, pos, node.id)
    if _isinstance(node, _ast.Attribute) and depth < _OPAQUE_DEPTH:
        inner, sub = _instrument(node.value, slots, depth + 1, anchor)
        node.value = inner
        new, slot = _record(node, slots, anchor)
        return new, ("attr", slot, pos, (sub, node.attr))
    if _isinstance(node, _ast.Call) and depth < _OPAQUE_DEPTH:
        func = node.func
        if _isinstance(func, _ast.Attribute):
            inner, sub = _instrument(func.value, slots, depth + 1, anchor)
            func.value = inner
            func_spec = ("method", None, _pos(func), (sub, func.attr))
        else:
            func_spec = ("src", None, _pos(func), None)
        args, arg_specs = [], []
        for arg in node.args:
            if _isinstance(arg, _ast.Starred):
                args.append(arg)
                arg_specs.append(("src", None, _pos(arg), None))
            else:
                new, sub = _instrument(arg, slots, depth + 1, anchor)
                args.append(new)
                arg_specs.append(sub)
        node.args = args
        kw_specs = []
        for keyword in node.keywords:
            if keyword.arg is None:
                kw_specs.append((None, ("src", None, _pos(keyword.value), None)))
                continue
            new, sub = _instrument(keyword.value, slots, depth + 1, anchor)
            keyword.value = new
            kw_specs.append((keyword.arg, sub))
        new, slot = _record(node, slots, anchor)
        return new, ("call", slot, pos, (func_spec, arg_specs, kw_specs))
    if _isinstance(node, _ast.GeneratorExp):
        return node, ("genexp", None, pos, None)  # another scope: shown as written
    if _isinstance(node, (_ast.Lambda, _ast.ListComp, _ast.SetComp, _ast.DictComp)):
        return node, ("src", None, pos, None)
    new, slot = _record(node, slots, anchor)
    return new, ("expr", slot, pos, None)


def _operand(node, slots, depth, anchor, always):
    """An operand of a comparison or and/or, instrumented. Its value is recorded when
    `always` (a chain or and/or: the failure must know which operands ran) and when it is
    not a plain name or constant."""
    new, sub = _instrument(node, slots, depth + 1, anchor)
    if sub[1] is not None:
        return new, sub, sub[1]
    if not always and sub[0] in ("name", "const"):
        return new, sub, None
    new, slot = _record(new, slots, anchor)
    return new, sub, slot


def _is_plain_name_value(value):
    """Functions, classes and modules are shown by name, not by repr."""
    return _isinstance(value, (type, _ModuleType, _FunctionType)) or type(value).__name__ in (
        "builtin_function_or_method", "method", "method-wrapper")


def _where_repr(value):
    text = _short_repr(value)
    if _len(text) > WHERE_CAP:
        text = text[:WHERE_CAP] + "...(%d more characters)" % (_len(text) - WHERE_CAP)
    return text


class _Values:
    """What a failed assert saw: its recorded slots, and the names of its frame."""

    def __init__(self, frame):
        self.recorded = {int(k[9:]): v for k, v in frame.f_locals.items()
                         if _isinstance(k, _str) and k.startswith("@iolings_")
                         and v is not _UNSET} if frame is not None else {}
        self.frame = frame

    def __contains__(self, slot):
        return slot in self.recorded

    def operand(self, entry):
        """The value of a comparison's operand: (slot, spec)."""
        slot, spec = entry
        if slot is not None and slot in self.recorded:
            return self.recorded[slot]
        return self.of(spec)[1]

    def of(self, spec):
        """(known, value) of a spec: recorded, a constant, or a name looked up."""
        kind, slot, _, extra = spec
        if slot is not None:
            return (True, self.recorded[slot]) if slot in self.recorded else (False, None)
        if kind == "const":
            return True, extra
        if kind == "name" and self.frame is not None:
            for namespace in (self.frame.f_locals, self.frame.f_globals,
                              self.frame.f_builtins):
                try:
                    return True, namespace[extra]
                except (KeyError, TypeError):
                    continue
        return False, None


def _show(spec, values, wheres, depth=0):
    """The expression of `spec` with the values it had. Its "where" lines go to `wheres` as
    (depth, text), outer calls first, as pytest orders them."""
    kind, slot, pos, extra = spec
    if kind in ("const", "src", "genexp"):
        return _segment(pos)
    if kind == "not":
        return "not " + _show(extra, values, wheres, depth)
    if kind == "bool":
        op, operands = extra
        shown = [_show(sub, values, wheres, depth) for slot, sub in operands if slot in values]
        return "(" + (" %s " % op).join(shown) + ")"
    if kind == "cmp":
        operands, ops = extra
        i = _failing_pair(operands, values)
        return "%s %s %s" % (_show(operands[i][1], values, wheres, depth), ops[i],
                             _show(operands[i + 1][1], values, wheres, depth))
    known, value = values.of(spec)
    if not known:
        return _segment(pos)
    if kind == "name":
        return _segment(pos) if _is_plain_name_value(value) else _where_repr(value)
    if kind == "expr":
        return _where_repr(value)
    if kind == "attr" and _is_plain_name_value(value):
        return _segment(pos)
    text = _where_repr(value)
    at = _len(wheres)
    wheres.append(None)  # this line comes before those of its parts
    if kind == "attr":
        sub, attr = extra
        line = "%s = %s.%s" % (text, _show(sub, values, wheres, depth + 1), attr)
    else:
        func_spec, arg_specs, kw_specs = extra
        if func_spec[0] == "method":
            sub, attr = func_spec[3]
            func_text = "%s.%s" % (_show(sub, values, wheres, depth + 1), attr)
        else:
            func_text = _segment(func_spec[2])
        args = [_show(a, values, wheres, depth + 1) for a in arg_specs]
        args += [("%s=%s" % (k, _show(v, values, wheres, depth + 1))) if k
                 else "**" + _show(v, values, wheres, depth + 1) for k, v in kw_specs]
        if _len(arg_specs) == 1 and not kw_specs and arg_specs[0][0] == "genexp":
            line = "%s = %s%s" % (text, func_text, args[0])  # f(x for x in y): one pair of ()
        else:
            line = "%s = %s(%s)" % (text, func_text, ", ".join(args))
    wheres[at] = (depth, line)
    return text


def _where_lines(wheres, indent):
    seen, out = set(), []
    for depth, line in wheres:
        if line not in seen:
            seen.add(line)
            out.append(indent + "  " * depth + "where " + line)
    return out


def _failing_pair(operands, values):
    """Index of the comparison that failed in a chain: the last one whose operands both ran."""
    if _len(operands) == 2:
        return 0
    evaluated = [i for i, (slot, _) in enumerate(operands) if slot in values]
    last = evaluated[-1] if evaluated else 1
    return max(0, min(last, _len(operands) - 1) - 1)


def __iolings_fail__(index, msg=None):
    spec, has_message = _SPECS[index]
    first, end, shift = _AHEAD_SPECS
    if first <= index < end and shift:
        spec = _moved_spec(spec, shift)  # compiled ahead, as if the tests began at line 1
    values = _Values(sys._getframe(1))
    detail = str(msg) if has_message else None
    assertion = None
    try:
        wheres = []
        text = _show(spec, values, wheres)
        if spec[0] == "cmp":
            operands, ops = spec[3]
            i = _failing_pair(operands, values)
            left, right = values.operand(operands[i]), values.operand(operands[i + 1])
            assertion = {"op": ops[i], "left": _describe(left, right), "right": _describe(right, left),
                         "has_message": has_message, "helper": None,
                         "explain": _where_lines(wheres, "")}
            summary = "%s %s %s" % (_short_repr(left), ops[i], _short_repr(right))
        else:
            summary = "assert " + text
        lines = [summary] + _where_lines(wheres, "  ")
        explanation = "\n".join(lines)
    except Exception as exc:  # explaining must never hide the failure itself
        explanation = "assert %s (no values: %s)" % (_segment(spec[2]), type(exc).__name__)
        assertion = None
    if detail is None:
        message = explanation
    elif spec[0] == "cmp":
        message = detail
    else:
        message = detail + "\n" + explanation
    error = AssertionError(message)
    error.__iolings__ = assertion
    raise error


def _short_repr(value, cap=REPR_CAP):
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not hide the real failure
        text = "<repr failed: %s>" % type(exc).__name__
    if len(text) > cap:
        text = text[:cap] + "... (%d more characters)" % (len(text) - cap)
    return text


_CONTAINERS = (list, tuple, dict, set, frozenset)
_PRETTY_WIDTH = 60


def _pretty_width(value, other):
    """The width one side of a comparison of containers is laid out at. pprint keeps a value
    that fits on one line; when the other side is broken over many lines, a short side left on
    one line would make the diff mark every line, so it is broken too (just under its length)."""
    if not isinstance(other, _CONTAINERS):
        return _PRETTY_WIDTH
    try:
        mine, theirs = len(repr(value)), len(repr(other))
    except Exception:
        return _PRETTY_WIDTH
    if mine <= _PRETTY_WIDTH < theirs:
        return max(1, mine - 1)
    return _PRETTY_WIDTH


def _describe(value, other=None):
    """One side of a comparison (against `other`, the other side), in the form the runner
    diffs."""
    if isinstance(value, str):
        kind, text = "str", value
    elif isinstance(value, (bytes, bytearray)):
        # Each line escaped as in a bytes literal, so the diff shows b'\xe9' and not mojibake.
        kind = "bytes"
        text = "\n".join(repr(bytes(line))[2:-1] for line in bytes(value).split(b"\n"))
    elif isinstance(value, _CONTAINERS):
        import pprint  # only on a failing comparison of containers

        kind = type(value).__name__
        if kind in ("tuple", "frozenset"):
            kind = {"tuple": "list", "frozenset": "set"}[kind]
        try:
            text = pprint.pformat(value, width=_pretty_width(value, other))
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


# ---------------------------------------------------------------------------------------------
# unittest's assert helpers get the same structured record as a plain assert: the two sides
# (first argument = got, second = expected), diffed by the runner with one legend, instead of
# unittest's own diff text (whose -/+ mean the opposite of pytest's).

_HELPERS = {
    # name: (op, first parameter, second parameter)
    "assertEqual": "==", "assertMultiLineEqual": "==", "assertListEqual": "==",
    "assertTupleEqual": "==", "assertDictEqual": "==", "assertSetEqual": "==",
    "assertSequenceEqual": "==", "assertCountEqual": "==", "assertNotEqual": "!=",
    "assertIn": "in", "assertNotIn": "not in", "assertIs": "is", "assertIsNot": "is not",
    "assertGreater": ">", "assertGreaterEqual": ">=", "assertLess": "<",
    "assertLessEqual": "<=", "assertAlmostEqual": "~=", "assertNotAlmostEqual": "!~=",
    "assertIsNone": "is", "assertIsNotNone": "is not",
}
_MSG_POSITION = {"assertIsNone": 1, "assertIsNotNone": 1, "assertAlmostEqual": 3,
                 "assertNotAlmostEqual": 3}
_IN_HELPER = [False]
_UNITTEST_READY = [False]
_LAST_SKIP = [None]  # the SkipTest most recently created (for where a skip came from)


def _patch_unittest():
    if _UNITTEST_READY[0] or "unittest" not in sys.modules:
        return
    _UNITTEST_READY[0] = True
    import unittest

    case = unittest.TestCase
    for name, op in _HELPERS.items():
        original = getattr(case, name, None)
        if original is not None:
            setattr(case, name, _helper(name, op, original))
    skip_init = unittest.SkipTest.__init__

    def remember(self, *args, **kwargs):
        skip_init(self, *args, **kwargs)
        _LAST_SKIP[0] = self

    unittest.SkipTest.__init__ = remember


def _helper(name, op, original):
    def helper(self, *args, **kwargs):
        if _IN_HELPER[0]:  # assertEqual calls assertMultiLineEqual...: only the outer one
            return original(self, *args, **kwargs)
        if name == "assertCountEqual" and _len(args) >= 2:
            args = (list(args[0]), list(args[1])) + args[2:]  # iterators are read once
        _IN_HELPER[0] = True
        try:
            return original(self, *args, **kwargs)
        except self.failureException as exc:
            _annotate(exc, name, op, args, kwargs)
            raise
        finally:
            _IN_HELPER[0] = False

    helper.__name__ = helper.__qualname__ = name
    helper.__doc__ = original.__doc__
    helper.__wrapped__ = original
    return helper


def _annotate(exc, name, op, args, kwargs):
    try:
        if name in ("assertIsNone", "assertIsNotNone"):
            first, second = (args[0] if args else kwargs.get("obj")), None
        else:
            first = args[0] if args else kwargs.get("first", kwargs.get("member"))
            second = args[1] if _len(args) > 1 else kwargs.get("second",
                                                                 kwargs.get("container"))
        at = _MSG_POSITION.get(name, 2)
        msg = args[at] if _len(args) > at else kwargs.get("msg")
        standard = _str(exc).split("\n")
        summary = standard[0]
        if name == "assertCountEqual":
            # "Element counts were not equal:" says nothing by itself: keep the counts.
            summary = " ".join(line.strip() for line in standard[:2] if line.strip())
            body = "\n".join([summary] + standard[2:])
            first, second = _sorted(first), _sorted(second)
        elif name in ("assertAlmostEqual", "assertNotAlmostEqual"):
            body = summary
        else:
            body = None
        if msg is not None:
            message, has_message = _str(msg), True
            if body is not None:
                message = body + "\n" + message
        elif body is not None:
            message, has_message = body, True
        else:
            message, has_message = summary, False
        exc.args = (message,)
        exc.__iolings__ = {"op": op, "left": _describe(first, second), "right": _describe(second, first),
                           "has_message": has_message, "helper": name, "explain": []}
    except Exception:
        pass  # the helper's own message stays


def _sorted(items):
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=_short_repr)


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

_PATH = [""]
_SPAN_CAP = 12  # lines of one statement shown with a frame


def _code_at(line):
    """The statement at `line`: the whole of it when it spans several lines."""
    first, last = _SPANS.get(line, (line, line))
    if not 0 < first <= _len(_SOURCE_LINES):
        return ""
    if first == last:
        return _SOURCE_LINES[first - 1].strip()
    lines = _SOURCE_LINES[first - 1:min(last, first + _SPAN_CAP - 1)]
    indent = _len(lines[0]) - _len(lines[0].lstrip())
    shown = [ln[indent:] if ln[:indent].strip() == "" else ln.strip() for ln in lines]
    if last - first + 1 > _SPAN_CAP:
        shown.append("... (%d more lines)" % (last - first + 1 - _SPAN_CAP))
    return "\n".join(s.rstrip() for s in shown)


def _frames(tb, path):
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == path:
            line = tb.tb_lineno
            frames.append({"line": line, "func": code.co_name, "code": _code_at(line)})
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
    if _len(text) > TEXT_CAP:
        text = text[:TEXT_CAP] + "\n... (message cut: %d more characters)" % (
            _len(text) - TEXT_CAP)
    return text


# ---------------------------------------------------------------------------------------------
# Compile, import.


def _compile(path):
    """The exercise's code objects, to run in order in one module; None after reporting a
    compile error."""
    with open(path, "rb") as f:
        source = f.read()
    _read_source(source)
    codes = _compile_with_ahead(source, path)
    if codes is not None:
        return codes
    # optimize=0 always: under -O or PYTHONOPTIMIZE plain asserts would vanish and pass.
    try:
        tree = compile(source, path, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True, optimize=0)
        _scan_module(tree)
        return [compile(_rewrite(tree), path, "exec", dont_inherit=True, optimize=0)]
    except (SyntaxError, ValueError, TypeError, RecursionError):
        pass
    # Some errors only show when compiling (`return` outside a function...), and a rewrite
    # must never be what breaks a file: compile the source as written and report its error.
    try:
        return [compile(source, path, "exec", dont_inherit=True, optimize=0)]
    except (SyntaxError, ValueError) as exc:
        record = {"event": "compile_error", "type": type(exc).__name__,
                  "message": getattr(exc, "msg", None) or str(exc)}
        if isinstance(exc, SyntaxError):
            record.update(line=exc.lineno, col=exc.offset,
                          end_col=getattr(exc, "end_offset", None),
                          text=(exc.text or "").rstrip("\n"))
        _send(record)
        return None


# ---------------------------------------------------------------------------------------------
# The tests section, compiled ahead. Parsing, rewriting and compiling the tests is most of what
# a save costs before its first test runs (they are most of the file), and they seldom change
# between saves. So the runner hands over the tests section of the file as it was when this
# interpreter started (IOLINGS_TESTS_AHEAD, a file in TMPDIR, read and removed before the
# go), and it is compiled while the learner is still typing, as if it began at line 1. At the
# go, when the file still ends with exactly those bytes, only the code above them is
# compiled; the tests' code objects are moved down to where the tests now begin (line
# numbers in code objects are counted from co_firstlineno), and so are the line numbers
# noted on the way. Anything unusual (a different tests section, a code part that does not
# compile on its own, a __future__ import, a warning while compiling) takes the whole-file
# path above instead, so what a learner sees never depends on this.

_AHEAD = []  # (tests bytes, code, spans, class lines, pytestmark line, first spec, end spec)
_AHEAD_SPECS = [0, 0, 0]  # specs [first, end) are the ahead ones, to be moved down by [2]
_CodeType = type(_compile.__code__)


def _compile_ahead():
    name = os.environ.pop("IOLINGS_TESTS_AHEAD", None)
    if not name:
        return
    try:
        with open(name, "rb") as f:
            tests = f.read()
        os.unlink(name)  # gone before the go: tests that list TMPDIR never see it
    except OSError:
        return
    import warnings

    first = _len(_SPECS)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tree = compile(tests, _PATH[0], "exec", _ast.PyCF_ONLY_AST, dont_inherit=True,
                           optimize=0)
            body = tree.body
            if body and _isinstance(body[0], _ast.Expr) and _isinstance(
                    body[0].value, _ast.Constant):
                return  # a string first would be the module's docstring: the slow way
            _scan_module(tree)
            code = compile(_rewrite(tree), _PATH[0], "exec", dont_inherit=True, optimize=0)
        if not caught:
            _AHEAD.append((tests, code, dict(_SPANS), dict(_CLASS_LINES), _PYTESTMARK_LINE[0],
                           first, _len(_SPECS)))
            _preload(tree)
    except Exception:
        pass
    finally:
        _forget_scan()


def _preload(tree):
    """Import, before the go, the standard-library modules the tests import (at the top or
    inside a test): `import tarfile` alone can cost 10 ms after it. Only the standard
    library: the exercise's folder is not on sys.path yet, and no code of its runs."""
    names = set()
    for node in _ast.walk(tree):
        if _isinstance(node, _ast.Import):
            names.update(alias.name for alias in node.names)
        elif _isinstance(node, _ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    stdlib = getattr(sys, "stdlib_module_names", ())
    for name in sorted(names):
        top = name.partition(".")[0]
        if top in stdlib and top not in ("this", "antigravity") and name not in sys.modules:
            try:  # (those two print or open a browser when imported: they wait for the go)
                __import__(name)
            except Exception:
                pass
    import gc

    gc.freeze()  # these too live to the end


def _forget_scan():
    """Drop what _scan_module and _rewrite noted of a tree that is not the one that runs."""
    _SPANS.clear()
    _CLASS_LINES.clear()
    _PYTESTMARK_LINE[0] = 0


def _compile_with_ahead(source, path):
    if not _AHEAD:
        return None
    tests, tests_code, spans, class_lines, mark_line, first, end = _AHEAD.pop()
    start = _len(source) - _len(tests)
    if start <= 0 or not source.endswith(tests) or source[start - 1:start] not in (b"\n",
                                                                                    b"\r"):
        return None
    code_part = source[:start]
    # As Python counts lines (\r\n, \r, \n): the tests' first line is this one.
    shift = code_part.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")
    if shift + 1 != _TESTS_LINE[0]:
        return None  # another marker above: the file is not split where the runner split it
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tree = compile(code_part, path, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True,
                           optimize=0)
        if caught or any(_isinstance(node, _ast.ImportFrom) and node.module == "__future__"
                         for node in tree.body):
            return None  # its warnings are shown the usual way; a __future__ import is for both parts
        _scan_module(tree)
        code = compile(_rewrite(tree), path, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError, TypeError, RecursionError):
        _forget_scan()
        return None
    for line, (a, b) in spans.items():
        _SPANS.setdefault(line + shift, (a + shift, b + shift))
    for name, line in class_lines.items():
        _CLASS_LINES[name] = line + shift  # a later definition wins, as in one module
    if mark_line:
        _PYTESTMARK_LINE[0] = mark_line + shift
    _AHEAD_SPECS[:] = [first, end, shift]
    return [code, _moved(tests_code, shift)]


def _moved(code, shift):
    consts = tuple(_moved(c, shift) if _isinstance(c, _CodeType) else c for c in code.co_consts)
    return code.replace(co_firstlineno=code.co_firstlineno + shift, co_consts=consts)


def _moved_spec(spec, shift):
    """An assert's spec with its source positions `shift` lines further down."""
    kind, slot, pos, extra = spec
    pos = (pos[0] + shift, pos[1], pos[2] + shift, pos[3])
    if kind == "not":
        extra = _moved_spec(extra, shift)
    elif kind == "bool":
        extra = (extra[0], [(s, _moved_spec(sub, shift)) for s, sub in extra[1]])
    elif kind == "cmp":
        extra = ([(s, _moved_spec(sub, shift)) for s, sub in extra[0]], extra[1])
    elif kind in ("attr", "method"):
        extra = (_moved_spec(extra[0], shift), extra[1])
    elif kind == "call":
        func_spec, arg_specs, kw_specs = extra
        extra = (_moved_spec(func_spec, shift), [_moved_spec(a, shift) for a in arg_specs],
                 [(k, _moved_spec(v, shift)) for k, v in kw_specs])
    return (kind, slot, pos, extra)


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


class _PytestStandIn:
    """Last on sys.meta_path: `import pytest` finds the real one when it is installed (and
    site-packages are on), and iolings_pytest otherwise."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "pytest":
            return None
        return type(sys.__spec__)("pytest", _PytestStandIn, origin="iolings_pytest")

    @staticmethod
    def create_module(spec):
        return _shim()

    @staticmethod
    def exec_module(module):
        pass


def _shim():
    module = sys.modules.get("iolings_pytest")
    if module is None:
        if _HERE not in sys.path:
            sys.path.insert(0, _HERE)
        import iolings_pytest as module
    return module


def _import(codes, path):
    name = os.path.splitext(os.path.basename(path))[0]
    if name in getattr(sys, "stdlib_module_names", ()) or name in sys.modules:
        name = "exercise_" + name  # an exercise called `tempfile` must not replace the real one
    module = _ModuleType(name)
    module.__file__ = path
    module.__dict__["__iolings_fail__"] = __iolings_fail__
    module.__dict__["__iolings_unset__"] = _UNSET
    module.__dict__["__builtins__"] = __builtins__
    sys.modules[name] = module
    sys.meta_path.append(_PytestStandIn)
    try:
        for code in codes:  # the code part, then the tests (or the whole file at once)
            exec(code, module.__dict__)
    except SystemExit as exc:
        _leave_early(exc, "import", path)
    except BaseException as exc:
        record = {"event": "crash"}
        record.update(_exception_record(exc, path))
        _send(record)
        _finish(1)
    return module


# ---------------------------------------------------------------------------------------------
# Collection, as pytest does it: module-level `test*` functions, `Test*` classes without an
# __init__ and unittest.TestCase subclasses, with their inherited `test*` methods; each
# parametrized case is a test of its own. Ordered by where they are written (a class's tests
# where the class is; inherited ones first, as in pytest).


class _Item:
    __slots__ = ("name", "line", "kind", "func", "cls", "attr", "params", "fixparams",
                 "indirect", "marks", "mark_lines", "argnames", "usefixtures")

    def __init__(self, name, line, kind, func, cls=None, attr=None):
        self.name, self.line, self.kind, self.func = name, line, kind, func
        self.cls, self.attr = cls, attr
        self.params, self.fixparams, self.indirect = {}, {}, ()
        self.marks, self.mark_lines, self.argnames, self.usefixtures = [], {}, (), []

    def add_marks(self, marks, line):
        """Marks, closest first, each with the line that declared it."""
        for mark in marks:
            self.marks.append(mark)
            self.mark_lines[id(mark)] = line


def _unwrap(func):
    """The function a decorator wrapped (functools.wraps, mock.patch, partial)."""
    seen = 0
    while seen < 100:
        seen += 1
        inner = getattr(func, "__wrapped__", None)
        if inner is None:
            partial_func = getattr(func, "func", None)
            if type(func).__name__ == "partial" and partial_func is not None:
                inner = partial_func
            else:
                break
        func = inner
    return func


def _line_of(func, fallback=0):
    code = getattr(_unwrap(func), "__code__", None)
    if code is None or code.co_filename != _PATH[0]:
        return fallback
    return code.co_firstlineno


def _fixture_marker(obj):
    if _isinstance(obj, _FunctionType):
        attrs = obj.__dict__
        return attrs.get("_fixture_function_marker") or attrs.get("_pytestfixturefunction")
    if type(obj).__name__ == "FixtureFunctionDefinition":
        return getattr(obj, "_fixture_function_marker", None)
    return None


def _marks(obj):
    try:
        marks = getattr(obj, "pytestmark", [])
    except Exception:
        return []
    if not _isinstance(marks, (list, tuple)):
        marks = [marks]
    out = []
    for mark in marks:
        mark = getattr(mark, "mark", mark)  # a MarkDecorator stored by hand
        if _isinstance(getattr(mark, "name", None), _str):
            out.append(mark)
    return out


def _is_testcase(obj):
    if "unittest" not in sys.modules:
        return False
    import unittest

    return issubclass(obj, unittest.TestCase)


def _collect(module):
    entries = []  # (line, position, [items])
    module_marks = (_marks(module), _PYTESTMARK_LINE[0])
    for position, (name, obj) in enumerate(list(vars(module).items())):
        if name.startswith("test") and _isinstance(obj, _FunctionType) \
                and obj.__module__ == module.__name__ and _fixture_marker(obj) is None:
            item = _Item(name, _line_of(obj), "function", obj)
            entries.append((item.line, position, _expand(item, obj, None, module,
                                                         module_marks)))
        elif _isinstance(obj, type) and obj.__module__ == module.__name__ \
                and getattr(obj, "__test__", True):
            if _is_testcase(obj):
                items = _collect_class(name, obj, module, module_marks, "unittest")
            elif name.startswith("Test") and obj.__init__ is object.__init__ \
                    and obj.__new__ is object.__new__:
                items = _collect_class(name, obj, module, module_marks, "method")
            else:
                continue
            if items:
                line = _CLASS_LINES.get(name) or min(i.line for i in items)
                entries.append((line, position, items))
    entries.sort(key=lambda e: (e[0], e[1]))
    return [item for _, _, items in entries for item in items]


def _collect_class(class_name, cls, module, module_marks, kind):
    groups, seen = [], set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        group = []
        for attr, member in list(vars(klass).items()):
            if attr in seen:
                continue
            seen.add(attr)
            if not attr.startswith("test"):
                continue
            func = getattr(member, "__func__", member)  # staticmethod / classmethod
            if kind == "unittest":
                if not callable(getattr(cls, attr, None)):
                    continue
            elif not _isinstance(func, _FunctionType) or _fixture_marker(func) is not None:
                continue
            group.append((attr, member, func))
        groups.append(group)
    class_line = _CLASS_LINES.get(class_name, 0)
    items = []
    for group in reversed(groups):  # inherited tests first, as in pytest
        for attr, member, func in group:
            item = _Item("%s.%s" % (class_name, attr), _line_of(func) or class_line, kind,
                         func, cls, attr)
            item.add_marks(_marks(cls), class_line)
            items.extend(_expand(item, func, member, module, module_marks))
    return items


def _expand(item, func, member, module, module_marks):
    """The item's parametrized cases (or the item itself), with its fixture arguments."""
    own, own_lines = item.marks, item.mark_lines  # the class's, when it is a method
    item.marks, item.mark_lines = [], {}
    item.add_marks(_marks(func), item.line)
    for mark in own:
        item.add_marks([mark], own_lines.get(id(mark), item.line))
    item.add_marks(module_marks[0], module_marks[1] or item.line)
    if item.kind == "unittest":
        return [item]
    is_method = item.kind == "method" and not _isinstance(member, staticmethod)
    item.argnames = _argnames(func, is_method)
    for mark in item.marks:
        if mark.name == "usefixtures":
            item.usefixtures.extend(mark.args)
    # Fixture params vary slowest, then each parametrize mark, closest to the function first.
    parametrizations = [_fixture_parametrization(name, marker)
                        for name, marker in _fixture_params(item, module)]
    parametrizations += [_mark_parametrization(m) for m in item.marks
                         if m.name == "parametrize"]
    if not parametrizations:
        return [item]
    cases = [([], {}, [], {}, ())]  # (ids, params, marks, fixture params, indirect)
    for sets in parametrizations:
        cases = [(ids + [pid], dict(params, **({} if is_fixture else values)),
                  marks + list(set_marks), dict(fixparams, **(values if is_fixture else {})),
                  indirect + tuple(set_indirect))
                 for ids, params, marks, fixparams, indirect in cases
                 for pid, values, set_marks, is_fixture, set_indirect in sets]
    out = []
    for ids, params, marks, fixparams, indirect in cases:
        case = _Item("%s[%s]" % (item.name, "-".join(ids)), item.line, item.kind, item.func,
                     item.cls, item.attr)
        case.params, case.fixparams, case.indirect = params, fixparams, indirect
        case.add_marks(marks, item.line)
        case.marks += item.marks
        case.mark_lines.update(item.mark_lines)
        case.argnames, case.usefixtures = item.argnames, item.usefixtures
        out.append(case)
    return out


def _argnames(func, is_method):
    """The parameters pytest fills with fixtures: those without defaults, after `self` and
    the arguments mock.patch decorators pass."""
    real = _unwrap(func)
    code = getattr(real, "__code__", None)
    if code is None:
        return ()
    positional = list(code.co_varnames[:code.co_argcount])
    defaults = getattr(real, "__defaults__", None) or ()
    if defaults:
        positional = positional[:_len(positional) - _len(defaults)]
    kwonly = list(code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount])
    kwdefaults = getattr(real, "__kwdefaults__", None) or {}
    kwonly = [name for name in kwonly if name not in kwdefaults]
    if is_method and positional:
        positional = positional[1:]
    patchings = getattr(func, "patchings", None) or ()
    mocks = sum(1 for p in patchings if not getattr(p, "attribute_name", None)
                and type(getattr(p, "new", None)).__name__ == "_SentinelObject")
    return tuple(positional[mocks:] + kwonly)


def _fixture_params(item, module):
    """Fixtures with params= in the item's closure: each of their values is a case (unless a
    parametrize mark gives the argument, directly or through the fixture)."""
    found, seen = [], set()
    for mark in item.marks:
        if mark.name == "parametrize":
            seen.update(_param_names(mark))

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        fdef = _find_fixture(name, item.cls, module)
        if fdef is None:
            return
        for sub in _argnames(fdef[1], fdef[2]):
            visit(sub)
        if fdef[0].params is not None:
            found.append((name, fdef[0]))

    for name in _autouse_names(item.cls, module) + list(item.usefixtures) + list(item.argnames):
        visit(name)
    return found


def _fixture_parametrization(name, marker):
    ids = _make_ids([(value,) for value in marker.params], [name], marker.ids)
    return [(pid, {name: (i, value)}, (), True, ()) for i, (pid, value) in
            enumerate(zip(ids, marker.params))]


def _param_names(mark):
    names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
    if _isinstance(names, _str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    return list(names)


def _is_param_set(value):
    return type(value).__name__ == "ParameterSet" and _isinstance(value, tuple)


def _mark_parametrization(mark):
    names = _param_names(mark)
    values = mark.args[1] if _len(mark.args) > 1 else mark.kwargs.get("argvalues", ())
    ids = mark.kwargs.get("ids")
    if _len(mark.args) > 2 and ids is None:
        ids = mark.args[2]
    indirect = mark.kwargs.get("indirect", False)
    indirect = tuple(names) if indirect is True else tuple(indirect or ())
    sets = []
    for value in values:
        if _is_param_set(value):
            sets.append((tuple(value.values), tuple(value.marks), value.id))
        elif _len(names) == 1:
            sets.append(((value,), (), None))
        else:
            sets.append((tuple(value), (), None))
    if not sets:
        # pytest: an empty parameter set is one skipped case named [NOTSET].
        skip = _EmptyMark("skip", (), {"reason": "got empty parameter set %r" % (names,)})
        return [("NOTSET", dict.fromkeys(names), (skip,), False, ())]
    pids = _make_ids([s[0] for s in sets], names, ids, [s[2] for s in sets])
    return [(pid, dict(zip(names, s[0])), s[1], False, indirect) for pid, s in zip(pids, sets)]


class _EmptyMark:
    __slots__ = ("name", "args", "kwargs")

    def __init__(self, name, args, kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs


def _ascii_escaped(value):
    if _isinstance(value, bytes):
        text = value.decode("ascii", "backslashreplace")
    else:
        text = value.encode("unicode_escape").decode("ascii")
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif code < 32 or code >= 127:
            out.append("\\x%02x" % code)
        else:
            out.append(ch)
    return "".join(out)


def _idval(value):
    """pytest's id for one parameter value, or None to fall back to argname + index."""
    if _isinstance(value, (_str, bytes)):
        return _ascii_escaped(value)
    if value is None or _isinstance(value, (float, int, bool, complex)):
        return _str(value)
    type_name = type(value).__name__
    if type_name == "Pattern":
        return _ascii_escaped(value.pattern)
    if any(k.__name__ == "Enum" for k in type(value).__mro__):
        return _str(value)
    name = getattr(value, "__name__", None)
    if _isinstance(name, _str):
        return name
    return None


def _make_ids(sets, names, ids, explicit=None):
    """Ids as pytest makes them (its "short" strategy: strings over 100 characters fall back
    to argname + index), made unique with numeric suffixes."""
    resolved = []
    for idx, values in enumerate(sets):
        given = explicit[idx] if explicit else None
        if given is not None:
            resolved.append(_ascii_escaped(_str(given)))
            continue
        if ids is not None and not callable(ids) and idx < _len(ids) and ids[idx] is not None:
            value = _idval(ids[idx])
            resolved.append(value if value is not None else "%s%d" % (names[0], idx))
            continue
        parts = []
        for value, name in zip(values, names):
            part = None
            if callable(ids) and not _isinstance(ids, (list, tuple)):
                made = ids(value)
                part = _idval(made) if made is not None else None
            if part is None:
                if _isinstance(value, (_str, bytes)) and _len(value) > 100:
                    part = None
                else:
                    part = _idval(value)
            parts.append(part if part is not None else "%s%d" % (name, idx))
        resolved.append("-".join(parts))
    if _len(set(resolved)) != _len(resolved):
        counts = {}
        for pid in resolved:
            counts[pid] = counts.get(pid, 0) + 1
        suffixes = {}
        for index, pid in enumerate(resolved):
            if counts[pid] > 1:
                suffix = "_" if pid and pid[-1].isdigit() else ""
                n = suffixes.get(pid, 0)
                new = "%s%s%d" % (pid, suffix, n)
                while new in resolved:
                    n += 1
                    new = "%s%s%d" % (pid, suffix, n)
                resolved[index] = new
                suffixes[pid] = n + 1
    return resolved


# ---------------------------------------------------------------------------------------------
# Fixtures: the built-in ones (tmp_path, capsys, monkeypatch...) and the file's own
# @pytest.fixture functions, at their scopes, with `yield` for teardown.

_BUILTIN_FIXTURES = ("tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory", "capsys",
                     "capsysbinary", "monkeypatch", "caplog", "recwarn", "request",
                     "subtests")


def _find_fixture(name, cls, module):
    """(marker, function, is_method) of the fixture `name` defined in the class or module."""
    if cls is not None:
        for klass in cls.__mro__:
            member = vars(klass).get(name)
            if member is not None:
                func = getattr(member, "__func__", member)
                marker = _fixture_marker(func)
                if marker is not None and (marker.name or name) == name:
                    return marker, _fixture_function(func), True
        for klass in cls.__mro__:
            for attr, member in vars(klass).items():
                func = getattr(member, "__func__", member)
                marker = _fixture_marker(func)
                if marker is not None and marker.name == name:
                    return marker, _fixture_function(func), True
    defs = _module_fixtures(module)
    return defs.get(name)


_MODULE_FIXTURES = []


def _module_fixtures(module):
    if _MODULE_FIXTURES:
        return _MODULE_FIXTURES[0]
    defs = {}
    for attr, obj in list(vars(module).items()):
        marker = _fixture_marker(obj)
        if marker is not None:
            defs[marker.name or getattr(obj, "__name__", attr) or attr] = (
                marker, _fixture_function(obj), False)
    _MODULE_FIXTURES.append(defs)
    return defs


def _fixture_function(obj):
    wrapped = getattr(obj, "__pytest_wrapped__", None)  # pytest before 8.4
    if wrapped is not None and hasattr(wrapped, "obj"):
        return wrapped.obj
    getter = getattr(obj, "_get_wrapped_function", None)  # pytest 8.4+
    if getter is not None:
        return getter()
    return obj


def _autouse_names(cls, module):
    names = [name for name, (marker, _, _) in _module_fixtures(module).items()
             if marker.autouse]
    if cls is not None:
        for klass in reversed(cls.__mro__):
            for attr, member in vars(klass).items():
                marker = _fixture_marker(getattr(member, "__func__", member))
                if marker is not None and marker.autouse:
                    names.append(marker.name or attr)
    return names


class _Fixtures:
    """Fixture values for one test; higher scopes are cached across tests in _SCOPED."""

    def __init__(self, item, module, instance, subtest_report):
        self.item, self.module, self.instance = item, module, instance
        self.values = {k: v for k, v in item.params.items() if k not in item.indirect}
        self.finalizers = []
        self.subtest_report = subtest_report
        self.active = set()

    def get(self, name):
        if name in self.values:
            return self.values[name]
        if name in self.active:
            raise RuntimeError("fixture %r requests itself (a dependency loop)" % name)
        self.active.add(name)
        try:
            value = self._make(name)
        finally:
            self.active.discard(name)
        self.values[name] = value
        return value

    def _make(self, name):
        fdef = _find_fixture(name, self.item.cls, self.module)
        if fdef is None:
            if name in _BUILTIN_FIXTURES:
                return self._builtin(name)
            known = sorted(set(_BUILTIN_FIXTURES) | set(_module_fixtures(self.module)))
            raise LookupError("fixture %r not found; available fixtures: %s"
                              % (name, ", ".join(known)))
        marker, func, is_method = fdef
        scope = marker.scope if _isinstance(marker.scope, _str) else "function"
        param = _NO_PARAM
        if name in self.item.fixparams:
            index, param = self.item.fixparams[name]
        elif name in self.item.indirect and name in self.item.params:
            index, param = ("indirect", _id_key(self.item.params[name])), self.item.params[name]
        else:
            index = None
        key = (name, id(func), index, self._scope_key(scope))
        if scope != "function" and key in _SCOPED:
            return _SCOPED[key]
        if is_method and self.instance is not None:
            func = func.__get__(self.instance, type(self.instance))
        finalizers = self.finalizers if scope == "function" else _finalizers_for(scope,
                                                                                self.item)
        kwargs = {}
        for arg in _argnames(func, False):
            kwargs[arg] = self._request(param, scope, name, finalizers) if arg == "request" \
                else self.get(arg)
        result = func(**kwargs)
        code = getattr(_unwrap(func), "__code__", None)
        if code is not None and code.co_flags & _CO_GENERATOR:
            generator = result
            result = next(generator)
            finalizers.append(lambda: _finish_generator(generator, name))
        if scope != "function":
            _SCOPED[key] = result
        return result

    def _scope_key(self, scope):
        if scope == "class":
            return id(self.item.cls)
        return None

    def _request(self, param, scope, fixturename, finalizers):
        shim = _shim()
        item = self.item
        return shim.FixtureRequest(item.name, item.func, item.cls, self.instance, self.module,
                                   self.get, finalizers,
                                   shim._NOTSET if param is _NO_PARAM else param, scope,
                                   fixturename)

    def _builtin(self, name):
        if name == "tmp_path":  # the one most tests use: no need for the stand-in module
            import pathlib

            return pathlib.Path(_fresh_dir())
        shim = _shim()
        if name == "tmpdir":
            return shim.local_path(_fresh_dir())
        if name in ("tmp_path_factory", "tmpdir_factory"):
            if "factory" not in _SCOPED:
                _SCOPED["factory"] = shim.TempPathFactory(_fresh_dir)
            return _SCOPED["factory"]
        if name in ("capsys", "capsysbinary"):
            capture = shim.CaptureFixture(binary=name == "capsysbinary")
            capture._start()
            self.finalizers.append(capture._stop)
            return capture
        if name == "monkeypatch":
            patch = shim.MonkeyPatch()
            self.finalizers.append(patch.undo)
            return patch
        if name == "caplog":
            caplog = shim.LogCaptureFixture()
            caplog._start()
            self.finalizers.append(caplog._stop)
            return caplog
        if name == "recwarn":
            recorder = shim.WarningsRecorder()
            recorder.__enter__()
            self.finalizers.append(lambda: recorder.__exit__(None, None, None))
            return recorder
        if name == "request":
            return self._request(_NO_PARAM, "function", None, self.finalizers)
        return shim.Subtests(self.subtest_report)  # subtests

    def teardown(self):
        """Run the function-scope finalizers, newest first; the first error is raised."""
        return _run_finalizers(self.finalizers)


_NO_PARAM = object()
_SCOPED = {}  # cached values of class/module/session fixtures
_SCOPE_FINALIZERS = {}  # ("class", id) or "module" -> finalizers


def _id_key(value):
    try:
        hash(value)
        return value
    except TypeError:
        return id(value)


def _finalizers_for(scope, item):
    key = ("class", id(item.cls)) if scope == "class" and item.cls is not None else "module"
    return _SCOPE_FINALIZERS.setdefault(key, [])


def _finish_generator(generator, name):
    try:
        next(generator)
    except StopIteration:
        return
    raise ValueError("fixture %r has more than one `yield`: the code after the first is its "
                     "teardown" % name)


def _run_finalizers(finalizers):
    error = None
    while finalizers:
        finalizer = finalizers.pop()
        try:
            finalizer()
        except SystemExit:
            raise
        except BaseException as exc:
            if error is None:
                error = exc
    return error


_PLAIN_BASE = []


def _fresh_dir(prefix="tmp_path"):
    """A new empty directory in the sandbox, like pytest's tmp_path. Run by hand (the plain
    report), in a temporary folder instead: never in the checkout the command started in."""
    if _CHANNEL is None:
        if not _PLAIN_BASE:
            import tempfile

            _PLAIN_BASE.append(tempfile.mkdtemp(prefix="iolings-tmp-"))
        base = _PLAIN_BASE[0]
    else:
        base = os.getcwd()
    n = 0
    while True:
        path = os.path.join(base, "%s_%d" % (prefix, n))
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            n += 1


# ---------------------------------------------------------------------------------------------
# Outcomes: what an exception (or its absence) means for a test.

_CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200


def _outcome_kind(exc):
    """skip / xfail / fail / error for an exception, reading pytest's outcome classes (real
    or stand-in) by name and unittest's SkipTest."""
    names = [k.__name__ for k in type(exc).__mro__]
    if "OutcomeException" in names:
        if "Skipped" in names:
            return "skip"
        if "XFailed" in names:
            return "xfail"
        if "Failed" in names:
            return "fail"
    unittest = sys.modules.get("unittest")
    if unittest is not None and _isinstance(exc, unittest.SkipTest):
        return "skip"
    if _isinstance(exc, AssertionError):
        return "fail"
    return "error"


def _origin_from(exc, fallback_line):
    """Where a skip came from: the innermost line of the exercise in its traceback (the call
    of pytest.skip() or self.skipTest(), or `raise SkipTest`), else the declaring line."""
    line = None
    tb = getattr(exc, "__traceback__", None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _PATH[0]:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None:
        line = fallback_line
    return "tests" if _in_tests(line) else "code"


def _skipped(record, reason, origin, exc=None):
    record["outcome"] = "skipped"
    record["type"] = type(exc).__name__ if exc is not None else "Skipped"
    record["message"] = _str(reason)[:TEXT_CAP]
    record["skip_origin"] = origin
    record["traceback"] = _frames(exc.__traceback__, _PATH[0]) if exc is not None else []


def _failed(record, exc):
    kind = _outcome_kind(exc)
    record["outcome"] = "failed" if kind == "fail" else "error"
    record.update(_exception_record(exc, _PATH[0]))
    record["assertion"] = getattr(exc, "__iolings__", None)


def _mark_line(item, mark):
    """The line that declared a mark: the test's, its class's, or the module's pytestmark."""
    return item.mark_lines.get(id(mark), item.line)


def _evaluate(condition, module):
    if _isinstance(condition, _str):
        import platform

        namespace = {"os": os, "sys": sys, "platform": platform, "config": None}
        namespace.update(vars(module))
        return bool(eval(condition, namespace))
    return bool(condition)


def _skip_mark(item, module):
    """(reason, declaring line) when a skip or a true skipif mark applies, else None."""
    for mark in item.marks:
        if mark.name == "skip":
            reason = mark.kwargs.get("reason", mark.args[0] if mark.args else "unconditional "
                                                                              "skip")
            return reason, _mark_line(item, mark)
        if mark.name == "skipif":
            conditions = mark.args or (mark.kwargs.get("condition"),)
            for condition in conditions:
                if _evaluate(condition, module):
                    reason = mark.kwargs.get("reason") or (
                        "condition: " + condition if _isinstance(condition, _str) else "")
                    return reason, _mark_line(item, mark)
    return None


def _xfail_mark(item, module):
    for mark in item.marks:
        if mark.name != "xfail":
            continue
        conditions = mark.args or ((mark.kwargs["condition"],) if "condition" in mark.kwargs
                                   else ())
        if conditions and not any(_evaluate(c, module) for c in conditions):
            continue
        return {"reason": mark.kwargs.get("reason", ""), "raises": mark.kwargs.get("raises"),
                "run": mark.kwargs.get("run", True), "strict": mark.kwargs.get("strict", False)}
    return None


# ---------------------------------------------------------------------------------------------
# Running one test: pytest-style (functions and plain classes) or unittest-style.


class _Run:
    """What the items of one run share: module and class set-up state."""

    def __init__(self, module, items):
        self.module, self.items = module, items
        self.module_error = None  # exception of a failed setUpModule / setup_module
        self.class_errors = {}
        self.bases = []  # (cwd, env, umask) to return to after each test


def _snapshot():
    return (os.getcwd(), dict(os.environ), _get_umask())


def _first_function(obj, names):
    for name in names:
        func = getattr(obj, name, None)
        if func is not None and _fixture_marker(getattr(func, "__func__", func)) is None:
            return func
    return None


def _call_optional(func, arg):
    """pytest's xunit hooks take their module, class or method if they have a parameter."""
    code = getattr(getattr(func, "__func__", func), "__code__", None)
    takes = code is not None and code.co_argcount - (1 if hasattr(func, "__self__") else 0) > 0
    return func(arg) if takes else func()


def _module_setup(run):
    func = _first_function(run.module, ("setUpModule", "setup_module"))
    if func is None:
        return
    try:
        _call_optional(func, run.module)
    except SystemExit:
        raise
    except BaseException as exc:
        run.module_error = exc
        _module_cleanups()


def _module_teardown(run):
    error = None
    if run.module_error is None:
        func = _first_function(run.module, ("tearDownModule", "teardown_module"))
        if func is not None:
            try:
                _call_optional(func, run.module)
            except SystemExit:
                raise
            except BaseException as exc:
                error = exc
        cleanup_error = _module_cleanups()
        error = error or cleanup_error
    error = _run_finalizers(_SCOPE_FINALIZERS.get("module", [])) or error
    return error


def _module_cleanups():
    unittest = sys.modules.get("unittest")
    cleanups = getattr(getattr(unittest, "case", None), "doModuleCleanups", None)
    if cleanups is None:
        return None
    try:
        cleanups()
    except SystemExit:
        raise
    except BaseException as exc:
        return exc
    return None


def _class_setup(run, item):
    cls = item.cls
    try:
        if item.kind == "unittest":
            if getattr(cls, "__unittest_skip__", False):
                return
            try:
                cls.setUpClass()
            except BaseException:
                cls.doClassCleanups()
                raise
        else:
            func = _first_function(cls, ("setup_class",))
            if func is not None:
                _call_optional(func, cls)
    except SystemExit:
        raise
    except BaseException as exc:
        run.class_errors[cls] = exc


def _class_teardown(run, item):
    cls = item.cls
    error = None
    if cls not in run.class_errors and not (item.kind == "unittest" and getattr(
            cls, "__unittest_skip__", False)):
        try:
            if item.kind == "unittest":
                cls.tearDownClass()
            else:
                func = _first_function(cls, ("teardown_class",))
                if func is not None:
                    _call_optional(func, cls)
        except SystemExit:
            raise
        except BaseException as exc:
            error = exc
        if item.kind == "unittest":
            cls.doClassCleanups()
            errors = getattr(cls, "tearDown_exceptions", None) or []
            if errors and error is None:
                error = errors[0][1]
    error = _run_finalizers(_SCOPE_FINALIZERS.get(("class", id(cls)), [])) or error
    return error


def _run_test(run, index, path):
    items = run.items
    item = items[index]
    first_in_class = item.cls is not None and (index == 0 or items[index - 1].cls is not item.cls)
    last_in_class = item.cls is not None and (index == _len(items) - 1
                                              or items[index + 1].cls is not item.cls)
    _send({"event": "test_start", "name": item.name})
    out_sink, out = _capture_stream()
    err_sink, err = _capture_stream()
    saved = (sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = out, err
    log_handler = _log_to(err)
    record = {"event": "test", "name": item.name, "line": item.line, "outcome": "passed"}
    started = _perf()
    try:
        # Set-up of the module and of a class runs in the window of their first test, their
        # teardown in that of their last, so what they print or raise is shown with a test.
        if index == 0:
            _module_setup(run)
            run.bases.append(_snapshot())
        if first_in_class:
            _class_setup(run, item)
            run.bases.append(_snapshot())
        _trace_begin()
        _run_body(run, item, record)
        _trace_end(record)  # before the teardowns: their I/O is not the learner's code's
        _restore(run.bases[-1])
        teardown_error = None
        if last_in_class:
            teardown_error = _class_teardown(run, item)
            run.bases.pop()
            _restore(run.bases[-1])
        if index == _len(items) - 1:
            teardown_error = _module_teardown(run) or teardown_error
            run.bases.pop()
            _restore(run.bases[-1])
        if teardown_error is not None and record["outcome"] in ("passed", "skipped", "xfailed",
                                                                 "xpassed"):
            record.pop("skip_origin", None)
            _failed(record, teardown_error)
            if record["outcome"] == "failed":
                record["outcome"] = "error"
    except SystemExit as exc:
        sys.stdout, sys.stderr = saved
        _leave_early(exc, item.name, path)
    except BaseException as exc:  # KeyboardInterrupt and errors of the harness's own making
        record["outcome"] = "error"
        record.update(_exception_record(exc, path))
        if run.bases:
            _restore(run.bases[-1])
    finally:
        _trace_end(record)  # a body that raised past the one above (a no-op after it)
        sys.stdout, sys.stderr = saved
        if log_handler is not None:
            sys.modules["logging"].getLogger().removeHandler(log_handler)
    record["duration_ms"] = round((_perf() - started) * 1000, 3)
    for stream in (out, err):
        try:
            stream.flush()
        except Exception:
            pass
    record["stdout"] = out_sink.text()
    record["stderr"] = err_sink.text()
    _send(record)
    return record["outcome"] in ("passed", "xfailed", "xpassed") or (
        record["outcome"] == "skipped" and record.get("skip_origin") == "tests")


def _log_to(stream):
    """Log records of the test go to its captured stderr through a handler of our own, as in
    pytest (whose handler keeps logging's last-resort handler from writing to sys.stderr,
    which capsys would see). Only when the exercise uses logging at all."""
    logging = sys.modules.get("logging")
    if logging is None:
        return None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(
        "%(levelname)-8s %(name)s:%(filename)s:%(lineno)d %(message)s"))
    logging.getLogger().addHandler(handler)
    return handler


def _run_body(run, item, record):
    if run.module_error is not None or item.cls in run.class_errors:
        error = run.module_error if run.module_error is not None else run.class_errors[item.cls]
        if _outcome_kind(error) == "skip":
            _skipped(record, error, _origin_from(error, item.line), error)
        else:
            _failed(record, error)
            record["outcome"] = "error"
        return
    if item.kind == "unittest":
        _run_case(run, item, record)
    else:
        _run_callable(run, item, record)


def _run_callable(run, item, record):
    module = run.module
    skip = _skip_mark(item, module)
    if skip is not None:
        reason, line = skip
        _skipped(record, reason, "tests" if _in_tests(line) else "code")
        return
    xfail = _xfail_mark(item, module)
    if xfail is not None and not xfail["run"]:
        record.update(outcome="xfailed", type="XFailed",
                      message="[NOTRUN] " + _str(xfail["reason"]), traceback=[])
        return
    subtests = []
    instance = None
    fixtures = None
    error = None
    try:
        if item.kind == "method":
            instance = item.cls()
            target = getattr(instance, item.attr)
            hook = _first_function(instance, ("setup_method",))
            if hook is not None:
                _call_optional(hook, target)
        else:
            target = item.func
            hook = _first_function(module, ("setup_function",))
            if hook is not None:
                _call_optional(hook, target)
        fixtures = _Fixtures(item, module, instance,
                             lambda msg, params, exc: subtests.append(
                                 _subtest_entry(_subtest_name(msg, params), exc)))
        kwargs = {}
        for name in _autouse_names(item.cls, module) + list(item.usefixtures):
            fixtures.get(name)
        for name in item.argnames:
            kwargs[name] = fixtures.get(name)
        _call(target, kwargs)
    except SystemExit:
        raise
    except BaseException as exc:
        error = exc
    teardown_error = None
    try:
        if fixtures is not None:
            teardown_error = fixtures.teardown()
        hook = (_first_function(instance, ("teardown_method",)) if item.kind == "method"
                else _first_function(module, ("teardown_function",)))
        if hook is not None:
            _call_optional(hook, getattr(instance, item.attr) if instance is not None
                           else item.func)
    except SystemExit:
        raise
    except BaseException as exc:
        teardown_error = teardown_error or exc
    _judge(record, error, xfail, subtests, item)
    if teardown_error is not None and record["outcome"] != "error":
        record.pop("skip_origin", None)
        _failed(record, teardown_error)
        record["outcome"] = "error"


def _call(target, kwargs):
    for func in (target, _unwrap(target)):
        code = getattr(func, "__code__", None)
        if code is not None and code.co_flags & (_CO_GENERATOR | _CO_ASYNC_GENERATOR):
            raise TypeError("%s is a generator (it contains `yield`), so calling it runs none "
                            "of its body: a test function must not yield"
                            % getattr(target, "__name__", "the test"))
    result = target(**kwargs)
    if type(result).__name__ == "coroutine" and hasattr(result, "send"):
        import asyncio

        asyncio.run(result)


def _judge(record, error, xfail, subtests, item):
    """The record's outcome from the test's exception, its xfail mark and its subtests."""
    if error is not None:
        kind = _outcome_kind(error)
        if kind == "skip":
            _skipped(record, error, _origin_from(error, item.line), error)
            return
        if kind == "xfail":
            record.update(_exception_record(error, _PATH[0]))
            record["outcome"] = "xfailed"
            return
        if xfail is not None and (xfail["raises"] is None or _isinstance(error, xfail["raises"])):
            record.update(_exception_record(error, _PATH[0]))
            record["outcome"] = "xfailed"
            record["message"] = _str(xfail["reason"]) or record["message"]
            return
        _failed(record, error)
        if subtests:
            record["subtests"] = subtests
        return
    if subtests:
        _from_subtests(record, subtests)
        return
    if xfail is not None:
        if xfail["strict"]:
            record.update(outcome="failed", type="XPASS",
                          message="[XPASS(strict)] " + _str(xfail["reason"]), traceback=[])
        else:
            record.update(outcome="xpassed", message=_str(xfail["reason"]))


def _subtest_name(msg, params):
    parts = []
    if msg is not None:
        parts.append("[%s]" % msg)
    if params:
        parts.append("(%s)" % ", ".join("%s=%r" % (k, v) for k, v in params.items()))
    return " ".join(parts) or "(<subtest>)"


def _subtest_entry(name, exc):
    entry = {"name": name, "outcome": "failed" if _outcome_kind(exc) == "fail" else "error"}
    entry.update(_exception_record(exc, _PATH[0]))
    entry["assertion"] = getattr(exc, "__iolings__", None)
    return entry


def _from_subtests(record, subtests):
    first = subtests[0]
    record["outcome"] = "failed" if any(s["outcome"] == "failed" for s in subtests) else "error"
    for key in ("type", "message", "traceback", "assertion"):
        record[key] = first[key]
    record["subtests"] = subtests


_CASE_RESULT = []


def _case_result_class():
    if _CASE_RESULT:
        return _CASE_RESULT[0]
    import unittest

    class CaseResult(unittest.TestResult):
        """One test's events, kept to build its record."""

        def __init__(self):
            super().__init__()
            self.events = []

        def addError(self, test, err):
            self.events.append(("error", err[1]))

        def addFailure(self, test, err):
            self.events.append(("failure", err[1]))

        def addSubTest(self, test, subtest, err):
            if err is not None:
                describe = getattr(subtest, "_subDescription", None)
                name = describe() if describe is not None else _str(subtest)
                if issubclass(err[0], unittest.SkipTest):
                    self.events.append(("skip", err[1]))
                else:
                    self.events.append(("subtest", name, err[1]))

        def addSkip(self, test, reason):
            current = sys.exc_info()[1]
            if not _isinstance(current, unittest.SkipTest):
                current = _LAST_SKIP[0]
            # A skipped subTest block does not make the whole test a skip.
            kind = "subskip" if type(test).__name__ == "_SubTest" else "skip"
            self.events.append((kind, reason, current))

        def addExpectedFailure(self, test, err):
            self.events.append(("xfail", err[1]))

        def addUnexpectedSuccess(self, test):
            self.events.append(("unexpected",))

        def addSuccess(self, test):
            self.events.append(("success",))

    _CASE_RESULT.append(CaseResult)
    return CaseResult


def _run_case(run, item, record):
    cls = item.cls
    if getattr(cls, "__unittest_skip__", False):
        _skipped(record, getattr(cls, "__unittest_skip_why__", ""),
                 "tests" if _in_tests(_CLASS_LINES.get(cls.__name__, item.line)) else "code")
        return
    skip = _skip_mark(item, run.module)  # pytest marks on a TestCase count too
    if skip is not None:
        _skipped(record, skip[0], "tests" if _in_tests(skip[1]) else "code")
        return
    result = _case_result_class()()
    _LAST_SKIP[0] = None
    fixtures = None
    error = None
    try:
        case = cls(item.attr)
        names = _autouse_names(cls, run.module) + list(item.usefixtures)
        if names:
            fixtures = _Fixtures(item, run.module, case, lambda *a: None)
            for name in names:
                fixtures.get(name)
        case.run(result)
    except SystemExit:
        raise
    except BaseException as exc:
        error = exc
    teardown_error = fixtures.teardown() if fixtures is not None else None
    if error is not None:
        _failed(record, error)
        return
    subtests = []
    for event in result.events:
        kind = event[0]
        if kind in ("error", "failure"):
            if _isinstance(event[1], SystemExit):
                raise event[1]
            _failed(record, event[1])
            if kind == "error" and record["outcome"] == "failed" and not _isinstance(
                    event[1], AssertionError):
                record["outcome"] = "error"
            break
        if kind == "subtest":
            if _isinstance(event[2], SystemExit):
                raise event[2]
            subtests.append(_subtest_entry(event[1], event[2]))
        elif kind == "skip" and _len(event) == 3 and not subtests:
            reason, exc = event[1], event[2]
            method = getattr(cls, item.attr, None)
            if getattr(method, "__unittest_skip__", False) or exc is None:
                origin = "tests" if _in_tests(item.line) else "code"
            else:
                origin = _origin_from(exc, item.line)
            _skipped(record, reason, origin, None)
        elif kind == "subskip" and event[2] is not None and \
                _origin_from(event[2], item.line) == "code" and record["outcome"] == "passed":
            _skipped(record, event[1], "code", None)
        elif kind == "xfail":
            record.update(_exception_record(event[1], _PATH[0]))
            record["outcome"] = "xfailed"
        elif kind == "unexpected":
            record.update(outcome="failed", type="UnexpectedSuccess",
                          message="Unexpected success: the test is marked expectedFailure, "
                                  "but it passed", traceback=[])
    if subtests and record["outcome"] in ("passed", "skipped"):
        record.pop("skip_origin", None)
        _from_subtests(record, subtests)
    elif subtests:
        record["subtests"] = subtests
    if teardown_error is not None and record["outcome"] != "error":
        _failed(record, teardown_error)
        record["outcome"] = "error"


def _get_umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _restore(state):
    """Each test starts where the previous one did: same cwd, environment and umask (as left
    by the set-up of its module and class)."""
    cwd, environ, umask = state
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


_MARKS = {"passed": "PASS", "failed": "FAIL", "error": "FAIL", "skipped": "SKIP",
          "xfailed": "XFAIL", "xpassed": "XPASS"}


def _plain_report():
    for record in _PLAIN:
        event = record["event"]
        if event == "test":
            outcome = record["outcome"]
            mark = _MARKS.get(outcome, outcome)
            if outcome == "skipped" and record.get("skip_origin") == "code":
                mark = "FAIL (skipped by the code, not the tests)"
            print("%s %s" % (mark, record["name"]), file=sys.__stderr__)
            if outcome not in ("passed", "xpassed"):
                for frame in record.get("traceback", []):
                    print("    line %s: %s" % (frame["line"], frame["code"]), file=sys.__stderr__)
                print("    %s: %s" % (record.get("type"), record.get("message")),
                      file=sys.__stderr__)
                for sub in record.get("subtests", [])[1:]:
                    print("    subtest %s: %s: %s" % (sub["name"], sub["type"], sub["message"]),
                          file=sys.__stderr__)
                for stream in ("stdout", "stderr"):
                    if record.get(stream):
                        print("    [%s] %s" % (stream, record[stream].rstrip()),
                              file=sys.__stderr__)
            if record.get("trace"):
                print("    trace: %s" % _json(record["trace"]), file=sys.__stderr__)
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


def _warm_up():
    """Import, before waiting for go, what most runs need anyway: the waiting is free, the
    imports after it are not. Standard library and the test kit only, never exercise code."""
    for name in ("iolings_testkit", "contextlib", "pathlib", "tempfile"):
        try:
            __import__(name)
        except Exception:
            pass
    import gc

    gc.freeze()  # all of it lives to the end: collections during the tests can skip it


# Set by `dev mutate` only: stop at the first failing test. It can end a run sooner, never
# turn one into a pass (a pass still needs every test to report and pass).
_FAIL_FAST = os.environ.pop("IOLINGS_FAIL_FAST", None) == "1"

# Set by `run --trace`: each test record gets the file I/O of the learner's code (see
# iolings_trace.py, imported only then; an ordinary run pays nothing but these checks).
_TRACE = os.environ.pop("IOLINGS_TRACE_IO", None) == "1"
_TRACER = []


def _start_tracer(path):
    if _TRACE:
        import iolings_trace

        own = [os.path.abspath(__file__), os.path.join(_HERE, "iolings_pytest.py")]
        _TRACER.append(iolings_trace.Tracer(path, _TESTS_LINE[0], own))


def _trace_begin():
    if _TRACER:
        _TRACER[0].begin()


def _trace_end(record):
    if _TRACER:
        trace = _TRACER[0].end()
        if trace is not None:
            record["trace"] = trace


def main(argv):
    if len(argv) != 2:
        print("usage: harness.py EXERCISE.py", file=sys.stderr)
        return 2
    path = os.path.abspath(argv[1])
    _PATH[0] = path
    _dump_on_timeout()
    _warm_up()
    _compile_ahead()
    global _TOKEN
    _TOKEN = _read_token(_TOKEN_FD)
    _send({"event": "start", "python": "%d.%d.%d" % sys.version_info[:3]})
    codes = _compile(path)
    if codes is None:
        _finish(1)
    sys.path.append(os.path.dirname(path))  # after the stdlib: fixtures never shadow it
    module = _import(codes, path)
    _patch_unittest()
    try:
        items = _collect(module)
    except SystemExit as exc:
        _leave_early(exc, "import", path)
    except BaseException as exc:  # a broken parametrize or ids= is the file's error
        record = {"event": "crash"}
        record.update(_exception_record(exc, path))
        _send(record)
        _finish(1)
    run = _Run(module, items)
    run.bases.append(_snapshot())
    _start_tracer(path)
    ok = ran = 0
    for index in range(_len(items)):
        ok += _run_test(run, index, path)
        ran += 1
        if _FAIL_FAST and ok < ran:
            break  # measuring tests (dev mutate): one failure is the whole answer
    _send({"event": "done", "total": ran, "passed": ok, "ahead": _AHEAD_SPECS[2] > 0})
    _finish(0 if ok == _len(items) else 1)


if __name__ == "__main__":
    main(sys.argv)
