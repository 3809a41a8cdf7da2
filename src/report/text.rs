//! Verdicts as plain text for graders: one-line summaries, and the learner's view of a failure
//! (the failing test, its message and the diff) without colors, links or control characters.

use std::fmt::Write as _;
use std::path::Path;

use crate::render::diff::{diagnose, unified};
use crate::render::escape::neutralise;
use crate::runner::verdict::{Assertion, Exception, Outcome, TestResult, ValueKind, Verdict};

/// Longest one-line message kept (summaries, JUnit `message=`, Classroom messages).
const LINE_CHARS: usize = 300;
/// Longest multi-line text kept per exercise or test: reports stay small enough for CI
/// viewers (GitLab refuses JUnit files over 30 MB) and for environment variables (128 KiB).
pub const TEXT_CHARS: usize = 12 * 1024;

/// One line saying how the run ended, e.g. `1 of 2 tests failed; first: test_read: ...`.
pub fn summary(verdict: &Verdict) -> String {
    let during = |d: &Option<String>| {
        d.as_deref()
            .map(|t| format!(" during {t}"))
            .unwrap_or_default()
    };
    let line = match &verdict.outcome {
        Outcome::Passed => format!("{} passed", count(verdict.tests.len(), "test")),
        Outcome::TestsFailed { total: 0, .. } => {
            "no tests were found: the file must define functions named test_...".to_string()
        }
        Outcome::TestsFailed { failed, total } => {
            let first = verdict
                .tests
                .iter()
                .find(|t| !t.status.is_ok())
                .map(|t| match test_message(t) {
                    Some(m) => format!("; first: {}: {m}", t.name),
                    None => format!("; first: {}", t.name),
                })
                .unwrap_or_default();
            format!("{failed} of {} failed{first}", count(*total, "test"))
        }
        Outcome::CompileError(e) => {
            let at = match (e.line, e.column) {
                (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
                (Some(l), None) => format!(" (line {l})"),
                _ => String::new(),
            };
            format!("does not compile: {}: {}{at}", e.error_type, e.message)
        }
        Outcome::Crashed(crash) => match (&crash.exception, &crash.signal) {
            (Some(e), _) => format!(
                "crashed while loading, before any test ran: {}",
                exception_line(e)
            ),
            (None, Some(signal)) => {
                format!(
                    "the Python process was killed by {signal}{}",
                    during(&crash.during)
                )
            }
            (None, None) => "the Python process crashed".to_string(),
        },
        Outcome::TimedOut {
            limit_secs,
            cpu_limit,
            during: d,
            ..
        } => {
            let what = if *cpu_limit {
                format!("used more than {limit_secs} s of CPU time")
            } else {
                format!("did not finish within {limit_secs} s")
            };
            format!("{what}{}", during(d))
        }
        Outcome::ExitedEarly {
            code,
            during: d,
            system_exit,
            ..
        } => {
            let how = if *system_exit {
                "sys.exit() was called"
            } else {
                "the Python process ended"
            };
            let code = code.map(|c| format!(" with code {c}")).unwrap_or_default();
            let when = match d.as_deref() {
                Some("import") | None => " while the file was loading".to_string(),
                Some(test) => format!(" during {test}"),
            };
            format!("{how}{code}{when}, before the tests finished")
        }
        Outcome::CouldNotRun { reason } => format!("could not run: {reason}"),
    };
    one_line(&line)
}

/// The failed test's one-line reason, e.g. `AssertionError: the two sides differ`.
pub fn test_message(test: &TestResult) -> Option<String> {
    if test.status.is_ok() {
        return None;
    }
    let text = match (&test.assertion, &test.exception) {
        (Some(a), _) if !a.has_message => {
            if diffable(a) {
                "AssertionError: the two sides differ".to_string()
            } else {
                format!(
                    "AssertionError: {} {} {} is false",
                    a.left.repr, a.op, a.right.repr
                )
            }
        }
        (_, Some(e)) => exception_line(e),
        (_, None) => "failed".to_string(),
    };
    Some(one_line(&text))
}

/// Everything the learner would be shown about one failed test: where, why, the diff, what
/// it printed.
pub fn test_details(test: &TestResult, display_path: &str) -> Option<String> {
    if test.status.is_ok() {
        return None;
    }
    let mut out = String::new();
    let _ = writeln!(out, "{} ({display_path}:{})", test.name, test.line);
    if let Some(e) = &test.exception {
        for frame in &e.traceback {
            let _ = writeln!(out, "  {display_path}:{} in {}", frame.line, frame.func);
            let _ = writeln!(out, "    {}", neutralise(frame.code.trim()));
        }
        if test.assertion.as_ref().is_none_or(|a| a.has_message) {
            let message = neutralise(&e.message);
            let mut lines = message.lines();
            let first = lines.next().unwrap_or("");
            let sep = if first.is_empty() { "" } else { ": " };
            let _ = writeln!(out, "{}{sep}{first}", e.error_type);
            for line in lines {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if let Some(a) = &test.assertion {
        comparison(&mut out, a);
    }
    for (label, text) in [
        ("printed (stdout)", &test.stdout),
        ("printed (stderr)", &test.stderr),
    ] {
        if !text.trim().is_empty() {
            let _ = writeln!(out, "{label}:");
            for line in neutralise(text).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    Some(cap(&strip_escapes(&out), TEXT_CHARS))
}

fn comparison(out: &mut String, a: &Assertion) {
    if !diffable(a) {
        let _ = writeln!(out, "left:  {}", neutralise(&a.left.repr));
        let _ = writeln!(out, "right: {}", neutralise(&a.right.repr));
        let _ = writeln!(out, "the comparison `left {} right` is false", a.op);
        return;
    }
    if !a.has_message {
        let _ = writeln!(out, "AssertionError: the two sides differ");
    }
    if a.left.type_name != a.right.type_name {
        let _ = writeln!(
            out,
            "why: the sides have different types: left is {}, right is {}",
            a.left.type_name, a.right.type_name
        );
    }
    let _ = writeln!(out, "diff - expected (right side) + got (left side)");
    // The diff spells out invisible characters itself (and neutralises the rest).
    out.push_str(&unified(&a.right.text, &a.left.text));
    if a.left.truncated || a.right.truncated {
        let _ = writeln!(out, "(values cut at 64 KiB for the diff)");
    }
    if a.left.kind == ValueKind::Str {
        if let Some(why) = diagnose(&a.right.text, &a.left.text) {
            let _ = writeln!(out, "why: {why}");
        }
    }
}

fn diffable(a: &Assertion) -> bool {
    a.op == "==" && a.left.kind == a.right.kind && a.left.kind != ValueKind::Other
}

/// The learner's whole view of a verdict (as `iolings run` shows it), as plain text.
pub fn verdict_text(verdict: &Verdict, file: &Path, display_path: &str) -> String {
    let shown = crate::render::verdict::render(verdict, file, display_path);
    cap(&strip_escapes(&shown), TEXT_CHARS)
}

fn exception_line(e: &Exception) -> String {
    let first = e.message.lines().next().unwrap_or("");
    if first.is_empty() {
        e.error_type.clone()
    } else {
        format!("{}: {first}", e.error_type)
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Neutralised, on one line, and short.
pub fn one_line(text: &str) -> String {
    let flat: String = neutralise(text)
        .split(['\n', '\t'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let flat = strip_escapes(&flat);
    if flat.chars().count() <= LINE_CHARS {
        flat
    } else {
        let cut: String = flat.chars().take(LINE_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// At most `max` characters; a cut text says how much is missing.
pub fn cap(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_string();
    }
    let mut kept: String = text.chars().take(max).collect();
    if !kept.ends_with('\n') {
        kept.push('\n');
    }
    let _ = writeln!(kept, "... cut here: {} more characters", total - max);
    kept
}

/// Remove terminal escape sequences (SGR colors, OSC 8 links). Learner output was neutralised
/// before rendering (its ESC bytes are spelled `\x1b`), so every ESC left is one of ours.
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters and intermediates, then one final byte in @..~.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or ST (ESC \).
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_and_links_are_stripped_and_spelled_escapes_kept() {
        let text = "\x1b[1;31mred\x1b[0m \x1b]8;;file:///x\x1b\\link\x1b]8;;\x1b\\ \\x1b[2J";
        assert_eq!(strip_escapes(text), "red link \\x1b[2J");
    }

    #[test]
    fn one_line_flattens_neutralises_and_cuts() {
        assert_eq!(one_line("a\nb\x07\tc"), "a b\\x07 c");
        let long = "x".repeat(1000);
        assert_eq!(one_line(&long).chars().count(), LINE_CHARS);
    }

    #[test]
    fn cap_says_how_much_was_cut() {
        assert_eq!(cap("abc", 5), "abc");
        assert_eq!(cap("abcdef", 3), "abc\n... cut here: 3 more characters\n");
    }
}
