//! Watch mode for a terminal that cannot draw a screen (`TERM=dumb`, an editor's shell
//! buffer): no full screen, no colours, no links; each save prints the verdict as a block of
//! lines, like `run` does, and Ctrl-C ends it.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::Event;
use crate::progress::Progress;
use crate::render;
use crate::runner::process::{self, Cancel};
use crate::runner::{Prepared, Runner};
use crate::workbook::Workbook;

/// Whether `TERM` says the terminal cannot take cursor movement and colours.
pub fn terminal_is_dumb() -> bool {
    matches!(
        std::env::var("TERM").as_deref(),
        Ok("dumb") | Ok("") | Err(_)
    )
}

/// Runs the current exercise now and each exercise again when it is saved, until Ctrl-C.
/// With warm runs on, the next run of the exercise last run is prepared while the learner reads.
pub fn run(workbook: &Workbook, mut progress: Progress, runner: &Runner, rx: &Receiver<Event>) {
    colored::control::set_override(false);
    println!(
        "iolings: this terminal cannot draw a screen (TERM=dumb), so each save prints its verdict below. Ctrl-C quits."
    );
    let current = progress.current(workbook).name.clone();
    let mut prepared = None;
    run_one(workbook, &mut progress, runner, &current, &mut prepared);
    // Once after each run (a failure to prepare is not retried until the next run).
    let warm = runner.warm_runs;
    let mut prepare_next = warm;
    while !process::interrupted() {
        if std::mem::take(&mut prepare_next) {
            let last = progress.current(workbook);
            prepared = runner.prepare(workbook, last).ok();
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Event::Saved(name)) => {
                run_one(workbook, &mut progress, runner, &name, &mut prepared);
                prepare_next = warm;
            }
            Ok(Event::WatchError(e)) => println!("the file watcher failed: {e}"),
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}

fn run_one(
    workbook: &Workbook,
    progress: &mut Progress,
    runner: &Runner,
    name: &str,
    prepared: &mut Option<Prepared>,
) {
    let Ok(exercise) = workbook.find(name) else {
        return;
    };
    let file = workbook.exercise_path(exercise);
    let display = workbook.shown(exercise.relative_path());
    if !file.is_file() {
        println!("\n{display} is missing: `iolings reset {name}` restores it.");
        return;
    }
    println!("\n--- {name}: running {display}");
    // The warm run if it is of this exercise; any other is dropped (killed) here.
    let warm = prepared
        .take()
        .filter(|p| p.exercise() == name && p.is_waiting());
    let cancel = Cancel::default();
    let verdict = match warm {
        Some(warm) => warm.go(workbook, &file, &cancel),
        None => runner.run(workbook, exercise, &file, &cancel),
    };
    let Some(verdict) = verdict else {
        return;
    };
    progress.set_done(name, verdict.passed());
    progress.state.current = Some(name.to_string());
    progress.save_or_warn();
    print!("{}", render::verdict::render(&verdict, &file, &display));
    if verdict.passed() {
        println!("{name} is done. Open the next exercise and save it to run it.");
    } else if let Some(hint) = exercise.hints.first() {
        println!("Hint: {hint}");
    }
}
