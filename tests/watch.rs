//! Watch mode end to end: `iolings` in a 120x40 pseudo-terminal on a copy of the real workbook,
//! driven with keys and file writes the way a learner (and their editor) would. The screen is
//! checked as a raw byte stream (see tests/watch_support), progress and files on disk directly,
//! and the watch loop's own trace (IOLINGS_TRACE) where "nothing happened" must be shown.
//! Unix only (a pty); the tests that look for leftover processes read /proc (Linux).

#![cfg(unix)]

mod common;
mod watch_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use expectrl::Regex;
use watch_support::{
    alive, cpu_ticks, failing, repo_file, solution_of, write_by_rename, write_in_place, Watch,
    READING1, SEEDED,
};

/// Enough for notify, the debouncer and the loop's 100 ms tick to have reacted to a write.
const SETTLE: Duration = Duration::from_millis(500);

#[test]
fn first_start_welcomes_then_introduces_the_lesson_then_shows_the_verdict() {
    let mut w = Watch::start(None, &[]);
    w.expect("Welcome to iolings");
    w.expect("Press any key to begin.");
    w.send(" ");
    w.expect("Lesson 01");
    w.expect("Enter start");
    w.send("\r");
    w.expect(failing("reading1"));
    let state = w.wb.state();
    assert_eq!(state["welcomed"], true, "{state:#}");
    assert_eq!(state["current"], "reading1", "{state:#}");
    assert_eq!(
        state["lessons_introduced"],
        serde_json::json!(["01_reading_files"]),
        "{state:#}"
    );
}

#[test]
fn the_second_start_goes_straight_to_the_exercise() {
    let mut w = Watch::start(Some(r#"{"welcomed": true, "current": "reading2"}"#), &[]);
    // The lesson was never introduced: its introduction comes first, then the exercise.
    w.expect("Lesson 01");
    w.expect("Enter start");
    w.send("\r");
    w.expect(failing("reading2"));
    assert!(
        !String::from_utf8_lossy(w.output()).contains("Welcome to iolings"),
        "the welcome message is shown once only"
    );
}

#[test]
fn saving_in_place_reruns_the_exercise() {
    let mut w = Watch::seeded();
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    w.expect("reading1 is done!");
    w.wait_done("reading1", true);
    // And back: the watcher keeps watching after the first save.
    write_in_place(&w.path(READING1), &repo_file(READING1));
    w.expect(failing("reading1"));
    w.wait_done("reading1", false);
}

#[test]
fn saving_by_rename_reruns_the_exercise() {
    let mut w = Watch::seeded();
    write_by_rename(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    // The exercise is now another inode: renaming over it once more must still be seen.
    write_by_rename(&w.path(READING1), &repo_file(READING1));
    w.expect(failing("reading1"));
    write_by_rename(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
}

#[test]
fn saving_like_vim_with_writebackup_reruns_the_exercise() {
    // vim's default on Linux: probe the folder with 4913, move the original aside as
    // reading1.py~, write a new reading1.py, delete the backup.
    let mut w = Watch::seeded();
    let folder = w.path("exercises/01_reading_files");
    std::fs::write(folder.join("4913"), b"").unwrap();
    std::fs::remove_file(folder.join("4913")).unwrap();
    std::fs::rename(w.path(READING1), folder.join("reading1.py~")).unwrap();
    std::fs::write(w.path(READING1), solution_of(READING1)).unwrap();
    std::fs::remove_file(folder.join("reading1.py~")).unwrap();
    w.expect("reading1 passed");
}

/// The shipped reading1 behind a module-level sleep: a run that stays in flight.
fn slow_reading1(seconds: u32) -> Vec<u8> {
    let mut slow = format!("import time\ntime.sleep({seconds})\n").into_bytes();
    slow.extend_from_slice(&repo_file(READING1));
    slow
}

#[test]
#[cfg(target_os = "linux")]
fn a_new_save_cancels_the_run_in_flight() {
    let mut w = Watch::seeded();
    let before = w.trace_lines().len();
    write_in_place(&w.path(READING1), &slow_reading1(60));
    w.wait_trace_after(before, "run started");
    w.expect("Running reading1");
    let start = Instant::now();
    while w.processes_in_tmp().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5), "{}", w.describe());
        w.pump(Duration::from_millis(20));
    }
    let slow = w.running_pids();
    // The slow save found a warm run waiting: this cancels a warm run in flight.
    assert!(
        w.trace_lines()[before..]
            .iter()
            .any(|l| l == "run started (warm)"),
        "{}",
        w.describe()
    );
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    // The superseded run was stopped, not left sleeping, and its sandbox removed; what may
    // remain is the next warm run, waiting with no exercise in its sandbox.
    let start = Instant::now();
    while slow.iter().any(|p| alive(*p))
        || !w.running_pids().is_empty()
        || !w.sandboxes_in_use().is_empty()
    {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the superseded run lives on: {:?} {:?}",
            w.processes_in_tmp(),
            w.sandboxes()
        );
        w.pump(Duration::from_millis(20));
    }
}

#[test]
fn an_unchanged_save_during_a_run_does_not_restart_it() {
    let mut w = Watch::seeded();
    let slow = slow_reading1(3);
    let before = w.trace_lines().len();
    write_in_place(&w.path(READING1), &slow);
    let started = w.wait_trace_after(before, "run started");
    // The same bytes again (an editor's autosave, a second :w) while that run is going.
    write_in_place(&w.path(READING1), &slow);
    let saved = w.wait_trace_after(started, "saved reading1");
    w.pump(SETTLE);
    let after: Vec<String> = w.trace_lines().split_off(saved);
    assert!(
        !after.iter().any(|l| l.starts_with("run started")),
        "an unchanged save restarted the run in flight: {:?}",
        w.trace_lines()
    );
}

#[test]
fn swap_backup_and_probe_files_and_unchanged_saves_do_not_rerun() {
    let mut w = Watch::seeded();
    let folder = w.path("exercises/01_reading_files");
    let before = w.trace_lines().len();

    // What vim leaves next to the file it edits: a swap file, a backup, the 4913 probe.
    std::fs::write(folder.join(".reading1.py.swp"), b"swap").unwrap();
    std::fs::write(folder.join("reading1.py~"), repo_file(READING1)).unwrap();
    std::fs::write(folder.join("4913"), b"").unwrap();
    std::fs::remove_file(folder.join("4913")).unwrap();
    std::fs::write(folder.join(".reading1.py.swp"), b"swap, updated").unwrap();
    w.pump(SETTLE);
    let after: Vec<String> = w.trace_lines().split_off(before);
    assert!(
        !after
            .iter()
            .any(|l| l.starts_with("run started") || l.starts_with("saved")),
        "swap/backup/probe files were taken for a save of the exercise: {after:?}"
    );

    // The same bytes written again: seen as a save, but nothing to run.
    let before = w.trace_lines().len();
    write_in_place(&w.path(READING1), &repo_file(READING1));
    let saved = w.wait_trace_after(before, "saved reading1");
    w.pump(SETTLE);
    let after: Vec<String> = w.trace_lines().split_off(saved);
    assert!(
        !after.iter().any(|l| l.starts_with("run started")),
        "an unchanged save reran the exercise: {after:?}"
    );

    // The watcher was alive all along: a real change runs.
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    w.wait_trace_after(saved, "run started");
}

#[test]
fn h_shows_one_more_hint_per_press() {
    let mut w = Watch::seeded();
    w.send("h");
    w.expect("Hint 1/");
    w.expect("hint 1 of ");
    w.send("h");
    let second = w.expect(Regex(r"Hint 2/\d+:"));
    w.expect("hint 2 of ");
    assert_eq!(w.wb.state()["hints_shown"]["reading1"], 2);
    // Then one per press up to the last, and a note instead of more.
    let total: usize = second["Hint 2/".len()..second.len() - 1].parse().unwrap();
    for n in 3..=total {
        w.send("h");
        w.expect(format!("Hint {n}/{total}:"));
    }
    w.send("h");
    w.expect("That was the last hint.");
    assert_eq!(w.wb.state()["hints_shown"]["reading1"], total);
}

/// Another iolings on the same workbook while watch mode runs: what it saved survives the
/// watch's next save (a read-merge-write under a lock), and the watch's own count is kept.
#[test]
fn hints_shown_by_another_iolings_survive_the_watch_s_next_save() {
    let mut w = Watch::seeded();
    w.send("h");
    w.expect("hint 1 of ");
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_iolings"))
            .args(["hint", "writing1"])
            .current_dir(&w.wb.root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run iolings hint");
        assert!(out.status.success(), "{out:?}");
    }
    assert_eq!(w.wb.state()["hints_shown"]["writing1"], 2);
    w.send("h");
    w.expect("hint 2 of ");
    let state = w.wb.state();
    assert_eq!(
        state["hints_shown"]["writing1"], 2,
        "the other process's hints: {state}"
    );
    assert_eq!(
        state["hints_shown"]["reading1"], 2,
        "the watch's own hints: {state}"
    );
    w.send("q");
    w.wait_exit(Duration::from_secs(10));
    let state = w.wb.state();
    assert_eq!(
        state["hints_shown"]["writing1"], 2,
        "after quitting: {state}"
    );
}

#[test]
fn n_waits_for_a_pass_then_moves_to_the_next_exercise() {
    let mut w = Watch::seeded();
    w.send("n");
    w.expect("reading1 is not passing yet");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    w.send("n");
    w.expect(failing("reading2"));
    let state = w.wb.state();
    assert_eq!(state["current"], "reading2", "{state:#}");
    assert_eq!(state["done"], serde_json::json!(["reading1"]), "{state:#}");
}

#[test]
fn x_asks_first_and_restores_the_shipped_version_with_a_backup() {
    let mut w = Watch::seeded();
    let path = w.path(READING1);
    let mine = solution_of(READING1);
    write_in_place(&path, &mine);
    w.expect("reading1 passed");

    w.send("x");
    w.expect("Restore reading1 as shipped (yours is backed up)?");
    w.expect("[y/N]");
    w.send("n");
    w.expect("Nothing was changed.");
    assert_eq!(std::fs::read(&path).unwrap(), mine, "`n` changed the file");
    assert!(!w.path(".iolings/backups").exists(), "`n` made a backup");

    // Any key other than y is a no too.
    w.send("x");
    w.expect("[y/N]");
    w.send("\r");
    w.expect("Nothing was changed.");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        mine,
        "Enter changed the file"
    );

    w.send("x");
    w.expect("[y/N]");
    let before = w.trace_lines().len();
    w.send("y");
    w.expect(failing("reading1"));
    // The restore is one run: the watcher seeing the restored file must not start another.
    w.pump(SETTLE);
    let runs = w.trace_lines()[before..]
        .iter()
        .filter(|l| l.starts_with("run started"))
        .count();
    assert_eq!(runs, 1, "{:?}", &w.trace_lines()[before..]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        repo_file(READING1),
        "x then y must restore the shipped file"
    );
    let backups: Vec<_> = std::fs::read_dir(w.path(".iolings/backups"))
        .expect("a backups folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read(&backups[0]).unwrap(),
        mine,
        "the backup holds the learner's version"
    );
    w.wait_done("reading1", false);

    // Nothing to reset now.
    w.send("x");
    w.expect("[y/N]");
    w.send("y");
    w.expect("reading1 is already as shipped.");
}

#[test]
fn x_says_where_the_backup_is() {
    let mut w = Watch::seeded();
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    w.send("x");
    w.expect("[y/N]");
    w.send("y");
    w.expect("reading1 restored; your version is kept as .iolings/backups/reading1-");
}

#[test]
fn q_quits_restores_the_terminal_and_leaves_no_sandbox() {
    let mut w = Watch::seeded();
    assert!(
        w.trace_lines()
            .iter()
            .any(|l| l.starts_with("run finished")),
        "a run happened (so a sandbox was made in TMPDIR)"
    );
    w.send("q");
    let code = w.wait_exit(Duration::from_secs(10));
    let out = w.output().to_vec();
    assert_eq!(code, 0, "{}", w.describe());

    // The last frame ends with the end of a synchronized update; what follows is the exit.
    let text = String::from_utf8_lossy(&out);
    let last_frame = text
        .rfind("\x1b[?2026l")
        .expect("at least one frame was drawn");
    let after = &text[last_frame..];
    assert!(
        after.contains("\x1b[?1049l"),
        "the alternate screen was not left: {after:?}"
    );
    assert!(
        after.contains("\x1b[?25h"),
        "the cursor was not shown again: {after:?}"
    );
    let farewell = after.rsplit("\x1b[?1049l").next().unwrap();
    let lines: Vec<&str> = farewell
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "{farewell:?}");
    assert!(
        lines[0].starts_with("Progress saved: 0/") && lines[0].contains("exercises done"),
        "{farewell:?}"
    );
    assert!(w.sandboxes().is_empty(), "left behind: {:?}", w.sandboxes());
}

#[test]
fn ctrl_c_quits_like_q() {
    let mut w = Watch::seeded();
    w.send("\x03");
    assert_eq!(w.wait_exit(Duration::from_secs(10)), 0, "{}", w.describe());
    assert!(String::from_utf8_lossy(w.output()).contains("Progress saved"));
}

#[test]
#[cfg(target_os = "linux")]
fn quitting_during_a_run_stops_it_and_cleans_up() {
    let mut w = Watch::seeded();
    let slow = slow_reading1(60);
    let before = w.trace_lines().len();
    write_in_place(&w.path(READING1), &slow);
    w.wait_trace_after(before, "run started");
    w.expect("Running reading1");
    // Positive control: the run is under way in a sandbox in our TMPDIR.
    let start = Instant::now();
    while w.processes_in_tmp().is_empty() || w.sandboxes().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the slow run never showed up in TMPDIR\n{}",
            w.describe()
        );
        w.pump(Duration::from_millis(20));
    }

    let pressed = Instant::now();
    w.send("q");
    let code = w.wait_exit(Duration::from_secs(8));
    assert_eq!(code, 0, "{}", w.describe());
    assert!(
        pressed.elapsed() < Duration::from_secs(5),
        "quitting waited {:?} for the run",
        pressed.elapsed()
    );
    assert!(w.sandboxes().is_empty(), "left behind: {:?}", w.sandboxes());
    assert!(
        w.processes_in_tmp().is_empty(),
        "still running: {:?}",
        w.processes_in_tmp()
    );
}

#[test]
fn l_lists_the_exercises_and_esc_returns() {
    let mut w = Watch::seeded();
    w.send("l");
    w.expect("Exercises (showing all)");
    w.expect("reading1");
    w.expect("(current)");
    w.send("\x1b");
    w.expect(failing("reading1"));
    // From the list, Enter on another row jumps there.
    w.send("l");
    w.expect("Exercises (showing all)");
    w.send("j");
    w.expect(Regex(r">\s+reading2 "));
    w.send("\r");
    w.expect(failing("reading2"));
    assert_eq!(w.wb.state()["current"], "reading2");
}

#[test]
fn question_mark_shows_the_keys_and_esc_returns() {
    let mut w = Watch::seeded();
    w.send("?");
    w.expect("Keys (no Enter needed)");
    w.expect("show the next hint");
    w.send("\x1b");
    w.expect(failing("reading1"));
}

#[test]
fn q_closes_every_view_and_quits_only_from_the_exercise() {
    let mut w = Watch::seeded();
    for (key, shows) in [
        ("?", "Keys (no Enter needed)"),
        ("l", "Exercises (showing all)"),
    ] {
        w.send(key);
        w.expect(shows);
        w.send("q");
        w.expect(failing("reading1"));
    }
    // In the introduction, scrolling keys scroll: only Enter, Esc or q leave it.
    w.send("i");
    w.expect("Press Enter to start reading1");
    w.send(" ");
    w.send("G");
    w.pump(SETTLE);
    assert!(
        !w.seen(failing("reading1")),
        "a scrolling key left the introduction\n{}",
        w.describe()
    );
    w.send("q");
    w.expect(failing("reading1"));
    w.send("q");
    assert_eq!(w.wait_exit(Duration::from_secs(10)), 0, "{}", w.describe());
}

#[test]
fn a_deleted_then_restored_file_is_run_again_and_the_warning_goes() {
    let mut w = Watch::seeded();
    let path = w.path(READING1);
    let shipped = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    w.expect("reading1.py was deleted");
    let before = w.trace_lines().len();
    std::fs::write(&path, &shipped).unwrap();
    w.wait_trace_after(before, "run finished reading1");
    w.expect(failing("reading1"));
    w.pump(SETTLE);
    assert!(!w.seen("was deleted"), "{}", w.describe());
}

#[test]
fn a_dumb_terminal_gets_a_line_log_instead_of_a_screen() {
    let mut w = Watch::start_env(Some(SEEDED), &[], &[("TERM", "dumb")]);
    w.expect("cannot draw a screen");
    w.expect(failing("reading1"));
    let path = w.path(READING1);
    write_in_place(&path, &solution_of(READING1));
    w.expect("reading1 passed");
    w.signal(expectrl::Signal::SIGINT);
    w.wait_exit(Duration::from_secs(10));
    let text = String::from_utf8_lossy(w.output());
    assert!(
        !text.contains("\x1b[?1049h") && !text.contains("\x1b[3"),
        "a dumb terminal got escape codes: {text:?}"
    );
}

#[test]
fn saving_another_exercise_runs_it_in_the_background() {
    let mut w = Watch::seeded();
    let reading3 = "exercises/01_reading_files/reading3.py";
    write_in_place(&w.path(reading3), &solution_of(reading3));
    w.expect("reading3 passes now and is marked done");
    w.wait_done("reading3", true);
    assert_eq!(
        w.wb.state()["current"],
        "reading1",
        "the current exercise stays"
    );
    // The current exercise is still the one on screen.
    w.send("r");
    w.expect(failing("reading1"));
}

#[test]
fn poll_mode_reruns_on_save() {
    let mut w = Watch::start(Some(SEEDED), &["watch", "--poll"]);
    w.expect(failing("reading1"));
    w.wait_trace("run finished reading1");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
}

#[test]
fn manual_run_mode_runs_on_r_only() {
    let mut w = Watch::start(Some(SEEDED), &["watch", "--manual-run"]);
    w.expect(failing("reading1"));
    let runs = w.wait_trace("run finished reading1");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.pump(SETTLE);
    let after: Vec<String> = w.trace_lines().split_off(runs);
    assert!(
        !after
            .iter()
            .any(|l| l.starts_with("saved") || l.starts_with("run started")),
        "--manual-run watched the files: {after:?}"
    );
    w.send("r");
    w.expect("reading1 passed");
}

fn no_tty(args: &[&str]) -> (i32, String) {
    let wb = common::real_workbook();
    let out = Command::new(env!("CARGO_BIN_EXE_iolings"))
        .args(args)
        .current_dir(&wb.root)
        .env("LC_ALL", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env_remove("CARGO_PKG_NAME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("iolings starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn without_a_terminal_watch_mode_refuses_and_suggests_run() {
    for args in [&[][..], &["watch"][..]] {
        let (code, text) = no_tty(args);
        assert_eq!(code, 2, "iolings {args:?}: {text}");
        assert!(
            text.contains("needs an interactive terminal"),
            "iolings {args:?}: {text}"
        );
        assert!(text.contains("iolings run"), "iolings {args:?}: {text}");
        assert!(
            !text.contains("\x1b[?1049h"),
            "iolings {args:?} touched the terminal: {text:?}"
        );
    }
}

#[test]
fn with_stdout_redirected_watch_mode_refuses() {
    // A terminal on stdin but not on stdout (`iolings > file`, `iolings | less`).
    let wb = common::real_workbook();
    let out_file = wb.root.parent().unwrap().join("out.txt");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("exec \"$0\" watch >\"$1\" 2>&1")
        .arg(env!("CARGO_BIN_EXE_iolings"))
        .arg(&out_file)
        .current_dir(&wb.root)
        .env("LC_ALL", "C.UTF-8")
        .env("NO_COLOR", "1");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn");
    let start = Instant::now();
    let code = loop {
        match session.get_process().status() {
            Ok(expectrl::WaitStatus::Exited(_, code)) => break code,
            Ok(expectrl::WaitStatus::StillAlive) => {}
            other => panic!("{other:?}"),
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "iolings did not exit"
        );
        let mut buf = [0u8; 4096];
        let _ = session.try_read(&mut buf);
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("needs an interactive terminal"), "{text}");
}

#[test]
#[cfg(target_os = "linux")]
fn a_termination_signal_during_a_run_restores_the_terminal_and_cleans_up() {
    // SIGTERM (kill, a service manager) and SIGHUP (the terminal window was closed).
    for signal in [expectrl::Signal::SIGTERM, expectrl::Signal::SIGHUP] {
        let mut w = Watch::seeded();
        let before = w.trace_lines().len();
        write_in_place(&w.path(READING1), &slow_reading1(60));
        w.wait_trace_after(before, "run started");
        let start = Instant::now();
        while w.processes_in_tmp().is_empty() {
            assert!(start.elapsed() < Duration::from_secs(5), "{}", w.describe());
            w.pump(Duration::from_millis(20));
        }
        w.signal(signal);
        let code = w.wait_exit(Duration::from_secs(8));
        assert!(code == 0 || code == 130, "{signal:?}: exit code {code}");
        let text = String::from_utf8_lossy(w.output()).into_owned();
        let after = &text[text.rfind("\x1b[?2026l").expect("a frame")..];
        assert!(
            after.contains("\x1b[?1049l") && after.contains("\x1b[?25h"),
            "{signal:?}: terminal not restored: {after:?}"
        );
        assert!(w.sandboxes().is_empty(), "{signal:?}: {:?}", w.sandboxes());
        assert!(
            w.processes_in_tmp().is_empty(),
            "{signal:?}: {:?}",
            w.processes_in_tmp()
        );
    }
}

#[test]
fn a_resized_terminal_is_redrawn_to_its_new_size() {
    let mut w = Watch::seeded();
    w.resize(60, 20);
    // Too narrow for the long key list: the short one.
    w.expect("h n r l x s t c i ? q (? help)");
    w.resize(120, 40);
    w.expect("h hint · n next");
}

#[test]
fn a_stale_background_run_never_overwrites_a_newer_one() {
    let mut w = Watch::seeded();
    let reading3 = "exercises/01_reading_files/reading3.py";
    // A slow, failing save of another exercise, then a quick correct one while it runs.
    let mut slow = b"import time\ntime.sleep(3)\n".to_vec();
    slow.extend_from_slice(&repo_file(reading3));
    let before = w.trace_lines().len();
    write_in_place(&w.path(reading3), &slow);
    w.wait_trace_after(before, "run started");
    write_in_place(&w.path(reading3), &solution_of(reading3));
    w.expect("reading3 passes now and is marked done");
    // The slow run was cancelled: nothing later marks reading3 as failing again.
    w.pump(Duration::from_millis(3500));
    assert!(
        w.wb.done().contains(&"reading3".to_string()),
        "{}",
        w.describe()
    );
    assert!(!w.seen("reading3: tests failed"), "{}", w.describe());
}

#[test]
fn edited_tests_are_noticed_and_t_restores_only_them() {
    let mut w = Watch::seeded();
    let shipped = String::from_utf8(repo_file(READING1)).unwrap();
    let marker = shipped.find("# ----------").expect("a tests marker");
    let mine = format!(
        "# my notes\n{}# ----------\n# Tests\n\ndef test_nothing():\n    pass\n",
        &shipped[..marker]
    );
    write_in_place(&w.path(READING1), mine.as_bytes());
    w.expect("your tests differ from the shipped ones: T restores them");
    w.send("T");
    w.expect("[y/N]");
    w.send("y");
    w.expect(failing("reading1"));
    let now = String::from_utf8(std::fs::read(w.path(READING1)).unwrap()).unwrap();
    assert!(
        now.starts_with("# my notes\n"),
        "the learner's code is kept"
    );
    assert!(
        now.ends_with(&shipped[marker..]),
        "the shipped tests are back"
    );
}

#[test]
fn t_opens_the_io_trace_traces_saves_while_open_and_closes_again() {
    let mut w = Watch::seeded();
    w.send("t");
    // The verdict on screen was not traced: the exercise runs again, traced.
    w.expect("Saves are traced while this view is open.");
    w.expect("I/O of your code, per test");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect(Regex(r"open +poem\.txt"));
    w.send("t");
    w.expect("reading1 passed");
}

// ---- warm runs ------------------------------------------------------------------------------

/// Between saves a warm interpreter waits: in a sandbox with the fixtures but not the
/// exercise (no learner code has run), blocked, using no CPU. The next save uses it, and a
/// fresh one replaces it.
#[test]
#[cfg(target_os = "linux")]
fn a_warm_run_waits_idle_and_the_next_save_uses_it() {
    let mut w = Watch::seeded();
    let (pid, line) = w.warm_pid_after(0, "reading1");
    w.pump(Duration::from_millis(300)); // let it finish starting
    assert!(alive(pid), "{}", w.describe());
    assert!(
        w.pids_in_tmp().contains(&(pid, false)),
        "the warm interpreter's sandbox already holds an exercise: {:?}",
        w.pids_in_tmp()
    );
    let before = cpu_ticks(pid);
    w.pump(Duration::from_millis(500));
    assert_eq!(cpu_ticks(pid), before, "the waiting interpreter used CPU");

    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    let started = w.wait_trace_after(line, "run started");
    assert_eq!(w.trace_lines()[started - 1], "run started (warm)");
    let (next, _) = w.warm_pid_after(started, "reading1");
    assert_ne!(next, pid);
    let start = Instant::now();
    while alive(pid) {
        assert!(
            start.elapsed() < TIMEOUT_SHORT,
            "the used interpreter lives on"
        );
        w.pump(Duration::from_millis(20));
    }
    // And the fresh one works as well: back to failing.
    write_in_place(&w.path(READING1), &repo_file(READING1));
    w.expect(failing("reading1"));
}

const TIMEOUT_SHORT: Duration = Duration::from_secs(5);

/// Saving another exercise runs it from scratch and leaves the current one's warm run be.
#[test]
#[cfg(target_os = "linux")]
fn a_save_of_another_exercise_keeps_the_warm_run_of_the_current_one() {
    let mut w = Watch::seeded();
    let (pid, line) = w.warm_pid_after(0, "reading1");
    let reading3 = "exercises/01_reading_files/reading3.py";
    write_in_place(&w.path(reading3), &solution_of(reading3));
    w.expect("reading3 passes now and is marked done");
    let started = w.wait_trace_after(line, "run started");
    assert_eq!(w.trace_lines()[started - 1], "run started");
    assert!(alive(pid), "the warm run of reading1 was dropped");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    let started = w.wait_trace_after(started, "run started");
    assert_eq!(w.trace_lines()[started - 1], "run started (warm)");
}

/// Moving to another exercise kills the old warm run and prepares one of the new exercise.
#[test]
#[cfg(target_os = "linux")]
fn switching_exercises_replaces_the_warm_run() {
    let mut w = Watch::seeded();
    let (_, line) = w.warm_pid_after(0, "reading1");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    let started = w.wait_trace_after(line, "run started");
    let (pid, line) = w.warm_pid_after(started, "reading1");
    w.send("n");
    w.expect(failing("reading2"));
    let (next, next_line) = w.warm_pid_after(line, "reading2");
    assert!(alive(next));
    let start = Instant::now();
    while alive(pid) {
        assert!(
            start.elapsed() < TIMEOUT_SHORT,
            "reading1's warm run lives on"
        );
        w.pump(Duration::from_millis(20));
    }
    let reading2 = "exercises/01_reading_files/reading2.py";
    write_in_place(&w.path(reading2), &solution_of(reading2));
    w.expect("reading2 passed");
    let started = w.wait_trace_after(next_line, "run started");
    assert_eq!(w.trace_lines()[started - 1], "run started (warm)");
}

/// Quitting kills the waiting interpreter and removes its sandbox.
#[test]
#[cfg(target_os = "linux")]
fn quitting_kills_the_warm_run_and_removes_its_sandbox() {
    let mut w = Watch::seeded();
    let (pid, _) = w.warm_pid_after(0, "reading1");
    assert!(alive(pid));
    assert_eq!(w.sandboxes().len(), 1, "{:?}", w.sandboxes());
    w.send("q");
    assert_eq!(w.wait_exit(Duration::from_secs(10)), 0, "{}", w.describe());
    assert!(!alive(pid), "the warm interpreter outlived iolings");
    assert!(w.sandboxes().is_empty(), "left behind: {:?}", w.sandboxes());
}

/// A warm interpreter killed from outside while waiting: the save runs from scratch instead.
#[test]
#[cfg(target_os = "linux")]
fn a_warm_run_that_died_while_waiting_is_replaced_by_a_fresh_run() {
    let mut w = Watch::seeded();
    let (pid, line) = w.warm_pid_after(0, "reading1");
    let killed = Command::new("kill").args(["-9", &pid.to_string()]).status();
    assert!(killed.is_ok_and(|s| s.success()));
    w.pump(Duration::from_millis(100));
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    let started = w.wait_trace_after(line, "run started");
    assert_eq!(w.trace_lines()[started - 1], "run started");
}

/// `--no-warm`: no interpreter waits, and saves still run.
#[test]
fn no_warm_starts_every_run_at_the_save() {
    let mut w = Watch::start(Some(SEEDED), &["watch", "--no-warm"]);
    w.expect(failing("reading1"));
    w.wait_trace("run finished reading1");
    write_in_place(&w.path(READING1), &solution_of(READING1));
    w.expect("reading1 passed");
    w.pump(Duration::from_millis(300));
    let lines = w.trace_lines();
    assert!(
        !lines.iter().any(|l| l.starts_with("warm ready")),
        "{lines:?}"
    );
    assert!(w.sandboxes().is_empty(), "{:?}", w.sandboxes());
}

/// Where close events count (not with --poll), a save by an editor that writes twice in a row
/// ends with the verdict of the second write.
#[test]
fn two_quick_saves_end_with_the_verdict_of_the_second() {
    let mut w = Watch::seeded();
    write_in_place(&w.path(READING1), &solution_of(READING1));
    write_in_place(&w.path(READING1), &slow_reading1(1));
    w.expect(failing("reading1"));
    w.pump(Duration::from_millis(1500));
    assert!(
        !w.wb.done().contains(&"reading1".to_string()),
        "{}",
        w.describe()
    );
}
