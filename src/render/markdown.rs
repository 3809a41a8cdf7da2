//! Lesson introductions are Markdown wrapped by hand at some width: join each paragraph and
//! list item back into one line so the screen can wrap it to its own width, and leave code
//! blocks, tables, headings and quotes exactly as written.

/// `text` with each paragraph and list item on one line.
pub fn reflow(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    // True while the last line pushed is prose that the next prose line may join.
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            out.push(line.to_string());
            open = false;
            continue;
        }
        if in_fence || is_verbatim(line) {
            out.push(line.to_string());
            open = false;
            continue;
        }
        if trimmed.is_empty() {
            out.push(String::new());
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(last) if open && !starts_item(trimmed) => {
                last.push(' ');
                last.push_str(trimmed);
            }
            _ => {
                out.push(line.to_string());
                open = true;
            }
        }
        // A line ending in two spaces or a backslash is a hard break in Markdown.
        if line.ends_with("  ") || line.ends_with('\\') {
            open = false;
        }
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Lines whose layout is the content: headings, tables, quotes, indented code, rules.
fn is_verbatim(line: &str) -> bool {
    let trimmed = line.trim_start();
    line.starts_with("    ")
        || line.starts_with('\t')
        || trimmed.starts_with('#')
        || trimmed.starts_with('|')
        || trimmed.starts_with('>')
        || trimmed.starts_with("---")
        || trimmed.starts_with("===")
}

/// A line that begins a new list item (`- `, `* `, `+ `, `1. `, `2) `).
fn starts_item(trimmed: &str) -> bool {
    if ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m)) {
        return true;
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && {
        let rest = &trimmed[digits..];
        rest.starts_with(". ") || rest.starts_with(") ")
    }
}

#[cfg(test)]
mod tests {
    use super::reflow;

    #[test]
    fn paragraphs_and_items_become_one_line_each() {
        let text = "One paragraph\nwrapped by hand.\n\n- an item\n  that goes on\n- another\n";
        assert_eq!(
            reflow(text),
            "One paragraph wrapped by hand.\n\n- an item that goes on\n- another\n"
        );
    }

    #[test]
    fn code_tables_and_headings_stay_as_written() {
        let text = "# Title\nText\n```python\nx = 1\ny = 2\n```\n| a | b |\n|---|---|\n    indented\n    code\n";
        let out = reflow(text);
        assert!(
            out.contains("# Title\nText\n```python\nx = 1\ny = 2\n```"),
            "{out}"
        );
        assert!(out.contains("| a | b |\n|---|---|"), "{out}");
        assert!(out.contains("    indented\n    code"), "{out}");
    }

    #[test]
    fn numbered_items_start_new_lines() {
        assert_eq!(reflow("1. first\n2. second\n"), "1. first\n2. second\n");
    }
}
