//! `iolings doctor`: the interpreter, each sandbox protection (active or why not), the file
//! watcher's limits and the terminal's capabilities.

use colored::Colorize;

use crate::cli::GlobalArgs;
use crate::progress::STATE_DIR;
use crate::render::{self, symbols};
use crate::runner::confine::{ADDRESS_SPACE_LIMIT, FILE_SIZE_LIMIT};
use crate::runner::process::OUTPUT_CAP;
use crate::runner::python;
use crate::runner::Runner;

pub fn doctor(g: &GlobalArgs) -> anyhow::Result<u8> {
    let mut problems = 0;
    let workbook = super::load_workbook(g);
    section("Workbook");
    match &workbook {
        Ok(w) => line(
            true,
            &format!(
                "{} lessons, {} exercises in {}",
                w.lessons.len(),
                w.exercises.len(),
                w.root
                    .canonicalize()
                    .unwrap_or_else(|_| w.root.clone())
                    .display()
            ),
        ),
        Err(e) => {
            problems += 1;
            line(false, &format!("{e:#}"));
        }
    }
    if let Ok(w) = &workbook {
        match state_dir_writable(&w.root) {
            Ok(dir) => line(true, &format!("progress is saved in {}", dir.display())),
            Err(why) => {
                problems += 1;
                line(false, &format!("progress cannot be saved: {why}"));
            }
        }
    }
    section("Python");
    // Resolve afresh (not from the cache) and refresh the cache with the answer.
    let cache = workbook.as_ref().ok().map(super::python_cache);
    if let Some(c) = &cache {
        let _ = std::fs::remove_file(c);
    }
    let python = python::discover(g.python.as_deref(), cache.as_deref());
    match &python {
        Ok(p) => line(
            true,
            &format!(
                "Python {} at {} (found as {})",
                p.version_string(),
                p.executable.display(),
                p.found_as
            ),
        ),
        Err(e) => {
            problems += 1;
            line(false, &format!("{e:#}"));
        }
    }
    section("Sandbox");
    line(
        true,
        "fresh temporary directory per run; cwd, HOME and TMPDIR inside it; removed afterwards",
    );
    line(
        true,
        "own process group, killed after every run and on timeout",
    );
    line(true, &format!("limits: CPU time = the exercise's timeout + 2 s, files ≤ {} MB, memory ≤ {} GB, no core dumps", FILE_SIZE_LIMIT >> 20, ADDRESS_SPACE_LIMIT >> 30));
    line(
        true,
        &format!(
            "output capture capped at {} KiB per stream; escape sequences neutralised",
            OUTPUT_CAP >> 10
        ),
    );
    if let Ok(p) = python {
        let runner = Runner::new(p, None);
        if !runner.protections.rlimits {
            problems += 1;
            line(
                false,
                &format!(
                    "{}=off: Landlock, resource limits and the subreaper are switched off",
                    crate::runner::PROTECTIONS_ENV
                ),
            );
        }
        match runner.protections.landlock_abi {
            Some(abi) => line(
                true,
                &format!("Landlock ABI {abi}: writes outside the sandbox are refused"),
            ),
            None => {
                problems += 1;
                line(false, "Landlock unavailable (kernel older than 5.13, disabled, or not Linux): runs can write outside their sandbox");
            }
        }
        if runner.protections.subreaper {
            line(true, "subreaper: processes that escape the group (setsid, double fork) are found and killed");
        } else {
            line(false, "subreaper unavailable: a daemonised child of a learner's program could outlive its run");
        }
        if let Ok(w) = &workbook {
            let outside = w
                .root
                .canonicalize()
                .unwrap_or_else(|_| w.root.clone())
                .join(STATE_DIR)
                .join("doctor-probe.txt");
            let _ = std::fs::create_dir_all(w.root.join(STATE_DIR));
            match runner.self_test(&outside) {
                Ok(t) => {
                    let _ = std::fs::remove_file(&outside);
                    line(
                        t.inside_write_ok,
                        &format!(
                            "probe run: writing inside the sandbox {}",
                            if t.inside_write_ok { "works" } else { "FAILED" }
                        ),
                    );
                    let expect_refused = runner.protections.landlock_abi.is_some();
                    line(
                        t.outside_write_refused == expect_refused,
                        &format!(
                            "probe run: writing to {} was {} ({} ms)",
                            outside.display(),
                            if t.outside_write_refused {
                                "refused"
                            } else {
                                "allowed"
                            },
                            t.elapsed.as_millis()
                        ),
                    );
                    if t.outside_write_refused != expect_refused || !t.inside_write_ok {
                        problems += 1;
                    }
                }
                Err(e) => {
                    problems += 1;
                    line(false, &format!("probe run failed: {e:#}"));
                }
            }
        }
    }
    section("File watcher");
    for (name, file) in [
        ("max_user_watches", "/proc/sys/fs/inotify/max_user_watches"),
        (
            "max_user_instances",
            "/proc/sys/fs/inotify/max_user_instances",
        ),
    ] {
        match std::fs::read_to_string(file) {
            Ok(v) => line(true, &format!("inotify {name} = {}", v.trim())),
            Err(_) => line(
                true,
                &format!(
                    "inotify {name}: not available here (use `{}`)",
                    crate::invocation::with("watch --poll")
                ),
            ),
        }
    }
    section("Terminal");
    let style = render::style();
    line(
        true,
        &format!(
            "stdout is {}; colors {}; {}; hyperlinks {}",
            if super::stdout_is_tty() {
                "a terminal"
            } else {
                "not a terminal"
            },
            if colored::control::SHOULD_COLORIZE.should_colorize() {
                "on"
            } else {
                "off"
            },
            if style.unicode {
                "Unicode symbols"
            } else {
                "ASCII symbols (the locale is not UTF-8)"
            },
            if style.links { "on" } else { "off" }
        ),
    );
    match crossterm::terminal::size() {
        Ok((w, h)) if w >= 40 && h >= 10 => line(true, &format!("size {w}x{h}")),
        Ok((w, h)) if w > 0 && h > 0 => line(
            false,
            &format!(
                "size {w}x{h}: watch mode needs at least 40x10 to be readable; enlarge the window"
            ),
        ),
        // 0x0 (or no answer) is what a pipe or a dumb terminal reports: nothing to size.
        _ => line(true, "size unknown (not a terminal that reports one)"),
    }
    let term = std::env::var("TERM").unwrap_or_default();
    if term.is_empty() || term == "dumb" {
        line(
            true,
            &format!(
                "TERM={}: watch mode prints each verdict as a line log instead of drawing a screen",
                if term.is_empty() { "(unset)" } else { "dumb" }
            ),
        );
    }
    println!();
    if problems == 0 {
        println!(
            "{} everything iolings needs is in place",
            symbols().pass.green().bold()
        );
        Ok(0)
    } else {
        println!(
            "{} {problems} problem{} above",
            symbols().fail.red().bold(),
            if problems == 1 { "" } else { "s" }
        );
        Ok(1)
    }
}

fn section(title: &str) {
    println!("{}", title.bold());
}

fn line(ok: bool, text: &str) {
    let s = symbols();
    let mark = if ok { s.pass.green() } else { s.fail.red() };
    println!("  {mark} {text}");
}

/// Whether the progress folder can be written: a real write and removal, not a permission
/// guess (root ignores modes, read-only mounts ignore them the other way).
fn state_dir_writable(root: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let dir = root.join(crate::progress::STATE_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    tempfile::NamedTempFile::new_in(&dir)
        .map(|_| dir.clone())
        .map_err(|e| format!("could not write in {}: {e}", dir.display()))
}
