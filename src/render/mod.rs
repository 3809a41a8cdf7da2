//! Rendering for the terminal: verdicts, diffs, hints. Pure functions from data to text;
//! nothing here starts a process or reads a file.

pub mod diff;
pub mod escape;
pub mod markdown;
pub mod solution;
pub mod trace;
pub mod verdict;

use std::path::Path;
use std::sync::OnceLock;

/// What the output terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Unicode symbols (✓ ✗ ␍); otherwise plain ASCII.
    pub unicode: bool,
    /// OSC 8 hyperlinks on paths.
    pub links: bool,
}

static STYLE: OnceLock<Style> = OnceLock::new();

pub fn configure(style: Style) {
    let _ = STYLE.set(style);
}

pub fn style() -> Style {
    *STYLE.get().unwrap_or(&Style {
        unicode: true,
        links: false,
    })
}

/// True when the locale promises UTF-8 (LC_ALL, then LC_CTYPE, then LANG).
pub fn locale_is_utf8() -> bool {
    for var in ["LC_ALL", "LC_CTYPE", "LANG"] {
        if let Ok(value) = std::env::var(var) {
            if !value.is_empty() {
                let v = value.to_ascii_lowercase();
                return v.contains("utf-8") || v.contains("utf8");
            }
        }
    }
    false
}

/// Whether to emit OSC 8 links: a TTY whose TERM is known to be more than a dumb console.
pub fn terminal_supports_links(is_tty: bool) -> bool {
    if !is_tty || std::env::var_os("IOLINGS_NO_LINKS").is_some() {
        return false;
    }
    let term = std::env::var("TERM").unwrap_or_default();
    !(term.is_empty() || term == "dumb" || term == "linux")
}

pub struct Symbols {
    pub pass: &'static str,
    pub fail: &'static str,
    pub bar_full: &'static str,
    pub bar_empty: &'static str,
}

pub fn symbols() -> Symbols {
    if style().unicode {
        Symbols {
            pass: "✓",
            fail: "✗",
            bar_full: "█",
            bar_empty: "░",
        }
    } else {
        Symbols {
            pass: "ok",
            fail: "x",
            bar_full: "#",
            bar_empty: "-",
        }
    }
}

/// Where the terminal cannot show Unicode, our own interface symbols in ASCII. (Text from the
/// exercises is left alone: it is the learner's data.)
pub fn plain_symbols(text: &str) -> String {
    if style().unicode || text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '…' => out.push_str("..."),
            '·' => out.push('-'),
            '↑' => out.push_str("Up"),
            '↓' => out.push_str("Dn"),
            '←' => out.push_str("<-"),
            '→' => out.push_str("->"),
            '─' => out.push('-'),
            '⟳' => out.push('*'),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a terminal hyperlink to `path` where supported, plain text elsewhere.
pub fn link(text: &str, path: &Path) -> String {
    if !style().links {
        return text.to_string();
    }
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!(
        "\x1b]8;;file://{}\x1b\\{}\x1b]8;;\x1b\\",
        escape::uri_path(&absolute),
        text
    )
}
