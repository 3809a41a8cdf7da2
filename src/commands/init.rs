//! `iolings init DIR`: write a fresh workbook from the copy built into the binary.

use std::path::Path;

use crate::workbook::embedded;

pub fn init(dir: &Path) -> anyhow::Result<u8> {
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
