//! The learner's progress: current exercise, exercises done, hints shown, lessons introduced.
//! Kept in `.iolings/state.json`, written atomically (temp file, fsync, rename, fsync dir).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::workbook::Workbook;

pub const STATE_DIR: &str = ".iolings";
const STATE_FILE: &str = "state.json";
const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct State {
    pub version: u32,
    pub current: Option<String>,
    pub done: BTreeSet<String>,
    pub hints_shown: BTreeMap<String, usize>,
    pub lessons_introduced: BTreeSet<String>,
    pub welcomed: bool,
}

/// The state plus where it lives; `notice` says what was recovered on load, if anything.
pub struct Progress {
    pub state: State,
    path: PathBuf,
    pub notice: Option<String>,
}

impl Progress {
    /// Load the state of `workbook`. A corrupt file is moved aside and progress restarts:
    /// never an error, never silently lost.
    pub fn load(workbook: &Workbook) -> Progress {
        let path = workbook.root.join(STATE_DIR).join(STATE_FILE);
        let (mut state, notice) = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (State::default(), None),
            Err(e) => (
                State::default(),
                Some(format!(
                    "could not read {} ({e}); starting with empty progress",
                    path.display()
                )),
            ),
            Ok(bytes) => match serde_json::from_slice::<State>(&bytes) {
                Ok(state) => (state, None),
                Err(e) => (State::default(), Some(set_aside(&path, &e.to_string()))),
            },
        };
        state.version = STATE_VERSION;
        forget_unknown(&mut state, workbook);
        Progress {
            state,
            path,
            notice,
        }
    }

    pub fn save(&self) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(&self.state)?;
        write_atomically(&self.path, text.as_bytes()).with_context(|| {
            format!(
                "could not save progress to {} (is {} a writable folder?)",
                self.path.display(),
                self.path.parent().unwrap_or(Path::new(".")).display()
            )
        })
    }

    /// Save, or say on stderr why not: a command's real output (a verdict, a report) must
    /// never be lost because the progress file could not be written.
    pub fn save_or_warn(&self) {
        if let Err(e) = self.save() {
            eprintln!("{} {e:#}", colored::Colorize::yellow("warning:"));
        }
    }

    /// The current exercise: the saved one, else the first not done.
    pub fn current<'w>(&self, workbook: &'w Workbook) -> &'w crate::workbook::Exercise {
        self.state
            .current
            .as_deref()
            .and_then(|name| workbook.index_of(name))
            .or_else(|| self.first_pending(workbook))
            .map_or(&workbook.exercises[0], |i| &workbook.exercises[i])
    }

    /// The first exercise not done after `index`, wrapping around to the start.
    pub fn pending_after(&self, workbook: &Workbook, index: usize) -> Option<usize> {
        let n = workbook.exercises.len();
        (index + 1..n)
            .chain(0..=index.min(n.saturating_sub(1)))
            .find(|&i| !self.state.done.contains(&workbook.exercises[i].name))
    }

    pub fn first_pending(&self, workbook: &Workbook) -> Option<usize> {
        workbook
            .exercises
            .iter()
            .position(|e| !self.state.done.contains(&e.name))
    }

    pub fn is_done(&self, name: &str) -> bool {
        self.state.done.contains(name)
    }

    pub fn set_done(&mut self, name: &str, done: bool) {
        if done {
            self.state.done.insert(name.to_string());
        } else {
            self.state.done.remove(name);
        }
    }

    pub fn hints_shown(&self, name: &str) -> usize {
        self.state.hints_shown.get(name).copied().unwrap_or(0)
    }
}

/// Names the workbook no longer has (renamed or removed exercises) are dropped.
fn forget_unknown(state: &mut State, workbook: &Workbook) {
    let known = |n: &String| workbook.index_of(n).is_some();
    state.done.retain(known);
    state.hints_shown.retain(|n, _| known(n));
    if state.current.as_ref().is_some_and(|c| !known(c)) {
        state.current = None;
    }
}

fn set_aside(path: &Path, why: &str) -> String {
    let stamp = crate::timestamp::now();
    // A name nobody has: claim it with a hard link (fails if taken), then drop the old name.
    let claimed = (0..1000).find_map(|n| {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let aside = path.with_extension(format!("corrupt-{stamp}{suffix}.json"));
        match std::fs::hard_link(path, &aside) {
            Ok(()) => Some(std::fs::remove_file(path).map(|_| aside)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
            Err(e) => Some(Err(e)),
        }
    });
    let result = claimed.unwrap_or_else(|| Err(std::io::Error::other("no free name")));
    match result {
        Ok(aside) => format!(
            "the progress file {} was unreadable ({why}); it was kept as {} and progress starts afresh. `{}` marks the exercises you have already solved as done again.",
            path.display(),
            aside.display(),
            crate::invocation::with("verify")
        ),
        Err(e) => format!(
            "the progress file {} was unreadable ({why}) and could not be moved aside ({e}); progress starts afresh",
            path.display()
        ),
    }
}

/// Write `bytes` to `path` so that a crash leaves either the old or the new file, never a mix:
/// a temp file in the same directory, flushed and fsynced, renamed over, then the directory
/// fsynced so the rename itself is durable.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.flush()?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
