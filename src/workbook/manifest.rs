//! The shipped-files manifest (`workbook.manifest`): every file of the workbook as its authors
//! committed it, named by its git blob id. Shared by the build script, which embeds exactly
//! those bytes, and by `dev lock`, which writes the manifest.
//!
//! This file is compiled twice (here and in `build.rs` through `#[path]`), so it uses nothing
//! but std and `sha1_smol`.

use std::path::Path;
use std::process::Command;

pub const MANIFEST_FILE: &str = "workbook.manifest";

/// The workbook files a learner gets (`init` writes them; `reset` restores from them).
pub const SHIPPED_TOPS: &[&str] = &["exercises", "solutions"];
pub const SHIPPED_FILES: &[&str] = &["info.toml", "docs/workbook-readme.md"];

/// One line of the manifest: a path relative to the workbook root and its git blob id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub blob: String,
}

/// The git blob id of `bytes` (`git hash-object`): sha1 of `blob <len>\0<bytes>`.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    hasher.digest().to_string()
}

/// Parse the manifest: `<40 hex> <path>` per line; `#` comments and blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (blob, path) = line.split_once(' ').ok_or_else(|| {
            format!(
                "{MANIFEST_FILE}:{}: expected `<blob id> <path>`",
                number + 1
            )
        })?;
        let valid_blob = blob.len() == 40 && blob.bytes().all(|b| b.is_ascii_hexdigit());
        let valid_path = !path.is_empty()
            && !path.starts_with('/')
            && !path
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == "..");
        if !valid_blob || !valid_path {
            return Err(format!(
                "{MANIFEST_FILE}:{}: `{line}` is not `<40-digit blob id> <relative path>`",
                number + 1
            ));
        }
        if entries.iter().any(|e: &Entry| e.path == path) {
            return Err(format!(
                "{MANIFEST_FILE}:{}: {path} is listed twice; run `dev lock` to write the manifest afresh",
                number + 1
            ));
        }
        entries.push(Entry {
            path: path.to_string(),
            blob: blob.to_ascii_lowercase(),
        });
    }
    Ok(entries)
}

/// The manifest's text for `entries` (sorted by path, so diffs stay small).
pub fn render(entries: &[Entry]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::from(
        "# The workbook as shipped: git blob id and path of every file a learner gets.\n\
         # The binary embeds exactly these bytes (from the working tree when a file is unchanged,\n\
         # otherwise from git), so reset, init and grading never see a learner's edits.\n\
         # Written by `iolings dev lock` (and `dev new`); do not edit by hand.\n",
    );
    for e in sorted {
        out.push_str(&format!("{} {}\n", e.blob, e.path));
    }
    out
}

/// Where the shipped bytes of `entry` were found.
#[allow(dead_code)] // the build script uses it; the binary only reads what it embedded
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The working tree file is unchanged.
    WorkingTree,
    /// The working tree differs (a learner's edit, a deletion); git had the shipped object.
    Git,
}

#[allow(dead_code)] // see `Source`
/// The shipped bytes of `entry` under `root`: the working-tree file if its blob id matches,
/// else the object from git. None when neither has them.
pub fn shipped_bytes(root: &Path, entry: &Entry) -> Option<(Vec<u8>, Source)> {
    if let Ok(bytes) = std::fs::read(root.join(&entry.path)) {
        if blob_id(&bytes) == entry.blob {
            return Some((bytes, Source::WorkingTree));
        }
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "blob", &entry.blob])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    // Never trust what came back without checking it is the object asked for.
    (output.status.success() && blob_id(&output.stdout) == entry.blob)
        .then_some((output.stdout, Source::Git))
}
