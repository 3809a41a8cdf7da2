//! The learner's files, as commands and watch mode both touch them: the backup made before a
//! reset, and the notice that an exercise's tests are not the shipped ones.

use std::path::PathBuf;

use anyhow::Context;

use crate::progress::STATE_DIR;
use crate::workbook::{embedded, sections, Exercise, Workbook};

/// Save `bytes` as `.iolings/backups/<name>-<UTC time>[-n].py`; never overwrites a backup.
pub fn back_up(workbook: &Workbook, exercise: &Exercise, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = workbook.root.join(STATE_DIR).join("backups");
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let stamp = crate::timestamp::now();
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

/// The one-line notice for a learner whose tests section is not the shipped one, if so;
/// `how` is the command prefix to restore them with (None in watch mode: a key does it).
pub fn tests_notice(workbook: &Workbook, exercise: &Exercise, how: Option<&str>) -> Option<String> {
    let shipped = embedded::file(&exercise.relative_path())?;
    if !embedded::is_builtin_workbook(&workbook.root) {
        return None; // another course or version: its tests are not ours to compare with
    }
    let learner = std::fs::read(workbook.exercise_path(exercise)).ok()?;
    sections::tests_differ(&learner, shipped).then(|| match how {
        Some(how) => format!(
            "your tests differ from the shipped ones; graders use the shipped tests (`{how} reset --tests {}` restores only them)",
            exercise.name
        ),
        // One status row in watch mode: short enough for 60 columns.
        None => "your tests differ from the shipped ones: T restores them".to_string(),
    })
}
