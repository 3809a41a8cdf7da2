//! The report for GitHub Classroom's grading reporter action
//! (`classroom-resources/autograding-grading-reporter`): one runner per exercise, so the
//! reporter's table and the grade it sends to Classroom both show per-exercise points.
//!
//! The reporter reads each runner's result from the environment variable `<RUNNER>_RESULTS`
//! (the id upper-cased), base64 of the JSON the Classroom graders write:
//! `{version: 1, status, max_score, tests: [{name, status, score, message, test_code,
//! filename, line_no, duration}]}`. It scores a runner as passed tests / tests × max_score in
//! its table, and sends Classroom the sum of the tests' `score`s: one test per runner, worth the
//! exercise's points, makes the two agree whatever the points are.
//!
//! The output is in the `NAME=value` form of `$GITHUB_ENV`, so one workflow step can append it
//! there; `IOLINGS_RUNNERS` lists the runner ids for the reporter's `runners` input.

use std::fmt::Write as _;

use serde::Serialize;

use super::{text, ExerciseReport, Kind, Report};

/// The variable holding the comma-separated runner ids.
pub const RUNNERS_VAR: &str = "IOLINGS_RUNNERS";
/// Longest test_code kept: it travels in an environment variable (at most 128 KiB each).
const CODE_CHARS: usize = 4 * 1024;

#[derive(Serialize)]
struct Payload<'a> {
    version: u32,
    status: &'static str,
    max_score: u32,
    tests: [Test<'a>; 1],
}

#[derive(Serialize)]
struct Test<'a> {
    name: &'a str,
    status: &'static str,
    score: u32,
    message: &'a str,
    /// Printed by the reporter under each failed test: the learner's view of the failure.
    test_code: String,
    filename: &'a str,
    line_no: u32,
    /// Milliseconds, as the command grader reports it.
    duration: u64,
}

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut out = String::new();
    let runners: Vec<&str> = report.exercises.iter().map(|e| e.name.as_str()).collect();
    let _ = writeln!(out, "{RUNNERS_VAR}={}", runners.join(","));
    for e in &report.exercises {
        let json = serde_json::to_string(&payload(e))?;
        let _ = writeln!(out, "{}={}", variable(&e.name), base64(json.as_bytes()));
    }
    Ok(out)
}

/// `reading1` → `READING1_RESULTS`, the name the reporter looks up.
pub fn variable(runner: &str) -> String {
    format!("{}_RESULTS", runner.to_ascii_uppercase())
}

fn payload(e: &ExerciseReport) -> Payload<'_> {
    // "error" is for runs that could not judge the code (the reporter prints their message);
    // every verdict about the code itself is a "fail".
    let status = match e.verdict {
        Kind::Passed => "pass",
        k if k.is_judged() => "fail",
        _ => "error",
    };
    let failure = e.failure.as_ref();
    Payload {
        version: 1,
        status,
        max_score: e.max_points,
        tests: [Test {
            name: &e.name,
            status,
            score: e.points,
            message: &e.summary,
            test_code: failure.map_or_else(String::new, |f| text::cap(&f.text, CODE_CHARS)),
            filename: &e.path,
            line_no: failure.and_then(|f| f.line).unwrap_or(0),
            duration: e.duration_ms,
        }],
    }
}

/// Standard base64 with padding (RFC 4648), as Node's `Buffer.from(s, "base64")` reads it.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_test_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }
}
