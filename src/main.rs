//! iolings: parse the command line, dispatch to one command, print an error once.

mod cli;
pub mod commands;
mod exit;
mod progress;
mod render;
mod runner;
mod watch;
mod workbook;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, ColorChoice};

fn main() -> ExitCode {
    let cli = Cli::parse();
    configure_output(cli.global.color);
    match commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let code = commands::exit_code_of(&error);
            eprintln!(
                "{} {error:#}",
                colored::Colorize::bold(colored::Colorize::red("error:"))
            );
            ExitCode::from(code)
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
