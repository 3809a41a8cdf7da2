"""Puts extra_env into os.environ so the child inherits it: the parent changes too."""
# expect: changed THIS process's environment

import os
import subprocess
import sys


class ConfigError(Exception):
    """A required setting is missing or invalid."""


def log_level():
    return os.environ.get("LOG_LEVEL") or "INFO"


def database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise ConfigError("DATABASE_URL is not set: set it to the database's URL, "
                          "e.g. postgresql://user@host:5432/name")
    return url


def run_child(code, extra_env):
    env = None
    os.environ.update({name: str(value) for name, value in extra_env.items()})
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

from unittest import mock  # noqa: E402

def show(name):
    """Code for a child that prints the variable `name` as it sees it."""
    return "import os; print(os.environ.get(%r, '<not set>'))" % name


def test_log_level_default_when_missing():
    with mock.patch.dict(os.environ):
        os.environ.pop("LOG_LEVEL", None)
        assert log_level() == "INFO", "LOG_LEVEL is not set: return the default 'INFO'"


def test_log_level_from_the_environment():
    with mock.patch.dict(os.environ, {"LOG_LEVEL": "WARNING"}):
        assert log_level() == "WARNING", "LOG_LEVEL is set: return its value"


def test_log_level_empty_means_default():
    with mock.patch.dict(os.environ, {"LOG_LEVEL": ""}):
        got = log_level()
    assert got == "INFO", (
        "LOG_LEVEL is set to the empty string: os.environ.get(name, default) returns '' then, "
        "because the default is used only when the name is MISSING. Treat '' like missing: "
        "os.environ.get(name) or 'INFO'")


def test_database_url_from_the_environment():
    url = "postgresql://app@db.internal:5432/shop"
    with mock.patch.dict(os.environ, {"DATABASE_URL": url}):
        assert database_url() == url, "DATABASE_URL is set: return its value"


def database_url_error(environ):
    with mock.patch.dict(os.environ, environ):
        if not environ:
            os.environ.pop("DATABASE_URL", None)
        try:
            got = database_url()
        except ConfigError as exc:
            return exc
        except KeyError as exc:
            raise AssertionError(
                "database_url() let a bare KeyError(%s) escape. Check for the variable "
                "(os.environ.get, or catch KeyError) and raise ConfigError('DATABASE_URL is not "
                "set ...') instead" % exc) from None
    raise AssertionError(
        "DATABASE_URL is %s, but database_url() returned %r instead of raising ConfigError. "
        "os.environ.get() returns None (or '') quietly; the error then shows up much later, "
        "in the database driver" % ("empty" if environ else "not set", got))


def test_database_url_missing_raises_config_error():
    exc = database_url_error({})
    assert "DATABASE_URL" in str(exc), (
        "the ConfigError message must name the variable to set: DATABASE_URL")


def test_database_url_empty_raises_config_error():
    exc = database_url_error({"DATABASE_URL": ""})
    assert "DATABASE_URL" in str(exc), (
        "the ConfigError message must name the variable to set: DATABASE_URL")


def test_child_sees_extra_env():
    got = run_child(show("JOB_ID"), {"JOB_ID": "nightly-42"})
    assert got == "nightly-42\n", "the child must see the variables given in extra_env"


def test_child_inherits_the_parent_environment():
    with mock.patch.dict(os.environ, {"APP_MODE": "batch"}):
        try:
            got = run_child(show("APP_MODE"), {"JOB_ID": "nightly-42"})
        except subprocess.CalledProcessError as exc:
            raise AssertionError(
                "the child could not even start Python properly (%s). With env=extra_env the "
                "child gets ONLY extra_env: no PATH, no HOME, no PYTHONPATH. Pass "
                "env={**os.environ, **extra_env}" % exc) from None
    assert got == "batch\n", (
        "APP_MODE is set in this process, but the child printed %r. With env=extra_env the "
        "child gets only extra_env and nothing of this process's environment: pass "
        "env={**os.environ, **extra_env}" % got)


def test_extra_env_wins_over_inherited():
    with mock.patch.dict(os.environ, {"APP_MODE": "batch"}):
        got = run_child(show("APP_MODE"), {"APP_MODE": "web"})
    assert got == "web\n", "a variable in extra_env replaces the inherited one of the same name"


def test_values_are_passed_as_strings():
    try:
        got = run_child(show("PORT"), {"PORT": 8080, "WORKERS": 4})
    except TypeError as exc:
        raise AssertionError(
            "TypeError (%s): environment values are always str. Convert them: "
            "{name: str(value) for name, value in extra_env.items()}" % exc) from None
    assert got == "8080\n", "PORT=8080 must reach the child as the string '8080'"


def test_parent_environment_is_unchanged():
    before = dict(os.environ)
    run_child(show("JOB_ID"), {"JOB_ID": "nightly-42", "LOG_LEVEL": "DEBUG"})
    after = dict(os.environ)
    changed = sorted(set(before.items()) ^ set(after.items()))
    assert after == before, (
        "run_child changed THIS process's environment: %s. Don't os.environ.update() or "
        "os.environ[name] = ... for a child: build a new dict, {**os.environ, **extra_env}, and "
        "pass it as env=. Every later child and every later os.environ read would see it."
        % ", ".join(name for name, _ in changed))
    # A child started later, without env=, gets the real process environment (os.putenv
    # changes that one behind os.environ's back):
    later = subprocess.run([sys.executable, "-c", show("JOB_ID")], capture_output=True,
                           check=True).stdout.decode("utf-8")
    assert later == "<not set>\n", (
        "a child started AFTER run_child still sees JOB_ID: the real process environment was "
        "changed (os.putenv?). Give the child its own dict with env=, and leave this process's "
        "environment alone")


def test_a_child_cannot_change_the_parent():
    # What the child sets stays in the child (there is nothing to fix here; it is a fact).
    with mock.patch.dict(os.environ):
        os.environ.pop("CHILD_WAS_HERE", None)
        got = run_child("import os; os.environ['CHILD_WAS_HERE'] = '1'; "
                        "print(os.environ['CHILD_WAS_HERE'])", {})
        assert got == "1\n", "the child prints what it set"
        assert "CHILD_WAS_HERE" not in os.environ, "a child can never change its parent"


def test_a_failing_child_raises():
    before = dict(os.environ)
    try:
        run_child("import sys; sys.exit(3)", {"JOB_ID": "nightly-42"})
    except subprocess.CalledProcessError as exc:
        assert exc.returncode == 3, "CalledProcessError carries the child's exit status"
    else:
        raise AssertionError(
            "the child exited with status 3 and run_child returned as if all went well: use "
            "subprocess.run(..., check=True)")
    leaked = sorted(set(os.environ.items()) ^ set(before.items()))
    assert dict(os.environ) == before, (
        "the child failed, and afterwards this process's environment still has %s: run_child "
        "changed os.environ for the child and the exception skipped putting it back. Don't "
        "change os.environ for a child at all: pass env={**os.environ, **extra_env}"
        % ", ".join(sorted({name for name, _ in leaked})))


def test_only_stdout_is_returned():
    code = "import sys; print('warning: cache is cold', file=sys.stderr, flush=True); print(42)"
    got = run_child(code, {})
    assert got == "42\n", (
        "run_child returns what the child printed to STDOUT; what it wrote to stderr (warnings, "
        "log lines) is not part of the result. capture_output=True keeps the two apart; "
        "stderr=subprocess.STDOUT mixes them")


def test_output_is_decoded_as_utf8():
    code = "import sys; sys.stdout.buffer.write('Zoë Müller\\n'.encode('utf-8'))"
    got = run_child(code, {})
    assert got == "Zoë Müller\n", (
        "the child wrote UTF-8 bytes: decode its stdout as UTF-8 (encoding='utf-8' in "
        "subprocess.run, or result.stdout.decode('utf-8'))")
