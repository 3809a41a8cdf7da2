//! What each key does in watch mode: hints, next, reset (with its confirmation), solution,
//! the exercise list (move, filter, search, jump, reset) and the views.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{hash_bytes, App, Confirm, Filter, ListView, View};
use crate::learner_files::back_up;
use crate::render;
use crate::workbook::{embedded, sections};

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) {
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
            // Only Enter (or q/Esc) leaves the introduction: a stray key must not skip it.
            (View::Intro(lesson), KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q')) => {
                let lesson = self.workbook.lessons[*lesson].dir.clone();
                self.progress.state.lessons_introduced.insert(lesson);
                self.save_progress();
                self.show_exercise();
                return;
            }
            (
                View::Help | View::Solution(_) | View::Summary(_) | View::Trace,
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q'),
            )
            | (View::Trace, KeyCode::Char('t')) => {
                self.show_exercise();
                return;
            }
            // Over an overlay the other keys only scroll it.
            (
                View::Intro(_) | View::Help | View::Solution(_) | View::Summary(_) | View::Trace,
                code,
            ) => {
                self.scroll_key(code);
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
                self.confirm = Some(Confirm::Reset {
                    index: self.current,
                    tests_only: false,
                });
            }
            KeyCode::Char('T') => {
                self.confirm = Some(Confirm::Reset {
                    index: self.current,
                    tests_only: true,
                });
            }
            KeyCode::Char('s') => self.solution(),
            KeyCode::Char('t') => self.show_trace(),
            KeyCode::Char('c') => self.check_all(),
            KeyCode::Char('i') => {
                self.view = View::Intro(self.exercise().lesson);
                self.scroll = 0;
            }
            KeyCode::Char('?') => {
                self.view = View::Help;
                self.scroll = 0;
            }
            KeyCode::Esc => self.show_exercise(),
            code => {
                if !self.scroll_key(code) {
                    self.status = "unknown key: press ? for help".into();
                }
            }
        }
    }

    /// The trace view: runs are traced while it is open; the current verdict is run again
    /// when it was not traced, so the view fills in a moment later.
    fn show_trace(&mut self) {
        self.view = View::Trace;
        self.scroll = 0;
        let traced = self
            .verdict
            .as_ref()
            .is_some_and(|v| v.tests.iter().any(|t| t.trace.is_some()));
        if !traced {
            self.status = "tracing: running the exercise again with its I/O traced…".into();
            self.rerun();
        }
    }

    /// Scrolls the body for the scrolling keys; false for any other key.
    fn scroll_key(&mut self, code: KeyCode) -> bool {
        let page = self.page.max(1);
        match code {
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll += page,
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
            // The screen clamps this to the last page.
            KeyCode::End | KeyCode::Char('G') => self.scroll = usize::MAX,
            _ => return false,
        }
        true
    }

    fn show_exercise(&mut self) {
        // Tracing ends with the trace view: an ordinary save must not pay for it.
        self.runner.set_tracing(false);
        self.view = View::Exercise;
        self.scroll = 0;
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
        let Some(solution) = std::fs::read(self.workbook.solution_path(&exercise))
            .ok()
            .or_else(|| embedded::file(&exercise.relative_solution()).map(<[u8]>::to_vec))
        else {
            self.status = format!("{} is missing", exercise.relative_solution().display());
            return;
        };
        let learner = std::fs::read(self.workbook.exercise_path(&exercise)).ok();
        let code = |bytes: &[u8]| String::from_utf8_lossy(sections::code_part(bytes)).into_owned();
        let text = render::solution::compare(
            &self.workbook.shown(exercise.relative_solution()),
            &code(&solution),
            learner.as_deref().map(code).as_deref(),
        );
        self.view = View::Solution(text);
        self.scroll = 0;
    }

    fn answer(&mut self, confirm: Confirm, yes: bool) {
        let Confirm::Reset { index, tests_only } = confirm;
        if !yes {
            self.status = "Nothing was changed.".into();
            return;
        }
        let exercise = self.workbook.exercises[index].clone();
        let shipped = match embedded::get(&exercise.relative_path()) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.status = e.to_string();
                return;
            }
        };
        let path = self.workbook.exercise_path(&exercise);
        let current = std::fs::read(&path);
        let restored: Vec<u8> = match (&current, tests_only) {
            (Ok(bytes), true) => match sections::with_shipped_tests(bytes, shipped) {
                Some(joined) => joined,
                None => {
                    self.status = format!(
                        "the shipped {}.py has no tests marker: press x to reset the whole file",
                        exercise.name
                    );
                    return;
                }
            },
            _ => shipped.to_vec(),
        };
        let shipped = restored.as_slice();
        let backup = match current {
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
        if let Err(e) = crate::atomic::write(&path, shipped) {
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
                self.workbook.shown(&b)
            ),
            None => format!("{} restored", exercise.name),
        };
    }

    fn list_key(&mut self, key: KeyEvent) {
        self.list_key_inner(key);
        // After a filter or a search the cursor stays on a row that is shown.
        let rows = self.list_rows();
        if let View::List(list) = &mut self.view {
            if !rows.contains(&list.selected) {
                if let Some(&first) = rows.first() {
                    list.selected = first;
                }
            }
        }
    }

    fn list_key_inner(&mut self, key: KeyEvent) {
        let rows = self.list_rows();
        let page = self.page.saturating_sub(2).max(1);
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
                    .get((position + page).min(rows.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(list.selected)
            }
            KeyCode::PageUp => {
                list.selected = rows
                    .get(position.saturating_sub(page))
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
                    self.confirm = Some(Confirm::Reset {
                        index: i,
                        tests_only: false,
                    });
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
}
