//! The learner's progress: current exercise, exercises done, hints shown, lessons introduced.
//! Kept in `.iolings/state.json`, written atomically (temp file, fsync, rename, fsync dir)
//! under a lock, merged with what another iolings on the same workbook saved meanwhile.

use std::collections::{BTreeMap, BTreeSet};
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
    /// The state as last read from or written to disk: what this process changed since is
    /// `state` against it, and only that is merged into the file.
    base: State,
    path: PathBuf,
    pub notice: Option<String>,
    /// Why the last save failed, kept so nobody claims the progress was saved.
    pub unsaved: Option<String>,
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
            base: state.clone(),
            state,
            path,
            notice,
            unsaved: None,
        }
    }

    /// Save this process's changes, merged under a lock with what is on disk now: another
    /// iolings (a second terminal, watch mode) may have saved since this one loaded.
    pub fn save(&mut self) -> anyhow::Result<()> {
        let result = self.save_merged();
        self.unsaved = result.as_ref().err().map(|e| format!("{e:#}"));
        result
    }

    fn save_merged(&mut self) -> anyhow::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let fail = || {
            format!(
                "could not save progress to {} (is {} a writable folder?)",
                self.path.display(),
                dir.display()
            )
        };
        std::fs::create_dir_all(dir).with_context(fail)?;
        let _lock = Lock::exclusive(&dir.join("state.lock")).with_context(fail)?;
        let on_disk = std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice::<State>(&b).ok())
            .unwrap_or_default();
        let merged = merge(&self.base, &self.state, on_disk);
        let text = serde_json::to_string_pretty(&merged)?;
        crate::atomic::write(&self.path, text.as_bytes()).with_context(fail)?;
        self.base = merged.clone();
        self.state = merged;
        Ok(())
    }

    /// Save, or say on stderr why not: a command's real output (a verdict, a report) must
    /// never be lost because the progress file could not be written.
    pub fn save_or_warn(&mut self) {
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

/// `disk` with this process's changes (`mine` against `base`) applied: exercises done are a
/// union, except those this process reset; hints shown the larger count; the current exercise
/// the one this process chose, if it chose one.
fn merge(base: &State, mine: &State, mut disk: State) -> State {
    for name in mine.done.difference(&base.done) {
        disk.done.insert(name.clone());
    }
    for name in base.done.difference(&mine.done) {
        disk.done.remove(name);
    }
    for (name, &n) in &mine.hints_shown {
        let shown = disk.hints_shown.entry(name.clone()).or_insert(0);
        *shown = (*shown).max(n);
    }
    disk.lessons_introduced
        .extend(mine.lessons_introduced.iter().cloned());
    disk.welcomed |= mine.welcomed;
    if mine.current != base.current || disk.current.is_none() {
        disk.current = mine.current.clone();
    }
    disk.version = STATE_VERSION;
    disk
}

/// An advisory lock (flock) on a file, released when dropped: saves from several iolings
/// processes on one workbook take turns.
struct Lock(std::fs::File);

impl Lock {
    fn exclusive(path: &Path) -> std::io::Result<Lock> {
        use std::os::fd::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        // SAFETY: flock on a descriptor this struct owns; no memory is shared with the call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Lock(file))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as above; closing the file would release it too.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// Held by a watch mode for its whole life, so a second one on the same workbook can say so.
/// Holds no file when the lock file could not be made: then nobody can tell, and saying
/// nothing is right.
pub struct WatchLock(#[allow(dead_code)] Option<std::fs::File>);

impl WatchLock {
    /// None when another process holds it.
    pub fn take(workbook: &Workbook) -> Option<WatchLock> {
        use std::os::fd::AsRawFd;
        let dir = workbook.root.join(STATE_DIR);
        let _ = std::fs::create_dir_all(&dir);
        let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("watch.lock"))
        else {
            return Some(WatchLock(None));
        };
        // SAFETY: flock on a descriptor this struct owns.
        let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        taken.then_some(WatchLock(Some(file)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn another_process_s_progress_survives_a_save() {
        let base = State {
            done: names(&["a", "reset_me"]),
            current: Some("a".into()),
            ..State::default()
        };
        let mut mine = base.clone();
        mine.done.insert("b".into());
        mine.done.remove("reset_me");
        mine.hints_shown.insert("b".into(), 1);
        let mut disk = base.clone();
        disk.done.insert("c".into());
        disk.hints_shown.insert("b".into(), 2);
        disk.hints_shown.insert("c".into(), 3);
        disk.current = Some("c".into());
        let merged = merge(&base, &mine, disk);
        assert_eq!(merged.done, names(&["a", "b", "c"]));
        assert_eq!(merged.hints_shown["b"], 2, "hints: the larger count");
        assert_eq!(merged.hints_shown["c"], 3);
        assert_eq!(
            merged.current.as_deref(),
            Some("c"),
            "mine did not change it"
        );
    }
}
