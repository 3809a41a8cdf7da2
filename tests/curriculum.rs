//! The curriculum check: `iolings dev check --shipped` on the workbook built into the binary
//! (the committed files, whatever the working tree holds). Every shipped exercise must fail
//! its tests, every solution must pass, no file may be orphaned, every typical mistake under
//! tests/mistakes must fail with the teaching message its `# expect:` line names, and every
//! other correct solution under tests/alternatives must pass.

use std::path::Path;
use std::process::Command;

#[test]
fn every_exercise_fails_every_solution_passes_every_mistake_teaches() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_iolings"))
        .args([
            "--color",
            "never",
            "dev",
            "check",
            "--shipped",
            "--mistakes",
        ])
        .arg(repo.join("tests/mistakes"))
        .arg("--alternatives")
        .arg(repo.join("tests/alternatives"))
        .current_dir(repo)
        .env_remove("IOLINGS_PYTHON")
        .output()
        .expect("iolings starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the curriculum check failed ({})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    for claim in [
        "every mistake fails with its lesson",
        "every alternative solution passes",
        "the copy built into iolings",
    ] {
        assert!(
            stdout.contains(claim),
            "the check did not cover: {claim}\n{stdout}\n{stderr}"
        );
    }
}
