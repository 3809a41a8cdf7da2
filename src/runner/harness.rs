//! The harness's Python files (embedded in the binary) and where a run finds them: a cache
//! folder holding them precompiled, so each run skips compiling a few thousand lines of
//! Python, or, where that folder cannot be made, fresh copies in the run's sandbox.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use super::python::Python;

pub const HARNESS: &str = include_str!("harness.py");
pub const TESTKIT: &str = include_str!("iolings_testkit.py");
/// pytest's everyday API, imported as `pytest` when the real one is not importable.
pub const PYTEST: &str = include_str!("iolings_pytest.py");
/// The I/O tracer, imported by the harness only for traced runs (`run --trace`).
pub const TRACER: &str = include_str!("iolings_trace.py");
/// The script the interpreter runs; it imports the (precompiled) harness module.
const ENTRY: &str = "import sys\nimport iolings_harness\niolings_harness.main(sys.argv)\n";
pub const ENTRY_FILE: &str = "harness.py";

/// Write the harness as plain sources into `dir` (the per-run fallback).
pub fn write_sources(dir: &Path) -> std::io::Result<()> {
    std::fs::write(dir.join(ENTRY_FILE), HARNESS)?;
    std::fs::write(dir.join("iolings_testkit.py"), TESTKIT)?;
    std::fs::write(dir.join("iolings_pytest.py"), PYTEST)?;
    std::fs::write(dir.join("iolings_trace.py"), TRACER)
}

/// A folder under `cache_root` with the harness precompiled by `python`; made once per
/// harness version and interpreter, atomically (built aside, then renamed into place).
pub fn prepare_cache(python: &Python, cache_root: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(cache_root)
        .with_context(|| format!("could not create {}", cache_root.display()))?;
    // Absolute: the interpreter runs with the sandbox as its working directory.
    let cache_root = &cache_root.canonicalize()?;
    let dir = cache_root.join(format!("harness-{:016x}", fingerprint(python)));
    if dir.join(ENTRY_FILE).is_file() {
        return Ok(dir);
    }
    let building = tempfile::Builder::new()
        .prefix(".building-")
        .tempdir_in(cache_root)?;
    let path = building.path();
    std::fs::write(path.join(ENTRY_FILE), ENTRY)?;
    std::fs::write(path.join("iolings_harness.py"), HARNESS)?;
    std::fs::write(path.join("iolings_testkit.py"), TESTKIT)?;
    std::fs::write(path.join("iolings_pytest.py"), PYTEST)?;
    std::fs::write(path.join("iolings_trace.py"), TRACER)?;
    let status = Command::new(&python.executable)
        .args([
            "-S",
            "-m",
            "py_compile",
            "iolings_harness.py",
            "iolings_testkit.py",
            "iolings_pytest.py",
            "iolings_trace.py",
        ])
        .current_dir(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("could not run Python to precompile the harness")?;
    anyhow::ensure!(status.success(), "Python could not precompile the harness");
    let built = building.keep();
    if let Err(e) = std::fs::rename(&built, &dir) {
        let _ = std::fs::remove_dir_all(&built);
        // Another iolings may have made it meanwhile: that one is as good as ours.
        if !dir.join(ENTRY_FILE).is_file() {
            return Err(e).context("could not move the harness cache into place");
        }
    }
    Ok(dir)
}

/// Changes when the harness sources or the interpreter change.
fn fingerprint(python: &Python) -> u64 {
    use std::hash::{Hash, Hasher};
    // FNV-1a: stable across builds and platforms, unlike std's DefaultHasher.
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    HARNESS.hash(&mut h);
    TESTKIT.hash(&mut h);
    PYTEST.hash(&mut h);
    TRACER.hash(&mut h);
    python.executable.hash(&mut h);
    python.version.hash(&mut h);
    h.finish()
}
