//! Watch mode: the learner's home screen. Composes the runner (runs in worker threads), the
//! renderer (verdict text) and the file watcher; the loop itself lives in `app`.

mod app;
mod events;
mod lines;
mod screen;
mod terminal;

use std::io::IsTerminal;
use std::sync::mpsc;
use std::sync::Arc;

use crate::cli::{GlobalArgs, WatchArgs};
use crate::runner::verdict::Verdict;
use crate::start;

/// Everything the loop reacts to, from every thread, through one channel.
pub enum Event {
    /// An exercise file was saved (debounced; may be unchanged content).
    Saved(String),
    Key(crossterm::event::KeyEvent),
    Resize,
    /// A run finished. `generation` tells a current run from a superseded one.
    RunDone {
        generation: u64,
        name: String,
        hash: u64,
        verdict: Option<Box<Verdict>>,
        started: std::time::Instant,
    },
    CheckProgress(usize, usize),
    CheckDone(Vec<Verdict>),
    WatchError(String),
}

pub fn start(g: &GlobalArgs, args: &WatchArgs) -> anyhow::Result<u8> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(start::coded(
            2,
            format!(
                "watch mode needs an interactive terminal. Use `{0} run [NAME]` to run one exercise, or `{0} verify` for all of them.",
                crate::invocation::command()
            ),
        ));
    }
    let (workbook, progress) = start::load_with_progress(g)?;
    let mut runner = start::runner(g, &workbook)?;
    runner.warm_runs &= !args.no_warm;
    crate::runner::process::install_interrupt_handler();
    let workbook = Arc::new(workbook);
    let (tx, rx) = mpsc::channel();
    let watcher = if args.manual_run {
        None
    } else {
        match events::watch(&workbook, args.poll, tx.clone()) {
            Ok(w) => Some(w),
            Err(e) => {
                return Err(start::coded(
                    crate::exit::COULD_NOT_RUN,
                    format!(
                        "{e:#}\n  help: on network drives, WSL's /mnt/c or in containers try `{cmd} watch --poll`; \
                         or `{cmd} watch --manual-run` and press r to run. If the inotify limit is the cause, \
                         raise fs.inotify.max_user_watches (`{cmd} doctor` shows it).",
                        cmd = crate::invocation::command()
                    ),
                ))
            }
        }
    };
    if lines::terminal_is_dumb() {
        lines::run(&workbook, progress, &runner, &rx);
        drop(watcher);
        return Ok(crate::exit::SUCCESS);
    }
    let guard = terminal::TerminalGuard::enter()?;
    spawn_key_reader(tx.clone());
    let notice = progress.notice.clone();
    let watching = crate::progress::WatchLock::take(&workbook);
    let mut app = app::App::new(workbook, progress, Arc::new(runner), tx, args.manual_run);
    // Said on the screen: anything printed to stderr now would hide behind it.
    if let Some(notice) = notice {
        app.status = notice;
    } else if watching.is_none() {
        app.status = "Another iolings is already watching this workbook: progress from both is merged, but each screen shows only its own runs.".into();
    }
    let result = app.run(&rx);
    drop(watcher);
    app.shutdown();
    drop(guard);
    let summary = app.farewell();
    println!("{summary}");
    // Quitting with q or Ctrl-C is a normal end; a SIGTERM or SIGHUP is an interruption.
    let code = if crate::runner::process::interrupted() && !app.quit_by_key() {
        crate::exit::INTERRUPTED
    } else {
        0
    };
    result.map(|_| code)
}

fn spawn_key_reader(tx: mpsc::Sender<Event>) {
    std::thread::spawn(move || loop {
        let event = match crossterm::event::read() {
            Ok(crossterm::event::Event::Key(key)) => Event::Key(key),
            Ok(crossterm::event::Event::Resize(_, _)) => Event::Resize,
            Ok(_) => continue,
            Err(_) => break,
        };
        if tx.send(event).is_err() {
            break;
        }
    });
}
