//! `iolings verify`: every exercise, in parallel; a summary, JSON or JUnit.

use std::io::{IsTerminal, Write};

use colored::Colorize;
use serde::Serialize;

use crate::cli::{Format, GlobalArgs};
use crate::exit;
use crate::render::symbols;
use crate::runner::pool::{self, Job};
use crate::runner::process;
use crate::runner::verdict::Verdict;
use crate::workbook::Workbook;

#[derive(Serialize)]
struct Summary<'a> {
    passed: usize,
    total: usize,
    duration_ms: u64,
    exercises: Vec<&'a Verdict>,
}

pub fn verify(
    g: &GlobalArgs,
    format: Format,
    jobs: Option<usize>,
    pristine_tests: bool,
) -> anyhow::Result<u8> {
    let (workbook, mut progress) = super::load_with_progress(g)?;
    let runner = super::runner(g, &workbook)?;
    process::install_interrupt_handler();
    let started = std::time::Instant::now();
    // Graders run the learner's code against the shipped info.toml, fixtures and tests.
    let pristine = pristine_tests
        .then(super::pristine::Pristine::unpack)
        .transpose()?;
    let graded = pristine.as_ref().map_or(&workbook, |p| &p.workbook);
    let job_list = match &pristine {
        Some(p) => p
            .workbook
            .exercises
            .iter()
            .map(|e| {
                Ok(Job {
                    exercise: e,
                    source: p.source_for(&workbook.root, e)?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
        None => Job::all(&workbook),
    };
    let show_progress = format == Format::Human && std::io::stderr().is_terminal();
    let report = |done: usize, total: usize| {
        if show_progress {
            eprint!("\rverifying {done}/{total}...");
            let _ = std::io::stderr().flush();
        }
    };
    let results = pool::run_all(
        &runner,
        graded,
        &job_list,
        jobs.unwrap_or_else(pool::default_jobs),
        &process::Cancel::default(),
        &report,
    );
    if show_progress {
        eprint!("\r\x1b[K");
    }
    if process::interrupted() {
        eprintln!("interrupted: runs in flight were stopped and their sandboxes removed");
        return Ok(exit::INTERRUPTED);
    }
    let verdicts: Vec<Verdict> = results.into_iter().flatten().collect();
    for v in &verdicts {
        progress.set_done(&v.exercise, v.passed());
    }
    let passed = verdicts.iter().filter(|v| v.passed()).count();
    let elapsed = started.elapsed().as_millis() as u64;
    match format {
        Format::Human => human(graded, &verdicts, elapsed),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&Summary {
                passed,
                total: verdicts.len(),
                duration_ms: elapsed,
                exercises: verdicts.iter().collect(),
            })?
        ),
        Format::Junit => print!("{}", junit(graded, &verdicts, elapsed)),
    }
    progress.save_or_warn();
    Ok(if passed == verdicts.len() {
        exit::SUCCESS
    } else {
        exit::TESTS_FAILED
    })
}

fn human(workbook: &Workbook, verdicts: &[Verdict], elapsed: u64) {
    let s = symbols();
    for v in verdicts {
        let path = workbook
            .find(&v.exercise)
            .map(|e| e.relative_path().display().to_string())
            .unwrap_or_default();
        if v.passed() {
            println!("{} {:<14} {}", s.pass.green(), v.exercise, path.dimmed());
        } else {
            println!(
                "{} {:<14} {}  {}",
                s.fail.red(),
                v.exercise,
                v.outcome.label().red(),
                path.dimmed()
            );
        }
    }
    let passed = verdicts.iter().filter(|v| v.passed()).count();
    println!(
        "\n{passed}/{} exercises pass ({:.1} s)",
        verdicts.len(),
        elapsed as f64 / 1000.0
    );
}

/// JUnit XML: one test case per exercise, grouped by lesson.
pub fn junit(workbook: &Workbook, verdicts: &[Verdict], elapsed: u64) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = verdicts.iter().filter(|v| !v.passed()).count();
    out.push_str(&format!(
        "<testsuites name=\"iolings\" tests=\"{}\" failures=\"{failures}\" time=\"{:.3}\">\n",
        verdicts.len(),
        elapsed as f64 / 1000.0
    ));
    for lesson in &workbook.lessons {
        let cases: Vec<&Verdict> = verdicts
            .iter()
            .filter(|v| {
                workbook
                    .find(&v.exercise)
                    .is_ok_and(|e| e.lesson_dir == lesson.dir)
            })
            .collect();
        let fails = cases.iter().filter(|v| !v.passed()).count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\">\n",
            xml(&lesson.dir),
            cases.len()
        ));
        for v in cases {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(&lesson.dir),
                xml(&v.exercise),
                v.duration_ms as f64 / 1000.0
            ));
            if v.passed() {
                out.push_str("/>\n");
            } else {
                let failed: Vec<&str> = v
                    .tests
                    .iter()
                    .filter(|t| !t.status.is_ok())
                    .map(|t| t.name.as_str())
                    .collect();
                out.push_str(&format!(
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(v.outcome.label()),
                    xml(&format!("{}: {}", v.outcome.label(), failed.join(", "))),
                    xml(&crate::render::escape::neutralise(&v.stderr.text))
                ));
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn xml(text: &str) -> String {
    text.chars()
        .map(|c| if xml_allowed(c) { c } else { '\u{fffd}' })
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The characters XML 1.0 allows in a document.
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}
