//! The harness protocol: JSON lines the embedded harness writes to its private report pipe.
//!
//! The wire format is documented at the top of `harness.py`. Every record carries this run's
//! token and the interpreter's pid; lines without both (garbage, or forgeries by exercise code
//! that found the pipe) are ignored.

use serde::Deserialize;

use super::trace::Trace;
use super::verdict::{Assertion, CompileError, Exception, Frame, SubTest, TestResult, TestStatus};

/// A record with the fields every record carries.
#[derive(Debug, Deserialize)]
struct Envelope {
    token: String,
    pid: u32,
    #[serde(flatten)]
    record: Record,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Record {
    Start {},
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
        total: usize,
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
    /// For a skip: where it came from, `tests` (the tests section) or `code` (above it).
    #[serde(default)]
    skip_origin: Option<SkipOrigin>,
    #[serde(default)]
    subtests: Vec<SubTestRecord>,
    /// Kept raw here: a trace that does not parse must not cost the test its result.
    #[serde(default)]
    trace: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SkipOrigin {
    Tests,
    Code,
}

#[derive(Debug, Deserialize)]
struct SubTestRecord {
    name: String,
    outcome: TestStatus,
    #[serde(rename = "type", default)]
    error_type: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    traceback: Vec<Frame>,
    #[serde(default)]
    assertion: Option<Assertion>,
}

fn exception(
    error_type: Option<String>,
    message: Option<String>,
    traceback: Vec<Frame>,
) -> Option<Exception> {
    error_type.map(|error_type| Exception {
        error_type,
        message: message.unwrap_or_default(),
        traceback,
    })
}

impl TestRecord {
    pub fn skip_origin(&self) -> Option<SkipOrigin> {
        self.skip_origin
    }
}

impl From<TestRecord> for TestResult {
    fn from(r: TestRecord) -> Self {
        TestResult {
            name: r.name,
            line: r.line,
            status: r.outcome,
            duration_ms: r.duration_ms,
            exception: exception(r.error_type, r.message, r.traceback),
            assertion: r.assertion,
            stdout: r.stdout,
            stderr: r.stderr,
            subtests: r
                .subtests
                .into_iter()
                .map(|s| SubTest {
                    name: s.name,
                    status: s.outcome,
                    exception: exception(s.error_type, s.message, s.traceback),
                    assertion: s.assertion,
                })
                .collect(),
            trace: r.trace.map(Trace::from_record),
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
    /// For each of `tests`, where its skip came from (None when it was not skipped).
    pub skip_origins: Vec<Option<SkipOrigin>>,
    /// The test that started last and has not reported (where the run was when it ended).
    pub running: Option<String>,
    /// The number of tests the harness ran, from its `done` record.
    pub done: Option<usize>,
}

impl Report {
    /// Fold the records of the interpreter `pid` that carry `token`; ignore every other line.
    pub fn parse(bytes: &[u8], token: &str, pid: u32) -> Report {
        let mut report = Report::default();
        for line in bytes.split(|b| *b == b'\n') {
            match serde_json::from_slice::<Envelope>(line) {
                Ok(envelope) if envelope.token == token && envelope.pid == pid => {
                    report.apply(envelope.record)
                }
                _ => continue,
            }
        }
        report
    }

    /// Keep the skips the shipped tests make; turn every other skip into a failure, saying
    /// why: a test that did not run proves nothing about the learner's code.
    /// `tests_as_shipped`: the file's tests section is the one the exercise ships with.
    pub fn judge_skips(&mut self, tests_as_shipped: bool) {
        for (test, origin) in self.tests.iter_mut().zip(&self.skip_origins) {
            if test.status != TestStatus::Skipped {
                continue;
            }
            let reason = test
                .exception
                .as_ref()
                .map(|e| e.message.trim().to_string())
                .filter(|m| !m.is_empty())
                .map_or(String::new(), |m| format!(" ({m})"));
            let why = match origin {
                Some(SkipOrigin::Tests) if tests_as_shipped => continue,
                Some(SkipOrigin::Tests) => format!(
                    "this test skips{reason}, but these tests are not the ones the exercise ships with: only a skip in the shipped tests counts (reset --tests restores them)"
                ),
                _ => format!(
                    "the code above the tests marker skipped this test{reason}: only the shipped tests may skip one, every other test must run to count"
                ),
            };
            test.status = TestStatus::Failed;
            let traceback = test
                .exception
                .take()
                .map(|e| e.traceback)
                .unwrap_or_default();
            test.exception = Some(Exception {
                error_type: "Skipped".into(),
                message: why,
                traceback,
            });
        }
    }

    fn apply(&mut self, record: Record) {
        match record {
            Record::Start {} => self.started = true,
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
                self.skip_origins.push(test.skip_origin());
                self.tests.push((*test).into());
            }
            Record::Done { total } => {
                if self.started {
                    self.done = Some(total);
                }
            }
        }
    }
}

/// Where the interpreter was when asked at the deadline: the frames in `file` of the thread
/// that was running a test, outermost first, from faulthandler's text on the report pipe
/// (`  File "/path", line 12 in func`, most recent call first, one block per thread).
pub fn stack_dump(bytes: &[u8], file: &str, source: &str) -> Vec<Frame> {
    let text = String::from_utf8_lossy(bytes);
    let mut blocks: Vec<Vec<(String, u32, String)>> = Vec::new();
    for line in text.lines() {
        match parse_dump_line(line) {
            Some(frame) => match blocks.last_mut() {
                Some(block) => block.push(frame),
                None => blocks.push(vec![frame]),
            },
            None if line.contains("(most recent call first)") => blocks.push(Vec::new()),
            None => {}
        }
    }
    let is_test_thread =
        |b: &&Vec<(String, u32, String)>| b.iter().any(|(_, _, f)| f == "_run_test");
    let in_file = |b: &&Vec<(String, u32, String)>| b.iter().any(|(p, _, _)| p == file);
    let Some(block) = blocks
        .iter()
        .find(is_test_thread)
        .or_else(|| blocks.iter().find(in_file))
    else {
        return Vec::new();
    };
    let lines: Vec<&str> = source.lines().collect();
    block
        .iter()
        .rev()
        .filter(|(p, _, _)| p == file)
        .map(|(_, line, func)| Frame {
            line: *line,
            func: func.clone(),
            code: (*line as usize)
                .checked_sub(1)
                .and_then(|i| lines.get(i))
                .map_or(String::new(), |l| l.trim().to_string()),
        })
        .collect()
}

fn parse_dump_line(line: &str) -> Option<(String, u32, String)> {
    let rest = line.trim_start().strip_prefix("File \"")?;
    let (path, rest) = rest.split_once("\", line ")?;
    let (number, func) = rest.split_once(" in ")?;
    Some((
        path.to_string(),
        number.trim().parse().ok()?,
        func.trim().to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_need_the_run_token_and_pid() {
        let start = b"{\"event\":\"start\",\"token\":\"abc\",\"pid\":7,\"python\":\"3.11.0\"}\n";
        let forged = b"{\"event\":\"done\",\"token\":\"forged\",\"pid\":7,\"total\":1}\n";
        let other_pid = b"{\"event\":\"done\",\"token\":\"abc\",\"pid\":8,\"total\":1}\n";
        let real = b"{\"event\":\"done\",\"token\":\"abc\",\"pid\":7,\"total\":1}\n";
        for bad in [&forged[..], &other_pid[..]] {
            let lines = [&start[..], bad].concat();
            assert!(Report::parse(&lines, "abc", 7).done.is_none());
        }
        let lines = [&start[..], b"garbage\n", &real[..]].concat();
        assert_eq!(Report::parse(&lines, "abc", 7).done, Some(1));
    }

    #[test]
    fn the_stack_dump_names_where_the_test_thread_was() {
        let dump = b"\n{\"event\":\"x\"}\nThread 0x01 (most recent call first):\n  File \"/s/work/a.py\", line 2 in helper\n\nCurrent thread 0x02 (most recent call first):\n  File \"/s/work/a.py\", line 3 in spin\n  File \"/s/work/a.py\", line 5 in test_spin\n  File \"/lib/iolings_harness.py\", line 400 in _run_test\n";
        let source =
            "x = 1\ndef helper(): pass\n    while True: pass\ndef test_spin():\n    spin()\n";
        let frames = stack_dump(dump, "/s/work/a.py", source);
        let lines: Vec<u32> = frames.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![5, 3]);
        assert_eq!(frames[1].code, "while True: pass");
    }

    #[test]
    fn a_test_start_without_result_names_the_running_test() {
        let lines = b"{\"event\":\"test_start\",\"token\":\"t\",\"pid\":1,\"name\":\"test_a\"}\n";
        assert_eq!(
            Report::parse(lines, "t", 1).running.as_deref(),
            Some("test_a")
        );
    }
}
