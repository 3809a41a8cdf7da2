//! The workbook as shipped, built into the binary: `init` writes it out, `reset` and
//! `solution` restore from it, `--pristine-tests` and `dev check --shipped` grade against it.
//! The build script embeds exactly the bytes `workbook.manifest` names (see `manifest`).

use std::path::Path;

use anyhow::Context;

use super::manifest::{blob_id, MANIFEST_FILE};

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The learner-facing README that `init` writes as the new workbook's README.md.
const WORKBOOK_README: &str = "docs/workbook-readme.md";

/// Why the shipped copy of a file is not available.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("{0} is not part of the workbook built into this iolings ({MANIFEST_FILE} does not list it), so there is no shipped copy of it")]
    NotShipped(String),
    #[error("the shipped copy of {path} was not built into this iolings: the file had been changed before the build and git has no copy of the shipped version (blob {blob}). Get it from the course's repository (`git show {blob} > {path}`) or rebuild iolings from a fresh clone")]
    Missing { path: String, blob: String },
}

fn key(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The shipped content of a workbook-relative path such as `exercises/01_x/a.py`.
pub fn get(relative: &Path) -> Result<&'static [u8], Unavailable> {
    let wanted = key(relative);
    match FILES.iter().find(|(path, _, _)| *path == wanted) {
        Some((_, _, Some(bytes))) => Ok(bytes),
        Some((path, blob, None)) => Err(Unavailable::Missing {
            path: path.to_string(),
            blob: blob.to_string(),
        }),
        None => Err(Unavailable::NotShipped(wanted)),
    }
}

/// The shipped content, or None for any reason (see `get` for the reason).
pub fn file(relative: &Path) -> Option<&'static [u8]> {
    get(relative).ok()
}

/// Whether the file at `root/relative` is byte-identical to the shipped copy.
pub fn is_unchanged(root: &Path, relative: &Path) -> bool {
    let wanted = key(relative);
    FILES.iter().any(|(path, blob, _)| {
        *path == wanted && std::fs::read(root.join(relative)).is_ok_and(|b| blob_id(&b) == *blob)
    })
}

/// Write the shipped workbook into `dir` (which must be empty): info.toml, README.md (the
/// learner's), exercises/ and solutions/. Nothing is written when any file is unavailable.
pub fn write_workbook(dir: &Path) -> anyhow::Result<usize> {
    let mut files = Vec::new();
    for (path, blob, bytes) in FILES {
        let bytes = bytes.ok_or_else(|| Unavailable::Missing {
            path: path.to_string(),
            blob: blob.to_string(),
        })?;
        let target = if *path == WORKBOOK_README {
            "README.md"
        } else {
            path
        };
        files.push((target, bytes));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    for (target, bytes) in &files {
        let path = dir.join(target);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    Ok(files.len())
}

/// The shipped workbook written into a fresh temporary folder (removed when dropped).
pub fn unpack() -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("iolings-shipped-")
        .tempdir()
        .context("could not create a temporary folder for the shipped workbook")?;
    write_workbook(dir.path())?;
    Ok(dir)
}

/// Whether the workbook at `root` is the one built in (its info.toml is the shipped one), so
/// the built-in copies of its files are the right ones to fall back on.
pub fn is_builtin_workbook(root: &Path) -> bool {
    is_unchanged(root, Path::new(super::INFO_FILE))
}
