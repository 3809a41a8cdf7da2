//! `iolings hint [NAME] [--all]`: reveal one more hint per call.

use crate::cli::GlobalArgs;
use crate::render;

pub fn hint(g: &GlobalArgs, name: Option<&str>, all: bool) -> anyhow::Result<u8> {
    let (workbook, mut progress) = super::load_with_progress(g)?;
    let exercise = super::pick(&workbook, &progress, name)?;
    let total = exercise.hints.len();
    let shown = if all {
        total
    } else {
        (progress.hints_shown(&exercise.name) + 1).min(total)
    };
    progress
        .state
        .hints_shown
        .insert(exercise.name.clone(), shown);
    println!(
        "{} ({})",
        exercise.name,
        workbook.shown(exercise.relative_path())
    );
    print!(
        "{}",
        render::verdict::hints(&exercise.hints, shown, &exercise.docs)
    );
    progress.save_or_warn();
    Ok(0)
}
