//! Driving watch mode in a pseudo-terminal: `Watch` spawns `iolings` (through expectrl) on a
//! 120x40 pty inside a throw-away copy of the real workbook, records everything it prints, and
//! waits for text to appear in that raw stream (the screen is redrawn with cursor movements, so
//! the tests look for substrings, never for whole lines). Every wait is bounded: a hang fails
//! the test with the screen text that did arrive instead of blocking CI.

#![allow(dead_code)]

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::{PtyStream, UnixProcess};
use expectrl::{Needle, Regex, Session, WaitStatus};

use crate::common;

/// How long any single expectation may take (a run of a real exercise takes well under a
/// second; notify latency and a loaded CI machine are the rest).
pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const COLS: u16 = 120;
pub const ROWS: u16 = 40;

/// Progress that skips the welcome screen and the lesson 01 introduction.
pub const SEEDED: &str =
    r#"{"welcomed": true, "lessons_introduced": ["01_reading_files"], "current": "reading1"}"#;

pub const READING1: &str = "exercises/01_reading_files/reading1.py";

/// A file of the workbook as shipped (written once per test process by `iolings init`, so a
/// learner's edits in the repository never leak in).
pub fn repo_file(relative: &str) -> Vec<u8> {
    static SHIPPED: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let root = SHIPPED.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("shipped-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ok = std::process::Command::new(env!("CARGO_BIN_EXE_iolings"))
            .arg("init")
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "iolings init {} failed", dir.display());
        dir
    });
    std::fs::read(root.join(relative))
        .unwrap_or_else(|e| panic!("read {relative} from the shipped workbook: {e}"))
}

/// The headline of a "tests failed" verdict of `name` ("reading1: 2 of 5 tests failed"); the
/// counts are left open so that adding a test to an exercise does not break these tests.
pub fn failing(name: &str) -> Regex<String> {
    Regex(format!(r"{name}: \d+ of \d+ tests? failed"))
}

/// `exercises/<lesson>/<name>.py` → `solutions/<lesson>/<name>.py`.
pub fn solution_of(exercise: &str) -> Vec<u8> {
    repo_file(&exercise.replacen("exercises/", "solutions/", 1))
}

pub struct Watch {
    session: Session<UnixProcess, PtyStream>,
    /// The workbook copy (the child's working directory).
    pub wb: common::Copy,
    /// The child's TMPDIR (run sandboxes are created here).
    pub tmp: PathBuf,
    /// The IOLINGS_TRACE file.
    pub trace: PathBuf,
    /// Everything the child printed so far.
    out: Vec<u8>,
    /// End of the last match: the next expectation only looks at what came after.
    pos: usize,
    eof: bool,
    exit: Option<i32>,
}

impl Watch {
    /// `iolings ARGS` in a fresh copy of the real workbook; `state` is written to
    /// `.iolings/state.json` first when given.
    pub fn start(state: Option<&str>, args: &[&str]) -> Watch {
        Watch::start_env(state, args, &[])
    }

    /// Like `start`, with extra environment variables set last (they win).
    pub fn start_env(state: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> Watch {
        let wb = common::real_workbook();
        let base = wb.root.parent().unwrap().to_path_buf();
        let tmp = base.join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let trace = base.join("trace.log");
        if let Some(state) = state {
            common::write(&wb.root, ".iolings/state.json", state);
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iolings"));
        cmd.args(args).current_dir(&wb.root);
        for var in [
            "CLICOLOR",
            "CLICOLOR_FORCE",
            "COLUMNS",
            "LINES",
            "IOLINGS_PYTHON",
            "IOLINGS_NO_LINKS",
            "LANG",
            "LC_CTYPE",
            "CARGO_PKG_NAME",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_COLOR", "1")
            .env("TERM", "xterm-256color")
            .env("LC_ALL", "C.UTF-8")
            .env("TMPDIR", &tmp)
            .env("IOLINGS_TRACE", &trace);
        for (name, value) in env {
            cmd.env(name, value);
        }
        let mut session = Session::spawn(cmd).expect("spawn iolings in a pty");
        // The pty starts at 80x24; resizing it sends SIGWINCH, and watch mode measures the
        // terminal again before every frame, so the first frames may be 80 wide at most.
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("set the pty size");
        Watch {
            session,
            wb,
            tmp,
            trace,
            out: Vec::new(),
            pos: 0,
            eof: false,
            exit: None,
        }
    }

    /// Watch mode on the real workbook with the welcome and introduction already seen, once
    /// the first verdict of reading1 is on screen and its run has finished.
    pub fn seeded() -> Watch {
        let mut w = Watch::start(Some(SEEDED), &[]);
        w.expect(failing("reading1"));
        w.wait_trace("run finished reading1");
        w
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.wb.path(relative)
    }

    /// Read whatever the child has printed; false once nothing is waiting.
    fn read_some(&mut self) -> bool {
        if self.eof {
            return false;
        }
        let mut buf = [0u8; 8192];
        match self.session.try_read(&mut buf) {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.out.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => false,
            Err(e) if e.kind() == ErrorKind::Interrupted => true,
            // EIO: the child is gone and the pty closed.
            Err(_) => {
                self.eof = true;
                false
            }
        }
    }

    /// Keep reading the pty for `d` (so the child never blocks on a full pty while the test
    /// waits for something else).
    pub fn pump(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if !self.read_some() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    /// Wait until `needle` appears in the output printed after the previous match; returns the
    /// matched text.
    #[track_caller]
    pub fn expect<N: Needle + std::fmt::Debug>(&mut self, needle: N) -> String {
        self.expect_within(needle, TIMEOUT)
    }

    #[track_caller]
    pub fn expect_within<N: Needle + std::fmt::Debug>(
        &mut self,
        needle: N,
        timeout: Duration,
    ) -> String {
        let start = Instant::now();
        loop {
            let fresh = &self.out[self.pos..];
            let matches = needle.check(fresh, self.eof).expect("valid needle");
            if let Some(m) = matches.first() {
                let text = String::from_utf8_lossy(&fresh[m.start()..m.end()]).into_owned();
                self.pos += m.end();
                return text;
            }
            if self.eof {
                panic!(
                    "iolings ended before {needle:?} appeared\n{}",
                    self.describe()
                );
            }
            if start.elapsed() > timeout {
                panic!(
                    "{needle:?} did not appear within {timeout:?}\n{}",
                    self.describe()
                );
            }
            if !self.read_some() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    /// Whether `needle` appears in the output printed after the previous match (no waiting).
    pub fn seen<N: Needle>(&self, needle: N) -> bool {
        !needle
            .check(&self.out[self.pos..], self.eof)
            .unwrap()
            .is_empty()
    }

    /// The output since the previous match, made readable, for failure messages.
    pub fn describe(&self) -> String {
        let fresh = readable(&self.out[self.pos..]);
        let tail: String = {
            let chars: Vec<char> = fresh.chars().collect();
            chars[chars.len().saturating_sub(6000)..].iter().collect()
        };
        format!(
            "--- screen output since the last match ({} bytes, last 6000 characters, escape codes removed) ---\n{tail}\n--- trace ---\n{}",
            self.out.len() - self.pos,
            self.trace_text()
        )
    }

    /// Type `keys` (raw bytes: "\r" is Enter, "\x1b" Esc).
    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
        self.session.flush().expect("flush keys");
    }

    pub fn trace_text(&self) -> String {
        std::fs::read_to_string(&self.trace).unwrap_or_default()
    }

    /// Trace lines without their timestamps.
    pub fn trace_lines(&self) -> Vec<String> {
        self.trace_text()
            .lines()
            .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest).to_string())
            .collect()
    }

    /// Wait (reading the pty meanwhile) until a trace line starts with `what`, after the first
    /// `skip` lines of the trace. Returns the number of lines up to and including that one.
    #[track_caller]
    pub fn wait_trace_after(&mut self, skip: usize, what: &str) -> usize {
        let start = Instant::now();
        loop {
            let lines = self.trace_lines();
            if let Some(i) = lines.iter().skip(skip).position(|l| l.starts_with(what)) {
                return skip + i + 1;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "no trace line {what:?} after line {skip} within {TIMEOUT:?}\n{}",
                    self.describe()
                );
            }
            self.pump(Duration::from_millis(20));
        }
    }

    #[track_caller]
    pub fn wait_trace(&mut self, what: &str) -> usize {
        self.wait_trace_after(0, what)
    }

    /// Wait for the child to end (reading its output to the end); its exit code.
    #[track_caller]
    pub fn wait_exit(&mut self, timeout: Duration) -> i32 {
        let start = Instant::now();
        loop {
            if self.exit.is_none() {
                match self.session.get_process().status() {
                    Ok(WaitStatus::Exited(_, code)) => self.exit = Some(code),
                    Ok(WaitStatus::Signaled(_, signal, _)) => {
                        panic!("iolings was killed by {signal:?}\n{}", self.describe())
                    }
                    _ => {}
                }
            }
            if let (Some(code), true) = (self.exit, self.eof) {
                return code;
            }
            if start.elapsed() > timeout {
                panic!(
                    "iolings did not exit within {timeout:?}\n{}",
                    self.describe()
                );
            }
            if !self.read_some() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    /// Resize the pty (iolings gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("resize the pty");
    }

    /// Send `signal` to iolings.
    pub fn signal(&mut self, signal: expectrl::Signal) {
        self.session
            .get_process_mut()
            .signal(signal)
            .expect("signal iolings");
    }

    /// Everything printed so far, raw.
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// `iolings-*` entries in the child's TMPDIR (run sandboxes).
    pub fn sandboxes(&self) -> Vec<String> {
        std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("iolings-"))
            .collect()
    }

    /// Processes whose working directory is inside the child's TMPDIR (exercise code runs in
    /// its sandbox there).
    #[cfg(target_os = "linux")]
    pub fn processes_in_tmp(&self) -> Vec<String> {
        let tmp = self.tmp.canonicalize().unwrap();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            if let Ok(cwd) = std::fs::read_link(entry.path().join("cwd")) {
                if cwd.starts_with(&tmp) {
                    let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
                    found.push(format!(
                        "{name}: {}",
                        String::from_utf8_lossy(&cmdline).replace('\0', " ")
                    ));
                }
            }
        }
        found
    }
}

impl Watch {
    /// Pids of processes working in a sandbox in the child's TMPDIR, each with whether its
    /// sandbox holds an exercise file yet: a warm interpreter waits in a sandbox with only
    /// the fixtures; the exercise is copied in at the save.
    #[cfg(target_os = "linux")]
    pub fn pids_in_tmp(&self) -> Vec<(u32, bool)> {
        let tmp = self.tmp.canonicalize().unwrap();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if let Ok(cwd) = std::fs::read_link(entry.path().join("cwd")) {
                if cwd.starts_with(&tmp) {
                    found.push((pid, holds_exercise(&cwd)));
                }
            }
        }
        found
    }

    /// Processes in TMPDIR whose sandbox holds an exercise: runs, not warm interpreters.
    #[cfg(target_os = "linux")]
    pub fn running_pids(&self) -> Vec<u32> {
        let pids = self.pids_in_tmp().into_iter();
        pids.filter(|(_, ran)| *ran).map(|(p, _)| p).collect()
    }

    /// Sandboxes holding an exercise (runs); a warm run's sandbox has only fixtures.
    pub fn sandboxes_in_use(&self) -> Vec<String> {
        self.sandboxes()
            .into_iter()
            .filter(|name| holds_exercise(&self.tmp.join(name).join("work")))
            .collect()
    }

    /// The pid of the warm interpreter of `name` announced in the trace after line `skip`
    /// (waiting for that line); returns it with the number of lines up to that one.
    #[track_caller]
    pub fn warm_pid_after(&mut self, skip: usize, name: &str) -> (u32, usize) {
        let line = self.wait_trace_after(skip, &format!("warm ready {name} pid "));
        let text = &self.trace_lines()[line - 1];
        let pid = text.rsplit(' ').next().unwrap().parse().unwrap();
        (pid, line)
    }
}

impl Watch {
    /// Wait until the state file says `name` is done (or, with `done` false, is not): it is
    /// written right after the verdict is drawn.
    #[track_caller]
    pub fn wait_done(&mut self, name: &str, done: bool) {
        let start = Instant::now();
        while self.wb.done().contains(&name.to_string()) != done {
            if start.elapsed() > TIMEOUT {
                panic!(
                    "{name} never became {}done in the state file\n{}",
                    if done { "" } else { "not " },
                    self.describe()
                );
            }
            self.pump(Duration::from_millis(10));
        }
    }
}

/// Whether `dir` holds a `.py` file (the exercise copied in for a run).
fn holds_exercise(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "py"))
    })
}

/// True while process `pid` exists (a zombie counts as gone).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// CPU time (user + system, in clock ticks) process `pid` has used so far.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Raw terminal output made readable: a cursor move becomes a line break, other escape
/// sequences (colors, OSC 8 links, modes) are dropped.
pub fn readable(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            if c != '\r' {
                out.push(c);
            }
            continue;
        }
        match chars.next() {
            Some('[') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        last = c;
                        break;
                    }
                }
                if last == 'H' {
                    out.push('\n');
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Write `bytes` over `path` in place (truncate and write, as most editors do by default).
pub fn write_in_place(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    f.write_all(bytes).unwrap();
    f.sync_all().unwrap();
}

/// Save like vim with `backupcopy=no`: the new content goes to a temporary file in the same
/// folder, which is then renamed over the original.
pub fn write_by_rename(path: &Path, bytes: &[u8]) {
    let tmp = path.with_file_name(format!(
        ".{}.new",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
