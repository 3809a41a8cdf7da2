//! Running many exercises at once on a bounded pool of worker threads (≈ cores).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::process::Cancel;
use super::verdict::Verdict;
use super::{Prepared, Runner};
use crate::workbook::{Exercise, Workbook};

/// One run to make: `source` run as `exercise`.
#[derive(Clone)]
pub struct Job<'a> {
    pub exercise: &'a Exercise,
    pub source: PathBuf,
}

impl<'a> Job<'a> {
    /// Every exercise of the workbook, as the learner has it.
    pub fn all(workbook: &'a Workbook) -> Vec<Job<'a>> {
        workbook
            .exercises
            .iter()
            .map(|e| Job {
                exercise: e,
                source: workbook.exercise_path(e),
            })
            .collect()
    }
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Run every job, at most `workers` at a time; results come back in job order. `on_done`
/// is told (finished, total) after each. A job not run because of `cancel` (or Ctrl-C) is None.
/// Each worker prepares its next run (a warm one, see `Runner::prepare`) as soon as the
/// verdict of its current one is known, so that interpreter starts while the finished
/// sandbox is removed; still one run per interpreter.
pub fn run_all(
    runner: &Runner,
    workbook: &Workbook,
    jobs: &[Job<'_>],
    workers: usize,
    cancel: &Cancel,
    on_done: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Option<Verdict>> {
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Verdict>>> = Mutex::new(vec![None; jobs.len()]);
    let claim = || {
        let i = next.fetch_add(1, Ordering::SeqCst);
        (i < jobs.len() && !cancel.is_cancelled()).then_some(i)
    };
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| {
                let mut current = claim().map(|i| (i, None));
                while let Some((i, prepared)) = current.take() {
                    let job = &jobs[i];
                    let deliver = |verdict: Option<Verdict>| {
                        if let Ok(mut r) = results.lock() {
                            r[i] = verdict;
                        }
                        on_done(finished.fetch_add(1, Ordering::SeqCst) + 1, jobs.len());
                        current = claim().map(|j| (j, prepare(runner, workbook, &jobs[j])));
                    };
                    match prepared.filter(Prepared::is_waiting) {
                        Some(warm) => warm.go_then(workbook, &job.source, cancel, deliver),
                        None => {
                            runner.run_then(workbook, job.exercise, &job.source, cancel, deliver)
                        }
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// A warm run of `job`, where warm runs are on; None runs it from scratch.
fn prepare(runner: &Runner, workbook: &Workbook, job: &Job<'_>) -> Option<Prepared> {
    if !runner.warm_runs {
        return None;
    }
    runner.prepare(workbook, job.exercise).ok()
}
