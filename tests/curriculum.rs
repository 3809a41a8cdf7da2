//! The curriculum check: `iolings dev check --mistakes tests/mistakes` on the real workbook at
//! the repository root. Every shipped exercise must fail its tests, every solution must pass,
//! no file may be orphaned, and every typical mistake under tests/mistakes must fail with the
//! teaching message its `# expect:` line names.

use std::path::Path;
use std::process::Command;

#[test]
fn every_exercise_fails_every_solution_passes_every_mistake_teaches() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_iolings"))
        .arg("--workbook")
        .arg(repo)
        .args(["--color", "never", "dev", "check", "--mistakes"])
        .arg(repo.join("tests/mistakes"))
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
    assert!(
        stdout.contains("every mistake fails with its lesson"),
        "the check ran without the mistakes\n{stdout}\n{stderr}"
    );
}
