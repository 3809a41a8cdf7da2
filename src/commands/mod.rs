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

use anyhow::Context as _;

use crate::cli::{Command, DevCommand, GlobalArgs};
// The helpers every command starts from, reachable as `super::…` from each command's file.
pub use crate::start::{
    coded, load_with_progress, load_workbook, pick, python_cache, runner, runner_at,
};

/// Every command but watch mode (which `main` starts itself).
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
