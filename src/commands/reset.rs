//! `iolings reset NAME`: restore the shipped exercise; the learner's version is backed up first.

use std::path::PathBuf;

use anyhow::Context;

use crate::cli::GlobalArgs;
use crate::exit;
use crate::progress::STATE_DIR;
use crate::workbook::{embedded, Exercise, Workbook};

pub fn reset(g: &GlobalArgs, name: &str, yes: bool) -> anyhow::Result<u8> {
    let (workbook, mut progress) = super::load_with_progress(g)?;
    let exercise = super::pick(&workbook, &progress, Some(name))?.clone();
    let shipped = embedded::file(&exercise.relative_path()).ok_or_else(|| {
        super::coded(
            exit::WORKBOOK_ERROR,
            format!(
                "{} is not part of the workbook built into this iolings, so there is no shipped copy to restore; take it from your course's source instead",
                exercise.relative_path().display()
            ),
        )
    })?;
    let path = workbook.exercise_path(&exercise);
    let current = std::fs::read(&path).ok();
    if current.as_deref() == Some(shipped) {
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
            exercise.relative_path().display()
        ))?
    {
        println!("Nothing was changed.");
        return Ok(0);
    }
    let backup = match current {
        Some(bytes) => Some(back_up(&workbook, &exercise, &bytes)?),
        None => None,
    };
    crate::progress::write_atomically(&path, shipped)
        .with_context(|| format!("could not write {}", path.display()))?;
    progress.set_done(&exercise.name, false);
    progress.save_or_warn();
    println!(
        "Restored {} as shipped.",
        exercise.relative_path().display()
    );
    if let Some(backup) = backup {
        println!("Your version was saved as {}", backup.display());
    }
    Ok(0)
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
