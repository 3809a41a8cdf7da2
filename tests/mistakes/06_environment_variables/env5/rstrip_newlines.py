"""Uses rstrip('\\n'), which removes every trailing newline, and leaves a \\r behind."""
# expect: removes all the newlines

import logging
import os
import stat

log = logging.getLogger("app.secrets")


class ConfigError(Exception):
    """A setting is missing or unsafe."""


class Secret:
    """A str that hides itself from repr(), str(), logs and tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def reveal(self):
        return self._value

    def __repr__(self):
        return "Secret('**********')"

    def __str__(self):
        return "**********"


def read_secret(name, environ=None):
    if environ is None:
        environ = os.environ
    file_name = name + "_FILE"
    path = environ.get(file_name)
    direct = environ.get(name)
    if path and direct:
        raise ConfigError("both %s and %s are set: set only one" % (name, file_name))
    if path:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            raise ConfigError("%s=%s is accessible to group or others (mode %s): "
                              "chmod 600 it" % (file_name, path, oct(mode)))
        with open(path, encoding="utf-8", newline="") as f:
            value = f.read()
        value = value.rstrip("\n")
        log.debug("%s read from %s", name, path)
        return Secret(value)
    if direct:
        log.debug("%s read from the environment variable %s", name, name)
        return Secret(direct)
    raise ConfigError("set %s (the secret) or %s (the path of a file holding it)"
                      % (name, file_name))


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import contextlib  # noqa: E402
import io  # noqa: E402
from unittest import mock  # noqa: E402
import re  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402

import iolings_testkit as kit  # noqa: E402

PASSWORD = "hunter2 Zoë!"


def secret_file(folder, text=PASSWORD + "\n", mode=0o600, name="db_password"):
    path = os.path.join(folder, "%s-%o" % (name, mode))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def revealed(secret):
    assert isinstance(secret, Secret), "read_secret must return a Secret, got %r" % type(secret)
    return secret.reveal()


def config_error(environ, why):
    try:
        got = read_secret("DB_PASSWORD", environ)
    except ConfigError as exc:
        return str(exc)
    raise AssertionError("read_secret returned %r: %s. Raise ConfigError" % (got, why))


def test_secret_hides_its_value():
    secret = Secret(PASSWORD)
    assert secret.reveal() == PASSWORD, "reveal() returns the value"
    assert repr(secret) == "Secret('**********')", "repr() must hide the value"
    assert str(secret) == "**********", "str() must hide the value"
    for text in (f"{secret}", "%s %r" % (secret, secret), "{}".format(secret), repr([secret]),
                 str({"password": secret}), format(secret)):
        assert PASSWORD not in text, "the value leaked through formatting: %r" % text
    for show in (lambda: "password=" + secret, lambda: "".join([secret]),
                 lambda: secret.upper(), lambda: "%.20s" % secret):
        try:
            text = show()
        except (TypeError, AttributeError):
            continue
        assert PASSWORD.upper() not in text.upper(), (
            "the value leaked: %r. A Secret that IS a str (a subclass of str) hands its "
            "characters to +, join(), str methods and json.dumps() without calling __str__. "
            "Don't subclass str: keep the value in an attribute" % text)


def test_value_from_the_variable():
    handler = Capture()
    logger = logging.getLogger("app.secrets")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        got = revealed(read_secret("DB_PASSWORD", {"DB_PASSWORD": PASSWORD}))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert got == PASSWORD, "DB_PASSWORD is set (and DB_PASSWORD_FILE is not): use its value"
    messages = [record.getMessage() for record in handler.records]
    assert any("DB_PASSWORD" in message for message in messages), (
        "log one DEBUG message on 'app.secrets' saying where the secret came from (here: the "
        "variable DB_PASSWORD itself), got %r" % messages)
    assert not any("hunter2" in message for message in messages), "never log the value"
    handler.records.clear()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        read_secret("DB_PASSWORD", {"DB_PASSWORD": "x" * 40})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    other = [record.getMessage() for record in handler.records]
    assert other == messages, (
        "the same source logged %r for one value and %r for another: the log line says "
        "something about the value (its length? its first characters?). Log only where it "
        "came from" % (messages, other))


def test_reads_os_environ_by_default(tmp_path):
    path = secret_file(tmp_path)
    with mock.patch.dict(os.environ, {"DB_PASSWORD_FILE": path}):
        os.environ.pop("DB_PASSWORD", None)
        got = revealed(read_secret("DB_PASSWORD"))
    assert got == PASSWORD, "without a mapping, read_secret reads os.environ"


def logged_messages(environ):
    """What read_secret("DB_PASSWORD", environ) logs on 'app.secrets'."""
    handler = Capture()
    logger = logging.getLogger("app.secrets")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        read_secret("DB_PASSWORD", environ)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return [record.getMessage() for record in handler.records]


def test_value_from_a_file(tmp_path):
    path = secret_file(tmp_path)
    with kit.no_leaked_files():
        got = revealed(read_secret("DB_PASSWORD", {"DB_PASSWORD_FILE": path}))
    assert got == PASSWORD, "read the UTF-8 file named by DB_PASSWORD_FILE"
    messages = logged_messages({"DB_PASSWORD_FILE": path})
    secret_file(tmp_path, "x" * 40 + "\n")
    other = logged_messages({"DB_PASSWORD_FILE": path})
    assert other == messages, (
        "the same file logged %r with one secret in it and %r with another: the log line "
        "says something about the value (its length? its first characters?). Log only the "
        "variable and the path" % (messages, other))


def test_line_breaks_inside_the_secret_are_kept(tmp_path):
    pem = "-----BEGIN KEY-----\r\nMIIBVwIBADANBg\r\n-----END KEY-----\r\n"
    path = secret_file(tmp_path, pem, name="key")
    got = revealed(read_secret("TLS_KEY", {"TLS_KEY_FILE": path}))
    assert got == pem[:-2], (
        "a key file with Windows line endings: only the LAST line ending goes, the '\\r\\n' "
        "inside are part of the secret. Text mode's universal newlines turn them into '\\n': "
        "open it with newline='' (or read bytes and decode)")


def test_only_one_trailing_newline_is_removed(tmp_path):
    for text, expected in ((" pass word \n", " pass word "), ("\tpw\n", "\tpw"),
                           ("pw\n\n", "pw\n"), ("pw\r\n", "pw"), ("pw", "pw"),
                           ("pw \r\n", "pw ")):
        path = secret_file(tmp_path, text, name="s%d" % len(os.listdir(tmp_path)))
        got = revealed(read_secret("DB_PASSWORD", {"DB_PASSWORD_FILE": path}))
        assert got == expected, (
            "the file holds %r: remove exactly ONE trailing line ending ('\\n' or '\\r\\n') "
            "and nothing else. strip() also removes spaces and tabs, which can be part of a "
            "password; rstrip('\\n') removes all the newlines" % text)


def test_refuses_a_file_others_can_read(tmp_path):
    for mode in (0o644, 0o640, 0o604, 0o444, 0o660, 0o620, 0o601, 0o610):
        path = secret_file(tmp_path, mode=mode)
        message = config_error({"DB_PASSWORD_FILE": path},
                               "the file has mode %s: group or others have access. Check "
                               "stat.S_IMODE(os.stat(path).st_mode) & 0o077 (root can open "
                               "any file, so opening it proves nothing)" % oct(mode))
        assert path in message and oct(mode) in message, (
            "say which file is unsafe and why: put the path and %s (oct() of the permission "
            "bits) in the message, got %r" % (oct(mode), message))
        assert "hunter2" not in message, "the error message must not contain the secret"


def test_accepts_owner_only_modes(tmp_path):
    for mode in (0o600, 0o400):
        path = secret_file(tmp_path, mode=mode)
        try:
            got = revealed(read_secret("DB_PASSWORD", {"DB_PASSWORD_FILE": path}))
        except ConfigError as exc:
            raise AssertionError("a %s file was refused (%s): only the owner can access it. "
                                 "st_mode also holds the file type: compare "
                                 "stat.S_IMODE(st_mode)" % (oct(mode), exc)) from None
        assert got == PASSWORD


def test_follows_the_symlink_kubernetes_mounts(tmp_path):
    target = secret_file(tmp_path)
    link = os.path.join(tmp_path, "db_password")
    os.symlink(target, link)
    try:
        got = revealed(read_secret("DB_PASSWORD", {"DB_PASSWORD_FILE": link}))
    except ConfigError as exc:
        raise AssertionError(
            "the path is a symlink (mode 0o777) to a 0o600 file, and it was refused (%s). "
            "Check the file it points to: os.stat(), not os.lstat()" % exc) from None
    assert got == PASSWORD


def test_both_or_neither_is_an_error(tmp_path):
    path = secret_file(tmp_path)
    message = config_error({"DB_PASSWORD": "other", "DB_PASSWORD_FILE": path},
                           "both DB_PASSWORD and DB_PASSWORD_FILE are set: which one is meant")
    assert "DB_PASSWORD_FILE" in message and re.search(r"DB_PASSWORD(?!_FILE)", message), (
        "name both variables in the message, got %r" % message)
    message = config_error({}, "neither DB_PASSWORD nor DB_PASSWORD_FILE is set")
    assert "DB_PASSWORD_FILE" in message, "name both variables in the message, got %r" % message
    message = config_error({"DB_PASSWORD": "", "DB_PASSWORD_FILE": ""},
                           "both variables are empty: that is 'not set'")
    assert "DB_PASSWORD" in message, "name the variables in the message, got %r" % message


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.records.append(record)


def test_the_secret_appears_nowhere(tmp_path):
    path = secret_file(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    texts = []
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings():
            warnings.simplefilter("always")
            secret = read_secret("DB_PASSWORD", {"DB_PASSWORD_FILE": path})
            print(secret, repr(secret), f"{secret} {secret!r} {secret!s}", [secret])
            print("password=%s (%r)" % (secret, secret), "{0} {0!r}".format(secret))
            logging.getLogger("app").debug("connecting with %s / %r", secret, secret)
            logging.getLogger("app").info(f"config: { {'password': secret} }")
            warnings.warn("weak password? %s" % secret)
            try:
                raise RuntimeError(f"login failed with {secret!r}")
            except RuntimeError as exc:
                logging.getLogger("app").exception("could not connect")
                traceback.print_exc()
                texts.append(str(exc))
                texts.extend(traceback.TracebackException.from_exception(
                    exc, capture_locals=True).format())
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    texts += [out.getvalue(), err.getvalue()]
    texts += [handler.format(record) for record in handler.records]
    everything = "\n".join(texts)
    assert "hunter2" not in everything, (
        "the secret leaked into the output:\n%s\nSecret's repr() and str() must hide the "
        "value, and read_secret must never log it" % "\n".join(
            line for line in everything.splitlines() if "hunter2" in line))
    assert revealed(secret) == PASSWORD, "reveal() still returns the value"
    assert any(record.name == "app.secrets" and record.levelno == logging.DEBUG
               and "DB_PASSWORD" in record.getMessage() and path in record.getMessage()
               for record in handler.records), (
        "log one DEBUG message on the 'app.secrets' logger naming the variable and the file "
        "(e.g. 'DB_PASSWORD read from %s'), without the value" % path)
