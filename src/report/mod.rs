//! The grading report: every exercise's verdict, tests and points, with totals per lesson and
//! overall. One model, written as the versioned JSON report (`docs/report.schema.json`) and read
//! back by `iolings report`; JUnit, GitHub Classroom and Gradescope are views of it.

pub mod classroom;
pub mod gradebook;
pub mod gradescope;
pub mod junit;
pub mod text;

use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::runner::trace::Trace;
use crate::runner::verdict::{Outcome, TestStatus, Verdict};
use crate::workbook::{Exercise, Workbook};

/// What the `format` field of every report says.
pub const FORMAT: &str = "iolings-report";
/// The schema version. Bump it when a field changes meaning or goes away; adding a field
/// does not need a bump (readers ignore fields they do not know).
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub version: u32,
    /// The iolings that graded, e.g. `0.1.0`.
    pub iolings: String,
    /// When grading started, RFC 3339 in UTC.
    pub started_at: String,
    pub duration_ms: u64,
    /// The interpreter's version, e.g. `3.12.1`.
    pub python: String,
    /// True when the learner's code ran against the tests as shipped (`--pristine-tests`).
    pub pristine_tests: bool,
    /// False when the run was interrupted: exercises that did not finish are `not_run`.
    pub complete: bool,
    pub totals: Totals,
    pub lessons: Vec<LessonTotals>,
    pub exercises: Vec<ExerciseReport>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub exercises: usize,
    pub passed: usize,
    /// Ran and did not pass (any verdict but passed and not_run).
    pub failed: usize,
    pub not_run: usize,
    pub tests: usize,
    pub tests_passed: usize,
    pub points: u32,
    pub max_points: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LessonTotals {
    pub dir: String,
    pub title: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// How one exercise ended: the verdict kinds of `iolings run`, plus `not_run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Passed,
    TestsFailed,
    CompileError,
    Crashed,
    TimedOut,
    ExitedEarly,
    CouldNotRun,
    /// The run was interrupted before this exercise finished.
    NotRun,
}

impl Kind {
    pub fn of(outcome: &Outcome) -> Kind {
        match outcome {
            Outcome::Passed => Kind::Passed,
            Outcome::TestsFailed { .. } => Kind::TestsFailed,
            Outcome::CompileError(_) => Kind::CompileError,
            Outcome::Crashed(_) => Kind::Crashed,
            Outcome::TimedOut { .. } => Kind::TimedOut,
            Outcome::ExitedEarly { .. } => Kind::ExitedEarly,
            Outcome::CouldNotRun { .. } => Kind::CouldNotRun,
        }
    }

    /// The name used in every format: `tests_failed`, `not_run`...
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Passed => "passed",
            Kind::TestsFailed => "tests_failed",
            Kind::CompileError => "compile_error",
            Kind::Crashed => "crashed",
            Kind::TimedOut => "timed_out",
            Kind::ExitedEarly => "exited_early",
            Kind::CouldNotRun => "could_not_run",
            Kind::NotRun => "not_run",
        }
    }

    /// Whether the learner's code ran far enough to be judged (not the machine's fault).
    pub fn is_judged(self) -> bool {
        !matches!(self, Kind::CouldNotRun | Kind::NotRun)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExerciseReport {
    pub name: String,
    /// The lesson folder, e.g. `01_reading_files`.
    pub lesson: String,
    /// The exercise file, relative to the workbook.
    pub path: String,
    pub verdict: Kind,
    /// One line saying how the run ended.
    pub summary: String,
    /// Earned: `max_points` when the exercise passes, else 0.
    pub points: u32,
    pub max_points: u32,
    pub duration_ms: u64,
    /// The tests that reported, in the order they ran.
    pub tests: Vec<TestReport>,
    /// Present unless the exercise passed.
    pub failure: Option<Failure>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestReport {
    pub name: String,
    pub line: u32,
    pub status: TestStatus,
    pub duration_ms: f64,
    /// One line: why the test failed (absent when it passed).
    pub message: Option<String>,
    /// The failure as the learner sees it, with the diff, as plain text.
    pub details: Option<String>,
    /// The file I/O of the learner's code in this test (`verify --trace` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    /// The test the failure is about: the first failing one, or the one that was running
    /// when the run ended; absent when the run never reached a test.
    pub test: Option<String>,
    /// That test's line in the exercise file.
    pub line: Option<u32>,
    /// The verdict as `iolings run` shows it, as plain text.
    pub text: String,
}

/// What the report says about the run as a whole.
pub struct RunInfo {
    pub started: SystemTime,
    pub duration_ms: u64,
    pub python: String,
    pub pristine_tests: bool,
    pub interrupted: bool,
}

impl Report {
    /// The report of `verdicts` (one per exercise of `workbook`, in order; None = not run).
    /// `learner_root` is where the learner's files are (for the paths shown in failures).
    pub fn build(
        workbook: &Workbook,
        verdicts: &[Option<Verdict>],
        learner_root: &Path,
        run: &RunInfo,
    ) -> Report {
        let exercises: Vec<ExerciseReport> = workbook
            .exercises
            .iter()
            .zip(verdicts.iter().chain(std::iter::repeat(&None)))
            .map(|(e, v)| exercise(e, v.as_ref(), learner_root))
            .collect();
        let lessons = workbook
            .lessons
            .iter()
            .map(|l| LessonTotals {
                dir: l.dir.clone(),
                title: l.title.clone(),
                totals: totals(exercises.iter().filter(|e| e.lesson == l.dir)),
            })
            .collect();
        Report {
            format: FORMAT.to_string(),
            version: VERSION,
            iolings: env!("CARGO_PKG_VERSION").to_string(),
            started_at: rfc3339(run.started),
            duration_ms: run.duration_ms,
            python: run.python.clone(),
            pristine_tests: run.pristine_tests,
            complete: !run.interrupted && exercises.iter().all(|e| e.verdict != Kind::NotRun),
            totals: totals(exercises.iter()),
            lessons,
            exercises,
        }
    }

    /// The lesson's position (1-based) and title, for views that number or name lessons.
    pub fn lesson(&self, dir: &str) -> Option<(usize, &LessonTotals)> {
        self.lessons
            .iter()
            .enumerate()
            .find(|(_, l)| l.dir == dir)
            .map(|(i, l)| (i + 1, l))
    }
}

fn exercise(e: &Exercise, verdict: Option<&Verdict>, learner_root: &Path) -> ExerciseReport {
    let path = e.relative_path();
    let display = path.display().to_string();
    let Some(v) = verdict else {
        return ExerciseReport {
            name: e.name.clone(),
            lesson: e.lesson_dir.clone(),
            path: display,
            verdict: Kind::NotRun,
            summary: "not run: grading was interrupted before this exercise finished".into(),
            points: 0,
            max_points: e.points,
            duration_ms: 0,
            tests: Vec::new(),
            failure: Some(Failure {
                test: None,
                line: None,
                text: "Not run: grading was interrupted before this exercise finished.\n".into(),
            }),
        };
    };
    let kind = Kind::of(&v.outcome);
    let tests = v
        .tests
        .iter()
        .map(|t| TestReport {
            name: text::one_line(&t.name),
            line: t.line,
            status: t.status,
            duration_ms: t.duration_ms,
            message: text::test_message(t),
            details: text::test_details(t, &display),
            trace: t.trace.clone(),
        })
        .collect();
    let failure = (kind != Kind::Passed).then(|| {
        let first = v.tests.iter().find(|t| !t.status.is_ok());
        let (test, line) = match (first, running(&v.outcome)) {
            (Some(t), _) => (Some(text::one_line(&t.name)), Some(t.line)),
            (None, Some(during)) => (Some(text::one_line(during)), None),
            (None, None) => (None, None),
        };
        Failure {
            test,
            line,
            text: text::verdict_text(v, &learner_root.join(&path), &display),
        }
    });
    ExerciseReport {
        name: e.name.clone(),
        lesson: e.lesson_dir.clone(),
        path: display,
        verdict: kind,
        summary: text::summary(v),
        points: if kind == Kind::Passed { e.points } else { 0 },
        max_points: e.points,
        duration_ms: v.duration_ms,
        tests,
        failure,
    }
}

/// The test that was running when the run ended early, if the verdict names one.
pub fn running(outcome: &Outcome) -> Option<&str> {
    let during = match outcome {
        Outcome::TimedOut { during, .. } | Outcome::ExitedEarly { during, .. } => during,
        Outcome::Crashed(crash) => &crash.during,
        _ => return None,
    };
    during.as_deref().filter(|d| *d != "import")
}

fn totals<'a>(exercises: impl Iterator<Item = &'a ExerciseReport>) -> Totals {
    let mut t = Totals::default();
    for e in exercises {
        t.exercises += 1;
        match e.verdict {
            Kind::Passed => t.passed += 1,
            Kind::NotRun => t.not_run += 1,
            _ => t.failed += 1,
        }
        t.tests += e.tests.len();
        t.tests_passed += e.tests.iter().filter(|x| x.status.is_ok()).count();
        t.points += e.points;
        t.max_points += e.max_points;
    }
    t
}

/// `2025-03-01T12:34:56Z`: a timestamp without a date library (UTC, whole seconds).
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days to a civil date (Howard Hinnant's algorithm), valid for every date after 1970.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let at = |s| rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(at(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
