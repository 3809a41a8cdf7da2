//! The watch loop: state, reactions to saves, keys and finished runs. One thread owns the
//! state; runs happen on worker threads and come back as events.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::screen::{self, Screen};
use super::Event;
use crate::commands::reset::back_up;
use crate::progress::Progress;
use crate::render;
use crate::runner::pool::{self, Job};
use crate::runner::process::{interrupted, Cancel};
use crate::runner::verdict::Verdict;
use crate::runner::Runner;
use crate::workbook::{embedded, Workbook};

/// What fills the screen between the header and the footer.
pub enum View {
    Welcome,
    Intro(usize),
    Exercise,
    List(ListView),
    Help,
    Solution(String),
    Summary(String),
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
    Reset(usize),
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
    pub status: String,
    pub scroll: usize,
    pub checking: Option<(usize, usize)>,
    quit: bool,
    quit_key: bool,
    trace: Option<std::fs::File>,
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
            checking: None,
            quit: false,
            quit_key: false,
            trace,
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
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(event) => self.handle(event),
                Err(RecvTimeoutError::Timeout) => {}
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
        }
        Ok(())
    }

    fn draw(&mut self, screen: &mut Screen) -> anyhow::Result<()> {
        let drawn = screen::draw(self, screen)?;
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
                self.status = format!("file watcher error: {text} (try `iolings watch --poll`)");
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
            self.status = format!("{name}.py was deleted or cannot be read. Press x to restore the shipped version (l, then x, for another exercise).");
            return;
        };
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
        self.trace_line("run started");
        let handle = self.spawn_run(index, generation, hash, &cancel);
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
    ) -> JoinHandle<()> {
        let exercise = self.workbook.exercises[index].clone();
        let (workbook, runner, tx) = (self.workbook.clone(), self.runner.clone(), self.tx.clone());
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let source = workbook.exercise_path(&exercise);
            let verdict = runner
                .run(&workbook, &exercise, &source, &cancel)
                .map(Box::new);
            let _ = tx.send(Event::RunDone {
                generation,
                name: exercise.name.clone(),
                hash,
                verdict,
                started,
            });
        })
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
                    self.exercise().relative_path().display()
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
            let _ = run.handle.join(); // it has just sent its result: this returns at once
        }
        let Some(verdict) = verdict else { return };
        let is_current = self.workbook.index_of(name) == Some(self.current);
        self.last_hash.insert(name.to_string(), hash);
        let passed = verdict.passed();
        let was_done = self.progress.is_done(name);
        self.progress.set_done(name, passed);
        self.save_progress();
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
        if passed && self.progress.first_pending(&self.workbook).is_none() {
            self.status = "That was the last one! Checking every exercise once more…".into();
            self.check_all();
        }
    }

    // ---- keys --------------------------------------------------------------------------

    fn key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            self.quit_key = true;
            return;
        }
        if let Some(confirm) = self.confirm.take() {
            self.answer(
                confirm,
                key.code == KeyCode::Char('y') || key.code == KeyCode::Char('Y'),
            );
            return;
        }
        if let View::List(_) = self.view {
            self.list_key(key);
            return;
        }
        match (&self.view, key.code) {
            (View::Welcome, KeyCode::Char('q')) => {
                self.quit = true;
                self.quit_key = true;
                return;
            }
            (View::Welcome, _) => {
                self.progress.state.welcomed = true;
                self.save_progress();
                self.enter_exercise(self.current);
                return;
            }
            (View::Intro(lesson), _)
                if !matches!(
                    key.code,
                    KeyCode::Up
                        | KeyCode::Down
                        | KeyCode::PageUp
                        | KeyCode::PageDown
                        | KeyCode::Char('j')
                        | KeyCode::Char('k')
                        | KeyCode::Char('q')
                ) =>
            {
                let lesson = self.workbook.lessons[*lesson].dir.clone();
                self.progress.state.lessons_introduced.insert(lesson);
                self.save_progress();
                self.show_exercise();
                return;
            }
            (
                View::Help | View::Solution(_) | View::Summary(_),
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char(' '),
            ) => {
                self.show_exercise();
                return;
            }
            _ => {}
        }
        match key.code {
            KeyCode::Char('q') => {
                self.quit = true;
                self.quit_key = true;
            }
            KeyCode::Char('h') => self.hint(),
            KeyCode::Char('n') => self.next(),
            KeyCode::Char('r') => self.rerun(),
            KeyCode::Char('l') => {
                self.scroll = 0;
                self.view = View::List(ListView {
                    selected: self.current,
                    filter: Filter::All,
                    search: String::new(),
                    searching: false,
                });
            }
            KeyCode::Char('x') => {
                self.confirm = Some(Confirm::Reset(self.current));
            }
            KeyCode::Char('s') => self.solution(),
            KeyCode::Char('c') => self.check_all(),
            KeyCode::Char('i') => {
                self.view = View::Intro(self.exercise().lesson);
                self.scroll = 0;
            }
            KeyCode::Char('?') => {
                self.view = View::Help;
                self.scroll = 0;
            }
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll += 10,
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::Esc => self.show_exercise(),
            _ => self.status = "unknown key: press ? for help".into(),
        }
    }

    fn show_exercise(&mut self) {
        self.view = View::Exercise;
        self.scroll = 0;
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

    fn hint(&mut self) {
        let exercise = self.exercise().clone();
        let shown = self.progress.hints_shown(&exercise.name);
        if shown >= exercise.hints.len() {
            self.status = "That was the last hint. The lesson introduction (i) and the docs links may help too.".into();
        } else {
            self.progress
                .state
                .hints_shown
                .insert(exercise.name.clone(), shown + 1);
            self.save_progress();
            self.status = format!(
                "hint {} of {} shown below the verdict",
                shown + 1,
                exercise.hints.len()
            );
        }
        self.view = View::Exercise;
        self.scroll = usize::MAX; // the hints are at the bottom: show them
    }

    fn next(&mut self) {
        let name = self.exercise().name.clone();
        if !self.progress.is_done(&name) {
            self.status = format!("{name} is not passing yet: fix it first (h shows a hint). To work on another exercise, press l.");
            return;
        }
        match self.progress.pending_after(&self.workbook, self.current) {
            Some(i) => self.enter_exercise(i),
            None => {
                self.status = "Every exercise is done. Checking them all once more…".into();
                self.check_all();
            }
        }
    }

    fn solution(&mut self) {
        let exercise = self.exercise().clone();
        if !self.progress.is_done(&exercise.name) {
            self.status =
                "The solution unlocks once this exercise passes. Press h for a hint.".into();
            return;
        }
        let text = std::fs::read(self.workbook.solution_path(&exercise))
            .ok()
            .or_else(|| embedded::file(&exercise.relative_solution()).map(<[u8]>::to_vec))
            .map(|b| render::escape::neutralise(&String::from_utf8_lossy(&b)))
            .unwrap_or_else(|| format!("{} is missing", exercise.relative_solution().display()));
        self.view = View::Solution(format!(
            "{}\n\n{text}",
            exercise.relative_solution().display()
        ));
        self.scroll = 0;
    }

    fn answer(&mut self, confirm: Confirm, yes: bool) {
        let Confirm::Reset(index) = confirm;
        if !yes {
            self.status = "Nothing was changed.".into();
            return;
        }
        let exercise = self.workbook.exercises[index].clone();
        let Some(shipped) = embedded::file(&exercise.relative_path()) else {
            self.status = format!(
                "{} is not built into this iolings: restore it from your course's source",
                exercise.relative_path().display()
            );
            return;
        };
        let path = self.workbook.exercise_path(&exercise);
        let backup = match std::fs::read(&path) {
            Ok(bytes) if bytes == shipped => {
                self.status = format!("{} is already as shipped.", exercise.name);
                return;
            }
            Ok(bytes) => match back_up(&self.workbook, &exercise, &bytes) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.status = format!("reset cancelled: {e:#}");
                    return;
                }
            },
            Err(_) => None,
        };
        if let Err(e) = crate::progress::write_atomically(&path, shipped) {
            self.status = format!("could not restore {}: {e}", path.display());
            return;
        }
        self.progress.set_done(&exercise.name, false);
        self.save_progress();
        // Rerun it (any run of the old content is cancelled and its result dropped).
        self.start_run(index, hash_bytes(shipped));
        if index == self.current {
            self.view = View::Exercise;
        }
        self.status = match backup {
            Some(b) => format!(
                "{} restored; your version is kept as {}",
                exercise.name,
                b.display()
            ),
            None => format!("{} restored", exercise.name),
        };
    }

    fn list_key(&mut self, key: KeyEvent) {
        let rows = self.list_rows();
        let View::List(list) = &mut self.view else {
            return;
        };
        if list.searching {
            match key.code {
                KeyCode::Enter | KeyCode::Esc => list.searching = false,
                KeyCode::Backspace => {
                    list.search.pop();
                }
                KeyCode::Char(c) => list.search.push(c),
                _ => {}
            }
            return;
        }
        let position = rows.iter().position(|&i| i == list.selected).unwrap_or(0);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                if let Some(&i) = rows.get(position + 1) {
                    list.selected = i;
                }
            }
            KeyCode::Up | KeyCode::Char('k') if position > 0 => list.selected = rows[position - 1],
            KeyCode::PageDown => {
                list.selected = rows
                    .get((position + 10).min(rows.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(list.selected)
            }
            KeyCode::PageUp => {
                list.selected = rows
                    .get(position.saturating_sub(10))
                    .copied()
                    .unwrap_or(list.selected)
            }
            KeyCode::Char('f') => {
                list.filter = match list.filter {
                    Filter::All => Filter::Pending,
                    Filter::Pending => Filter::Done,
                    Filter::Done => Filter::All,
                }
            }
            KeyCode::Char('/') => {
                list.searching = true;
                list.search.clear();
            }
            KeyCode::Enter => {
                let target = rows.get(position).copied();
                if let Some(i) = target {
                    self.enter_exercise(i);
                }
            }
            KeyCode::Char('x') => {
                if let Some(&i) = rows.get(position) {
                    self.confirm = Some(Confirm::Reset(i));
                }
            }
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('l') => self.show_exercise(),
            _ => {}
        }
    }

    /// Indices of the exercises the list shows, after filter and search.
    pub fn list_rows(&self) -> Vec<usize> {
        let View::List(list) = &self.view else {
            return Vec::new();
        };
        self.workbook
            .exercises
            .iter()
            .enumerate()
            .filter(|(_, e)| match list.filter {
                Filter::All => true,
                Filter::Pending => !self.progress.is_done(&e.name),
                Filter::Done => self.progress.is_done(&e.name),
            })
            .filter(|(_, e)| e.name.contains(list.search.as_str()))
            .map(|(i, _)| i)
            .collect()
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
            self.status = format!("could not save progress: {e:#}");
        }
    }

    /// Stop every run and wait for it: no child process and no sandbox outlives the watcher.
    pub fn shutdown(&mut self) {
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
        format!("Progress saved: {done}/{} exercises done. Run `iolings` again to continue where you left off.", self.workbook.exercises.len())
    }
}

pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}
