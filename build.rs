//! Embeds the shipped workbook: the files `workbook.manifest` names, byte-identical to what the
//! authors committed. A file the learner changed is taken from git instead, and one that cannot
//! be found is recorded as missing (the binary then says so), never embedded as edited.
//!
//! Only the manifest and this script are build inputs, so saving an exercise never rebuilds.

#[path = "src/workbook/manifest.rs"]
#[allow(dead_code)]
mod manifest;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed={}", manifest::MANIFEST_FILE);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/workbook/manifest.rs");
    let text = std::fs::read_to_string(root.join(manifest::MANIFEST_FILE)).unwrap_or_else(|e| {
        panic!(
            "could not read {}: {e}; it lists the shipped workbook (restore it from git)",
            manifest::MANIFEST_FILE
        )
    });
    let entries = manifest::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let generated = embed(&root, &out, &entries);
    std::fs::write(out.join("shipped.rs"), generated).expect("OUT_DIR is writable");
}

/// Copy every shipped file into OUT_DIR and return Rust source listing them.
fn embed(root: &Path, out: &Path, entries: &[manifest::Entry]) -> String {
    let store = out.join("shipped");
    std::fs::create_dir_all(&store).expect("OUT_DIR is writable");
    let mut code = String::from(
        "/// (path, blob id, bytes): None when the shipped copy could not be found at build time.\n\
         pub static FILES: &[(&str, &str, Option<&[u8]>)] = &[\n",
    );
    let mut missing = Vec::new();
    for entry in entries {
        match manifest::shipped_bytes(root, entry) {
            Some((bytes, _)) => {
                let file = store.join(&entry.blob);
                std::fs::write(&file, bytes).expect("OUT_DIR is writable");
                let _ = writeln!(
                    code,
                    "    ({:?}, {:?}, Some(include_bytes!({:?}))),",
                    entry.path, entry.blob, file
                );
            }
            None => {
                missing.push(entry.path.clone());
                let _ = writeln!(code, "    ({:?}, {:?}, None),", entry.path, entry.blob);
            }
        }
    }
    code.push_str("];\n");
    if !missing.is_empty() {
        println!(
            "cargo:warning={} shipped workbook file(s) changed and not found in git (e.g. {}); \
             reset and init will say so for them",
            missing.len(),
            missing[0]
        );
    }
    code
}
