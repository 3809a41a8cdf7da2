//! Watch mode for a terminal that cannot draw a screen (`TERM=dumb`, an editor's shell
//! buffer): no full screen, no colours, no links; each save prints the verdict as a block of
//! lines, like `run` does, and Ctrl-C ends it.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::Event;
use crate::progress::Progress;
use crate::render;
use crate::runner::process::{self, Cancel};
use crate::runner::Runner;
use crate::workbook::Workbook;

/// Whether `TERM` says the terminal cannot take cursor movement and colours.
pub fn terminal_is_dumb() -> bool {
    matches!(
        std::env::var("TERM").as_deref(),
        Ok("dumb") | Ok("") | Err(_)
    )
}

/// Runs the current exercise now and each exercise again when it is saved, until Ctrl-C.
pub fn run(workbook: &Workbook, mut progress: Progress, runner: &Runner, rx: &Receiver<Event>) {
    colored::control::set_override(false);
    println!(
        "iolings: this terminal cannot draw a screen (TERM=dumb), so each save prints its verdict below. Ctrl-C quits."
    );
    let current = progress.current(workbook).name.clone();
    run_one(workbook, &mut progress, runner, &current);
    while !process::interrupted() {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Event::Saved(name)) => run_one(workbook, &mut progress, runner, &name),
            Ok(Event::WatchError(e)) => println!("the file watcher failed: {e}"),
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}

fn run_one(workbook: &Workbook, progress: &mut Progress, runner: &Runner, name: &str) {
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
    let Some(verdict) = runner.run(workbook, exercise, &file, &Cancel::default()) else {
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
