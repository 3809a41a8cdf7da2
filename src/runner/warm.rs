//! A prepared run: the sandbox with its fixtures and an interpreter already started under
//! every guard, its harness imported, blocked reading its token. `go` copies the exercise in
//! and hands over the token; from there it is an ordinary run. Used once, then thrown away.

use std::path::Path;
use std::time::{Duration, Instant};

use super::process::{Cancel, Started};
use super::sandbox::Sandbox;
use super::verdict::Verdict;
use super::{judge, run_token};
use crate::workbook::{Exercise, Workbook};

/// One run of one exercise, ready to go. No code of the exercise has run yet: its file is
/// not even in the sandbox. Dropping it kills the interpreter's process group and removes
/// the sandbox.
pub struct Prepared {
    exercise: Exercise,
    // Declared before the sandbox: the interpreter is killed before its folder is removed.
    started: Started,
    sandbox: Sandbox,
    /// Started with the I/O tracer: a run prepared before the trace view was opened (or
    /// closed) is the wrong one for the next save.
    traced: bool,
    /// The wall-clock limit, counted from `go` (longer for a traced run).
    timeout_secs: u64,
}

impl Prepared {
    pub(super) fn new(
        exercise: Exercise,
        sandbox: Sandbox,
        started: Started,
        traced: bool,
        timeout_secs: u64,
    ) -> Self {
        Prepared {
            exercise,
            started,
            sandbox,
            traced,
            timeout_secs,
        }
    }

    /// Whether this run reports each test's file I/O.
    pub fn traced(&self) -> bool {
        self.traced
    }

    /// The name of the exercise this run is for.
    pub fn exercise(&self) -> &str {
        &self.exercise.name
    }

    /// The waiting interpreter's pid (for measuring what it costs while idle).
    pub fn pid(&self) -> Option<u32> {
        self.started.pid()
    }

    /// False when the interpreter died while waiting (killed from outside, out of memory):
    /// then a fresh run is the better bet than this one.
    pub fn is_waiting(&self) -> bool {
        !self.started.has_exited()
    }

    /// Run `source` now. The wall-clock limit counts from here. None when cancelled.
    pub fn go(self, workbook: &Workbook, source: &Path, cancel: &Cancel) -> Option<Verdict> {
        let mut result = None;
        self.go_then(workbook, source, cancel, |verdict| result = verdict);
        result
    }

    /// `go`, handing the verdict to `deliver` as soon as it is known: the sandbox is removed
    /// after that, so a big one never delays a verdict.
    pub fn go_then(
        self,
        workbook: &Workbook,
        source: &Path,
        cancel: &Cancel,
        deliver: impl FnOnce(Option<Verdict>),
    ) {
        let name = self.exercise.name.clone();
        let Prepared {
            exercise,
            started,
            sandbox,
            timeout_secs,
            ..
        } = self;
        let verdict = run(
            workbook,
            &exercise,
            started,
            &sandbox,
            timeout_secs,
            source,
            cancel,
        )
        .unwrap_or_else(|error| Some(Verdict::could_not_run(&name, format!("{error:#}"))));
        deliver(verdict);
        drop(sandbox);
    }
}

fn run(
    workbook: &Workbook,
    exercise: &Exercise,
    started: Started,
    sandbox: &Sandbox,
    timeout_secs: u64,
    source: &Path,
    cancel: &Cancel,
) -> anyhow::Result<Option<Verdict>> {
    let go = Instant::now();
    // The harness reads the exercise only once it has its token, so the copy comes first.
    sandbox.put_exercise(source, &exercise.file_name())?;
    let token = run_token();
    let timeout = Duration::from_secs(timeout_secs);
    let outcome = started.finish(token.as_bytes(), timeout, cancel, go)?;
    if outcome.cancelled {
        return Ok(None);
    }
    Ok(Some(judge(
        workbook,
        exercise,
        source,
        timeout_secs,
        sandbox,
        &token,
        outcome,
    )))
}
