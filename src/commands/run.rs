//! `iolings run [NAME]`: run one exercise and show the verdict.

use crate::cli::GlobalArgs;
use crate::exit;
use crate::invocation;
use crate::render;
use crate::runner::process::{self, Cancel};
use crate::runner::verdict::Outcome;

pub struct Options {
    pub json: bool,
    pub pristine_tests: bool,
    /// Trace each test's file I/O and show it under the verdict (or in the JSON).
    pub trace: bool,
}

pub fn run(g: &GlobalArgs, name: Option<&str>, opts: &Options) -> anyhow::Result<u8> {
    let Options {
        json,
        pristine_tests,
        trace,
    } = *opts;
    let (workbook, mut progress) = super::load_with_progress(g)?;
    let exercise = super::pick(&workbook, &progress, name)?.clone();
    let runner = super::runner(g, &workbook)?;
    if trace {
        runner.set_tracing(true);
    }
    process::install_interrupt_handler();
    let file = workbook.exercise_path(&exercise);
    if !file.is_file() {
        return Err(super::coded(
            exit::WORKBOOK_ERROR,
            format!(
                "{} is missing. Restore the shipped version with `{}`.",
                workbook.shown(exercise.relative_path()),
                invocation::with(&format!("reset {}", exercise.name))
            ),
        ));
    }
    let verdict = if pristine_tests {
        let pristine = super::pristine::Pristine::unpack()?;
        let shipped = pristine.workbook.find(&exercise.name).map_err(|_| {
            super::coded(
                exit::WORKBOOK_ERROR,
                format!(
                    "{} is not part of the workbook built into this iolings, so it has no shipped tests to grade with",
                    exercise.name
                ),
            )
        })?;
        let source = pristine.source_for(&workbook.root, shipped)?;
        runner.run(&pristine.workbook, shipped, &source, &Cancel::default())
    } else {
        runner.run(&workbook, &exercise, &file, &Cancel::default())
    };
    let Some(verdict) = verdict else {
        eprintln!("interrupted: the run was stopped and its sandbox removed");
        return Ok(exit::INTERRUPTED);
    };
    let was_current = progress.state.current.as_deref() == Some(exercise.name.as_str());
    progress.set_done(&exercise.name, verdict.passed());
    let index = workbook.index_of(&exercise.name).unwrap_or(0);
    let next = progress
        .pending_after(&workbook, index)
        .map(|i| &workbook.exercises[i]);
    // A failing exercise becomes current; passing the current one moves on to the next.
    if !verdict.passed() {
        progress.state.current = Some(exercise.name.clone());
    } else if let Some(next) = next.filter(|_| name.is_none() || was_current) {
        progress.state.current = Some(next.name.clone());
    }
    // Saved before anything is printed: a reader that goes away early (`| head`) must not
    // cost the learner a pass.
    progress.save_or_warn();
    if json {
        println!("{}", serde_json::to_string_pretty(&verdict)?);
        return Ok(exit::for_outcome(&verdict.outcome));
    }
    let display = workbook.shown(exercise.relative_path());
    print!("{}", render::verdict::render(&verdict, &file, &display));
    if trace {
        print!("\n{}", render::trace::render(&verdict.tests));
    }
    if !pristine_tests {
        if let Some(notice) =
            crate::learner_files::tests_notice(&workbook, &exercise, Some(invocation::command()))
        {
            println!("\n{} {notice}", colored::Colorize::yellow("note:"));
        }
    }
    match (&verdict.outcome, next) {
        (Outcome::Passed, Some(next)) => println!(
            "\nNext: {} (`{}`)",
            workbook.shown(next.relative_path()),
            invocation::with(&format!("run {}", next.name))
        ),
        (Outcome::Passed, None) => println!(
            "\nEvery exercise is done. {}",
            workbook.final_message.trim()
        ),
        (Outcome::CouldNotRun { .. }, _) => {}
        _ if progress.hints_shown(&exercise.name) == 0 => {
            println!(
                "\nStuck? `{}` shows a hint.",
                invocation::with(&format!("hint {}", exercise.name))
            )
        }
        _ => {}
    }
    Ok(exit::for_outcome(&verdict.outcome))
}
