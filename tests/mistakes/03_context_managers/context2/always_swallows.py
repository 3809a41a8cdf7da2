"""Calls __exit__ with the exception but then returns None whatever __exit__ said, hiding every error."""
# expect: re-raise the same exception
"""context2: what `with` really does.

`with` is not magic: it is a try statement in disguise. For

    with cm as value:
        result = body(value)

Python first calls cm.__enter__() and binds its return value to `value`. Only then does the
try begin: the body runs, and however it ends, cm.__exit__(exc_type, exc, tb) is called:

- the body finished normally: __exit__(None, None, None);
- the body raised exc (any BaseException, Ctrl-C included):
  __exit__(type(exc), exc, exc.__traceback__), and if that returns a false value the same
  exception carries on upwards; if it returns a true value the exception is thrown away;
- __enter__ itself raised: nothing was acquired, so __exit__ is not called at all.

So __exit__ runs exactly once, whatever happens in the body, and it is told what went wrong:
the exception's type, the exception itself and its traceback. Its return value answers the
question "did you handle this exception?": returning True says yes, and the error disappears.

Your task: write run_with(cm, body), which does by hand exactly what

    with cm as value:
        return body(value)

does, without using a `with` statement:

- call cm.__enter__() once and pass what it returns (not cm itself!) to body;
- if body returns normally: call cm.__exit__(None, None, None) and return body's result;
- if body raises any exception (KeyboardInterrupt included): call
  cm.__exit__(type(exc), exc, exc.__traceback__) once; if that returns a true value, return
  None; otherwise let the very same exception propagate;
- if cm.__enter__() raises, let it propagate and do not call __exit__.
"""


def run_with(cm, body):
    value = cm.__enter__()
    try:
        result = body(value)
    except BaseException as exc:
        cm.__exit__(type(exc), exc, exc.__traceback__)
        return None
    cm.__exit__(None, None, None)
    return result


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import types  # noqa: E402


class Recorder:
    """A context manager that writes down every call it receives."""

    def __init__(self, exit_returns=None, enter_raises=None, exit_raises=None):
        self.calls = []
        self.exit_args = None
        self.exit_returns = exit_returns
        self.enter_raises = enter_raises
        self.exit_raises = exit_raises

    def __enter__(self):
        self.calls.append("enter")
        if self.enter_raises is not None:
            raise self.enter_raises
        return "the resource"

    def __exit__(self, exc_type, exc, tb):
        self.calls.append("exit")
        self.exit_args = (exc_type, exc, tb)
        if self.exit_raises is not None:
            raise self.exit_raises
        return self.exit_returns


def failing_body(error):
    def body(value):
        raise error
    return body


def test_happy_path():
    cm = Recorder()
    seen = []

    def body(value):
        seen.append(value)
        cm.calls.append("body")
        return 42

    assert run_with(cm, body) == 42, "run_with returns what body returned"
    assert seen == ["the resource"], (
        "body receives what __enter__ RETURNED (like `as value`), not the context manager")
    assert cm.calls == ["enter", "body", "exit"]
    assert cm.exit_args == (None, None, None), (
        "without an exception, __exit__ receives three Nones")


def test_exit_runs_when_body_raises():
    cm = Recorder()
    error = ValueError("bad upload")
    try:
        run_with(cm, failing_body(error))
    except ValueError:
        pass
    assert cm.calls == ["enter", "exit"], (
        "when the body raises, __exit__ must run exactly once: that is the whole point of "
        "`with`. Put only the call to body in a try, and call __exit__ either in the except "
        "branch (with the exception) or after a normal finish (with Nones), never both")


def test_exit_is_told_about_the_exception():
    cm = Recorder()
    error = ValueError("bad upload")
    try:
        run_with(cm, failing_body(error))
    except ValueError:
        pass
    assert cm.exit_args is not None, "__exit__ was never called"
    exc_type, exc, tb = cm.exit_args
    assert (exc_type, exc) == (ValueError, error), (
        "__exit__(exc_type, exc, traceback) must receive the exception's type and the "
        "exception object itself, not None: a context manager needs them to decide whether "
        "to roll back or commit")
    assert isinstance(tb, types.TracebackType), (
        "the third argument is the exception's traceback, exc.__traceback__ (got %r)" % (tb,))


def test_exception_propagates_when_exit_returns_false():
    for returned in (None, False, 0):
        cm = Recorder(exit_returns=returned)
        error = ValueError("bad upload")
        caught = None
        try:
            run_with(cm, failing_body(error))
        except ValueError as exc:
            caught = exc
        assert caught is error, (
            "__exit__ returned %r (a false value), so the body's exception must propagate: "
            "re-raise the same exception object (a bare `raise`)" % (returned,))
        assert cm.calls == ["enter", "exit"], (
            "__exit__ must run exactly once, also when the body raises")


def test_the_exception_keeps_its_context():
    # The body fails while handling another error: a `with` statement hands that exception
    # on untouched, "During handling of the above exception..." and all.
    def body(value):
        try:
            raise KeyError("upload-17")
        except KeyError:
            raise ValueError("bad upload")

    caught = None
    try:
        run_with(Recorder(), body)
    except ValueError as exc:
        caught = exc
    assert caught is not None, "the body's ValueError must propagate"
    assert isinstance(caught.__context__, KeyError) and not caught.__suppress_context__, (
        "the ValueError reached the caller with the KeyError it was raised during hidden "
        "(__suppress_context__ is set): `raise exc from None` changes the exception. A `with` "
        "statement re-raises it untouched: use a bare `raise`")


def test_true_from_exit_swallows_the_exception():
    for returned in (True, 1, "yes"):
        cm = Recorder(exit_returns=returned)
        try:
            got = run_with(cm, failing_body(KeyError("missing")))
        except KeyError:
            raise AssertionError(
                "__exit__ returned %r, a true value: that means 'I handled it', so the "
                "exception is swallowed and run_with returns None" % (returned,)) from None
        assert got is None, "when the exception is swallowed, run_with returns None"
        assert cm.calls == ["enter", "exit"], (
            "__exit__ must run exactly once, also when the body raises")


def test_true_from_exit_changes_nothing_after_a_normal_finish():
    cm = Recorder(exit_returns=True)
    got = run_with(cm, lambda value: 42)
    assert got == 42, (
        "the body finished normally, so there was nothing to suppress: __exit__'s return value "
        "only matters when the body raised. Return body's result whatever __exit__ returns")


def test_exit_runs_on_keyboard_interrupt():
    cm = Recorder()
    interrupt = KeyboardInterrupt()
    caught = None
    try:
        run_with(cm, failing_body(interrupt))
    except KeyboardInterrupt as exc:
        caught = exc
    assert cm.calls == ["enter", "exit"], (
        "Ctrl-C (KeyboardInterrupt) is a BaseException, not an Exception: `with` still runs "
        "__exit__ for it, so catch BaseException (or use try/finally)")
    assert caught is interrupt, (
        "__exit__ returned None, so the KeyboardInterrupt must reach the caller: the user "
        "pressed Ctrl-C to stop the program, not to skip one step")


def test_exception_raised_by_exit_propagates():
    failure = OSError(28, "No space left on device")  # e.g. a file whose final flush fails
    cm = Recorder(exit_raises=failure)
    caught = None
    try:
        run_with(cm, lambda value: 42)
    except OSError as exc:
        caught = exc
    assert cm.calls == ["enter", "exit"], (
        "__exit__(None, None, None) raised, and then __exit__ was called again with its own "
        "error: call the clean-exit __exit__ OUTSIDE the try that guards the body (in `else:` "
        "or after the try), so only the body's exceptions reach the except branch")
    assert caught is failure, "an exception raised by __exit__ itself reaches the caller"

    cm = Recorder(exit_raises=failure)
    caught = None
    try:
        run_with(cm, failing_body(ValueError("bad upload")))
    except OSError as exc:
        caught = exc
    except ValueError:
        pass
    assert cm.calls == ["enter", "exit"], "__exit__ runs exactly once"
    assert caught is failure, (
        "when __exit__ raises while handling the body's exception, its exception replaces "
        "the body's one, as in a real with statement")


def test_exit_not_called_when_enter_fails():
    cm = Recorder(enter_raises=PermissionError("locked"))
    called = []
    raised = False
    try:
        run_with(cm, lambda value: called.append(value))
    except PermissionError:
        raised = True
    assert raised, "an exception from __enter__ propagates to the caller"
    assert called == [], "if __enter__ fails, the body must not run"
    assert cm.calls == ["enter"], (
        "if __enter__ fails nothing was acquired, so __exit__ must not be called: only the "
        "body goes inside the try")
