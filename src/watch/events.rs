//! File events: the watcher (OS events or polling), and the filter that turns notify's noisy
//! stream into "exercise X was saved". An editor's save ends with the file closed after
//! writing (inotify's IN_CLOSE_WRITE) or renamed onto the exercise's name: that is a save at
//! once. Other changes (where close events do not exist: polling, other platforms) count
//! once the file has been quiet for a moment. Opens and reads never count (the runner's own
//! reads raise them), and swap and backup files are other files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher as _};

use super::Event;
use crate::workbook::Workbook;

/// Without a close or rename, a change counts once the file has been quiet this long.
pub const QUIET: Duration = Duration::from_millis(30);
const POLL_INTERVAL: Duration = Duration::from_millis(300);
/// `IOLINGS_CLOSE_EVENTS=off`: wait for the quiet period after every change, closes and
/// renames included (how saves were seen before; the benchmark compares the two).
pub const CLOSE_EVENTS_ENV: &str = "IOLINGS_CLOSE_EVENTS";

/// Keeps the watcher (OS events or polling) alive; dropping it stops watching, and the
/// coalescing thread ends with it.
pub struct Watcher {
    _watcher: Box<dyn notify::Watcher + Send>,
}

type Raw = notify::Result<notify::Event>;

/// Watch `exercises/` and send `Event::Saved(name)` for every exercise file that changed.
pub fn watch(workbook: &Workbook, poll: bool, tx: Sender<Event>) -> anyhow::Result<Watcher> {
    let root = workbook.root.join("exercises");
    let names: Vec<(PathBuf, String)> = workbook
        .exercises
        .iter()
        .map(|e| (canonical(&workbook.exercise_path(e)), e.name.clone()))
        .collect();
    let (raw_tx, raw_rx) = mpsc::channel::<Raw>();
    let mut watcher: Box<dyn notify::Watcher + Send> = if poll {
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        Box::new(
            notify::PollWatcher::new(raw_tx, config)
                .context("could not start the polling watcher")?,
        )
    } else {
        Box::new(
            notify::RecommendedWatcher::new(raw_tx, notify::Config::default()).context(
                "could not start the file watcher (inotify limit reached, or an unsupported file system?)",
            )?,
        )
    };
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| {
            format!(
                "could not watch {} (inotify limit reached, or an unsupported file system?)",
                root.display()
            )
        })?;
    let at_close = std::env::var(CLOSE_EVENTS_ENV).map_or(true, |v| v != "off");
    std::thread::Builder::new()
        .name("iolings-events".into())
        .spawn(move || coalesce(&raw_rx, &names, &tx, at_close))
        .context("could not start the file event thread")?;
    Ok(Watcher { _watcher: watcher })
}

/// What an event means for the file it names.
#[derive(Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The writer is done: closed after writing, or a new file renamed onto this name.
    Now,
    /// Something changed; count it once the file has been quiet for `QUIET`.
    AfterQuiet,
    /// Cannot mean new content (an open, a read).
    Never,
}

pub fn trigger(kind: &EventKind) -> Trigger {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Trigger::Now,
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Trigger::Now,
        // The same rename again, reported as one event with both names: the `From` and `To`
        // events have said it already.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => Trigger::Never,
        kind if counts(kind) => Trigger::AfterQuiet,
        _ => Trigger::Never,
    }
}

/// Turn raw events into saves: at once on a close or rename, else after the quiet period.
/// A burst (an editor writing twice, a `git checkout` of many files) gives one save per
/// finished write; the loop reruns a file whose content changed again, and a newer run of
/// an exercise cancels the one in flight, so the last verdict is always of the last save.
fn coalesce(raw: &Receiver<Raw>, names: &[(PathBuf, String)], tx: &Sender<Event>, at_close: bool) {
    // Exercise → when its latest change without a close was seen.
    let mut quiet: HashMap<String, Instant> = HashMap::new();
    loop {
        let next_due = quiet.values().min().map(|t| *t + QUIET);
        let received = match next_due {
            Some(due) => raw.recv_timeout(due.saturating_duration_since(Instant::now())),
            None => raw.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(Ok(event)) => {
                let how = match trigger(&event.kind) {
                    Trigger::Now if !at_close => Trigger::AfterQuiet,
                    how => how,
                };
                if how == Trigger::Never {
                    continue;
                }
                for name in exercises_named(names, &event.paths) {
                    if how == Trigger::Now {
                        quiet.remove(&name);
                        if tx.send(Event::Saved(name)).is_err() {
                            return;
                        }
                    } else {
                        quiet.insert(name, Instant::now());
                    }
                }
            }
            Ok(Err(error)) => {
                let _ = tx.send(Event::WatchError(error.to_string()));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let now = Instant::now();
        let due: Vec<String> = quiet
            .iter()
            .filter(|(_, at)| **at + QUIET <= now)
            .map(|(name, _)| name.clone())
            .collect();
        for name in due {
            quiet.remove(&name);
            if tx.send(Event::Saved(name)).is_err() {
                return;
            }
        }
    }
}

fn exercises_named(names: &[(PathBuf, String)], paths: &[PathBuf]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for path in paths {
        if let Some((_, name)) = names.iter().find(|(p, _)| same_file(p, path)) {
            if !found.contains(name) {
                found.push(name.clone());
            }
        }
    }
    found
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
    fn a_close_after_writing_or_a_rename_onto_the_file_is_a_save_at_once() {
        use notify::event::DataChange;
        let close_write = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let close_read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        let renamed_to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let renamed_from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert_eq!(trigger(&close_write), Trigger::Now);
        assert_eq!(trigger(&renamed_to), Trigger::Now);
        assert_eq!(trigger(&renamed_from), Trigger::AfterQuiet);
        assert_eq!(trigger(&written), Trigger::AfterQuiet);
        assert_eq!(trigger(&close_read), Trigger::Never);
        assert_eq!(trigger(&EventKind::Access(AccessKind::Any)), Trigger::Never);
    }

    fn event(kind: EventKind, path: &str) -> Raw {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    /// Feed `events` (each after a pause) to the coalescer; the saves it reports, with when.
    fn saves(events: Vec<(Duration, Raw)>) -> Vec<(String, Duration)> {
        let names = vec![
            (PathBuf::from("/w/a.py"), "a".to_string()),
            (PathBuf::from("/w/b.py"), "b".to_string()),
        ];
        let (raw_tx, raw_rx) = mpsc::channel();
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        let feeder = std::thread::spawn(move || {
            for (pause, raw) in events {
                std::thread::sleep(pause);
                raw_tx.send(raw).unwrap();
            }
            std::thread::sleep(QUIET * 3);
        });
        coalesce(&raw_rx, &names, &tx, true);
        feeder.join().unwrap();
        drop(tx);
        rx.iter()
            .filter_map(|e| match e {
                Event::Saved(name) => Some((name, start.elapsed())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_close_reports_at_once_and_a_bare_write_after_the_quiet_period() {
        use notify::event::DataChange;
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let close_write = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let got = saves(vec![
            (Duration::ZERO, event(written, "/w/a.py")),
            (Duration::ZERO, event(close_write, "/w/a.py")),
            (Duration::ZERO, event(written, "/w/b.py")),
            (Duration::ZERO, event(written, "/w/other.txt")),
        ]);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        // a once (its close cleared the pending write), b once, after the quiet period.
        assert_eq!(names, ["a", "b"], "{got:?}");
        assert!(got[1].1 >= QUIET, "{got:?}");
    }

    #[test]
    fn each_finished_write_of_a_burst_is_a_save() {
        let close_write = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let got = saves(vec![
            (Duration::ZERO, event(close_write, "/w/a.py")),
            (Duration::from_millis(5), event(close_write, "/w/a.py")),
        ]);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "a"], "{got:?}");
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
