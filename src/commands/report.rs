//! `iolings report FILE...`: a gradebook from learners' JSON reports, as a table or CSV.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::report::gradebook::{Entry, Gradebook};
use crate::report::{Report, FORMAT, VERSION};

pub fn report(files: &[PathBuf], csv: bool) -> anyhow::Result<u8> {
    let mut entries = Vec::with_capacity(files.len());
    for file in files {
        entries.push(Entry {
            learner: learner_name(file),
            report: read(file)?,
        });
    }
    let book = Gradebook::new(&entries);
    print!("{}", if csv { book.csv() } else { book.table() });
    Ok(0)
}

/// `results/alice.json` → `alice`.
fn learner_name(file: &Path) -> String {
    file.file_stem()
        .unwrap_or(file.as_os_str())
        .to_string_lossy()
        .into_owned()
}

fn read(file: &Path) -> anyhow::Result<Report> {
    let bytes =
        std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    // The format and version first, so an old or foreign file gets a message that says so
    // rather than a complaint about some field.
    let head: serde_json::Value = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not JSON; reports are written by `{}`",
            file.display(),
            crate::invocation::with("verify --format json")
        )
    })?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(super::coded(
            2,
            format!(
                "{} is not an iolings report (no \"format\": \"{FORMAT}\"); write reports with `{}`",
                file.display(),
                crate::invocation::with("verify --format json")
            ),
        ));
    }
    match head.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        other => {
            return Err(super::coded(
                2,
                format!(
                    "{} is a version {} report; this iolings reads version {VERSION}: use the iolings that wrote it",
                    file.display(),
                    other.map_or("unknown".to_string(), |v| v.to_string())
                ),
            ))
        }
    }
    serde_json::from_value(head)
        .with_context(|| format!("{} is not a complete iolings report", file.display()))
}
