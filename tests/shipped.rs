//! The shipped copy of the workbook: whatever a learner does to the files (solves, edits,
//! deletes, edits the tests or fixtures), `reset`, `init`, `solution`, `--pristine-tests` and
//! the curriculum check see the bytes `workbook.manifest` records, and saving an exercise
//! never makes cargo rebuild.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{expect_code, iolings_in, real_workbook, REPO};

/// path -> blob id, from the repository's manifest.
fn manifest() -> BTreeMap<String, String> {
    manifest_at(Path::new(REPO))
}

fn manifest_at(root: &Path) -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(root.join("workbook.manifest")).expect("workbook.manifest exists");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (blob, path) = l.split_once(' ').expect("`blob path` lines");
            (path.to_string(), blob.to_string())
        })
        .collect()
}

/// `git hash-object` of a file's bytes.
fn blob_id(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(&bytes);
    hasher.digest().to_string()
}

#[test]
fn init_writes_every_shipped_file_byte_for_byte_and_a_readme_for_the_installed_command() {
    let wb = real_workbook();
    for (path, blob) in manifest() {
        let written = if path == "docs/workbook-readme.md" {
            wb.path("README.md")
        } else {
            wb.path(&path)
        };
        assert_eq!(
            blob_id(&written),
            blob,
            "{path} differs from the shipped copy"
        );
    }
    let readme = std::fs::read_to_string(wb.path("README.md")).unwrap();
    assert!(readme.contains("\niolings\n"), "{readme}");
    assert!(!readme.contains("cargo run"), "{readme}");
}

#[test]
fn reset_restores_the_shipped_file_after_edits_and_deletions() {
    let wb = real_workbook();
    let shipped = manifest();
    let solved = std::fs::read(wb.path("solutions/01_reading_files/reading1.py")).unwrap();
    std::fs::write(wb.path("exercises/01_reading_files/reading1.py"), solved).unwrap();
    std::fs::remove_file(wb.path("exercises/01_reading_files/reading2.py")).unwrap();
    for name in ["reading1", "reading2"] {
        expect_code(iolings_in(&wb.root).args(["reset", name, "--yes"]), 0);
        let rel = format!("exercises/01_reading_files/{name}.py");
        assert_eq!(blob_id(&wb.path(&rel)), shipped[&rel], "{rel}");
    }
}

/// The learner's tests replaced by one that always passes: a grader must not be fooled.
fn cheat(wb: &common::Copy) -> String {
    let rel = "exercises/01_reading_files/reading1.py";
    let text = std::fs::read_to_string(wb.path(rel)).unwrap();
    let start = text.find("# ----------").expect("a tests marker");
    let cheated = format!(
        "{}# ----------\n# Tests, rewritten by the learner\n\ndef test_nothing():\n    pass\n",
        &text[..start]
    );
    std::fs::write(wb.path(rel), &cheated).unwrap();
    text
}

#[test]
fn pristine_tests_grade_the_learners_code_with_the_shipped_tests_and_fixtures() {
    let wb = real_workbook();
    let original = cheat(&wb);
    let out = expect_code(iolings_in(&wb.root).args(["run", "reading1"]), 0);
    assert!(
        out.stdout
            .contains("your tests differ from the shipped ones")
            && out.stdout.contains("iolings reset --tests reading1"),
        "{}",
        out.both()
    );
    expect_code(
        iolings_in(&wb.root).args(["run", "reading1", "--pristine-tests"]),
        1,
    );
    let out = expect_code(
        iolings_in(&wb.root).args(["verify", "--pristine-tests", "--format", "json"]),
        1,
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let reading1 = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "reading1")
        .expect("reading1 is graded");
    assert_eq!(reading1["verdict"], "tests_failed", "{reading1}");
    assert_eq!(report["pristine_tests"], true);

    // A solved exercise passes pristine grading even when its fixture was "adjusted".
    let solved = std::fs::read(wb.path("solutions/01_reading_files/reading1.py")).unwrap();
    std::fs::write(wb.path("exercises/01_reading_files/reading1.py"), solved).unwrap();
    std::fs::write(
        wb.path("exercises/01_reading_files/fixtures/poem.txt"),
        "changed\n",
    )
    .unwrap();
    expect_code(
        iolings_in(&wb.root).args(["run", "reading1", "--pristine-tests"]),
        0,
    );

    // reset --tests puts back only the tests.
    cheat(&wb);
    let code_before = {
        let t = std::fs::read_to_string(wb.path("exercises/01_reading_files/reading1.py")).unwrap();
        t[..t.find("# ----------").unwrap()].to_string()
    };
    expect_code(
        iolings_in(&wb.root).args(["reset", "--tests", "reading1", "--yes"]),
        0,
    );
    let after = std::fs::read_to_string(wb.path("exercises/01_reading_files/reading1.py")).unwrap();
    assert!(
        after.starts_with(&code_before),
        "the learner's code was kept"
    );
    assert_eq!(
        &after[after.find("# ----------").unwrap()..],
        &original[original.find("# ----------").unwrap()..],
        "the tests are the shipped ones again"
    );
}

#[test]
fn the_curriculum_check_passes_in_a_folder_with_solved_exercises() {
    let wb = real_workbook();
    for entry in std::fs::read_dir(wb.path("solutions/01_reading_files")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            wb.path("exercises/01_reading_files")
                .join(entry.file_name()),
        )
        .unwrap();
    }
    // On the folder itself the check fails (solved exercises pass)...
    expect_code(iolings_in(&wb.root).args(["dev", "check"]), 1);
    // ...on the shipped copy it passes.
    let out = expect_code(
        iolings_in(&wb.root).args(["--color", "never", "dev", "check", "--shipped"]),
        0,
    );
    assert!(
        out.stdout.contains("the copy built into iolings"),
        "{}",
        out.both()
    );
}

#[test]
fn messages_name_the_command_the_learner_started() {
    let wb = real_workbook();
    // As `cargo run` starts it: the same binary, with cargo's package variables.
    let out = expect_code(
        iolings_in(&wb.root)
            .env("CARGO_PKG_NAME", "iolings")
            .args(["solution", "reading1"]),
        2,
    );
    assert!(
        out.stderr.contains("`cargo run -- hint reading1`")
            || out
                .stderr
                .contains("`cargo run --release -- hint reading1`"),
        "{}",
        out.both()
    );
    let out = expect_code(iolings_in(&wb.root).args(["solution", "reading1"]), 2);
    assert!(
        out.stderr.contains("`iolings hint reading1`"),
        "{}",
        out.both()
    );
}

/// Edits, a commit of the learner's work and a rebuild: a fresh clone built in a target
/// folder of its own (kept between runs, so only the first run pays for the dependencies).
#[test]
fn a_rebuild_after_edits_and_a_commit_still_embeds_the_shipped_files() {
    let repo = Path::new(REPO);
    let has_git = Command::new("git")
        .args(["-C", REPO, "rev-parse", "--git-dir"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_git {
        eprintln!("skipped: {REPO} is not a git checkout (or git is missing)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("clone");
    git(
        dir.path(),
        &["clone", "--quiet", REPO, clone.to_str().unwrap()],
    );
    let target = repo.join("target").join("shipped-check");
    let build = || {
        let out = Command::new(env!("CARGO"))
            .args(["build", "--offline", "--quiet", "--bin", "iolings"])
            .arg("--manifest-path")
            .arg(clone.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .expect("cargo starts");
        assert!(
            out.status.success(),
            "cargo build failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::metadata(target.join("debug/iolings"))
            .and_then(|m| m.modified())
            .unwrap()
    };
    let built = build();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let exercise = clone.join("exercises/01_reading_files/reading1.py");
    let solved = std::fs::read(clone.join("solutions/01_reading_files/reading1.py")).unwrap();
    std::fs::write(&exercise, &solved).unwrap();
    std::fs::remove_file(clone.join("exercises/01_reading_files/reading2.py")).unwrap();
    assert_eq!(
        build(),
        built,
        "saving an exercise must not rebuild iolings"
    );

    // The learner commits their work, then the build script runs again (cargo clean, a new
    // toolchain): the shipped bytes now come from git's history.
    git(
        &clone,
        &[
            "-c",
            "user.name=l",
            "-c",
            "user.email=l@x",
            "commit",
            "-qam",
            "my work",
        ],
    );
    std::fs::write(clone.join("build.rs"), {
        let mut text = std::fs::read_to_string(clone.join("build.rs")).unwrap();
        text.push_str("\n// touched\n");
        text
    })
    .unwrap();
    build();
    let binary = target.join("debug/iolings");
    let shipped = manifest_at(&clone);
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::new(&binary);
        cmd.arg("--workbook")
            .arg(&clone)
            .args(args)
            .env_remove("CARGO_PKG_NAME");
        expect_code(&mut cmd, 0)
    };
    run(&["reset", "reading1", "--yes"]);
    run(&["reset", "reading2", "--yes"]);
    for name in ["reading1", "reading2"] {
        let rel = format!("exercises/01_reading_files/{name}.py");
        assert_eq!(blob_id(&clone.join(&rel)), shipped[&rel], "{rel}");
    }
    std::fs::write(&exercise, &solved).unwrap();
    let fresh = dir.path().join("fresh");
    run(&["init", fresh.to_str().unwrap()]);
    let rel = "exercises/01_reading_files/reading1.py";
    assert_eq!(blob_id(&fresh.join(rel)), shipped[rel]);
    run(&["dev", "check", "--shipped"]);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git starts");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
