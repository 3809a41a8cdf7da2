//! Neutralising text from learner code before it reaches the terminal: escape sequences,
//! control characters and bidirectional overrides are shown, not obeyed.

/// Make `text` safe to print: newlines and tabs stay, every other control character
/// (ESC and the rest of C0, DEL, C1, bidi overrides) is shown as an escape like `\x1b`.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' | '\t' => out.push(ch),
            c if is_dangerous(c) => out.push_str(&escaped(c)),
            c => out.push(c),
        }
    }
    out
}

fn is_dangerous(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `\r`, `\x1b`, `\u{202e}`: the way Python's repr would spell the character.
pub fn escaped(c: char) -> String {
    match c {
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        '\n' => "\\n".into(),
        c if (c as u32) < 0x100 => format!("\\x{:02x}", c as u32),
        c => format!("\\u{:04x}", c as u32),
    }
}

/// Percent-encode a path for a file:// URI.
pub fn uri_path(path: &std::path::Path) -> String {
    let mut out = String::new();
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        let evil = "\x1b[2J\x1b]0;title\x07hi\r\n\u{9b}31m\u{202e}x";
        let safe = neutralise(evil);
        assert!(!safe.chars().any(|c| c == '\x1b'
            || c == '\x07'
            || c == '\r'
            || c == '\u{9b}'
            || c == '\u{202e}'));
        assert_eq!(safe, "\\x1b[2J\\x1b]0;title\\x07hi\\r\n\\x9b31m\\u202ex");
    }
}
