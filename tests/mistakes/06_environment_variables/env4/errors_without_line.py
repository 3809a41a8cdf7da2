"""Raises DotenvError without saying which line is wrong."""
# expect: must say 'line

import os
import re


class DotenvError(ValueError):
    """A line of a .env file cannot be parsed."""


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _after_quote(rest, number):
    """What follows a closing quote: only blanks, then optionally a comment."""
    rest = rest.lstrip(" \t")
    if rest and not rest.startswith("#"):
        raise DotenvError("line %d: unexpected text after the closing quote: %r" % (number, rest))


def _double_quoted(body, number):
    chars, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and body[i + 1:i + 2] in ESCAPES:
            chars.append(ESCAPES[body[i + 1]])
            i += 2
            continue
        if c == '"':
            _after_quote(body[i + 1:], number)
            return "".join(chars)
        chars.append(c)
        i += 1
    raise DotenvError("line %d: missing closing double quote" % number)


def _value(raw, number):
    if raw.startswith('"'):
        return _double_quoted(raw[1:], number)
    if raw.startswith("'"):
        end = raw.find("'", 1)
        if end < 0:
            raise DotenvError("line %d: missing closing single quote" % number)
        _after_quote(raw[end + 1:], number)
        return raw[1:end]
    comment = re.search(r"[ \t]#", raw)
    if comment:
        raw = raw[:comment.start()]
    return raw.rstrip(" \t")


def parse_dotenv(text):
    values = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if line.endswith("\r"):
            line = line[:-1]
        stripped = line.strip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        match = re.match(r"export[ \t]+", stripped)
        if match:
            stripped = stripped[match.end():]
        name, equals, raw = stripped.partition("=")
        name = name.strip(" \t")
        if not equals:
            raise DotenvError("expected NAME=value, got %r" % line)
        if not NAME.fullmatch(name):
            raise DotenvError("invalid variable name %r" % name)
        values[name] = _value(raw.lstrip(" \t"), number)
    return values


def load_dotenv(path, environ=None):
    if environ is None:
        environ = os.environ
    try:
        with open(path, encoding="utf-8") as f:
            values = parse_dotenv(f.read())
    except FileNotFoundError:
        return {}
    loaded = {}
    for name, value in values.items():
        if name not in environ:
            environ[name] = value
            loaded[name] = value
    return loaded


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import errno  # noqa: E402
from unittest import mock  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def parsed(text, why):
    """parse_dotenv(text), failing the test with `why` when it raises."""
    try:
        return parse_dotenv(text)
    except Exception as exc:  # noqa: BLE001 - any crash is a wrong answer here
        raise AssertionError("parse_dotenv raised %s(%s) on %r. %s"
                             % (type(exc).__name__, exc, text, why)) from None


def test_comments_and_blank_lines():
    text = "# settings\n\n   \n\t# indented comment\nAPP_ENV=development\n\n"
    assert parsed(text, "comments and blank lines are skipped") == {"APP_ENV": "development"}, (
        "skip empty lines, lines of only spaces/tabs, and lines whose first non-blank "
        "character is '#'")


def test_equals_sign_inside_a_value():
    text = "DATABASE_URL=postgresql://app:pa=ss@db:5432/shop?sslmode=require\n"
    assert parsed(text, "Split at the FIRST '=' only: line.split('=', 1) or "
                  "line.partition('=')") == {
        "DATABASE_URL": "postgresql://app:pa=ss@db:5432/shop?sslmode=require"}, (
        "only the FIRST '=' separates the name from the value")


def test_export_prefix():
    text = "export APP_ENV=production\nexport\tWORKERS=4\nexport_dir=/srv/export\n"
    assert parsed(text, "`export NAME=value` is NAME=value") == {
        "APP_ENV": "production", "WORKERS": "4", "export_dir": "/srv/export"}, (
        "`export` is a prefix only when a space or tab follows it: export_dir is a name")


def test_whitespace_around_name_and_value():
    text = "  SPACED =   padded value   \nTABS\t=\tx\t\nEMPTY=\nBLANK=   \n"
    assert parsed(text, "spaces and tabs around the name and the value are ignored") == {
        "SPACED": "padded value", "TABS": "x", "EMPTY": "", "BLANK": ""}, (
        "strip spaces/tabs around the name and around an unquoted value; an empty value is ''")


def test_inline_comments():
    text = ("PRICE=5 # euros\nTIMEOUT=30\t# seconds\nANCHOR=page#top\nTWO=a  b  # c\n"
            "QUOTED=\"# not a comment\"  # but this is\nSINGLE='a # b' # comment\n"
            "NAME='Zoë' # it's her\nSAY=\"hi\" # she said \"hi\"\n")
    assert parsed(text, "a '#' after a space or tab starts a comment, and a quoted value "
                  "ends at the FIRST matching quote, not the last one (rfind)") == {
        "PRICE": "5", "TIMEOUT": "30", "ANCHOR": "page#top", "TWO": "a  b",
        "QUOTED": "# not a comment",
        "SINGLE": "a # b", "NAME": "Zoë", "SAY": "hi"}, (
        "in an unquoted value a '#' that follows a space or tab starts a comment (page#top "
        "keeps it); inside quotes '#' is text; after the closing quote a comment may follow, "
        "and quotes inside that comment are comment too: a quoted value ends at the FIRST "
        "matching quote (find), not the last one (rfind)")


def test_double_quotes_and_escapes():
    text = ('GREETING="Hello, \\"world\\"\\n"\n'
            'TABBED="a\\tb"\n'
            'BACKSLASH_N="a\\\\nb"\n'
            'WINDOWS="C:\\Users\\app"\n'
            'PADDED="  keep my spaces  "\n'
            'NAME="Zoë Müller – café"\n')
    got = parsed(text, "Decode the escapes of double-quoted values yourself, in one pass: "
                 "codecs 'unicode_escape' fails on C:\\Users and mangles non-ASCII text")
    expected = {"GREETING": 'Hello, "world"\n', "TABBED": "a\tb", "BACKSLASH_N": "a\\nb",
                "WINDOWS": "C:\\Users\\app", "PADDED": "  keep my spaces  ",
                "NAME": "Zoë Müller – café"}
    for name in expected:
        assert got.get(name) == expected[name], (
            "%s=...: inside double quotes \\n is a newline, \\t a tab, \\\" a quote and \\\\ "
            "one backslash, decoded in ONE left-to-right pass (chained str.replace calls "
            "decode \\\\n twice); any other backslash stays; non-ASCII stays as it is "
            "(codecs 'unicode_escape' mangles it)" % name)


def test_single_quotes_are_literal():
    text = "LITERAL='no \\n escape, no \"fuss\", no # comment'\nEMPTY=''\n"
    assert parsed(text, "single quotes take everything literally") == {
        "LITERAL": 'no \\n escape, no "fuss", no # comment', "EMPTY": ""}, (
        "inside single quotes nothing is special: no escapes, no comments")


def test_windows_line_endings():
    text = "A=1\r\nB=\"two\"\r\nC='three'  # note\r\n"
    assert parsed(text, "a \\r before the \\n belongs to the line ending") == {
        "A": "1", "B": "two", "C": "three"}, "'\\r\\n' ends a line just like '\\n'"


def test_only_newline_ends_a_line():
    text = "MOTTO=one\u2028two\x0cthree\nNEXT=4\n"
    assert parsed(text, "A line ends at '\\n' only: str.splitlines() also splits at "
                  "'\\u2028' and '\\x0c'. Use text.split('\\n')") == {
        "MOTTO": "one\u2028two\x0cthree", "NEXT": "4"}, (
        "a line ends at '\\n' only: str.splitlines() also splits at '\\u2028' and '\\x0c', "
        "cutting this value in pieces. Use text.split('\\n')")
    text = "SEP=a\x1c\nPRICE=100\xa0\nTAB=x\t \n"
    assert parsed(text, "values ending in '\\x1c' and '\\xa0'") == {
        "SEP": "a\x1c", "PRICE": "100\xa0", "TAB": "x"}, (
        "only spaces and tabs around a value are removed: str.strip() and rstrip() without an "
        "argument also remove '\\x1c', '\\xa0' (no-break space) and other characters that "
        "belong to the value. Use strip(' \\t') / rstrip(' \\t')")


def test_later_definition_wins():
    assert parsed("A=1\nB=2\nA=3\n", "a repeated name") == {"A": "3", "B": "2"}, (
        "when a name is given twice the later line wins")


def error_for(text, why):
    try:
        got = parse_dotenv(text)
    except DotenvError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(
            "parse_dotenv raised %s(%s) for %r: raise DotenvError('line N: ...') so the "
            "developer knows which line to fix" % (type(exc).__name__, exc, text)) from None
    raise AssertionError("parse_dotenv(%r) returned %r instead of raising DotenvError (%s)"
                         % (text, got, why))


def test_errors_name_the_line():
    cases = [
        ("# settings\nA=1\nthis is not a setting\n", 3, "no '='"),
        ("A=1\n1ABC=x\n", 2, "a name cannot start with a digit"),
        ("\nMY-VAR=x\n", 2, "'-' is not allowed in a name"),
        ("A=1\nB=2\nC=\"unterminated\nD=4\n", 3, "a missing closing quote"),
        ("A='open\n", 1, "a missing closing quote"),
        ("A=\"x\" y\n", 1, "text after the closing quote"),
        ("A=\"x\"y\n", 1, "text right after the closing quote"),
        ("A='x' y\n", 1, "text after the closing quote"),
        ("A='x'y\n", 1, "text right after the closing quote"),
        ("A=1\nJUST_A_NAME\n", 2, "no '='"),
        ("=value\n", 1, "an empty name"),
    ]
    for text, line, why in cases:
        message = error_for(text, why)
        assert "line %d" % line in message, (
            "%s is an error on line %d of %r; the DotenvError message must say 'line %d' "
            "(got %r). Count every line, blank and comment lines too, from 1"
            % (why, line, text, line, message))


def test_load_sets_missing_variables(tmp_path):
    path = tmp_path / ".env"
    path.write_text("APP_ENV=development\nGREETING='Grüß Gott'\n", encoding="utf-8")
    environ = {"PATH": "/usr/bin"}
    with kit.no_leaked_files():
        got = load_dotenv(path, environ)
    assert environ == {"PATH": "/usr/bin", "APP_ENV": "development", "GREETING": "Grüß Gott"}, (
        "load_dotenv sets every variable of the UTF-8 file that the mapping does not have yet")
    assert got == {"APP_ENV": "development", "GREETING": "Grüß Gott"}, (
        "return the variables that were set")


def test_load_never_overrides_the_environment(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DATABASE_URL=postgresql://localhost/dev\nDEBUG=1\nLOG_LEVEL=DEBUG\n"
                    "NEW=yes\n", encoding="utf-8")
    environ = {"DATABASE_URL": "postgresql://prod-db/shop", "DEBUG": ""}
    got = load_dotenv(path, environ)
    assert environ["DATABASE_URL"] == "postgresql://prod-db/shop", (
        "the environment already has DATABASE_URL: a .env file must NEVER override it (in "
        "production the real environment wins). Set a name only if it is not in environ")
    assert environ["DEBUG"] == "", (
        "DEBUG is set (to the empty string) in the environment: that is a value too. Test "
        "`name not in environ`, not `not environ.get(name)`")
    assert environ["NEW"] == "yes" and environ["LOG_LEVEL"] == "DEBUG", (
        "variables the environment does not have are set")
    assert got == {"LOG_LEVEL": "DEBUG", "NEW": "yes"}, (
        "return only the variables that were actually set, not the skipped ones")


def test_load_into_os_environ(tmp_path):
    path = tmp_path / ".env"
    path.write_text("IOL_ENV4_A=from-file\nIOL_ENV4_B=from-file\n", encoding="utf-8")
    with mock.patch.dict(os.environ, {"IOL_ENV4_A": "from-env"}):
        os.environ.pop("IOL_ENV4_B", None)
        load_dotenv(path)
        got = (os.environ["IOL_ENV4_A"], os.environ.get("IOL_ENV4_B"))
    assert got == ("from-env", "from-file"), (
        "without a mapping, load_dotenv loads into os.environ, still without overriding")


def test_a_missing_file_is_not_an_error(tmp_path):
    environ = {}
    try:
        got = load_dotenv(tmp_path / ".env", environ)
    except FileNotFoundError:
        raise AssertionError(
            "in production there is usually no .env file at all: a missing file means "
            "'nothing to load', return {} (catch FileNotFoundError)") from None
    assert (got, environ) == ({}, {}), "a missing file loads nothing"
    path = tmp_path / ".env"
    path.write_text("A=1\n", encoding="utf-8")
    with kit.fail_at("open", errno.EACCES, path=".env"):
        try:
            got = load_dotenv(path, environ)
        except PermissionError:
            return
    raise AssertionError(
        "the .env file exists but cannot be read (PermissionError), and load_dotenv returned "
        "%r as if there were no file. Only a MISSING file means 'nothing to load': catch "
        "FileNotFoundError, not OSError, and let other errors through" % (got,))
