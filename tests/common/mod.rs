//! Helpers shared by the integration tests: the `iolings` command with a deterministic
//! environment, and throw-away copies of workbooks (runs write `.iolings/state.json`, so no test
//! ever runs against a workbook in the repository itself).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The repository root: the real workbook (info.toml, exercises/, solutions/) lives here.
pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// `iolings` with an environment that does not depend on the developer's shell: no NO_COLOR,
/// no IOLINGS_* variables, a UTF-8 locale (so symbols are the Unicode ones).
pub fn iolings() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iolings"));
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "IOLINGS_PYTHON",
        "IOLINGS_NO_LINKS",
        "LC_CTYPE",
        "LANG",
        // Set by `cargo test` as by `cargo run`: without it iolings speaks as when installed.
        "CARGO_PKG_NAME",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("LC_ALL", "C.UTF-8");
    cmd
}

/// `iolings --workbook ROOT`, started in ROOT as a learner would (so paths in messages are
/// relative to it).
pub fn iolings_in(root: &Path) -> Command {
    let mut cmd = iolings();
    cmd.arg("--workbook").arg(root);
    if root.is_dir() {
        cmd.current_dir(root);
    }
    cmd
}

/// A workbook copied into a temporary directory, removed when dropped.
pub struct Copy {
    _dir: TempDir,
    pub root: PathBuf,
}

impl Copy {
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".iolings")
    }

    /// The saved progress, parsed (panics when there is none).
    pub fn state(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.state_dir().join("state.json"))
            .expect("state.json exists");
        serde_json::from_str(&text).expect("state.json is JSON")
    }

    /// Names in the saved progress's `done` list.
    pub fn done(&self) -> Vec<String> {
        self.state()["done"]
            .as_array()
            .expect("done is a list")
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }
}

/// A fresh copy of tests/workbook: one exercise per verdict kind.
pub fn test_workbook() -> Copy {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("workbook");
    copy_dir(&Path::new(REPO).join("tests/workbook"), &root);
    Copy { _dir: dir, root }
}

/// A fresh copy of the real workbook as shipped: `iolings init` writes the copy built into
/// the binary, so tests see the committed workbook even in a folder where a learner has
/// solved or edited exercises.
pub fn real_workbook() -> Copy {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("workbook");
    let out = iolings()
        .arg("init")
        .arg(&root)
        .output()
        .expect("iolings starts");
    assert!(
        out.status.success(),
        "iolings init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Copy { _dir: dir, root }
}

/// An empty temporary directory, to build a workbook in by hand.
pub fn empty() -> Copy {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("workbook");
    std::fs::create_dir_all(&root).unwrap();
    Copy { _dir: dir, root }
}

/// Copy a tree, keeping symlinks as symlinks and skipping state and bytecode.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == ".iolings" || name == "__pycache__" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else if kind.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
        }
    }
}

/// Write `text` to `root/relative`, creating parent folders.
pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

/// Captured output of a finished command.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Both streams, for messages on failure.
    pub fn both(&self) -> String {
        format!(
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `cmd` to completion and capture everything (no assertion on the exit code).
pub fn output(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("iolings starts");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `cmd`, assert its exit code, return its output.
#[track_caller]
pub fn expect_code(cmd: &mut Command, code: i32) -> Output {
    let out = output(cmd);
    assert_eq!(out.code, code, "unexpected exit code\n{}", out.both());
    out
}

/// Names of the exercises of the workbook at `root`, in order, as `list --json` gives them.
pub fn exercise_names(root: &Path) -> Vec<String> {
    let out = expect_code(iolings_in(root).args(["list", "--json"]), 0);
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("list --json is JSON");
    rows.as_array()
        .expect("list --json is an array")
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

/// The exercises of tests/workbook in order, with the outcome kind each ends in as shipped.
pub const TEST_WORKBOOK: &[(&str, &str)] = &[
    ("passing", "passed"),
    ("crlf", "tests_failed"),
    ("syntax", "compile_error"),
    ("crash", "crashed"),
    ("segfault", "crashed"),
    ("forever", "timed_out"),
    ("exit_import", "exited_early"),
    ("exit_test", "exited_early"),
    ("os_exit", "exited_early"),
    ("bad_args", "could_not_run"),
];
