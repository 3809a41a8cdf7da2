//! The hostile suite: programs that misbehave on purpose, run through the real binary.
//!
//! Every case is an exercise of the workbook in `tests/hostile/` (one lesson, `01_hostile`).
//! A test copies that workbook into a fresh directory, points the canary placeholder of its
//! info.toml at a folder it creates *outside* the sandbox, and runs
//! `iolings --workbook COPY run NAME --json` with `TMPDIR` set to a folder of its own, so the
//! run's sandbox is created in it. After every run it checks:
//!
//! - the verdict: the outcome kind in the JSON and the exit code, and never a pass;
//! - responsiveness: iolings ended within the exercise's timeout plus [`SLACK`];
//! - no process left: nothing on the machine whose cmdline, cwd or environment mentions the
//!   test's folder (right after iolings returned; zombies do not count);
//! - no temporary directory left: the test's `TMPDIR` is empty;
//! - the canary folder (outside the sandbox) has the same listing and contents.
//!
//! Cases that show a runner bug are `#[ignore = "bug: ..."]` so the suite stays green; cases
//! that show a limitation of in-process defences are `#[ignore = "limitation: ..."]`. Run them
//! with `cargo test --test hostile -- --ignored`.
//!
//! # What the report channel defends, and what it cannot
//!
//! The harness reports over a private pipe, moved to a close-on-exec descriptor >= 200 before
//! learner code runs. Every record starts on a fresh line and carries the run's random token
//! (handed over on a pipe read once, so it is in no environment or argument list) and the
//! interpreter's pid (a forked copy of the harness stays silent); the runner ignores anything
//! else, counts passes from the test records itself, and never passes a run that called
//! `sys.exit` or whose interpreter did not exit with code 0. Defended (tests below):
//! printing to stdout/stderr, replacing `print`, `sys.stdout`, `os.write` or `json.dumps`,
//! writing forged records (with a guessed or empty token) to every descriptor, closing every
//! descriptor, replacing the harness's `_send`/`_finish`/`_run_test` in its module (`__main__`
//! or `iolings_harness`), exiting early in every way. None of those can pass by accident. The
//! harness's files (in the sandbox or in the shared precompiled cache) are read-only to the run
//! under Landlock, so no run can plant a harness that fakes passes for later runs.
//!
//! Not defensible in-process: learner code runs in the harness's own interpreter, so a
//! *deliberate* attacker can read the harness module's `_TOKEN`, `_PID` and `_CHANNEL` (or walk
//! `gc.get_objects()`) and write a perfect report, then `os._exit(0)`. Only running the learner's
//! code in a separate process from the reporter (the runner would then see the test results
//! through a channel the learner's process never had) would close that; the
//! `deliberate_*` tests document it.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The hostile workbook, as shipped in the repository.
const HOSTILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile");
/// Replaced by the canary's path in each copy of info.toml.
const PLACEHOLDER: &str = "/nonexistent/hostile-canary-placeholder";
/// `[defaults] timeout_secs` in tests/hostile/info.toml.
const DEFAULT_TIMEOUT: u64 = 4;
/// How much longer than its timeout a run may take, start-up and clean-up included.
const SLACK: Duration = Duration::from_secs(5);
/// The runner's cap per output stream (`process::OUTPUT_CAP`).
const OUTPUT_CAP: u64 = 1024 * 1024;
/// Exit codes of `iolings run` (src/exit.rs).
const TESTS_FAILED: i32 = 1;
const COMPILE_ERROR: i32 = 4;
const CRASHED: i32 = 5;
const TIMED_OUT: i32 = 6;
const EXITED_EARLY: i32 = 7;
const INTERRUPTED: i32 = 130;

// ---------------------------------------------------------------------------------------------
// The lab: a workbook copy, a TMPDIR and a canary, all in one fresh folder.

struct Lab {
    root: PathBuf,
    workbook: PathBuf,
    /// The TMPDIR iolings runs with: its sandboxes are created here.
    tmp: PathBuf,
    /// A folder outside the sandbox that no run may change; also iolings's cwd.
    canary: PathBuf,
    before: Snapshot,
    /// The iolings to run: cargo's build, or a copy another user can reach.
    binary: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::Builder::new()
            .prefix("iolings-hostile-")
            .tempdir()
            .expect("could not create the test's folder");
        let root = dir.keep().canonicalize().unwrap();
        let workbook = root.join("workbook");
        copy_tree(Path::new(HOSTILE), &workbook);
        let info = workbook.join("info.toml");
        let text = fs::read_to_string(&info).unwrap();
        assert!(
            text.contains(PLACEHOLDER),
            "info.toml lost its canary placeholder"
        );
        let tmp = root.join("tmp");
        let canary = root.join("canary");
        fs::create_dir(&tmp).unwrap();
        fs::create_dir_all(canary.join("sub")).unwrap();
        fs::write(
            canary.join("keep.txt"),
            "canary: nothing may change this file\n",
        )
        .unwrap();
        fs::set_permissions(canary.join("keep.txt"), fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(canary.join("sub").join("deep.txt"), "deep\n").unwrap();
        let canary_str = canary.to_str().expect("a UTF-8 temp path");
        fs::write(&info, text.replace(PLACEHOLDER, canary_str)).unwrap();
        let before = snapshot(&canary);
        Lab {
            root,
            workbook,
            tmp,
            canary,
            before,
            binary: assert_cmd::cargo::cargo_bin("iolings"),
        }
    }

    /// Run a copy of iolings kept inside the lab: the build may sit in a private folder
    /// (`mktemp -d`, a 0700 home) that another user cannot enter.
    fn use_own_binary(&mut self) {
        let copy = self.root.join("iolings");
        fs::copy(&self.binary, &copy).expect("could not copy iolings into the lab");
        self.binary = copy;
    }

    /// Whether a user who owns nothing above the lab can still reach it.
    fn reachable_by_others(&self) -> bool {
        self.root
            .ancestors()
            .skip(1)
            .all(|dir| fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
    }

    /// `iolings --workbook COPY run NAME [--json]`, cwd = the canary, TMPDIR = ours.
    fn command(&self, name: &str, json: bool) -> StdCommand {
        let mut command = StdCommand::new(&self.binary);
        command
            .arg("--workbook")
            .arg(&self.workbook)
            .args(["run", name])
            .current_dir(&self.canary)
            .env("TMPDIR", &self.tmp)
            .env("NO_COLOR", "1")
            // A benchmark switch (IOLINGS_PROTECTIONS=off) must not leak in from the shell.
            .env_remove("IOLINGS_PROTECTIONS")
            .stdin(Stdio::null());
        if json {
            command.arg("--json");
        }
        command
    }

    /// Run an exercise with the default timeout, as JSON, and check the aftermath.
    fn run(&self, name: &str) -> Run {
        self.run_with(name, true, DEFAULT_TIMEOUT, |_| {})
    }

    fn run_with(
        &self,
        name: &str,
        json: bool,
        timeout_secs: u64,
        tweak: impl FnOnce(&mut StdCommand),
    ) -> Run {
        let bound = Duration::from_secs(timeout_secs) + SLACK;
        let mut command = self.command(name, json);
        tweak(&mut command);
        let started = Instant::now();
        let output = assert_cmd::Command::from_std(command)
            .timeout(bound)
            .output()
            .expect("could not start iolings");
        let run = Run {
            name: name.to_string(),
            status: output.status,
            stdout: output.stdout,
            stderr: output.stderr,
            elapsed: started.elapsed(),
        };
        assert!(
            run.elapsed < bound,
            "{name}: iolings took {:?}, more than its timeout + {SLACK:?}: not responsive\n{}",
            run.elapsed,
            run.describe()
        );
        self.check_aftermath(&run.describe());
        run
    }

    /// No process, no temporary directory, an untouched canary.
    fn check_aftermath(&self, context: &str) {
        let left = self.processes();
        if !left.is_empty() {
            kill_all(&left);
            panic!("processes left behind after the run: {left:#?}\n{context}");
        }
        let temp: Vec<String> = fs::read_dir(&self.tmp)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            temp.is_empty(),
            "left in TMPDIR after the run: {temp:?}\n{context}"
        );
        let after = snapshot(&self.canary);
        assert_eq!(
            contents(&self.before),
            contents(&after),
            "the canary outside the sandbox changed\n{context}"
        );
    }

    /// Live processes whose cmdline, cwd or environment mention this lab's folder.
    fn processes(&self) -> Vec<(i32, String)> {
        processes_mentioning(self.root.as_os_str().as_bytes())
    }

    /// The sandbox directories in TMPDIR (while a run is in flight).
    fn sandboxes(&self) -> Vec<PathBuf> {
        fs::read_dir(&self.tmp)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Hand the whole lab to another user (to run iolings unprivileged from a root test).
    fn give_to(&self, uid: u32, gid: u32) {
        fn walk(path: &Path, uid: u32, gid: u32) {
            std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
            if fs::symlink_metadata(path).unwrap().is_dir() {
                for entry in fs::read_dir(path).unwrap().flatten() {
                    walk(&entry.path(), uid, gid);
                }
            }
        }
        walk(&self.root, uid, gid);
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // Whatever a failed (or ignored-bug) case left: its processes first, then the files,
        // also when the learner code locked folders or nested them deeper than PATH_MAX.
        kill_all(&self.processes());
        if fs::remove_dir_all(&self.root).is_err() {
            unlock_tree(&self.root);
            let _ = StdCommand::new("rm").arg("-rf").arg(&self.root).status();
        }
    }
}

/// What one `iolings run` did.
struct Run {
    name: String,
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    elapsed: Duration,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }

    fn describe(&self) -> String {
        format!(
            "--- {} ({:?} after {:?})\n--- stdout:\n{}\n--- stderr:\n{}",
            self.name,
            self.status,
            self.elapsed,
            String::from_utf8_lossy(&self.stdout[..self.stdout.len().min(8000)]),
            String::from_utf8_lossy(&self.stderr[..self.stderr.len().min(8000)])
        )
    }

    fn verdict(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("no JSON verdict ({e})\n{}", self.describe()))
    }

    /// The outcome kind and the exit code must be `kind` and `code`; never a pass.
    fn expect(&self, kind: &str, code: i32) -> Value {
        self.expect_one_of(&[(kind, code)])
    }

    /// One of the (kind, exit code) pairs, where the runner may legitimately say either;
    /// never a pass.
    fn expect_one_of(&self, allowed: &[(&str, i32)]) -> Value {
        let verdict = self.verdict();
        let got = verdict["outcome"]["kind"].as_str().unwrap_or("?");
        assert_ne!(
            got,
            "passed",
            "a hostile program passed\n{}",
            self.describe()
        );
        assert_ne!(self.code(), Some(0), "exit code 0\n{}", self.describe());
        let pair = (got, self.code().unwrap_or(-1));
        assert!(
            allowed.contains(&pair),
            "wrong outcome {pair:?}, expected one of {allowed:?}\n{}",
            self.describe()
        );
        verdict
    }

    fn human(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// (name, status, exception type, exception message) of each test in a verdict.
fn tests(verdict: &Value) -> Vec<(String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    verdict["tests"]
        .as_array()
        .expect("a tests array")
        .iter()
        .map(|t| {
            (
                s(&t["name"]),
                s(&t["status"]),
                s(&t["exception"]["error_type"]),
                s(&t["exception"]["message"]),
            )
        })
        .collect()
}

fn test_named(verdict: &Value, name: &str) -> (String, String, String, String) {
    tests(verdict)
        .into_iter()
        .find(|t| t.0 == name)
        .unwrap_or_else(|| panic!("no test {name} in {:#}", verdict["tests"]))
}

/// Everything the learner's code printed, in and outside tests.
fn all_output(verdict: &Value) -> String {
    let mut out = String::new();
    for stream in ["stdout", "stderr"] {
        out += verdict[stream]["text"].as_str().unwrap_or("");
    }
    for test in verdict["tests"].as_array().into_iter().flatten() {
        out += test["stdout"].as_str().unwrap_or("");
    }
    out
}

/// Pids the programs announce as `CHILD_PID=n` / `DAEMON_PID=n`: each must be gone.
fn assert_announced_pids_dead(verdict: &Value, expected: usize) {
    let pids: Vec<i32> = all_output(verdict)
        .lines()
        .filter_map(|l| l.split_once('=').filter(|(k, _)| k.ends_with("_PID")))
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    assert_eq!(pids.len(), expected, "announced pids: {pids:?}");
    for pid in pids {
        assert!(
            !alive(pid),
            "process {pid} is still alive: {}",
            cmdline(pid)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// /proc, files and signals.

fn processes_mentioning(needle: &[u8]) -> Vec<(i32, String)> {
    let me = std::process::id() as i32;
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if pid == me || !alive(pid) {
            continue;
        }
        let dir = entry.path();
        let cmd = fs::read(dir.join("cmdline")).unwrap_or_default();
        let cwd = fs::read_link(dir.join("cwd"))
            .map(|p| p.into_os_string().into_encoded_bytes())
            .unwrap_or_default();
        let environ = fs::read(dir.join("environ")).unwrap_or_default();
        if [&cmd, &cwd, &environ].iter().any(|b| contains(b, needle)) {
            found.push((
                pid,
                format!("{} (cwd {})", cmdline(pid), String::from_utf8_lossy(&cwd)),
            ));
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Exists and is not a zombie.
fn alive(pid: i32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z') | Some('X') | None)
}

fn cmdline(pid: i32) -> String {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    String::from_utf8_lossy(&raw)
        .replace('\0', " ")
        .trim()
        .to_string()
}

/// SIGKILL each process we found (all descendants of an iolings this test started).
fn kill_all(processes: &[(i32, String)]) {
    for (pid, _) in processes {
        // SAFETY: kill(2) with a pid read from /proc; ESRCH is fine.
        unsafe {
            libc::kill(*pid, libc::SIGKILL);
        }
    }
}

fn signal(pid: u32, signal: i32) {
    // SAFETY: kill(2) on the iolings process this test spawned.
    let rc = unsafe { libc::kill(pid as libc::pid_t, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if name == ".iolings" || name == "__pycache__" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Give every folder back its owner permissions (iteratively: trees may be very deep).
fn unlock_tree(root: &Path) {
    let _ = StdCommand::new("chmod")
        .arg("-R")
        .arg("u+rwX")
        .arg(root)
        .status();
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    dir: bool,
    content: Vec<u8>,
    mode: u32,
    mtime: (i64, i64),
}

type Snapshot = BTreeMap<PathBuf, Entry>;

fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, path: &Path, out: &mut Snapshot) {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return;
        };
        let rel = path.strip_prefix(root).unwrap().to_path_buf();
        let content = if meta.is_file() {
            fs::read(path).unwrap_or_else(|e| format!("<unreadable: {e}>").into_bytes())
        } else {
            Vec::new()
        };
        out.insert(
            rel,
            Entry {
                dir: meta.is_dir(),
                content,
                mode: meta.mode(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
            },
        );
        if meta.is_dir() {
            for entry in fs::read_dir(path).into_iter().flatten().flatten() {
                walk(root, &entry.path(), out);
            }
        }
    }
    let mut out = Snapshot::new();
    walk(root, root, &mut out);
    out
}

/// The listing and the file contents (what the canary promises), without metadata.
fn contents(snapshot: &Snapshot) -> Vec<(PathBuf, bool, String)> {
    snapshot
        .iter()
        .map(|(p, e)| {
            (
                p.clone(),
                e.dir,
                String::from_utf8_lossy(&e.content).into_owned(),
            )
        })
        .collect()
}

/// The kernel's Landlock ABI, as `iolings doctor` reads it; None without Landlock.
fn landlock_abi() -> Option<i64> {
    // SAFETY: with a null attr and size 0 this call only returns the ABI version.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            1,
        )
    };
    (v > 0).then_some(v)
}

/// Cases about writing outside the sandbox need Landlock; say so and skip without it.
fn needs_landlock() -> bool {
    if landlock_abi().is_none() {
        eprintln!(
            "skipped: this kernel has no Landlock, so writes outside the sandbox are not refused"
        );
        return false;
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Runaway programs: the clock, the CPU limit and SIGKILL end them.

#[test]
fn infinite_loop_times_out() {
    let lab = Lab::new();
    let run = lab.run_with("loop_forever", true, 2, |_| {});
    let v = run.expect("timed_out", TIMED_OUT);
    assert_eq!(v["outcome"]["limit_secs"], 2);
    assert_eq!(v["outcome"]["during"], "test_spins");
    // The wall clock comes first (the CPU limit is a backstop), so the verdict says where.
    assert_eq!(v["outcome"]["cpu_limit"], false, "{:#}", v["outcome"]);
    let stuck = &v["outcome"]["stuck_at"];
    assert_eq!(stuck[0]["func"], "test_spins", "{stuck:#}");
    let code = stuck[0]["code"].as_str().unwrap_or_default();
    assert!(code == "while True:" || code == "pass", "{stuck:#}");
    assert!(
        run.elapsed >= Duration::from_millis(1500),
        "stopped too early: {:?}",
        run.elapsed
    );
}

#[test]
fn sleeping_forever_times_out_on_the_wall_clock() {
    let lab = Lab::new();
    let run = lab.run_with("sleep_forever", true, 1, |_| {});
    let v = run.expect("timed_out", TIMED_OUT);
    assert_eq!(v["outcome"]["cpu_limit"], false, "a sleep uses no CPU");
    assert_eq!(v["outcome"]["during"], "test_sleeps");
}

#[test]
fn stopping_itself_with_sigstop_times_out() {
    let lab = Lab::new();
    let run = lab.run_with("stop_self", true, 1, |_| {});
    let v = run.expect("timed_out", TIMED_OUT);
    assert_eq!(v["outcome"]["during"], "test_stops");
}

#[test]
fn ignoring_every_signal_still_times_out() {
    let lab = Lab::new();
    let run = lab.run_with("ignore_signals", true, 1, |_| {});
    run.expect("timed_out", TIMED_OUT);
}

#[test]
fn reading_empty_stdin_fails_at_once() {
    let lab = Lab::new();
    let run = lab.run("read_stdin");
    let v = run.expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 3);
    let (_, status, error, _) = test_named(&v, "test_input");
    assert_eq!((status.as_str(), error.as_str()), ("error", "EOFError"));
    assert!(
        run.elapsed < Duration::from_secs(DEFAULT_TIMEOUT),
        "stdin made it wait"
    );
}

#[test]
fn infinite_recursion_is_a_test_error() {
    let lab = Lab::new();
    let v = lab.run("recursion").expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "test_recursion").2, "RecursionError");
}

#[test]
fn a_huge_allocation_is_a_memory_error() {
    let lab = Lab::new();
    let v = lab.run("memory_bomb").expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "test_allocates").2, "MemoryError");
}

#[test]
fn lingering_threads_and_atexit_hooks_do_not_hold_the_run() {
    let lab = Lab::new();
    let run = lab.run("lingering");
    let v = run.expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 1);
    assert!(
        run.elapsed < Duration::from_secs(DEFAULT_TIMEOUT),
        "the run waited: {:?}",
        run.elapsed
    );
}

#[test]
fn a_segfault_is_a_crash_by_sigsegv() {
    let lab = Lab::new();
    let v = lab.run("segfault").expect("crashed", CRASHED);
    let signal = v["outcome"]["signal"].as_str().unwrap_or("");
    assert!(signal.starts_with("SIGSEGV"), "signal: {signal}");
    assert_eq!(test_named(&v, "test_passes").1, "passed");
}

// ---------------------------------------------------------------------------------------------
// Processes that try to outlive the run.

#[test]
fn children_left_running_are_killed() {
    let lab = Lab::new();
    let v = lab.run("children").expect("tests_failed", TESTS_FAILED);
    assert_eq!(
        (
            v["outcome"]["failed"].as_u64(),
            v["outcome"]["total"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(test_named(&v, "test_leaves_a_child_and_passes").1, "passed");
    // One at import, two in the passing test, the shell's background sleep, one in the other.
    assert_announced_pids_dead(&v, 5);
}

#[test]
fn setsid_daemons_are_killed() {
    let lab = Lab::new();
    let v = lab.run("daemon").expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 2);
    // The double-fork sleeper and the `yes` flooding the stdout pipe from its own session.
    assert_announced_pids_dead(&v, 2);
}

#[test]
fn a_pid_hopping_daemon_is_killed() {
    let lab = Lab::new();
    let v = lab.run("pid_hopper").expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "test_hopper").1, "failed");
}

// ---------------------------------------------------------------------------------------------
// Floods: output and files.

#[test]
fn a_100_mb_stdout_flood_is_capped() {
    let lab = Lab::new();
    let run = lab.run("flood_stdout");
    let v = run.expect("tests_failed", TESTS_FAILED);
    let kept = v["stdout"]["text"].as_str().unwrap().len() as u64;
    let dropped = v["stdout"]["dropped_bytes"].as_u64().unwrap();
    assert!(kept <= OUTPUT_CAP, "kept {kept} bytes");
    assert_eq!(
        kept + dropped,
        100 * 1024 * 1024,
        "every byte is kept or counted"
    );
    assert!(
        run.elapsed < Duration::from_secs(DEFAULT_TIMEOUT),
        "slow: {:?}",
        run.elapsed
    );
    // The same run, for a person: the note says what was cut.
    let human = lab.run_with("flood_stdout", false, DEFAULT_TIMEOUT, |_| {});
    assert_eq!(human.code(), Some(TESTS_FAILED));
    assert!(
        human.human().contains(&format!(
            "output truncated: {dropped} more bytes were not kept"
        )),
        "{}",
        human.describe()
    );
    assert!(
        human.stdout.len() < 64 * 1024,
        "the terminal got {} bytes",
        human.stdout.len()
    );
}

#[test]
fn a_file_growing_without_bound_hits_the_file_size_limit() {
    let lab = Lab::new();
    let v = lab.run("file_growth").expect("tests_failed", TESTS_FAILED);
    let (_, status, error, message) = test_named(&v, "test_grows");
    assert_eq!((status.as_str(), error.as_str()), ("error", "OSError"));
    assert!(message.contains("File too large"), "{message}");
    let human = lab.run_with("file_growth", false, DEFAULT_TIMEOUT, |_| {});
    assert_eq!(human.code(), Some(TESTS_FAILED));
    let text = human.human();
    assert!(
        text.contains("File too large") && text.contains("more than 128 MB"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Writes outside the sandbox (Landlock).

#[test]
fn writing_renaming_and_deleting_outside_the_sandbox_is_refused() {
    if !needs_landlock() {
        return;
    }
    let lab = Lab::new();
    let v = lab
        .run("canary_attack")
        .expect("tests_failed", TESTS_FAILED);
    let all = tests(&v);
    assert_eq!(all.len(), 16);
    assert_eq!(v["outcome"]["failed"], 16);
    for (name, status, error, message) in &all {
        // A hard link into the sandbox is refused with EXDEV (Landlock's `refer` right).
        let refused =
            error == "PermissionError" || (error == "OSError" && message.starts_with("[Errno 18]"));
        assert!(
            status == "error" && refused,
            "{name}: {status} {error}: {message}"
        );
    }
    // iolings's cwd (reached as /proc/PPID/cwd) is the canary, and the folder holding the
    // sandboxes is TMPDIR: the aftermath checks both.
}

#[test]
fn chdir_to_root_then_writing_is_refused() {
    if !needs_landlock() {
        return;
    }
    let lab = Lab::new();
    let v = lab.run("chdir_root").expect("tests_failed", TESTS_FAILED);
    for (name, status, error, message) in tests(&v) {
        assert_eq!(
            (status.as_str(), error.as_str()),
            ("error", "PermissionError"),
            "{name}: {message}"
        );
    }
    for dir in ["/", "/tmp", "/dev/shm"] {
        let planted: Vec<_> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("iolings-hostile-planted-")
            })
            .collect();
        assert!(planted.is_empty(), "planted in {dir}: {planted:?}");
    }
}

#[test]
fn metadata_changes_outside_the_sandbox_leave_contents_alone() {
    if !needs_landlock() {
        return;
    }
    let lab = Lab::new();
    lab.run("canary_metadata")
        .expect("tests_failed", TESTS_FAILED);
}

#[test]
#[ignore = "limitation: Landlock (ABI <= 7) does not control chmod/utime/chown, so learner code can change the permissions and timestamps of any file the user owns outside the sandbox; only a mount namespace or seccomp could stop it"]
fn metadata_outside_the_sandbox_is_untouched() {
    let lab = Lab::new();
    let run = lab.run("canary_metadata");
    let after = snapshot(&lab.canary);
    assert_eq!(
        lab.before,
        after,
        "permissions or timestamps changed\n{}",
        run.describe()
    );
}

#[test]
fn deleting_its_own_cwd_is_survived() {
    let lab = Lab::new();
    let v = lab.run("delete_cwd").expect("tests_failed", TESTS_FAILED);
    let (_, status, error, _) = test_named(&v, "test_rmtree_cwd");
    if landlock_abi().is_some() {
        // The contents go, but work/ itself is in the (read-only) sandbox root.
        assert_eq!(
            (status.as_str(), error.as_str()),
            ("error", "PermissionError")
        );
    }
}

#[test]
fn a_tree_deeper_than_path_max_is_removed() {
    let lab = Lab::new();
    let run = lab.run_with("deep_tree", true, DEFAULT_TIMEOUT, |c| {
        // Enough descriptors for a recursive removal, so this checks the run, not the limit.
        set_nofile(c, 65536);
    });
    run.expect("tests_failed", TESTS_FAILED);
}

#[test]
fn a_tree_deeper_than_the_descriptor_limit_is_removed() {
    let lab = Lab::new();
    let run = lab.run_with("deep_tree", true, DEFAULT_TIMEOUT, |c| set_nofile(c, 1024));
    run.expect("tests_failed", TESTS_FAILED);
}

fn set_nofile(command: &mut StdCommand, soft: u64) {
    // SAFETY: getrlimit/setrlimit are async-signal-safe and touch only the struct we pass.
    unsafe {
        command.pre_exec(move || {
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
            limit.rlim_cur = (soft as libc::rlim_t).min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            Ok(())
        });
    }
}

#[test]
fn locked_folders_inside_the_sandbox_are_removed_for_an_unprivileged_user() {
    let mut lab = Lab::new();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let run = if root {
        let Some(python) = python_for_nobody() else {
            eprintln!("skipped: no Python the user nobody can run");
            return;
        };
        if !lab.reachable_by_others() {
            eprintln!(
                "skipped: the user nobody cannot enter {} (a private TMPDIR)",
                lab.root.display()
            );
            return;
        }
        lab.use_own_binary();
        lab.give_to(65534, 65534);
        lab.run_with("locked_dirs", true, DEFAULT_TIMEOUT, |c| {
            c.arg("--python").arg(&python).uid(65534).gid(65534);
        })
    } else {
        lab.run("locked_dirs")
    };
    run.expect("tests_failed", TESTS_FAILED);
}

/// A Python 3 interpreter the user nobody can start (pyenv under /root is out of reach).
fn python_for_nobody() -> Option<PathBuf> {
    ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        .iter()
        .map(PathBuf::from)
        .find(|p| {
            StdCommand::new(p)
                .args(["-c", "import sys; sys.exit(sys.version_info < (3, 10))"])
                .uid(65534)
                .gid(65534)
                .current_dir("/")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

// ---------------------------------------------------------------------------------------------
// Leaving early, in every way.

#[test]
fn sys_exit_at_import_exits_early() {
    let lab = Lab::new();
    let v = lab
        .run("exit_at_import")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "import");
    assert_eq!(v["outcome"]["system_exit"], true);
    assert_eq!(v["outcome"]["code"], 0);
}

#[test]
fn os_exit_at_import_exits_early() {
    let lab = Lab::new();
    let v = lab
        .run("os_exit_at_import")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "import");
    assert_eq!(v["outcome"]["system_exit"], false);
}

#[test]
fn sys_exit_in_a_test_exits_early() {
    let lab = Lab::new();
    let v = lab.run("exit_in_test").expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "test_exits");
    assert_eq!(v["outcome"]["system_exit"], true);
    assert_eq!(tests(&v).len(), 1, "test_after must not run");
}

#[test]
fn os_exit_in_a_test_exits_early() {
    let lab = Lab::new();
    let v = lab
        .run("os_exit_in_test")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "test_exits");
    assert_eq!(v["outcome"]["system_exit"], false);
}

#[test]
fn raise_systemexit_in_a_test_exits_early() {
    let lab = Lab::new();
    let v = lab
        .run("raise_systemexit")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "test_raises");
    assert_eq!(v["outcome"]["system_exit"], true);
}

#[test]
fn raise_keyboardinterrupt_in_a_test_is_a_test_error() {
    let lab = Lab::new();
    let v = lab
        .run("raise_keyboardinterrupt")
        .expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "test_raises").2, "KeyboardInterrupt");
    assert_eq!(
        test_named(&v, "test_after").1,
        "passed",
        "the run goes on after it"
    );
}

#[test]
fn raise_keyboardinterrupt_at_import_is_a_crash() {
    let lab = Lab::new();
    let v = lab
        .run("keyboardinterrupt_at_import")
        .expect("crashed", CRASHED);
    assert_eq!(v["outcome"]["exception"]["error_type"], "KeyboardInterrupt");
}

#[test]
fn closing_stdout_and_stderr_does_not_hide_the_failure() {
    let lab = Lab::new();
    let v = lab
        .run("close_std_fds")
        .expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "test_passes").1, "passed");
    assert_eq!(test_named(&v, "test_fails").1, "failed");
}

#[test]
fn closing_every_descriptor_exits_early() {
    let lab = Lab::new();
    let v = lab
        .run("close_all_fds")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "test_closes_everything");
    assert_eq!(v["outcome"]["system_exit"], false);
}

// ---------------------------------------------------------------------------------------------
// Escape sequences and invalid UTF-8.

#[test]
fn escape_sequences_never_reach_the_terminal() {
    let lab = Lab::new();
    let json = lab.run("escapes");
    let v = json.expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 4);
    // The JSON escapes control characters itself.
    assert!(!json.stdout.contains(&0x1b), "raw ESC in the JSON");

    // NO_COLOR and not a terminal: iolings emits no escapes, so any ESC would be the learner's.
    for name in ["escapes", "escape_compile"] {
        let human = lab.run_with(name, false, DEFAULT_TIMEOUT, |_| {});
        let code = if name == "escapes" {
            TESTS_FAILED
        } else {
            COMPILE_ERROR
        };
        assert_eq!(human.code(), Some(code), "{}", human.describe());
        for (stream, bytes) in [("stdout", &human.stdout), ("stderr", &human.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            for bad in ['\x1b', '\x07', '\r', '\u{9b}', '\u{202e}'] {
                assert!(
                    !text.contains(bad),
                    "{name}: {bad:?} on {stream}:\n{}",
                    human.describe()
                );
            }
        }
        assert!(
            human.human().contains("\\x1b"),
            "the escapes are shown, not dropped"
        );
    }

    // With colours forced on, iolings's own SGR codes appear, but none of the learner's.
    let colored = lab.run_with("escapes", false, DEFAULT_TIMEOUT, |c| {
        c.args(["--color", "always"]);
    });
    let text = colored.human();
    for bad in [
        "\x1b[2J",
        "\x1b]",
        "\x1b[?1049h",
        "\x07",
        "\u{9b}",
        "\u{202e}",
        "\r",
    ] {
        assert!(!text.contains(bad), "{bad:?} with --color always:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Faking a pass.

#[test]
fn monkeypatching_print_stdout_and_os_write_does_not_reach_the_report() {
    let lab = Lab::new();
    let v = lab.run("monkeypatch").expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "test_passes").1, "passed");
    let (_, status, error, _) = test_named(&v, "test_fails");
    assert_eq!(
        (status.as_str(), error.as_str()),
        ("failed", "AssertionError")
    );
}

#[test]
fn forged_records_on_every_descriptor_do_not_pass() {
    let lab = Lab::new();
    let v = lab
        .run("forge_channel")
        .expect("tests_failed", TESTS_FAILED);
    assert_eq!(
        (
            v["outcome"]["failed"].as_u64(),
            v["outcome"]["total"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // The harness took the token and the pipe's number out of os.environ before the import.
    assert!(
        v["stdout"]["text"]
            .as_str()
            .unwrap_or("")
            .contains("TOKEN_IN_ENV=0 FD_IN_ENV=0"),
        "{:#}",
        v["stdout"]
    );
}

#[test]
fn forged_test_records_are_not_shown_as_real() {
    let lab = Lab::new();
    let v = lab
        .run("forge_channel")
        .expect("tests_failed", TESTS_FAILED);
    let all = tests(&v);
    assert!(
        all.iter().all(|t| t.1 != "passed"),
        "a forged record shows as passed: {all:?}"
    );
    assert_eq!(test_named(&v, "test_real").1, "failed");
}

#[test]
fn silencing_the_harness_reporter_does_not_pass() {
    let lab = Lab::new();
    let v = lab
        .run("patch_harness_send")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["tests"].as_array().map(Vec::len), Some(0));
}

#[test]
fn making_the_harness_count_every_test_as_passed_does_not_pass() {
    // `done` says 1 of 1 passed, but no test record came: the runner wants one per test.
    let lab = Lab::new();
    lab.run("patch_harness_count").expect_one_of(&[
        ("tests_failed", TESTS_FAILED),
        ("exited_early", EXITED_EARLY),
    ]);
}

#[test]
fn tests_that_never_reported_count_as_failed() {
    let lab = Lab::new();
    let v = lab
        .run("patch_harness_count")
        .expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 1, "{:#}", v["outcome"]);
}

#[test]
#[ignore = "limitation: a deliberate attacker reads the harness module's _TOKEN and _CHANNEL (the harness shares the learner's interpreter) and writes a perfect report; not preventable in-process"]
fn deliberate_forgery_with_the_harness_globals_does_not_pass() {
    let lab = Lab::new();
    lab.run("deliberate_forgery")
        .expect("exited_early", EXITED_EARLY);
}

#[test]
fn deliberate_forgery_with_proc_self_environ_does_not_pass() {
    let lab = Lab::new();
    lab.run("proc_environ_token")
        .expect("exited_early", EXITED_EARLY);
}

#[test]
fn a_forked_child_that_forgets_os_exit_does_not_pass() {
    let lab = Lab::new();
    lab.run("fork_no_exit").expect("exited_early", EXITED_EARLY);
}

#[test]
fn daemonizing_inside_a_test_does_not_pass() {
    let lab = Lab::new();
    let v = lab
        .run("daemonize_in_test")
        .expect("exited_early", EXITED_EARLY);
    assert_eq!(v["outcome"]["during"], "test_daemonize");
}

#[test]
fn generator_and_coroutine_tests_do_not_pass_unrun() {
    let lab = Lab::new();
    let v = lab
        .run("generator_test")
        .expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 2);
}

#[test]
fn unittest_subtest_failures_do_not_pass() {
    let lab = Lab::new();
    let v = lab.run("subtest").expect("tests_failed", TESTS_FAILED);
    assert_eq!(test_named(&v, "Numbers.test_even").1, "failed");
}

// ---------------------------------------------------------------------------------------------
// Lone surrogates (undecodable file names) in reports.

#[test]
fn lone_surrogates_in_a_failure_do_not_pass() {
    let lab = Lab::new();
    let v = lab.run("surrogates").expect("tests_failed", TESTS_FAILED);
    assert_eq!(v["outcome"]["failed"], 2);
}

#[test]
fn lone_surrogates_keep_the_failure_details() {
    let lab = Lab::new();
    let v = lab.run("surrogates").expect("tests_failed", TESTS_FAILED);
    let (_, status, error, message) = test_named(&v, "test_message");
    assert_eq!((status.as_str(), error.as_str()), ("error", "ValueError"));
    assert!(message.starts_with("bad name: caf"), "{message}");
    assert_eq!(test_named(&v, "test_compare").1, "failed");
}

#[test]
fn lone_surrogates_in_an_import_crash_do_not_pass() {
    let lab = Lab::new();
    lab.run("surrogates_at_import")
        .expect_one_of(&[("crashed", CRASHED), ("exited_early", EXITED_EARLY)]);
}

#[test]
fn lone_surrogates_in_an_import_crash_are_a_crash() {
    let lab = Lab::new();
    let v = lab.run("surrogates_at_import").expect("crashed", CRASHED);
    assert_eq!(v["outcome"]["exception"]["error_type"], "FileNotFoundError");
}

// ---------------------------------------------------------------------------------------------
// Signals: to iolings from outside (Ctrl-C, SIGTERM), and from the learner's code.

#[test]
fn signalling_iolings_from_the_exercise_is_refused() {
    let lab = Lab::new();
    lab.run("signal_parent")
        .expect("tests_failed", TESTS_FAILED);
}

/// Start the spinning exercise (which also leaves a setsid daemon), wait until its test runs,
/// send `signals` to iolings, and return how it ended and how long that took.
fn interrupt(lab: &Lab, signals: &[i32], gap: Duration) -> (ExitStatus, Duration) {
    let out = fs::File::create(lab.root.join("stdout.txt")).unwrap();
    let err = fs::File::create(lab.root.join("stderr.txt")).unwrap();
    let mut command = lab.command("spin_with_daemon", true);
    command.stdout(out).stderr(err);
    let mut child = command.spawn().expect("could not start iolings");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lab
        .sandboxes()
        .iter()
        .any(|s| s.join("work/started").exists())
    {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("iolings ended before the test started: {status:?}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the exercise never started");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Instant::now();
    for (i, &sig) in signals.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(gap);
        }
        signal(child.id(), sig);
    }
    let deadline = sent + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("iolings did not end within 5 s of the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status, sent.elapsed())
}

fn interrupted_cleanly(signals: &[i32], gap: Duration) {
    let lab = Lab::new();
    let (status, took) = interrupt(&lab, signals, gap);
    let stderr = fs::read_to_string(lab.root.join("stderr.txt")).unwrap_or_default();
    let context = format!("{status:?} after {took:?}; stderr:\n{stderr}");
    assert_eq!(status.code(), Some(INTERRUPTED), "{context}");
    assert!(took < Duration::from_secs(2), "slow to stop: {context}");
    lab.check_aftermath(&context);
}

#[test]
fn ctrl_c_stops_the_run_and_cleans_up() {
    interrupted_cleanly(&[libc::SIGINT], Duration::ZERO);
}

#[test]
fn sigterm_stops_the_run_and_cleans_up() {
    interrupted_cleanly(&[libc::SIGTERM], Duration::ZERO);
}

#[test]
fn a_second_ctrl_c_still_cleans_up() {
    interrupted_cleanly(&[libc::SIGINT, libc::SIGINT], Duration::from_millis(30));
}

#[test]
fn sighup_stops_the_run_and_cleans_up() {
    let lab = Lab::new();
    let (status, took) = interrupt(&lab, &[libc::SIGHUP], Duration::ZERO);
    assert!(took < Duration::from_secs(2), "slow to stop: {took:?}");
    let context = format!("{status:?} (signal {:?})", status.signal());
    lab.check_aftermath(&context);
}
