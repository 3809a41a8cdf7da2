//! The solution view: the solution's code without the docstring the learner has already read,
//! after a diff against the learner's own code (both without the tests section).

use std::fmt::Write as _;

use colored::Colorize;

use super::diff::unified;
use super::escape::neutralise;

/// The view's text. `learner` is None when the learner's file cannot be read.
pub fn compare(solution_path: &str, solution: &str, learner: Option<&str>) -> String {
    let solution = without_docstring(solution);
    let mut out = String::new();
    if let Some(learner) = learner {
        let learner = without_docstring(learner);
        if learner.trim() == solution.trim() {
            let _ = writeln!(out, "{}\n", "Your code is the same as the solution.".bold());
        } else {
            let _ = writeln!(
                out,
                "{}\n{}  {}\n",
                "How your code differs from the solution".bold(),
                "- solution".green(),
                "+ your code".red()
            );
            out.push_str(&indented(&unified(solution, learner)));
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "{}  {}\n",
        "The solution".bold(),
        format!("{solution_path} (docstring and tests not shown)").dimmed()
    );
    out.push_str(&indented(&neutralise(solution.trim_end())));
    out.push('\n');
    out
}

/// Code set in by two spaces under its heading: on a narrow screen a long line then wraps
/// under its own text instead of at the left edge, where it would read as a new line of code.
fn indented(code: &str) -> String {
    code.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("  {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if code.ends_with('\n') { "\n" } else { "" }
}

/// `code` from the first line after its module docstring (all of it when there is none).
fn without_docstring(code: &str) -> &str {
    let start = code.trim_start();
    let Some(quote) = ["\"\"\"", "'''", "r\"\"\"", "r'''"]
        .into_iter()
        .find(|q| start.starts_with(q))
    else {
        return code;
    };
    let opened = code.len() - start.len() + quote.len();
    let closing = &quote[quote.len() - 3..];
    match code[opened..].find(closing) {
        Some(end) => {
            let after = opened + end + 3;
            let line_end = code[after..]
                .find('\n')
                .map_or(code.len(), |i| after + i + 1);
            code[line_end..].trim_start_matches('\n')
        }
        None => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docstring_is_skipped() {
        assert_eq!(
            without_docstring("\"\"\"Doc\n\nmore\n\"\"\"\n\nimport os\n"),
            "import os\n"
        );
        assert_eq!(without_docstring("import os\n"), "import os\n");
    }

    #[test]
    fn the_diff_comes_first_and_the_solution_after() {
        colored::control::set_override(false);
        let text = compare(
            "s.py",
            "\"\"\"d\"\"\"\nx = 1\n",
            Some("\"\"\"d\"\"\"\nx = 2\n"),
        );
        let diff = text.find("x = 1").expect("diff shown");
        assert!(text.contains("x = 2"), "{text}");
        let whole = text.find("The solution").expect("solution shown");
        assert!(diff < whole, "{text}");
        assert!(!text.contains("\"\"\"d"), "{text}");
        assert!(
            text.contains("\n  x = 1"),
            "the code is set in under its heading: {text}"
        );
    }
}
