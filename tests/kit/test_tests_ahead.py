"""Self-tests of the harness's tests compiled ahead (``_compile_ahead`` in harness.py).

The runner hands a waiting interpreter the tests section it expects; at the go only the code
above it is compiled. Whatever the file looks like at the go, a run must report exactly what a
run without that hint reports: these tests run the harness on awkward files both ways and
compare every record. Run them as the kit's tests are run (see test_testkit.py).
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import iolings_testkit as kit

HARNESS = os.path.join(os.path.dirname(os.path.abspath(kit.__file__)), "harness.py")
RULE = "# " + "-" * 93 + "\n"

TESTS = RULE + '''# Tests. Read them, don't change them.

import os
import tempfile


class Box:
    def __init__(self, value):
        self.value = value


def test_compare():
    assert add(1, 2) == 4, "add(1, 2) must be 4 here"


def test_where_lines():
    assert add(add(1, 1), len([1, 2])) == 5


def test_attribute_and_bool():
    box = Box(add(2, 2))
    assert box.value > 4 and box.value < 10


def test_not():
    assert not add(0, 0) == 0


def test_raises_in_the_code():
    add(None, 1)


def test_the_hint_file_is_gone():
    assert os.environ.get("IOLINGS_TESTS_AHEAD") is None
    assert not [n for n in os.listdir(tempfile.gettempdir()) if n.startswith("ahead")]
'''

SHORT = '"""Short."""\n\n\ndef add(a, b):\n    return a + b\n\n\n'
LONG = ('"""A longer code part: the tests start further down than they did."""\n\nimport os\n'
        '\n\n# A comment.\n\n\ndef add(a, b):\n    total = a + b\n    return total\n\n\n')


def run(tmp_path, source, ahead):
    """(records without the run's pid and times, whether the ahead tests were used)."""
    work = tmp_path / ("work_ahead" if ahead is not None else "work_plain")
    work.mkdir()
    (work / "one.py").write_text(source, encoding="utf-8")
    env = dict(os.environ, TMPDIR=str(work))
    env.pop("IOLINGS_TESTS_AHEAD", None)
    if ahead is not None:
        hint = work / "ahead.py"
        hint.write_text(ahead, encoding="utf-8")
        env["IOLINGS_TESTS_AHEAD"] = str(hint)
    read_end, write_end = os.pipe()
    env["IOLINGS_REPORT_FD"] = str(write_end)
    child = subprocess.Popen([sys.executable, "-S", HARNESS, "one.py"], cwd=work, env=env,
                             pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        data = f.read().decode("utf-8")
    child.wait(timeout=60)
    records = [json.loads(line) for line in data.splitlines() if line.strip()]
    used = any(r.get("event") == "done" and r.get("ahead") for r in records)
    for r in records:
        for key in ("pid", "token", "duration_ms", "ahead"):
            r.pop(key, None)
    text = json.dumps(records, indent=1).replace(str(work), "<work>")
    return re.sub(r"0x[0-9a-f]+", "0x...", text), used  # object addresses differ anyway


def both_ways(tmp_path, source, ahead):
    plain, _ = run(tmp_path, source, None)
    hinted, used = run(tmp_path, source, ahead)
    assert hinted == plain, "with the tests compiled ahead, the run reported otherwise"
    return plain, used


def test_tests_further_down_than_when_compiled_report_their_own_lines(tmp_path):
    records, used = both_ways(tmp_path, LONG + TESTS, TESTS)
    assert used, "the tests compiled ahead were not used"
    first = LONG.count("\n") + 1
    line = first + TESTS.splitlines().index("    assert add(1, 2) == 4, \"add(1, 2) must be 4 here\"")
    assert '"line": %d' % line in records, records
    assert "where 2 = add(1, 1)" in records, records
    assert '"code": "assert not add(0, 0) == 0"' in records, records


def test_tests_that_changed_are_compiled_with_the_file(tmp_path):
    changed = TESTS.replace("== 4", "== 3")
    _, used = both_ways(tmp_path, SHORT + changed, TESTS)
    assert not used


def test_a_future_import_in_the_code_compiles_the_whole_file(tmp_path):
    code = "from __future__ import annotations\n\n\ndef add(a: Undefined, b):\n    return a + b\n\n\n"
    tests = TESTS + "\n\ndef test_annotation(x: AlsoUndefined = 1):\n    pass\n"
    records, used = both_ways(tmp_path, code + tests, tests)
    assert not used
    outcomes = {r["name"]: r["outcome"] for r in json.loads(records) if r["event"] == "test"}
    assert outcomes["test_annotation"] == "passed", records


def test_a_code_part_that_does_not_compile_alone_reports_as_before(tmp_path):
    codes = ("def add(a, b):\n    return (a +\n\n\n", "@decorator\n\n\n",
             "def add(a, b):\n    return a + b\n\nx = 1 + \\\n")
    for i, code in enumerate(codes):
        (tmp_path / str(i)).mkdir()
        records, used = both_ways(tmp_path / str(i), code + TESTS, TESTS)
        assert not used, code
        assert "compile_error" in records or "crash" in records, (code, records)


def test_another_marker_above_the_tests(tmp_path):
    code = SHORT + RULE + "# Tests of my own, above the real ones.\n\n\n"
    _, used = both_ways(tmp_path, code + TESTS, TESTS)
    assert not used


def test_windows_line_endings_in_the_code_part(tmp_path):
    records, used = both_ways(tmp_path, LONG.replace("\n", "\r\n") + TESTS, TESTS)
    assert used
    first = LONG.count("\n") + 1
    assert '"line": %d' % (first + TESTS.splitlines().index("def test_compare():")) in records
