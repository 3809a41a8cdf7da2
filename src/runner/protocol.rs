//! The harness protocol: JSON lines the embedded harness writes to its private report pipe.
//!
//! The wire format is documented at the top of `harness.py`. Lines that do not parse are
//! ignored (only the harness writes here), and the run counts as complete only when a `done`
//! record carries this run's token.

use serde::Deserialize;

use super::verdict::{Assertion, CompileError, Exception, Frame, TestResult, TestStatus};

#[derive(Debug, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Record {
    Start {
        token: String,
    },
    CompileError {
        #[serde(rename = "type")]
        error_type: String,
        message: String,
        line: Option<u32>,
        col: Option<u32>,
        end_col: Option<u32>,
        text: Option<String>,
    },
    Crash {
        #[serde(rename = "type")]
        error_type: String,
        message: String,
        traceback: Vec<Frame>,
    },
    Exit {
        code: i32,
        during: String,
        traceback: Vec<Frame>,
    },
    TestStart {
        name: String,
    },
    Test(Box<TestRecord>),
    Done {
        token: String,
        total: usize,
        passed: usize,
    },
}

#[derive(Debug, Deserialize)]
pub struct TestRecord {
    name: String,
    line: u32,
    outcome: TestStatus,
    #[serde(default)]
    duration_ms: f64,
    #[serde(rename = "type", default)]
    error_type: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    traceback: Vec<Frame>,
    #[serde(default)]
    assertion: Option<Assertion>,
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    stderr: String,
}

impl From<TestRecord> for TestResult {
    fn from(r: TestRecord) -> Self {
        let exception = r.error_type.map(|error_type| Exception {
            error_type,
            message: r.message.unwrap_or_default(),
            traceback: r.traceback,
        });
        TestResult {
            name: r.name,
            line: r.line,
            status: r.outcome,
            duration_ms: r.duration_ms,
            exception,
            assertion: r.assertion,
            stdout: r.stdout,
            stderr: r.stderr,
        }
    }
}

impl Record {
    pub fn compile_error(self) -> Option<CompileError> {
        match self {
            Record::CompileError {
                error_type,
                message,
                line,
                col,
                end_col,
                text,
            } => Some(CompileError {
                error_type,
                message,
                line,
                column: col,
                end_column: end_col,
                text,
            }),
            _ => None,
        }
    }
}

/// Everything the harness reported, folded into what the verdict needs.
#[derive(Debug, Default)]
pub struct Report {
    pub started: bool,
    pub compile_error: Option<CompileError>,
    pub crash: Option<Exception>,
    pub exit: Option<(i32, String, Vec<Frame>)>,
    pub tests: Vec<TestResult>,
    /// The test that started last and has not reported (where the run was when it ended).
    pub running: Option<String>,
    /// (total, passed) from a `done` record with the right token.
    pub done: Option<(usize, usize)>,
}

impl Report {
    pub fn parse(bytes: &[u8], token: &str) -> Report {
        let mut report = Report::default();
        for line in bytes.split(|b| *b == b'\n') {
            let Ok(record) = serde_json::from_slice::<Record>(line) else {
                continue;
            };
            report.apply(record, token);
        }
        report
    }

    fn apply(&mut self, record: Record, token: &str) {
        match record {
            Record::Start { token: t, .. } => self.started |= t == token,
            record @ Record::CompileError { .. } => self.compile_error = record.compile_error(),
            Record::Crash {
                error_type,
                message,
                traceback,
            } => {
                self.crash = Some(Exception {
                    error_type,
                    message,
                    traceback,
                })
            }
            Record::Exit {
                code,
                during,
                traceback,
            } => self.exit = Some((code, during, traceback)),
            Record::TestStart { name } => self.running = Some(name),
            Record::Test(test) => {
                self.running = None;
                self.tests.push((*test).into());
            }
            Record::Done {
                token: t,
                total,
                passed,
            } => {
                if t == token && self.started {
                    self.done = Some((total, passed));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_needs_the_run_token() {
        let lines = b"{\"event\":\"start\",\"token\":\"abc\",\"python\":\"3.11.0\"}\n\
{\"event\":\"done\",\"token\":\"forged\",\"total\":1,\"passed\":1}\n";
        assert!(Report::parse(lines, "abc").done.is_none());
        let lines = b"{\"event\":\"start\",\"token\":\"abc\",\"python\":\"3.11.0\"}\n\
garbage\n{\"event\":\"done\",\"token\":\"abc\",\"total\":1,\"passed\":1}\n";
        assert_eq!(Report::parse(lines, "abc").done, Some((1, 1)));
    }

    #[test]
    fn a_test_start_without_result_names_the_running_test() {
        let lines = b"{\"event\":\"test_start\",\"name\":\"test_a\"}\n";
        assert_eq!(Report::parse(lines, "t").running.as_deref(), Some("test_a"));
    }
}
