//! The I/O trace of a run for the terminal: per test, a short timeline of what the learner's
//! code did to files, then the findings that explain it (each naming the lesson that teaches it).

use colored::Colorize;

use super::escape::neutralise;
use super::plain_symbols;
use crate::runner::trace::{Finding, Trace, TraceEvent};
use crate::runner::verdict::TestResult;

/// Every traced test's timeline; a line saying why when there is none.
pub fn render(tests: &[TestResult]) -> String {
    let traced: Vec<(&TestResult, &Trace)> = tests
        .iter()
        .filter_map(|t| t.trace.as_ref().map(|trace| (t, trace)))
        .collect();
    if traced.is_empty() {
        return "No I/O trace: the run ended before any test ran.\n".into();
    }
    let mut out = format!("{}\n", "I/O of your code, per test".bold());
    for (test, trace) in traced {
        out.push('\n');
        out.push_str(&test_trace(&neutralise(&test.name), trace));
    }
    plain_symbols(&out)
}

/// One test's block: its name, the timeline indented below it, then its findings.
pub fn test_trace(name: &str, trace: &Trace) -> String {
    let mut out = format!("{}\n", name.bold());
    if let Some(error) = &trace.error {
        out.push_str(&format!("  {}\n", neutralise(error).dimmed()));
    }
    if trace.events.is_empty() && trace.error.is_none() {
        out.push_str(&format!("  {}\n", "no file I/O by your code".dimmed()));
    }
    let mut previous: Option<&str> = None;
    for event in &trace.events {
        out.push_str(&format!("  {}\n", event_line(event, previous)));
        previous = event.path.as_deref();
    }
    if trace.more > 0 {
        out.push_str(&format!(
            "  {}\n",
            format!("… {} more", thousands(trace.more as u64)).dimmed()
        ));
    }
    for finding in &trace.findings {
        out.push_str(&format!("  {}\n", finding_line(finding)));
    }
    out
}

/// `write  ×37 calls → 1 write() syscall, 824 bytes`; the path is left out when the line
/// before named the same file.
pub fn event_line(event: &TraceEvent, previous: Option<&str>) -> String {
    let op = match event.op.as_str() {
        "left_open" => "still open",
        "left_behind" => "left behind",
        "collected" => "closed by gc",
        op => op,
    };
    let mut parts = Vec::new();
    let path = event.path.as_deref().map(neutralise);
    let repeats_path = event.path.is_some() && event.path.as_deref() == previous;
    let quiet = matches!(
        event.op.as_str(),
        "read" | "write" | "iterate" | "flush" | "fsync" | "close" | "seek" | "truncate"
    );
    match (path, &event.to) {
        (Some(path), Some(to)) => parts.push(format!("{path} → {}", neutralise(to))),
        (Some(path), None) if !(quiet && repeats_path) => parts.push(path),
        _ => {}
    }
    if event.op == "open" || event.op == "os.open" {
        parts.extend(open_details(event));
    }
    if let Some(counts) = counts(event) {
        parts.push(counts);
    } else if let Some(n) = event.count.filter(|n| *n > 1) {
        parts.push(format!("×{}", thousands(n)));
    }
    if event.failed {
        parts.push("failed".red().to_string());
    }
    let line = format!("{op:<7} {}", parts.join("  "))
        .trim_end()
        .to_string();
    match event.op.as_str() {
        "left_open" | "left_behind" | "collected" => line.yellow().to_string(),
        _ => line,
    }
}

fn open_details(event: &TraceEvent) -> Vec<String> {
    let mut parts: Vec<String> = [&event.mode, &event.encoding]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .map(|s| neutralise(s))
        .collect();
    if let Some(errors) = &event.errors {
        parts.push(format!("errors={}", neutralise(errors)));
    }
    if let Some(newline) = &event.newline {
        parts.push(format!("newline={}", neutralise(newline)));
    }
    if let Some(buffering) = &event.buffering {
        parts.push(match buffering.as_str() {
            "none" => "unbuffered".to_string(),
            "line" => "line-buffered".to_string(),
            other => format!("buffering={}", neutralise(other)),
        });
    }
    if !event.layers.is_empty() {
        parts.push(event.layers.join(" › ").dimmed().to_string());
    }
    parts
}

/// `×37 calls → 1 write() syscall, 824 bytes` for reads and writes.
fn counts(event: &TraceEvent) -> Option<String> {
    let kind = match event.op.as_str() {
        "read" | "iterate" => "read()",
        "write" => "write()",
        _ => return None,
    };
    let calls = match (event.op.as_str(), event.calls) {
        ("iterate", _) => "by iteration".to_string(),
        (_, Some(0)) | (_, None) => "not seen (print(file=...) or iteration)".to_string(),
        (_, Some(n)) => format!("×{} call{}", thousands(n), plural(n)),
    };
    let Some(syscalls) = event.syscalls else {
        return Some(calls);
    };
    let approx = if event.estimate { "≈" } else { "" };
    let bytes = event.bytes.unwrap_or(0);
    Some(format!(
        "{calls} → {approx}{} {kind} syscall{}, {} byte{}",
        thousands(syscalls),
        plural(syscalls),
        thousands(bytes),
        plural(bytes)
    ))
}

/// `! no fsync before the rename: ... (lesson 02)`.
pub fn finding_line(finding: &Finding) -> String {
    let lesson = finding
        .lesson
        .split('_')
        .next()
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .map_or_else(|| neutralise(&finding.lesson), str::to_string);
    let at = finding
        .line
        .map_or(String::new(), |line| format!(" [line {line}]"));
    format!("! {}{at} (lesson {lesson})", neutralise(&finding.message))
        .yellow()
        .to_string()
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// 10000 → "10,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(op: &str, path: &str) -> TraceEvent {
        TraceEvent {
            op: op.into(),
            path: Some(path.into()),
            ..Default::default()
        }
    }

    #[test]
    fn writes_show_calls_and_syscalls() {
        colored::control::set_override(false);
        let write = TraceEvent {
            calls: Some(37),
            syscalls: Some(1),
            bytes: Some(824),
            ..event("write", "c.tmp")
        };
        assert_eq!(
            event_line(&write, Some("c.tmp")),
            "write   ×37 calls → 1 write() syscall, 824 bytes"
        );
        let rename = TraceEvent {
            to: Some("config.json".into()),
            ..event("rename", "c.tmp")
        };
        assert_eq!(event_line(&rename, None), "rename  c.tmp → config.json");
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn learner_paths_cannot_drive_the_terminal() {
        colored::control::set_override(false);
        let line = event_line(&event("open", "\u{1b}[2Jx"), None);
        assert!(line.contains("\\x1b[2Jx"), "{line}");
    }
}
