//! How the learner started iolings, so every "type this next" matches: `iolings hint x` for
//! an installed binary, `cargo run --release -- hint x` when started through cargo.

use std::sync::OnceLock;

/// The command prefix to show, e.g. `iolings` or `cargo run --release --`.
pub fn command() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(detect)
}

fn detect() -> String {
    // `cargo run` exports CARGO_PKG_NAME to the program it starts; an installed iolings
    // started from a shell never has it.
    if std::env::var("CARGO_PKG_NAME").as_deref() != Ok(env!("CARGO_PKG_NAME")) {
        return "iolings".into();
    }
    let profile = std::env::current_exe().ok().and_then(|exe| {
        let dir = exe.parent()?.file_name()?.to_string_lossy().into_owned();
        Some(dir)
    });
    match profile.as_deref() {
        Some("release") => "cargo run --release --".into(),
        Some("debug") => "cargo run --".into(),
        _ => "iolings".into(),
    }
}

/// `iolings <args>` or its cargo equivalent, for messages.
pub fn with(args: &str) -> String {
    format!("{} {args}", command())
}
