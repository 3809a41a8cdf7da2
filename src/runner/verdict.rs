//! The verdict of one run: plain data, serialisable, read by every renderer (terminal, JSON, JUnit).

use serde::{Deserialize, Serialize};

pub use super::trace::Trace;

/// What happened to one run of one exercise. Exactly one outcome, plus whatever was observed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    pub exercise: String,
    pub outcome: Outcome,
    /// Tests in the order they ran (empty when the run never reached them).
    pub tests: Vec<TestResult>,
    /// Output printed outside any test (at import, by child processes, by the interpreter).
    pub stdout: Captured,
    pub stderr: Captured,
    pub duration_ms: u64,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed)
    }

    /// The verdict with every `(from, to)` replaced in all its text (messages, diffs,
    /// tracebacks, output). Used to show the run's throw-away folders by a stable name: a
    /// random temporary path changes at every run and says nothing the name does not.
    pub fn with_replaced(self, replacements: &[(String, &str)]) -> Verdict {
        fn walk(value: &mut serde_json::Value, replacements: &[(String, &str)]) {
            match value {
                serde_json::Value::String(text) => {
                    for (from, to) in replacements {
                        if text.contains(from.as_str()) {
                            *text = text.replace(from.as_str(), to);
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    items.iter_mut().for_each(|v| walk(v, replacements))
                }
                serde_json::Value::Object(fields) => {
                    fields.values_mut().for_each(|v| walk(v, replacements))
                }
                _ => {}
            }
        }
        let Ok(mut value) = serde_json::to_value(&self) else {
            return self;
        };
        walk(&mut value, replacements);
        serde_json::from_value(value).unwrap_or(self)
    }

    pub fn could_not_run(exercise: &str, reason: String) -> Self {
        Verdict {
            exercise: exercise.to_string(),
            outcome: Outcome::CouldNotRun { reason },
            tests: Vec::new(),
            stdout: Captured::default(),
            stderr: Captured::default(),
            duration_ms: 0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    CompileError(CompileError),
    TestsFailed {
        failed: usize,
        total: usize,
    },
    Crashed(Crash),
    TimedOut {
        limit_secs: u64,
        /// True when the CPU-time limit ended it rather than the wall clock.
        cpu_limit: bool,
        /// The test that was running, if the run had reached one.
        during: Option<String>,
        /// Where the code was at the deadline (from a stack dump), outermost first.
        #[serde(default)]
        stuck_at: Vec<Frame>,
    },
    ExitedEarly {
        code: Option<i32>,
        /// "import", or the name of the test that was running.
        during: Option<String>,
        /// True when the code raised SystemExit (sys.exit); false for os._exit and the like.
        system_exit: bool,
        traceback: Vec<Frame>,
    },
    CouldNotRun {
        reason: String,
    },
}

impl Outcome {
    /// A short label, as used by `list`, JSON and JUnit.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::CompileError(_) => "compile error",
            Outcome::TestsFailed { .. } => "tests failed",
            Outcome::Crashed(_) => "crashed",
            Outcome::TimedOut { .. } => "timed out",
            Outcome::ExitedEarly { .. } => "exited early",
            Outcome::CouldNotRun { .. } => "could not run",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompileError {
    pub error_type: String,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub end_column: Option<u32>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Crash {
    /// The uncaught exception at import time, if that is what ended the run.
    pub exception: Option<Exception>,
    /// The signal that killed the interpreter (e.g. "SIGSEGV"), if any.
    pub signal: Option<String>,
    pub exit_code: Option<i32>,
    /// The test that was running when a signal ended the interpreter.
    pub during: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exception {
    pub error_type: String,
    pub message: String,
    pub traceback: Vec<Frame>,
}

/// One frame of a traceback, trimmed to the learner's file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Frame {
    pub line: u32,
    pub func: String,
    pub code: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    /// An assertion failed.
    Failed,
    /// Another exception was raised.
    Error,
    /// Skipped by the tests as shipped (a `skipIf(platform)`, an extra-credit test). A skip
    /// the learner's code or edited tests caused is reported as `Failed` instead.
    Skipped,
    /// Marked as an expected failure, and it failed.
    #[serde(rename = "xfailed")]
    XFailed,
    /// Marked as a (non-strict) expected failure, and it passed.
    #[serde(rename = "xpassed")]
    XPassed,
}

impl TestStatus {
    /// Whether the test lets the exercise pass, as in pytest: passed, skipped, or an
    /// expected failure either way.
    pub fn is_ok(self) -> bool {
        !matches!(self, TestStatus::Failed | TestStatus::Error)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    pub name: String,
    pub line: u32,
    pub status: TestStatus,
    pub duration_ms: f64,
    pub exception: Option<Exception>,
    pub assertion: Option<Assertion>,
    pub stdout: String,
    pub stderr: String,
    /// The failing `subTest(...)` blocks, each with its parameters; the test's own
    /// exception and assertion repeat the first of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtests: Vec<SubTest>,
    /// The file I/O of the learner's code during the test, when the run was traced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
}

/// One failing `with self.subTest(year=1900):` (or pytest's `subtests.test(...)`) block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubTest {
    /// Its message and parameters as unittest writes them: `[msg] (year=1900)`.
    pub name: String,
    pub status: TestStatus,
    pub exception: Option<Exception>,
    pub assertion: Option<Assertion>,
}

/// Both sides of a failed `assert left <op> right`, or of a unittest helper such as
/// `assertEqual(first, second)` (first = left = what the code got, second = right = what
/// the test expects).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assertion {
    pub op: String,
    pub left: Value,
    pub right: Value,
    /// True when the assert carried its own message (shown instead of the bare comparison).
    pub has_message: bool,
    /// The unittest helper that compared (`assertEqual`...), None for a plain `assert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helper: Option<String>,
    /// pytest-style explanations of the sides: `where 4 = double(2)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<String>,
}

/// One side of a comparison: its repr and a text form suited to a line diff.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Value {
    pub kind: ValueKind,
    /// The Python type's name (`str`, `bytes`, `tuple`...).
    #[serde(rename = "type", default)]
    pub type_name: String,
    pub repr: String,
    pub text: String,
    pub truncated: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Str,
    Bytes,
    List,
    Dict,
    Set,
    Other,
}

/// Output captured from a stream, capped; `dropped_bytes` says how much was cut.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Captured {
    pub text: String,
    pub dropped_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_reach_every_text_of_a_verdict() {
        let mut verdict = Verdict::could_not_run("x", "no /tmp/r1/work/a.txt".into());
        verdict.stderr.text = "/tmp/r1/work/b and /tmp/r1/tmp/c".into();
        let verdict = verdict.with_replaced(&[
            ("/tmp/r1/work".into(), "<sandbox>"),
            ("/tmp/r1/tmp".into(), "<tmpdir>"),
        ]);
        assert_eq!(verdict.stderr.text, "<sandbox>/b and <tmpdir>/c");
        assert!(
            matches!(&verdict.outcome, Outcome::CouldNotRun { reason } if reason == "no <sandbox>/a.txt"),
            "{:?}",
            verdict.outcome
        );
    }
}
