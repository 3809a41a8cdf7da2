//! The workbook as shipped, built into the binary: `init` writes it out, `reset` restores an
//! exercise from it, `solution` falls back to it.

use std::path::Path;

use anyhow::Context;
use include_dir::{include_dir, Dir};

static EXERCISES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/exercises");
static SOLUTIONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/solutions");
const INFO: &str = include_str!("../../info.toml");
const README: &str = include_str!("../../README.md");

/// The shipped content of a workbook-relative path such as `exercises/01_x/a.py`.
pub fn file(relative: &Path) -> Option<&'static [u8]> {
    let mut parts = relative.components();
    let top = parts.next()?.as_os_str().to_str()?;
    let rest = parts.as_path();
    match top {
        "exercises" => EXERCISES.get_file(rest).map(|f| f.contents()),
        "solutions" => SOLUTIONS.get_file(rest).map(|f| f.contents()),
        _ => None,
    }
}

/// Write info.toml, README.md, exercises/ and solutions/ into `dir` (which must be empty).
pub fn write_workbook(dir: &Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let mut written = 0;
    for (name, text) in [("info.toml", INFO), ("README.md", README)] {
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("could not write {}", dir.join(name).display()))?;
        written += 1;
    }
    for (top, tree) in [("exercises", &EXERCISES), ("solutions", &SOLUTIONS)] {
        written += write_dir(&dir.join(top), tree)?;
    }
    Ok(written)
}

fn write_dir(target: &Path, tree: &Dir<'_>) -> anyhow::Result<usize> {
    std::fs::create_dir_all(target)
        .with_context(|| format!("could not create {}", target.display()))?;
    let mut written = 0;
    for file in tree.files() {
        let name = file
            .path()
            .file_name()
            .context("embedded file without a name")?;
        let path = target.join(name);
        std::fs::write(&path, file.contents())
            .with_context(|| format!("could not write {}", path.display()))?;
        written += 1;
    }
    for sub in tree.dirs() {
        let name = sub
            .path()
            .file_name()
            .context("embedded folder without a name")?;
        written += write_dir(&target.join(name), sub)?;
    }
    Ok(written)
}
