//! One file per subcommand; this module dispatches and holds what they share.

mod completions;
mod dev;
mod doctor;
mod hint;
mod init;
mod list;
mod lock;
mod mutate;
mod new;
mod pristine;
mod report;
pub mod reset;
mod run;
mod solution;
mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::{Command, DevCommand, GlobalArgs};
use crate::exit;
use crate::progress::{Progress, STATE_DIR};
use crate::runner::python;
use crate::runner::Runner;
use crate::workbook::{Workbook, WorkbookError};

/// An error that ends the program with a specific exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Coded {
    pub code: u8,
    pub message: String,
}

pub fn coded(code: u8, message: impl Into<String>) -> anyhow::Error {
    Coded {
        code,
        message: message.into(),
    }
    .into()
}

pub fn exit_code_of(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(c) = cause.downcast_ref::<Coded>() {
            return c.code;
        }
        if cause.downcast_ref::<WorkbookError>().is_some() {
            return exit::WORKBOOK_ERROR;
        }
    }
    exit::OTHER_ERROR
}

/// Every command but watch mode (which `main` starts itself: it is built on these).
pub fn dispatch(g: &GlobalArgs, command: Command) -> anyhow::Result<u8> {
    let g = g.clone();
    match command {
        Command::Watch(_) => unreachable!("main starts watch mode itself"),
        Command::Run {
            name,
            json,
            pristine_tests,
            trace,
        } => run::run(
            &g,
            name.as_deref(),
            &run::Options {
                json,
                pristine_tests,
                trace,
            },
        ),
        Command::Hint { name, all } => hint::hint(&g, name.as_deref(), all),
        Command::List { json } => list::list(&g, json),
        Command::Verify {
            format,
            jobs,
            pristine_tests,
            output,
            junit_granularity,
            trace,
        } => verify::verify(
            &g,
            &verify::Options {
                format,
                jobs,
                pristine_tests,
                output,
                junit_granularity,
                trace,
            },
        ),
        Command::Report { files, csv } => report::report(&files, csv),
        Command::Reset { name, yes, tests } => reset::reset(&g, &name, yes, tests),
        Command::Solution { name, force } => solution::solution(&g, &name, force),
        Command::Doctor => doctor::doctor(&g),
        Command::Init { dir, classroom } => init::init(&dir, classroom),
        Command::Completions { shell } => completions::completions(shell),
        Command::Dev(DevCommand::New { name, lesson }) => new::new(&g, &name, &lesson),
        Command::Dev(DevCommand::Check {
            jobs,
            mistakes,
            alternatives,
            shipped,
        }) => dev::check(
            &g,
            &dev::CheckOptions {
                jobs,
                mistakes,
                alternatives,
                shipped,
            },
        ),
        Command::Dev(DevCommand::Lock { check }) => lock::lock(&g, check),
        Command::Dev(DevCommand::Mutate(args)) => mutate::mutate(&g, &args),
    }
}

pub use pristine::tests_notice;

pub fn load_workbook(g: &GlobalArgs) -> anyhow::Result<Workbook> {
    Ok(Workbook::load(&g.workbook_root())?)
}

/// The workbook and the learner's progress, with any recovery notice printed once.
pub fn load_with_progress(g: &GlobalArgs) -> anyhow::Result<(Workbook, Progress)> {
    let workbook = load_workbook(g)?;
    let progress = Progress::load(&workbook);
    if let Some(notice) = &progress.notice {
        eprintln!("{} {notice}", colored::Colorize::yellow("warning:"));
    }
    Ok((workbook, progress))
}

pub fn python_cache(workbook: &Workbook) -> PathBuf {
    workbook.root.join(STATE_DIR).join("python.json")
}

/// A runner with the interpreter resolved (from the cache when still valid).
pub fn runner(g: &GlobalArgs, workbook: &Workbook) -> anyhow::Result<Runner> {
    runner_at(g, &workbook.root)
}

/// A runner whose caches live in the workbook folder `root` (which need not load).
pub fn runner_at(g: &GlobalArgs, root: &std::path::Path) -> anyhow::Result<Runner> {
    crate::runner::sandbox::remove_stale();
    let state = root.join(STATE_DIR);
    let python = python::discover(g.python.as_deref(), Some(&state.join("python.json")))
        .map_err(|e| coded(exit::COULD_NOT_RUN, format!("{e:#}")))?;
    let runner = Runner::new(python, Some(&state.join("cache")));
    if runner.protections.landlock_abi.is_none() {
        warn_once_without_landlock(root);
    }
    Ok(runner)
}

/// Said once per workbook (a marker file remembers), and always in `doctor`.
fn warn_once_without_landlock(root: &std::path::Path) {
    let marker = root.join(STATE_DIR).join("warned-no-landlock");
    if marker.exists() {
        return;
    }
    eprintln!(
        "{} this system has no Landlock, so a run cannot be stopped from writing outside its sandbox; \
         everything else is still protected. `{}` has the details.",
        colored::Colorize::yellow("note:"),
        crate::invocation::with("doctor")
    );
    let _ = std::fs::create_dir_all(marker.parent().unwrap_or(root));
    let _ = std::fs::write(marker, b"");
}

/// The exercise named, or the current one.
pub fn pick<'w>(
    workbook: &'w Workbook,
    progress: &Progress,
    name: Option<&str>,
) -> anyhow::Result<&'w crate::workbook::Exercise> {
    match name {
        Some(name) => workbook.find(name).map_err(|e| coded(2, e.to_string())),
        None => Ok(progress.current(workbook)),
    }
}

/// Ask a yes/no question on the terminal; false unless the answer starts with y.
pub fn confirm(question: &str) -> anyhow::Result<bool> {
    use std::io::Write;
    eprint!("{question} [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("could not read the answer")?;
    Ok(answer.trim().to_ascii_lowercase().starts_with('y'))
}

pub fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal()
}
