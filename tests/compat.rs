//! The compatibility probes: small files in tests/compat/, one per way pytest and unittest
//! collect, run and report tests (plain test classes, inherited tests, class and module
//! fixtures, decorated tests, skips, xfail, fixtures, parametrize, raises/approx, subtests,
//! unittest's assert helpers, bare asserts, long messages, file order).
//!
//! Each probe says, in its first lines, the verdict and test count iolings must give it
//! (`# expect: fail 3`), optionally the tests in the order they run (`# names: ...`), and
//! where pytest's verdict differs on purpose (`# pytest: pass 2`, with the reason in the
//! docstring). Every run checks iolings against those lines. With a real pytest available,
//! the same lines are checked against pytest's own verdict (its exit code) and count (its
//! collected items), and the probes run once more under iolings with `site_packages = true`
//! so that they import the real pytest instead of the harness's stand-in. That pytest is
//! `IOLINGS_PYTEST_PYTHON=/path/to/python` (an interpreter that can import pytest), else
//! `python3` if it can; without one, those tests say so and pass.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const PROBES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/compat");

struct Probe {
    name: String,
    source: String,
    /// ("pass" | "fail", test count) for iolings.
    expect: (String, usize),
    /// The same for pytest, where it differs on purpose.
    pytest: Option<(String, usize)>,
    names: Option<Vec<String>>,
}

fn header(source: &str, key: &str) -> Option<String> {
    source
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .map(|rest| rest.trim().to_string())
}

fn verdict_line(text: &str) -> (String, usize) {
    let (kind, count) = text.split_once(' ').expect("`pass N` or `fail N`");
    (
        kind.to_string(),
        count.trim().parse().expect("a test count"),
    )
}

fn probes() -> Vec<Probe> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(PROBES)
        .expect("tests/compat exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the probes are missing");
    files
        .iter()
        .map(|path| {
            let source = std::fs::read_to_string(path).expect("a readable probe");
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let expect = verdict_line(
                &header(&source, "# expect:")
                    .unwrap_or_else(|| panic!("{name}.py has no `# expect:` line")),
            );
            Probe {
                pytest: header(&source, "# pytest:").map(|l| verdict_line(&l)),
                names: header(&source, "# names:")
                    .map(|l| l.split_whitespace().map(String::from).collect()),
                name,
                source,
                expect,
            }
        })
        .collect()
}

/// A workbook with one lesson holding every probe as an exercise (its own solution, so the
/// tests are the shipped ones and their skips count).
fn workbook(site_packages: bool) -> common::Copy {
    let copy = common::empty();
    let mut info = String::from("format_version = 1\n");
    if site_packages {
        info.push_str("[defaults]\nsite_packages = true\n");
    }
    info.push_str("[[lessons]]\ndir = \"01_compat\"\ntitle = \"Compatibility probes\"\n");
    for probe in probes() {
        for dir in ["exercises", "solutions"] {
            common::write(
                &copy.root,
                &format!("{dir}/01_compat/{}.py", probe.name),
                &probe.source,
            );
        }
        info.push_str(&format!(
            "[[exercises]]\nname = \"{}\"\nlesson = \"01_compat\"\nhints = [\"a probe\"]\n",
            probe.name
        ));
    }
    common::write(&copy.root, "info.toml", &info);
    copy
}

fn run(root: &Path, name: &str, python: Option<&Path>) -> Value {
    let mut cmd = common::iolings_in(root);
    if let Some(python) = python {
        cmd.arg("--python").arg(python);
    }
    let out = common::output(cmd.args(["run", name, "--json"]));
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: no JSON verdict ({e})\n{}", out.both()))
}

fn summary(verdict: &Value) -> (String, usize) {
    let kind = if verdict["outcome"]["kind"] == "passed" {
        "pass"
    } else {
        "fail"
    };
    let count = verdict["tests"].as_array().map_or(0, Vec::len);
    (kind.to_string(), count)
}

fn names(verdict: &Value) -> Vec<String> {
    verdict["tests"]
        .as_array()
        .map(|tests| {
            tests
                .iter()
                .map(|t| t["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn test<'a>(verdict: &'a Value, name: &str) -> &'a Value {
    verdict["tests"]
        .as_array()
        .and_then(|tests| tests.iter().find(|t| t["name"] == name))
        .unwrap_or_else(|| panic!("no test {name} in {verdict:#}"))
}

/// Check every probe under iolings; returns the verdicts by probe name.
fn check_all(copy: &common::Copy, python: Option<&Path>) -> Vec<(String, Value)> {
    let mut wrong = Vec::new();
    let mut verdicts = Vec::new();
    for probe in probes() {
        let verdict = run(&copy.root, &probe.name, python);
        let got = summary(&verdict);
        if got != probe.expect {
            wrong.push(format!(
                "{}: iolings gave {got:?}, the probe expects {:?}: {:?}",
                probe.name, probe.expect, verdict["outcome"]
            ));
        }
        if let Some(expected) = &probe.names {
            if &names(&verdict) != expected {
                wrong.push(format!(
                    "{}: tests ran as {:?}, expected {expected:?}",
                    probe.name,
                    names(&verdict)
                ));
            }
        }
        verdicts.push((probe.name, verdict));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    verdicts
}

#[test]
fn probes_get_their_expected_verdicts_counts_and_order() {
    let copy = workbook(false);
    let verdicts = check_all(&copy, None);
    let get = |name: &str| &verdicts.iter().find(|(n, _)| n == name).unwrap().1;

    // Decorated tests are placed at their own decorators, not in mock.py or the wrapper.
    let decorated = probes()
        .into_iter()
        .find(|p| p.name == "decorated")
        .unwrap();
    let line_of = |text: &str| {
        decorated
            .source
            .lines()
            .position(|l| l.starts_with(text))
            .unwrap()
            + 1
    };
    let v = get("decorated");
    assert_eq!(test(v, "test_patched")["line"], line_of("@mock.patch"));
    assert_eq!(test(v, "test_wrapped")["line"], line_of("@traced"));

    // Every failing subtest, with its parameters, in one test.
    let years = test(get("subtests"), "TestLeap.test_years");
    let subtests: Vec<&str> = years["subtests"]
        .as_array()
        .expect("subtests reported")
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(subtests, ["(year=1900)", "(year=2100)"]);

    // unittest helpers: the two sides, first = got (left), second = expected (right).
    let equal = &test(get("unittest_diff"), "TestHelpers.test_equal")["assertion"];
    assert_eq!(equal["helper"], "assertEqual");
    assert_eq!(equal["left"]["text"], "a\r\nb\r\n");
    assert_eq!(equal["right"]["text"], "a\nb\n");
    let count = &test(get("unittest_diff"), "TestHelpers.test_count");
    assert!(
        count["exception"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Element counts were not equal: First has 2, Second has 1"),
        "{count:#}"
    );
    let multiline = &test(get("unittest_diff"), "TestHelpers.test_multiline");
    assert_eq!(multiline["assertion"]["has_message"], true);
    assert_eq!(
        multiline["exception"]["message"],
        "line endings must be \\n"
    );

    // Bare and chained asserts show their values; a multi-line assert comes whole.
    let asserts = get("bare_asserts");
    let message = |name: &str| {
        test(asserts, name)["exception"]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(message("test_bare").contains("where False = is_even(4)"));
    assert!(message("test_not").contains("assert not True"));
    let chained = &test(asserts, "test_chained")["assertion"];
    assert_eq!(
        (chained["op"].as_str(), chained["left"]["repr"].as_str()),
        (Some("<"), Some("14"))
    );
    let frames = &test(asserts, "test_multiline")["exception"]["traceback"];
    assert_eq!(
        frames[0]["code"],
        "assert (\n    clamp(1)\n    == 3\n), \"clamp doubles\""
    );

    // Skips: the shipped tests' count; the code's do not.
    for (name, status) in [
        ("TestPlatform.test_only_there", "skipped"),
        ("TestExtra.test_runtime_skip", "skipped"),
        ("test_marked", "skipped"),
        ("test_skipif_false", "passed"),
    ] {
        assert_eq!(test(get("shipped_skip"), name)["status"], status, "{name}");
    }
    let learner = test(get("learner_skip"), "test_parse");
    assert_eq!(learner["status"], "failed");
    assert!(learner["exception"]["message"]
        .as_str()
        .unwrap()
        .contains("above the tests marker"));
    for (name, status) in [
        ("test_known_bug", "xfailed"),
        ("test_passes_anyway", "xpassed"),
        ("TestUnittest.test_expected", "xfailed"),
    ] {
        assert_eq!(test(get("xfail"), name)["status"], status, "{name}");
    }
}

#[test]
fn a_long_message_says_how_much_is_left_and_how_to_see_it() {
    let copy = workbook(false);
    let out = common::output(common::iolings_in(&copy.root).args([
        "--color",
        "never",
        "run",
        "long_message",
    ]));
    assert!(
        out.stdout.contains("20 more lines of this message")
            && out.stdout.contains("run long_message --json"),
        "{}",
        out.both()
    );
}

#[test]
fn a_skip_added_to_the_tests_does_not_count() {
    // The exercise's tests differ from the ones it ships with (its solution's): the skip
    // the learner added there fails the exercise.
    let copy = common::empty();
    let shipped = "def f():\n    return 1\n\n\n# ----------\n# Tests\n\n\ndef test_f():\n    assert f() == 2\n";
    let edited = shipped.replace(
        "def test_f():",
        "import unittest\n\n\n@unittest.skip(\"later\")\ndef test_f():",
    );
    common::write(&copy.root, "exercises/01_x/skip.py", &edited);
    common::write(&copy.root, "solutions/01_x/skip.py", shipped);
    common::write(
        &copy.root,
        "info.toml",
        "format_version = 1\n[[lessons]]\ndir = \"01_x\"\ntitle = \"x\"\n[[exercises]]\nname = \"skip\"\nlesson = \"01_x\"\nhints = [\"h\"]\n",
    );
    let verdict = run(&copy.root, "skip", None);
    assert_eq!(summary(&verdict), ("fail".to_string(), 1), "{verdict:#}");
    let message = test(&verdict, "test_f")["exception"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("not the ones the exercise ships with"),
        "{message}"
    );
    // As shipped, the same skip counts.
    common::write(&copy.root, "solutions/01_x/skip.py", &edited);
    let verdict = run(&copy.root, "skip", None);
    assert_eq!(summary(&verdict), ("pass".to_string(), 1), "{verdict:#}");
}

/// An interpreter that can import pytest, if there is one.
fn pytest_python() -> Option<PathBuf> {
    let candidate = std::env::var_os("IOLINGS_PYTEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = Command::new(&candidate)
        .args(["-c", "import pytest"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(candidate)
    } else {
        eprintln!(
            "skipped: no pytest to compare with (set IOLINGS_PYTEST_PYTHON to a Python that has it)"
        );
        None
    }
}

/// pytest's verdict (exit code 0 = pass) and its number of collected tests.
fn pytest_summary(python: &Path, probe: &Probe) -> (String, usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = format!("{}.py", probe.name);
    std::fs::write(dir.path().join(&file), &probe.source).expect("probe copied");
    let output = Command::new(python)
        .args(["-m", "pytest", "-p", "no:cacheprovider", &file])
        .current_dir(dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let collected = stdout
        .lines()
        .find_map(|l| l.strip_prefix("collected "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}: pytest collected nothing?\n{stdout}", probe.name));
    let kind = if output.status.success() {
        "pass"
    } else {
        "fail"
    };
    (kind.to_string(), collected)
}

#[test]
fn probes_agree_with_pytest() {
    let Some(python) = pytest_python() else {
        return;
    };
    let mut wrong = Vec::new();
    for probe in probes() {
        let expected = probe.pytest.clone().unwrap_or(probe.expect.clone());
        let got = pytest_summary(&python, &probe);
        if got != expected {
            wrong.push(format!(
                "{}: pytest gave {got:?}, the probe says {expected:?}",
                probe.name
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn probes_agree_when_they_import_the_real_pytest() {
    let Some(python) = pytest_python() else {
        return;
    };
    let copy = workbook(true);
    check_all(&copy, Some(&python));
}

#[test]
fn site_packages_decides_whether_python_sees_them() {
    let copy = common::empty();
    let test = |no_site: u8| {
        format!("import sys\n\n\ndef test_site():\n    assert sys.flags.no_site == {no_site}\n")
    };
    for (name, no_site) in [("plain", 1), ("site", 0)] {
        for dir in ["exercises", "solutions"] {
            common::write(&copy.root, &format!("{dir}/01_x/{name}.py"), &test(no_site));
        }
    }
    common::write(
        &copy.root,
        "info.toml",
        "format_version = 1\n[[lessons]]\ndir = \"01_x\"\ntitle = \"x\"\n\
         [[exercises]]\nname = \"plain\"\nlesson = \"01_x\"\nhints = [\"h\"]\n\
         [[exercises]]\nname = \"site\"\nlesson = \"01_x\"\nsite_packages = true\nhints = [\"h\"]\n",
    );
    for name in ["plain", "site"] {
        let verdict = run(&copy.root, name, None);
        assert_eq!(
            summary(&verdict),
            ("pass".to_string(), 1),
            "{name}: {verdict:#}"
        );
    }
}
