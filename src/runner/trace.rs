//! A test's I/O trace: what the learner's code did to files while the test ran, as the
//! harness's tracer (iolings_trace.py) reported it. Plain data, like the verdict that holds it.

use serde::{Deserialize, Serialize};

/// At most this many events are kept per test, whatever the record says; the harness caps
/// its list at the same number and counts the rest in `more`.
pub const EVENT_CAP: usize = 60;
const FINDING_CAP: usize = 8;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Trace {
    /// The timeline, repeats collapsed (`write ×10,000` is one event).
    #[serde(default)]
    pub events: Vec<TraceEvent>,
    /// Events left off after the cap.
    #[serde(default)]
    pub more: usize,
    /// What the timeline shows that a lesson teaches; never changes a verdict.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The whole test's syscall counters (Linux /proc/self/io), the tests' own I/O included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
    /// Set when the tracer itself failed (the test's result stands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One step of the timeline: `open`, `read`, `write`, `iterate`, `flush`, `fsync`, `close`,
/// `collected` (closed by the garbage collector), `left_open`, `rename`, `replace`, `remove`,
/// `unlink`, `mkdir`, `rmdir`, `chmod`, `truncate`, `seek`, `mkstemp`, `mkdtemp`,
/// `left_behind`, `os.open`, `copy`, `copytree`, `move`, `rmtree`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TraceEvent {
    pub op: String,
    /// Relative to the exercise's folder in the sandbox (`$TMPDIR/...` for the temp folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The second path of a rename, copy or move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The learner's line the call came from (opens and os calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// How many events of this kind in a row were collapsed into this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Calls of read/write methods at the text or buffered level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
    /// read() or write() system calls these calls caused (those a later flush or close made
    /// for the writes included), and the bytes they moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// True when syscalls and bytes are worked out afterwards (iteration) rather than counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
    /// For opens: the mode, encoding, errors, newline (as the call wrote it), buffering
    /// (`none`, `line`, or as written) and the layers, outermost first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffering: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
}

/// A pattern in the timeline that a lesson teaches about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Finding {
    /// `no_encoding`, `not_closed`, `rename_without_fsync`, `temp_elsewhere`,
    /// `temp_left_behind`, `tiny_reads`, `tiny_writes`, `whole_file`.
    pub kind: String,
    /// The lesson folder that teaches it (`02_writing_files`).
    pub lesson: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub syscr: i64,
    pub syscw: i64,
    pub rchar: i64,
    pub wchar: i64,
}

impl Trace {
    /// The harness's `trace` field; one it got wrong says so instead of failing the record.
    pub fn from_record(value: serde_json::Value) -> Self {
        match serde_json::from_value::<Trace>(value) {
            Ok(trace) => trace.capped(),
            Err(e) => Trace {
                error: Some(format!("the trace could not be read: {e}")),
                ..Trace::default()
            },
        }
    }

    /// Hold the record to the caps the harness promises, whatever it sent.
    pub fn capped(mut self) -> Self {
        if self.events.len() > EVENT_CAP {
            self.more += self.events.len() - EVENT_CAP;
            self.events.truncate(EVENT_CAP);
        }
        self.findings.truncate(FINDING_CAP);
        self
    }
}
