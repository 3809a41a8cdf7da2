//! `iolings run [NAME]`: run one exercise and show the verdict.

use crate::cli::GlobalArgs;
use crate::exit;
use crate::render;
use crate::runner::process::{self, Cancel};

pub fn run(g: &GlobalArgs, name: Option<&str>, json: bool) -> anyhow::Result<u8> {
    let (workbook, mut progress) = super::load_with_progress(g)?;
    let exercise = super::pick(&workbook, &progress, name)?.clone();
    let runner = super::runner(g, &workbook)?;
    process::install_interrupt_handler();
    let file = workbook.exercise_path(&exercise);
    if !file.is_file() {
        return Err(super::coded(
            exit::WORKBOOK_ERROR,
            format!(
                "{} is missing. Restore the shipped version with `iolings reset {}`.",
                exercise.relative_path().display(),
                exercise.name
            ),
        ));
    }
    let Some(verdict) = runner.run(&workbook, &exercise, &file, &Cancel::default()) else {
        eprintln!("interrupted: the run was stopped and its sandbox removed");
        return Ok(exit::INTERRUPTED);
    };
    progress.set_done(&exercise.name, verdict.passed());
    if json {
        println!("{}", serde_json::to_string_pretty(&verdict)?);
        progress.save()?;
        return Ok(exit::for_outcome(&verdict.outcome));
    }
    let display = super::display(&exercise.relative_path());
    print!("{}", render::verdict::render(&verdict, &file, &display));
    if verdict.passed() {
        if let Some(next) = progress.first_pending(&workbook) {
            let next = &workbook.exercises[next];
            if name.is_none() || progress.state.current.as_deref() == Some(exercise.name.as_str()) {
                progress.state.current = Some(next.name.clone());
            }
            println!(
                "\nNext: {} (`iolings run {}`)",
                next.relative_path().display(),
                next.name
            );
        } else {
            println!(
                "\nEvery exercise is done. {}",
                workbook.final_message.trim()
            );
        }
    } else {
        progress.state.current = Some(exercise.name.clone());
        let shown = progress.hints_shown(&exercise.name);
        if shown == 0 {
            println!("\nStuck? `iolings hint {}` shows a hint.", exercise.name);
        }
    }
    progress.save()?;
    Ok(exit::for_outcome(&verdict.outcome))
}
