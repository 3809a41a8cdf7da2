//! The sandbox: a fresh temporary directory per run holding a copy of the exercise, its
//! fixtures and the harness; cwd, HOME and TMPDIR point inside it. Removed when dropped.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::harness;
use crate::workbook::sections;
use anyhow::Context;

pub use crate::workbook::Fixture;

pub struct Sandbox {
    /// Removed on drop, also when a run ends in an error or a panic (see `remove_tree`).
    root: PathBuf,
    /// The learner code's cwd and HOME; holds the exercise and fixtures.
    pub work: PathBuf,
    /// TMPDIR.
    pub tmp: PathBuf,
    /// Where the harness and the test kit are: a shared precompiled cache, or a folder of
    /// this sandbox (read-only for the child under Landlock either way).
    pub lib: PathBuf,
}

/// The name the folder a run's code ran in is shown by, in place of its random path.
pub const SHOWN_WORK: &str = "<sandbox>";
/// The name its TMPDIR is shown by.
pub const SHOWN_TMP: &str = "<tmpdir>";

impl Sandbox {
    /// A sandbox with everything but the exercise: a run is made of one of these before the
    /// learner saves, and gets the exercise at the save (`put_exercise`). `lib`: the harness
    /// cache folder, or None to write the harness into the sandbox.
    pub fn with_fixtures(fixtures: &[Fixture], lib: Option<&Path>) -> anyhow::Result<Self> {
        // The owner's pid in the name: a runner killed with SIGKILL cannot clean up, so the
        // next one removes the sandboxes of processes that no longer exist.
        let root = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir()
            .context("could not create a temporary directory for the run (is TMPDIR writable?)")?
            .keep();
        // The real path (TMPDIR is a symlink on macOS): Python reports resolved paths, and
        // the runner matches them against ours.
        let root = root.canonicalize().unwrap_or(root);
        // From here on, dropping `sandbox` removes the directory, whatever fails next.
        let mut sandbox = Sandbox {
            work: root.join("work"),
            tmp: root.join("tmp"),
            lib: root.join("lib"),
            root,
        };
        for d in [&sandbox.work, &sandbox.tmp] {
            fs::create_dir(d).with_context(|| format!("could not create {}", d.display()))?;
        }
        match lib {
            Some(cached) => sandbox.lib = cached.to_path_buf(),
            None => {
                fs::create_dir(&sandbox.lib).context("could not create the harness folder")?;
                harness::write_sources(&sandbox.lib).context("could not write the harness")?;
            }
        }
        for fixture in fixtures {
            copy_tree(&fixture.source, &sandbox.work.join(&fixture.relative))
                .with_context(|| format!("could not copy fixture {}", fixture.source.display()))?;
        }
        Ok(sandbox)
    }

    /// How the run's folders are named in what the learner sees: `<sandbox>` for the folder
    /// the code ran in, `<tmpdir>` for its TMPDIR (longest first, so the work folder is
    /// not named by its parent).
    pub fn names(&self) -> Vec<(String, &'static str)> {
        vec![
            (self.work.to_string_lossy().into_owned(), SHOWN_WORK),
            (self.tmp.to_string_lossy().into_owned(), SHOWN_TMP),
        ]
    }

    /// Copy the exercise file in as `file_name`.
    pub fn put_exercise(&self, exercise: &Path, file_name: &str) -> anyhow::Result<()> {
        let bytes =
            fs::read(exercise).with_context(|| format!("could not read {}", exercise.display()))?;
        fs::write(self.work.join(file_name), bytes)
            .context("could not write the exercise into the sandbox (is the disk full?)")
    }

    /// Hand the harness the tests section the next run most likely has (that of the
    /// learner's file as it is now), so it can compile it while waiting for its go. A hint
    /// only: at the go the harness uses it when the file still ends with exactly these bytes.
    /// In TMPDIR, and removed by the harness before the go. Returns the file's path, or None
    /// when `exercise` is unreadable or has no tests section.
    pub fn put_tests_ahead(&self, exercise: &Path) -> Option<PathBuf> {
        let source = fs::read(exercise).ok()?;
        let tests = sections::tests_part(&source)?;
        let path = self.tmp.join(TESTS_AHEAD_FILE);
        fs::write(&path, tests).ok()?;
        Some(path)
    }

    pub fn harness(&self) -> PathBuf {
        self.lib.join(harness::ENTRY_FILE)
    }

    /// The child's whole environment: a clean slate plus what the run needs. The parent's
    /// PYTHON* variables (PYTHONPATH, PYTHONUTF8...) must not change what a test sees.
    pub fn environment(&self, extra: &[(String, String)]) -> Vec<(OsString, OsString)> {
        let mut env: Vec<(OsString, OsString)> = ["PATH", "LANG", "LC_ALL", "LC_CTYPE"]
            .iter()
            .filter_map(|name| std::env::var_os(name).map(|v| (OsString::from(name), v)))
            .collect();
        env.push(("HOME".into(), self.work.clone().into()));
        env.push(("TMPDIR".into(), self.tmp.clone().into()));
        env.push(("PYTHONDONTWRITEBYTECODE".into(), "1".into()));
        env.push(("PYTHONNOUSERSITE".into(), "1".into()));
        for (key, value) in extra {
            env.retain(|(k, _)| k != key.as_str());
            env.push((key.into(), value.into()));
        }
        env
    }
}

const PREFIX: &str = "iolings-";
const TESTS_AHEAD_FILE: &str = ".iolings-tests-ahead.py";

/// Remove the sandboxes in TMPDIR left by iolings processes that are gone (killed by a
/// signal, the OOM killer or a power cut); the number removed.
pub fn remove_stale() -> usize {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        if pid > 0 && !process_exists(pid) && is_ours(&entry.path()) {
            remove_tree(&entry.path());
            removed += 1;
        }
    }
    removed
}

fn process_exists(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 checks for existence and permission; nothing is delivered.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Only folders of this user: another user's sandbox is theirs to clean.
fn is_ours(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir() && m.uid() == uid)
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        remove_tree(&self.root);
    }
}

/// Remove a sandbox whatever the exercise left in it: folders it locked with chmod (which
/// stop a non-root user), or a tree deeper than one process can hold open at once.
fn remove_tree(path: &Path) {
    if fs::remove_dir_all(path).is_ok() || !path.exists() {
        return;
    }
    unlock(path);
    if fs::remove_dir_all(path).is_ok() {
        return;
    }
    // GNU and BSD rm walk with relative descriptors and cope with any depth.
    let _ = super::process::run_helper(
        std::process::Command::new("rm")
            .args(["-rf", "--"])
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
}

/// Give the owner rwx on every folder below `path`, never following symlinks.
fn unlock(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let mode = meta.permissions().mode();
    if mode & 0o700 != 0o700 {
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode | 0o700));
    }
    if let Ok(entries) = fs::read_dir(path) {
        for entry in entries.flatten() {
            unlock(&entry.path());
        }
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    let meta = fs::metadata(from)?;
    if meta.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        fs::copy(from, to)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandboxes_of_dead_processes_are_removed_and_live_ones_kept() {
        let tmp = std::env::temp_dir();
        // A pid far above any pid_max in use is never alive.
        let dead = tmp.join(format!("{PREFIX}2147483000-test{}", std::process::id()));
        let live = tmp.join(format!("{PREFIX}{}-test", std::process::id()));
        for d in [&dead, &live] {
            fs::create_dir_all(d.join("work")).unwrap();
        }
        remove_stale();
        assert!(!dead.exists(), "a dead owner's sandbox stays");
        assert!(live.exists(), "a live owner's sandbox was removed");
        fs::remove_dir_all(&live).unwrap();
    }

    #[test]
    fn locked_folders_are_removed_too() {
        use std::os::unix::fs::PermissionsExt;
        let sandbox = Sandbox::with_fixtures(&[], None).unwrap();
        let root = sandbox.work.parent().unwrap().to_path_buf();
        let locked = sandbox.work.join("a/b");
        fs::create_dir_all(&locked).unwrap();
        fs::write(locked.join("f"), b"x").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        fs::set_permissions(sandbox.work.join("a"), fs::Permissions::from_mode(0o500)).unwrap();
        drop(sandbox);
        assert!(!root.exists());
    }

    #[test]
    fn the_directory_goes_away_when_dropped() {
        let src = tempfile::NamedTempFile::new().unwrap();
        let sandbox = Sandbox::with_fixtures(&[], None).unwrap();
        sandbox.put_exercise(src.path(), "x.py").unwrap();
        let root = sandbox.work.parent().unwrap().to_path_buf();
        assert!(root.join("work/x.py").exists());
        drop(sandbox);
        assert!(!root.exists());
    }

    #[test]
    fn exercise_env_overrides_and_parent_python_vars_do_not_leak() {
        std::env::set_var("PYTHONPATH", "/nowhere");
        let sandbox = Sandbox::with_fixtures(&[], None).unwrap();
        let env = sandbox.environment(&[("LC_ALL".into(), "C".into())]);
        assert!(env.iter().all(|(k, _)| k != "PYTHONPATH"));
        assert_eq!(env.iter().filter(|(k, _)| k == "LC_ALL").count(), 1);
        assert!(env.iter().any(|(k, v)| k == "LC_ALL" && v == "C"));
    }
}
