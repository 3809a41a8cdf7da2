//! A gradebook from many learners' JSON reports: one row per learner, one column per exercise
//! (the points earned) and the totals, with a note on any report a grader should look at again.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{ExerciseReport, Kind, Report};

/// One learner's report, named (usually after its file).
pub struct Entry {
    pub learner: String,
    pub report: Report,
}

pub struct Gradebook {
    /// Every exercise of any report, in the order the reports list them.
    pub exercises: Vec<String>,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub learner: String,
    /// Points per exercise, aligned with `Gradebook::exercises`; None when the learner's
    /// report does not have that exercise.
    pub points: Vec<Option<u32>>,
    pub total: u32,
    pub max: u32,
    /// What a grader should know before trusting the row, or empty.
    pub notes: String,
}

impl Gradebook {
    pub fn new(entries: &[Entry]) -> Gradebook {
        let mut exercises: Vec<String> = Vec::new();
        for entry in entries {
            for e in &entry.report.exercises {
                if !exercises.contains(&e.name) {
                    exercises.push(e.name.clone());
                }
            }
        }
        let usual = usual_tests(entries);
        let rows = entries
            .iter()
            .map(|entry| {
                let r = &entry.report;
                let mut notes = notes(r, exercises.len());
                let odd: Vec<&str> = r
                    .exercises
                    .iter()
                    .filter(|e| e.verdict == Kind::Passed)
                    .filter(|e| usual.get(&e.name).is_some_and(|u| *u != test_names(e)))
                    .map(|e| e.name.as_str())
                    .collect();
                if !odd.is_empty() {
                    if !notes.is_empty() {
                        notes.push_str("; ");
                    }
                    notes.push_str(&format!(
                        "passed with other tests than everyone else (read the code): {}",
                        odd.join(" ")
                    ));
                }
                let points = exercises
                    .iter()
                    .map(|name| {
                        r.exercises
                            .iter()
                            .find(|e| &e.name == name)
                            .map(|e| e.points)
                    })
                    .collect();
                Row {
                    learner: entry.learner.clone(),
                    points,
                    total: r.totals.points,
                    max: r.totals.max_points,
                    notes,
                }
            })
            .collect();
        Gradebook { exercises, rows }
    }

    /// RFC 4180 CSV, with a header row.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let mut header = vec!["learner".to_string()];
        header.extend(self.exercises.iter().cloned());
        header.extend(["total".into(), "max".into(), "notes".into()]);
        line(&mut out, &header);
        for row in &self.rows {
            let mut cells = vec![text_cell(&row.learner)];
            cells.extend(
                row.points
                    .iter()
                    .map(|p| p.map_or(String::new(), |p| p.to_string())),
            );
            cells.extend([
                row.total.to_string(),
                row.max.to_string(),
                text_cell(&row.notes),
            ]);
            line(&mut out, &cells);
        }
        out
    }

    /// A table for the terminal: learner, total, and the notes.
    pub fn table(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|r| r.learner.chars().count())
            .chain([7])
            .max()
            .unwrap_or(7);
        let mut out = format!("{:<width$}  points  notes\n", "learner");
        for row in &self.rows {
            let score = format!("{}/{}", row.total, row.max);
            let _ = writeln!(
                out,
                "{:<width$}  {score:<6}  {}",
                crate::render::escape::neutralise(&row.learner),
                row.notes
            );
        }
        out
    }
}

/// For each exercise, the list of test names most passing reports share. Graded with the tests
/// as shipped, every pass runs the same tests; a pass with other ones is what code that forged
/// the harness's report looks like. Needs three passes to tell the usual from the odd.
fn usual_tests(entries: &[Entry]) -> HashMap<String, Vec<String>> {
    let mut seen: HashMap<&str, HashMap<Vec<String>, usize>> = HashMap::new();
    for e in entries
        .iter()
        .filter(|e| e.report.pristine_tests)
        .flat_map(|e| &e.report.exercises)
        .filter(|e| e.verdict == Kind::Passed)
    {
        *seen
            .entry(&e.name)
            .or_default()
            .entry(test_names(e))
            .or_default() += 1;
    }
    seen.into_iter()
        .filter_map(|(name, lists)| {
            let total: usize = lists.values().sum();
            let (list, n) = lists.into_iter().max_by_key(|(_, n)| *n)?;
            // A clear majority only: with two reports that disagree, neither is "usual".
            (total >= 3 && n * 2 > total).then(|| (name.to_string(), list))
        })
        .collect()
}

fn test_names(e: &ExerciseReport) -> Vec<String> {
    e.tests.iter().map(|t| t.name.clone()).collect()
}

/// Why a row may not be the grade it looks like.
fn notes(r: &Report, exercises_in_book: usize) -> String {
    let mut notes = Vec::new();
    if !r.pristine_tests {
        notes.push("graded against the learner's own tests (no --pristine-tests)".to_string());
    }
    if !r.complete {
        notes.push(format!(
            "interrupted: {} not run",
            exercises(r.totals.not_run)
        ));
    }
    let broken = r
        .exercises
        .iter()
        .filter(|e| e.verdict == Kind::CouldNotRun)
        .count();
    if broken > 0 {
        notes.push(format!(
            "{broken} exercises could not run (check the grading machine)"
        ));
    }
    if r.exercises.len() < exercises_in_book {
        notes.push(format!(
            "{} of {exercises_in_book} exercises in this report",
            r.exercises.len()
        ));
    }
    notes.join("; ")
}

fn exercises(n: usize) -> String {
    format!("{n} exercise{}", if n == 1 { "" } else { "s" })
}

fn line(out: &mut String, cells: &[String]) {
    let quoted: Vec<String> = cells.iter().map(|c| quote(c)).collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// A text cell that a spreadsheet will not run as a formula: learner names come from file
/// names, which anyone can choose (`=HYPERLINK(...)`).
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("=1+1"), "'=1+1");
        assert_eq!(text_cell("alice"), "alice");
    }
}
