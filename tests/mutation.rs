//! The mutation gate: `iolings dev mutate` on the workbook as shipped. Every exercise's tests
//! must kill at least 95% of the non-equivalent mutants of its solution; equivalent mutants
//! are declared, with a reason, under tests/mutants/.

mod common;

use std::path::Path;

use common::{iolings_in, output, real_workbook, REPO};

#[test]
fn every_exercise_kills_at_least_95_percent_of_its_mutants() {
    let wb = real_workbook();
    let out = output(
        iolings_in(&wb.root)
            .args(["--color", "never", "dev", "mutate", "--equivalents"])
            .arg(Path::new(REPO).join("tests/mutants")),
    );
    assert_eq!(
        out.code,
        0,
        "some exercise's tests let wrong solutions through:\n{}",
        out.both()
    );
    assert!(out.stdout.contains("mutants,"), "{}", out.both());
}
