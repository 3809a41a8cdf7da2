"""Self-test of the mutation generator (src/runner/mutator.py).

Run: python3 -m unittest tests/mutator/test_mutator.py   (or python3 tests/mutator/test_mutator.py)
Standard library only, Python 3.10-3.13.
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MUTATOR = os.path.join(ROOT, "src", "runner", "mutator.py")
sys.path.insert(0, os.path.dirname(MUTATOR))

import mutator  # noqa: E402

TESTS = (
    "\n\n# " + "-" * 60 + "\n"
    "# Tests. Read them, don't change them.\n"
    "\n"
    "import os  # noqa: E402\n"
    "\n"
    "\n"
    "def test_unchanged():\n"
    "    with open(__file__, encoding=\"utf-8\") as f:\n"
    "        assert f.read(1) != \"\" and 1 < 2 and not False, \"the tests section\"\n"
)


def solution(code):
    """A solved-exercise file: a docstring, `code` (dedented), the marker and a tests section."""
    return '"""An exercise.\n\nif x == 1: return True\n"""\n\n' + textwrap.dedent(code).strip("\n") \
        + "\n" + TESTS


def mutants(code, op=None, **kw):
    doc = mutator.generate("ex.py", solution(code), **kw)
    ms = doc["mutants"]
    return [m for m in ms if op is None or m["operator"] == op]


def learner(source):
    return source[:source.index("\n# ---")]


# One case per operator: code, the operator, and a text that must be in one mutant's `after`.
CASES = {
    "flip-compare": ("def f(a, b):\n    return a == b", "return a != b"),
    "boundary": ("def f(a, b):\n    return a < b", "return a <= b"),
    "int-plus-one": ("def f():\n    return 0o077", "0o100"),
    "int-minus-one": ("def f():\n    return 0o077", "0o076"),
    "and-or": ("def f(a, b):\n    return a and b", "return a or b"),
    "negate-condition": ("def f(x):\n    if ok(x):\n        g()", "if not (ok(x)):"),
    "remove-not": ("def f(x):\n    if not x:\n        g()", "if x:"),
    "true-false": ("def f():\n    return True", "return False"),
    "delete-statement": ("def f(p):\n    g(p)\n    h(p)", "    pass"),
    "drop-else": ("def f(x):\n    if x:\n        a()\n    else:\n        b()\n    c()",
                  "        a()\n    c()"),
    "drop-finally": ("def f():\n    try:\n        a()\n    except E:\n        b()\n"
                     "    finally:\n        c()\n    d()", "        b()\n    d()"),
    "drop-except": ("def f():\n    try:\n        a()\n    except ValueError:\n        b()",
                    "        raise"),
    "except-narrow": ("def f():\n    try:\n        a()\n    except (ValueError, OSError):\n"
                      "        b()", "except (ValueError)"),
    "break-continue": ("def f(xs):\n    for x in xs:\n        if x:\n            break",
                       "continue"),
    "return-none": ("def f(x):\n    return x + 1", "return None"),
    "return-early": ('def f(x):\n    """Doc."""\n    g(x)\n    h(x)',
                     '    """Doc."""\n    return\n    g(x)'),
    "swap-args": ("import os\ndef f(a, b):\n    return os.path.join(a, b)", "join(b, a)"),
    "string-empty": ("import os\ndef f():\n    return os.getenv('HOME', 'x')", "getenv(\"\", 'x')"),
    "drop-encoding": ("def f(p):\n    with open(p, encoding='utf-8') as f:\n        return f.read()",
                      "open(p) as f"),
    "change-encoding": ("def f(p, t):\n    return p.write_text(t, encoding='utf-8')",
                        "encoding='utf-8-sig'"),
    "drop-newline": ("def f(p):\n    return open(p, 'w', encoding='utf-8', newline='')",
                     "open(p, 'w', encoding='utf-8')"),
    "drop-errors": ("def f(p):\n    return open(p, encoding='utf-8', errors='replace')",
                    "open(p, encoding='utf-8')"),
    "mode-w-a": ("def f(p):\n    return open(p, 'w', encoding='utf-8')", "open(p, 'a',"),
    "mode-a-w": ("def f(p):\n    return p.open('a', encoding='utf-8')", "p.open('w',"),
    "mode-x-w": ("def f(p):\n    return open(p, 'x', encoding='utf-8')", "open(p, 'w',"),
    "mode-drop-b": ("import os\ndef f(fd):\n    return os.fdopen(fd, 'wb')", "fdopen(fd, 'w')"),
    "mode-drop-plus": ("def f(p):\n    return open(p, 'rb+')", "open(p, 'rb')"),
    "drop-flush": ("def f(out):\n    out.write('x')\n    out.flush()", "    pass"),
    "drop-fsync": ("import os\ndef f(fd):\n    os.write(fd, b'x')\n    os.fsync(fd)", "    pass"),
    "drop-close": ("import os\ndef f(fd):\n    os.write(fd, b'x')\n    os.close(fd)", "    pass"),
    "chmod-drop": ("import os\ndef f(p):\n    g(p)\n    os.chmod(p, 0o600)", "    pass"),
    "umask-drop": ("import os\ndef f():\n    os.umask(0o077)\n    g()", "    pass"),
    "replace-to-copy": ("import os\ndef f(a, b):\n    os.replace(a, b)",
                        '__import__("shutil").copyfile(a, b)'),
    "tempfile-no-dir": ("import tempfile\ndef f(d):\n    return tempfile.mkstemp(dir=d, suffix='.t')",
                        "mkstemp(suffix='.t')"),
    "base-to-exception": ("def f():\n    try:\n        a()\n    except BaseException:\n"
                          "        b()\n        raise", "except Exception:"),
    "with-to-assign": ("def f(p):\n    with open(p, encoding='utf-8') as f:\n        return f.read()",
                       "    f = open(p, encoding='utf-8')\n    return f.read()"),
    "rstrip-newline": ("def f(line):\n    return line.rstrip('\\n')", "line.rstrip()"),
    "drop-strip": ("def f(line):\n    return line.strip()", "return line"),
    "split-maxsplit": ("def f(line):\n    return line.split('=', 1)", "line.split('=')"),
    "exist-ok": ("import os\ndef f(d):\n    os.makedirs(d, exist_ok=True)", "exist_ok=False"),
    "missing-ok": ("def f(p):\n    p.unlink(missing_ok=True)", "missing_ok=False"),
    "drop-mkdir-parents": ("def f(p):\n    p.mkdir(parents=True)", "parents=False"),
    "resolve-absolute": ("def f(p):\n    return p.resolve()", "p.absolute()"),
    "drop-resolve": ("import os\ndef f(p):\n    return os.path.abspath(p)", "return p"),
    "lstat-stat": ("import os\ndef f(p):\n    return os.lstat(p)", "os.stat(p)"),
    "drop-symlink-check": ("def f(p):\n    return p.is_symlink()", "return False"),
    "is-file-exists": ("def f(p):\n    return p.is_file()", "p.exists()"),
    "dirname-basename": ("import os\ndef f(p):\n    return os.path.dirname(p)", "os.path.basename(p)"),
    "rglob-glob": ("def f(p):\n    return list(p.rglob('*.txt'))", "p.glob('*.txt')"),
    "drop-sort-key": ("def f(xs):\n    return sorted(xs, key=len)", "sorted(xs)"),
    "sorted-drop": ("def f(xs):\n    return sorted(xs)", "list(xs)"),
    "read-whole": ("def f(p):\n    with open(p, encoding='utf-8') as f:\n"
                   "        for line in f:\n            g(line)", "for line in f.readlines():"),
    "drop-continue-guard": ("def f(xs):\n    for x in xs:\n        if not x.strip():\n"
                            "            continue\n        g(x)", "        pass\n        g(x)"),
    "o-excl": ("import os\ndef f(p):\n    return os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL)",
               "os.O_WRONLY | os.O_CREAT)"),
    "drop-open-flag": ("import os\ndef f(p):\n    return os.open(p, os.O_WRONLY | os.O_TRUNC)",
                       "os.open(p, os.O_WRONLY)"),
    "os-open-mode-drop": ("import os\ndef f(p):\n    return os.open(p, os.O_RDONLY, 0o600)",
                          "os.open(p, os.O_RDONLY)"),
    "getenv-default": ("import os\ndef f():\n    return os.getenv('A', 'b')", "os.getenv('A')"),
    "json-drop-kwarg": ("import json\ndef f(x):\n    return json.dumps(x, ensure_ascii=False)",
                        "json.dumps(x)"),
    "csv-drop-kwarg": ("import csv\ndef f(fh):\n    return csv.reader(fh, delimiter=';')",
                       "csv.reader(fh)"),
    "struct-byte-order": ("import struct\ndef f(n):\n    return struct.pack('<I', n)",
                          "struct.pack('>I', n)"),
    "relative-to-startswith": ("def f(a, b):\n    return a.is_relative_to(b)",
                               "str(a).startswith(str(b))"),
    "as-posix-str": ("def f(p):\n    return p.as_posix()", "return str(p)"),
    "path-flavour": ("from pathlib import PureWindowsPath\ndef f(raw):\n"
                     "    return PureWindowsPath(raw).name", "PurePosixPath(raw)"),
    "path-part": ("def f(p):\n    return p.stem", "return p.name"),
}


class EveryOperator(unittest.TestCase):
    def test_every_operator_has_a_case_and_is_documented(self):
        self.assertEqual(set(CASES), set(mutator.OPERATORS))
        for name in mutator.OPERATORS:
            self.assertRegex(mutator.__doc__, r"\n  %s\b" % re.escape(name),
                             "operator %s is not described in the module docstring" % name)
            self.assertRegex(name, r"^[a-z0-9]+(-[a-z0-9]+)*$")

    def test_cases(self):
        for op, (code, expected) in CASES.items():
            with self.subTest(op=op):
                ms = mutants(code, op)
                self.assertTrue(ms, "%s made no mutant of:\n%s" % (op, code))
                afters = [learner(m["source"]) for m in ms]
                self.assertTrue(any(expected in a for a in afters),
                                "%s: %r not in\n%s" % (op, expected, "\n---\n".join(afters)))
                for m in ms:
                    self.assertEqual(m["operator"], op)
                    self.assertTrue(m["id"].startswith(op + "@"))
                    compile(m["source"], "ex.py", "exec")


class Properties(unittest.TestCase):
    BIG = "\n\n".join(code for code, _ in CASES.values())

    def test_tests_section_is_byte_identical_and_mutants_compile(self):
        text = solution(self.BIG)
        doc = mutator.generate("ex.py", text)
        tests_at = text.index("\n# ---") + 1
        self.assertEqual(doc["tests_line"], text[:tests_at].count("\n") + 1)
        self.assertGreater(len(doc["mutants"]), 60)
        seen = set()
        for m in doc["mutants"]:
            src = m["source"]
            self.assertTrue(src.endswith(text[tests_at:]), m["id"])
            self.assertNotEqual(src, text, m["id"])
            self.assertNotIn(src, seen, m["id"])
            seen.add(src)
            compile(src, "ex.py", "exec")
            lines = text.split("\n")
            self.assertEqual("\n".join(lines[m["line"] - 1:m["end_line"]]), m["before"], m["id"])
            rebuilt = "\n".join(lines[:m["line"] - 1] + ([m["after"]] if m["after"] else [])
                                + lines[m["end_line"]:])
            self.assertEqual(rebuilt, src, m["id"])

    def test_order_and_ids(self):
        ms = mutants(self.BIG)
        keys = [(m["line"]) for m in ms]
        self.assertEqual(keys, sorted(keys))
        ids = [m["id"] for m in ms]
        self.assertEqual(len(ids), len(set(ids)))
        for i in ids:
            self.assertRegex(i, r"^[a-z0-9-]+@(<module>|[\w.]+)#[1-9][0-9]*$")

    def test_ids_are_stable_when_other_code_changes(self):
        code = "def f(a, b):\n    if a < b:\n        return a + 1\n    return b\n"
        first = {m["id"]: m["after"] for m in mutants(code)}
        later = {m["id"]: m["after"] for m in mutants(
            "def before(x):\n    return x < 3 and x > 1\n\n\n" + code + "\n\ndef after(y):\n"
            "    return y == 2\n")}
        for k, v in first.items():
            self.assertEqual(later.get(k), v, k)

    def test_operator_filter_keeps_ids(self):
        everything = {m["id"]: m for m in mutants(self.BIG)}
        some = mutants(self.BIG, operators={"int-plus-one", "drop-encoding"})
        self.assertTrue(some)
        for m in some:
            self.assertIn(m["operator"], {"int-plus-one", "drop-encoding"})
            self.assertEqual(everything[m["id"]]["source"], m["source"])

    def test_max_keeps_a_spread(self):
        few = mutants(self.BIG, limit=20)
        self.assertEqual(len(few), 20)
        self.assertGreaterEqual(len({m["operator"] for m in few}), 15)
        self.assertEqual(mutants(self.BIG, limit=0), [])

    def test_deterministic(self):
        a = mutator.generate("ex.py", solution(self.BIG))
        b = mutator.generate("ex.py", solution(self.BIG))
        self.assertEqual(json.dumps(a), json.dumps(b))

    def test_qualified_names(self):
        code = """
            LIMIT = 3

            class Lock:
                def acquire(self, n):
                    return n > 1

            def outer(x):
                def inner(y):
                    return y > 2
                return inner(x) > 0
        """
        funcs = {m["function"] for m in mutants(code, "flip-compare")}
        self.assertEqual(funcs, {"Lock.acquire", "outer.inner", "outer"})
        self.assertEqual({m["id"] for m in mutants(code, "int-plus-one")
                          if m["function"] == "<module>"}, {"int-plus-one@<module>#1"})


class NotMutated(unittest.TestCase):
    def test_docstrings_imports_annotations_fstrings_main_guard(self):
        code = '''
            import os
            from os import path as p2


            def f(x: int = 1) -> "list[int]":
                """Docstring: x == 1 and True."""
                import json
                y: int = 2
                return f"{x == 1} {True}"


            if __name__ == "__main__":
                print(f(1) == 2, True)
                os.remove("x")
        '''
        ms = mutants(code)
        for m in ms:
            self.assertNotIn("Docstring", m["before"], m["id"])
            if m["operator"] != "return-early":  # (returning before `import json` is fine)
                self.assertNotIn("import", m["before"], m["id"])
            self.assertNotIn("__main__", m["before"], m["id"])
            self.assertNotIn("print", m["before"], m["id"])
            if "{x" in m["after"]:
                self.assertIn('f"{x == 1} {True}"', m["after"], m["id"])  # never inside it
        ops = {m["operator"] for m in ms}
        self.assertNotIn("true-false", ops)
        self.assertNotIn("flip-compare", ops)
        # only the default value 1 and y = 2 carry integers
        self.assertEqual(sorted(m["after"].strip() for m in ms if m["operator"] == "int-plus-one"),
                         sorted(['def f(x: int = 2) -> "list[int]":', "y: int = 3"]))

    def test_kill_signal_is_never_changed(self):
        ms = mutants("import os\ndef f(pid):\n    os.kill(pid, 0)\n    return pid")
        for m in ms:
            self.assertIn("os.kill(pid, 0)", learner(m["source"]) + "os.kill(pid, 0)")
            self.assertNotIn("os.kill(pid, 1)", m["source"])
            self.assertNotIn("os.kill(0, pid)", m["source"])

    def test_no_mutant_for_plain_utf8_decode_without_codec(self):
        ms = mutants("def f(b):\n    return b.decode('utf-8')", "drop-encoding")
        self.assertEqual(ms, [])  # b.decode() is UTF-8 too: an equivalent mutant

    def test_reading_utf8_is_not_changed_to_utf8_sig(self):
        ms = mutants("def f(p):\n    return p.read_text(encoding='utf-8')", "change-encoding")
        self.assertEqual([m["after"].strip() for m in ms],
                         ["return p.read_text(encoding='latin-1')"])
        ms = mutants("def f(p):\n    return open(p, 'a', encoding='utf-8')", "change-encoding")
        self.assertEqual(len(ms), 2)

    def test_chunk_sizes_are_kept(self):
        code = "import os\ndef f(fh, fd):\n    while fh.read(64 * 1024):\n        os.read(fd, 4096)"
        self.assertEqual([m["after"].strip() for m in mutants(code, "int-plus-one")], [])
        self.assertEqual(len(mutants("def f(fh):\n    return fh.read(2)", "int-plus-one")), 1)

    def test_read_whole_only_where_lines_are_streamed(self):
        self.assertEqual(mutants("def f(p):\n    with open(p, encoding='utf-8') as f:\n"
                                 "        return [l.strip() for l in f]", "read-whole"), [])
        self.assertEqual(len(mutants("def f(p):\n    with open(p, encoding='utf-8') as f:\n"
                                     "        return any(l.strip() for l in f)", "read-whole")), 1)

    def test_str_replace_is_not_a_rename(self):
        self.assertEqual(mutants("def f(s):\n    return s.replace('a', 'b')", "replace-to-copy"),
                         [])

    def test_read_outside_a_loop_is_kept(self):
        self.assertEqual(mutants("def f(fh):\n    return fh.read(1)", "read-whole"), [])

    def test_final_return_none_is_not_deleted(self):
        ms = mutants("def f(x):\n    g(x)\n    return None", "delete-statement")
        self.assertEqual([m["before"].strip() for m in ms], ["g(x)"])

    def test_only_statement_of_a_block_is_not_deleted(self):
        ms = mutants("def f(x):\n    if x:\n        g(x)\n    h(x)", "delete-statement")
        self.assertEqual(sorted(m["before"].split("\n")[0].strip() for m in ms),
                         ["h(x)", "if x:"])


class Rewrites(unittest.TestCase):
    def run_learner(self, source, name, *args):
        ns = {}
        exec(compile(learner(source), "ex.py", "exec"), ns)
        return ns[name](*args)

    def test_partition_is_cut_at_a_second_separator(self):
        ms = mutants("def f(line):\n    return line.partition('=')", "split-maxsplit")
        self.assertEqual(len(ms), 1)
        self.assertEqual(self.run_learner(ms[0]["source"], "f", "a=b=c"), ("a", "=", "b"))
        self.assertEqual(self.run_learner(ms[0]["source"], "f", "abc"), ("abc", "", ""))
        ms = mutants("def f(line):\n    return line.rpartition(b'=')", "split-maxsplit")
        self.assertEqual(self.run_learner(ms[0]["source"], "f", b"a=b=c"), (b"b", b"=", b"c"))
        self.assertEqual(self.run_learner(ms[0]["source"], "f", b"abc"), (b"", b"", b"abc"))

    def test_umask_in_an_expression_leaves_the_mask(self):
        ms = mutants("import os\ndef f():\n    old = os.umask(0o077)\n    return old", "umask-drop")
        self.assertEqual(len(ms), 1)
        before = os.umask(0o022)
        try:
            self.assertEqual(self.run_learner(ms[0]["source"], "f"), 0o022)
            self.assertEqual(os.umask(0o022), 0o022)
        finally:
            os.umask(before)

    def test_with_to_assign_dedents_and_keeps_strings(self):
        code = '''
            def f(p, text):
                with open(p, "w", encoding="utf-8") as out:  # the file
                    out.write("""a
                b""")
                    # a comment
                    out.write(text)
                return 1
        '''
        ms = mutants(code, "with-to-assign")
        self.assertEqual(len(ms), 1)
        self.assertEqual(ms[0]["after"], '    out = open(p, "w", encoding="utf-8")\n'
                         '    out.write("""a\n    b""")\n    # a comment\n    out.write(text)')

    def test_with_to_assign_multi_item_and_bare_name(self):
        code = """
            def f(a, b):
                with open(a, encoding="utf-8") as src, open(b, "w", encoding="utf-8") as dst:
                    dst.write(src.read())

            def g(fh):
                with fh:
                    return fh.read()
        """
        ms = mutants(code, "with-to-assign")
        afters = [m["after"] for m in ms]
        self.assertIn('    src = open(a, encoding="utf-8")\n'
                      '    with open(b, "w", encoding="utf-8") as dst:', afters)
        self.assertIn('    dst = open(b, "w", encoding="utf-8")\n'
                      '    with open(a, encoding="utf-8") as src:', afters)
        self.assertIn("    return fh.read()", afters)

    def test_try_finally_without_handlers_becomes_its_body(self):
        ms = mutants("def f(fd):\n    try:\n        g(fd)\n    finally:\n        h(fd)\n    k()",
                     "drop-finally")
        self.assertEqual([m["after"] for m in ms], ["    g(fd)"])

    def test_drop_except_removes_one_handler_of_several(self):
        ms = mutants("def f():\n    try:\n        a()\n    except KeyError:\n        return 1\n"
                     "    except ValueError:\n        return 2", "drop-except")
        self.assertEqual(len(ms), 2)
        self.assertNotIn("KeyError", learner(ms[0]["source"]))
        self.assertNotIn("ValueError", learner(ms[1]["source"]))

    def test_bare_except(self):
        ms = mutants("def f():\n    try:\n        a()\n    except:\n        b()", "base-to-exception")
        self.assertEqual([m["after"] for m in ms], ["    except Exception:"])

    def test_non_ascii_columns(self):
        ms = mutants('def f(p):\n    s = "é→ü"; return open(p, "w", encoding="utf-8")', "mode-w-a")
        self.assertEqual(ms[0]["after"], '    s = "é→ü"; return open(p, "a", encoding="utf-8")')

    def test_integer_literal_bases(self):
        ms = mutants("def f():\n    return 0x0f + 0b10 + 1_000", "int-plus-one")
        self.assertEqual([m["after"].strip() for m in ms],
                         ["return 0x10 + 0b10 + 1_000", "return 0x0f + 0b11 + 1_000",
                          "return 0x0f + 0b10 + 1001"])

    def test_multiline_call(self):
        code = """
            def f(p):
                return open(
                    p,  # where
                    "w",
                    encoding="utf-8",
                )
        """
        ms = mutants(code, "drop-encoding")
        self.assertEqual((ms[0]["line"], ms[0]["end_line"]), (9, 10))
        self.assertEqual(ms[0]["before"], '        "w",\n        encoding="utf-8",')
        self.assertEqual(ms[0]["after"], '        "w",')
        self.assertIn('    return open(\n        p,  # where\n        "w",\n    )\n',
                      ms[0]["source"])

    def test_crlf_and_bom_are_kept(self):
        text = solution("def f(p):\n    return open(p, 'w', encoding='utf-8')")
        crlf = "\ufeff" + text.replace("\n", "\r\n")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ex.py")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(crlf)
            p = subprocess.run([sys.executable, MUTATOR, "--operators", "mode-w-a", path],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            m, = json.loads(p.stdout)["mutants"]
            self.assertEqual(m["source"], crlf.replace("'w'", "'a'"))


class CommandLine(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([sys.executable, MUTATOR, *args], capture_output=True, text=True)

    def write(self, d, text, name="ex.py"):
        path = os.path.join(d, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_output_document(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, solution(CASES["drop-encoding"][0]))
            p = self.run_cli(path)
            self.assertEqual(p.returncode, 0, p.stderr)
            doc = json.loads(p.stdout)
            self.assertEqual((doc["version"], doc["file"]), (1, path))
            self.assertEqual(set(doc["mutants"][0]), {"id", "operator", "line", "end_line",
                                                     "function", "description", "before",
                                                     "after", "source"})
            p = self.run_cli(path, path)  # several files: JSON Lines
            self.assertEqual([json.loads(line) for line in p.stdout.splitlines()], [doc, doc])

    def test_missing_marker(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, "def f():\n    return 1\n# ----------\n# not tests\n")
            p = self.run_cli(path)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stdout, "")
            self.assertRegex(p.stderr, r"^mutator: %s:1: no tests marker" % re.escape(path))
            self.assertEqual(len(p.stderr.strip().splitlines()), 1)

    def test_syntax_error(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, solution("def f(:\n    return 1"))
            p = self.run_cli(path)
            self.assertEqual(p.returncode, 2)
            line = solution("x").split("\n").index("x") + 1
            self.assertRegex(p.stderr, r"^mutator: %s:%d: syntax error" % (re.escape(path), line))

    def test_list_operators(self):
        p = self.run_cli("--list-operators")
        self.assertEqual(p.returncode, 0)
        self.assertEqual([l.split()[0] for l in p.stdout.splitlines()], list(mutator.OPERATORS))
        p = self.run_cli("--list-operators", "--json")
        self.assertEqual([o["name"] for o in json.loads(p.stdout)], list(mutator.OPERATORS))

    def test_bad_options(self):
        self.assertEqual(self.run_cli("--operators", "no-such-thing", "x.py").returncode, 2)
        self.assertEqual(self.run_cli("--max", "lots", "x.py").returncode, 2)
        self.assertEqual(self.run_cli().returncode, 2)
        p = self.run_cli("/no/such/file.py")
        self.assertEqual(p.returncode, 2)
        self.assertTrue(p.stderr.startswith("mutator: /no/such/file.py:1: cannot read"))


class WorkbookSolutions(unittest.TestCase):
    """Every shipped solution: no crash, compiling mutants, tests section untouched."""

    def test_solutions(self):
        files = sorted(glob.glob(os.path.join(ROOT, "solutions", "*", "*.py")))
        if not files:
            self.skipTest("no solutions next to this checkout")
        for path in files:
            with self.subTest(path=os.path.relpath(path, ROOT)):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                try:
                    doc = mutator.generate(path, text)
                except mutator.Failure as exc:
                    self.fail("%s:%d: %s" % (path, exc.line, exc.message))
                lines = text.splitlines(True)
                tests = "".join(lines[doc["tests_line"] - 1:])
                self.assertTrue(doc["mutants"])
                for m in doc["mutants"]:
                    self.assertTrue(m["source"].endswith(tests), m["id"])
                    compile(m["source"], path, "exec")
                    self.assertNotEqual(m["function"], "", m["id"])


if __name__ == "__main__":
    unittest.main()
