//! Diffs of the two sides of a failed comparison, with invisible characters made visible
//! (`\r`, tabs, trailing spaces, a BOM, a non-breaking space, a missing final newline), and a
//! one-line diagnosis when the sides differ only in one of the classic file-handling ways.

use colored::Colorize;
use similar::{ChangeTag, TextDiff};

use super::escape::escaped;
use super::style;

/// A unified diff of `expected` (-) against `got` (+), with inline highlights.
pub fn unified(expected: &str, got: &str) -> String {
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(expected, got);
    let mark_eol = expected.ends_with('\n') != got.ends_with('\n');
    let mut out = String::new();
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push_str(&format!("{}\n", "  ...".dimmed()));
        }
        for op in group {
            for change in diff.iter_inline_changes(op) {
                let (sign, paint): (&str, fn(&str) -> colored::ColoredString) = match change.tag() {
                    ChangeTag::Delete => ("-", |s| s.green()),
                    ChangeTag::Insert => ("+", |s| s.red()),
                    ChangeTag::Equal => (" ", |s| s.normal()),
                };
                let mut line = String::new();
                let segments: Vec<(bool, String)> = change
                    .iter_strings_lossy()
                    .map(|(emph, s)| (emph, s.into_owned()))
                    .collect();
                let whole: String = segments.iter().map(|(_, s)| s.as_str()).collect();
                let trailing_from = trailing_ws_start(&whole);
                let mut pos = 0;
                for (emph, text) in &segments {
                    let shown = visible(text, pos, trailing_from);
                    pos += text.len();
                    let painted = paint(&shown);
                    if *emph && change.tag() != ChangeTag::Equal {
                        line.push_str(&painted.bold().underline().to_string());
                    } else {
                        line.push_str(&painted.to_string());
                    }
                }
                let no_newline = !whole.ends_with('\n');
                if no_newline && mark_eol {
                    let note = if style().unicode {
                        " ⏎ no newline at end"
                    } else {
                        " (no newline at end)"
                    };
                    line.push_str(&note.dimmed().to_string());
                }
                out.push_str(&format!("{} {}\n", paint(sign), line));
            }
        }
    }
    out
}

/// Byte offset where the trailing spaces/tabs of a line (before its line ending) begin.
fn trailing_ws_start(line: &str) -> usize {
    let body = line.trim_end_matches(['\n', '\r']);
    body.trim_end_matches([' ', '\t']).len()
}

/// One segment of a line, its invisible characters spelled out. `offset` is where the segment
/// starts in its line; spaces from `trailing_from` on are trailing and get shown.
fn visible(text: &str, offset: usize, trailing_from: usize) -> String {
    let unicode = style().unicode;
    let mut out = String::new();
    for (i, ch) in text.char_indices() {
        let trailing = offset + i >= trailing_from;
        match ch {
            '\n' => {}
            '\r' => out.push_str(if unicode { "␍" } else { "\\r" }),
            '\t' => out.push_str(if unicode { "→   " } else { "\\t" }),
            ' ' if trailing => out.push_str(if unicode { "·" } else { "~" }),
            '\u{feff}' => out.push_str("<BOM>"),
            '\u{a0}' => out.push_str("<NBSP>"),
            c if c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200b}') =>
            {
                out.push_str(&escaped(c))
            }
            c => out.push(c),
        }
    }
    out
}

/// When `got` differs from `expected` only in a classic way, a sentence naming the fix.
pub fn diagnose(expected: &str, got: &str) -> Option<String> {
    if expected == got {
        return None;
    }
    let lf = |s: &str| s.replace("\r\n", "\n");
    if lf(expected) == lf(got) {
        return Some(if got.contains("\r\n") {
            "They differ only in line endings: your result keeps \\r\\n. Text mode with the default newline=None turns \\r\\n into \\n when reading.".into()
        } else {
            "They differ only in line endings: the expected text keeps \\r\\n. Open the file with newline='' so Python does not translate line endings.".into()
        });
    }
    if got.strip_prefix('\u{feff}') == Some(expected) {
        return Some("Your result starts with a byte order mark (BOM, U+FEFF). Read the file with encoding='utf-8-sig', which removes it.".into());
    }
    if expected.strip_prefix('\u{feff}') == Some(got) {
        return Some("The expected text starts with a byte order mark (BOM). Write it with encoding='utf-8-sig', which adds one.".into());
    }
    if mojibake(expected).as_deref() == Some(got) {
        return Some("Your result looks like UTF-8 bytes decoded as Latin-1/cp1252 (é became Ã©). Open the file with encoding='utf-8'.".into());
    }
    if got.contains('\u{fffd}') && !expected.contains('\u{fffd}') {
        return Some("Your result holds U+FFFD replacement characters (�): bytes that were not valid in the encoding you chose were replaced. Find the file's real encoding (often cp1252 or latin-1) and pass it as encoding=.".into());
    }
    let no_nbsp = |s: &str| s.replace('\u{a0}', " ");
    if no_nbsp(expected) == no_nbsp(got) {
        return Some("They differ only in non-breaking spaces (U+00A0, shown as <NBSP>) versus ordinary spaces.".into());
    }
    if format!("{got}\n") == expected {
        return Some("Your result lacks the final newline the expected text has.".into());
    }
    if format!("{expected}\n") == got {
        return Some("Your result has a final newline the expected text does not: strip the line ending (e.g. line.rstrip('\\n')).".into());
    }
    let trim =
        |s: &str| -> Vec<String> { lf(s).lines().map(|l| l.trim_end().to_string()).collect() };
    if trim(expected) == trim(got) {
        return Some("They differ only in whitespace at the ends of lines (shown as ·).".into());
    }
    None
}

/// `text` encoded as UTF-8 and decoded as cp1252 (Latin-1 for cp1252's holes): the classic
/// mojibake. None when that changes nothing (plain ASCII).
fn mojibake(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    Some(text.bytes().map(cp1252_char).collect())
}

fn cp1252_char(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[(byte - 0x80) as usize],
        b => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_are_diagnosed_with_the_fix() {
        let d = diagnose("a\r\nb\r\n", "a\nb\n").unwrap();
        assert!(d.contains("newline=''"), "{d}");
    }

    #[test]
    fn bom_and_mojibake_are_diagnosed() {
        assert!(diagnose("café", "\u{feff}café")
            .unwrap()
            .contains("utf-8-sig"));
        assert!(diagnose("café", "cafÃ©")
            .unwrap()
            .contains("encoding='utf-8'"));
        assert!(diagnose("naïve “quotes”", "naÃ¯ve â€œquotesâ€\u{9d}")
            .unwrap()
            .contains("cp1252"));
    }

    #[test]
    fn unrelated_differences_get_no_diagnosis() {
        assert_eq!(diagnose("apple", "pear"), None);
    }

    #[test]
    fn invisible_characters_become_visible() {
        colored::control::set_override(false);
        let out = unified("a\tb  \n", "a\tb\r\n");
        assert!(out.contains("→") || out.contains("\\t"), "{out}");
        assert!(out.contains('·') || out.contains('~'), "{out}");
        assert!(out.contains('␍') || out.contains("\\r"), "{out}");
        let out = unified("x\n", "x");
        assert!(out.contains("no newline at end"), "{out}");
    }
}
