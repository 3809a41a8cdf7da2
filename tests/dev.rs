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
