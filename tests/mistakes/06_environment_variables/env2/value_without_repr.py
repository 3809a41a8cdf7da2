"""Puts the value into the message without repr(): '80 80' and ' ' are unreadable."""
# expect: show the value as repr()

import os


class ConfigError(ValueError):
    """A setting is missing or cannot be understood."""


def _raw(name, default):
    """The variable's text, or None when it is missing/empty and a default exists."""
    value = os.environ.get(name, "")
    if value == "":
        if default is None:
            raise ConfigError(f"{name} is not set")
        return None
    return value


def env_int(name, default=None):
    value = _raw(name, default)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {value}") from None


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env_bool(name, default=None):
    value = _raw(name, default)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/true/yes/on or 0/false/no/off, got {value!r}")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

from unittest import mock  # noqa: E402


def call(function, name, environ, *default):
    """function(name, *default) with `environ` as the only variables (restored afterwards)."""
    with mock.patch.dict(os.environ, environ, clear=True):
        return function(name, *default)


def config_error(function, name, environ, *default):
    try:
        got = call(function, name, environ, *default)
    except ConfigError as exc:
        return str(exc)
    except (ValueError, TypeError) as exc:
        raise AssertionError(
            "%s(%r) with %s raised a plain %s: %s. That message does not say which variable is "
            "wrong or what to set. Raise ConfigError(f\"{name} ... got {value!r}\") instead"
            % (function.__name__, name, environ or "the variable not set", type(exc).__name__,
               exc)) from None
    raise AssertionError(
        "%s(%r) with %s returned %r instead of raising ConfigError: a value you cannot "
        "understand (or a missing required one) must stop the service at start-up"
        % (function.__name__, name, environ or "the variable not set", got))


def check(function, name, environ, default, expected, why):
    """Assert function(name, default) == expected (same type), explaining with `why`."""
    args = () if default is None else (default,)
    try:
        got = call(function, name, environ, *args)
    except ConfigError as exc:
        raise AssertionError("%s(%r%s) with %s raised ConfigError(%r). %s" % (
            function.__name__, name, ", %r" % default if args else "",
            environ or "%s not set" % name, str(exc), why)) from None
    assert (type(got), got) == (type(expected), expected), why


def test_int_from_the_environment():
    check(env_int, "PORT", {"PORT": "8080"}, None, 8080, "PORT=8080 is the int 8080")
    check(env_int, "OFFSET", {"OFFSET": "-5"}, None, -5, "a sign is allowed: -5 is an int")
    check(env_int, "PORT", {"PORT": " 8080\n"}, None, 8080,
          "surrounding whitespace (a trailing newline from a template) is ignored, as int() does")


def test_int_default():
    check(env_int, "PORT", {}, 8000, 8000, "PORT is not set: return the default")
    check(env_int, "PORT", {"PORT": ""}, 8000, 8000,
          "PORT is set but empty: that counts as missing, return the default")
    check(env_int, "RETRIES", {}, 0, 0,
          "the default 0 is a real default: test `default is None`, not `not default`")


def test_int_invalid_names_the_variable_and_the_value():
    for value in ("eighty", "8.5", "1e3", "0x10", "80 80"):
        message = config_error(env_int, "PORT", {"PORT": value})
        assert "PORT" in message and repr(value) in message, (
            "the message %r must name the variable (PORT) and show the value as repr() "
            "does (%r), so the admin sees what to fix" % (message, value))
        config_error(env_int, "PORT", {"PORT": value}, 8000)  # a default does not excuse it


def test_int_missing_without_default():
    message = config_error(env_int, "PORT", {})
    assert "PORT" in message, "the message must name the missing variable: PORT"
    message = config_error(env_int, "PORT", {"PORT": ""})
    assert "PORT" in message, "the message must name the missing (empty) variable: PORT"


TRUE_SPELLINGS = ("1", "true", "yes", "on", "TRUE", "True", "Yes", "ON", " on\n")
FALSE_SPELLINGS = ("0", "false", "no", "off", "FALSE", "False", "No", "OFF", "off ")


def test_bool_true_spellings():
    for value in TRUE_SPELLINGS:
        check(env_bool, "DEBUG", {"DEBUG": value}, None, True,
              "DEBUG=%r means True (1, true, yes, on, in any case, whitespace ignored)" % value)


def test_bool_false_spellings():
    for value in FALSE_SPELLINGS:
        check(env_bool, "DEBUG", {"DEBUG": value}, None, False,
              "DEBUG=%r means False (0, false, no, off, in any case, whitespace ignored). "
              "bool() of a non-empty string is always True" % value)


def test_bool_default():
    check(env_bool, "DEBUG", {}, False, False, "DEBUG is not set: return the default False "
          "(a real default: test `default is None`, not `not default`)")
    check(env_bool, "DEBUG", {}, True, True, "DEBUG is not set: return the default True")
    check(env_bool, "DEBUG", {"DEBUG": ""}, True, True,
          "DEBUG is set but empty: that counts as missing, return the default")


def test_bool_invalid_is_an_error_not_false():
    for value in ("ture", "maybe", "2", "enabled", "n", "yes please"):
        message = config_error(env_bool, "DEBUG", {"DEBUG": value})
        assert "DEBUG" in message and repr(value) in message, (
            "the message %r must name the variable (DEBUG) and show the value as repr() "
            "does (%r)" % (message, value))
        config_error(env_bool, "DEBUG", {"DEBUG": value}, False)  # nor here


def test_bool_missing_without_default():
    message = config_error(env_bool, "FEATURE_X", {})
    assert "FEATURE_X" in message, "the message must name the missing variable: FEATURE_X"


def test_blank_value_is_an_error_not_missing():
    for function, name, default in ((env_int, "PORT", 8000), (env_bool, "DEBUG", False)):
        try:
            got = call(function, name, {name: "  "}, default)
        except ConfigError as exc:
            assert repr("  ") in str(exc), (
                "the message %r must show the value as repr() does ('  '), so the admin sees "
                "the spaces" % str(exc))
            continue
        except (ValueError, TypeError):
            got = config_error(function, name, {name: "  "}, default)  # explains it
        raise AssertionError(
            "%s=%r (only spaces) is SET, not empty, and cannot be understood, but %s() "
            "returned %r. Only the empty string counts as missing: test value == '' before "
            "stripping, and let the spaces fail the conversion with ConfigError"
            % (name, "  ", function.__name__, got))


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError), "(keep ConfigError a subclass of ValueError)"
