//! The terminal while watching: raw mode and the alternate screen, always restored (on quit,
//! on error, on panic), and lines fitted to the screen width without breaking escape codes.

use std::io::{self, Write};

use crossterm::{cursor, execute, terminal};

/// Puts the terminal in raw mode on the alternate screen; restores it when dropped.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        Ok(TerminalGuard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

pub fn restore() {
    let _ = execute!(io::stdout(), cursor::Show, terminal::LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
    let _ = io::stdout().flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Split `line` (which may hold SGR color codes and OSC 8 links) into rows of at most `width`
/// visible characters. Colors are closed at the end of each row and reopened on the next.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut visible = 0;
    let mut active_sgr = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            let seq = escape_sequence(c, &mut chars);
            if seq.ends_with('m') && seq.starts_with("\x1b[") {
                if seq == "\x1b[0m" {
                    active_sgr.clear();
                } else {
                    active_sgr.push_str(&seq);
                }
            }
            row.push_str(&seq);
            continue;
        }
        if visible == width {
            row.push_str("\x1b[0m");
            rows.push(std::mem::take(&mut row));
            row.push_str(&active_sgr);
            visible = 0;
        }
        row.push(c);
        visible += 1;
    }
    rows.push(row);
    rows
}

/// Like `wrap`, but continuation rows keep the line's indentation (plus two spaces), so a
/// wrapped message still reads as part of its block.
pub fn wrap_indented(line: &str, width: usize) -> Vec<String> {
    let mut rows = wrap(line, width);
    if rows.len() < 2 {
        return rows;
    }
    let indent = plain(line).chars().take_while(|c| *c == ' ').count() + 2;
    if indent * 2 > width {
        return rows;
    }
    let first = rows.remove(0);
    let rest: String = rows.concat();
    let mut out = vec![first];
    for row in wrap(&rest, width - indent) {
        out.push(format!("{}{row}", " ".repeat(indent)));
    }
    out
}

/// The visible text of a line, escape sequences removed.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            escape_sequence(c, &mut chars);
        } else {
            out.push(c);
        }
    }
    out
}

/// The rest of an escape sequence starting at ESC: CSI (`ESC [ ... final`) or OSC
/// (`ESC ] ... ESC \`).
fn escape_sequence(first: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut seq = String::from(first);
    match chars.next() {
        Some('[') => {
            seq.push('[');
            for c in chars.by_ref() {
                seq.push(c);
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            seq.push(']');
            while let Some(c) = chars.next() {
                seq.push(c);
                if c == '\x07' {
                    break;
                }
                if c == '\x1b' && chars.peek() == Some(&'\\') {
                    seq.push('\\');
                    chars.next();
                    break;
                }
            }
        }
        Some(c) => seq.push(c),
        None => {}
    }
    seq
}

/// Visible length of a line (escape sequences excluded).
pub fn visible_len(line: &str) -> usize {
    plain(line).chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_counts_only_visible_characters() {
        let line = "\x1b[31mabcdef\x1b[0m";
        let rows = wrap(line, 4);
        assert_eq!(rows.len(), 2);
        assert_eq!(visible_len(&rows[0]), 4);
        assert!(rows[1].starts_with("\x1b[31m"), "{:?}", rows[1]);
    }

    #[test]
    fn links_do_not_count_as_width() {
        let line = "\x1b]8;;file:///x\x1b\\name\x1b]8;;\x1b\\";
        assert_eq!(visible_len(line), 4);
        assert_eq!(wrap(line, 10).len(), 1);
    }
}
