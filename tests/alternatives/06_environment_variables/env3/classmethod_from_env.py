"""A Config.from_env-style builder as a small class that records problems."""

import dataclasses
import os


@dataclasses.dataclass(frozen=True)
class Config:
    database_url: str
    secret_key: str
    port: int
    workers: int
    debug: bool
    log_level: str


class ConfigError(Exception):
    """Every problem with the configuration, in one exception."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("invalid configuration:\n" + "\n".join("  " + p for p in self.problems))


def parse_int(text, low, high=None):
    """int(text) if it is an integer from low to high (no upper limit when high is None);
    raises ValueError with a message like "must be an integer from 1 to 65535, got 'x'"."""
    rule = "an integer >= %d" % low if high is None else "an integer from %d to %d" % (low, high)
    try:
        value = int(text)
    except ValueError:
        raise ValueError("must be %s, got %r" % (rule, text)) from None
    if value < low or (high is not None and value > high):
        raise ValueError("must be %s, got %r" % (rule, text))
    return value


def parse_bool(text):
    """True/False for 1/true/yes/on and 0/false/no/off (any case); ValueError otherwise."""
    word = text.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be one of 1/true/yes/on or 0/false/no/off, got %r" % text)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class _Reader:
    def __init__(self, environ):
        self.environ = environ
        self.problems = []

    def text(self, name, default=None):
        raw = self.environ.get(name)
        if raw:
            return raw
        if default is None:
            self.problems.append(name + ": missing (required)")
        return default

    def typed(self, name, default, parse, *args):
        raw = self.text(name, default)
        try:
            return parse(raw, *args)
        except ValueError as exc:
            self.problems.append(name + ": " + str(exc))
            return None


def load_config(environ=None):
    r = _Reader(os.environ if environ is None else environ)
    database_url = r.text("DATABASE_URL")
    secret_key = r.text("SECRET_KEY")
    port = r.typed("PORT", "8000", parse_int, 1, 65535)
    workers = r.typed("WORKERS", "2", parse_int, 1)
    debug = r.typed("DEBUG", "off", parse_bool)
    level = r.text("LOG_LEVEL", "INFO")
    if level.upper() not in LOG_LEVELS:
        r.problems.append("LOG_LEVEL: %r is not one of %s" % (level, "/".join(LOG_LEVELS)))
    if r.problems:
        raise ConfigError(r.problems)
    return Config(database_url, secret_key, port, workers, debug, level.upper())


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import json  # noqa: E402
from unittest import mock  # noqa: E402

import iolings_testkit as kit  # noqa: E402

VALID = {
    "DATABASE_URL": "postgresql://app@db.internal:5432/shop",
    "SECRET_KEY": "k3y-from-the-vault",
    "PORT": "9090",
    "WORKERS": "8",
    "DEBUG": " yes\n",
    "LOG_LEVEL": "warning",
}
FULL = Config("postgresql://app@db.internal:5432/shop", "k3y-from-the-vault", 9090, 8, True,
              "WARNING")


def problems_of(environ):
    """The ConfigError's problems for `environ` (fails the test when nothing is raised)."""
    try:
        got = load_config(dict(environ))
    except ConfigError as exc:
        assert str(exc).splitlines()[1:] == ["  " + problem for problem in exc.problems], (
            "(keep ConfigError as it is: its message lists every problem, one per line)")
        return exc.problems
    except ValueError as exc:
        raise AssertionError(
            "load_config raised ValueError(%r) from a helper: catch it, add the problem "
            "('NAME: ' + message) to the list, and raise ConfigError(problems) once at the end"
            % str(exc)) from None
    raise AssertionError("load_config(%r) returned %r instead of raising ConfigError"
                         % (environ, got))


def config_of(environ, why):
    """load_config(environ), failing the test with `why` when it raises ConfigError."""
    try:
        return load_config(environ)
    except ConfigError as exc:
        raise AssertionError("load_config raised ConfigError%r. %s" % (tuple(exc.problems), why)
                             ) from None


def names_in(problems):
    """The variable name each problem starts with."""
    names = []
    for problem in problems:
        found = [n for n in VALID if problem.startswith(n)]
        assert found, "each problem must START with the variable's name; this one is %r" % problem
        names.append(found[0])
    return sorted(names)


def test_a_complete_environment():
    why = ("Read every variable from the mapping that was passed in (os.environ only when it "
           "is None): ints as int, DEBUG as bool, LOG_LEVEL upper-case")
    with mock.patch.dict(os.environ, {"DATABASE_URL": "sqlite:///wrong.db", "DEBUG": "0"}):
        got = config_of(dict(VALID), why)
    assert got == FULL, why


def test_safe_defaults():
    why = "Defaults: PORT 8000, WORKERS 2, DEBUG False, LOG_LEVEL 'INFO'"
    got = config_of({"DATABASE_URL": VALID["DATABASE_URL"], "SECRET_KEY": "k"}, why)
    assert got == Config(VALID["DATABASE_URL"], "k", 8000, 2, False, "INFO"), why


def test_empty_values_count_as_missing():
    why = ("A variable set to '' counts as missing: use its default (environ.get(name) or "
           "default; environ.get(name, default) returns the '')")
    got = config_of({"DATABASE_URL": VALID["DATABASE_URL"], "SECRET_KEY": "k", "PORT": "",
                     "WORKERS": "", "DEBUG": "", "LOG_LEVEL": ""}, why)
    assert got == Config(VALID["DATABASE_URL"], "k", 8000, 2, False, "INFO"), why


def test_no_default_database_or_secret():
    with mock.patch.dict(os.environ, VALID):
        try:
            got = load_config({})
        except ConfigError:
            pass
        else:
            raise AssertionError(
                "load_config({}) returned %r: the mapping passed in is empty, so this came "
                "from os.environ. Read os.environ only when environ is None (`if environ is "
                "None:`); an empty dict is falsy, and `environ or os.environ` reads os.environ "
                "for it" % (got,))
        problems = problems_of({})
    assert names_in(problems) == ["DATABASE_URL", "SECRET_KEY"], (
        "with an empty environment exactly two things are wrong: DATABASE_URL and SECRET_KEY "
        "are required. A default database URL or secret key lets a misconfigured production "
        "service start against the wrong database; report them as problems (got %r)"
        % problems)


def test_every_problem_in_one_error():
    environ = {"PORT": "http", "WORKERS": "0", "DEBUG": "maybe", "LOG_LEVEL": "verbose",
               "SECRET_KEY": ""}
    wrong = {"DATABASE_URL": "missing, and required: no default",
             "SECRET_KEY": "empty, and required: no default",
             "PORT": "'http' is not an integer", "WORKERS": "'0' is below 1",
             "DEBUG": "'maybe' is not a boolean", "LOG_LEVEL": "'verbose' is not a level"}
    problems = problems_of(environ)
    reported = names_in(problems)
    unreported = ["%s (%s)" % (name, why) for name, why in wrong.items() if name not in reported]
    advice = ""
    if len(problems) < 3:
        advice = (" Don't raise at the first problem: check every variable, append each "
                  "problem to a list, and raise ConfigError(problems) once at the end.")
    assert not unreported, (
        "six things are wrong here, and no problem was reported for: %s.%s Reported: %r"
        % ("; ".join(unreported), advice, problems))
    assert reported == sorted(VALID), "exactly one problem per variable, got %r" % problems


def test_invalid_values_show_the_value():
    for port in ("70000", "http"):
        problems = problems_of(dict(VALID, PORT=port, LOG_LEVEL="verbose"))
        assert names_in(problems) == ["LOG_LEVEL", "PORT"], (
            "PORT=%s is not a port and LOG_LEVEL=verbose is not a level; the rest is valid"
            % port)
        for problem in problems:
            assert repr(port) in problem or "'verbose'" in problem, (
                "show the bad value in its problem (as repr() does): %r" % problem)
            assert "integer from 1 to 65535" in problem or "LOG_LEVEL" in problem, (
                "say what PORT must be: parse_int's message does ('must be an integer from 1 "
                "to 65535, got ...'): %r" % problem)


def test_port_and_workers_ranges():
    for port in ("1", "65535"):
        got = config_of(dict(VALID, PORT=port), "PORT=%s is a valid port" % port)
        assert got.port == int(port), "PORT=%s is the port %s" % (port, port)
    for port in ("0", "65536", "-80"):
        assert names_in(problems_of(dict(VALID, PORT=port))) == ["PORT"], (
            "PORT=%s is not a port (1 to 65535)" % port)
    got = config_of(dict(VALID, WORKERS="1"), "WORKERS=1 is valid")
    assert got.workers == 1, "WORKERS=1 is one worker"


def test_reads_os_environ_when_no_mapping_is_given():
    why = "load_config() without an argument reads os.environ"
    with mock.patch.dict(os.environ, VALID, clear=True):
        got = config_of(None, why)
    assert got == FULL, why


def test_the_config_is_a_snapshot():
    environ = dict(VALID)
    with mock.patch.dict(os.environ, VALID):
        config = config_of(environ, "A complete, valid environment")
        environ["PORT"] = "1234"
        os.environ["PORT"] = "1234"
        os.environ["DEBUG"] = "off"
        got = (config.port, config.debug)
    assert got == (9090, True), (
        "the Config changed after the environment changed: build plain values once in "
        "load_config (no properties or functions that read the environment later)")
    try:
        config.port = 1
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("(keep Config frozen: nobody may change the configuration later)")


def test_config_error_takes_a_list_or_one_problem():
    assert ConfigError(["A: x", "B: y"]).problems == ["A: x", "B: y"], "(keep ConfigError)"
    assert ConfigError("A: x").problems == ["A: x"], "(keep ConfigError)"


def test_importing_reads_no_environment():
    # A fresh interpreter with an EMPTY environment imports this module while a spy stands in
    # for os.environ and records every name read.
    module = os.path.splitext(os.path.basename(__file__))[0]
    code = """if True:
        import _collections_abc, json, os, sys
        real, read = os.environ, []
        mine = os.path.abspath(%r)
        skip = {os.getenv.__code__.co_filename, "<string>",
                _collections_abc.Mapping.get.__code__.co_filename}

        def note(name):
            # Count a read only when it comes from this module's own code (the standard
            # library may read variables such as PYTHONASYNCIODEBUG while being imported).
            frame = sys._getframe(2)
            while frame is not None and frame.f_code.co_filename in skip:
                frame = frame.f_back
            if frame is not None and os.path.abspath(frame.f_code.co_filename) == mine:
                read.append(name)

        class Spy(_collections_abc.MutableMapping):
            def __getitem__(self, name):
                note(name)
                return real[name]
            def __setitem__(self, name, value):
                real[name] = value
            def __delitem__(self, name):
                del real[name]
            def __iter__(self):
                note("<all of them>")
                return iter(real)
            def __len__(self):
                return len(real)
            def copy(self):
                note("<all of them>")
                return real.copy()
        os.environ = Spy()
        try:
            import %s
        finally:
            os.environ = real
            print(json.dumps(read))
    """ % (os.path.abspath(__file__), module)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.pathsep.join([here, os.path.dirname(kit.__file__)])
    result = kit.run_python(code, env={"PYTHONPATH": path}, cwd=os.getcwd())
    error = (result.stderr.strip().splitlines() or ["no error message"])[-1]
    assert result.returncode == 0, (
        "importing the module with an EMPTY environment failed: %s. Nothing at module level "
        "may load the configuration: call load_config() at start-up, not at import" % error)
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert read == [], (
        "importing the module read the environment (%s). Module-level code runs once, at "
        "import, in whatever environment the importer had: read variables inside "
        "load_config() only" % ", ".join(read))
