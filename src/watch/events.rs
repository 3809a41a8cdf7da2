//! File events: the watcher (OS events or polling), and the filter that turns notify's noisy
//! stream into "exercise X was saved". Access events are dropped (the runner's own reads
//! raise them), swap and backup files never count, and bursts are coalesced by the debouncer.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::Context;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, new_debouncer_opt, DebounceEventResult, NoCache};

use super::Event;
use crate::workbook::Workbook;

/// A save counts once the file has been quiet this long.
pub const QUIET: Duration = Duration::from_millis(30);
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// Keeps the watcher (OS events or polling) alive; dropping it stops watching.
pub struct Watcher {
    _debouncer: Box<dyn std::any::Any>,
}

/// Watch `exercises/` and send `Event::Saved(name)` for every exercise file that changed.
pub fn watch(workbook: &Workbook, poll: bool, tx: Sender<Event>) -> anyhow::Result<Watcher> {
    let root = workbook.root.join("exercises");
    let names: Vec<(PathBuf, String)> = workbook
        .exercises
        .iter()
        .map(|e| (canonical(&workbook.exercise_path(e)), e.name.clone()))
        .collect();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let mut saved: Vec<&String> = Vec::new();
            for event in &events {
                if !counts(&event.kind) {
                    continue;
                }
                for path in &event.paths {
                    if let Some((_, name)) = names.iter().find(|(p, _)| same_file(p, path)) {
                        if !saved.contains(&name) {
                            saved.push(name);
                        }
                    }
                }
            }
            for name in saved {
                let _ = tx.send(Event::Saved(name.clone()));
            }
        }
        Err(errors) => {
            let text = errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            let _ = tx.send(Event::WatchError(text));
        }
    };
    if poll {
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, _>(
            QUIET,
            Some(Duration::from_millis(10)),
            handler,
            NoCache,
            config,
        )
        .context("could not start the polling watcher")?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .with_context(|| format!("could not watch {}", root.display()))?;
        Ok(Watcher {
            _debouncer: Box::new(debouncer),
        })
    } else {
        let mut debouncer = new_debouncer(QUIET, Some(Duration::from_millis(10)), handler).context(
            "could not start the file watcher (inotify limit reached, or an unsupported file system?)",
        )?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .with_context(|| {
                format!(
                    "could not watch {} (inotify limit reached, or an unsupported file system?)",
                    root.display()
                )
            })?;
        Ok(Watcher {
            _debouncer: Box::new(debouncer),
        })
    }
}

/// Which event kinds can mean "the file has new content". Opens and reads (Access) cannot.
pub fn counts(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}

fn canonical(path: &Path) -> PathBuf {
    let parent = path.parent().and_then(|p| p.canonicalize().ok());
    match (parent, path.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Exact match on the exercise's own path: `reading1.py.swp`, `reading1.py~`, `.#reading1.py`
/// and vim's `4913` probe are other names and never match.
fn same_file(exercise: &Path, event_path: &Path) -> bool {
    exercise == event_path || *exercise == canonical(event_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};

    #[test]
    fn access_events_never_count() {
        assert!(!counts(&EventKind::Access(AccessKind::Any)));
        assert!(counts(&EventKind::Create(CreateKind::File)));
        assert!(counts(&EventKind::Modify(ModifyKind::Any)));
    }

    #[test]
    fn swap_and_backup_files_are_other_files() {
        let ex = Path::new("/w/exercises/01_x/reading1.py");
        for other in [
            "/w/exercises/01_x/.reading1.py.swp",
            "/w/exercises/01_x/reading1.py~",
            "/w/exercises/01_x/.#reading1.py",
            "/w/exercises/01_x/4913",
        ] {
            assert!(!same_file(ex, Path::new(other)), "{other}");
        }
        assert!(same_file(ex, ex));
    }
}
