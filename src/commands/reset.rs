//! `iolings reset NAME`: restore the shipped exercise; the learner's version is backed up first.

use anyhow::Context;

use crate::cli::GlobalArgs;
use crate::exit;
use crate::learner_files::back_up;
use crate::workbook::{embedded, sections, Exercise};

pub fn reset(g: &GlobalArgs, name: &str, yes: bool, tests_only: bool) -> anyhow::Result<u8> {
    let (workbook, mut progress) = super::load_with_progress(g)?;
    let exercise = super::pick(&workbook, &progress, Some(name))?.clone();
    let shipped = embedded::get(&exercise.relative_path())
        .map_err(|e| super::coded(exit::WORKBOOK_ERROR, e.to_string()))?;
    let path = workbook.exercise_path(&exercise);
    let current = std::fs::read(&path).ok();
    let restored = if tests_only {
        match with_shipped_tests_only(&exercise, current.as_deref(), shipped)? {
            Some(bytes) => bytes,
            None => {
                println!(
                    "The tests of {} are already as shipped; nothing to do.",
                    workbook.shown(exercise.relative_path())
                );
                return Ok(0);
            }
        }
    } else {
        shipped.to_vec()
    };
    if current.as_deref() == Some(restored.as_slice()) {
        println!(
            "{} is already as shipped; nothing to do.",
            workbook.shown(exercise.relative_path())
        );
        return Ok(0);
    }
    let what = if tests_only {
        format!("the tests of {}", workbook.shown(exercise.relative_path()))
    } else {
        workbook.shown(exercise.relative_path())
    };
    if !yes {
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            // Nobody can answer the question: never overwrite a learner's work unasked.
            return Err(super::coded(
                exit::USAGE,
                format!(
                    "reset would replace {what} and cannot ask first (stdin is not a terminal): add --yes to reset it anyway (your version is backed up)"
                ),
            ));
        }
        let backup = if current.is_some() {
            " Your version is kept as a backup."
        } else {
            ""
        };
        if !super::confirm(&format!("Reset {what} to the shipped version?{backup}"))? {
            println!("Nothing was changed.");
            return Ok(0);
        }
    }
    let backup = match current {
        Some(bytes) => Some(back_up(&workbook, &exercise, &bytes)?),
        None => None,
    };
    crate::atomic::write(&path, &restored)
        .with_context(|| format!("could not write {}", path.display()))?;
    progress.set_done(&exercise.name, false);
    progress.save_or_warn();
    if tests_only {
        println!(
            "Restored the tests of {} as shipped; your code above them is unchanged.",
            workbook.shown(exercise.relative_path())
        );
    } else {
        println!(
            "Restored {} as shipped.",
            workbook.shown(exercise.relative_path())
        );
    }
    if let Some(backup) = backup {
        println!("Your version was saved as {}", workbook.shown(&backup));
    }
    Ok(0)
}

/// The learner's file with its tests section replaced by the shipped one; None when the
/// tests are already as shipped.
fn with_shipped_tests_only(
    exercise: &Exercise,
    current: Option<&[u8]>,
    shipped: &[u8],
) -> anyhow::Result<Option<Vec<u8>>> {
    let Some(current) = current else {
        return Ok(Some(shipped.to_vec()));
    };
    if !sections::tests_differ(current, shipped) {
        return Ok(None);
    }
    let joined = sections::with_shipped_tests(current, shipped).ok_or_else(|| {
        super::coded(
            exit::WORKBOOK_ERROR,
            format!(
                "the shipped {} has no tests marker; reset the whole file instead",
                exercise.relative_path().display()
            ),
        )
    })?;
    Ok(Some(joined))
}
