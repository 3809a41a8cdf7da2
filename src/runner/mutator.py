#!/usr/bin/env python3
"""iolings mutation generator: small, plausible mistakes planted in a solved exercise.

usage: python3 mutator.py [--operators a,b] [--max N] SOLUTION.py [SOLUTION.py ...]
       python3 mutator.py --list-operators [--json]

Reads a solved exercise, makes mutants of the learner's part (everything above the tests
marker: the first line matching `^# -{10,}\\s*$` whose next line starts with `# Tests`) and
prints one JSON document on stdout:

    {"version": 1, "file": "...", "tests_line": 57,
     "mutants": [{"id": "drop-encoding@read_poem#1", "operator": "drop-encoding",
                  "line": 31, "end_line": 31, "function": "read_poem",
                  "description": "open() without encoding=",
                  "before": "...", "after": "...", "source": "<the whole mutated file>"}]}

A mutant's `source` is the whole file with only the mutated region changed: the new text is
spliced in at the exact position of the original node, so the tests section and every other
line stay byte-identical. A deleted statement becomes `pass` at the same place. `before` and
`after` are the affected original lines and their replacement, joined with "\\n"; `line` and
`end_line` number the original lines.

Every mutant compiles; mutants that do not, duplicates (same source) and mutants identical to
the original are dropped. Mutants are ordered by line, column and operator. --operators keeps
only the named operators; --max N (default 400) keeps at most N mutants, spread evenly over the
operators. Given several files, the tool prints one document per line (JSON Lines), in order. An id is
`<operator>@<qualified enclosing def, or "<module>">#<k>`, where k counts that operator's
candidate sites within that def in source order (1-based). k is fixed before invalid or
duplicate mutants are dropped and before --operators/--max filter, so an id always names the
same mutation of the same code (numbers may have gaps) and stays the same when code elsewhere
changes.

Never mutated: docstrings, comments, `if __name__ == "__main__":` blocks, type annotations,
import statements, the inside of f-strings, and the signal number given to os.kill/killpg.

Exit status: 0 on success; 2 with `mutator: <file>:<line>: <what is wrong>` on stderr when the
file cannot be read, has a syntax error, or has no tests marker.

Operators (`--list-operators` prints the same list):

Generic
  flip-compare         a comparison operator negated: == <-> !=, < <-> >=, > <-> <=, in <-> not in,
                       is <-> is not
  boundary             an off-by-one in an ordering: < <-> <=, > <-> >=
  int-plus-one         an integer literal plus one (written in the literal's own base); not a
                       chunk size (f.read(64 * 1024), os.read(fd, 4096)) nor a json indent=
  int-minus-one        an integer literal minus one (same exceptions)
  and-or               a boolean operator swapped: and <-> or
  negate-condition     the condition of an if / elif / while / conditional expression /
                       comprehension filter negated: c -> not (c) (not when c is already `not x`)
  remove-not           a `not` removed: not x -> x
  true-false           a True / False literal flipped (keyword flags owned by a file operator
                       below are left to it)
  delete-statement     a statement of a function body replaced by `pass`, when its block has
                       other statements (statements a file operator below deletes are left to it)
  drop-else            the `else:` block of an if / for / while / try removed
  drop-finally         the `finally:` block removed (a bare try/finally becomes its body)
  drop-except          one `except` handler removed when there are several; a lone handler's
                       body becomes `raise` (the error is no longer handled)
  except-narrow        one exception type removed from an `except (A, B):` tuple
  break-continue       break <-> continue
  return-none          `return x` -> `return None`
  return-early         `return` inserted before the first statement (after a docstring)
  swap-args            the two positional arguments of a call swapped, when they differ
  string-empty         a short str/bytes literal passed as an argument -> "" (not f-strings, not
                       the arguments of openers, codecs, strip calls, struct and tempfile calls:
                       the operators below own those)

Files and the OS
  drop-encoding        encoding= removed from open() / Path.open / read_text / write_text /
                       io.TextIOWrapper / codecs.open / os.fdopen / tempfile files; a non-UTF-8
                       codec removed from bytes.decode() / str.encode()
  change-encoding      the codec changed: utf-8 -> utf-8-sig (when writing: a BOM) and latin-1,
                       utf-8-sig -> utf-8, any other -> utf-8
  drop-newline         newline= removed (newline="" -> universal newlines)
  drop-errors          errors= removed from an opener or from decode()/encode()
  mode-w-a             open mode 'w' -> 'a' (appends instead of truncating)
  mode-a-w             open mode 'a' -> 'w' (truncates instead of appending)
  mode-x-w             open mode 'x' -> 'w' (overwrites instead of failing on an existing file)
  mode-drop-b          'b' removed from an open mode (rb -> r, wb -> w): text instead of bytes
  mode-drop-plus       '+' removed from an open mode (rb+ -> rb)
  drop-flush           a `.flush()` statement deleted
  drop-fsync           an os.fsync() / os.fdatasync() statement deleted (a directory fsync too)
  drop-close           a `.close()` / os.close() statement deleted
  chmod-drop           an os.chmod / os.fchmod / Path.chmod statement deleted
  umask-drop           os.umask(m) no longer changes the mask (the statement is deleted, or the
                       call keeps the current mask and returns it)
  replace-to-copy      os.replace / os.rename / shutil.move / Path.replace / Path.rename ->
                       shutil.copyfile (not atomic, the source stays behind)
  tempfile-no-dir      dir= removed from tempfile.mkstemp / mkdtemp / NamedTemporaryFile /
                       TemporaryDirectory / TemporaryFile / SpooledTemporaryFile
  base-to-exception    except BaseException -> except Exception; bare `except:` -> except Exception:
  with-to-assign       `with open(...) as f:` -> `f = open(...)` and the body dedented: the file is
                       never closed (also os.fdopen, os.scandir, ExitStack, `with f:`); one item
                       of a multi-item with is moved out of it
  rstrip-newline       .rstrip("\\n") / .rstrip("\\r\\n") / .strip("\\n") -> .rstrip() / .strip()
  drop-strip           .strip() / .rstrip() / .lstrip() removed: x.strip() -> x (not in
                       `x = x.strip()`, which delete-statement covers)
  split-maxsplit       split(sep, 1) / split(sep, maxsplit=1) -> split(sep); x.partition(sep) ->
                       a split(sep) that cuts the value at a second sep (rpartition likewise)
  exist-ok             exist_ok=True <-> False
  missing-ok           missing_ok=True <-> False
  drop-mkdir-parents   parents=True <-> False
  resolve-absolute     .resolve() -> .absolute(); os.path.realpath -> os.path.abspath
  drop-resolve         .resolve() / .absolute() / os.path.abspath / realpath / normpath removed
  lstat-stat           lstat <-> stat; follow_symlinks=False <-> True
  drop-symlink-check   x.is_symlink() / os.path.islink(x) -> False
  is-file-exists       .is_file() / .is_dir() / os.path.isfile / isdir -> exists
  dirname-basename     os.path.dirname <-> os.path.basename
  rglob-glob           .rglob() <-> .glob(); recursive=True removed from glob.glob / iglob
  drop-sort-key        key= or reverse= removed from sorted() / .sort() / min() / max()
  sorted-drop          sorted(x) -> list(x); a `x.sort()` statement deleted
  read-whole           `for line in f:` (a for loop or a generator expression over a file
                       bound by open()) -> `for line in f.readlines():` (the whole file in
                       memory); f.read(n) in a loop -> f.read()
  drop-continue-guard  an `if ...: continue` guard deleted
  o-excl               os.O_EXCL removed from an os.open() flags expression
  drop-open-flag       O_CREAT / O_TRUNC / O_APPEND / O_NOFOLLOW / O_SYNC / O_DSYNC / O_CLOEXEC /
                       O_DIRECTORY removed from a flags expression
  os-open-mode-drop    the permission argument of os.open(path, flags, mode) removed (0o777)
  getenv-default       the default of os.getenv(name, default) / os.environ.get removed
  json-drop-kwarg      a keyword argument (ensure_ascii, indent, sort_keys, default, ...) removed
                       from json.dump / dumps / load / loads
  csv-drop-kwarg       a dialect keyword (delimiter, quoting, quotechar, lineterminator, ...)
                       removed from csv.reader / writer / DictReader / DictWriter
  struct-byte-order    the byte-order character of a struct format changed: < -> > and @,
                       > / ! -> < and @, = / @ -> >, none -> >
  relative-to-startswith  a.is_relative_to(b) -> str(a).startswith(str(b)) (files2 passes as
                       inside files)
  as-posix-str         p.as_posix() -> str(p) (a Windows path keeps its backslashes)
  path-flavour         PureWindowsPath <-> PurePosixPath
  path-part            .stem <-> .name; .suffixes -> .suffix (only the last extension)
"""

import ast
import json
import re
import sys
import warnings

VERSION = 1

OPERATORS = {}  # name -> one-line description (the order of the docstring)


def _op(name, description):
    OPERATORS[name] = description
    return name


for _name, _desc in [
    ("flip-compare", "a comparison operator negated (== <-> !=, < <-> >=, in <-> not in, ...)"),
    ("boundary", "an off-by-one in an ordering: < <-> <=, > <-> >="),
    ("int-plus-one", "an integer literal plus one"),
    ("int-minus-one", "an integer literal minus one"),
    ("and-or", "a boolean operator swapped: and <-> or"),
    ("negate-condition", "the condition of an if/elif/while/conditional/comprehension negated"),
    ("remove-not", "a `not` removed: not x -> x"),
    ("true-false", "a True/False literal flipped"),
    ("delete-statement", "a statement of a function body replaced by `pass`"),
    ("drop-else", "the `else:` block of an if/for/while/try removed"),
    ("drop-finally", "the `finally:` block removed"),
    ("drop-except", "an except handler removed (a lone handler's body becomes `raise`)"),
    ("except-narrow", "one exception type removed from an `except (A, B):` tuple"),
    ("break-continue", "break <-> continue"),
    ("return-none", "`return x` -> `return None`"),
    ("return-early", "`return` inserted before the first statement of a function"),
    ("swap-args", "the two positional arguments of a call swapped"),
    ("string-empty", "a short str/bytes literal passed as an argument -> \"\""),
    ("drop-encoding", "encoding= removed from open()/read_text/write_text/... or decode()"),
    ("change-encoding", "the codec changed: utf-8 -> utf-8-sig / latin-1, others -> utf-8"),
    ("drop-newline", "newline= removed from an opener"),
    ("drop-errors", "errors= removed from an opener or decode()/encode()"),
    ("mode-w-a", "open mode 'w' -> 'a'"),
    ("mode-a-w", "open mode 'a' -> 'w'"),
    ("mode-x-w", "open mode 'x' -> 'w'"),
    ("mode-drop-b", "'b' removed from an open mode (rb -> r, wb -> w)"),
    ("mode-drop-plus", "'+' removed from an open mode"),
    ("drop-flush", "a .flush() statement deleted"),
    ("drop-fsync", "an os.fsync()/os.fdatasync() statement deleted"),
    ("drop-close", "a .close()/os.close() statement deleted"),
    ("chmod-drop", "an os.chmod/os.fchmod/Path.chmod statement deleted"),
    ("umask-drop", "os.umask(m) no longer changes the mask"),
    ("replace-to-copy", "os.replace/os.rename/shutil.move/Path.replace -> shutil.copyfile"),
    ("tempfile-no-dir", "dir= removed from tempfile.mkstemp/mkdtemp/NamedTemporaryFile/..."),
    ("base-to-exception", "except BaseException / bare except: -> except Exception"),
    ("with-to-assign", "`with open(...) as f:` -> `f = open(...)`: the file is never closed"),
    ("rstrip-newline", ".rstrip(\"\\n\") / .strip(\"\\n\") -> .rstrip() / .strip()"),
    ("drop-strip", ".strip()/.rstrip()/.lstrip() removed"),
    ("split-maxsplit", "split(sep, 1) -> split(sep); partition(sep) -> a split at every sep"),
    ("exist-ok", "exist_ok=True <-> False"),
    ("missing-ok", "missing_ok=True <-> False"),
    ("drop-mkdir-parents", "parents=True <-> False"),
    ("resolve-absolute", ".resolve() -> .absolute(); os.path.realpath -> os.path.abspath"),
    ("drop-resolve", ".resolve()/.absolute()/os.path.abspath/realpath/normpath removed"),
    ("lstat-stat", "lstat <-> stat; follow_symlinks=False <-> True"),
    ("drop-symlink-check", "x.is_symlink() / os.path.islink(x) -> False"),
    ("is-file-exists", ".is_file()/.is_dir()/os.path.isfile/isdir -> exists"),
    ("dirname-basename", "os.path.dirname <-> os.path.basename"),
    ("rglob-glob", ".rglob() <-> .glob(); recursive=True removed"),
    ("drop-sort-key", "key= or reverse= removed from sorted()/.sort()/min()/max()"),
    ("sorted-drop", "sorted(x) -> list(x); a x.sort() statement deleted"),
    ("read-whole", "for line in f: -> for line in f.readlines():; f.read(n) in a loop -> f.read()"),
    ("drop-continue-guard", "an `if ...: continue` guard deleted"),
    ("o-excl", "os.O_EXCL removed from an os.open() flags expression"),
    ("drop-open-flag", "O_CREAT/O_TRUNC/O_APPEND/O_NOFOLLOW/... removed from a flags expression"),
    ("os-open-mode-drop", "the permission argument of os.open(path, flags, mode) removed"),
    ("getenv-default", "the default of os.getenv(name, default)/os.environ.get removed"),
    ("json-drop-kwarg", "a keyword argument removed from json.dump/dumps/load/loads"),
    ("csv-drop-kwarg", "a dialect keyword removed from csv.reader/writer/DictReader/DictWriter"),
    ("struct-byte-order", "the byte-order character of a struct format changed"),
    ("relative-to-startswith", "a.is_relative_to(b) -> str(a).startswith(str(b))"),
    ("as-posix-str", "p.as_posix() -> str(p): backslashes on Windows paths"),
    ("path-flavour", "PureWindowsPath <-> PurePosixPath"),
    ("path-part", ".stem <-> .name; .suffixes -> .suffix"),
]:
    _op(_name, _desc)

MARKER_RE = re.compile(r"^# -{10,}\s*$")

# Calls whose keyword arguments encoding= / errors= / newline= are about text decoding.
TEXT_OPENERS = {"open", "fdopen", "read_text", "write_text", "TextIOWrapper", "reconfigure",
                "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"}
# Callables whose mode is the second positional argument (the first is the file).
MODE_SECOND = {"open", "io.open", "codecs.open", "os.fdopen", "fdopen", "gzip.open", "bz2.open",
               "lzma.open"}
TEMPFILE_FUNCS = {"mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryDirectory",
                  "TemporaryFile", "SpooledTemporaryFile"}
WITH_OPENERS = {"open", "fdopen", "scandir", "ExitStack", "TextIOWrapper", "NamedTemporaryFile",
                "TemporaryFile", "SpooledTemporaryFile", "BufferedReader", "BufferedWriter",
                "FileIO"}
FILE_BINDERS = {"open", "fdopen", "TextIOWrapper", "BufferedReader", "FileIO", "enter_context"}
OPEN_FLAGS = {"O_CREAT", "O_TRUNC", "O_APPEND", "O_NOFOLLOW", "O_SYNC", "O_DSYNC", "O_CLOEXEC",
              "O_DIRECTORY"}
STRUCT_FUNCS = {"pack", "unpack", "calcsize", "Struct", "pack_into", "unpack_from",
                "iter_unpack"}
CSV_FUNCS = {"csv.reader", "csv.writer", "csv.DictReader", "csv.DictWriter"}
JSON_FUNCS = {"json.dump", "json.dumps", "json.load", "json.loads"}
# Boolean keyword flags that a file operator owns (true-false leaves them alone).
OWNED_FLAGS = {"exist_ok": "exist-ok", "missing_ok": "missing-ok", "parents": "drop-mkdir-parents",
               "follow_symlinks": "lstat-stat"}
OWNED_STR_KW = {"encoding", "errors", "newline", "mode"}
UTF8 = {"utf-8", "utf8", "u8", "utf"}

COMPARE_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
                ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
                ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BOUNDARY = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
OP_TEXT = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
OP_RE = {ast.Eq: r"==", ast.NotEq: r"!=", ast.Lt: r"<(?!=)", ast.LtE: r"<=", ast.Gt: r">(?!=)",
         ast.GtE: r">=", ast.In: r"\bin\b", ast.NotIn: r"\bnot\s+in\b", ast.Is: r"\bis(?!\s+not\b)\b",
         ast.IsNot: r"\bis\s+not\b"}


class Failure(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line, self.message = line, message


# --------------------------------------------------------------------------------------------
# Source text and positions


class Source:
    """The file's text, with ast positions (1-based lines, UTF-8 byte columns) as str offsets."""

    def __init__(self, text):
        self.text = text
        self.lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
        self.starts = []
        at = 0
        for line in self.lines:
            self.starts.append(at)
            at += len(line)
        self.starts.append(at)

    def pos(self, lineno, bcol):
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        if line.isascii():
            col = bcol
        else:
            col = len(line.encode("utf-8")[:bcol].decode("utf-8", "replace"))
        return self.starts[lineno - 1] + col

    def start(self, node):
        return self.pos(node.lineno, node.col_offset)

    def end(self, node):
        return self.pos(node.end_lineno, node.end_col_offset)

    def seg(self, node):
        return self.text[self.start(node):self.end(node)]

    def line_of(self, offset):
        """0-based index of the line holding offset."""
        lo, hi = 0, len(self.lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def line_start(self, lineno):
        return self.starts[lineno - 1]

    def line_text(self, lineno):
        return self.lines[lineno - 1].rstrip("\r\n")

    def indent_of(self, lineno):
        line = self.line_text(lineno)
        return line[:len(line) - len(line.lstrip(" \t"))]


def find_marker(lines):
    for i, line in enumerate(lines):
        if MARKER_RE.match(line.rstrip("\r\n")) and i + 1 < len(lines) \
                and lines[i + 1].startswith("# Tests"):
            return i + 1
    return None


def _blank_comments(gap):
    """gap (text between two expressions) with comments replaced by spaces, same length."""
    return re.sub(r"#[^\r\n]*", lambda m: " " * len(m.group()), gap)


def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return (inner if inner else "?") + "." + node.attr
    return ""


def call_name(call):
    return dotted(call.func) if isinstance(call, ast.Call) else ""


def last_name(call):
    f = call.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def is_str(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def is_strlike(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def is_docstring(stmt, block, owner):
    return (isinstance(owner, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and block and block[0] is stmt and isinstance(stmt, ast.Expr) and is_str(stmt.value))


def is_main_guard(stmt):
    t = getattr(stmt, "test", None)
    return (isinstance(stmt, ast.If) and isinstance(t, ast.Compare) and len(t.ops) == 1
            and isinstance(t.ops[0], ast.Eq) and isinstance(t.left, ast.Name)
            and t.left.id == "__name__" and is_str(t.comparators[0])
            and t.comparators[0].value == "__main__")


def stmt_call(stmt):
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return stmt.value
    return None


# --------------------------------------------------------------------------------------------
# Generation


class Candidate:
    __slots__ = ("op", "line", "col", "seq", "qual", "edits", "description", "id")

    def __init__(self, op, line, col, seq, qual, edits, description):
        self.op, self.line, self.col, self.seq = op, line, col, seq
        self.qual, self.edits, self.description = qual, edits, description
        self.id = None


class Generator:
    def __init__(self, src, tree, tests_line):
        self.S = src
        self.tree = tree
        self.tests_line = tests_line
        self.out = []
        self.seq = 0
        self.parents = {}
        self.qual = {}
        self.in_loop = set()
        self.func_of = {}
        self.keep_lines = set()  # lines inside multi-line strings: never re-indented
        self.file_names = {}  # function node -> names bound to an open file

    # ---- helpers -------------------------------------------------------------------------

    def add(self, op, node, edits, description, qual=None):
        if qual is None:
            qual = self.qual.get(id(node), "<module>")
        start = min(e[0] for e in edits) if edits else self.S.start(node)
        line = self.S.line_of(start)
        col = start - self.S.starts[line]
        self.seq += 1
        self.out.append(Candidate(op, line + 1, col, self.seq, qual, edits, description))

    def span(self, node):
        return self.S.start(node), self.S.end(node)

    def replace(self, node, text):
        a, b = self.span(node)
        return [(a, b, text)]

    def remove_item(self, items, i):
        """Edits removing items[i] (with its comma) from a comma-separated list."""
        if i > 0:
            return [(self.S.end(items[i - 1]), self.S.end(items[i]), "")]
        if len(items) > 1:
            return [(self.S.start(items[0]), self.S.start(items[1]), "")]
        return [(self.S.start(items[0]), self.S.end(items[0]), "")]

    def call_items(self, call):
        items = list(call.args) + list(call.keywords)
        items.sort(key=lambda n: (n.lineno, n.col_offset))
        return items

    def drop_keyword(self, call, kw):
        items = self.call_items(call)
        return self.remove_item(items, items.index(kw))

    def drop_arg(self, call, arg):
        items = self.call_items(call)
        return self.remove_item(items, items.index(arg))

    def func_suffix(self, call, new_attr):
        """Edits renaming the attribute of call.func (x.stat() -> x.lstat())."""
        f = call.func
        if isinstance(f, ast.Attribute):
            e = self.S.end(f)
            return [(e - len(f.attr), e, new_attr)]
        if isinstance(f, ast.Name):
            return self.replace(f, new_attr)
        return None

    def receiver_text(self, attr_node):
        """The text of x in x.attr, including x's parentheses."""
        s = self.S.text[self.S.start(attr_node):self.S.end(attr_node)]
        s = s[:len(s) - len(attr_node.attr)].rstrip()
        if not s.endswith("."):
            return None
        return s[:-1].rstrip()

    def atom(self, node):
        text = self.S.seg(node)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant,
                             ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp,
                             ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.JoinedStr)):
            return text
        return "(" + text + ")"

    def stmt_to_pass(self, stmt):
        return self.replace(stmt, "pass")

    def lines_edit(self, first, last, new_lines):
        """Replace whole original lines first..last (1-based) with new_lines (no endings)."""
        a = self.S.line_start(first)
        b = self.S.starts[last]
        ending = re.search(r"(\r\n|\r|\n)$", self.S.lines[last - 1])
        nl = ending.group(1) if ending else "\n"
        text = "".join(line + nl for line in new_lines)
        if not ending and text:
            text = text[:-len(nl)]
        return [(a, b, text)]

    def dedented(self, first, last, by):
        """Lines first..last with `by` leading columns removed (multi-line strings kept)."""
        out = []
        for n in range(first, last + 1):
            line = self.S.line_text(n)
            if n in self.keep_lines:
                out.append(line)
                continue
            head = line[:by]
            if head.strip(" \t") == "":
                out.append(line[len(head):] if len(head) == by else line.lstrip(" \t"))
            else:
                out.append(line)
        return out

    def keyword_line(self, lo, hi, word):
        """First line in lo..hi (1-based) whose code starts with `word` (else/finally)."""
        for n in range(lo, hi + 1):
            s = self.S.line_text(n).lstrip()
            if re.match(word + r"\b", s):
                return n
        return None

    def colon_after(self, offset):
        """Offset of the ':' ending a compound-statement header, scanning from offset."""
        t = self.S.text
        i = offset
        while i < len(t):
            c = t[i]
            if c == "#":
                while i < len(t) and t[i] not in "\r\n":
                    i += 1
                continue
            if c == ":":
                return i
            if c not in " \t\r\n\\),":
                return None
            i += 1
        return None

    # ---- the walk ------------------------------------------------------------------------

    def run(self):
        body = [s for s in self.tree.body if s.end_lineno < self.tests_line]
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, (ast.Constant, ast.JoinedStr)) and \
                        node.end_lineno > node.lineno:
                    self.keep_lines.update(range(node.lineno + 1, node.end_lineno + 1))
        self.nodes = []
        for stmt in body:
            if is_main_guard(stmt) or isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            if is_docstring(stmt, self.tree.body, self.tree):
                continue
            self.annotate(stmt, self.tree, "<module>", None, False)
        for node in self.nodes:
            m = getattr(self, "on_" + type(node).__name__, None)
            if m:
                m(node)
        self.blocks()
        return self.out

    def annotate(self, node, parent, qual, func, loop):
        if isinstance(node, ast.JoinedStr):
            return
        self.parents[id(node)] = parent
        self.qual[id(node)] = qual
        self.func_of[id(node)] = func
        if loop:
            self.in_loop.add(id(node))
        self.nodes.append(node)
        child_qual, child_func, child_loop = qual, func, loop
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            child_qual = node.name if qual == "<module>" else qual + "." + node.name
            self.qual[id(node)] = child_qual
            if not isinstance(node, ast.ClassDef):
                child_func, child_loop = node, False
                self.file_names[node] = set()
        if isinstance(node, (ast.For, ast.While, ast.AsyncFor, ast.comprehension)):
            child_loop = True
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns", "type_comment", "type_params"):
                continue
            children = value if isinstance(value, list) else [value]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    continue
                if isinstance(child, ast.stmt) and isinstance(value, list) and \
                        is_docstring(child, value, node):
                    continue
                if isinstance(child, ast.arguments):
                    self.annotate_arguments(child, node, child_qual, child_func)
                    continue
                if isinstance(node, ast.Call) and dotted(node.func) in \
                        ("os.kill", "os.killpg", "kill", "killpg") and child in node.args[1:]:
                    continue  # never send a different signal
                self.annotate(child, node, child_qual, child_func, child_loop)

    def annotate_arguments(self, args, parent, qual, func):
        for d in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self.annotate(d, parent, qual, func, False)

    # ---- expressions ---------------------------------------------------------------------

    def on_Compare(self, node):
        prev = node.left
        for i, (op, right) in enumerate(zip(node.ops, node.comparators)):
            a, b = self.S.end(prev), self.S.start(right)
            gap = _blank_comments(self.S.text[a:b])
            m = re.search(OP_RE[type(op)], gap)
            if m:
                where = (a + m.start(), a + m.end())
                for opname, table in (("flip-compare", COMPARE_FLIP), ("boundary", BOUNDARY)):
                    new = table.get(type(op))
                    if new is None:
                        continue
                    text = OP_TEXT[new]
                    desc = "%s -> %s" % (OP_TEXT[type(op)], text)
                    self.add(opname, right if i else node, [(where[0], where[1], text)], desc)
            prev = right

    def on_BoolOp(self, node):
        new = "or" if isinstance(node.op, ast.And) else "and"
        old = "and" if new == "or" else "or"
        edits = []
        for left, right in zip(node.values, node.values[1:]):
            a, b = self.S.end(left), self.S.start(right)
            m = re.search(r"\b%s\b" % old, _blank_comments(self.S.text[a:b]))
            if not m:
                return
            edits.append((a + m.start(), a + m.end(), new))
        self.add("and-or", node, edits, "%s -> %s" % (old, new))

    def on_UnaryOp(self, node):
        if not isinstance(node.op, ast.Not):
            return
        a = self.S.start(node)
        m = re.match(r"not\s*", self.S.text[a:])
        if m:
            self.add("remove-not", node, [(a, a + m.end(), "")], "not x -> x")

    def on_Constant(self, node):
        v = node.value
        parent = self.parents.get(id(node))
        if isinstance(v, bool):
            if isinstance(parent, ast.keyword) and (parent.arg in OWNED_FLAGS
                                                    or parent.arg == "recursive"):
                return
            if isinstance(parent, ast.keyword) and \
                    call_name(self.parents.get(id(parent))) in JSON_FUNCS | CSV_FUNCS:
                return  # json-drop-kwarg / csv-drop-kwarg own these
            self.add("true-false", node, self.replace(node, str(not v)),
                     "%s -> %s" % (v, not v))
            return
        if isinstance(v, int):
            if self.is_chunk_size(node):
                return
            if isinstance(parent, ast.keyword) and \
                    call_name(self.parents.get(id(parent))) in JSON_FUNCS:
                return  # indent=2 -> 3 is cosmetic; json-drop-kwarg removes indent=
            text = self.S.seg(node)
            if not re.fullmatch(r"(0[xXoObB])?[0-9a-fA-F_]+", text):
                return
            prefix = text[:2] if len(text) > 1 and text[1] in "xXoObB" else ""
            width = len(text.replace("_", "")) - len(prefix)
            for opname, delta in (("int-plus-one", 1), ("int-minus-one", -1)):
                n = v + delta
                if prefix:
                    digits = format(abs(n), prefix[1].lower()).zfill(width)
                    new = ("-" if n < 0 else "") + prefix + digits
                else:
                    new = str(n)
                self.add(opname, node, self.replace(node, new), "%s -> %s" % (text, new))
            return
        if isinstance(v, (str, bytes)) and v and len(v) <= 30:
            if isinstance(parent, ast.keyword):
                call = self.parents.get(id(parent))
                if parent.arg in OWNED_STR_KW:
                    return
            elif isinstance(parent, ast.Call) and node in parent.args:
                call = parent
            else:
                return
            if not isinstance(call, ast.Call):
                return
            ln = last_name(call)
            if ln in TEXT_OPENERS or ln in ("decode", "encode", "strip", "rstrip", "lstrip") \
                    or call_name(call) in MODE_SECOND or ln in STRUCT_FUNCS \
                    or ln in TEMPFILE_FUNCS:  # (a temp file's prefix/suffix is cosmetic)
                return
            empty = '""' if isinstance(v, str) else 'b""'
            self.add("string-empty", node, self.replace(node, empty),
                     "%s -> %s" % (self.S.seg(node), empty))

    def is_chunk_size(self, node):
        """A literal in the size argument of a read (f.read(64 * 1024), os.read(fd, 4096)):
        any other chunk size reads the same bytes, so +-1 is an equivalent mutant."""
        big = node.value >= 256
        n, parent = node, self.parents.get(id(node))
        while isinstance(parent, ast.BinOp):
            big = big or isinstance(parent.op, ast.Mult)
            n, parent = parent, self.parents.get(id(parent))
        if not big or not isinstance(parent, ast.Call):
            return False
        ln = last_name(parent)
        return ln in ("read", "read1", "readinto", "recv", "readline", "copyfileobj") and \
            n in parent.args

    def on_BinOp(self, node):
        if not isinstance(node.op, ast.BitOr):
            return
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.BitOr):
            return
        leaves = []

        def flat(n):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr):
                flat(n.left)
                flat(n.right)
            else:
                leaves.append(n)
        flat(node)
        for i, leaf in enumerate(leaves):
            name = leaf.attr if isinstance(leaf, ast.Attribute) else \
                leaf.id if isinstance(leaf, ast.Name) else ""
            if name == "O_EXCL":
                op = "o-excl"
            elif name in OPEN_FLAGS:
                op = "drop-open-flag"
            else:
                continue
            if i > 0:
                edits = [(self.S.end(leaves[i - 1]), self.S.end(leaf), "")]
            else:
                edits = [(self.S.start(leaf), self.S.start(leaves[1]), "")]
            self.add(op, leaf, edits, "flags without %s" % name)

    def on_IfExp(self, node):
        self.negate(node.test)

    def on_comprehension(self, node):
        for cond in node.ifs:
            self.negate(cond)
        if isinstance(self.parents.get(id(node)), ast.GeneratorExp):
            # (a list/set/dict comprehension holds every line anyway: readlines() is no worse)
            self.read_whole_iter(node.iter, node)

    def negate(self, test):
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return  # remove-not makes that mutant
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return  # flip-compare makes that mutant
        text = self.S.seg(test)
        self.add("negate-condition", test, self.replace(test, "not (%s)" % text),
                 "condition negated: not (%s)" % (text if len(text) < 60 else "..."))

    def read_whole_iter(self, it, owner):
        func = self.func_of.get(id(owner))
        names = self.file_names.get(func, set()) if func is not None else set()
        direct = isinstance(it, ast.Call) and last_name(it) in ("open", "fdopen")
        if (isinstance(it, ast.Name) and it.id in names) or direct:
            text = self.S.seg(it)
            new = "%s.readlines()" % (text if not direct else self.atom(it))
            self.add("read-whole", it, self.replace(it, new),
                     "iterates over %s, the whole file read at once" % new)

    def on_Call(self, node):
        S = self.S
        name = call_name(node)
        ln = last_name(node)
        kws = {k.arg: k for k in node.keywords if k.arg}

        # text decoding keywords
        if ln in TEXT_OPENERS:
            for kwname, opname, desc in (("encoding", "drop-encoding", "without encoding="),
                                         ("newline", "drop-newline", "without newline="),
                                         ("errors", "drop-errors", "without errors=")):
                if kwname in kws:
                    self.add(opname, kws[kwname], self.drop_keyword(node, kws[kwname]),
                             "%s() %s" % (ln, desc))
            if "encoding" in kws:
                self.change_encoding(kws["encoding"].value, "%s()" % ln, node)
        if ln in ("decode", "encode") and isinstance(node.func, ast.Attribute):
            enc = node.args[0] if node.args else kws.get("encoding")
            enc_value = enc.value if isinstance(enc, ast.keyword) else enc
            if is_str(enc_value):
                if enc_value.value.lower().replace("_", "-") not in UTF8 and \
                        (len(node.args) <= 1 or isinstance(enc, ast.keyword)):
                    self.add("drop-encoding", enc, self.drop_arg(node, enc) if enc in node.args
                             else self.drop_keyword(node, enc),
                             "%s() without its codec (UTF-8)" % ln)
                self.change_encoding(enc_value, "%s()" % ln, node)
            err = node.args[1] if len(node.args) > 1 else kws.get("errors")
            if err is not None:
                self.add("drop-errors", err, self.drop_arg(node, err) if err in node.args
                         else self.drop_keyword(node, err), "%s() without errors=" % ln)

        # open modes
        mode = self.mode_of(node)
        if mode is not None and is_str(mode) and re.fullmatch(r"[rwxabtU+]+", mode.value):
            m = mode.value
            for opname, old, new in (("mode-w-a", "w", "a"), ("mode-a-w", "a", "w"),
                                     ("mode-x-w", "x", "w"), ("mode-drop-b", "b", ""),
                                     ("mode-drop-plus", "+", "")):
                if old in m:
                    nm = m.replace(old, new) or "r"
                    if nm in ("t", "+"):
                        nm = "r" + nm
                    self.add(opname, mode, self.replace(mode, self.requote(mode, nm)),
                             "open mode %r -> %r" % (m, nm))

        # temp files next to the target
        if ln in TEMPFILE_FUNCS and "dir" in kws:
            self.add("tempfile-no-dir", kws["dir"], self.drop_keyword(node, kws["dir"]),
                     "%s() without dir=: the temp file is made in the default temp dir" % ln)

        # atomic replace
        if name in ("os.replace", "os.rename", "os.renames", "shutil.move") and \
                len(node.args) == 2 and not node.keywords:
            a, b = (self.S.seg(x) for x in node.args)
            self.add("replace-to-copy", node,
                     self.replace(node, '__import__("shutil").copyfile(%s, %s)' % (a, b)),
                     "%s -> shutil.copyfile (not atomic, the source stays)" % name)
        elif ln in ("replace", "rename") and isinstance(node.func, ast.Attribute) and \
                len(node.args) == 1 and not node.keywords and \
                dotted(node.func.value) not in ("os", "shutil", "os.path"):
            recv = self.receiver_text(node.func)
            if recv:
                self.add("replace-to-copy", node, self.replace(
                    node, '__import__("shutil").copyfile(%s, %s)' % (recv, S.seg(node.args[0]))),
                    "Path.%s -> shutil.copyfile (not atomic, the source stays)" % ln)

        # newline stripping
        if ln in ("rstrip", "strip", "lstrip") and isinstance(node.func, ast.Attribute):
            if ln != "lstrip" and len(node.args) == 1 and not node.keywords and \
                    is_strlike(node.args[0]) and node.args[0].value and \
                    set(node.args[0].value) <= set("\r\n" if isinstance(node.args[0].value, str)
                                                   else b"\r\n"):
                self.add("rstrip-newline", node.args[0], self.drop_arg(node, node.args[0]),
                         ".%s(%s) -> .%s(): whitespace stripped too" % (ln, S.seg(node.args[0]),
                                                                       ln))
            recv = self.receiver_text(node.func)
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.Assign) and parent.value is node and \
                    len(parent.targets) == 1 and self.S.seg(parent.targets[0]) == recv:
                recv = None  # `x = x.strip()` -> `x = x`: delete-statement makes that mutant
            if recv:
                self.add("drop-strip", node, self.replace(node, recv),
                         "%s -> %s" % (self.short(S.seg(node)), self.short(recv)))

        # split / partition
        if ln in ("split", "rsplit") and isinstance(node.func, ast.Attribute):
            if len(node.args) == 2:
                self.add("split-maxsplit", node.args[1], self.drop_arg(node, node.args[1]),
                         "%s() without maxsplit: splits at every separator" % ln)
            elif "maxsplit" in kws:
                self.add("split-maxsplit", kws["maxsplit"],
                         self.drop_keyword(node, kws["maxsplit"]),
                         "%s() without maxsplit: splits at every separator" % ln)
        if ln in ("partition", "rpartition") and isinstance(node.func, ast.Attribute) and \
                len(node.args) == 1 and not node.keywords and \
                isinstance(node.args[0], (ast.Constant, ast.Name)):
            recv = self.receiver_text(node.func)
            sep = S.seg(node.args[0])
            if recv:
                if ln == "partition":
                    new = ("(lambda _p, _s: (_p[0], _s, _p[1]) if len(_p) > 1 else "
                           "(_p[0], _s[:0], _s[:0]))(%s.split(%s), %s)" % (recv, sep, sep))
                else:
                    new = ("(lambda _p, _s: (_p[-2], _s, _p[-1]) if len(_p) > 1 else "
                           "(_s[:0], _s[:0], _p[0]))(%s.rsplit(%s), %s)" % (recv, sep, sep))
                self.add("split-maxsplit", node, self.replace(node, new),
                         "%s(%s) -> split at every %s: a value containing it is cut"
                         % (ln, sep, sep))

        # owned boolean flags
        for kwname, opname in OWNED_FLAGS.items():
            k = kws.get(kwname)
            if k is not None and isinstance(k.value, ast.Constant) and \
                    isinstance(k.value.value, bool):
                self.add(opname, k.value, self.replace(k.value, str(not k.value.value)),
                         "%s=%s -> %s" % (kwname, k.value.value, not k.value.value))

        # paths
        if isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            if name == "os.path.realpath":
                self.add("resolve-absolute", node, self.func_suffix(node, "abspath"),
                         "os.path.realpath -> os.path.abspath: symlinks not resolved")
            elif attr == "resolve" and not name.startswith("os."):
                e = S.end(node.func)
                self.add("resolve-absolute", node, [(e - len(attr), S.end(node), "absolute()")],
                         ".resolve() -> .absolute(): symlinks and '..' not resolved")
            if attr in ("resolve", "absolute") and not name.startswith("os."):
                recv = self.receiver_text(node.func)
                if recv:
                    self.add("drop-resolve", node, self.replace(node, recv),
                             ".%s() removed" % attr)
            if name in ("os.path.abspath", "os.path.realpath", "os.path.normpath") and \
                    len(node.args) == 1 and not node.keywords:
                self.add("drop-resolve", node, self.replace(node, self.atom(node.args[0])),
                         "%s() removed" % name)
            if attr in ("stat", "lstat") and name not in ("stat.stat",):
                new = "lstat" if attr == "stat" else "stat"
                self.add("lstat-stat", node, self.func_suffix(node, new),
                         "%s -> %s" % (attr, new))
            if (attr == "is_symlink" and not node.args) or name == "os.path.islink":
                self.add("drop-symlink-check", node, self.replace(node, "False"),
                         "%s -> False: symlinks not noticed" % self.short(S.seg(node)))
            if attr in ("is_file", "is_dir") and not node.args and not node.keywords:
                e = S.end(node.func)
                self.add("is-file-exists", node, [(e - len(attr), S.end(node), "exists()")],
                         ".%s() -> .exists()" % attr)
            if name in ("os.path.isfile", "os.path.isdir"):
                self.add("is-file-exists", node, self.func_suffix(node, "exists"),
                         "%s -> os.path.exists" % name)
            if name in ("os.path.dirname", "os.path.basename"):
                new = "basename" if attr == "dirname" else "dirname"
                self.add("dirname-basename", node, self.func_suffix(node, new),
                         "%s -> os.path.%s" % (name, new))
            if attr in ("rglob", "glob") and dotted(node.func.value) != "glob":
                new = "glob" if attr == "rglob" else "rglob"
                self.add("rglob-glob", node, self.func_suffix(node, new),
                         ".%s() -> .%s()" % (attr, new))
        if name in ("glob.glob", "glob.iglob", "glob", "iglob") and "recursive" in kws:
            self.add("rglob-glob", kws["recursive"], self.drop_keyword(node, kws["recursive"]),
                     "%s() without recursive=: ** matches one level only" % name)

        # sorting
        if name in ("sorted", "min", "max") or (ln == "sort" and
                                                isinstance(node.func, ast.Attribute)):
            for kwname in ("key", "reverse"):
                if kwname in kws:
                    self.add("drop-sort-key", kws[kwname], self.drop_keyword(node, kws[kwname]),
                             "%s() without %s=" % (ln, kwname))
        if name == "sorted" and len(node.args) == 1:
            self.add("sorted-drop", node, self.replace(node, "list(%s)" % S.seg(node.args[0])),
                     "sorted(x) -> list(x): the order is whatever the source gives")

        # reading in pieces
        if ln == "read" and isinstance(node.func, ast.Attribute) and len(node.args) == 1 and \
                not node.keywords and id(node) in self.in_loop and \
                not (isinstance(node.args[0], ast.Constant) and node.args[0].value in (None, -1)):
            self.add("read-whole", node.args[0], self.drop_arg(node, node.args[0]),
                     ".read(%s) -> .read(): the whole file at once" % S.seg(node.args[0]))

        # os.open permissions, getenv defaults
        if name == "os.open":
            if len(node.args) == 3:
                self.add("os-open-mode-drop", node.args[2], self.drop_arg(node, node.args[2]),
                         "os.open() without its mode %s: 0o777 & ~umask" % S.seg(node.args[2]))
            elif "mode" in kws:
                self.add("os-open-mode-drop", kws["mode"], self.drop_keyword(node, kws["mode"]),
                         "os.open() without mode=: 0o777 & ~umask")
        if name in ("os.getenv", "os.environ.get", "getenv") and len(node.args) == 2:
            self.add("getenv-default", node.args[1], self.drop_arg(node, node.args[1]),
                     "%s() without its default: None when unset" % name)
        if name == "os.umask" and not isinstance(self.parents.get(id(node)), ast.Expr):
            self.add("umask-drop", node, self.replace(
                node, '(lambda _m: (__import__("os").umask(_m), _m)[1])(__import__("os").umask(0))'),
                "os.umask() returns the mask but leaves it unchanged")

        # json / csv keyword arguments
        if name in JSON_FUNCS:
            for k in node.keywords:
                if k.arg:
                    self.add("json-drop-kwarg", k, self.drop_keyword(node, k),
                             "%s() without %s=" % (name, k.arg))
        if name in CSV_FUNCS:
            for k in node.keywords:
                if k.arg and k.arg not in ("fieldnames", "f"):
                    self.add("csv-drop-kwarg", k, self.drop_keyword(node, k),
                             "%s() without %s=" % (name, k.arg))

        # struct formats
        if (name.startswith("struct.") or isinstance(node.func, ast.Name)) and \
                ln in STRUCT_FUNCS and node.args and is_strlike(node.args[0]):
            fmt = node.args[0].value
            fmt_s = fmt if isinstance(fmt, str) else fmt.decode("latin-1")
            first = fmt_s[:1]
            changes = {"<": [">", "@"], ">": ["<", "@"], "!": ["<", "@"], "=": [">"],
                       "@": [">"]}.get(first)
            rest = fmt_s[1:] if changes else fmt_s
            for c in changes or [">"]:
                new = c + rest
                new_lit = repr(new) if isinstance(fmt, str) else repr(new.encode("latin-1"))
                self.add("struct-byte-order", node.args[0], self.replace(node.args[0], new_lit),
                         "struct format %r -> %r" % (fmt_s, new))

        # pathlib
        if isinstance(node.func, ast.Attribute):
            recv = self.receiver_text(node.func)
            if node.func.attr == "is_relative_to" and len(node.args) == 1 and \
                    not node.keywords and recv:
                self.add("relative-to-startswith", node, self.replace(
                    node, "str(%s).startswith(str(%s))" % (recv, S.seg(node.args[0]))),
                    "is_relative_to -> str(a).startswith(str(b)): a sibling with the same "
                    "prefix counts as inside")
            if node.func.attr == "as_posix" and not node.args and recv:
                self.add("as-posix-str", node, self.replace(node, "str(%s)" % recv),
                         ".as_posix() -> str(): Windows paths keep their backslashes")
        if ln in ("PureWindowsPath", "PurePosixPath"):
            new = "PurePosixPath" if ln == "PureWindowsPath" else "PureWindowsPath"
            self.add("path-flavour", node, self.func_suffix(node, new), "%s -> %s" % (ln, new))

        # swapped arguments
        if len(node.args) == 2 and not any(isinstance(a, ast.Starred) for a in node.args) and \
                name not in ("isinstance", "issubclass", "os.kill", "os.killpg", "getattr",
                             "hasattr", "setattr", "kill", "killpg"):
            a, b = node.args
            ta, tb = S.seg(a), S.seg(b)
            consts = [isinstance(x, ast.Constant) for x in (a, b)]
            if ta != tb and consts[0] == consts[1]:
                self.add("swap-args", node, [(S.start(a), S.end(a), tb),
                                             (S.start(b), S.end(b), ta)],
                         "arguments swapped: %s(%s, %s)" % (self.short(name or ln, 30),
                                                            self.short(tb, 25),
                                                            self.short(ta, 25)))

    def mode_of(self, call):
        """The mode argument of an opener call (a node), or None."""
        kws = {k.arg: k for k in call.keywords if k.arg}
        name, ln = call_name(call), last_name(call)
        if "mode" in kws:
            return kws["mode"].value
        if name in MODE_SECOND or (ln == "fdopen" and isinstance(call.func, ast.Name)):
            return call.args[1] if len(call.args) > 1 else None
        if ln == "open" and isinstance(call.func, ast.Attribute) and name != "os.open" and \
                name.split(".")[0] not in ("tarfile", "zipfile", "webbrowser"):
            return call.args[0] if call.args else None
        return None

    def writes(self, call):
        """True if the call writes text, False if it reads, None if unknown."""
        ln = last_name(call)
        if ln in ("write_text", "encode"):
            return True
        if ln in ("read_text", "decode"):
            return False
        if ln in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"):
            return True
        mode = self.mode_of(call)
        if mode is None:
            return False if ln in ("open", "fdopen") else None
        if not is_str(mode):
            return None
        return any(c in mode.value for c in "wax+")

    def change_encoding(self, value, where, call=None):
        if not is_str(value):
            return
        norm = value.value.lower().replace("_", "-")
        if norm in UTF8:
            # Reading UTF-8 as utf-8-sig only differs by dropping a BOM: no mistake there.
            writes = self.writes(call) if call is not None else None
            targets = ["latin-1"] if writes is False else ["utf-8-sig", "latin-1"]
        elif norm in ("utf-8-sig", "utf8-sig"):
            targets = ["utf-8"]
        else:
            targets = ["utf-8"]
        for t in targets:
            self.add("change-encoding", value, self.replace(value, self.requote(value, t)),
                     "%s encoding %r -> %r" % (where, value.value, t))

    def requote(self, node, new):
        text = self.S.seg(node)
        m = re.match(r"([a-zA-Z]*)('''|\"\"\"|'|\")", text)
        if not m or not text.endswith(m.group(2)):
            return repr(new)
        q = m.group(2)
        return q + new + q

    @staticmethod
    def short(text, n=40):
        text = " ".join(text.split())
        return text if len(text) <= n else text[:n - 3] + "..."

    # ---- statements ----------------------------------------------------------------------

    def on_FunctionDef(self, node):
        self.bind_files(node)
        body = node.body
        i = 1 if body and is_docstring(body[0], body, node) else 0
        if i >= len(body):
            return
        first = body[i]
        if isinstance(first, (ast.Return, ast.Pass)) or first.lineno == node.lineno:
            return
        a = self.S.start(first)
        line_head = self.S.text[self.S.line_start(first.lineno):a]
        if line_head.strip():
            return
        self.add("return-early", first, [(a, a, "return\n" + line_head)],
                 "returns before doing anything", qual=self.qual[id(node)])

    on_AsyncFunctionDef = on_FunctionDef

    def bind_files(self, func):
        names = self.file_names.setdefault(func, set())
        for n in ast.walk(func):
            if isinstance(n, ast.withitem) and isinstance(n.context_expr, ast.Call) and \
                    last_name(n.context_expr) in FILE_BINDERS and \
                    isinstance(n.optional_vars, ast.Name):
                names.add(n.optional_vars.id)
            if isinstance(n, ast.withitem) and isinstance(n.context_expr, ast.Name) and \
                    n.context_expr.id in names and isinstance(n.optional_vars, ast.Name):
                names.add(n.optional_vars.id)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and \
                    last_name(n.value) in FILE_BINDERS and len(n.targets) == 1 and \
                    isinstance(n.targets[0], ast.Name):
                names.add(n.targets[0].id)

    def on_For(self, node):
        self.read_whole_iter(node.iter, node)
        self.drop_else(node, node.body)

    def on_While(self, node):
        self.negate(node.test)
        self.drop_else(node, node.body)

    def on_If(self, node):
        self.negate(node.test)
        if node.orelse and not (len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)
                                and self.S.line_text(node.orelse[0].lineno).lstrip()
                                .startswith("elif")):
            self.drop_else(node, node.body)
        if not node.orelse and len(node.body) == 1 and isinstance(node.body[0], ast.Continue):
            self.add("drop-continue-guard", node, self.stmt_to_pass(node),
                     "the `if ...: continue` guard removed")

    def drop_else(self, node, before_block, word="else", block=None, opname="drop-else"):
        block = node.orelse if block is None else block
        if not block:
            return
        lo = before_block[-1].end_lineno + 1
        kline = self.keyword_line(lo, block[0].lineno, word)
        if kline is None:
            return
        edits = self.lines_edit(kline, block[-1].end_lineno, [])
        self.add(opname, block[0], edits, "the %s: block removed" % word)

    def on_Try(self, node):
        last_of_main = node.handlers[-1] if node.handlers else node.body[-1]
        if node.orelse:
            self.drop_else(node, [last_of_main])
        if node.finalbody:
            prev = node.orelse[-1] if node.orelse else last_of_main
            kline = self.keyword_line(prev.end_lineno + 1, node.finalbody[0].lineno, "finally")
            if kline is not None:
                if node.handlers or node.orelse:
                    edits = self.lines_edit(kline, node.finalbody[-1].end_lineno, [])
                elif node.body[0].lineno > node.lineno:
                    by = len(self.S.indent_of(node.body[0].lineno)) - \
                        len(self.S.indent_of(node.lineno))
                    edits = self.lines_edit(node.lineno, node.end_lineno,
                                            self.dedented(node.lineno + 1, kline - 1, by))
                else:
                    edits = None
                if edits:
                    self.add("drop-finally", node.finalbody[0], edits,
                             "the finally: block removed")
        if len(node.handlers) > 1:
            for h in node.handlers:
                self.add("drop-except", h, self.lines_edit(h.lineno, h.end_lineno, []),
                         "handler `%s` removed" % self.short(self.S.line_text(h.lineno).strip()))
        elif len(node.handlers) == 1:
            h = node.handlers[0]
            if not (len(h.body) == 1 and isinstance(h.body[0], ast.Raise) and
                    h.body[0].exc is None):
                a, b = self.S.start(h.body[0]), self.S.end(h.body[-1])
                self.add("drop-except", h, [(a, b, "raise")],
                         "handler `%s` re-raises instead"
                         % self.short(self.S.line_text(h.lineno).strip()))

    on_TryStar = on_Try

    def on_ExceptHandler(self, node):
        t = node.type
        if t is None:
            a = self.S.start(node)
            if self.S.text.startswith("except", a):
                self.add("base-to-exception", node, [(a + 6, a + 6, " Exception")],
                         "bare except: -> except Exception:")
            return
        elts = t.elts if isinstance(t, ast.Tuple) else [t]
        for e in elts:
            if isinstance(e, ast.Name) and e.id == "BaseException":
                self.add("base-to-exception", e, self.replace(e, "Exception"),
                         "except BaseException -> except Exception")
        if isinstance(t, ast.Tuple) and len(t.elts) > 1:
            for i, e in enumerate(t.elts):
                self.add("except-narrow", e, self.remove_item(t.elts, i),
                         "%s no longer caught" % self.S.seg(e))

    def on_With(self, node):
        S = self.S
        for i, item in enumerate(node.items):
            ce = item.context_expr
            ok = isinstance(ce, ast.Name) or (isinstance(ce, ast.Call)
                                              and last_name(ce) in WITH_OPENERS)
            if not ok:
                continue
            value = S.seg(ce)
            target = S.seg(item.optional_vars) if item.optional_vars is not None else None
            if isinstance(ce, ast.Name) and target is None:
                assign = None
            else:
                assign = "%s = %s" % (target, value) if target else value
            indent = S.indent_of(node.lineno)
            if len(node.items) == 1:
                last = item.optional_vars or ce
                colon = self.colon_after(S.end(last))
                if colon is None:
                    continue
                header_end = S.line_of(colon) + 1
                if node.body[0].lineno <= header_end:
                    continue
                by = len(S.indent_of(node.body[0].lineno)) - len(indent)
                if by <= 0:
                    continue
                new = ([indent + assign] if assign else []) + \
                    self.dedented(header_end + 1, node.end_lineno, by)
                edits = self.lines_edit(node.lineno, node.end_lineno, new)
            else:
                if assign is None:
                    continue
                spans = []
                for it in node.items:
                    spans.append((S.start(it.context_expr),
                                  S.end(it.optional_vars or it.context_expr)))
                if i > 0:
                    cut = (spans[i - 1][1], spans[i][1])
                else:
                    cut = (spans[0][0], spans[1][0])
                a = S.start(node)
                edits = [(a, a, assign + "\n" + indent), (cut[0], cut[1], "")]
            what = "%s is never closed" % (target or value)
            if assign is None:
                desc = "`with %s:` removed: %s" % (value, what)
            else:
                desc = "`with %s` -> `%s`: %s" % (self.short(value, 40), self.short(assign, 50),
                                                  what)
            self.add("with-to-assign", ce, edits, desc)

    def on_Attribute(self, node):
        parent = self.parents.get(id(node))
        if not isinstance(node.ctx, ast.Load) or (isinstance(parent, ast.Call)
                                                   and parent.func is node):
            return
        new = {"stem": "name", "name": "stem", "suffixes": "suffix"}.get(node.attr)
        if new is None or dotted(node.value) in ("os", "sys", "os.path", "__main__"):
            return
        e = self.S.end(node)
        self.add("path-part", node, [(e - len(node.attr), e, new)],
                 ".%s -> .%s" % (node.attr, new))

    def on_Break(self, node):
        self.add("break-continue", node, self.replace(node, "continue"), "break -> continue")

    def on_Continue(self, node):
        self.add("break-continue", node, self.replace(node, "break"), "continue -> break")

    def on_Return(self, node):
        v = node.value
        if v is None or (isinstance(v, ast.Constant) and v.value is None):
            return
        if isinstance(v, ast.Constant):
            return  # True/False/numbers: true-false and the int operators change those
        self.add("return-none", v, self.replace(v, "None"),
                 "returns None instead of %s" % self.short(self.S.seg(v), 30),
                 qual=self.qual[id(node)])

    def on_Expr(self, node):
        call = stmt_call(node)
        if call is None:
            return
        op = self.stmt_operator(node)
        if op:
            self.add(op, node, self.stmt_to_pass(node), "`%s` deleted" % self.short(
                self.S.seg(node), 50))

    def stmt_operator(self, stmt):
        """The file operator that owns deleting this statement, if any."""
        call = stmt_call(stmt)
        if call is not None:
            name, ln = call_name(call), last_name(call)
            if ln == "flush" and not call.args:
                return "drop-flush"
            if name in ("os.fsync", "os.fdatasync", "fsync", "fdatasync"):
                return "drop-fsync"
            if (ln == "close" and not call.args and isinstance(call.func, ast.Attribute)) or \
                    name == "os.close":
                return "drop-close"
            if ln in ("chmod", "fchmod", "lchmod"):
                return "chmod-drop"
            if name == "os.umask":
                return "umask-drop"
            if ln == "sort" and isinstance(call.func, ast.Attribute):
                return "sorted-drop"
        if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and \
                isinstance(stmt.body[0], ast.Continue):
            return "drop-continue-guard"
        return None

    def blocks(self):
        """delete-statement over every block of every function."""
        for node in self.nodes:
            in_func = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or \
                self.func_of.get(id(node)) is not None
            if not in_func:
                continue
            blocks = []
            for field in ("body", "orelse", "finalbody"):
                value = getattr(node, field, None)
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    blocks.append(value)
            if isinstance(node, ast.ClassDef):
                continue
            for block in blocks:
                real = [s for s in block if not is_docstring(s, block, node)
                        and not isinstance(s, ast.Pass)]
                if len(real) < 2:
                    continue  # the only statement: deleting it is deleting its parent
                for s in real:
                    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                      ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
                        continue
                    if self.stmt_operator(s):
                        continue
                    if isinstance(s, ast.Return) and s is block[-1] and block is node.body and \
                            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                            (s.value is None or (isinstance(s.value, ast.Constant)
                                                 and s.value.value is None)):
                        continue  # the function returns None without it too
                    self.add("delete-statement", s, self.stmt_to_pass(s),
                             "`%s` deleted" % self.short(self.S.line_text(s.lineno).strip(), 50))


# --------------------------------------------------------------------------------------------
# Putting it together


def apply_edits(text, edits):
    for a, b, repl in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:a] + repl + text[b:]
    return text


def region(src, edits, new_text):
    S = src
    first = min(S.line_of(a) for a, b, _ in edits)
    last = max(S.line_of(b - 1 if b > a else b) for a, b, _ in edits)
    delta = sum(len(r) - (b - a) for a, b, r in edits)
    a0, b0 = S.starts[first], S.starts[last + 1]
    before = S.text[a0:b0]
    after = new_text[a0:b0 + delta]
    split = lambda t: re.split(r"\r\n|\r|\n", re.sub(r"(\r\n|\r|\n)$", "", t)) if t else []
    return first + 1, last + 1, "\n".join(split(before)), "\n".join(split(after))


def spread(mutants, limit):
    """At most `limit` mutants, spread over the operators (evenly within each)."""
    if len(mutants) <= limit:
        return mutants
    by_op = {}
    for m in mutants:
        by_op.setdefault(m["operator"], []).append(m)
    share = {op: 0 for op in by_op}
    left = limit
    pending = sorted(by_op, key=lambda op: len(by_op[op]))
    while pending and left > 0:
        each = max(1, left // len(pending))
        nxt = []
        for op in pending:
            room = len(by_op[op]) - share[op]
            take = min(each, room, left)
            share[op] += take
            left -= take
            if share[op] < len(by_op[op]):
                nxt.append(op)
            if left == 0:
                break
        pending = nxt
    keep = set()
    for op, ms in by_op.items():
        q, n = share[op], len(ms)
        for i in range(q):
            keep.add(id(ms[min(n - 1, (2 * i + 1) * n // (2 * q))]))
    return [m for m in mutants if id(m) in keep]


def generate(path, text, operators=None, limit=400):
    src = Source(text)
    tests_line = find_marker(src.lines)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise Failure(exc.lineno or 1, "syntax error: %s" % exc.msg)
    if tests_line is None:
        raise Failure(1, "no tests marker (a '# ----------' line followed by a '# Tests' line)")
    cands = Generator(src, tree, tests_line).run()
    cands.sort(key=lambda c: (c.line, c.col, c.op, c.seq))
    counters = {}
    for c in cands:
        key = (c.op, c.qual)
        counters[key] = counters.get(key, 0) + 1
        c.id = "%s@%s#%d" % (c.op, c.qual, counters[key])
    seen = {text}
    mutants = []
    tests_part = text[src.starts[tests_line - 1]:]
    for c in cands:
        if operators is not None and c.op not in operators:
            continue
        if not c.edits:
            continue
        new = apply_edits(text, c.edits)
        if new in seen or not new.endswith(tests_part):
            continue
        seen.add(new)
        try:
            # The tests section is unchanged and compiles on its own, and a learner part that
            # compiles on its own ends with complete statements: so compiling the learner part
            # is enough to know the whole file compiles (and several times faster).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(new[:len(new) - len(tests_part)], path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        line, end_line, before, after = region(src, c.edits, new)
        mutants.append({"id": c.id, "operator": c.op, "line": line, "end_line": end_line,
                        "function": c.qual, "description": c.description,
                        "before": before, "after": after, "source": new})
    mutants = spread(mutants, limit)
    return {"version": VERSION, "file": path, "tests_line": tests_line, "mutants": mutants}


USAGE = """usage: mutator.py [--operators a,b] [--max N] SOLUTION.py [SOLUTION.py ...]
       mutator.py --list-operators [--json]
With several files, one JSON document per line (JSON Lines), in the order given."""


def usage_error(message):
    sys.stderr.write("%s\nmutator: %s\n" % (USAGE, message))
    return 2


def parse_args(argv):
    """(options, files, error). Hand-rolled: argparse alone costs more than a small run."""
    opts = {"list": False, "json": False, "operators": None, "max": 400}
    files = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--":
            files.extend(args)
            break
        if a in ("-h", "--help"):
            opts["help"] = True
        elif a == "--list-operators":
            opts["list"] = True
        elif a == "--json":
            opts["json"] = True
        elif a.split("=", 1)[0] in ("--operators", "--max"):
            name, _, value = a.partition("=")
            if not _:
                if not args:
                    return None, None, "%s needs a value" % name
                value = args.pop(0)
            if name == "--max":
                if not value.isdigit():
                    return None, None, "--max needs a whole number, not %r" % value
                opts["max"] = int(value)
            else:
                ops = {o.strip() for o in value.split(",") if o.strip()}
                unknown = sorted(ops - set(OPERATORS))
                if unknown:
                    return None, None, "unknown operator(s): %s (see --list-operators)" % (
                        ", ".join(unknown))
                opts["operators"] = ops
        elif a.startswith("-") and a != "-":
            return None, None, "unknown option %s" % a
        else:
            files.append(a)
    return opts, files, None


def run_file(path, opts):
    """The JSON document for one file, or None after writing the error to stderr."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        sys.stderr.write("mutator: %s:1: cannot read: %s\n" % (path, exc))
        return None
    bom = ""
    if text.startswith("\ufeff"):
        text, bom = text[1:], "\ufeff"  # positions are counted without it; it is put back
    try:
        doc = generate(path, text, opts["operators"], opts["max"])
    except Failure as exc:
        sys.stderr.write("mutator: %s:%d: %s\n" % (path, exc.line, exc.message))
        return None
    if bom:
        for m in doc["mutants"]:
            m["source"] = bom + m["source"]
    return doc


def main(argv=None):
    opts, files, error = parse_args(sys.argv[1:] if argv is None else argv)
    if error:
        return usage_error(error)
    if opts.get("help"):
        sys.stdout.write(USAGE + "\n")
        return 0
    if opts["list"]:
        if opts["json"]:
            sys.stdout.write(json.dumps([{"name": k, "description": v}
                                         for k, v in OPERATORS.items()]) + "\n")
        else:
            width = max(len(k) for k in OPERATORS)
            for k, v in OPERATORS.items():
                sys.stdout.write("%-*s  %s\n" % (width, k, v))
        return 0
    if not files:
        return usage_error("a file is required (or --list-operators)")
    status = 0
    for path in files:
        doc = run_file(path, opts)
        if doc is None:
            status = 2
            continue
        sys.stdout.write(json.dumps(doc) + "\n")
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
