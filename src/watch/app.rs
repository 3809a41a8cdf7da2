//! The watch loop: state, reactions to saves and finished runs, check-all. One thread owns
//! the state; runs happen on worker threads and come back as events. Keys are in `keys`.

mod frame;
mod keys;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::screen::Screen;
use super::Event;

use crate::progress::Progress;
use crate::render;
use crate::runner::pool::{self, Job};
use crate::runner::process::{interrupted, Cancel};
use crate::runner::verdict::Verdict;
use crate::runner::{Prepared, Runner};
use crate::workbook::Workbook;

/// What fills the screen between the header and the footer.
pub enum View {
    Welcome,
    Intro(usize),
    Exercise,
    List(ListView),
    Help,
    Solution(String),
    Summary(String),
    /// The current verdict's I/O trace; while it is open, runs are traced.
    Trace,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Pending,
    Done,
}

pub struct ListView {
    pub selected: usize,
    pub filter: Filter,
    pub search: String,
    pub searching: bool,
}

/// A question waiting for y/N in the status line.
pub enum Confirm {
    /// Restore an exercise; with `tests_only`, only its tests section.
    Reset { index: usize, tests_only: bool },
}

struct Run {
    generation: u64,
    /// The content hash of the file this run is checking.
    hash: u64,
    cancel: Cancel,
    handle: JoinHandle<()>,
}

pub struct App {
    pub workbook: Arc<Workbook>,
    pub progress: Progress,
    runner: Arc<Runner>,
    tx: Sender<Event>,
    pub manual: bool,
    pub current: usize,
    pub view: View,
    pub confirm: Option<Confirm>,
    /// The last verdict of the current exercise; None while none has arrived.
    pub verdict: Option<Verdict>,
    /// The latest run of each exercise still in flight (the current one's included). A
    /// result whose generation is not the latest of its exercise is stale and dropped.
    runs: HashMap<String, Run>,
    /// Superseded runs and check-all: cancelled or running out, joined at shutdown.
    background: Vec<(Cancel, JoinHandle<()>)>,
    generation: u64,
    /// Content hash at the last run of each exercise: an unchanged save does not rerun.
    last_hash: HashMap<String, u64>,
    /// Exercises whose file was found missing at their last save event.
    missing: std::collections::HashSet<String>,
    pub status: String,
    pub scroll: usize,
    /// Rows of body the screen showed last: what PgUp/PgDn move by.
    pub page: usize,
    pub checking: Option<(usize, usize)>,
    quit: bool,
    quit_key: bool,
    trace: Option<std::fs::File>,
    /// The next run of the current exercise, prepared while the learner reads the verdict;
    /// the next save only copies the file in and says go. Replaced after every run.
    warm: Option<Prepared>,
    /// A finished run changed what is done: progress is saved after the next draw.
    progress_due: bool,
}

impl App {
    pub fn new(
        workbook: Arc<Workbook>,
        progress: Progress,
        runner: Arc<Runner>,
        tx: Sender<Event>,
        manual: bool,
    ) -> App {
        let current = workbook
            .index_of(&progress.current(&workbook).name)
            .unwrap_or(0);
        let trace = std::env::var_os("IOLINGS_TRACE").and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        let mut app = App {
            workbook,
            progress,
            runner,
            tx,
            manual,
            current,
            view: View::Exercise,
            confirm: None,
            verdict: None,
            runs: HashMap::new(),
            background: Vec::new(),
            generation: 0,
            last_hash: HashMap::new(),
            status: String::new(),
            scroll: 0,
            page: 10,
            missing: Default::default(),
            checking: None,
            quit: false,
            quit_key: false,
            trace,
            warm: None,
            progress_due: false,
        };
        if !app.progress.state.welcomed {
            app.view = View::Welcome;
        } else {
            app.enter_exercise(current);
        }
        app
    }

    pub fn run(&mut self, rx: &Receiver<Event>) -> anyhow::Result<()> {
        let mut screen = Screen::new();
        self.draw(&mut screen)?;
        while !self.quit {
            // The timeout only lets a signal (SIGTERM, SIGHUP) end the loop promptly; nothing
            // on screen changes without an event, so an idle tick draws nothing.
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(event) => self.handle(event),
                Err(RecvTimeoutError::Timeout) => {
                    if interrupted() {
                        self.quit = true;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
            // Coalesce whatever else is already queued before drawing once.
            while let Ok(event) = rx.try_recv() {
                self.handle(event);
            }
            if interrupted() {
                self.quit = true;
            }
            self.draw(&mut screen)?;
            // After the draw: the verdict is on screen before the state file is written and
            // before the next run is prepared.
            if std::mem::take(&mut self.progress_due) {
                self.save_progress();
                if self.progress.unsaved.is_some() {
                    self.draw(&mut screen)?; // the status line says why
                }
            }
            self.refill_warm();
        }
        Ok(())
    }

    fn draw(&mut self, screen: &mut Screen) -> anyhow::Result<()> {
        let (width, height) = Screen::size();
        let drawn = screen.paint(frame::frame(self, width, height))?;
        if drawn {
            self.trace_line("drawn");
        }
        Ok(())
    }

    fn trace_line(&mut self, what: &str) {
        if let Some(file) = &mut self.trace {
            use std::io::Write;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_micros());
            let _ = writeln!(file, "{now} {what}");
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Saved(name) => self.saved(&name),
            Event::Key(key) => self.key(key),
            Event::Resize => {}
            Event::RunDone {
                generation,
                name,
                hash,
                verdict,
                started,
            } => self.run_done(generation, &name, hash, verdict, started),
            Event::CheckProgress(done, total) => self.checking = Some((done, total)),
            Event::CheckDone(verdicts) => self.check_done(verdicts),
            Event::WatchError(text) => {
                self.status = format!(
                    "file watcher error: {text} (try `{} watch --poll`)",
                    crate::invocation::command()
                );
            }
        }
    }

    pub fn exercise(&self) -> &crate::workbook::Exercise {
        &self.workbook.exercises[self.current]
    }

    pub fn is_running(&self) -> bool {
        self.runs.contains_key(&self.exercise().name)
    }

    // ---- saves and runs ----------------------------------------------------------------

    fn saved(&mut self, name: &str) {
        let Some(index) = self.workbook.index_of(name) else {
            return;
        };
        self.trace_line(&format!("saved {name}"));
        let path = self.workbook.exercise_path(&self.workbook.exercises[index]);
        let Ok(bytes) = std::fs::read(&path) else {
            self.missing.insert(name.to_string());
            self.status = format!("{name}.py was deleted or cannot be read. Press x to restore the shipped version (l, then x, for another exercise).");
            return;
        };
        if self.missing.remove(name) {
            // Back again: the old message is false now, and the file is worth a fresh run
            // even if its bytes are the ones last checked.
            self.status.clear();
            self.last_hash.remove(name);
        }
        let hash = hash_bytes(&bytes);
        let in_flight = self.runs.get(name).map(|r| r.hash);
        if self.last_hash.get(name) == Some(&hash) || in_flight == Some(hash) {
            return; // same content as the last (or the running) check
        }
        if index != self.current {
            // Another exercise: it runs in the background and the status line says how it did.
            self.status = format!("{name} saved: running it in the background…");
        } else {
            self.status.clear();
        }
        self.start_run(index, hash);
    }

    /// Run exercise `index`, cancelling a run of it already in flight (a newer save wins).
    fn start_run(&mut self, index: usize, hash: u64) {
        let name = self.workbook.exercises[index].name.clone();
        if let Some(old) = self.runs.remove(&name) {
            old.cancel.cancel();
            self.background.push((old.cancel, old.handle));
        }
        self.generation += 1;
        let generation = self.generation;
        let cancel = Cancel::default();
        // Runs are traced while the trace view is open, and only then.
        self.runner.set_tracing(matches!(self.view, View::Trace));
        let warm = self.take_warm(&name);
        self.trace_line(if warm.is_some() {
            "run started (warm)"
        } else {
            "run started"
        });
        let handle = self.spawn_run(index, generation, hash, &cancel, warm);
        let run = Run {
            generation,
            hash,
            cancel,
            handle,
        };
        self.runs.insert(name, run);
    }

    /// Run exercise `index` on a worker thread; the verdict comes back as `Event::RunDone`.
    fn spawn_run(
        &self,
        index: usize,
        generation: u64,
        hash: u64,
        cancel: &Cancel,
        warm: Option<Prepared>,
    ) -> JoinHandle<()> {
        let exercise = self.workbook.exercises[index].clone();
        let (workbook, runner, tx) = (self.workbook.clone(), self.runner.clone(), self.tx.clone());
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let source = workbook.exercise_path(&exercise);
            let deliver = |verdict: Option<Verdict>| {
                let _ = tx.send(Event::RunDone {
                    generation,
                    name: exercise.name.clone(),
                    hash,
                    verdict: verdict.map(Box::new),
                    started,
                });
            };
            match warm {
                Some(prepared) => prepared.go_then(&workbook, &source, &cancel, deliver),
                None => runner.run_then(&workbook, &exercise, &source, &cancel, deliver),
            }
        })
    }

    /// The warm run, if it is one of `name` and still waiting.
    fn take_warm(&mut self, name: &str) -> Option<Prepared> {
        if self.warm.as_ref()?.exercise() != name {
            return None; // another exercise's save: the current one's warm run stays
        }
        let traced = self.runner.tracing();
        self.warm
            .take()
            .filter(|w| w.is_waiting() && w.traced() == traced)
    }

    /// Keep one warm run of the current exercise, and none of any other: made when no run of
    /// it is in flight (a run in flight has the cores; its end brings a new warm one).
    fn refill_warm(&mut self) {
        let name = self.exercise().name.clone();
        // The next run is traced if the trace view is open now.
        let traced = matches!(self.view, View::Trace);
        if self
            .warm
            .as_ref()
            .is_some_and(|w| w.exercise() != name || !w.is_waiting() || w.traced() != traced)
        {
            self.warm = None; // dropping it kills the interpreter and removes its sandbox
            self.trace_line("warm dropped");
        }
        if !self.runner.warm_runs
            || self.warm.is_some()
            || self.runs.contains_key(&name)
            || self.quit
        {
            return;
        }
        self.runner.set_tracing(traced);
        match self.runner.prepare(&self.workbook, self.exercise()) {
            Ok(prepared) => {
                let pid = prepared.pid().unwrap_or(0);
                self.warm = Some(prepared);
                self.trace_line(&format!("warm ready {name} pid {pid}"));
            }
            // The save then runs cold, and that run reports whatever is wrong.
            Err(e) => self.trace_line(&format!("warm failed: {e:#}")),
        }
    }

    fn rerun(&mut self) {
        let path = self.workbook.exercise_path(self.exercise());
        match std::fs::read(&path) {
            Ok(bytes) => {
                self.status.clear();
                self.start_run(self.current, hash_bytes(&bytes));
            }
            Err(_) => {
                self.status = format!(
                    "{} is missing: press x to restore the shipped version",
                    self.workbook.shown(self.exercise().relative_path())
                )
            }
        }
    }

    fn run_done(
        &mut self,
        generation: u64,
        name: &str,
        hash: u64,
        verdict: Option<Box<Verdict>>,
        started: Instant,
    ) {
        // Whole run, and the interpreter's share of it (spawn to exit).
        let python_us = verdict.as_ref().map_or(0, |v| v.duration_ms * 1000);
        self.trace_line(&format!(
            "run finished {name} {} us, python {python_us} us",
            started.elapsed().as_micros()
        ));
        self.background.retain(|(_, h)| !h.is_finished());
        if self.runs.get(name).map(|r| r.generation) != Some(generation) {
            return; // superseded by a newer save (or a reset) of the same exercise
        }
        if let Some(run) = self.runs.remove(name) {
            // It is removing its sandbox now: joined later, never waited for here.
            self.background.push((run.cancel, run.handle));
        }
        let Some(verdict) = verdict else { return };
        let is_current = self.workbook.index_of(name) == Some(self.current);
        self.last_hash.insert(name.to_string(), hash);
        let passed = verdict.passed();
        let was_done = self.progress.is_done(name);
        self.progress.set_done(name, passed);
        // Saved only when it changed, and right after the verdict is drawn (see `run`): a
        // save costs a lock and an fsync, milliseconds the verdict need not wait for.
        self.progress_due |= was_done != passed;
        if !is_current {
            let s = render::symbols();
            self.status = if passed {
                format!(
                    "{} {name} passes now{}",
                    s.pass,
                    if was_done { "" } else { " and is marked done" }
                )
            } else {
                format!(
                    "{} {name}: {} (press l and jump to it to see why)",
                    s.fail,
                    verdict.outcome.label()
                )
            };
            return;
        }
        self.verdict = Some(*verdict);
        self.scroll = 0;
        let exercise = &self.workbook.exercises[self.current];
        if let Some(notice) = crate::learner_files::tests_notice(&self.workbook, exercise, None) {
            self.status = notice;
        }
        if passed && self.progress.first_pending(&self.workbook).is_none() {
            self.status = "That was the last one! Checking every exercise once more…".into();
            self.check_all();
        }
    }

    /// Make `index` current: its lesson's introduction first if the learner has not seen it.
    fn enter_exercise(&mut self, index: usize) {
        let changed = index != self.current || self.verdict.is_none();
        self.current = index;
        self.progress.state.current = Some(self.exercise().name.clone());
        self.save_progress();
        let lesson = self.exercise().lesson;
        self.view = if self
            .progress
            .state
            .lessons_introduced
            .contains(&self.workbook.lessons[lesson].dir)
        {
            View::Exercise
        } else {
            View::Intro(lesson)
        };
        self.scroll = 0;
        if changed {
            self.verdict = None;
            self.rerun();
        }
    }

    // ---- check all ---------------------------------------------------------------------

    fn check_all(&mut self) {
        if self.checking.is_some() {
            self.status = "already checking every exercise…".into();
            return;
        }
        self.checking = Some((0, self.workbook.exercises.len()));
        let (workbook, runner, tx) = (self.workbook.clone(), self.runner.clone(), self.tx.clone());
        let cancel = Cancel::default();
        let thread_cancel = cancel.clone();
        let handle = std::thread::spawn(move || {
            let jobs = Job::all(&workbook);
            let progress_tx = std::sync::Mutex::new(tx.clone());
            let report = |done: usize, total: usize| {
                if let Ok(tx) = progress_tx.lock() {
                    let _ = tx.send(Event::CheckProgress(done, total));
                }
            };
            let results = pool::run_all(
                &runner,
                &workbook,
                &jobs,
                pool::default_jobs(),
                &thread_cancel,
                &report,
            );
            let _ = tx.send(Event::CheckDone(results.into_iter().flatten().collect()));
        });
        self.background.push((cancel, handle));
    }

    fn check_done(&mut self, verdicts: Vec<Verdict>) {
        self.checking = None;
        let s = render::symbols();
        let mut text = String::new();
        for v in &verdicts {
            self.progress.set_done(&v.exercise, v.passed());
            let mark = if v.passed() { s.pass } else { s.fail };
            text.push_str(&format!(
                "{mark} {:<16} {}\n",
                v.exercise,
                v.outcome.label()
            ));
        }
        self.save_progress();
        let passed = verdicts.iter().filter(|v| v.passed()).count();
        let all = passed == self.workbook.exercises.len();
        let head = format!(
            "{passed}/{} exercises pass.\n\n",
            self.workbook.exercises.len()
        );
        let tail = if all {
            format!("\n{}\n", self.workbook.final_message.trim())
        } else {
            "\nPress l to jump to one that does not pass yet.\n".into()
        };
        self.view = View::Summary(format!("{head}{text}{tail}"));
        self.scroll = 0;
        self.status.clear();
    }

    // ---- leaving -----------------------------------------------------------------------

    fn save_progress(&mut self) {
        if let Err(e) = self.progress.save() {
            self.status = format!("{e:#}");
        }
    }

    /// Stop every run and wait for it: no child process and no sandbox outlives the watcher.
    pub fn shutdown(&mut self) {
        self.warm = None;
        if std::mem::take(&mut self.progress_due) {
            self.save_progress();
        }
        for (_, run) in self.runs.drain() {
            run.cancel.cancel();
            self.background.push((run.cancel, run.handle));
        }
        for (cancel, _) in &self.background {
            cancel.cancel();
        }
        for (_, handle) in self.background.drain(..) {
            let _ = handle.join();
        }
    }

    /// True when the learner quit with q or Ctrl-C (rather than a signal ending the loop).
    pub fn quit_by_key(&self) -> bool {
        self.quit_key
    }

    pub fn farewell(&self) -> String {
        let done = self
            .workbook
            .exercises
            .iter()
            .filter(|e| self.progress.is_done(&e.name))
            .count();
        let total = self.workbook.exercises.len();
        match &self.progress.unsaved {
            // Never claim a save that did not happen.
            Some(why) => format!("Progress was NOT saved: {why}. The {done}/{total} exercises shown as done are not recorded; make the folder writable and run them again."),
            None => format!("Progress saved: {done}/{total} exercises done. Run `{}` again to continue where you left off.", crate::invocation::command().trim_end_matches(" --")),
        }
    }
}

pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}
