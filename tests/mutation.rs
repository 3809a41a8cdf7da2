//! The mutation gate: `iolings dev mutate` on the workbook as shipped. Every exercise's tests
//! must kill at least 95% of the non-equivalent mutants of its solution; equivalent mutants
//! are declared, with a reason, under tests/mutants/. Exercises not there yet are listed in
//! `BELOW`, each held at the score it has reached so it can only go up; the list may only
//! shrink (an exercise that reaches 95% must leave it).

mod common;

use std::path::Path;

use common::{iolings_in, output, real_workbook, REPO};

const THRESHOLD: f64 = 95.0;

/// (exercise, the lowest score it may fall to) for exercises still under the threshold.
const BELOW: &[(&str, f64)] = &[];

#[test]
fn every_exercise_kills_at_least_95_percent_of_its_mutants() {
    let wb = real_workbook();
    let out = output(
        iolings_in(&wb.root)
            .args(["dev", "mutate", "--json", "--equivalents"])
            .arg(Path::new(REPO).join("tests/mutants")),
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("dev mutate wrote no report ({e}):\n{}", out.both()));
    let mut failures = Vec::new();
    for exercise in report["exercises"].as_array().expect("a list of exercises") {
        let name = exercise["exercise"].as_str().unwrap_or_default();
        let score = exercise["score"].as_f64().unwrap_or(0.0);
        for problem in exercise["problems"].as_array().into_iter().flatten() {
            failures.push(format!("{name}: {}", problem.as_str().unwrap_or_default()));
        }
        let survivors: Vec<String> = exercise["survivors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                format!(
                    "{} (line {})",
                    m["id"].as_str().unwrap_or_default(),
                    m["line"]
                )
            })
            .collect();
        match BELOW.iter().find(|(n, _)| *n == name) {
            Some((_, _)) if score >= THRESHOLD => failures.push(format!(
                "{name} now kills {score:.1}%: remove it from BELOW in tests/mutation.rs"
            )),
            Some((_, floor)) if score + 1e-9 < *floor => failures.push(format!(
                "{name} fell to {score:.1}% (held at {floor}%); survivors: {}",
                survivors.join(", ")
            )),
            Some(_) => {}
            None if score < THRESHOLD => failures.push(format!(
                "{name} kills only {score:.1}% of its mutants; survivors: {}",
                survivors.join(", ")
            )),
            None => {}
        }
    }
    assert!(
        failures.is_empty(),
        "the tests let wrong solutions through (`iolings dev mutate NAME` shows each survivor):\n{}",
        failures.join("\n")
    );
    assert!(
        report["mutants"].as_u64().unwrap_or(0) > 0,
        "{}",
        out.both()
    );
}
