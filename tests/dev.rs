//! The instructor commands: `dev new` scaffolds an exercise that runs and fails, and
//! `dev check` catches what an instructor typically gets wrong.

mod common;

use common::{iolings_in, test_workbook};
use predicates::str::contains;

#[test]
fn new_scaffolds_an_exercise_that_runs_and_fails() {
    let wb = test_workbook();
    iolings_in(&wb.root)
        .args(["dev", "new", "fresh", "--lesson", "01_basics"])
        .assert()
        .success()
        .stdout(contains("exercises/01_basics/fresh.py"));
    assert!(wb.path("solutions/01_basics/fresh.py").is_file());
    iolings_in(&wb.root)
        .args(["run", "fresh"])
        .assert()
        .code(1)
        .stdout(contains("fresh: 1 of 1 test failed"));
    // Listed in lesson order, and info.toml still valid.
    iolings_in(&wb.root)
        .args(["list"])
        .assert()
        .success()
        .stdout(contains("fresh"));
}

#[test]
fn new_refuses_a_taken_name_or_an_unknown_lesson_and_changes_nothing() {
    let wb = test_workbook();
    let before = std::fs::read_to_string(wb.path("info.toml")).unwrap();
    iolings_in(&wb.root)
        .args(["dev", "new", "passing", "--lesson", "01_basics"])
        .assert()
        .code(2)
        .stderr(contains("already exists"));
    iolings_in(&wb.root)
        .args(["dev", "new", "other", "--lesson", "07_nowhere"])
        .assert()
        .code(2)
        .stderr(contains("no lesson `07_nowhere`"));
    assert_eq!(
        std::fs::read_to_string(wb.path("info.toml")).unwrap(),
        before
    );
}

#[test]
fn check_reports_a_scaffold_whose_solution_does_not_pass_and_orphan_files() {
    let wb = test_workbook();
    iolings_in(&wb.root)
        .args(["dev", "new", "fresh", "--lesson", "01_basics"])
        .assert()
        .success();
    std::fs::write(wb.path("exercises/01_basics/stray.py"), "x = 1\n").unwrap();
    iolings_in(&wb.root)
        .args(["dev", "check"])
        .assert()
        .code(1)
        .stdout(contains(
            "solutions/01_basics/fresh.py: the solution does not pass",
        ))
        .stdout(contains(
            "exercises/01_basics/stray.py: no exercise in info.toml uses this file",
        ));
}

/// A one-exercise workbook whose tests check the result but not the encoding.
fn weak_workbook() -> common::Copy {
    let wb = common::empty();
    common::write(
        &wb.root,
        "info.toml",
        "format_version = 1\nwelcome_message = \"w\"\nfinal_message = \"f\"\n\n\
         [[lessons]]\ndir = \"01_x\"\ntitle = \"X\"\n\n\
         [[exercises]]\nname = \"weak\"\nlesson = \"01_x\"\nhints = [\"h\"]\n",
    );
    common::write(&wb.root, "exercises/01_x/README.md", "# X\n");
    let tests = "\n\n# ----------------------------------------\n# Tests\n\n\
                 def test_length():\n    with open(\"f.txt\", \"w\", encoding=\"utf-8\") as f:\n        f.write(\"abc\")\n    assert size(\"f.txt\") == 3\n";
    common::write(
        &wb.root,
        "exercises/01_x/weak.py",
        &format!("def size(path):\n    return 0\n{tests}"),
    );
    common::write(
        &wb.root,
        "solutions/01_x/weak.py",
        &format!("def size(path):\n    with open(path, encoding=\"utf-8\") as f:\n        return len(f.read())\n{tests}"),
    );
    wb
}

#[test]
fn mutate_reports_survivors_with_their_line_and_fails_under_the_threshold() {
    let wb = weak_workbook();
    let out = common::expect_code(
        iolings_in(&wb.root).args(["--color", "never", "dev", "mutate", "--json"]),
        1,
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let weak = &report["exercises"][0];
    let survivors = weak["survivors"].as_array().expect("a list");
    let dropped = survivors
        .iter()
        .find(|m| m["operator"] == "drop-encoding")
        .unwrap_or_else(|| panic!("dropping encoding= survives these tests: {}", out.both()));
    assert_eq!(dropped["line"], 2);
    assert!(weak["score"].as_f64().unwrap() < 95.0);
    assert!(report["mutants"].as_u64().unwrap() >= 2, "{}", out.both());
}

#[test]
fn mutate_excuses_declared_equivalents_and_rejects_stale_declarations() {
    let wb = weak_workbook();
    let out = common::output(iolings_in(&wb.root).args(["dev", "mutate", "--json"]));
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let mut toml = String::new();
    for m in report["exercises"][0]["survivors"].as_array().unwrap() {
        toml.push_str(&format!(
            "[[equivalent]]\nid = \"{}\"\nreason = \"for this test only\"\n\n",
            m["id"].as_str().unwrap()
        ));
    }
    common::write(&wb.root, "tests/mutants/01_x/weak.toml", &toml);
    let out = common::expect_code(
        iolings_in(&wb.root).args(["--color", "never", "dev", "mutate"]),
        0,
    );
    assert!(out.stdout.contains("equivalent"), "{}", out.both());
    toml.push_str("[[equivalent]]\nid = \"flip-compare@nowhere#9\"\nreason = \"gone\"\n");
    common::write(&wb.root, "tests/mutants/01_x/weak.toml", &toml);
    let out = common::expect_code(
        iolings_in(&wb.root).args(["--color", "never", "dev", "mutate"]),
        1,
    );
    assert!(
        out.stdout.contains("no mutant has this id"),
        "{}",
        out.both()
    );
}
