//! `iolings run`: one exercise of tests/workbook per verdict kind, each checked for its
//! documented exit code, its human report and its `--json` outcome; then the failure diff and
//! the colour rules.

mod common;

use std::time::{Duration, Instant};

use common::{expect_code, iolings_in, test_workbook};
use serde_json::Value;

/// Run NAME on a fresh copy of the test workbook, once for a person and once with --json.
/// Both must end with `code`; the human report must contain every `needle`; the JSON
/// outcome must be of `kind`. Returns the parsed JSON verdict for further checks.
#[track_caller]
fn verdict(name: &str, code: i32, kind: &str, needles: &[&str]) -> Value {
    let wb = test_workbook();
    let human = expect_code(iolings_in(&wb.root).args(["run", name]), code);
    for needle in needles {
        assert!(
            human.stdout.contains(needle),
            "`run {name}` does not show {needle:?}\n{}",
            human.both()
        );
    }
    let json = expect_code(iolings_in(&wb.root).args(["run", name, "--json"]), code);
    let verdict: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("`run {name} --json` is not JSON ({e})\n{}", json.both()));
    assert_eq!(verdict["exercise"], name, "{verdict:#}");
    assert_eq!(verdict["outcome"]["kind"], kind, "{verdict:#}");
    if kind != "passed" {
        assert!(
            !wb.done().contains(&name.to_string()),
            "a failed run must not mark {name} done"
        );
    }
    verdict
}

fn test_named<'a>(verdict: &'a Value, name: &str) -> &'a Value {
    verdict["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no test {name} in {verdict:#}"))
}

#[test]
fn passing_exercise_exits_0_and_is_marked_done() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["run", "passing"]), 0);
    assert!(
        out.stdout.contains("passing passed (2 tests)"),
        "{}",
        out.both()
    );
    assert!(out.stdout.contains("test_greeting"), "{}", out.both());
    assert!(
        out.stdout
            .contains("Next: exercises/01_basics/crlf.py (`iolings run crlf`)"),
        "{}",
        out.both()
    );
    assert!(wb.done().contains(&"passing".to_string()));

    let json = expect_code(iolings_in(&wb.root).args(["run", "passing", "--json"]), 0);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["outcome"]["kind"], "passed");
    let tests = v["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2, "{v:#}");
    assert!(tests.iter().all(|t| t["status"] == "passed"), "{v:#}");
}

#[test]
fn failing_tests_exit_1() {
    let v = verdict(
        "crlf",
        1,
        "tests_failed",
        &[
            "crlf: 1 of 2 tests failed",
            "test_read_exactly",
            "crlf.py:10",
        ],
    );
    assert_eq!(v["outcome"]["failed"], 1);
    assert_eq!(v["outcome"]["total"], 2);
    let failed = test_named(&v, "test_read_exactly");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["assertion"]["op"], "==");
    assert_eq!(failed["assertion"]["left"]["kind"], "str");
    assert_eq!(failed["assertion"]["left"]["text"], "one\ntwo\n");
    assert_eq!(failed["assertion"]["right"]["text"], "one\r\ntwo\r\n");
    assert_eq!(test_named(&v, "test_unrelated_passes")["status"], "passed");
}

#[test]
fn syntax_error_exits_4() {
    let v = verdict(
        "syntax",
        4,
        "compile_error",
        &[
            "syntax does not compile: no test ran",
            "exercises/01_basics/syntax.py:4:",
            "SyntaxError",
            "def add(a, b:",
            "^",
        ],
    );
    assert_eq!(v["outcome"]["error_type"], "SyntaxError");
    assert_eq!(v["outcome"]["line"], 4);
    assert_eq!(v["tests"].as_array().unwrap().len(), 0);
}

#[test]
fn exception_at_import_exits_5() {
    let v = verdict(
        "crash",
        5,
        "crashed",
        &[
            "crash crashed while loading, before any test ran",
            "exercises/01_basics/crash.py:4",
            "PORT = SETTINGS[\"port\"]",
            "KeyError: 'port'",
        ],
    );
    assert_eq!(v["outcome"]["exception"]["error_type"], "KeyError");
    assert_eq!(v["outcome"]["signal"], Value::Null);
    assert_eq!(v["outcome"]["exception"]["traceback"][0]["line"], 4);
}

#[test]
fn killed_by_a_signal_exits_5() {
    let v = verdict(
        "segfault",
        5,
        "crashed",
        &[
            "the Python process was killed by SIGSEGV",
            "test_first_passes",
        ],
    );
    assert!(
        v["outcome"]["signal"]
            .as_str()
            .is_some_and(|s| s.contains("SIGSEGV")),
        "{v:#}"
    );
    assert_eq!(v["outcome"]["exception"], Value::Null);
    assert_eq!(test_named(&v, "test_first_passes")["status"], "passed");
}

#[test]
fn endless_loop_times_out_with_exit_6() {
    let started = Instant::now();
    let v = verdict("forever", 6, "timed_out", &["1 s", "during test_count_up"]);
    assert_eq!(v["outcome"]["limit_secs"], 1);
    assert_eq!(v["outcome"]["during"], "test_count_up");
    // Two runs of a one-second limit: the loop really was stopped.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn sys_exit_at_import_exits_7() {
    let v = verdict(
        "exit_import",
        7,
        "exited_early",
        &[
            "sys.exit() (SystemExit) was called with code 0 while the file was loading",
            "exit_import.py:5",
        ],
    );
    assert_eq!(v["outcome"]["during"], "import");
    assert_eq!(v["outcome"]["system_exit"], true);
    assert_eq!(v["outcome"]["code"], 0);
}

#[test]
fn sys_exit_in_a_test_exits_7() {
    let v = verdict(
        "exit_test",
        7,
        "exited_early",
        &[
            "sys.exit() (SystemExit) was called with code 0 during test_finish",
            "exit_test.py:7 in finish",
        ],
    );
    assert_eq!(v["outcome"]["during"], "test_finish");
    assert_eq!(v["outcome"]["system_exit"], true);
    assert_eq!(v["outcome"]["code"], 0);
}

#[test]
fn os_exit_in_a_test_exits_7() {
    let v = verdict(
        "os_exit",
        7,
        "exited_early",
        &[
            "the Python process ended with code 0 during test_finish",
            "os._exit()",
        ],
    );
    assert_eq!(v["outcome"]["during"], "test_finish");
    assert_eq!(v["outcome"]["system_exit"], false);
    assert_eq!(v["outcome"]["code"], 0);
}

#[test]
fn interpreter_that_refuses_its_arguments_could_not_run_exit_8() {
    let v = verdict(
        "bad_args",
        8,
        "could_not_run",
        &[
            "could not run bad_args",
            "before the test harness started",
            "--no-such-interpreter-flag",
        ],
    );
    assert!(
        v["stderr"]["text"]
            .as_str()
            .is_some_and(|r| r.contains("--no-such-interpreter-flag")),
        "{v:#}"
    );
}

#[test]
fn missing_interpreter_could_not_run_exit_8() {
    let wb = test_workbook();
    let out = expect_code(
        iolings_in(&wb.root).args(["run", "passing", "--python", "/no/such/python3"]),
        8,
    );
    assert!(out.stderr.contains("/no/such/python3"), "{}", out.both());
}

#[test]
fn run_without_a_name_runs_the_current_exercise_and_moves_on() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).arg("run"), 0);
    assert!(out.stdout.contains("passing passed"), "{}", out.both());
    assert_eq!(wb.state()["current"], "crlf");
    let out = expect_code(iolings_in(&wb.root).arg("run"), 1);
    assert!(
        out.stdout.contains("crlf: 1 of 2 tests failed"),
        "{}",
        out.both()
    );
    assert!(out.stdout.contains("iolings hint crlf"), "{}", out.both());
}

#[test]
fn exercise_named_like_a_stdlib_module_is_run_correctly_or_rejected() {
    let wb = common::empty();
    let code = "def test_uses_tmp_path(tmp_path):\n    (tmp_path / 'x.txt').write_text('hi', encoding='utf-8')\n    assert (tmp_path / 'x.txt').read_text(encoding='utf-8') == 'hi'\n";
    common::write(&wb.root, "exercises/01_a/README.md", "# A\n");
    common::write(&wb.root, "exercises/01_a/tempfile.py", code);
    common::write(&wb.root, "solutions/01_a/tempfile.py", code);
    common::write(
        &wb.root,
        "info.toml",
        "format_version = 1\n[[lessons]]\ndir = \"01_a\"\ntitle = \"A\"\n\n[[exercises]]\nname = \"tempfile\"\nlesson = \"01_a\"\nhints = [\"h\"]\n",
    );
    let out = common::output(iolings_in(&wb.root).args(["run", "tempfile"]));
    // Correct code must pass, or the workbook must be refused up front: never a bogus failure.
    let rejected = out.code == 3 && out.stderr.contains("tempfile");
    assert!(out.code == 0 || rejected, "{}", out.both());
}

// ---------------------------------------------------------------------------------------------
// The diff of a failed str comparison.

#[test]
fn line_ending_diff_shows_the_carriage_return_and_the_fix() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["run", "crlf"]), 1);
    let s = &out.stdout;
    assert!(s.contains("- expected"), "{}", out.both());
    assert!(
        s.contains("- one␍"),
        "expected side shows its \\r\n{}",
        out.both()
    );
    assert!(s.contains("- two␍"), "{}", out.both());
    assert!(s.contains("+ one\n"), "got side has no \\r\n{}", out.both());
    assert!(s.contains("why:"), "{}", out.both());
    assert!(s.contains("differ only in line endings"), "{}", out.both());
    assert!(s.contains("newline=''"), "{}", out.both());
}

/// A short dict against one too long for a line: both sides are laid out one item per line,
/// so the diff marks only the items that differ, not every line.
#[test]
fn a_short_container_is_laid_out_like_the_long_one_it_is_compared_with() {
    let wb = test_workbook();
    std::fs::write(
        wb.root.join("exercises/01_basics/crlf.py"),
        "def test_dict():\n    got = {'a': 1, 'b': 2, 'c': 3}\n    \
         assert got == {'a': 1, 'b': 2, 'c': 3, 'd': 'a value long enough to need a line of its own'}\n",
    )
    .unwrap();
    let out = expect_code(
        iolings_in(&wb.root).args(["--color", "never", "run", "crlf"]),
        1,
    );
    let s = &out.stdout;
    assert!(s.contains("  {'a': 1,\n"), "{}", out.both());
    assert!(s.contains("   'b': 2,\n"), "{}", out.both());
    assert!(s.contains("+  'c': 3}"), "{}", out.both());
    assert!(!s.contains("+ {'a': 1, 'b': 2"), "{}", out.both());
}

#[test]
fn line_ending_diff_in_an_ascii_locale_spells_the_carriage_return() {
    let wb = test_workbook();
    let out = expect_code(
        iolings_in(&wb.root)
            .env("LC_ALL", "C")
            .args(["run", "crlf"]),
        1,
    );
    let s = &out.stdout;
    assert!(s.contains("- one\\r"), "{}", out.both());
    assert!(s.contains("newline=''"), "{}", out.both());
    assert!(s.is_ascii(), "ASCII locale, ASCII output\n{}", out.both());
}

// ---------------------------------------------------------------------------------------------
// Colours: only on a terminal, never with NO_COLOR.

fn has_escape(text: &str) -> bool {
    text.contains('\x1b')
}

#[test]
fn piped_output_has_no_escape_sequences() {
    let wb = test_workbook();
    for args in [&["run", "crlf"][..], &["list"], &["hint", "crlf"]] {
        let code = if args[0] == "run" { 1 } else { 0 };
        let out = expect_code(iolings_in(&wb.root).args(args), code);
        assert!(!has_escape(&out.stdout), "{args:?}\n{}", out.both());
        assert!(!has_escape(&out.stderr), "{args:?}\n{}", out.both());
    }
    let out = expect_code(iolings_in(&wb.root).args(["run", "nope_xyz"]), 2);
    assert!(!has_escape(&out.stderr), "{}", out.both());
}

#[test]
fn no_color_and_color_never_are_plain_even_when_piped() {
    let wb = test_workbook();
    let out = expect_code(
        iolings_in(&wb.root)
            .env("NO_COLOR", "1")
            .args(["run", "crlf"]),
        1,
    );
    assert!(
        !has_escape(&out.stdout) && !has_escape(&out.stderr),
        "{}",
        out.both()
    );
    let out = expect_code(
        iolings_in(&wb.root).args(["--color", "never", "run", "crlf"]),
        1,
    );
    assert!(
        !has_escape(&out.stdout) && !has_escape(&out.stderr),
        "{}",
        out.both()
    );
}

#[test]
fn color_always_forces_escape_sequences_when_piped() {
    // The other colour tests would pass vacuously if iolings never coloured anything.
    let wb = test_workbook();
    let out = expect_code(
        iolings_in(&wb.root).args(["--color", "always", "run", "crlf"]),
        1,
    );
    assert!(has_escape(&out.stdout), "{}", out.both());
}

/// Run iolings on a pseudo-terminal and return everything it printed.
fn on_a_terminal(root: &std::path::Path, envs: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iolings"));
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "IOLINGS_NO_LINKS"] {
        cmd.env_remove(var);
    }
    cmd.env("LC_ALL", "C.UTF-8").env("TERM", "xterm-256color");
    cmd.envs(envs.iter().copied());
    cmd.arg("--workbook").arg(root).args(args);
    let mut session = expectrl::Session::spawn(cmd).expect("spawn on a pty");
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    let seen = session.expect(expectrl::Eof).expect("output until EOF");
    String::from_utf8_lossy(seen.as_bytes()).into_owned()
}

#[test]
fn terminal_output_is_coloured_unless_no_color_is_set() {
    let wb = test_workbook();
    let coloured = on_a_terminal(&wb.root, &[], &["run", "crlf"]);
    assert!(coloured.contains("1 of 2 tests failed"), "{coloured}");
    assert!(has_escape(&coloured), "a terminal gets colours\n{coloured}");

    let plain = on_a_terminal(&wb.root, &[("NO_COLOR", "1")], &["run", "crlf"]);
    assert!(plain.contains("1 of 2 tests failed"), "{plain}");
    assert!(
        !has_escape(&plain),
        "NO_COLOR=1 means no escapes at all\n{plain:?}"
    );

    let never = on_a_terminal(&wb.root, &[], &["--color", "never", "run", "crlf"]);
    assert!(never.contains("1 of 2 tests failed"), "{never}");
    assert!(!has_escape(&never), "--color never\n{never:?}");
}

// ---------------------------------------------------------------------------------------------
// Names.

#[test]
fn unknown_exercise_exits_2_with_a_suggestion() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["run", "pasing"]), 2);
    assert!(
        out.stderr.contains("no exercise named `pasing`"),
        "{}",
        out.both()
    );
    assert!(
        out.stderr.contains("did you mean `passing`?"),
        "{}",
        out.both()
    );
    for args in [
        &["hint", "crfl"][..],
        &["solution", "crfl"],
        &["reset", "crfl", "--yes"],
    ] {
        let out = expect_code(iolings_in(&wb.root).args(args), 2);
        assert!(
            out.stderr.contains("did you mean `crlf`?"),
            "{args:?}\n{}",
            out.both()
        );
    }
}

#[test]
fn far_off_exercise_name_exits_2_without_a_suggestion() {
    let wb = test_workbook();
    let out = expect_code(
        iolings_in(&wb.root).args(["run", "completely_unrelated"]),
        2,
    );
    assert!(out.stderr.contains("no exercise named"), "{}", out.both());
    assert!(!out.stderr.contains("did you mean"), "{}", out.both());
    assert!(out.stderr.contains("iolings list"), "{}", out.both());
}

#[test]
fn usage_errors_exit_2() {
    let wb = test_workbook();
    expect_code(iolings_in(&wb.root).args(["run", "--no-such-flag"]), 2);
    expect_code(iolings_in(&wb.root).arg("no-such-command"), 2);
}

#[test]
fn help_documents_the_exit_codes() {
    let out = expect_code(common::iolings().arg("--help"), 0);
    for line in [
        "0 passed",
        "1 tests failed",
        "3 workbook error",
        "4 compile error",
        "5 crashed",
        "6 timed out",
        "7 exited early",
        "8 could not run",
    ] {
        assert!(
            out.stdout.contains(line),
            "--help lacks {line:?}\n{}",
            out.both()
        );
    }
}

#[test]
fn too_old_a_python_is_named_with_its_version_and_the_way_out() {
    use std::os::unix::fs::PermissionsExt;
    let wb = test_workbook();
    let fake = wb.path("python3.8");
    // Answers the interpreter probe the way a Python 3.8 would.
    std::fs::write(&fake, "#!/bin/sh\necho \"$0\"\necho 3 8 1\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    iolings_in(&wb.root)
        .arg("--python")
        .arg(&fake)
        .args(["run", "passing"])
        .assert()
        .code(8)
        .stderr(predicates::str::contains("is Python 3.8.1"))
        .stderr(predicates::str::contains("needs Python 3.10 or newer"))
        .stderr(predicates::str::contains("--python PATH"));
}

/// A one-exercise workbook holding `code`, with `extra` lines in its [[exercises]] table.
fn single(code: &str, extra: &str) -> common::Copy {
    let wb = common::empty();
    common::write(&wb.root, "exercises/01_a/README.md", "# A\n");
    common::write(&wb.root, "exercises/01_a/one.py", code);
    common::write(&wb.root, "solutions/01_a/one.py", code);
    common::write(
        &wb.root,
        "info.toml",
        &format!("format_version = 1\n[[lessons]]\ndir = \"01_a\"\ntitle = \"A\"\n\n[[exercises]]\nname = \"one\"\nlesson = \"01_a\"\nhints = [\"h\"]\n{extra}\n"),
    );
    wb
}

#[test]
fn optimised_python_keeps_every_assert() {
    // Under -O, plain asserts would vanish and the run would pass.
    let code = "def test_plain():\n    assert isinstance(1, str)\n\ndef test_chained():\n    assert 1 < 0 < 2\n";
    for extra in ["python_args = [\"-O\"]", "env = { PYTHONOPTIMIZE = \"2\" }"] {
        let wb = single(code, extra);
        let out = expect_code(iolings_in(&wb.root).args(["run", "one"]), 1);
        assert!(
            out.stdout.contains("2 of 2 tests failed"),
            "{extra}\n{}",
            out.both()
        );
    }
}

#[test]
fn shipped_skips_count_added_ones_fail_and_class_fixtures_run() {
    let code = "import unittest\n\nclass T(unittest.TestCase):\n    @classmethod\n    def setUpClass(cls):\n        cls.data = 5\n\n    def test_fixture(self):\n        self.assertEqual(self.data, 5)\n\n    def test_skipped(self):\n        self.skipTest('later')\n";
    // The skip is in the tests the exercise ships with (its solution's): it counts.
    let wb = single(code, "");
    let out = expect_code(iolings_in(&wb.root).args(["run", "one"]), 0);
    assert!(
        out.stdout
            .contains("T.test_skipped  skipped by the shipped tests: later"),
        "{}",
        out.both()
    );
    // The learner added it: the test did not run, so it fails.
    common::write(
        &wb.root,
        "solutions/01_a/one.py",
        &code.replace("self.skipTest('later')", "pass"),
    );
    let out = expect_code(iolings_in(&wb.root).args(["run", "one"]), 1);
    assert!(out.stdout.contains("1 of 2 tests failed"), "{}", out.both());
    assert!(out.stdout.contains("skips (later)"), "{}", out.both());
}

#[test]
fn the_verdict_is_printed_even_when_progress_cannot_be_saved() {
    let wb = test_workbook();
    // .iolings is a file: the state cannot be written.
    std::fs::write(wb.path(".iolings"), b"").unwrap();
    let out = common::output(iolings_in(&wb.root).args(["run", "crlf"]));
    assert_eq!(out.code, 1, "{}", out.both());
    assert!(out.stdout.contains("crlf: 1 of"), "{}", out.both());
    assert!(
        out.stderr.contains("could not save progress"),
        "{}",
        out.both()
    );
}

#[test]
fn commands_find_the_workbook_from_a_subfolder_and_name_paths_from_there() {
    let wb = common::real_workbook();
    let lesson = wb.path("exercises/01_reading_files");
    let out = common::iolings()
        .current_dir(&lesson)
        .args(["run", "reading1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("reading1.py:"), "{text}");
    assert!(
        !text.contains("exercises/01_reading_files/reading1.py"),
        "paths must be relative to where the learner stands: {text}"
    );
    let out = common::iolings()
        .current_dir(wb.path("solutions"))
        .args(["hint", "writing1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("../exercises/02_writing_files/writing1.py"),
        "{text}"
    );
}

#[test]
fn outside_any_workbook_the_error_says_so_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::iolings()
        .current_dir(dir.path())
        .arg("list")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("nor in a folder above it"), "{err}");
    assert!(err.contains("iolings init DIR"), "{err}");
}

#[test]
fn init_into_this_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::iolings()
        .current_dir(dir.path())
        .args(["init", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("to this folder."), "{text}");
    assert!(text.contains("Next: iolings\n"), "{text}");
    assert!(!text.contains("cd ."), "{text}");
}
