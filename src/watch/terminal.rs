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

/// The first row of `line` cut to `width` visible characters, without breaking escape codes
/// (an open color is closed at the cut).
pub fn cut(line: &str, width: usize) -> String {
    let mut row = String::new();
    let mut visible = 0;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            row.push_str(&escape_sequence(c, &mut chars));
            continue;
        }
        let w = textwrap::core::display_width(c.encode_utf8(&mut [0; 4]));
        if visible + w > width {
            row.push_str("\x1b[0m");
            break;
        }
        row.push(c);
        visible += w;
    }
    row
}

/// Split `line` (which may hold SGR color codes and OSC 8 links) into rows of at most `width`
/// columns, at spaces only: a word, path or URL is split only when it is longer than a whole
/// row. Continuation rows keep the line's indentation plus two spaces, so a wrapped message
/// still reads as part of its block (and a `- ` list item hangs under its text). Colors are
/// closed at the end of each row and reopened on the next.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    if textwrap::core::display_width(line) <= width {
        return vec![line.to_string()];
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let hang = lead + hanging_indent(&plain(&line[lead..]), lead);
    let hang = if hang * 2 > width { 0 } else { hang };
    let (first, rest) = (" ".repeat(lead.min(width / 2)), " ".repeat(hang));
    let options = textwrap::Options::new(width)
        .initial_indent(&first)
        .subsequent_indent(&rest)
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let rows: Vec<String> = textwrap::wrap(&line[lead..], options)
        .into_iter()
        .map(|row| row.into_owned())
        .collect();
    carry_colors(rows)
}

/// How far continuation rows sit in from the line's own indentation: under the text of a list
/// item, two more for an indented block (a message under its test), none for a paragraph.
fn hanging_indent(text: &str, lead: usize) -> usize {
    if ["- ", "* ", "+ "].iter().any(|m| text.starts_with(m)) {
        return 2;
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (text[digits..].starts_with(". ") || text[digits..].starts_with(") ")) {
        return digits + 2;
    }
    if lead > 0 {
        2
    } else {
        0
    }
}

/// Each row closes the colors still open at its end and the next row reopens them, so a row
/// drawn on its own shows the same colors as the line it came from.
fn carry_colors(rows: Vec<String>) -> Vec<String> {
    let mut active = String::new();
    rows.into_iter()
        .map(|row| {
            let indent = row.len() - row.trim_start_matches(' ').len();
            let mut out = format!("{}{active}{}", &row[..indent], &row[indent..]);
            let mut chars = row.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    let seq = escape_sequence(c, &mut chars);
                    if seq.starts_with("\x1b[") && seq.ends_with('m') {
                        if seq == "\x1b[0m" {
                            active.clear();
                        } else {
                            active.push_str(&seq);
                        }
                    }
                }
            }
            if !active.is_empty() {
                out.push_str("\x1b[0m");
            }
            out
        })
        .collect()
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

/// Columns a line takes on screen (escape sequences excluded, wide characters counted twice).
pub fn visible_len(line: &str) -> usize {
    textwrap::core::display_width(&plain(line))
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
        assert!(
            rows[1].trim_start().starts_with("\x1b[31m"),
            "{:?}",
            rows[1]
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_paths_whole() {
        let line =
            "  see exercises/01_reading_files/reading1.py for the removes-only-the-newline rule";
        let rows = wrap(line, 50);
        let text: Vec<String> = rows.iter().map(|r| plain(r)).collect();
        assert!(text.iter().all(|r| visible_len(r) <= 50), "{text:?}");
        assert!(
            text.iter()
                .any(|r| r.contains("exercises/01_reading_files/reading1.py")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|r| r.contains("removes-only-the-newline")),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("    "),
            "continuation rows hang under the text: {text:?}"
        );
    }

    #[test]
    fn colors_continue_on_the_next_row() {
        let line = "\x1b[31mred words that wrap around\x1b[0m";
        let rows = wrap(line, 10);
        assert!(rows.len() > 1);
        assert!(rows[1].contains("\x1b[31m"), "{rows:?}");
        assert!(rows[0].ends_with("\x1b[0m"), "{rows:?}");
    }

    #[test]
    fn a_word_longer_than_the_row_is_split_rather_than_lost() {
        let rows = wrap(&"x".repeat(25), 10);
        assert_eq!(
            rows.iter()
                .map(|r| plain(r).matches('x').count())
                .sum::<usize>(),
            25
        );
        assert!(rows.iter().all(|r| visible_len(r) <= 10), "{rows:?}");
    }

    #[test]
    fn paragraphs_do_not_hang_and_list_items_hang_under_their_text() {
        let para = wrap("one two three four five six", 10);
        assert!(para.iter().all(|r| !r.starts_with(' ')), "{para:?}");
        let item = wrap("- one two three four five six", 10);
        assert!(
            item[1..]
                .iter()
                .all(|r| r.starts_with("  ") && !r.starts_with("   ")),
            "{item:?}"
        );
        let numbered = wrap("12. one two three four five six", 12);
        assert!(numbered[1].starts_with("    "), "{numbered:?}");
    }

    #[test]
    fn cut_keeps_escape_codes_whole() {
        let row = cut("\x1b[1mbold text\x1b[0m", 4);
        assert_eq!(plain(&row), "bold");
        assert!(row.starts_with("\x1b[1m"));
    }

    #[test]
    fn links_do_not_count_as_width() {
        let line = "\x1b]8;;file:///x\x1b\\name\x1b]8;;\x1b\\";
        assert_eq!(visible_len(line), 4);
        assert_eq!(wrap(line, 10).len(), 1);
        assert_eq!(wrap(&format!("{line} {line} {line}"), 10).len(), 2);
    }
}
