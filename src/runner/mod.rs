//! The runner: runs one exercise file in a sandbox under the harness and returns a Verdict.
//! It knows nothing of terminals; rendering reads the verdict it returns.

pub mod confine;
pub mod harness;
pub mod pool;
pub mod process;
pub mod protocol;
pub mod python;
pub mod sandbox;
pub mod trace;
pub mod verdict;
pub mod warm;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;

use crate::workbook::{Exercise, Workbook};
use confine::{Limits, WriteConfinement};
use process::{Cancel, ChildOutcome, Spawn};
use protocol::Report;
use python::Python;
use sandbox::Sandbox;
use verdict::{Crash, Outcome, TestStatus, Verdict};
pub use warm::Prepared;

/// Which protections runs get on this machine.
#[derive(Debug, Clone, Copy)]
pub struct Protections {
    pub landlock_abi: Option<i64>,
    pub subreaper: bool,
    /// Resource limits (CPU, file size, memory, core dumps).
    pub rlimits: bool,
}

/// `IOLINGS_PROTECTIONS=off` turns off Landlock, the rlimits and the subreaper so the
/// benchmark can measure what they cost. The sandbox directory, the process group and the
/// timeout stay: they are what makes a run a run.
pub const PROTECTIONS_ENV: &str = "IOLINGS_PROTECTIONS";

/// `IOLINGS_WARM=off`: no run is prepared ahead of a save (every run starts its interpreter
/// when it is needed, as before warm runs), so the benchmark can compare the two.
pub const WARM_ENV: &str = "IOLINGS_WARM";

impl Protections {
    pub fn detect() -> Self {
        if std::env::var(PROTECTIONS_ENV).is_ok_and(|v| v == "off") {
            return Protections {
                landlock_abi: None,
                subreaper: false,
                rlimits: false,
            };
        }
        Protections {
            landlock_abi: confine::landlock_abi(),
            subreaper: confine::become_subreaper(),
            rlimits: true,
        }
    }
}

/// Runs exercises with one resolved interpreter.
pub struct Runner {
    pub python: Python,
    pub protections: Protections,
    /// The precompiled harness folder, when one could be made.
    harness_cache: Option<std::path::PathBuf>,
    /// Whether callers may keep runs prepared ahead of time (`prepare`); off with
    /// `IOLINGS_WARM=off` or `watch --no-warm`.
    pub warm_runs: bool,
    /// Stop each run at its first failing test (for measuring tests, where only "killed or
    /// not" matters); learners and graders always get every test.
    pub fail_fast: bool,
    /// Report each test's file I/O (`run --trace`, watch mode's trace view); off for
    /// ordinary runs, which then never load the tracer. Atomic: watch mode shares the runner
    /// with its worker threads and turns tracing on and off while they run.
    trace: AtomicBool,
}

impl Runner {
    /// `cache_root`: a folder for the precompiled harness (runs work without one, slower).
    pub fn new(python: Python, cache_root: Option<&Path>) -> Self {
        let harness_cache = cache_root.and_then(|root| harness::prepare_cache(&python, root).ok());
        Runner {
            python,
            protections: Protections::detect(),
            harness_cache,
            warm_runs: std::env::var(WARM_ENV).map_or(true, |v| v != "off"),
            fail_fast: false,
            trace: AtomicBool::new(trace_by_env()),
        }
    }

    pub fn tracing(&self) -> bool {
        self.trace.load(Ordering::Relaxed)
    }

    /// The exercise's time limit, stretched for a traced run: the tracer sees every call, which
    /// can make call-heavy tests several times slower, and tracing must not change a verdict.
    fn timeout_secs(&self, exercise: &Exercise) -> u64 {
        if self.tracing() {
            exercise.timeout_secs.saturating_mul(TRACE_TIME_FACTOR)
        } else {
            exercise.timeout_secs
        }
    }

    /// Trace the runs that start from now on (or stop tracing them).
    pub fn set_tracing(&self, on: bool) {
        self.trace.store(on, Ordering::Relaxed);
    }

    /// The protections this machine allows, for a run in `sandbox`.
    fn guards(&self, sandbox: &Sandbox, timeout_secs: u64) -> anyhow::Result<process::Guards> {
        let confinement = match self.protections.landlock_abi {
            Some(_) => WriteConfinement::new(&[&sandbox.work, &sandbox.tmp])
                .context("could not set up the Landlock write confinement")?,
            None => None,
        };
        Ok(process::Guards {
            limits: self
                .protections
                .rlimits
                .then(|| Limits::for_timeout(timeout_secs)),
            confinement,
            hunt_escapees: self.protections.subreaper,
        })
    }

    /// Run `source` (the learner's file, a solution, or any variant) as `exercise`.
    /// Returns None when cancelled (a newer save, or Ctrl-C).
    pub fn run(
        &self,
        workbook: &Workbook,
        exercise: &Exercise,
        source: &Path,
        cancel: &Cancel,
    ) -> Option<Verdict> {
        let mut result = None;
        self.run_then(workbook, exercise, source, cancel, |verdict| {
            result = verdict
        });
        result
    }

    /// `run`, handing the verdict to `deliver` before the sandbox is removed.
    pub fn run_then(
        &self,
        workbook: &Workbook,
        exercise: &Exercise,
        source: &Path,
        cancel: &Cancel,
        deliver: impl FnOnce(Option<Verdict>),
    ) {
        // The same steps as a warm run, taken back to back.
        match self.start(workbook, exercise, Spawn::Here) {
            Ok(prepared) => prepared.go_then(workbook, source, cancel, deliver),
            Err(error) => deliver(Some(Verdict::could_not_run(
                &exercise.name,
                format!("{error:#}"),
            ))),
        }
    }

    /// Make the next run of `exercise` ready before its file is saved: the sandbox with its
    /// fixtures, and the interpreter started under every guard, harness imported, waiting for
    /// its token. `Prepared::go` runs it; dropping it kills the interpreter.
    pub fn prepare(&self, workbook: &Workbook, exercise: &Exercise) -> anyhow::Result<Prepared> {
        self.start(workbook, exercise, Spawn::Detached)
    }

    fn start(
        &self,
        workbook: &Workbook,
        exercise: &Exercise,
        spawn: Spawn,
    ) -> anyhow::Result<Prepared> {
        let fixtures = workbook.fixtures(exercise);
        let sandbox = Sandbox::with_fixtures(&fixtures, self.harness_cache.as_deref())?;
        let mut command = Command::new(&self.python.executable);
        // -B: no bytecode files. -S: no site module: exercises use the standard library only,
        // and site-packages' .pth hooks cost tens of milliseconds per start on some machines;
        // an exercise that needs third-party packages says `site_packages = true`.
        command.arg("-B");
        if !exercise.site_packages {
            command.arg("-S");
        }
        command
            .args(&exercise.python_args)
            .arg(sandbox.harness())
            .arg(exercise.file_name())
            .current_dir(&sandbox.work)
            .env_clear()
            .envs(sandbox.environment(&exercise.env))
            .env("IOLINGS_REPORT_FD", process::REPORT_FD.to_string())
            .env("IOLINGS_TOKEN_FD", process::TOKEN_FD.to_string());
        if self.fail_fast {
            command.env("IOLINGS_FAIL_FAST", "1");
        }
        if let Some(tests) = sandbox.put_tests_ahead(&workbook.exercise_path(exercise)) {
            command.env("IOLINGS_TESTS_AHEAD", tests);
        }
        let traced = self.tracing();
        if traced {
            command.env(TRACE_ENV, "1");
        }
        let timeout_secs = self.timeout_secs(exercise);
        let guards = self.guards(&sandbox, timeout_secs)?;
        let started = process::start(command, guards, spawn)?;
        Ok(Prepared::new(
            exercise.clone(),
            sandbox,
            started,
            traced,
            timeout_secs,
        ))
    }
}

/// `IOLINGS_TRACE_IO=1` traces every run (so `dev check` can show that tracing never changes a
/// verdict); `run --trace` and watch mode's trace key turn it on for themselves.
pub const TRACE_ENV: &str = "IOLINGS_TRACE_IO";
/// How much longer a traced run may take (wall clock and CPU) than the exercise's limit.
const TRACE_TIME_FACTOR: u64 = 5;

fn trace_by_env() -> bool {
    std::env::var(TRACE_ENV).is_ok_and(|v| v == "1")
}

/// Judge a finished child: parse its report with `token`, and read where a timed-out run
/// was stuck from the copy of the exercise in `sandbox`. The run's folders are named as the
/// learner sees them.
fn judge(
    workbook: &Workbook,
    exercise: &Exercise,
    source: &Path,
    timeout_secs: u64,
    sandbox: &Sandbox,
    token: &str,
    outcome: ChildOutcome,
) -> Verdict {
    let mut report = Report::parse(&outcome.report, token, outcome.pid);
    if report.tests.iter().any(|t| t.status == TestStatus::Skipped) {
        report.judge_skips(workbook.has_shipped_tests(exercise, source));
    }
    let stuck_at = if outcome.timed_out {
        // The copy that ran, not the learner's file (which may have changed since).
        let file = sandbox.work.join(exercise.file_name());
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        protocol::stack_dump(&outcome.report, &file.to_string_lossy(), &text)
    } else {
        Vec::new()
    };
    let mut verdict = classify(&exercise.name, timeout_secs, outcome, report);
    if let Outcome::TimedOut { stuck_at: at, .. } = &mut verdict.outcome {
        *at = stuck_at;
    }
    verdict.with_replaced(&sandbox.names())
}

fn run_token() -> String {
    let a = RandomState::new().build_hasher().finish();
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    format!("{a:016x}{:016x}", h.finish())
}

/// Decide the one outcome. Only a `done` record with this run's token can make a pass.
fn classify(name: &str, limit_secs: u64, child: ChildOutcome, report: Report) -> Verdict {
    let signal = child.signal();
    let outcome = if child.timed_out || signal == Some(libc::SIGXCPU) {
        Outcome::TimedOut {
            limit_secs,
            cpu_limit: !child.timed_out,
            during: report.running.clone(),
            stuck_at: Vec::new(),
        }
    } else if let Some(error) = report.compile_error {
        Outcome::CompileError(error)
    } else if let Some((code, during, traceback)) = report.exit {
        // Checked before `done`: a run that called sys.exit never passes, whatever follows.
        Outcome::ExitedEarly {
            code: Some(code),
            during: Some(during),
            system_exit: true,
            traceback,
        }
    } else if let (Some(total), None) = (report.done, signal) {
        // Only the test records count: a `done` claims nothing by itself.
        let passed = report.tests.iter().filter(|t| t.status.is_ok()).count();
        if total > 0 && passed == total && report.tests.len() == total && child.code() == Some(0) {
            Outcome::Passed
        } else {
            Outcome::TestsFailed {
                failed: total.max(report.tests.len()) - passed,
                total: total.max(report.tests.len()),
            }
        }
    } else if let Some(exception) = report.crash {
        Outcome::Crashed(Crash {
            exception: Some(exception),
            signal: None,
            exit_code: child.code(),
            during: None,
        })
    } else if let Some(signal) = signal {
        Outcome::Crashed(Crash {
            exception: None,
            signal: Some(signal_name(signal)),
            exit_code: None,
            during: report.running.clone(),
        })
    } else if !report.started {
        Outcome::CouldNotRun {
            reason: format!(
                "Python exited (code {}) before the test harness started; its error output is below. Check the exercise's python_args and env in info.toml.",
                child.code().unwrap_or(-1)
            ),
        }
    } else {
        Outcome::ExitedEarly {
            code: child.code(),
            during: report.running.clone().or(Some("import".into())),
            system_exit: false,
            traceback: Vec::new(),
        }
    };
    Verdict {
        exercise: name.to_string(),
        outcome,
        tests: report.tests,
        stdout: child.stdout,
        stderr: child.stderr,
        duration_ms: child.elapsed.as_millis() as u64,
    }
}

pub fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGSEGV => "SIGSEGV (segmentation fault)".into(),
        libc::SIGABRT => "SIGABRT (aborted)".into(),
        libc::SIGKILL => "SIGKILL (killed)".into(),
        libc::SIGBUS => "SIGBUS (bus error)".into(),
        libc::SIGFPE => "SIGFPE (arithmetic error)".into(),
        libc::SIGILL => "SIGILL (illegal instruction)".into(),
        libc::SIGTERM => "SIGTERM (terminated)".into(),
        libc::SIGPIPE => "SIGPIPE (broken pipe)".into(),
        libc::SIGXFSZ => "SIGXFSZ (file size limit)".into(),
        other => format!("signal {other}"),
    }
}

/// What `doctor` learns by running a probe under the real protections.
#[derive(Debug)]
pub struct SelfTest {
    /// The probe tried to create a file outside its sandbox and was refused.
    pub outside_write_refused: bool,
    /// The probe could write inside its sandbox.
    pub inside_write_ok: bool,
    pub elapsed: Duration,
}

const PROBE: &str = r#"
import os, sys
def attempt(path):
    try:
        with open(path, "x", encoding="utf-8") as f:
            f.write("probe")
        os.remove(path)
        return "ok"
    except OSError:
        return "refused"
print(attempt(sys.argv[1]), attempt("inside.txt"))
"#;

impl Runner {
    /// Run a probe that tries to write outside its sandbox (to `outside`, a path in a folder
    /// the caller owns) and inside it.
    pub fn self_test(&self, outside: &Path) -> anyhow::Result<SelfTest> {
        let sandbox = Sandbox::with_fixtures(&[], None)?;
        let mut command = Command::new(&self.python.executable);
        command
            .args(["-B", "-S", "-c", PROBE])
            .arg(outside)
            .current_dir(&sandbox.work)
            .env_clear()
            .envs(sandbox.environment(&[]));
        let guards = self.guards(&sandbox, 10)?;
        let outcome = process::run(
            command,
            b"",
            guards,
            Duration::from_secs(10),
            &Cancel::default(),
        )?;
        let words: Vec<&str> = outcome.stdout.text.split_whitespace().collect();
        Ok(SelfTest {
            outside_write_refused: words.first() == Some(&"refused"),
            inside_write_ok: words.get(1) == Some(&"ok"),
            elapsed: outcome.elapsed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CPU-bound loop is stopped by RLIMIT_CPU (SIGXCPU) well before a long wall-clock
    /// limit, and that is reported as a timeout, not a crash.
    #[test]
    fn the_cpu_limit_is_a_timeout() {
        let Ok(python) = python::discover(None, None) else {
            return; // no interpreter on this machine: nothing to test
        };
        let mut command = Command::new(&python.executable);
        command.args(["-S", "-c", "while True: pass"]);
        let limits = Limits {
            cpu_secs: 1,
            ..Limits::for_timeout(1)
        };
        let guards = process::Guards {
            limits: Some(limits),
            ..Default::default()
        };
        let child = process::run(
            command,
            b"",
            guards,
            Duration::from_secs(30),
            &Cancel::default(),
        )
        .unwrap();
        assert!(
            child.elapsed < Duration::from_secs(20),
            "{:?}",
            child.elapsed
        );
        let verdict = classify("spin", 30, child, Report::default());
        assert!(
            matches!(
                verdict.outcome,
                Outcome::TimedOut {
                    cpu_limit: true,
                    ..
                }
            ),
            "{:?}",
            verdict.outcome
        );
    }
}
