//! `iolings dev mutate`: how strong is each exercise's test suite? The embedded mutator
//! (`src/runner/mutator.py`) makes wrong versions of the solution's code (the tests stay
//! byte-identical); each runs through the same runner and pool as `verify`. A mutant the tests
//! do not reject is a survivor: a wrong solution a learner would be told is right.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::Context;
use colored::Colorize;
use serde::{Deserialize, Serialize};

use crate::cli::{GlobalArgs, MutateArgs};
use crate::render::symbols;
use crate::runner::pool::{self, Job};
use crate::runner::process;
use crate::runner::verdict::{Outcome, Verdict};
use crate::runner::Runner;
use crate::workbook::{Exercise, Workbook};

const MUTATOR: &str = include_str!("../runner/mutator.py");

/// What the mutator prints for one file.
#[derive(Deserialize)]
struct Generated {
    mutants: Vec<Mutant>,
}

#[derive(Deserialize, Serialize, Clone)]
struct Mutant {
    id: String,
    operator: String,
    line: usize,
    #[serde(default)]
    description: String,
    #[serde(default)]
    before: String,
    #[serde(default)]
    after: String,
    #[serde(skip_serializing)]
    source: String,
}

/// `tests/mutants/<lesson>/<exercise>.toml`: mutants no correct test can tell from the solution.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Declarations {
    #[serde(default)]
    equivalent: Vec<Equivalent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Equivalent {
    id: String,
    reason: String,
}

/// The result for one exercise.
#[derive(Serialize)]
struct Report {
    exercise: String,
    lesson: String,
    total: usize,
    killed: usize,
    equivalent: usize,
    /// Killed by the time limit: each costs the whole limit, so many make the measure slow.
    timed_out: usize,
    /// killed / (total - equivalent), in percent.
    score: f64,
    passed: bool,
    survivors: Vec<Mutant>,
    /// Declarations that name no mutant, or a mutant the tests kill, or lack a reason.
    problems: Vec<String>,
}

#[derive(Serialize)]
struct Summary {
    version: u32,
    threshold: f64,
    mutants: usize,
    killed: usize,
    seconds: f64,
    mutants_per_second: f64,
    exercises: Vec<Report>,
}

pub fn mutate(g: &GlobalArgs, args: &MutateArgs) -> anyhow::Result<u8> {
    let workbook = super::load_workbook(g)?;
    let mut runner = super::runner(g, &workbook)?;
    let scratch = tempfile::Builder::new()
        .prefix("iolings-mutants-")
        .tempdir()
        .context("could not create a folder for the mutants")?;
    let mutator = scratch.path().join("mutator.py");
    std::fs::write(&mutator, MUTATOR).context("could not write the mutator")?;
    if args.list_operators {
        let out = call_mutator(&runner, &mutator, &["--list-operators"])?;
        print!("{}", String::from_utf8_lossy(&out));
        return Ok(0);
    }
    let selected = select(&workbook, &args.names)?;
    process::install_interrupt_handler();
    let started = Instant::now();

    // 1. Every solution must pass, and how long it takes sets the mutants' time limit.
    let baselines = run_jobs(
        &runner,
        &workbook,
        &selected
            .iter()
            .map(|e| Job {
                exercise: e,
                source: workbook.solution_path(e),
            })
            .collect::<Vec<_>>(),
        args.jobs,
        None,
    );
    if process::interrupted() {
        return Ok(crate::exit::INTERRUPTED);
    }
    let mut limited: Vec<Exercise> = Vec::new();
    let mut broken: Vec<Report> = Vec::new();
    for (exercise, verdict) in selected.iter().zip(&baselines) {
        let verdict = verdict.as_ref().context("the solution run was cancelled")?;
        if !verdict.passed() {
            // Its mutants would prove nothing; the other exercises are still measured.
            broken.push(Report::broken(
                exercise,
                format!(
                    "{} does not pass ({}), so its mutants would prove nothing; `{}` says why",
                    exercise.relative_solution().display(),
                    verdict.outcome.label(),
                    crate::invocation::with("dev check")
                ),
            ));
            continue;
        }
        let mut quick = (*exercise).clone();
        // A mutant that loops forever should cost seconds, not the exercise's full limit.
        quick.timeout_secs = (verdict.duration_ms * 5 / 1000 + 2).min(exercise.timeout_secs);
        limited.push(quick);
    }

    // 2. Generate the mutants (one mutator process for every file) and write each as a file.
    runner.fail_fast = true;
    let mut call: Vec<String> = Vec::new();
    if !args.operators.is_empty() {
        call.push("--operators".into());
        call.push(args.operators.join(","));
    }
    call.extend(
        limited
            .iter()
            .map(|e| workbook.solution_path(e).display().to_string()),
    );
    let call: Vec<&str> = call.iter().map(String::as_str).collect();
    let out = if limited.is_empty() {
        Vec::new()
    } else {
        call_mutator(&runner, &mutator, &call)?
    };
    let documents: Vec<&[u8]> = out
        .split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .collect();
    anyhow::ensure!(
        documents.len() == limited.len(),
        "the mutator reported on {} files instead of {}",
        documents.len(),
        limited.len()
    );
    let mut mutants: Vec<(usize, Mutant, PathBuf)> = Vec::new();
    for (index, (exercise, document)) in limited.iter().zip(documents).enumerate() {
        let generated: Generated = serde_json::from_slice(document)
            .with_context(|| format!("the mutator's output for {} is not valid", exercise.name))?;
        let dir = scratch.path().join(&exercise.name);
        std::fs::create_dir_all(&dir)?;
        for (n, mutant) in generated.mutants.into_iter().enumerate() {
            let file = dir.join(format!("{n:04}.py"));
            std::fs::write(&file, &mutant.source)
                .with_context(|| format!("could not write {}", file.display()))?;
            mutants.push((index, mutant, file));
        }
    }

    // 3. Run them all on the pool.
    let jobs: Vec<Job> = mutants
        .iter()
        .map(|(index, _, file)| Job {
            exercise: &limited[*index],
            source: file.clone(),
        })
        .collect();
    let show_progress = !args.json && std::io::stderr().is_terminal();
    let verdicts = run_jobs(
        &runner,
        &workbook,
        &jobs,
        args.jobs,
        show_progress.then_some("mutants"),
    );
    if process::interrupted() {
        return Ok(crate::exit::INTERRUPTED);
    }
    let seconds = started.elapsed().as_secs_f64();

    // 4. Judge each exercise.
    let mut by_exercise: BTreeMap<usize, Vec<(Mutant, bool)>> = BTreeMap::new();
    let mut timeouts: BTreeMap<usize, usize> = BTreeMap::new();
    for ((index, mutant, _), verdict) in mutants.into_iter().zip(verdicts) {
        let killed = verdict.as_ref().is_some_and(is_killed);
        if verdict
            .as_ref()
            .is_some_and(|v| matches!(v.outcome, Outcome::TimedOut { .. }))
        {
            *timeouts.entry(index).or_default() += 1;
        }
        by_exercise.entry(index).or_default().push((mutant, killed));
    }
    let mut reports = Vec::new();
    for (index, exercise) in limited.iter().enumerate() {
        let results = by_exercise.remove(&index).unwrap_or_default();
        let declared = declarations(&workbook, &args.equivalents, exercise)?;
        let mut report = judge(exercise, results, declared, args.threshold);
        report.timed_out = timeouts.get(&index).copied().unwrap_or(0);
        reports.push(report);
    }
    reports.extend(broken);
    let order = |r: &Report| workbook.index_of(&r.exercise).unwrap_or(usize::MAX);
    reports.sort_by_key(order);
    let total: usize = reports.iter().map(|r| r.total).sum();
    let killed: usize = reports.iter().map(|r| r.killed).sum();
    let summary = Summary {
        version: 1,
        threshold: args.threshold,
        mutants: total,
        killed,
        seconds,
        mutants_per_second: total as f64 / seconds.max(0.001),
        exercises: reports,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_human(&summary, &workbook, &args.equivalents);
    }
    let all_pass = summary
        .exercises
        .iter()
        .all(|r| r.passed && r.problems.is_empty());
    Ok(if all_pass { 0 } else { 1 })
}

impl Report {
    fn broken(exercise: &Exercise, problem: String) -> Self {
        Report {
            exercise: exercise.name.clone(),
            lesson: exercise.lesson_dir.clone(),
            total: 0,
            killed: 0,
            equivalent: 0,
            timed_out: 0,
            score: 0.0,
            passed: false,
            survivors: Vec::new(),
            problems: vec![problem],
        }
    }
}

fn select<'w>(workbook: &'w Workbook, names: &[String]) -> anyhow::Result<Vec<&'w Exercise>> {
    if names.is_empty() {
        return Ok(workbook.exercises.iter().collect());
    }
    names
        .iter()
        .map(|n| workbook.find(n).map_err(|e| super::coded(2, e.to_string())))
        .collect()
}

/// A mutant is killed when its verdict is anything but a pass. A run that could not start
/// at all proves nothing either way, so it counts as a survivor and is shown as such.
fn is_killed(verdict: &Verdict) -> bool {
    !verdict.passed() && !matches!(verdict.outcome, Outcome::CouldNotRun { .. })
}

fn run_jobs(
    runner: &Runner,
    workbook: &Workbook,
    jobs: &[Job],
    workers: Option<usize>,
    progress: Option<&str>,
) -> Vec<Option<Verdict>> {
    let report = |done: usize, total: usize| {
        if let Some(what) = progress {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!(
                "\r[{}{}] {done}/{total} {what}",
                "#".repeat(filled),
                "-".repeat(width - filled)
            );
            let _ = std::io::stderr().flush();
        }
    };
    let results = pool::run_all(
        runner,
        workbook,
        jobs,
        workers.unwrap_or_else(pool::default_jobs),
        &process::Cancel::default(),
        &report,
    );
    if progress.is_some() {
        eprint!("\r\x1b[K");
    }
    results
}

fn call_mutator(runner: &Runner, mutator: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new(&runner.python.executable)
        .arg("-S")
        .arg(mutator)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("could not start Python for the mutator")?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(super::coded(
            3,
            format!("the mutator failed: {}", why.trim()),
        ));
    }
    Ok(output.stdout)
}

fn declarations(
    workbook: &Workbook,
    dir: &Path,
    exercise: &Exercise,
) -> anyhow::Result<Declarations> {
    let path = declarations_path(workbook, dir, exercise);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Declarations::default()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    toml::from_str(&text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |s| crate::workbook::info::line_col(&text, s.start));
        super::coded(
            3,
            format!(
                "{}:{line}:{col}: {}\n  help: each entry is [[equivalent]] with id = \"...\" and reason = \"...\"",
                path.display(),
                e.message().trim()
            ),
        )
    })
}

fn declarations_path(workbook: &Workbook, dir: &Path, exercise: &Exercise) -> PathBuf {
    workbook
        .root
        .join(dir)
        .join(&exercise.lesson_dir)
        .join(format!("{}.toml", exercise.name))
}

fn judge(
    exercise: &Exercise,
    results: Vec<(Mutant, bool)>,
    declared: Declarations,
    threshold: f64,
) -> Report {
    let mut problems = Vec::new();
    let mut equivalent = 0;
    let mut survivors = Vec::new();
    for d in &declared.equivalent {
        if d.reason.trim().is_empty() {
            problems.push(format!(
                "`{}` is declared equivalent without a reason",
                d.id
            ));
        }
        match results.iter().find(|(m, _)| m.id == d.id) {
            None => problems.push(format!(
                "`{}` is declared equivalent but no mutant has this id any more; remove the declaration",
                d.id
            )),
            Some((_, true)) => problems.push(format!(
                "`{}` is declared equivalent but the tests kill it; remove the declaration",
                d.id
            )),
            Some((_, false)) => {}
        }
    }
    let total = results.len();
    if total == 0 {
        problems.push(
            "the mutator made no mutants of this solution: is its code above the tests marker?"
                .to_string(),
        );
    }
    let mut killed = 0;
    for (mutant, was_killed) in results {
        if was_killed {
            killed += 1;
        } else if declared.equivalent.iter().any(|d| d.id == mutant.id) {
            equivalent += 1;
        } else {
            survivors.push(mutant);
        }
    }
    let counted = total - equivalent;
    let score = if counted == 0 {
        100.0
    } else {
        killed as f64 * 100.0 / counted as f64
    };
    Report {
        exercise: exercise.name.clone(),
        lesson: exercise.lesson_dir.clone(),
        total,
        killed,
        equivalent,
        timed_out: 0,
        score,
        passed: score + 1e-9 >= threshold && problems.is_empty(),
        survivors,
        problems,
    }
}

fn print_human(summary: &Summary, workbook: &Workbook, dir: &Path) {
    let s = symbols();
    for r in &summary.exercises {
        let mark = if r.passed && r.problems.is_empty() {
            s.pass.green()
        } else {
            s.fail.red()
        };
        let equivalent = if r.equivalent > 0 {
            format!(", {} equivalent", r.equivalent)
        } else {
            String::new()
        };
        let slow = if r.timed_out > 0 {
            format!(", {} by the time limit", r.timed_out)
        } else {
            String::new()
        };
        println!(
            "{mark} {:<14} {:>3}/{:<3} killed {:>6.1}%{equivalent}{slow}",
            r.exercise,
            r.killed,
            r.total - r.equivalent,
            r.score
        );
        for m in &r.survivors {
            println!(
                "    {} {}  line {}: {}",
                "survived".yellow(),
                m.id,
                m.line,
                m.description
            );
            for line in m.before.lines() {
                println!("      {}", format!("- {line}").red());
            }
            for line in m.after.lines() {
                println!("      {}", format!("+ {line}").green());
            }
        }
        for p in &r.problems {
            println!("    {} {p}", "problem:".red());
        }
    }
    let failing: Vec<&Report> = summary
        .exercises
        .iter()
        .filter(|r| !r.passed || !r.problems.is_empty())
        .collect();
    println!(
        "\n{} mutants, {} killed, in {:.1} s ({:.1} mutants/s)",
        summary.mutants, summary.killed, summary.seconds, summary.mutants_per_second
    );
    if failing.is_empty() {
        println!(
            "every exercise kills at least {}% of its non-equivalent mutants",
            summary.threshold
        );
    } else if let Some(first) = failing.first() {
        let example = workbook.find(&first.exercise).ok().map(|e| {
            declarations_path(workbook, dir, e)
                .strip_prefix(&workbook.root)
                .map(Path::to_path_buf)
                .unwrap_or_default()
        });
        println!(
            "{} exercise(s) below {}%: add tests that reject the survivors, or declare a mutant that \
             behaves exactly like the solution as [[equivalent]] (id, reason) in {}",
            failing.len(),
            summary.threshold,
            example.map_or_else(String::new, |p| p.display().to_string())
        );
    }
}
