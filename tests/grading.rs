//! Grading reports, each parsed back by a real parser: the JSON report against its JSON Schema
//! (docs/report.schema.json), JUnit against the JUnit schema CI viewers read, the GitHub
//! Classroom payload base64-decoded and scored the way the reporter action scores it,
//! Gradescope's results.json field by field, and the gradebook as CSV. The workbook under test
//! has every verdict kind, and its failing exercise prints hostile output: escape sequences,
//! control characters, invalid UTF-8, `]]>`. Reports must also stay valid and complete when
//! progress cannot be saved and when the run is interrupted.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{expect_code, iolings, iolings_in, test_workbook, Copy, REPO, TEST_WORKBOOK};
use serde_json::Value;

/// The failing exercise of the test workbook, rewritten to print everything that breaks naive
/// XML, JSON and terminals, at import and inside its tests.
const HOSTILE: &str = r#""""Tests fail, and print hostile output on the way."""

import sys

sys.stdout.write("esc \x1b[31mred\x1b[0m bell \x07 cdata ]]> nul \x00 nonchar \uffff\n")
sys.stdout.flush()
sys.stdout.buffer.write(b"invalid utf-8: \xff\xfe\xc3(\n")
sys.stdout.buffer.flush()


def read_exactly(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_read_exactly():
    print("in test: \x1b]0;title\x07 ]]> \x01 <b>&amp;")
    assert read_exactly("crlf.txt") == "one\r\ntwo\r\n"


def test_message_is_hostile():
    assert 1 == 2, "msg ]]> \x1b[2J \x08 </failure>"


def test_unrelated_passes():
    assert 1 + 1 == 2
"#;

/// The test workbook with the hostile exercise in place of `crlf`.
fn hostile_workbook() -> Copy {
    let wb = test_workbook();
    std::fs::write(wb.path("exercises/01_basics/crlf.py"), HOSTILE).unwrap();
    wb
}

fn verify(wb: &Copy, args: &[&str], code: i32) -> common::Output {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    expect_code(iolings_in(&wb.root).args(&all), code)
}

// ---------------------------------------------------------------------------------------------
// JSON

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(REPO).join("docs/report.schema.json"))
        .expect("docs/report.schema.json exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema is a valid JSON Schema")
}

/// Parse `text` as a report and validate it against the schema; panics with every error.
#[track_caller]
fn valid_report(text: &str) -> Value {
    let report: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e})\n{text}"));
    let errors: Vec<String> = schema()
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}\n{text}",
        errors.join("\n")
    );
    report
}

fn exercises(report: &Value) -> &Vec<Value> {
    report["exercises"].as_array().expect("exercises is a list")
}

fn exercise<'a>(report: &'a Value, name: &str) -> &'a Value {
    exercises(report)
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("{name} is in the report"))
}

#[test]
fn json_report_matches_its_schema_in_workbook_order_with_every_verdict_kind() {
    let wb = hostile_workbook();
    let out = verify(&wb, &["--format", "json"], 1);
    let report = valid_report(&out.stdout);
    assert_eq!(report["format"], "iolings-report");
    assert_eq!(report["version"], 1);
    assert_eq!(report["complete"], true);
    assert_eq!(report["pristine_tests"], false);
    let kinds: Vec<(&str, &str)> = exercises(&report)
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds, TEST_WORKBOOK,
        "every verdict kind, in workbook order"
    );

    // Totals agree with the exercises, overall and per lesson.
    let t = &report["totals"];
    let n = TEST_WORKBOOK.len() as u64;
    assert_eq!(t["exercises"], n);
    assert_eq!(t["passed"], 1);
    assert_eq!(t["failed"], n - 1);
    assert_eq!(t["not_run"], 0);
    assert_eq!(t["points"], 1);
    assert_eq!(t["max_points"], n);
    let tests: usize = exercises(&report)
        .iter()
        .map(|e| e["tests"].as_array().unwrap().len())
        .sum();
    assert_eq!(t["tests"], tests as u64);
    let lessons = report["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 1);
    for key in [
        "exercises",
        "passed",
        "failed",
        "points",
        "max_points",
        "tests",
    ] {
        assert_eq!(lessons[0][key], t[key], "{key}");
    }

    // The failure names the first failing test, its message, and carries the diff.
    let crlf = exercise(&report, "crlf");
    assert_eq!(crlf["points"], 0);
    assert_eq!(crlf["max_points"], 1);
    assert_eq!(crlf["failure"]["test"], "test_read_exactly");
    assert!(crlf["failure"]["line"].as_u64().is_some());
    let summary = crlf["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("2 of 3 tests failed; first: test_read_exactly: AssertionError"),
        "{summary}"
    );
    let first = &crlf["tests"][0];
    assert_eq!(first["status"], "failed");
    let details = first["details"].as_str().unwrap();
    assert!(
        details.contains("- one␍") && details.contains("+ one"),
        "{details}"
    );
    // Hostile output is kept, spelled out; none of it is live.
    let text = crlf["failure"]["text"].as_str().unwrap();
    assert!(
        text.contains("\\x1b[31mred") && text.contains("]]>"),
        "{text}"
    );
    for field in [text, details, summary] {
        assert!(
            !field.chars().any(|c| c.is_control() && c != '\n'),
            "control characters in {field:?}"
        );
    }
    let hostile_message = &crlf["tests"][1];
    assert_eq!(hostile_message["name"], "test_message_is_hostile");
    let message = hostile_message["message"].as_str().unwrap();
    assert!(
        message.contains("msg ]]> \\x1b[2J \\x08 </failure>"),
        "{message}"
    );

    // A passing exercise has no failure and earns its points; tests are in run order.
    let passing = exercise(&report, "passing");
    assert!(passing["failure"].is_null());
    assert_eq!(passing["points"], 1);
    let names: Vec<&str> = passing["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["test_greeting", "test_sum"]);

    // An exercise that ended early says which test it was in.
    assert_eq!(
        exercise(&report, "forever")["failure"]["test"],
        "test_count_up"
    );
    assert!(exercise(&report, "syntax")["failure"]["test"].is_null());
}

#[test]
fn the_schema_rejects_what_the_report_must_not_be() {
    // The schema is a real check: undocumented fields and unknown verdicts fail it.
    let wb = test_workbook();
    let out = verify(&wb, &["--format", "json"], 1);
    let mut report: Value = serde_json::from_str(&out.stdout).unwrap();
    let validator = schema();
    assert!(validator.is_valid(&report));
    report["exercises"][0]["verdict"] = "almost".into();
    assert!(!validator.is_valid(&report));
    report["exercises"][0]["verdict"] = "passed".into();
    report["exercises"][0]["grade"] = "A".into();
    assert!(!validator.is_valid(&report));
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// One element of the JUnit schema: its attributes (name, required, numeric) and its children
/// in sequence (name, min, max).
struct Element {
    name: &'static str,
    attributes: &'static [(&'static str, bool, bool)],
    children: &'static [(&'static str, usize, usize)],
    mixed: bool,
}

const MANY: usize = usize::MAX;

/// Jenkins' junit-10.xsd, the JUnit schema CI tools agree on, plus the testcase `file`
/// attribute that GitLab's parser reads.
const JUNIT: &[Element] = &[
    Element {
        name: "testsuites",
        attributes: &[
            ("name", false, false),
            ("time", false, true),
            ("tests", false, true),
            ("failures", false, true),
            ("disabled", false, true),
            ("errors", false, true),
        ],
        children: &[("testsuite", 0, MANY)],
        mixed: false,
    },
    Element {
        name: "testsuite",
        attributes: &[
            ("name", true, false),
            ("tests", true, true),
            ("failures", false, true),
            ("errors", false, true),
            ("time", false, true),
            ("disabled", false, true),
            ("skipped", false, true),
            ("timestamp", false, false),
            ("hostname", false, false),
            ("id", false, false),
            ("package", false, false),
        ],
        children: &[
            ("properties", 0, 1),
            ("testcase", 0, MANY),
            ("system-out", 0, 1),
            ("system-err", 0, 1),
        ],
        mixed: false,
    },
    Element {
        name: "testcase",
        attributes: &[
            ("name", true, false),
            ("assertions", false, true),
            ("time", false, true),
            ("classname", false, false),
            ("status", false, false),
            ("file", false, false),
        ],
        children: &[
            ("skipped", 0, 1),
            ("error", 0, MANY),
            ("failure", 0, MANY),
            ("system-out", 0, MANY),
            ("system-err", 0, MANY),
        ],
        mixed: false,
    },
    Element {
        name: "failure",
        attributes: &[("type", false, false), ("message", false, false)],
        children: &[],
        mixed: true,
    },
    Element {
        name: "error",
        attributes: &[("type", false, false), ("message", false, false)],
        children: &[],
        mixed: true,
    },
];

/// Check `node` and everything below it against the schema; collect every violation.
fn check_junit(node: roxmltree::Node, problems: &mut Vec<String>) {
    let name = node.tag_name().name();
    let Some(element) = JUNIT.iter().find(|e| e.name == name) else {
        problems.push(format!("<{name}> is not a JUnit element"));
        return;
    };
    for attr in node.attributes() {
        match element.attributes.iter().find(|(a, ..)| *a == attr.name()) {
            None => problems.push(format!("<{name}> has an unknown attribute {}", attr.name())),
            Some((_, _, true)) if attr.value().parse::<f64>().is_err() => problems.push(format!(
                "<{name} {}=\"{}\"> is not a number",
                attr.name(),
                attr.value()
            )),
            _ => {}
        }
    }
    for (attr, required, _) in element.attributes {
        if *required && node.attribute(*attr).is_none() {
            problems.push(format!("<{name}> lacks the required attribute {attr}"));
        }
    }
    if !element.mixed {
        for text in node.children().filter(|c| c.is_text()) {
            if !text.text().unwrap_or("").trim().is_empty() {
                problems.push(format!("<{name}> holds text"));
            }
        }
    }
    // The children must follow the sequence, each within its bounds.
    let children: Vec<roxmltree::Node> = node.children().filter(|c| c.is_element()).collect();
    let mut i = 0;
    for (child, min, max) in element.children {
        let mut n = 0;
        while i < children.len() && children[i].tag_name().name() == *child {
            n += 1;
            i += 1;
        }
        if n < *min || n > *max {
            problems.push(format!("<{name}> has {n} <{child}>, allowed {min}..{max}"));
        }
    }
    if let Some(extra) = children.get(i) {
        problems.push(format!(
            "<{}> is out of place in <{name}>",
            extra.tag_name().name()
        ));
    }
    for child in children {
        check_junit(child, problems);
    }
}

/// A failing case's element: its name (`failure` or `error`), `message=` and text.
type Problem = (String, String, String);
/// A test case: classname, name, and its problem if it fails.
type Case = (String, String, Option<Problem>);

/// Parse a JUnit report, check it against the schema and against what the viewers need; return
/// its test cases.
#[track_caller]
fn valid_junit(xml: &str) -> Vec<Case> {
    // No character a viewer could choke on is written raw.
    for c in xml.chars() {
        assert!(
            !(c.is_control() && c != '\n' && c != '\t') && c != '\u{fffe}' && c != '\u{ffff}',
            "raw {c:?} in the XML"
        );
    }
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML ({e})\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let mut problems = Vec::new();
    check_junit(root, &mut problems);
    assert!(
        problems.is_empty(),
        "JUnit schema violations:\n{}\n{xml}",
        problems.join("\n")
    );

    let count = |node: roxmltree::Node, what: &str| {
        node.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .filter(|c| what == "tests" || c.children().any(|x| x.has_tag_name(what)))
            .count()
            .to_string()
    };
    for (attr, what) in [
        ("tests", "tests"),
        ("failures", "failure"),
        ("errors", "error"),
    ] {
        assert_eq!(
            root.attribute(attr),
            Some(count(root, what).as_str()),
            "testsuites {attr}"
        );
    }
    let mut cases = Vec::new();
    let mut seen = HashSet::new();
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        // dorny/test-reporter reads every suite's name and time.
        assert!(suite.attribute("time").is_some(), "testsuite time");
        for (attr, what) in [
            ("tests", "tests"),
            ("failures", "failure"),
            ("errors", "error"),
        ] {
            assert_eq!(
                suite.attribute(attr),
                Some(count(suite, what).as_str()),
                "testsuite {attr}"
            );
        }
        for case in suite.children().filter(|n| n.has_tag_name("testcase")) {
            let classname = case
                .attribute("classname")
                .expect("GitLab shows classname as the suite")
                .to_string();
            let name = case.attribute("name").unwrap().to_string();
            assert!(case.attribute("time").is_some(), "testcase time");
            // GitLab keeps only the first of two cases with the same classname and name.
            assert!(
                seen.insert((classname.clone(), name.clone())),
                "duplicate case {classname} {name}"
            );
            let problem = case
                .children()
                .find(|n| n.has_tag_name("failure") || n.has_tag_name("error"))
                .map(|f| {
                    let message = f
                        .attribute("message")
                        .expect("a failure has a message")
                        .to_string();
                    assert!(
                        !message.is_empty() && !message.contains('\n'),
                        "one-line message: {message:?}"
                    );
                    assert!(
                        f.attribute("type").is_some_and(|t| !t.is_empty()),
                        "a failure has a type"
                    );
                    // GitLab shows the element's text and ignores message=: the text is the story.
                    let text = f.text().unwrap_or("").to_string();
                    assert!(
                        !text.trim().is_empty(),
                        "{classname} {name}: empty failure text"
                    );
                    (f.tag_name().name().to_string(), message, text)
                });
            cases.push((classname, name, problem));
        }
    }
    cases
}

#[test]
fn junit_per_exercise_is_valid_and_tells_the_whole_story_of_each_failure() {
    let wb = hostile_workbook();
    let out = verify(&wb, &["--format", "junit"], 1);
    assert!(!out.stdout.contains("\x1b"), "no ANSI in the report");
    let cases = valid_junit(&out.stdout);
    assert_eq!(cases.len(), TEST_WORKBOOK.len());
    for ((classname, name, problem), (exercise, kind)) in cases.iter().zip(TEST_WORKBOOK) {
        assert_eq!(classname, "01_basics");
        assert_eq!(name, exercise);
        match (problem, *kind) {
            (None, "passed") => {}
            (Some((element, ..)), "tests_failed") => assert_eq!(element, "failure"),
            (Some((element, ..)), _) => assert_eq!(element, "error", "{exercise}"),
            (None, _) => panic!("{exercise} ({kind}) shows as passing"),
        }
    }
    let (_, _, crlf) = &cases[1];
    let (_, message, text) = crlf.as_ref().unwrap();
    assert!(
        message.starts_with("2 of 3 tests failed; first: test_read_exactly"),
        "{message}"
    );
    // The verdict, the first failing test, its message and the diff, as plain text; the hostile
    // output spelled out and `]]>` intact.
    for needle in [
        "crlf: 2 of 3 tests failed",
        "test_read_exactly",
        "AssertionError: the two sides differ",
        "- one␍",
        "+ one",
        "\\x1b[31mred",
        "cdata ]]>",
        "\\x07",
        "\\x00",
        "\\uffff",
        "invalid utf-8: \u{fffd}",
        "in test: \\x1b]0;title\\x07 ]]> \\x01 <b>&amp;",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
    // The reasons of the early endings are named, not empty.
    let reasons: Vec<&str> = cases
        .iter()
        .filter_map(|(_, _, p)| p.as_ref())
        .map(|(_, m, _)| m.as_str())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|m| m.contains("did not finish within 1 s during test_count_up")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|m| m.starts_with("could not run: Python exited")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|m| m.contains("killed by SIGSEGV")),
        "{reasons:?}"
    );
}

#[test]
fn junit_per_test_has_a_case_for_every_test_and_for_every_early_end() {
    let wb = hostile_workbook();
    let out = verify(
        &wb,
        &["--format", "junit", "--junit-granularity", "test"],
        1,
    );
    let cases = valid_junit(&out.stdout);
    let named = |class: &str| -> Vec<(&str, Option<&str>)> {
        cases
            .iter()
            .filter(|(c, ..)| c == &format!("01_basics.{class}"))
            .map(|(_, n, p)| (n.as_str(), p.as_ref().map(|(e, ..)| e.as_str())))
            .collect()
    };
    assert_eq!(
        named("passing"),
        [("test_greeting", None), ("test_sum", None)]
    );
    assert_eq!(
        named("crlf"),
        [
            ("test_read_exactly", Some("failure")),
            ("test_message_is_hostile", Some("failure")),
            ("test_unrelated_passes", None)
        ]
    );
    // A run that ended inside a test shows that test; one that never reached a test shows the
    // exercise as a whole.
    assert_eq!(
        named("segfault"),
        [("test_first_passes", None), ("test_dies", Some("error"))]
    );
    assert_eq!(named("forever"), [("test_count_up", Some("error"))]);
    assert_eq!(named("exit_test"), [("test_finish", Some("error"))]);
    assert_eq!(named("syntax"), [("(exercise)", Some("error"))]);
    assert_eq!(named("bad_args"), [("(exercise)", Some("error"))]);
    let hostile = cases
        .iter()
        .find(|(_, n, _)| n == "test_message_is_hostile")
        .and_then(|(_, _, p)| p.as_ref())
        .unwrap();
    assert!(
        hostile.1.contains("msg ]]> \\x1b[2J \\x08 </failure>"),
        "{}",
        hostile.1
    );
}

#[test]
fn junit_granularity_is_refused_with_other_formats() {
    let wb = test_workbook();
    let out = verify(&wb, &["--format", "json", "--junit-granularity", "test"], 2);
    assert!(out.stderr.contains("--format junit"), "{}", out.both());
}

// ---------------------------------------------------------------------------------------------
// GitHub Classroom

/// `NAME=value` lines as the workflow appends them to $GITHUB_ENV.
fn env_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not NAME=value: {l:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn classroom_payload_is_what_the_reporter_reads_with_one_runner_per_exercise() {
    let wb = hostile_workbook();
    // Unequal points: the reporter's table and the grade it sends must still agree.
    let info = std::fs::read_to_string(wb.path("info.toml")).unwrap();
    let info = info
        .replacen("[defaults]\n", "[defaults]\npoints = 2\n", 1)
        .replacen(
            "name = \"passing\"\n",
            "name = \"passing\"\npoints = 5\n",
            1,
        );
    std::fs::write(wb.path("info.toml"), info).unwrap();
    let out = verify(&wb, &["--format", "classroom"], 1);
    let lines = env_lines(&out.stdout);
    let json = valid_report(&verify(&wb, &["--format", "json"], 1).stdout);

    // The first line lists the runners, in workbook order, for the reporter's `runners` input.
    assert_eq!(lines[0].0, "IOLINGS_RUNNERS");
    let runners: Vec<&str> = lines[0].1.split(',').collect();
    let names: Vec<&str> = TEST_WORKBOOK.iter().map(|(n, _)| *n).collect();
    assert_eq!(runners, names);
    assert_eq!(lines.len(), 1 + names.len());

    let (mut table_total, mut notice_total, mut notice_max) = (0.0, 0.0, 0.0);
    for (runner, (var, value)) in runners.iter().zip(&lines[1..]) {
        // The reporter reads process.env[`${runner.trim().toUpperCase()}_RESULTS`].
        assert_eq!(var, &format!("{}_RESULTS", runner.to_uppercase()));
        assert!(var
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value)
            .unwrap_or_else(|e| panic!("{var} is not base64 ({e})"));
        let payload: Value = serde_json::from_slice(&bytes).expect("the payload is JSON");
        assert_eq!(payload["version"], 1);
        let status = payload["status"].as_str().unwrap();
        assert!(["pass", "fail", "error"].contains(&status), "{status}");
        let max = payload["max_score"].as_f64().unwrap();
        let tests = payload["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 1, "one test per runner");
        let test = &tests[0];
        for key in [
            "name",
            "status",
            "score",
            "message",
            "test_code",
            "filename",
            "line_no",
            "duration",
        ] {
            assert!(test.get(key).is_some(), "{var}: tests[0].{key} missing");
        }
        assert_eq!(test["name"], *runner);
        assert_eq!(test["status"], status);
        assert!(test["line_no"].is_u64() && test["duration"].is_u64());

        let report = exercise(&json, runner);
        assert_eq!(max, report["max_points"].as_f64().unwrap(), "{runner}");
        assert_eq!(
            test["score"].as_f64().unwrap(),
            report["points"].as_f64().unwrap(),
            "{runner}"
        );
        let expected = match report["verdict"].as_str().unwrap() {
            "passed" => "pass",
            "could_not_run" | "not_run" => "error",
            _ => "fail",
        };
        assert_eq!(status, expected, "{runner}");
        if status != "pass" {
            // Printed under the failed test in the workflow log: the learner's view.
            assert!(!test["test_code"].as_str().unwrap().is_empty(), "{runner}");
            assert!(!test["message"].as_str().unwrap().is_empty(), "{runner}");
        }
        // The reporter's table: passed tests / tests × max_score ...
        let passed = tests.iter().filter(|t| t["status"] == "pass").count() as f64;
        table_total += passed / tests.len() as f64 * max;
        // ... and the grade it sends to Classroom: the sum of the scores, of runners with a max.
        if max > 0.0 {
            notice_max += max;
            notice_total += tests
                .iter()
                .map(|t| t["score"].as_f64().unwrap())
                .sum::<f64>();
        }
    }
    let totals = &json["totals"];
    assert_eq!(notice_total, totals["points"].as_f64().unwrap());
    assert_eq!(notice_max, totals["max_points"].as_f64().unwrap());
    assert_eq!(table_total, notice_total, "the table and the grade agree");
    assert_eq!(totals["points"], 5);
    assert_eq!(totals["max_points"], 5 + 2 * (names.len() as u64 - 1));
    // The failure text survives the trip: the diff, the hostile output spelled out.
    let crlf = &lines[2];
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(&crlf.1)
            .unwrap(),
    )
    .unwrap();
    let code = payload["tests"][0]["test_code"].as_str().unwrap();
    assert!(
        code.contains("- one␍") && code.contains("\\x1b[31mred"),
        "{code}"
    );
}

// ---------------------------------------------------------------------------------------------
// Gradescope

#[test]
fn gradescope_results_have_every_field_gradescope_reads() {
    let wb = hostile_workbook();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results").join("results.json");
    let out = verify(
        &wb,
        &[
            "--format",
            "gradescope",
            "--output",
            results.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        out.stdout.is_empty(),
        "the report went to the file\n{}",
        out.both()
    );
    let text = std::fs::read_to_string(&results).expect("results.json written");
    // Readable by whoever collects it, like any file a command writes.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&results).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
    let r: Value = serde_json::from_str(&text).expect("results.json is JSON");
    let visibility = ["hidden", "after_due_date", "after_published", "visible"];
    let formats = ["text", "html", "simple_format", "md", "ansi"];
    assert!(r["score"].is_number());
    assert!(r["execution_time"].as_f64().is_some_and(|t| t >= 0.0));
    assert!(r["output"]
        .as_str()
        .unwrap()
        .starts_with("1/10 exercises pass: 1/10 points."));
    assert!(visibility.contains(&r["visibility"].as_str().unwrap()));
    assert!(visibility.contains(&r["stdout_visibility"].as_str().unwrap()));
    for key in ["output_format", "test_output_format", "test_name_format"] {
        assert!(formats.contains(&r[key].as_str().unwrap()), "{key}");
    }
    assert_eq!(r["extra_data"]["max_score"], 10);
    let tests = r["tests"].as_array().unwrap();
    assert_eq!(tests.len(), TEST_WORKBOOK.len());
    let mut sum = 0.0;
    let mut numbers = HashSet::new();
    for (test, (name, kind)) in tests.iter().zip(TEST_WORKBOOK) {
        let score = test["score"].as_f64().unwrap();
        let max = test["max_score"].as_f64().unwrap();
        sum += score;
        assert_eq!(test["name"], format!("{name} (Basics)"));
        assert!(numbers.insert(test["number"].as_str().unwrap().to_string()));
        assert!(
            test.get("visibility").is_none(),
            "the top-level visibility decides"
        );
        let status = if *kind == "passed" {
            "passed"
        } else {
            "failed"
        };
        assert_eq!(test["status"], status, "{name}");
        assert_eq!(score, if *kind == "passed" { max } else { 0.0 }, "{name}");
        let output = test["output"].as_str().unwrap();
        assert!(!output.is_empty(), "{name}");
        assert!(
            !output.chars().any(|c| c.is_control() && c != '\n'),
            "{name}: {output:?}"
        );
        assert_eq!(test["tags"][1], *kind);
    }
    assert_eq!(sum, r["score"].as_f64().unwrap());
    assert_eq!(tests[0]["number"], "1.1");
}

// ---------------------------------------------------------------------------------------------
// When things go wrong

#[test]
fn reports_stay_valid_and_complete_when_progress_cannot_be_saved() {
    let wb = hostile_workbook();
    // A read-only checkout, also for root (for whom chmod stops nothing): .iolings is a file.
    std::fs::write(wb.path(".iolings"), b"").unwrap();
    let out = verify(&wb, &["--format", "json"], 1);
    assert!(
        out.stderr.contains("could not save progress"),
        "{}",
        out.both()
    );
    let report = valid_report(&out.stdout);
    assert_eq!(report["complete"], true);
    assert_eq!(exercises(&report).len(), TEST_WORKBOOK.len());
    let out = verify(&wb, &["--format", "junit"], 1);
    assert_eq!(valid_junit(&out.stdout).len(), TEST_WORKBOOK.len());
    let out = verify(&wb, &["--format", "classroom"], 1);
    assert_eq!(env_lines(&out.stdout).len(), 1 + TEST_WORKBOOK.len());
}

#[test]
fn an_unwritable_output_file_is_an_error_that_names_it() {
    let wb = test_workbook();
    let target = wb.path("exercises/01_basics/passing.py/report.json");
    let out = verify(
        &wb,
        &["--format", "json", "--output", target.to_str().unwrap()],
        9,
    );
    assert!(
        out.stderr.contains("could not write the report to"),
        "{}",
        out.both()
    );
}

/// Start `iolings verify ARGS` on `wb`, wait until it has run for `after`, send SIGTERM, and
/// return its exit code and stdout.
fn interrupted(wb: &Copy, args: &[&str], after: Duration) -> (i32, String) {
    let mut cmd = StdCommand::new(env!("CARGO_BIN_EXE_iolings"));
    cmd.env_remove("NO_COLOR")
        .env_remove("IOLINGS_PYTHON")
        .env_remove("CARGO_PKG_NAME")
        .env("LC_ALL", "C.UTF-8")
        .arg("--workbook")
        .arg(&wb.root)
        .arg("verify")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("iolings starts");
    std::thread::sleep(after);
    // SAFETY: kill(2) on the process this test spawned.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0);
    let started = Instant::now();
    let out = child.wait_with_output().expect("iolings ends");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stopped promptly"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The test workbook with `forever` given long enough that it is still running when the
/// interruption comes.
fn slow_workbook() -> Copy {
    let wb = hostile_workbook();
    let info = std::fs::read_to_string(wb.path("info.toml")).unwrap();
    let info = info.replacen("timeout_secs = 1\n", "timeout_secs = 60\n", 1);
    std::fs::write(wb.path("info.toml"), info).unwrap();
    wb
}

#[test]
fn an_interrupted_run_still_writes_a_whole_report_that_says_so() {
    let wb = slow_workbook();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let (code, stdout) = interrupted(
        &wb,
        &[
            "--format",
            "json",
            "--jobs",
            "2",
            "--output",
            file.to_str().unwrap(),
        ],
        Duration::from_secs(3),
    );
    assert_eq!(code, 130);
    assert!(stdout.is_empty());
    let report = valid_report(&std::fs::read_to_string(&file).expect("the report was written"));
    assert_eq!(report["complete"], false);
    let all: Vec<&str> = exercises(&report)
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let names: Vec<&str> = TEST_WORKBOOK.iter().map(|(n, _)| *n).collect();
    assert_eq!(all, names, "every exercise is listed");
    let forever = exercise(&report, "forever");
    assert_eq!(forever["verdict"], "not_run");
    assert_eq!(forever["points"], 0);
    let t = &report["totals"];
    assert!(t["not_run"].as_u64().unwrap() >= 1);
    assert_eq!(
        t["passed"].as_u64().unwrap()
            + t["failed"].as_u64().unwrap()
            + t["not_run"].as_u64().unwrap(),
        names.len() as u64
    );

    // The other formats too: JUnit lists the unfinished exercise as an error.
    let (code, stdout) = interrupted(
        &wb,
        &["--format", "junit", "--jobs", "2"],
        Duration::from_secs(3),
    );
    assert_eq!(code, 130);
    let cases = valid_junit(&stdout);
    assert_eq!(cases.len(), names.len());
    let (_, _, problem) = cases.iter().find(|(_, n, _)| n == "forever").unwrap();
    let (element, message, _) = problem.as_ref().expect("not run is not a pass");
    assert_eq!(element, "error");
    assert!(message.starts_with("not run"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Gradebook

#[test]
fn gradebook_csv_has_a_row_per_learner_and_a_column_per_exercise() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    // alice solved everything that can be solved; bob nothing; "=evil" is a hostile file name.
    let alice = test_workbook();
    common::copy_dir(&alice.path("solutions"), &alice.path("exercises"));
    for (learner, wb) in [
        ("alice", &alice),
        ("bob", &test_workbook()),
        ("=evil", &test_workbook()),
    ] {
        let out = verify(wb, &["--format", "json"], 1);
        std::fs::write(results.join(format!("{learner}.json")), out.stdout).unwrap();
    }
    let files: Vec<String> = ["alice", "bob", "=evil"]
        .iter()
        .map(|l| results.join(format!("{l}.json")).display().to_string())
        .collect();
    let out = expect_code(iolings().arg("report").args(&files).arg("--csv"), 0);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut expected = vec!["learner".to_string()];
    expected.extend(TEST_WORKBOOK.iter().map(|(n, _)| n.to_string()));
    expected.extend(["total", "max", "notes"].map(str::to_string));
    assert_eq!(header, expected);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), 3);
    let n = TEST_WORKBOOK.len();
    assert_eq!(&rows[0][0], "alice");
    // The solved workbook passes everything but bad_args, whose info.toml breaks the interpreter.
    assert_eq!(&rows[0][n + 1], (n - 1).to_string());
    assert_eq!(&rows[0][n + 2], n.to_string());
    assert_eq!(&rows[1][0], "bob");
    assert_eq!(&rows[1][1], "1");
    assert_eq!(&rows[1][2], "0");
    assert_eq!(&rows[1][n + 1], "1");
    // A spreadsheet would run a cell starting with `=`.
    assert_eq!(&rows[2][0], "'=evil");
    // Reports not graded with the shipped tests are flagged.
    assert!(
        rows[1][n + 3].contains("--pristine-tests"),
        "{:?}",
        &rows[1]
    );

    // The table for a person.
    let out = expect_code(iolings().arg("report").args(&files), 0);
    assert!(
        out.stdout.contains("alice") && out.stdout.contains(&format!("{}/{n}", n - 1)),
        "{}",
        out.stdout
    );
}

#[test]
fn gradebook_refuses_files_that_are_not_reports() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("other.json");
    std::fs::write(&file, "{\"passed\": 1}").unwrap();
    let out = expect_code(iolings().arg("report").arg(&file).arg("--csv"), 2);
    assert!(
        out.stderr.contains("is not an iolings report"),
        "{}",
        out.both()
    );
    std::fs::write(&file, "{\"format\": \"iolings-report\", \"version\": 99}").unwrap();
    let out = expect_code(iolings().arg("report").arg(&file), 2);
    assert!(out.stderr.contains("version 99"), "{}", out.both());
    std::fs::write(&file, "not json").unwrap();
    let out = expect_code(iolings().arg("report").arg(&file), 9);
    assert!(out.stderr.contains("is not JSON"), "{}", out.both());
}

// ---------------------------------------------------------------------------------------------
// Pristine grading and the ready workflows

#[test]
fn pristine_grading_needs_only_the_learners_exercise_files() {
    // A submission of one solved file, in its place, without info.toml or anything else.
    let shipped = common::real_workbook();
    let dir = tempfile::tempdir().unwrap();
    let submission = dir.path().join("submission");
    let rel = "exercises/01_reading_files/reading1.py";
    std::fs::create_dir_all(submission.join("exercises/01_reading_files")).unwrap();
    std::fs::copy(
        shipped.path("solutions/01_reading_files/reading1.py"),
        submission.join(rel),
    )
    .unwrap();
    let out = expect_code(
        iolings_in(&submission).args(["verify", "--pristine-tests", "--format", "json"]),
        1,
    );
    assert!(
        out.stderr
            .contains("grading goes on with the shipped info.toml"),
        "{}",
        out.both()
    );
    let report = valid_report(&out.stdout);
    assert_eq!(report["pristine_tests"], true);
    assert_eq!(report["complete"], true);
    assert_eq!(exercise(&report, "reading1")["verdict"], "passed");
    assert_eq!(
        report["totals"]["passed"], 1,
        "a missing file is no code at all"
    );
    assert_eq!(
        exercises(&report).len(),
        common::exercise_names(&shipped.root).len()
    );
}

#[test]
fn init_writes_the_ready_workflow_for_each_platform() {
    for (platform, path, doc) in [
        (
            "github",
            ".github/workflows/classroom.yml",
            "docs/ci/github-classroom.yml",
        ),
        ("gitlab", ".gitlab-ci.yml", "docs/ci/gitlab-ci.yml"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("class");
        let out = expect_code(
            iolings()
                .arg("init")
                .arg(&target)
                .args(["--classroom", platform]),
            0,
        );
        assert!(out.stdout.contains("IOLINGS_GIT"), "{}", out.both());
        let written = std::fs::read_to_string(target.join(path)).expect("workflow written");
        let shown = std::fs::read_to_string(Path::new(REPO).join(doc)).unwrap();
        assert_eq!(written, shown, "{platform}: init writes what the docs show");
        assert!(written.contains("verify --pristine-tests"), "{platform}");
        // A workbook like any other besides.
        assert!(target.join("info.toml").is_file());
    }
}

#[test]
fn grading_docs_show_the_shipped_workflows_and_scripts_verbatim() {
    let docs = std::fs::read_to_string(Path::new(REPO).join("docs/grading.md")).unwrap();
    for file in [
        "docs/ci/github-classroom.yml",
        "docs/ci/github-junit.yml",
        "docs/ci/gitlab-ci.yml",
        "docs/ci/gradescope/setup.sh",
        "docs/ci/gradescope/run_autograder",
    ] {
        let text = std::fs::read_to_string(Path::new(REPO).join(file)).unwrap();
        assert!(
            docs.contains(&text),
            "docs/grading.md does not show {file} as it is"
        );
    }
}

#[test]
fn gradescope_run_autograder_grades_a_submission_of_loose_files() {
    // The script as shipped, with Gradescope's folders moved under a temporary root.
    let root = tempfile::tempdir().unwrap();
    let ag = root.path().join("autograder");
    let shipped = ag.join("shipped");
    expect_code(iolings().arg("init").arg(&shipped), 0);
    let submission = ag.join("submission");
    std::fs::create_dir_all(&submission).unwrap();
    std::fs::copy(
        shipped.join("solutions/01_reading_files/reading1.py"),
        submission.join("reading1.py"),
    )
    .unwrap();
    let script = std::fs::read_to_string(Path::new(REPO).join("docs/ci/gradescope/run_autograder"))
        .unwrap()
        .replace("/autograder", &ag.display().to_string());
    let bin = Path::new(env!("CARGO_BIN_EXE_iolings"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = StdCommand::new("bash")
        .arg("-c")
        .arg(&script)
        .env("PATH", path)
        .env_remove("CARGO_PKG_NAME")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Value = serde_json::from_slice(
        &std::fs::read(ag.join("results/results.json")).expect("results.json written"),
    )
    .unwrap();
    assert_eq!(results["score"], 1, "{results:#}");
    assert_eq!(results["extra_data"]["pristine_tests"], true);
    assert_eq!(results["tests"][0]["status"], "passed");
}

#[test]
fn gradebook_flags_a_pass_with_other_tests_than_everyone_elses() {
    // Graded with the shipped tests, every pass of an exercise ran the same tests; a forged
    // report (code that wrote the harness's records itself) rarely names them all.
    let dir = tempfile::tempdir().unwrap();
    let wb = test_workbook();
    let out = verify(&wb, &["--format", "json"], 1);
    let mut report: Value = serde_json::from_str(&out.stdout).unwrap();
    report["pristine_tests"] = true.into();
    let mut files = Vec::new();
    for learner in ["ann", "ben", "cal", "dee"] {
        if learner == "dee" {
            let passing = &mut report["exercises"][0];
            assert_eq!(passing["name"], "passing");
            passing["tests"] = serde_json::json!([{
                "name": "test_fails", "line": 1, "status": "passed", "duration_ms": 0.0,
                "message": null, "details": null
            }]);
        }
        let file = dir.path().join(format!("{learner}.json"));
        std::fs::write(&file, report.to_string()).unwrap();
        files.push(file);
    }
    let out = expect_code(iolings().arg("report").args(&files).arg("--csv"), 0);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.stdout.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    let notes: Vec<&str> = rows.iter().map(|r| r.get(r.len() - 1).unwrap()).collect();
    assert!(
        notes[..3].iter().all(|n| !n.contains("other tests")),
        "{}",
        out.stdout
    );
    assert!(
        notes[3].contains("passed with other tests than everyone else")
            && notes[3].contains("passing"),
        "{}",
        out.stdout
    );
}
