//! `--pristine-tests`: grade the learner's code against the workbook as shipped. The shipped
//! copy is unpacked into a temporary folder (its info.toml, fixtures and tests), and each
//! exercise runs as the learner's code above the tests marker joined with the shipped tests.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::workbook::{embedded, sections, Exercise, Workbook};

pub struct Pristine {
    /// Holds the unpacked copy; removed on drop.
    _dir: tempfile::TempDir,
    pub workbook: Workbook,
}

impl Pristine {
    pub fn unpack() -> anyhow::Result<Self> {
        let dir = embedded::unpack()?;
        let workbook = Workbook::load(dir.path())
            .context("the workbook built into this iolings does not load")?;
        Ok(Pristine {
            _dir: dir,
            workbook,
        })
    }

    /// The file to run for `exercise`: the learner's code (from `learner_root`) joined with
    /// the shipped tests. A missing learner file counts as no code at all.
    pub fn source_for(&self, learner_root: &Path, exercise: &Exercise) -> anyhow::Result<PathBuf> {
        let shipped_path = self.workbook.exercise_path(exercise);
        let shipped = std::fs::read(&shipped_path)
            .with_context(|| format!("could not read {}", shipped_path.display()))?;
        let learner_path = learner_root.join(exercise.relative_path());
        // A deleted exercise is graded as no code at all; any other read error is reported.
        let learner = match std::fs::read(&learner_path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(e).with_context(|| format!("could not read {}", learner_path.display()))
            }
        };
        let joined = sections::with_shipped_tests(&learner, &shipped).with_context(|| {
            format!(
                "{} has no tests marker (`# ----------` then `# Tests`), so its tests cannot be told from its code",
                exercise.relative_path().display()
            )
        })?;
        let target = self
            .workbook
            .root
            .join(".iolings")
            .join("pristine")
            .join(exercise.file_name());
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create {}", parent.display()))?;
        }
        std::fs::write(&target, joined)
            .with_context(|| format!("could not write {}", target.display()))?;
        Ok(target)
    }
}
