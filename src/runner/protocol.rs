//! The harness protocol: JSON lines the embedded harness writes to its private report pipe.
//!
//! The wire format is documented at the top of `harness.py`. Every record carries this run's
//! token and the interpreter's pid; lines without both (garbage, or forgeries by exercise code
//! that found the pipe) are ignored.

use serde::Deserialize;

use super::verdict::{Assertion, CompileError, Exception, Frame, TestResult, TestStatus};

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
