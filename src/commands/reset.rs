//! `iolings reset NAME`: restore the shipped exercise; the learner's version is backed up first.

use std::path::PathBuf;

use anyhow::Context;

use crate::cli::GlobalArgs;
use crate::exit;
use crate::progress::STATE_DIR;
use crate::workbook::{embedded, sections, Exercise, Workbook};

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
                    exercise.relative_path().display()
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
            exercise.relative_path().display()
        );
        return Ok(0);
    }
    if !yes
        && std::io::IsTerminal::is_terminal(&std::io::stdin())
        && !super::confirm(&format!(
            "Reset {} to the shipped version? Your version is kept as a backup.",
            if tests_only {
                format!("the tests of {}", exercise.relative_path().display())
            } else {
                exercise.relative_path().display().to_string()
            }
        ))?
    {
        println!("Nothing was changed.");
        return Ok(0);
    }
    let backup = match current {
        Some(bytes) => Some(back_up(&workbook, &exercise, &bytes)?),
        None => None,
    };
    crate::progress::write_atomically(&path, &restored)
        .with_context(|| format!("could not write {}", path.display()))?;
    progress.set_done(&exercise.name, false);
    progress.save_or_warn();
    if tests_only {
        println!(
            "Restored the tests of {} as shipped; your code above them is unchanged.",
            exercise.relative_path().display()
        );
    } else {
        println!(
            "Restored {} as shipped.",
            exercise.relative_path().display()
        );
    }
    if let Some(backup) = backup {
        println!("Your version was saved as {}", backup.display());
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

/// Save `bytes` as `.iolings/backups/<name>-<unix time>[-n].py`; never overwrites a backup.
pub fn back_up(workbook: &Workbook, exercise: &Exercise, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = workbook.root.join(STATE_DIR).join("backups");
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for n in 0.. {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let path = dir.join(format!("{}-{stamp}{suffix}.py", exercise.name));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(bytes)
                    .and_then(|_| file.sync_all())
                    .with_context(|| format!("could not write the backup {}", path.display()))?;
                return Ok(path
                    .strip_prefix(&workbook.root)
                    .map(|p| p.to_path_buf())
                    .unwrap_or(path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("could not create the backup {}", path.display()))
            }
        }
    }
    unreachable!("an unbounded range always yields a free name")
}
