//! The learner's progress and the commands around it: a corrupt state file, hints, solutions,
//! reset, list, verify (JSON and JUnit), init and completions.

mod common;

use std::path::{Path, PathBuf};

use common::{
    expect_code, iolings, iolings_in, real_workbook, test_workbook, Copy, REPO, TEST_WORKBOOK,
};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// A corrupt .iolings/state.json

fn corrupt_copies(wb: &Copy) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(wb.state_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("state.corrupt-") && name.ends_with(".json")
        })
        .collect();
    found.sort();
    found
}

fn corrupt_state(wb: &Copy, bytes: &str) {
    std::fs::create_dir_all(wb.state_dir()).unwrap();
    std::fs::write(wb.state_dir().join("state.json"), bytes).unwrap();
}

#[test]
fn corrupt_progress_is_set_aside_with_a_warning_and_the_command_succeeds() {
    let wb = test_workbook();
    let garbage = "{\"done\": [\"passing\", \n";
    corrupt_state(&wb, garbage);
    let out = expect_code(iolings_in(&wb.root).args(["list", "--json"]), 0);
    assert!(out.stderr.contains("warning:"), "{}", out.both());
    assert!(out.stderr.contains("state.corrupt-"), "{}", out.both());
    let rows: Value = serde_json::from_str(&out.stdout).expect("list still works");
    assert_eq!(rows.as_array().unwrap().len(), TEST_WORKBOOK.len());
    let aside = corrupt_copies(&wb);
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read_to_string(&aside[0]).unwrap(), garbage);
    assert!(
        out.stderr
            .contains(&aside[0].file_name().unwrap().to_string_lossy().into_owned()),
        "the warning names the copy\n{}",
        out.both()
    );
    // Progress starts afresh and is saved normally; the warning is not repeated.
    let out = expect_code(iolings_in(&wb.root).args(["hint", "passing"]), 0);
    assert!(!out.stderr.contains("warning:"), "{}", out.both());
    assert_eq!(wb.state()["hints_shown"]["passing"], 1);
    assert_eq!(corrupt_copies(&wb).len(), 1);
}

#[test]
fn progress_of_the_wrong_shape_is_set_aside_too_and_run_still_works() {
    let wb = test_workbook();
    corrupt_state(&wb, "{\"done\": 5}");
    let out = expect_code(iolings_in(&wb.root).args(["run", "passing"]), 0);
    assert!(out.stderr.contains("warning:"), "{}", out.both());
    assert_eq!(corrupt_copies(&wb).len(), 1);
    assert_eq!(wb.done(), ["passing"]);
}

#[test]
fn corrupt_progress_never_overwrites_an_earlier_corrupt_copy() {
    let wb = test_workbook();
    std::fs::create_dir_all(wb.state_dir()).unwrap();
    // Earlier corrupt copies for every second around now: none may be replaced.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let earlier: Vec<(PathBuf, String)> = (now.saturating_sub(2)..now + 60)
        .map(|t| {
            let path = wb.state_dir().join(format!("state.corrupt-{t}.json"));
            let text = format!("earlier corrupt progress {t}");
            std::fs::write(&path, &text).unwrap();
            (path, text)
        })
        .collect();
    corrupt_state(&wb, "the newest garbage");
    expect_code(iolings_in(&wb.root).arg("list"), 0);
    for (path, text) in &earlier {
        assert_eq!(
            &std::fs::read_to_string(path).unwrap(),
            text,
            "{} was overwritten",
            path.display()
        );
    }
    let kept = corrupt_copies(&wb)
        .iter()
        .any(|p| std::fs::read_to_string(p).unwrap() == "the newest garbage");
    assert!(kept, "the newest corrupt progress was not kept");
}

// ---------------------------------------------------------------------------------------------
// Hints

#[test]
fn hint_reveals_one_more_hint_per_call() {
    let wb = test_workbook();
    let first = expect_code(iolings_in(&wb.root).args(["hint", "passing"]), 0);
    assert!(
        first
            .stdout
            .contains("passing (exercises/01_basics/passing.py)"),
        "{}",
        first.both()
    );
    assert!(
        first
            .stdout
            .contains("Hint 1/3: First hint: open the file."),
        "{}",
        first.both()
    );
    assert!(!first.stdout.contains("Hint 2/3"), "{}", first.both());
    assert!(
        first.stdout.contains("(2 more hints available)"),
        "{}",
        first.both()
    );
    assert!(
        first
            .stdout
            .contains("https://docs.python.org/3/library/functions.html#open"),
        "docs links come with the first hint\n{}",
        first.both()
    );

    let second = expect_code(iolings_in(&wb.root).args(["hint", "passing"]), 0);
    assert!(
        second.stdout.contains("Hint 1/3: First hint"),
        "{}",
        second.both()
    );
    assert!(
        second
            .stdout
            .contains("Hint 2/3: Second hint: name the encoding."),
        "{}",
        second.both()
    );
    assert!(!second.stdout.contains("Hint 3/3"), "{}", second.both());
    assert!(
        second.stdout.contains("(1 more hint available)"),
        "{}",
        second.both()
    );

    let third = expect_code(iolings_in(&wb.root).args(["hint", "passing"]), 0);
    assert!(
        third.stdout.contains("Hint 3/3: Third hint: read it all."),
        "{}",
        third.both()
    );
    assert!(!third.stdout.contains("more hint"), "{}", third.both());

    // Past the last hint: still the three, nothing more.
    let fourth = expect_code(iolings_in(&wb.root).args(["hint", "passing"]), 0);
    assert_eq!(fourth.stdout, third.stdout);
    assert_eq!(wb.state()["hints_shown"]["passing"], 3);

    // Other exercises keep their own count.
    let other = expect_code(iolings_in(&wb.root).args(["hint", "crlf"]), 0);
    assert!(
        other
            .stdout
            .contains("Hint 1/1: Open the file with newline=''."),
        "{}",
        other.both()
    );
    assert_eq!(wb.state()["hints_shown"]["passing"], 3);
    assert_eq!(wb.state()["hints_shown"]["crlf"], 1);
}

#[test]
fn hint_all_shows_every_hint_at_once() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["hint", "passing", "--all"]), 0);
    for hint in [
        "Hint 1/3: First hint",
        "Hint 2/3: Second hint",
        "Hint 3/3: Third hint",
    ] {
        assert!(out.stdout.contains(hint), "{}", out.both());
    }
    assert!(!out.stdout.contains("more hint"), "{}", out.both());
    assert_eq!(wb.state()["hints_shown"]["passing"], 3);
}

#[test]
fn hint_without_a_name_is_for_the_current_exercise() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).arg("hint"), 0);
    assert!(out.stdout.starts_with("passing "), "{}", out.both());
    expect_code(iolings_in(&wb.root).args(["run", "crlf"]), 1);
    let out = expect_code(iolings_in(&wb.root).arg("hint"), 0);
    assert!(
        out.stdout.starts_with("crlf "),
        "the last failed run is current\n{}",
        out.both()
    );
}

// ---------------------------------------------------------------------------------------------
// Solutions

#[test]
fn solution_is_refused_before_a_pass_and_shown_with_force() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["solution", "crlf"]), 2);
    assert!(out.stderr.contains("--force"), "{}", out.both());
    assert!(out.stderr.contains("has not passed yet"), "{}", out.both());
    assert!(
        !out.stdout.contains("newline="),
        "nothing of the solution leaks\n{}",
        out.both()
    );

    let out = expect_code(
        iolings_in(&wb.root).args(["solution", "crlf", "--force"]),
        0,
    );
    assert!(
        out.stdout.starts_with("# solutions/01_basics/crlf.py\n"),
        "{}",
        out.both()
    );
    let solution = std::fs::read_to_string(wb.path("solutions/01_basics/crlf.py")).unwrap();
    assert!(out.stdout.ends_with(&solution), "{}", out.both());
}

#[test]
fn solution_is_shown_once_the_exercise_has_passed() {
    let wb = test_workbook();
    expect_code(iolings_in(&wb.root).args(["solution", "passing"]), 2);
    expect_code(iolings_in(&wb.root).args(["run", "passing"]), 0);
    let out = expect_code(iolings_in(&wb.root).args(["solution", "passing"]), 0);
    assert!(
        out.stdout.contains("# solutions/01_basics/passing.py"),
        "{}",
        out.both()
    );
    assert!(out.stdout.contains("def greeting(path):"), "{}", out.both());
}

// ---------------------------------------------------------------------------------------------
// Reset (against a copy of the real workbook: reset restores the copy built into the binary)

/// The first exercise of the real workbook: (name, path relative to the workbook).
fn first_real_exercise(wb: &Copy) -> (String, String) {
    let out = expect_code(iolings_in(&wb.root).args(["list", "--json"]), 0);
    let rows: Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &rows[0];
    (
        first["name"].as_str().unwrap().to_string(),
        first["path"].as_str().unwrap().to_string(),
    )
}

/// The backup path printed by `reset`, relative to the workbook.
fn backup_path(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Your version was saved as "))
        .unwrap_or_else(|| panic!("no backup path in\n{stdout}"))
        .trim()
        .to_string()
}

#[test]
fn reset_restores_the_shipped_exercise_and_keeps_a_backup() {
    let wb = real_workbook();
    let (name, relative) = first_real_exercise(&wb);
    let shipped = std::fs::read(wb.path(&relative)).unwrap();
    let learner = "# my attempt, with é and \r\n line endings\ndef f():\n    return 42\n";
    std::fs::write(wb.path(&relative), learner).unwrap();
    // Marked done, so we can see reset clear it.
    std::fs::create_dir_all(wb.state_dir()).unwrap();
    std::fs::write(
        wb.state_dir().join("state.json"),
        format!("{{\"done\": [\"{name}\"]}}"),
    )
    .unwrap();

    // Without --yes and with nobody at a terminal to ask, nothing is touched.
    let refused = expect_code(iolings_in(&wb.root).args(["reset", &name]), 2);
    assert!(refused.stderr.contains("add --yes"), "{}", refused.both());
    assert_eq!(
        std::fs::read_to_string(wb.path(&relative)).unwrap(),
        learner
    );

    let out = expect_code(iolings_in(&wb.root).args(["reset", &name, "--yes"]), 0);
    assert!(
        out.stdout.contains(&format!("{relative} as shipped.")),
        "{}",
        out.both()
    );
    let backup = backup_path(&out.stdout);
    assert!(
        backup.starts_with(".iolings/backups/") && backup.ends_with(".py"),
        "{backup}"
    );
    assert!(backup.contains(&name), "{backup}");
    assert_eq!(std::fs::read_to_string(wb.path(&backup)).unwrap(), learner);
    assert_eq!(std::fs::read(wb.path(&relative)).unwrap(), shipped);
    assert!(!wb.done().contains(&name), "reset clears done");

    // Already as shipped: nothing to do, no new backup.
    let out = expect_code(iolings_in(&wb.root).args(["reset", &name, "--yes"]), 0);
    assert!(out.stdout.contains("already as shipped"), "{}", out.both());
    let backups = std::fs::read_dir(wb.state_dir().join("backups"))
        .unwrap()
        .count();
    assert_eq!(backups, 1);
}

#[test]
fn reset_never_overwrites_an_earlier_backup() {
    let wb = real_workbook();
    let (name, relative) = first_real_exercise(&wb);
    let mut backups = Vec::new();
    for attempt in ["first attempt\n", "second attempt\n", "third attempt\n"] {
        std::fs::write(wb.path(&relative), attempt).unwrap();
        let out = expect_code(iolings_in(&wb.root).args(["reset", &name, "--yes"]), 0);
        let backup = backup_path(&out.stdout);
        assert_eq!(std::fs::read_to_string(wb.path(&backup)).unwrap(), attempt);
        backups.push(backup);
    }
    let distinct: std::collections::HashSet<&String> = backups.iter().collect();
    assert_eq!(distinct.len(), 3, "{backups:?}");
    let kept: Vec<String> = backups
        .iter()
        .map(|b| std::fs::read_to_string(wb.path(b)).unwrap())
        .collect();
    assert_eq!(
        kept,
        ["first attempt\n", "second attempt\n", "third attempt\n"]
    );
}

#[test]
fn reset_restores_a_deleted_exercise() {
    let wb = real_workbook();
    let (name, relative) = first_real_exercise(&wb);
    let shipped = std::fs::read(wb.path(&relative)).unwrap();
    std::fs::remove_file(wb.path(&relative)).unwrap();
    let out = expect_code(iolings_in(&wb.root).args(["reset", &name, "--yes"]), 0);
    assert!(out.stdout.contains("Restored"), "{}", out.both());
    assert_eq!(std::fs::read(wb.path(&relative)).unwrap(), shipped);
}

#[test]
fn reset_of_an_exercise_not_built_in_is_a_workbook_error() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["reset", "crlf", "--yes"]), 3);
    assert!(
        out.stderr
            .contains("not part of the workbook built into this iolings"),
        "{}",
        out.both()
    );
    // Nothing was touched.
    assert_eq!(
        std::fs::read(wb.path("exercises/01_basics/crlf.py")).unwrap(),
        std::fs::read(Path::new(REPO).join("tests/workbook/exercises/01_basics/crlf.py")).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// List

#[test]
fn list_json_has_one_row_per_exercise() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).args(["list", "--json"]), 0);
    let rows: Value = serde_json::from_str(&out.stdout).expect("list --json is JSON");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), TEST_WORKBOOK.len());
    for (row, (name, _)) in rows.iter().zip(TEST_WORKBOOK) {
        assert_eq!(row["name"], *name);
        assert_eq!(row["lesson"], "01_basics");
        assert_eq!(row["lesson_title"], "Basics");
        assert_eq!(row["path"], format!("exercises/01_basics/{name}.py"));
        assert_eq!(row["done"], false);
        assert_eq!(row["current"], *name == "passing", "{row}");
    }

    expect_code(iolings_in(&wb.root).args(["run", "passing"]), 0);
    let out = expect_code(iolings_in(&wb.root).args(["list", "--json"]), 0);
    let rows: Value = serde_json::from_str(&out.stdout).unwrap();
    let current: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["current"] == true)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(current, ["crlf"]);
    assert_eq!(rows[0]["done"], true);
}

#[test]
fn list_piped_is_a_table_with_a_header() {
    let wb = test_workbook();
    let out = expect_code(iolings_in(&wb.root).arg("list"), 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "lesson\tname\tstatus\tpath");
    assert_eq!(lines.len(), TEST_WORKBOOK.len() + 1, "{}", out.both());
    assert_eq!(
        lines[1],
        "01_basics\tpassing\tpending\texercises/01_basics/passing.py"
    );
}

// ---------------------------------------------------------------------------------------------
// Verify

fn verify_json(wb: &Copy, code: i32) -> Value {
    let out = expect_code(
        iolings_in(&wb.root).args(["verify", "--format", "json"]),
        code,
    );
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("verify --format json is not JSON ({e})\n{}", out.both()))
}

#[test]
fn verify_json_counts_and_classifies_every_exercise() {
    let wb = test_workbook();
    let report = verify_json(&wb, 1);
    assert_eq!(report["totals"]["passed"], 1, "{report:#}");
    assert_eq!(report["totals"]["exercises"], TEST_WORKBOOK.len());
    assert!(report["duration_ms"].is_u64());
    let exercises = report["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), TEST_WORKBOOK.len());
    for (verdict, (name, kind)) in exercises.iter().zip(TEST_WORKBOOK) {
        assert_eq!(verdict["name"], *name);
        assert_eq!(verdict["verdict"], *kind, "{name}: {verdict:#}");
    }
    // verify records what passed.
    assert_eq!(wb.done(), ["passing"]);
    expect_code(iolings_in(&wb.root).args(["solution", "passing"]), 0);
}

#[test]
fn verify_junit_is_xml_with_the_right_counts() {
    let wb = test_workbook();
    let out = expect_code(
        iolings_in(&wb.root).args(["verify", "--format", "junit"]),
        1,
    );
    let doc = roxmltree::Document::parse(&out.stdout)
        .unwrap_or_else(|e| panic!("verify --format junit is not XML ({e})\n{}", out.both()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let total = TEST_WORKBOOK.len().to_string();
    // Failed assertions are failures; every other way of not passing is an error.
    let errors = (TEST_WORKBOOK.len() - 2).to_string();
    assert_eq!(root.attribute("tests"), Some(total.as_str()));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some(errors.as_str()));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].attribute("name"), Some("01_basics"));
    assert_eq!(suites[0].attribute("tests"), Some(total.as_str()));
    assert_eq!(suites[0].attribute("failures"), Some("1"));
    assert_eq!(suites[0].attribute("errors"), Some(errors.as_str()));
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), TEST_WORKBOOK.len());
    for (case, (name, kind)) in cases.iter().zip(TEST_WORKBOOK) {
        assert_eq!(case.attribute("name"), Some(*name));
        assert_eq!(case.attribute("classname"), Some("01_basics"));
        let failure = case
            .children()
            .find(|n| n.has_tag_name("failure") || n.has_tag_name("error"));
        assert_eq!(failure.is_some(), *kind != "passed", "{name}");
    }
    let crlf_failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(crlf_failure.attribute("type"), Some("tests_failed"));
    assert!(
        crlf_failure
            .attribute("message")
            .is_some_and(|m| m.contains("test_read_exactly")),
        "{}",
        out.stdout
    );
}

#[test]
fn verify_junit_escapes_markup_and_control_characters_in_output() {
    let wb = test_workbook();
    std::fs::write(
        wb.path("exercises/01_basics/crlf.py"),
        "import sys\nsys.stderr.write('<b>&\"quoted\" \\x1b[31mred\\x07\\n')\n\n\ndef test_a():\n    assert 1 == 2\n",
    )
    .unwrap();
    let out = expect_code(
        iolings_in(&wb.root).args(["verify", "--format", "junit"]),
        1,
    );
    let doc = roxmltree::Document::parse(&out.stdout)
        .unwrap_or_else(|e| panic!("not XML ({e})\n{}", out.stdout));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("crlf"))
        .and_then(|c| c.children().find(|n| n.has_tag_name("failure")))
        .expect("crlf fails");
    let body = failure.text().unwrap_or_default();
    assert!(body.contains("<b>&\"quoted\""), "{body:?}");
    assert!(!body.contains('\x1b') && !body.contains('\x07'), "{body:?}");
}

#[test]
fn verify_junit_stays_well_formed_whatever_the_learner_prints() {
    let wb = test_workbook();
    std::fs::write(
        wb.path("exercises/01_basics/crlf.py"),
        "import sys\nsys.stderr.write('odd \\ufffe\\uffff chars\\n')\n\n\ndef test_a():\n    assert 1 == 2\n",
    )
    .unwrap();
    let out = expect_code(
        iolings_in(&wb.root).args(["verify", "--format", "junit"]),
        1,
    );
    if let Err(e) = roxmltree::Document::parse(&out.stdout) {
        panic!("not XML ({e})\n{}", out.stdout);
    }
}

#[test]
fn verify_passes_when_every_exercise_is_solved() {
    // Also proves the test workbook's solutions are right.
    let wb = test_workbook();
    common::copy_dir(&wb.path("solutions"), &wb.path("exercises"));
    let info = std::fs::read_to_string(wb.path("info.toml")).unwrap();
    let info: String = info
        .lines()
        .filter(|l| !l.starts_with("python_args"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(wb.path("info.toml"), info).unwrap();
    let out = expect_code(iolings_in(&wb.root).args(["verify", "--jobs", "2"]), 0);
    let n = TEST_WORKBOOK.len();
    assert!(
        out.stdout.contains(&format!("{n}/{n} exercises pass")),
        "{}",
        out.both()
    );
}

// ---------------------------------------------------------------------------------------------
// Init and completions

#[test]
fn init_writes_a_workbook_that_list_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("my-iolings");
    let out = expect_code(iolings().arg("init").arg(&target), 0);
    assert!(out.stdout.contains("Wrote the workbook"), "{}", out.both());
    for file in ["info.toml", "README.md", "exercises", "solutions"] {
        assert!(target.join(file).exists(), "{file} missing");
    }
    let names = common::exercise_names(&target);
    assert!(!names.is_empty());
    // The same workbook as the one in the repository.
    assert_eq!(names, common::exercise_names(&real_workbook().root));
}

#[test]
fn init_into_an_existing_empty_folder_works() {
    let dir = tempfile::tempdir().unwrap();
    expect_code(iolings().arg("init").arg(dir.path()), 0);
    assert!(dir.path().join("info.toml").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = expect_code(iolings().arg("init").arg(dir.path()), 2);
    assert!(out.stderr.contains("not empty"), "{}", out.both());
    assert!(!dir.path().join("info.toml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );

    // A file is not a folder to write into either.
    let file = dir.path().join("notes.txt");
    expect_code(iolings().arg("init").arg(&file), 2);
}

#[test]
fn completions_for_bash_are_printed() {
    let out = expect_code(iolings().args(["completions", "bash"]), 0);
    assert!(out.stdout.trim().len() > 100, "{}", out.both());
    assert!(out.stdout.contains("iolings"), "{}", out.both());
    assert!(out.stdout.contains("complete"), "{}", out.both());
}
