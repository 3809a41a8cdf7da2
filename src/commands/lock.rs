//! `iolings dev lock`: record the workbook's files as shipped in `workbook.manifest`, the list
//! the build embeds. `--check` only compares (for CI: the manifest must match the commit).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use colored::Colorize;

use crate::cli::GlobalArgs;
use crate::workbook::manifest::{self, Entry, MANIFEST_FILE, SHIPPED_FILES, SHIPPED_TOPS};

pub fn lock(g: &GlobalArgs, check: bool) -> anyhow::Result<u8> {
    let workbook = super::load_workbook(g)?;
    let root = &workbook.root;
    let current = scan(root)?;
    let path = root.join(MANIFEST_FILE);
    let recorded = match std::fs::read_to_string(&path) {
        Ok(text) => manifest::parse(&text).map_err(|e| super::coded(3, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    let changes = differences(&recorded, &current);
    if check {
        if changes.is_empty() {
            println!(
                "{MANIFEST_FILE} matches the workbook ({} files)",
                current.len()
            );
            return Ok(0);
        }
        for change in &changes {
            println!("{} {change}", "✗".red());
        }
        println!(
            "\n{} file(s) differ from {MANIFEST_FILE}: run `{}` to record them as shipped",
            changes.len(),
            crate::invocation::with("dev lock")
        );
        return Ok(1);
    }
    write(root, &current)?;
    for change in &changes {
        println!("{change}");
    }
    println!(
        "{MANIFEST_FILE}: {} files recorded as shipped ({} changed). Rebuild so the binary embeds them.",
        current.len(),
        changes.len()
    );
    Ok(0)
}

/// Write the manifest for the files now in the workbook (also used by `dev new`).
pub fn write(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    let path = root.join(MANIFEST_FILE);
    crate::atomic::write(&path, manifest::render(entries).as_bytes())
        .with_context(|| format!("could not write {}", path.display()))
}

/// Every shipped file under `root`, hashed.
pub fn scan(root: &Path) -> anyhow::Result<Vec<Entry>> {
    let mut paths: Vec<String> = SHIPPED_FILES
        .iter()
        .filter(|p| root.join(p).is_file())
        .map(|p| p.to_string())
        .collect();
    for top in SHIPPED_TOPS {
        collect(root, Path::new(top), &mut paths)?;
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(root.join(&path))
                .with_context(|| format!("could not read {path}"))?;
            Ok(Entry {
                blob: manifest::blob_id(&bytes),
                path,
            })
        })
        .collect()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    let full = root.join(dir);
    let Ok(entries) = std::fs::read_dir(&full) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list {}", full.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Byte-code caches and editor droppings are nobody's shipped files.
        let dropping = [".pyc", ".swp", ".swo", ".orig", ".rej", "~"];
        if name == "__pycache__"
            || (name.starts_with('.') && !in_fixtures(dir))
            || dropping.iter().any(|end| name.ends_with(end))
        {
            continue;
        }
        let rel = dir.join(&name);
        if entry.file_type()?.is_dir() {
            collect(root, &rel, out)?;
        } else {
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}

/// Fixtures may hold dotfiles on purpose (a `.env`, a `.hidden` file to be found).
fn in_fixtures(dir: &Path) -> bool {
    dir.components().any(|c| c.as_os_str() == "fixtures")
}

/// One line per file added, removed or changed between two manifests.
pub fn differences(old: &[Entry], new: &[Entry]) -> Vec<String> {
    let old: BTreeMap<&str, &str> = old
        .iter()
        .map(|e| (e.path.as_str(), e.blob.as_str()))
        .collect();
    let new: BTreeMap<&str, &str> = new
        .iter()
        .map(|e| (e.path.as_str(), e.blob.as_str()))
        .collect();
    let mut out = Vec::new();
    for (path, blob) in &new {
        match old.get(path) {
            None => out.push(format!("added    {path}")),
            Some(b) if b != blob => out.push(format!("changed  {path}")),
            _ => {}
        }
    }
    for path in old.keys().filter(|p| !new.contains_key(*p)) {
        out.push(format!("removed  {path}"));
    }
    out
}
