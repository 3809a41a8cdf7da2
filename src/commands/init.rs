//! `iolings init DIR [--classroom github|gitlab]`: write a fresh workbook from the copy built
//! into the binary, and optionally the CI workflow that grades it.

use std::path::Path;

use anyhow::Context;

use crate::cli::Classroom;
use crate::workbook::embedded;

/// The workflows of docs/ci/, built in so `init` writes exactly what the docs show.
const GITHUB_CLASSROOM: &str = include_str!("../../docs/ci/github-classroom.yml");
const GITLAB_CI: &str = include_str!("../../docs/ci/gitlab-ci.yml");

pub fn init(dir: &Path, classroom: Option<Classroom>) -> anyhow::Result<u8> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(super::coded(
            2,
            format!(
                "{} already exists and is not empty; choose a new folder so nothing is overwritten",
                dir.display()
            ),
        ));
    }
    let files = embedded::write_workbook(dir)?;
    let here = is_here(dir);
    let shown = if here {
        "this folder".to_string()
    } else {
        dir.display().to_string()
    };
    println!("Wrote the workbook ({files} files) to {shown}.");
    if let Some(platform) = classroom {
        let (relative, text) = match platform {
            Classroom::Github => (".github/workflows/classroom.yml", GITHUB_CLASSROOM),
            Classroom::Gitlab => (".gitlab-ci.yml", GITLAB_CI),
        };
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create {}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("could not write {}", path.display()))?;
        println!(
            "Wrote the grading workflow to {}: set the IOLINGS_GIT and IOLINGS_REV variables it names (docs/grading.md in the iolings source says how).",
            path.display()
        );
    }
    let command = crate::invocation::command();
    if command == "iolings" {
        if here {
            println!("Next: iolings");
        } else {
            println!("Next: cd {} && iolings", dir.display());
        }
    } else {
        // Started through cargo: the workbook has no Cargo.toml, so cargo must stay here.
        println!(
            "Next: {command} --workbook {}   (or install it with `cargo install --path .` and run `iolings` in that folder)",
            dir.display()
        );
    }
    Ok(0)
}

/// Whether `dir` is the folder iolings was started in.
fn is_here(dir: &Path) -> bool {
    match (std::fs::canonicalize(dir), std::env::current_dir()) {
        (Ok(dir), Ok(cwd)) => dir == cwd,
        _ => dir == Path::new("."),
    }
}
