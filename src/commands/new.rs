//! `iolings dev new NAME --lesson DIR`: scaffold an exercise, its solution and its info.toml
//! entry, so an instructor starts from a file that already runs (and fails).

use std::path::Path;

use anyhow::Context;

use crate::cli::GlobalArgs;
use crate::workbook::info::RawInfo;
use crate::workbook::manifest::{self, MANIFEST_FILE};
use crate::workbook::{Workbook, INFO_FILE};

/// The scaffold's placeholder hints and docstring line; `dev check` flags any still shipped.
pub const PLACEHOLDER_HINTS: [&str; 2] = ["a nudge", "nearly the answer"];
pub const PLACEHOLDER_DOCSTRING: &str = "Explain the idea here in a few sentences";

const TEMPLATE: &str = r#""""TITLE

Explain the idea here in a few sentences, with a tiny example.

Task: describe precisely what the function takes, returns or raises, and which files it
touches.
"""


def solve(path):
    # TODO: the learner works here.
    raise NotImplementedError("solve() is not written yet: replace this line with your code")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.


def test_solve():
    got = solve("input.txt")
    assert got == "expected", "say what is wrong and what to do next"
"#;

pub fn new(g: &GlobalArgs, name: &str, lesson: &str) -> anyhow::Result<u8> {
    let workbook = super::load_workbook(g)?;
    if workbook.index_of(name).is_some() {
        return Err(super::coded(
            2,
            format!("an exercise named `{name}` already exists"),
        ));
    }
    if !crate::workbook::is_valid_name(name) {
        return Err(super::coded(
            2,
            format!("`{name}` is not a valid name: use a-z, 0-9 and _"),
        ));
    }
    if !workbook.lessons.iter().any(|l| l.dir == lesson) {
        let known: Vec<&str> = workbook.lessons.iter().map(|l| l.dir.as_str()).collect();
        return Err(super::coded(
            2,
            format!(
                "no lesson `{lesson}` in {INFO_FILE} (known: {}); add a [[lessons]] table first",
                known.join(", ")
            ),
        ));
    }
    let info_path = workbook.root.join(INFO_FILE);
    let source = std::fs::read_to_string(&info_path)
        .with_context(|| format!("could not read {}", info_path.display()))?;
    let updated = insert_entry(&source, name, lesson)?;
    // Check the result before touching anything: on failure nothing is written.
    if let Err(problems) = toml::from_str::<RawInfo>(&updated) {
        anyhow::bail!("could not add the entry to {INFO_FILE} ({problems}); add it by hand");
    }
    let text = TEMPLATE.replace(
        "TITLE",
        &format!("{name}: one line saying what this exercise teaches"),
    );
    for dir in ["exercises", "solutions"] {
        let path = workbook
            .root
            .join(dir)
            .join(lesson)
            .join(format!("{name}.py"));
        write_new(&path, &text)?;
        println!(
            "wrote {}",
            path.strip_prefix(&workbook.root).unwrap_or(&path).display()
        );
    }
    crate::atomic::write(&info_path, updated.as_bytes())?;
    println!("added [[exercises]] name = \"{name}\" to {INFO_FILE}");
    Workbook::load(&workbook.root)?;
    // A workbook that ships a manifest records the new files (and only them: other edits in
    // the folder are not the author's to ship by accident) as shipped right away.
    let manifest_path = workbook.root.join(MANIFEST_FILE);
    if let Ok(text) = std::fs::read_to_string(&manifest_path) {
        let mut entries = manifest::parse(&text).map_err(|e| super::coded(3, e))?;
        for rel in [
            format!("exercises/{lesson}/{name}.py"),
            format!("solutions/{lesson}/{name}.py"),
            INFO_FILE.to_string(),
        ] {
            let bytes = std::fs::read(workbook.root.join(&rel))
                .with_context(|| format!("could not read {rel}"))?;
            entries.retain(|e| e.path != rel);
            entries.push(manifest::Entry {
                blob: manifest::blob_id(&bytes),
                path: rel,
            });
        }
        super::lock::write(&workbook.root, &entries)?;
        println!("recorded the new files and {INFO_FILE} in {MANIFEST_FILE}");
    }
    println!(
        "Next: write the task and tests, solve it under solutions/, then `{}` (and `{}` to record it as shipped).",
        crate::invocation::with("dev check"),
        crate::invocation::with("dev lock")
    );
    Ok(0)
}

fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "could not create {} (does it exist already?)",
                path.display()
            )
        })?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// info.toml with a new [[exercises]] table after the last exercise of `lesson` (or at the
/// end), so exercises stay in lesson order.
fn insert_entry(source: &str, name: &str, lesson: &str) -> anyhow::Result<String> {
    let raw: RawInfo = toml::from_str(source).context("info.toml does not parse")?;
    let last_start = raw
        .exercises
        .iter()
        .filter(|e| e.get_ref().lesson.get_ref() == lesson)
        .map(|e| e.span().start)
        .max();
    // The table ends where the next table header starts (or at the end of the file).
    let end = last_start.map_or(source.len(), |start| {
        let after = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i + 1);
        let mut offset = after;
        // Where the run of blank and comment lines before the next header begins: a
        // separator comment belongs to the table below it.
        let mut run_start = None;
        for line in source[after..].split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with('[') {
                return run_start.unwrap_or(offset);
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                run_start.get_or_insert(offset);
            } else {
                run_start = None;
            }
            offset += line.len();
        }
        source.len()
    });
    let entry = format!(
        "[[exercises]]\nname = \"{name}\"\nlesson = \"{lesson}\"\nfixtures = []\nhints = [\n  \"a nudge\",\n  \"nearly the answer\",\n]\n"
    );
    let mut out = String::with_capacity(source.len() + entry.len() + 1);
    out.push_str(&source[..end]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if end < source.len() || !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(&entry);
    if end < source.len() && !source[end..].starts_with('\n') {
        out.push('\n');
    }
    out.push_str(&source[end..]);
    Ok(out)
}
