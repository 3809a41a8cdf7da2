//! iolings: parse the command line, dispatch to one command, print an error once.

mod atomic;
mod cli;
mod commands;
mod exit;
mod invocation;
mod learner_files;
mod progress;
mod render;
mod report;
mod runner;
mod start;
mod timestamp;
mod watch;
mod workbook;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, ColorChoice};

fn main() -> ExitCode {
    // `iolings list | head` should end quietly, as Unix tools do, not panic on a closed pipe.
    // SAFETY: restoring the default disposition of one signal at start-up, before any thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    raise_open_file_limit();
    let cli = Cli::parse();
    configure_output(cli.global.color);
    // Watch mode and the commands both start from `start`; neither uses the other.
    let result = match cli.command {
        None => watch::start(&cli.global, &Default::default()),
        Some(cli::Command::Watch(args)) => watch::start(&cli.global, &args),
        Some(command) => commands::dispatch(&cli.global, command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let code = start::exit_code_of(&error);
            eprintln!(
                "{} {error:#}",
                colored::Colorize::bold(colored::Colorize::red("error:"))
            );
            ExitCode::from(code)
        }
    }
}

/// Parallel runs hold many pipes, and removing a deep sandbox holds a descriptor per level:
/// use the hard limit, not the (often 1024) soft one.
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit on a struct we own.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn configure_output(choice: ColorChoice) {
    let tty = std::io::stdout().is_terminal();
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    colored::control::set_override(color);
    render::configure(render::Style {
        unicode: render::locale_is_utf8(),
        links: color && render::terminal_supports_links(tty),
    });
}
