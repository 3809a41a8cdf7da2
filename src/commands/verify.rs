//! `iolings verify`: every exercise, in parallel; a summary for a person, or a grading report
//! (JSON, JUnit, GitHub Classroom, Gradescope). A report is written whole even when the run is
//! interrupted (unfinished exercises are `not_run`) or progress cannot be saved.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::Context;
use colored::Colorize;

use super::pristine::Pristine;
use crate::cli::{Format, GlobalArgs, JunitGranularity};
use crate::exit;
use crate::progress::Progress;
use crate::render::symbols;
use crate::report::{self, junit, Kind, Report, RunInfo};
use crate::runner::pool::{self, Job};
use crate::runner::process;
use crate::runner::verdict::Verdict;
use crate::runner::Runner;
use crate::workbook::Workbook;

pub struct Options {
    pub format: Format,
    pub jobs: Option<usize>,
    pub pristine_tests: bool,
    pub output: Option<PathBuf>,
    pub junit_granularity: Option<JunitGranularity>,
    pub trace: bool,
}

pub fn verify(g: &GlobalArgs, opts: &Options) -> anyhow::Result<u8> {
    if opts.junit_granularity.is_some() && opts.format != Format::Junit {
        return Err(super::coded(
            2,
            "--junit-granularity applies to --format junit only",
        ));
    }
    if opts.format != Format::Human || opts.output.is_some() {
        // A report is data: no colors in its plain-text failures, whatever the terminal.
        colored::control::set_override(false);
    }
    let learner = learner_workbook(g, opts.pristine_tests)?;
    let root = learner
        .as_ref()
        .map_or_else(|| g.workbook_root(), |(w, _)| w.root.clone());
    let runner = super::runner_at(g, &root)?;
    if opts.trace {
        runner.set_tracing(true);
    }
    process::install_interrupt_handler();
    let started = (SystemTime::now(), Instant::now());
    // Graders run the learner's code against the shipped info.toml, fixtures and tests.
    let pristine = opts.pristine_tests.then(Pristine::unpack).transpose()?;
    let graded: &Workbook = match (&pristine, &learner) {
        (Some(p), _) => &p.workbook,
        (None, Some((w, _))) => w,
        // learner_workbook only gives up on the workbook under --pristine-tests.
        (None, None) => anyhow::bail!("the workbook in {} could not be loaded", root.display()),
    };
    let show_progress = opts.format == Format::Human && std::io::stderr().is_terminal();
    let verdicts = run_every_exercise(
        &runner,
        graded,
        pristine.as_ref(),
        &root,
        opts.jobs,
        show_progress,
    );
    let interrupted = process::interrupted();
    let report = Report::build(
        graded,
        &verdicts,
        &root,
        &RunInfo {
            started: started.0,
            duration_ms: started.1.elapsed().as_millis() as u64,
            python: runner.python.version_string(),
            pristine_tests: opts.pristine_tests,
            interrupted,
        },
    );
    let text = match opts.format {
        // A person who pressed Ctrl-C wants the prompt back, not a list of unfinished runs.
        Format::Human if interrupted => None,
        format => Some(render(&report, format, opts.junit_granularity)?),
    };
    if let Some(text) = text {
        emit(&text, opts.output.as_deref())?;
    }
    if interrupted {
        eprintln!("interrupted: runs in flight were stopped and their sandboxes removed");
    }
    // After the report: it must never be lost because the progress file could not be written.
    if let Some((_, mut progress)) = learner {
        for v in verdicts.iter().flatten() {
            progress.set_done(&v.exercise, v.passed());
        }
        progress.save_or_warn();
    }
    Ok(if interrupted {
        exit::INTERRUPTED
    } else if report.totals.passed == report.totals.exercises {
        exit::SUCCESS
    } else {
        exit::TESTS_FAILED
    })
}

/// One verdict per exercise of `graded`, in order; None for those an interruption stopped.
fn run_every_exercise(
    runner: &Runner,
    graded: &Workbook,
    pristine: Option<&Pristine>,
    root: &Path,
    workers: Option<usize>,
    show_progress: bool,
) -> Vec<Option<Verdict>> {
    let mut verdicts: Vec<Option<Verdict>> = vec![None; graded.exercises.len()];
    let mut jobs = Vec::new();
    let mut slots = Vec::new();
    for (i, exercise) in graded.exercises.iter().enumerate() {
        let source = match pristine {
            Some(p) => p.source_for(root, exercise),
            None => Ok(graded.exercise_path(exercise)),
        };
        match source {
            Ok(source) => {
                jobs.push(Job { exercise, source });
                slots.push(i);
            }
            // One unreadable file fails that exercise, not the whole grading.
            Err(e) => verdicts[i] = Some(Verdict::could_not_run(&exercise.name, format!("{e:#}"))),
        }
    }
    let on_done = |done: usize, total: usize| {
        if show_progress {
            eprint!("\rverifying {done}/{total}...");
            let _ = std::io::stderr().flush();
        }
    };
    let ran = pool::run_all(
        runner,
        graded,
        &jobs,
        workers.unwrap_or_else(pool::default_jobs),
        &process::Cancel::default(),
        &on_done,
    );
    if show_progress {
        eprint!("\r\x1b[K");
    }
    for (slot, verdict) in slots.into_iter().zip(ran) {
        verdicts[slot] = verdict;
    }
    verdicts
}

fn render(
    report: &Report,
    format: Format,
    granularity: Option<JunitGranularity>,
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Human => human(report),
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Junit => junit::render(
            report,
            match granularity {
                Some(JunitGranularity::Test) => junit::Granularity::Test,
                Some(JunitGranularity::Exercise) | None => junit::Granularity::Exercise,
            },
        ),
        Format::Classroom => report::classroom::render(report)?,
        Format::Gradescope => report::gradescope::render(report)?,
    })
}

/// The learner's workbook and progress. A grader with `--pristine-tests` needs only the
/// learner's exercise files, so a broken or missing info.toml there does not stop grading.
fn learner_workbook(
    g: &GlobalArgs,
    pristine: bool,
) -> anyhow::Result<Option<(Workbook, Progress)>> {
    match super::load_with_progress(g) {
        Ok(loaded) => Ok(Some(loaded)),
        Err(e) if pristine => {
            eprintln!(
                "{} {e:#}\n  grading goes on with the shipped info.toml and the exercise files in {}; progress is not saved",
                "warning:".yellow(),
                g.workbook_root().display()
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Write the report to stdout, or to `path`.
fn emit(text: &str, path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(path) => write_report(path, text.as_bytes())
            .with_context(|| format!("could not write the report to {}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("could not write the report to stdout")
        }
    }
}

/// Replace `path` in one step: a grader killed mid-write leaves the old file or the new one,
/// never half of one. Readable like any file a command writes, or as the report it replaces was.
fn write_report(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let permissions = std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
    crate::atomic::write_with(path, bytes, Some(permissions))
}

fn human(report: &Report) -> String {
    let s = symbols();
    let mut out = String::new();
    for e in &report.exercises {
        let line = if e.verdict == Kind::Passed {
            format!("{} {:<14} {}", s.pass.green(), e.name, e.path.dimmed())
        } else {
            format!(
                "{} {:<14} {}  {}",
                s.fail.red(),
                e.name,
                e.verdict.as_str().replace('_', " ").red(),
                e.path.dimmed()
            )
        };
        out.push_str(&line);
        out.push('\n');
        // The reason is the only thing to act on when a run could not even start.
        if e.verdict == Kind::CouldNotRun && !e.summary.is_empty() {
            out.push_str(&format!("    {}\n", e.summary));
        }
    }
    let t = &report.totals;
    // Points are worth a mention only when they are not one per exercise.
    let points = if t.max_points as usize != t.exercises {
        format!(", {}/{} points", t.points, t.max_points)
    } else {
        String::new()
    };
    out.push_str(&format!(
        "\n{}/{} exercises pass{points} ({:.1} s)\n",
        t.passed,
        t.exercises,
        report.duration_ms as f64 / 1000.0
    ));
    out
}
