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
    println!("Wrote the workbook ({files} files) to {}.", dir.display());
    println!(
        "Next: cd {} && iolings   (install it first with `cargo install --path .` from the iolings source if `iolings` is not on your PATH)",
        dir.display()
    );
    Ok(0)
}
