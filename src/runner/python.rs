//! Finding the Python interpreter: --python, $IOLINGS_PYTHON, python3, python — resolved once
//! to the real executable (version-manager shims cost 100+ ms per start) and cached.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

pub const MINIMUM: (u32, u32) = (3, 10);

/// A resolved interpreter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Python {
    /// The real executable (`sys.executable`), not a shim.
    pub executable: PathBuf,
    pub version: (u32, u32, u32),
    /// How it was found, for messages: "--python", "$IOLINGS_PYTHON", "python3 on PATH"...
    pub found_as: String,
}

impl Python {
    pub fn version_string(&self) -> String {
        let (a, b, c) = self.version;
        format!("{a}.{b}.{c}")
    }
}

/// What a cached resolution depends on: if any of it changes, ask the interpreter again.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct CacheKey {
    candidate: PathBuf,
    candidate_mtime: Option<SystemTime>,
    executable_mtime: Option<SystemTime>,
    /// Version managers choose by these (pyenv, virtualenvs, conda).
    selectors: Vec<(String, String)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheEntry {
    key: CacheKey,
    python: Python,
}

/// Find and resolve the interpreter. `cache` is a file to remember the answer in.
pub fn discover(explicit: Option<&Path>, cache: Option<&Path>) -> anyhow::Result<Python> {
    let (candidate, found_as) = candidate(explicit)?;
    if let Some(python) = cache.and_then(|c| read_cache(c, &candidate)) {
        return Ok(python);
    }
    let python = resolve(&candidate, found_as)?;
    if let Some(cache) = cache {
        write_cache(cache, &candidate, &python);
    }
    Ok(python)
}

fn candidate(explicit: Option<&Path>) -> anyhow::Result<(PathBuf, String)> {
    if let Some(path) = explicit {
        let found = find_program(path.as_os_str()).with_context(|| {
            format!(
                "--python {}: {}. Give the path of a Python 3.10+ interpreter.",
                path.display(),
                why_not_executable(path)
            )
        })?;
        return Ok((found, "--python".into()));
    }
    if let Some(value) = std::env::var_os("IOLINGS_PYTHON").filter(|v| !v.is_empty()) {
        let found = find_program(&value).with_context(|| {
            format!(
                "IOLINGS_PYTHON={}: {}. Fix or unset the variable.",
                Path::new(&value).display(),
                why_not_executable(Path::new(&value))
            )
        })?;
        return Ok((found, "$IOLINGS_PYTHON".into()));
    }
    for name in ["python3", "python"] {
        if let Some(found) = find_program(name.as_ref()) {
            return Ok((found, format!("{name} on PATH")));
        }
    }
    bail!(
        "no Python interpreter found (looked for python3 and python on PATH).\n\
         Install Python 3.10 or newer, or point iolings at one with --python PATH or IOLINGS_PYTHON=PATH."
    )
}

/// A path with a slash is taken as is; a bare name is looked up on PATH.
fn find_program(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let path = Path::new(name);
    if path.components().count() > 1 {
        return is_executable(path).then(|| path.to_path_buf());
    }
    let dirs: OsString = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// What is wrong with a path that is not an interpreter we can start.
fn why_not_executable(path: &Path) -> &'static str {
    match path.metadata() {
        Err(_) if path.components().count() == 1 => "not found on PATH",
        Err(_) => "no such file",
        Ok(m) if m.is_dir() => "is a folder, not a program",
        Ok(_) => "exists but is not executable (not a program, or missing its x permission)",
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Valid Python 2 as well, so an old interpreter reports its version instead of a SyntaxError.
const PROBE: &str = "import sys; sys.stdout.write(sys.executable + '\\n' + ' '.join(map(str, sys.version_info[:3])) + '\\n')";

fn resolve(candidate: &Path, found_as: String) -> anyhow::Result<Python> {
    let output = Command::new(candidate)
        .args(["-c", PROBE])
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start {} ({found_as})", candidate.display()))?;
    if !output.status.success() {
        bail!(
            "{} ({found_as}) failed to start: {}\nPoint iolings at a working Python 3.10+ with --python PATH.",
            candidate.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let executable = lines.next().map(str::trim).unwrap_or_default();
    let version = parse_version(lines.next().unwrap_or_default()).with_context(|| {
        format!(
            "{} ({found_as}) did not report a version",
            candidate.display()
        )
    })?;
    if (version.0, version.1) < MINIMUM {
        bail!(
            "{} ({found_as}) is Python {}.{}.{}, too old: iolings needs Python {}.{} or newer.\n\
             Install a newer Python and point iolings at it with --python PATH or IOLINGS_PYTHON=PATH.",
            candidate.display(),
            version.0,
            version.1,
            version.2,
            MINIMUM.0,
            MINIMUM.1
        );
    }
    // An embedded or odd interpreter may report an empty sys.executable: keep the candidate.
    let executable = if executable.is_empty() || !Path::new(executable).exists() {
        candidate.to_path_buf()
    } else {
        PathBuf::from(executable)
    };
    Ok(Python {
        executable,
        version,
        found_as,
    })
}

fn parse_version(line: &str) -> Option<(u32, u32, u32)> {
    let mut parts = line.split_whitespace().map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

fn mtime(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

fn cache_key(candidate: &Path, executable: &Path) -> CacheKey {
    let selectors = ["PYENV_VERSION", "VIRTUAL_ENV", "CONDA_PREFIX", "PATH"]
        .iter()
        .map(|name| (name.to_string(), std::env::var(name).unwrap_or_default()))
        .chain(std::iter::once((
            ".python-version".to_string(),
            std::fs::read_to_string(".python-version").unwrap_or_default(),
        )))
        .collect();
    CacheKey {
        candidate: candidate.to_path_buf(),
        candidate_mtime: mtime(candidate),
        executable_mtime: mtime(executable),
        selectors,
    }
}

fn read_cache(cache: &Path, candidate: &Path) -> Option<Python> {
    let text = std::fs::read_to_string(cache).ok()?;
    let entry: CacheEntry = serde_json::from_str(&text).ok()?;
    (entry.key == cache_key(candidate, &entry.python.executable)).then_some(entry.python)
}

fn write_cache(cache: &Path, candidate: &Path, python: &Python) {
    let entry = CacheEntry {
        key: cache_key(candidate, &python.executable),
        python: python.clone(),
    };
    // The cache only saves time: failing to write it is not worth an error.
    if let Ok(text) = serde_json::to_string_pretty(&entry) {
        let _ = crate::atomic::write(cache, text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("3 11 7"), Some((3, 11, 7)));
        assert_eq!(parse_version("3 11"), None);
    }
}
