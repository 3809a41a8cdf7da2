//! The report as JUnit XML, in the shape GitLab's test report and the GitHub Actions JUnit
//! viewers read: `<testsuites>`, one `<testsuite>` per lesson, and one `<testcase>` per exercise
//! or per test. A failure's element text is the whole story as plain text (verdict, the failing
//! test's message, the diff), because GitLab shows that text and ignores `message=`.

use std::fmt::Write as _;

use super::{ExerciseReport, Kind, Report};
use crate::runner::verdict::TestStatus;

/// One test case per exercise (graded all or nothing, like the points) or per test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    #[default]
    Exercise,
    Test,
}

/// A `<testcase>` about to be written.
struct Case {
    classname: String,
    name: String,
    file: String,
    seconds: f64,
    problem: Option<Problem>,
}

/// A failing case's child element.
struct Problem {
    /// `failure` (an assertion did not hold) or `error` (the run or test broke).
    element: &'static str,
    kind: &'static str,
    message: String,
    text: String,
}

pub fn render(report: &Report, granularity: Granularity) -> String {
    let suites: Vec<(String, Vec<Case>)> = report
        .lessons
        .iter()
        .map(|lesson| {
            let cases = report
                .exercises
                .iter()
                .filter(|e| e.lesson == lesson.dir)
                .flat_map(|e| match granularity {
                    Granularity::Exercise => vec![exercise_case(e)],
                    Granularity::Test => test_cases(e),
                })
                .collect();
            (lesson.dir.clone(), cases)
        })
        .collect();
    let all = || suites.iter().flat_map(|(_, cases)| cases);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"iolings\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
        all().count(),
        count(all(), "failure"),
        count(all(), "error"),
        report.duration_ms as f64 / 1000.0
    );
    for (name, cases) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3}\">",
            xml(name),
            cases.len(),
            count(cases.iter(), "failure"),
            count(cases.iter(), "error"),
            cases.iter().map(|c| c.seconds).sum::<f64>()
        );
        for case in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3}\"",
                xml(&case.classname),
                xml(&case.name),
                xml(&case.file),
                case.seconds
            );
            match &case.problem {
                None => out.push_str("/>\n"),
                Some(p) => {
                    let _ = write!(
                        out,
                        ">\n      <{0} type=\"{1}\" message=\"{2}\">{3}</{0}>\n    </testcase>\n",
                        p.element,
                        p.kind,
                        xml(&p.message),
                        xml(&p.text)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn count<'a>(cases: impl Iterator<Item = &'a Case>, element: &str) -> usize {
    cases
        .filter(|c| c.problem.as_ref().is_some_and(|p| p.element == element))
        .count()
}

fn exercise_case(e: &ExerciseReport) -> Case {
    Case {
        classname: e.lesson.clone(),
        name: e.name.clone(),
        file: e.path.clone(),
        seconds: e.duration_ms as f64 / 1000.0,
        problem: (e.verdict != Kind::Passed).then(|| Problem {
            element: element_for(e.verdict),
            kind: e.verdict.as_str(),
            message: e.summary.clone(),
            text: e
                .failure
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default(),
        }),
    }
}

/// One case per test that reported. A run that ended before its tests did (or found none) adds
/// one case for what ended it, named after the test that was running, so a failing exercise
/// always shows as at least one failing case.
fn test_cases(e: &ExerciseReport) -> Vec<Case> {
    let classname = format!("{}.{}", e.lesson, e.name);
    let mut cases: Vec<Case> = e
        .tests
        .iter()
        .map(|t| Case {
            classname: classname.clone(),
            name: t.name.clone(),
            file: e.path.clone(),
            seconds: t.duration_ms / 1000.0,
            problem: (!t.status.is_ok()).then(|| Problem {
                element: if t.status == TestStatus::Failed {
                    "failure"
                } else {
                    "error"
                },
                kind: if t.status == TestStatus::Failed {
                    "failed"
                } else {
                    "error"
                },
                message: t.message.clone().unwrap_or_default(),
                text: t.details.clone().unwrap_or_default(),
            }),
        })
        .collect();
    let has_failing = cases.iter().any(|c| c.problem.is_some());
    let ended_early = !matches!(e.verdict, Kind::Passed | Kind::TestsFailed);
    if e.verdict != Kind::Passed && (ended_early || !has_failing) {
        let failure = e.failure.as_ref();
        let reported = |name: &str| e.tests.iter().any(|t| t.name == name);
        let name = failure
            .and_then(|f| f.test.clone())
            .filter(|t| ended_early && !reported(t))
            .unwrap_or_else(|| "(exercise)".to_string());
        let ran: f64 = e.tests.iter().map(|t| t.duration_ms).sum();
        cases.push(Case {
            classname,
            name,
            file: e.path.clone(),
            seconds: (e.duration_ms as f64 - ran).max(0.0) / 1000.0,
            problem: Some(Problem {
                element: element_for(e.verdict),
                kind: e.verdict.as_str(),
                message: e.summary.clone(),
                text: failure.map(|f| f.text.clone()).unwrap_or_default(),
            }),
        });
    }
    cases
}

/// Failing assertions are failures; everything that stopped the code from being tested is an
/// error (JUnit's distinction, which both viewers show).
fn element_for(kind: Kind) -> &'static str {
    if kind == Kind::TestsFailed {
        "failure"
    } else {
        "error"
    }
}

/// Text made safe for an XML attribute or element: markup escaped (so `]]>` is harmless, no
/// CDATA is used), and characters XML 1.0 forbids spelled out as escapes instead of dropped.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Kept as character references: a parser would turn raw ones into spaces/newlines.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if xml_allowed(c) => out.push(c),
            c => out.push_str(&crate::render::escape::escaped(c)),
        }
    }
    out
}

/// The characters XML 1.0 allows in a document.
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(xml("a<b>&\"]]>"), "a&lt;b&gt;&amp;&quot;]]&gt;");
        assert_eq!(xml("\u{1}\u{fffe}\r"), "\\x01\\ufffe&#13;");
    }
}
