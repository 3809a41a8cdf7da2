//! `iolings completions SHELL`: shell completion scripts from the clap definitions.

use clap::CommandFactory;

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut command = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut command, "iolings", &mut std::io::stdout());
    Ok(0)
}
