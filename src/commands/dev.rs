//! `iolings dev check`: the instructor's consistency check. info.toml is valid, every shipped
//! exercise fails, every solution passes, no file is orphaned, and (with --mistakes) every
//! typical wrong solution fails with the message that teaches, and (with --alternatives) every
//! other correct solution passes. `--shipped` checks the copy built into the binary instead.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use colored::Colorize;

use crate::cli::GlobalArgs;
use crate::render::symbols;
use crate::runner::pool::{self, Job};
use crate::runner::process;
use crate::runner::verdict::{Outcome, Verdict};
use crate::workbook::manifest::{self, MANIFEST_FILE};
use crate::workbook::{embedded, sections, Exercise, Workbook};

/// What `dev check` is asked to check.
pub struct CheckOptions {
    pub jobs: Option<usize>,
    pub mistakes: Option<PathBuf>,
    pub alternatives: Option<PathBuf>,
    pub shipped: bool,
}

/// What one checked file must do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A shipped exercise: must not pass, and must not fail to compile.
    Fail,
    Pass,
    /// Another correct solution: must pass.
    Alternative,
    /// A typical mistake: tests must fail (not crash) and show `expect` somewhere.
    Mistake,
}

struct Check<'a> {
    job: Job<'a>,
    expect: Expect,
    /// For mistakes: the substring the failure must show.
    /// For a mistake: the teaching texts, one of which its failure must show (a mistake that
    /// fails differently on another Python names each way).
    needles: Vec<String>,
}

pub fn check(g: &GlobalArgs, options: &CheckOptions) -> anyhow::Result<u8> {
    // The built-in copy is checked in a folder of its own: the learner's edits stay out of it.
    let unpacked = options.shipped.then(embedded::unpack).transpose()?;
    let g = &GlobalArgs {
        workbook: unpacked
            .as_ref()
            .map_or_else(|| Some(g.workbook_root()), |d| Some(d.path().to_path_buf())),
        ..g.clone()
    };
    let (jobs, mistakes) = (options.jobs, options.mistakes.as_deref());
    let workbook = super::load_workbook(g)?;
    let runner = super::runner(g, &workbook)?;
    process::install_interrupt_handler();
    let mut problems = orphans(&workbook);
    let mut checks: Vec<Check> = Vec::new();
    for e in &workbook.exercises {
        checks.push(Check {
            job: Job {
                exercise: e,
                source: workbook.exercise_path(e),
            },
            expect: Expect::Fail,
            needles: Vec::new(),
        });
        checks.push(Check {
            job: Job {
                exercise: e,
                source: workbook.solution_path(e),
            },
            expect: Expect::Pass,
            needles: Vec::new(),
        });
    }
    for e in &workbook.exercises {
        let shipped = std::fs::read_to_string(workbook.exercise_path(e)).unwrap_or_default();
        let solved = std::fs::read_to_string(workbook.solution_path(e)).unwrap_or_default();
        for (text, rel) in [
            (&shipped, e.relative_path()),
            (&solved, e.relative_solution()),
        ] {
            problems.extend(missing_marker(text, &rel.display().to_string()));
        }
        problems.extend(placeholders(e, &shipped));
        if let Some(drift) = tests_drift(&shipped, &solved) {
            problems.push(format!(
                "{}: {drift} differ from the exercise's; a solution must pass the very tests the learner gets",
                e.relative_solution().display()
            ));
        }
    }
    if let Some(dir) = mistakes {
        let (found, missing) = mistake_checks(&workbook, dir);
        problems.extend(missing);
        checks.extend(found);
    }
    if let Some(dir) = options.alternatives.as_deref() {
        let (found, drifted) = alternative_checks(&workbook, dir);
        problems.extend(drifted);
        checks.extend(found);
    }
    let job_list: Vec<Job> = checks.iter().map(|c| c.job.clone()).collect();
    let results = pool::run_all(
        &runner,
        &workbook,
        &job_list,
        jobs.unwrap_or_else(pool::default_jobs),
        &process::Cancel::default(),
        &|_, _| {},
    );
    if process::interrupted() {
        return Ok(crate::exit::INTERRUPTED);
    }
    for (check, verdict) in checks.iter().zip(results) {
        let Some(verdict) = verdict else { continue };
        if let Some(problem) = judge(check, &verdict) {
            problems.push(format!(
                "{}: {problem}",
                display(&workbook, &check.job.source)
            ));
        }
    }
    let s = symbols();
    if !options.shipped {
        unlocked_changes(&workbook);
    }
    if problems.is_empty() {
        println!(
            "{} {} exercises checked ({} runs{}): every shipped exercise fails, every solution passes{}{}",
            s.pass.green().bold(),
            workbook.exercises.len(),
            checks.len(),
            if options.shipped { ", the copy built into iolings" } else { "" },
            if mistakes.is_some() { ", every mistake fails with its lesson" } else { "" },
            if options.alternatives.is_some() { ", every alternative solution passes" } else { "" }
        );
        Ok(0)
    } else {
        for p in &problems {
            println!("{} {p}", s.fail.red());
        }
        println!(
            "\n{} problem{} found",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        Ok(1)
    }
}

fn display(workbook: &Workbook, path: &Path) -> String {
    path.strip_prefix(&workbook.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn judge(check: &Check, verdict: &Verdict) -> Option<String> {
    let outcome = &verdict.outcome;
    match check.expect {
        Expect::Pass if !verdict.passed() => Some(format!(
            "the solution does not pass ({}): {}",
            outcome.label(),
            first_failure(verdict)
        )),
        Expect::Alternative if !verdict.passed() => Some(format!(
            "this correct solution does not pass ({}), so the tests reject a right answer: {}",
            outcome.label(),
            first_failure(verdict)
        )),
        Expect::Fail if verdict.passed() => Some(
            "the shipped exercise already passes: it must fail until the learner does the work"
                .into(),
        ),
        Expect::Fail if !matches!(outcome, Outcome::TestsFailed { .. }) => Some(format!(
            "the shipped exercise should fail its tests, but it {}: {}",
            outcome.label(),
            first_failure(verdict)
        )),
        Expect::Mistake => {
            if !matches!(outcome, Outcome::TestsFailed { .. }) {
                return Some(format!(
                    "this mistake should fail its tests, but it {}",
                    outcome.label()
                ));
            }
            let seen = failure_text(verdict);
            (!check.needles.iter().any(|n| seen.contains(n.as_str()))).then(|| {
                let wanted: Vec<String> = check.needles.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "the failure does not show the teaching message {}; it shows: {}",
                    wanted.join(" or "),
                    first_failure(verdict)
                )
            })
        }
        _ => None,
    }
}

/// Every message and compared value of the failing tests: what the learner can be shown.
fn failure_text(verdict: &Verdict) -> String {
    let mut text = String::new();
    for t in verdict.tests.iter().filter(|t| !t.status.is_ok()) {
        if let Some(e) = &t.exception {
            text.push_str(&e.error_type);
            text.push_str(": ");
            text.push_str(&e.message);
            text.push('\n');
        }
        if let Some(a) = &t.assertion {
            text.push_str(&a.left.repr);
            text.push_str(&a.right.repr);
        }
    }
    text
}

fn first_failure(verdict: &Verdict) -> String {
    let failing = verdict.tests.iter().find(|t| !t.status.is_ok());
    match failing.and_then(|t| t.exception.as_ref().map(|e| (t, e))) {
        Some((t, e)) => format!(
            "{} -> {}: {}",
            t.name,
            e.error_type,
            e.message.lines().next().unwrap_or("")
        ),
        None => match &verdict.outcome {
            Outcome::Crashed(c) => c
                .exception
                .as_ref()
                .map(|e| format!("{}: {}", e.error_type, e.message))
                .or(c.signal.clone())
                .unwrap_or_default(),
            Outcome::CompileError(c) => format!("{} at line {:?}", c.message, c.line),
            Outcome::CouldNotRun { reason } => reason.clone(),
            other => other.label().to_string(),
        },
    }
}

/// The build embeds the files `workbook.manifest` records. Tell the author when the files
/// here differ from it: until `dev lock` records them, init, reset and grading use the old ones.
fn unlocked_changes(workbook: &Workbook) {
    let root = &workbook.root;
    let Ok(text) = std::fs::read_to_string(root.join(MANIFEST_FILE)) else {
        return; // Not the project's own workbook: nothing is built in from here.
    };
    let (Ok(recorded), Ok(current)) = (manifest::parse(&text), super::lock::scan(root)) else {
        return;
    };
    let changes = super::lock::differences(&recorded, &current);
    if !changes.is_empty() {
        println!(
            "{} {} file{} differ from {MANIFEST_FILE} (e.g. {}); if these are your changes as an author, \
             `{}` records them as shipped (then rebuild)",
            "note:".yellow().bold(),
            changes.len(),
            if changes.len() == 1 { "" } else { "s" },
            changes[0].split_whitespace().last().unwrap_or_default(),
            crate::invocation::with("dev lock")
        );
    }
}

/// Files under exercises/ and solutions/ that no exercise uses, and lessons info.toml lacks.
fn orphans(workbook: &Workbook) -> Vec<String> {
    let mut problems = Vec::new();
    let lessons: HashSet<&str> = workbook.lessons.iter().map(|l| l.dir.as_str()).collect();
    for top in ["exercises", "solutions"] {
        let Ok(entries) = std::fs::read_dir(workbook.root.join(top)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !lessons.contains(name.as_str()) {
                problems.push(format!(
                    "{top}/{name}: not a lesson listed in info.toml (add it or remove it)"
                ));
            }
        }
    }
    for exercise in &workbook.exercises {
        if !workbook.exercise_path(exercise).is_file() {
            problems.push(format!(
                "{}: the exercise file is missing",
                exercise.relative_path().display()
            ));
        }
    }
    for lesson in &workbook.lessons {
        let exercises: Vec<&Exercise> = workbook
            .exercises
            .iter()
            .filter(|e| e.lesson_dir == lesson.dir)
            .collect();
        let names: HashSet<String> = exercises.iter().map(|e| e.file_name()).collect();
        for top in ["exercises", "solutions"] {
            let dir = workbook.root.join(top).join(&lesson.dir);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let allowed = names.contains(&name)
                    || (top == "exercises" && (name == "README.md" || name == "fixtures"));
                if !allowed {
                    problems.push(format!(
                        "{top}/{}/{name}: no exercise in info.toml uses this file",
                        lesson.dir
                    ));
                }
            }
        }
        if !workbook.lesson_readme(lesson).is_file() {
            problems.push(format!(
                "exercises/{}/README.md: the lesson introduction is missing",
                lesson.dir
            ));
        }
        let used: HashSet<PathBuf> = exercises
            .iter()
            .flat_map(|e| e.fixtures.iter().map(PathBuf::from))
            .collect();
        let fixtures = workbook
            .root
            .join("exercises")
            .join(&lesson.dir)
            .join("fixtures");
        for file in walk(&fixtures) {
            let rel = file.strip_prefix(&fixtures).unwrap_or(&file).to_path_buf();
            if !used.iter().any(|u| rel.starts_with(u)) {
                problems.push(format!(
                    "exercises/{}/fixtures/{}: no exercise lists this fixture",
                    lesson.dir,
                    rel.display()
                ));
            }
        }
    }
    problems
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The test functions and TestCase classes of a file, by name: top-level blocks from a
/// `def test...` / `class ...(...TestCase)` line to the next top-level statement.
fn test_blocks(source: &str) -> std::collections::BTreeMap<String, String> {
    let mut blocks = std::collections::BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in source.lines() {
        let top_level = !line.is_empty() && !line.starts_with([' ', '\t', '#']);
        if top_level {
            if let Some((name, body)) = current.take() {
                blocks.insert(name, body.trim_end().to_string());
            }
            let head = line.strip_prefix("async ").unwrap_or(line);
            let name = head
                .strip_prefix("def test")
                .map(|rest| format!("test{}", rest.split('(').next().unwrap_or("")))
                .or_else(|| {
                    // unittest classes; other classes are the learner's code.
                    head.strip_prefix("class ")
                        .filter(|rest| rest.contains("TestCase"))
                        .map(|rest| rest.split(['(', ':']).next().unwrap_or("").to_string())
                });
            current = name.map(|n| (n, String::new()));
        }
        if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((name, body)) = current {
        blocks.insert(name, body.trim_end().to_string());
    }
    blocks
}

/// Pristine grading, `reset --tests` and `dev mutate` find the tests by their marker.
/// What `dev new` writes for the author to replace: shipping it would teach nothing.
fn placeholders(exercise: &crate::workbook::Exercise, shipped: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for hint in &exercise.hints {
        if super::new::PLACEHOLDER_HINTS.contains(&hint.as_str()) {
            problems.push(format!(
                "info.toml: {}'s hint \"{hint}\" is the placeholder `dev new` wrote; write a real hint",
                exercise.name
            ));
        }
    }
    if shipped.contains(super::new::PLACEHOLDER_DOCSTRING) {
        problems.push(format!(
            "{}: the docstring is still the placeholder `dev new` wrote; explain the idea and the task",
            exercise.relative_path().display()
        ));
    }
    problems
}

fn missing_marker(text: &str, name: &str) -> Option<String> {
    sections::tests_start(text.as_bytes()).is_none().then(|| {
        format!(
            "{name}: no tests marker (a `# ----------` line, then a line starting `# Tests`, above the tests)"
        )
    })
}

/// Which tests of `copy` differ from those of `original` (a copy must test the same way).
fn tests_drift(original: &str, copy: &str) -> Option<String> {
    let (a, b) = (test_blocks(original), test_blocks(copy));
    let differing: Vec<&String> = a
        .keys()
        .chain(b.keys().filter(|k| !a.contains_key(*k)))
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    (!differing.is_empty()).then(|| {
        let names: Vec<&str> = differing.iter().map(|s| s.as_str()).collect();
        format!("its tests ({})", names.join(", "))
    })
}

/// `<dir>/<lesson>/<exercise>/<label>.py`: each a wrong solution, with `# expect: text`.
fn mistake_checks<'w>(workbook: &'w Workbook, dir: &Path) -> (Vec<Check<'w>>, Vec<String>) {
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for exercise in &workbook.exercises {
        let folder = dir.join(&exercise.lesson_dir).join(&exercise.name);
        let mut files: Vec<PathBuf> = walk(&folder)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect();
        files.sort();
        if files.is_empty() {
            problems.push(format!(
                "{}: no typical mistake is shipped for {}",
                folder.display(),
                exercise.name
            ));
        }
        let shipped = std::fs::read_to_string(workbook.exercise_path(exercise)).unwrap_or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            problems.extend(missing_marker(&text, &file.display().to_string()));
            if let Some(drift) = tests_drift(&shipped, &text) {
                problems.push(format!(
                    "{}: {drift} differ from the exercise's; copy its tests again",
                    file.display()
                ));
            }
            let needles: Vec<String> = text
                .lines()
                .filter_map(|l| l.trim().strip_prefix("# expect:"))
                .map(|s| s.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            if needles.is_empty() {
                problems.push(format!(
                    "{}: no `# expect: <text>` line naming the message the learner must see",
                    file.display()
                ));
                continue;
            }
            checks.push(Check {
                job: Job {
                    exercise,
                    source: file,
                },
                expect: Expect::Mistake,
                needles,
            });
        }
    }
    (checks, problems)
}

/// `<dir>/<lesson>/<exercise>/<label>.py`: other correct solutions, each must pass.
fn alternative_checks<'w>(workbook: &'w Workbook, dir: &Path) -> (Vec<Check<'w>>, Vec<String>) {
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for exercise in &workbook.exercises {
        let folder = dir.join(&exercise.lesson_dir).join(&exercise.name);
        let mut files: Vec<PathBuf> = walk(&folder)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect();
        files.sort();
        let shipped = std::fs::read_to_string(workbook.exercise_path(exercise)).unwrap_or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            problems.extend(missing_marker(&text, &file.display().to_string()));
            if let Some(drift) = tests_drift(&shipped, &text) {
                problems.push(format!(
                    "{}: {drift} differ from the exercise's; copy its tests again",
                    file.display()
                ));
            }
            checks.push(Check {
                job: Job {
                    exercise,
                    source: file,
                },
                expect: Expect::Alternative,
                needles: Vec::new(),
            });
        }
    }
    (checks, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_tests_are_drift_but_changed_code_is_not() {
        let original = "def solve():\n    return 1\n\n\ndef test_one():\n    assert solve() == 1\n\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        pass\n";
        let other_code = original.replace("return 1", "return 2");
        assert_eq!(tests_drift(original, &other_code), None);
        let other_test = original.replace("== 1", "== 2");
        assert_eq!(
            tests_drift(original, &other_test),
            Some("its tests (test_one)".into())
        );
        let missing = original.replace("def test_one", "def helper");
        assert!(tests_drift(original, &missing).is_some_and(|d| d.contains("test_one")));
    }
}
