//! The Python side's own tests, run through the harness as the exercises' tests are:
//! tests/kit/test_testkit.py (every helper of the test kit catches the naive code it is for
//! and lets careful code through; once in this locale, and once with none set, where Python
//! runs in UTF-8 mode and `in_c_locale` starts a fresh interpreter instead), and
//! tests/kit/test_tests_ahead.py (a run with its tests compiled ahead reports exactly what
//! a run without reports, whatever the file looks like at the go).

use std::path::Path;
use std::process::Command;

const RUNNER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/runner");
const KIT_TESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/kit/test_testkit.py");
const AHEAD_TESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/kit/test_tests_ahead.py");

fn python() -> String {
    std::env::var("IOLINGS_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn run_through_the_harness(tests: &str, clear_locale: bool) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut command = Command::new(python());
    command
        .args([
            "-S",
            "-X",
            "warn_default_encoding",
            "-W",
            "error::EncodingWarning",
        ])
        .arg(Path::new(RUNNER).join("harness.py"))
        .arg(tests)
        .current_dir(dir.path())
        .env("PYTHONPATH", RUNNER)
        .env_remove("PYTHONUTF8");
    if clear_locale {
        command
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_CTYPE");
    }
    let output = command.output().expect("python3 runs");
    let report = String::from_utf8_lossy(&output.stderr);
    let failed: Vec<&str> = report.lines().filter(|l| !l.starts_with("PASS")).collect();
    let done = report
        .lines()
        .find(|l| l.contains("\"event\":\"done\""))
        .unwrap_or_else(|| panic!("the kit's tests did not finish:\n{report}"));
    let value: serde_json::Value = serde_json::from_str(done).expect("the done record is JSON");
    assert!(
        value["total"].as_u64().unwrap_or(0) >= 5,
        "tests missing: {done}"
    );
    assert_eq!(
        value["total"],
        value["passed"],
        "{tests} failed:\n{}",
        failed.join("\n")
    );
}

#[test]
fn kit_tests_pass() {
    run_through_the_harness(KIT_TESTS, false);
}

#[test]
fn kit_tests_pass_without_a_locale() {
    run_through_the_harness(KIT_TESTS, true);
}

#[test]
fn tests_compiled_ahead_change_no_verdict() {
    run_through_the_harness(AHEAD_TESTS, false);
}
