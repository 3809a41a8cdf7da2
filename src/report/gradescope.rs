//! The report as Gradescope's autograder `results.json`: a top-level score and visibility, and
//! one test per exercise (name, number, score, max_score, status, output as plain text). The
//! tests carry no visibility of their own, so the top-level one decides for all of them.

use serde::Serialize;

use super::{Kind, Report, VERSION};

#[derive(Serialize)]
struct Results<'a> {
    score: u32,
    /// Seconds.
    execution_time: f64,
    output: String,
    output_format: &'static str,
    test_output_format: &'static str,
    test_name_format: &'static str,
    visibility: &'static str,
    stdout_visibility: &'static str,
    extra_data: Extra<'a>,
    tests: Vec<Test<'a>>,
}

/// Stored by Gradescope with the submission, for instructors who export it.
#[derive(Serialize)]
struct Extra<'a> {
    iolings: &'a str,
    report_version: u32,
    max_score: u32,
    pristine_tests: bool,
    complete: bool,
}

#[derive(Serialize)]
struct Test<'a> {
    name: String,
    /// `lesson.exercise`, so Gradescope keeps the workbook's order.
    number: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    output: String,
    tags: [&'a str; 2],
}

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut numbers = std::collections::HashMap::<&str, usize>::new();
    let tests = report
        .exercises
        .iter()
        .map(|e| {
            let (lesson_no, title) = report
                .lesson(&e.lesson)
                .map_or((0, e.lesson.as_str()), |(i, l)| (i, l.title.as_str()));
            let within = numbers.entry(e.lesson.as_str()).or_insert(0);
            *within += 1;
            let output = match &e.failure {
                None => format!("Passed: {}.\n", e.summary),
                Some(f) => f.text.clone(),
            };
            Test {
                name: format!("{} ({title})", e.name),
                number: format!("{lesson_no}.{within}"),
                score: e.points,
                max_score: e.max_points,
                status: if e.verdict == Kind::Passed {
                    "passed"
                } else {
                    "failed"
                },
                output,
                tags: [e.lesson.as_str(), e.verdict.as_str()],
            }
        })
        .collect();
    let t = &report.totals;
    let mut output = format!(
        "{}/{} exercises pass: {}/{} points.",
        t.passed, t.exercises, t.points, t.max_points
    );
    if report.pristine_tests {
        output.push_str(" Graded against the tests as shipped.");
    }
    if !report.complete {
        output.push_str(&format!(
            " Grading was interrupted: {} exercises did not run (ask for a regrade).",
            t.not_run
        ));
    }
    let results = Results {
        score: t.points,
        execution_time: report.duration_ms as f64 / 1000.0,
        output,
        output_format: "text",
        test_output_format: "text",
        test_name_format: "text",
        visibility: "visible",
        stdout_visibility: "hidden",
        extra_data: Extra {
            iolings: &report.iolings,
            report_version: VERSION,
            max_score: t.max_points,
            pristine_tests: report.pristine_tests,
            complete: report.complete,
        },
        tests,
    };
    Ok(serde_json::to_string_pretty(&results)? + "\n")
}
