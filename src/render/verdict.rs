//! A verdict as the learner reads it: what failed, where, a diff, and what to do next.

use std::fmt::Write as _;
use std::path::Path;

use colored::Colorize;

use super::diff::{diagnose, unified};
use super::escape::neutralise;
use super::{link, plain_symbols, symbols};
use crate::runner::confine::FILE_SIZE_LIMIT;
use crate::runner::verdict::{
    Assertion, Captured, CompileError, Crash, Exception, Frame, Outcome, TestResult, TestStatus,
    ValueKind, Verdict,
};

/// Lines of process output shown before cutting.
const OUTPUT_LINES: usize = 40;
/// Lines of an exception's message shown after its first, before cutting (with a note).
const MESSAGE_LINES: usize = 60;

/// The whole verdict. `file` is the learner's exercise file (for locations and links).
pub fn render(verdict: &Verdict, file: &Path, display_path: &str) -> String {
    let mut out = String::new();
    let place = link(display_path, file);
    let name = verdict.exercise.bold();
    let fail = symbols().fail.red().bold();
    // Where the whole of a long message can be read.
    let whole = crate::invocation::with(&format!("run {} --json", verdict.exercise));
    let at = Headline {
        lead: format!("{fail} {name}"),
        place: place.dimmed().to_string(),
        path: display_path,
        whole: &whole,
    };
    // The headline names the outcome and the file; the lines below it say what to do.
    let (headline, advice): (String, Vec<String>) = match &verdict.outcome {
        Outcome::Passed => {
            passed(&mut out, verdict);
            (String::new(), Vec::new())
        }
        Outcome::CompileError(error) => {
            compile_error(&mut out, verdict, error, &place);
            (String::new(), Vec::new())
        }
        Outcome::CouldNotRun { reason } => (
            format!("{fail} could not run {name}: {}", neutralise(reason)),
            vec![format!(
                "`{}` checks the interpreter and the sandbox.",
                crate::invocation::with("doctor")
            )],
        ),
        Outcome::TestsFailed { failed, total } => (
            format!(
                "{}: {failed} of {total} test{} failed  {}",
                at.lead,
                plural(*total),
                at.place
            ),
            if *total == 0 {
                vec!["No tests were found: the file must define functions named test_...".into()]
            } else {
                Vec::new()
            },
        ),
        Outcome::Crashed(crash) => crashed(crash, &at),
        Outcome::TimedOut {
            limit_secs,
            cpu_limit,
            during,
            stuck_at,
        } => timed_out(&at, *limit_secs, *cpu_limit, during, stuck_at),
        Outcome::ExitedEarly {
            code,
            during,
            system_exit,
            traceback,
        } => exited_early(&at, *code, during, *system_exit, traceback),
    };
    if !headline.is_empty() {
        let _ = writeln!(out, "{headline}");
        for line in advice {
            let _ = writeln!(out, "  {line}");
        }
        tests(&mut out, &verdict.tests, display_path, &whole);
    }
    process_output(
        &mut out,
        "printed outside the tests (stdout)",
        &verdict.stdout,
    );
    process_output(
        &mut out,
        "printed outside the tests (stderr)",
        &verdict.stderr,
    );
    out
}

fn passed(out: &mut String, verdict: &Verdict) {
    let s = symbols();
    let n = verdict.tests.len();
    let _ = writeln!(
        out,
        "{} {} passed ({n} test{})",
        s.pass.green().bold(),
        verdict.exercise.bold(),
        plural(n)
    );
    for test in &verdict.tests {
        let _ = writeln!(
            out,
            "  {} {}{}",
            s.pass.green(),
            test.name,
            status_note(test).dimmed()
        );
    }
}

/// What a test that lets the exercise pass without having passed says about itself.
fn status_note(test: &TestResult) -> String {
    let reason = test
        .exception
        .as_ref()
        .map(|e| neutralise(e.message.lines().next().unwrap_or("")))
        .filter(|m| !m.trim().is_empty());
    let with_reason = |what: &str| match &reason {
        Some(r) => format!("  {what}: {r}"),
        None => format!("  {what}"),
    };
    match test.status {
        TestStatus::Skipped => with_reason("skipped by the shipped tests"),
        TestStatus::XFailed => with_reason("expected to fail, and failed"),
        TestStatus::XPassed => "  expected to fail, but passed".to_string(),
        _ => String::new(),
    }
}

/// What every headline about a failed run starts and ends with.
struct Headline<'a> {
    /// The mark and the exercise's name.
    lead: String,
    /// The file, as a (dimmed) link.
    place: String,
    /// The file's display path, for frames.
    path: &'a str,
    /// The command that shows a message in full.
    whole: &'a str,
}

fn crashed(crash: &Crash, at: &Headline) -> (String, Vec<String>) {
    let (lead, place, path) = (&at.lead, &at.place, at.path);
    match &crash.exception {
        Some(exception) => {
            let mut advice = frame_lines(&exception.traceback, path, "");
            let mut message = String::new();
            self::message(&mut message, exception, "", at.whole);
            advice.extend(message.lines().map(str::to_string));
            advice.push(
                "Code at the top level of the file runs on import: fix the error above first."
                    .into(),
            );
            (
                format!(
                    "{lead} crashed while loading, before any test ran  {}",
                    place
                ),
                advice,
            )
        }
        None => {
            let signal = crash.signal.as_deref().unwrap_or("a signal");
            (
                format!("{lead}: the Python process was killed by {signal}{}  {}", during_test(&crash.during), place),
                vec!["Python itself died (not an exception): a crash in C code (ctypes?), or the process was killed.".into()],
            )
        }
    }
}

fn timed_out(
    at: &Headline,
    limit_secs: u64,
    cpu_limit: bool,
    during: &Option<String>,
    stuck_at: &[Frame],
) -> (String, Vec<String>) {
    let what = if cpu_limit {
        format!("used more than {limit_secs} s of CPU time")
    } else {
        format!("did not finish within {limit_secs} s")
    };
    let mut advice = Vec::new();
    if !stuck_at.is_empty() {
        advice.push("It was here when it was stopped:".to_string());
        advice.extend(frame_lines(stuck_at, at.path, "  "));
    }
    advice.push("Look for a loop that never ends, or code waiting for input that never comes (stdin is empty).".into());
    advice.push("The run and every process it started were stopped.".into());
    (
        format!("{} {what}{}  {}", at.lead, during_test(during), at.place),
        advice,
    )
}

fn exited_early(
    at: &Headline,
    code: Option<i32>,
    during: &Option<String>,
    system_exit: bool,
    traceback: &[Frame],
) -> (String, Vec<String>) {
    let code = code.map(|c| format!(" with code {c}")).unwrap_or_default();
    let during = match during.as_deref() {
        Some("import") | None => "while the file was loading".to_string(),
        Some(test) => format!("during {test}"),
    };
    let how = if system_exit {
        "sys.exit() (SystemExit) was called"
    } else {
        "the Python process ended"
    };
    let mut advice = frame_lines(traceback, at.path, "");
    advice.push("A run that ends before every test has reported never counts as a pass.".into());
    advice.push(if system_exit {
        "Functions should return or raise, not exit the interpreter.".into()
    } else {
        "Something called os._exit(), closed the harness's pipe, or killed the interpreter.".into()
    });
    (
        format!(
            "{}: {how}{code} {during}, before the tests finished  {}",
            at.lead, at.place
        ),
        advice,
    )
}

fn during_test(during: &Option<String>) -> String {
    during
        .as_deref()
        .map(|t| format!(" during {t}"))
        .unwrap_or_default()
}

/// `a str`, `an int`: a type's name as it reads in a sentence.
fn article(type_name: &str) -> String {
    let vowel = type_name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {type_name}", if vowel { "an" } else { "a" })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn compile_error(out: &mut String, verdict: &Verdict, error: &CompileError, place: &str) {
    let s = symbols();
    let at = match (error.line, error.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{} {} does not compile: no test ran",
        s.fail.red().bold(),
        verdict.exercise.bold()
    );
    let _ = writeln!(
        out,
        "  {place}{at}: {}: {}",
        error.error_type.red().bold(),
        neutralise(&error.message)
    );
    if let (Some(line), Some(text)) = (error.line, &error.text) {
        let gutter = line.to_string();
        let _ = writeln!(out, "  {} | {}", gutter.dimmed(), neutralise(text));
        if let Some(col) = error.column.filter(|c| *c > 0) {
            let width = error.end_column.filter(|e| *e > col).map_or(1, |e| e - col) as usize;
            let pad = " ".repeat(gutter.len());
            // Measured on the text as printed (control characters are spelled out there).
            let before: String = text.chars().take(col as usize - 1).collect();
            let lead: String = neutralise(&before)
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                out,
                "  {pad} | {lead}{}",
                "^".repeat(width.min(80)).red().bold()
            );
        }
    }
}

fn tests(out: &mut String, tests: &[TestResult], path: &str, whole: &str) {
    let s = symbols();
    let mut shown_full = false;
    for test in tests {
        if test.status.is_ok() {
            let _ = writeln!(
                out,
                "  {} {}{}",
                s.pass.green(),
                test.name,
                status_note(test).dimmed()
            );
            continue;
        }
        if shown_full {
            // Each failing test's message is shown whole: its end is usually what to do.
            let _ = writeln!(
                out,
                "  {} {}  {}",
                s.fail.red(),
                test.name,
                format!("{path}:{}", test.line).dimmed()
            );
            if let Some(exception) = &test.exception {
                message(out, exception, "      ", whole);
            }
            continue;
        }
        shown_full = true;
        let _ = writeln!(
            out,
            "  {} {}  {}",
            s.fail.red().bold(),
            test.name.bold(),
            format!("{path}:{}", test.line).dimmed()
        );
        failure(out, test, path, whole);
    }
}

/// The summary of a failure: as many of the message's first lines as fit in 100 characters
/// (a first line such as "Element counts were not equal:" says nothing alone), with a
/// visible cut.
fn one_line(e: &Exception) -> String {
    const WIDTH: usize = 100;
    let text = neutralise(&e.message);
    let mut summary = String::new();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut cut = false;
    for line in lines.by_ref() {
        let room = WIDTH.saturating_sub(summary.chars().count());
        if room < 10 && !summary.is_empty() {
            cut = true;
            break;
        }
        if !summary.is_empty() {
            summary.push_str("  ");
        }
        if line.chars().count() > room {
            summary.extend(line.chars().take(room));
            cut = true;
            break;
        }
        summary.push_str(line);
    }
    if cut || lines.next().is_some() {
        summary.push('…');
    }
    format!("{}: {}", e.error_type, plain_symbols(&summary))
}

fn failure(out: &mut String, test: &TestResult, path: &str, whole: &str) {
    let indent = "      ";
    if !test.subtests.is_empty() {
        subtests(out, test, path, indent, whole);
    } else if let Some(exception) = &test.exception {
        exception_details(out, exception, test.assertion.as_ref(), path, indent, whole);
    }
    if let Some(exception) = &test.exception {
        if exception.message.contains("File too large") {
            let _ = writeln!(out, "{indent}{} your code wrote more than {} MB to one file, the sandbox's limit: look for a loop that never stops writing.", "note:".yellow().bold(), FILE_SIZE_LIMIT >> 20);
        }
        if exception.error_type == "EncodingWarning" {
            let _ = writeln!(out, "{indent}{} open() without encoding= uses the platform's default, which differs between machines: pass encoding='utf-8' (or the file's real encoding).", "note:".yellow().bold());
        }
    }
    for (label, text) in [
        ("printed (stdout)", &test.stdout),
        ("printed (stderr)", &test.stderr),
    ] {
        if !text.trim().is_empty() {
            let _ = writeln!(out, "{indent}{}", format!("{label}:").dimmed());
            for line in cut_lines(text, OUTPUT_LINES) {
                let _ = writeln!(out, "{indent}  {line}");
            }
        }
    }
}

fn exception_details(
    out: &mut String,
    exception: &Exception,
    assertion: Option<&Assertion>,
    path: &str,
    indent: &str,
    whole: &str,
) {
    frames(out, &exception.traceback, path, indent);
    match assertion {
        Some(a) if !a.has_message => {}
        _ => message(out, exception, indent, whole),
    }
    if let Some(assertion) = assertion {
        comparison(out, assertion, indent);
    }
}

/// Subtests shown in full before this many; the rest one line each.
const SUBTESTS_IN_FULL: usize = 3;

fn subtests(out: &mut String, test: &TestResult, path: &str, indent: &str, whole: &str) {
    let n = test.subtests.len();
    let _ = writeln!(
        out,
        "{indent}{}",
        format!("{n} subtest{} failed:", plural(n)).dimmed()
    );
    for (i, sub) in test.subtests.iter().enumerate() {
        let summary = sub.exception.as_ref().map(one_line).unwrap_or_default();
        if i >= SUBTESTS_IN_FULL {
            let _ = writeln!(
                out,
                "{indent}{} {}  {}",
                symbols().fail.red(),
                neutralise(&sub.name),
                summary.dimmed()
            );
            continue;
        }
        let _ = writeln!(
            out,
            "{indent}{} {}",
            symbols().fail.red().bold(),
            neutralise(&sub.name).bold()
        );
        if let Some(exception) = &sub.exception {
            let deeper = format!("{indent}  ");
            exception_details(out, exception, sub.assertion.as_ref(), path, &deeper, whole);
        }
    }
}

fn message(out: &mut String, e: &Exception, indent: &str, whole: &str) {
    let text = neutralise(&e.message);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let _ = writeln!(
        out,
        "{indent}{}{}{first}",
        e.error_type.red().bold(),
        if first.is_empty() { "" } else { ": " }
    );
    let rest: Vec<&str> = lines.collect();
    for line in rest.iter().take(MESSAGE_LINES) {
        let _ = writeln!(out, "{indent}  {line}");
    }
    if rest.len() > MESSAGE_LINES {
        let _ = writeln!(
            out,
            "{indent}  {}",
            format!(
                "... {} more lines of this message; `{whole}` shows all of it",
                rest.len() - MESSAGE_LINES,
            )
            .yellow()
        );
    }
}

fn comparison(out: &mut String, a: &Assertion, indent: &str) {
    // The workbook's tests are written `assert got == expected`: for an equality the left side
    // is what the learner's code produced.
    let equality = a.op == "==";
    if equality && a.left.type_name != a.right.type_name {
        let _ = writeln!(
            out,
            "{indent}{} your code gave {}, the test expects {}",
            "why:".yellow().bold(),
            article(&a.left.type_name),
            article(&a.right.type_name)
        );
    }
    let diffable = equality && a.left.kind == a.right.kind && a.left.kind != ValueKind::Other;
    if !diffable {
        let (left, right) = if equality {
            ("your code:", "expected: ")
        } else {
            ("left: ", "right:")
        };
        let _ = writeln!(
            out,
            "{indent}{} {}",
            left.dimmed(),
            neutralise(&a.left.repr)
        );
        let _ = writeln!(
            out,
            "{indent}{} {}",
            right.dimmed(),
            neutralise(&a.right.repr)
        );
        if !equality {
            let _ = writeln!(
                out,
                "{indent}{}",
                format!("the comparison `left {} right` is false", a.op).dimmed()
            );
        }
        explanation(out, a, indent);
        return;
    }
    if !a.has_message {
        let _ = writeln!(
            out,
            "{indent}{} the two sides differ",
            "AssertionError:".red().bold()
        );
    }
    // One legend for every diff: `-` is what the test expects, `+` what the code gave.
    let (expected, got) = if a.helper.is_some() {
        (" (second argument)", " (first argument)")
    } else {
        ("", "")
    };
    let _ = writeln!(
        out,
        "{indent}{} {} {}",
        "diff".dimmed(),
        format!("- expected{expected}").green(),
        format!("+ your code{got}").red()
    );
    for line in unified(&a.right.text, &a.left.text).lines() {
        let _ = writeln!(out, "{indent}{line}");
    }
    if a.left.truncated || a.right.truncated {
        let _ = writeln!(
            out,
            "{indent}{}",
            "(values cut at 64 KiB for the diff)".dimmed()
        );
    }
    if a.left.kind == ValueKind::Str {
        if let Some(why) = diagnose(&a.right.text, &a.left.text) {
            let _ = writeln!(out, "{indent}{} {why}", "why:".yellow().bold());
        }
    }
    explanation(out, a, indent);
}

/// pytest's "where" lines: what the calls in the assert returned.
fn explanation(out: &mut String, a: &Assertion, indent: &str) {
    for line in &a.explain {
        let _ = writeln!(out, "{indent}{}", neutralise(line).dimmed());
    }
}

fn frames(out: &mut String, frames: &[Frame], path: &str, indent: &str) {
    for line in frame_lines(frames, path, indent) {
        let _ = writeln!(out, "{line}");
    }
}

/// Two lines per frame: where (file:line in function), then the code, indented.
fn frame_lines(frames: &[Frame], path: &str, indent: &str) -> Vec<String> {
    frames
        .iter()
        .flat_map(|frame| {
            // A statement over several lines comes whole: each of its lines indented.
            let code = neutralise(frame.code.trim());
            std::iter::once(format!(
                "{indent}{} {}",
                format!("{path}:{}", frame.line).dimmed(),
                format!("in {}", frame.func).dimmed()
            ))
            .chain(
                code.lines()
                    .map(|l| format!("{indent}  {l}"))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

fn process_output(out: &mut String, label: &str, captured: &Captured) {
    if captured.text.trim().is_empty() && captured.dropped_bytes == 0 {
        return;
    }
    let _ = writeln!(out, "  {}", format!("{label}:").dimmed());
    for line in cut_lines(&captured.text, OUTPUT_LINES) {
        let _ = writeln!(out, "    {line}");
    }
    if captured.dropped_bytes > 0 {
        let _ = writeln!(
            out,
            "    {}",
            format!(
                "... output truncated: {} more bytes were not kept",
                captured.dropped_bytes
            )
            .yellow()
        );
    }
}

/// The first `max` lines of `text`, neutralised, with a note when lines were cut.
fn cut_lines(text: &str, max: usize) -> Vec<String> {
    let safe = neutralise(text);
    let all: Vec<&str> = safe.lines().collect();
    let mut shown: Vec<String> = all
        .iter()
        .take(max)
        .map(|l| {
            let mut line: String = l.chars().take(300).collect();
            if l.chars().count() > 300 {
                line.push_str(&" … (line cut)".dimmed().to_string());
            }
            line
        })
        .collect();
    if all.len() > max {
        shown.push(
            format!("... {} more lines not shown", all.len() - max)
                .dimmed()
                .to_string(),
        );
    }
    shown
}

/// Hints revealed so far, numbered, and the documentation links.
pub fn hints(hints: &[String], shown: usize, docs: &[String]) -> String {
    let mut out = String::new();
    for (i, hint) in hints.iter().take(shown).enumerate() {
        let _ = writeln!(
            out,
            "{} {}",
            format!("Hint {}/{}:", i + 1, hints.len()).yellow().bold(),
            hint
        );
    }
    if shown < hints.len() {
        let _ = writeln!(
            out,
            "{}",
            format!(
                "({} more hint{} available)",
                hints.len() - shown,
                plural(hints.len() - shown)
            )
            .dimmed()
        );
    }
    if shown > 0 && !docs.is_empty() {
        let _ = writeln!(out, "{}", "Python docs:".dimmed());
        for url in docs {
            let _ = writeln!(out, "  {url}");
        }
    }
    out
}
