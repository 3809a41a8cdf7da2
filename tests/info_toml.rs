//! info.toml validation: every rule rejects the workbook with exit code 3 and a message that
//! names `info.toml:LINE:COL` (pointing at the offending token) followed by a `help:` line.
//!
//! Each test builds a one-lesson workbook by hand in a temporary directory and runs `list`,
//! which loads and validates the workbook without running any Python.

mod common;

use std::path::Path;

use common::{empty, expect_code, iolings_in, write, Copy, Output};

const HEAD: &str = "format_version = 1\n\n[[lessons]]\ndir = \"01_intro\"\ntitle = \"Intro\"\n";

/// A minimal valid workbook: lesson 01_intro with exercise `one` (and its solution), a README
/// and one fixture, ok.txt. `info.toml` is left to each test.
fn mini() -> Copy {
    let wb = empty();
    let test = "def test_a():\n    assert True\n";
    write(&wb.root, "exercises/01_intro/README.md", "# Intro\n");
    write(&wb.root, "exercises/01_intro/one.py", test);
    write(&wb.root, "solutions/01_intro/one.py", test);
    write(&wb.root, "exercises/01_intro/fixtures/ok.txt", "ok\n");
    wb
}

/// `HEAD` plus one exercise table for `one` with the given extra lines.
fn with_exercise(extra: &str) -> String {
    format!("{HEAD}\n[[exercises]]\nname = \"one\"\nlesson = \"01_intro\"\n{extra}")
}

/// 1-based line and column of `target`, searched for inside the first occurrence of `context`.
fn at(source: &str, context: &str, target: &str) -> (usize, usize) {
    let start = source
        .find(context)
        .unwrap_or_else(|| panic!("{context:?} not in\n{source}"));
    let offset = start
        + source[start..]
            .find(target)
            .unwrap_or_else(|| panic!("{target:?} not in {context:?}"));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Write `toml` as info.toml, load it, and check the rejection: exit code 3, and a line
/// `.../info.toml:LINE:COL: ...message...` directly followed by `  help: ...`.
#[track_caller]
fn rejects(wb: &Copy, toml: &str, (line, col): (usize, usize), message: &str) -> Output {
    write(&wb.root, "info.toml", toml);
    let out = expect_code(iolings_in(&wb.root).arg("list"), 3);
    assert!(out.stdout.is_empty(), "nothing on stdout\n{}", out.both());
    let location = format!("info.toml:{line}:{col}: ");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let found = lines
        .iter()
        .position(|l| l.contains(&location) && l.contains(message));
    let Some(i) = found else {
        panic!(
            "expected a problem at {location:?} saying {message:?}\ninfo.toml:\n{toml}\n{}",
            out.both()
        );
    };
    let path = wb.root.join("info.toml");
    assert!(
        lines[i].contains(&path.display().to_string()),
        "the message names the file's path\n{}",
        out.both()
    );
    assert!(
        lines
            .get(i + 1)
            .is_some_and(|h| h.trim_start().starts_with("help: ") && h.len() > 10),
        "a help line follows the problem\n{}",
        out.both()
    );
    out
}

/// The same, for a problem whose column depends on the TOML parser: only the line is checked.
#[track_caller]
fn rejects_on_line(wb: &Copy, toml: &str, line: usize, message: &str) -> Output {
    write(&wb.root, "info.toml", toml);
    let out = expect_code(iolings_in(&wb.root).arg("list"), 3);
    let prefix = format!("info.toml:{line}:");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains(&prefix) && l.contains(message))
        .unwrap_or_else(|| panic!("no {prefix}COL: {message:?}\n{}", out.both()));
    assert!(
        lines
            .get(i + 1)
            .is_some_and(|h| h.trim_start().starts_with("help: ")),
        "{}",
        out.both()
    );
    out
}

#[test]
fn the_minimal_workbook_is_valid() {
    // Guards every test below: each breaks exactly one thing of a workbook that loads.
    let wb = mini();
    write(
        &wb.root,
        "info.toml",
        &with_exercise("hints = [\"h\"]\nfixtures = [\"ok.txt\"]\n"),
    );
    let names = common::exercise_names(&wb.root);
    assert_eq!(names, ["one"]);
}

#[test]
fn unknown_field() {
    let wb = mini();
    let toml = with_exercise("colour = \"red\"\nhints = [\"h\"]\n");
    let out = rejects(
        &wb,
        &toml,
        at(&toml, "colour", "colour"),
        "unknown field `colour`",
    );
    assert!(
        out.stderr.contains("`hints`"),
        "lists the known fields\n{}",
        out.both()
    );
}

#[test]
fn unknown_field_in_defaults() {
    let wb = mini();
    let rest = with_exercise("hints = [\"h\"]\n");
    let toml = format!(
        "format_version = 1\n\n[defaults]\ntimeout = 3\n{}",
        rest.strip_prefix("format_version = 1\n").unwrap()
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "timeout =", "timeout"),
        "unknown field `timeout`",
    );
}

#[test]
fn bad_toml_syntax() {
    let wb = mini();
    let toml = "format_version = 1\n\n[[lessons]]\ndir = \"01_intro\"\ntitle \"Intro\"\n";
    rejects_on_line(&wb, toml, 5, "expected `=`");
}

#[test]
fn unterminated_string() {
    let wb = mini();
    let toml = format!("{HEAD}\n[[exercises]]\nname = \"one\nlesson = \"01_intro\"\n");
    rejects_on_line(&wb, &toml, 8, "string");
}

#[test]
fn wrong_value_type() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = 3\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "fixtures = 3", "3"),
        "fixtures must be a list in brackets, like `[\"one\", \"two\"]`, not integer `3`",
    );
}

#[test]
fn wrong_type_of_timeout_says_what_is_expected() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\ntimeout_secs = \"ten\"\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "timeout_secs = \"ten\"", "\"ten\""),
        "timeout_secs must be a whole number of seconds",
    );
}

#[test]
fn site_packages_is_a_boolean() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\nsite_packages = \"yes\"\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "site_packages = ", "\"yes\""),
        "site_packages must be `true` or `false`, without quotes, not string \"yes\"",
    );
    let toml = format!(
        "format_version = 1\n\n[defaults]\nsite_packages = true\n{}",
        with_exercise("hints = [\"h\"]\nsite_packages = false\n")
            .strip_prefix("format_version = 1\n")
            .unwrap()
    );
    write(&wb.root, "info.toml", &toml);
    assert_eq!(common::exercise_names(&wb.root), ["one"]);
}

#[test]
fn duplicate_exercise_names() {
    let wb = mini();
    let toml = format!(
        "{}\n[[exercises]]\nlesson = \"01_intro\"\nhints = [\"again\"]\nname = \"one\"\n",
        with_exercise("hints = [\"h\"]\n")
    );
    let second = at(&toml, "hints = [\"again\"]\nname = \"one\"", "\"one\"");
    rejects(&wb, &toml, second, "exercise `one` is listed twice");
}

#[test]
fn invalid_name_characters() {
    let wb = mini();
    for bad in ["One", "my-exercise", "two words", "ünïcode", ""] {
        let toml = format!(
            "{HEAD}\n[[exercises]]\nname = \"{bad}\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n"
        );
        let pos = at(&toml, &format!("name = \"{bad}\""), "\"");
        rejects(&wb, &toml, pos, "may only hold a-z, 0-9 and _");
    }
}

#[test]
fn missing_exercise_file() {
    let wb = mini();
    write(
        &wb.root,
        "solutions/01_intro/two.py",
        "def test_a():\n    pass\n",
    );
    let toml = format!(
        "{}\n[[exercises]]\nname = \"two\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n",
        with_exercise("hints = [\"h\"]\n")
    );
    let out = rejects(
        &wb,
        &toml,
        at(&toml, "name = \"two\"", "\"two\""),
        "exercise file exercises/01_intro/two.py is missing",
    );
    assert!(!out.stderr.contains("solution file"), "{}", out.both());
}

#[test]
fn missing_solution_file() {
    let wb = mini();
    write(
        &wb.root,
        "exercises/01_intro/two.py",
        "def test_a():\n    pass\n",
    );
    let toml = format!(
        "{}\n[[exercises]]\nname = \"two\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n",
        with_exercise("hints = [\"h\"]\n")
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "name = \"two\"", "\"two\""),
        "solution file solutions/01_intro/two.py is missing",
    );
}

#[test]
fn fixture_with_parent_component() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"ok.txt\", \"../README.md\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"../README.md\"", "\""),
        "fixture `../README.md` must be a plain relative path",
    );
}

#[test]
fn fixture_with_parent_component_in_the_middle() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"sub/../../one.py\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"sub/", "\""),
        "must be a plain relative path",
    );
}

#[test]
fn absolute_fixture_path() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"/etc/hostname\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"/etc/hostname\"", "\""),
        "fixture `/etc/hostname` must be a plain relative path",
    );
}

#[test]
fn dot_and_empty_fixture_paths() {
    let wb = mini();
    for bad in ["./ok.txt", ""] {
        let toml = with_exercise(&format!("hints = [\"h\"]\nfixtures = [\"{bad}\"]\n"));
        rejects(
            &wb,
            &toml,
            at(&toml, "fixtures = [", "\""),
            &format!("fixture `{bad}` must be a plain relative path"),
        );
    }
}

#[test]
fn missing_fixture() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"nope.txt\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"nope.txt\"", "\""),
        "fixture exercises/01_intro/fixtures/nope.txt does not exist",
    );
}

fn outside_file(wb: &Copy) -> std::path::PathBuf {
    // Beside the workbook, not inside it.
    let outside = wb.root.parent().unwrap().join("secret.txt");
    std::fs::write(&outside, "secret\n").unwrap();
    outside
}

#[test]
fn fixture_symlink_pointing_outside_fixtures() {
    let wb = mini();
    let outside = outside_file(&wb);
    std::os::unix::fs::symlink(&outside, wb.path("exercises/01_intro/fixtures/link.txt")).unwrap();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"link.txt\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"link.txt\"", "\""),
        "fixture `link.txt` is a symlink that points outside fixtures/",
    );
}

#[test]
fn fixture_symlink_to_a_sibling_exercise_file_is_outside_too() {
    let wb = mini();
    std::os::unix::fs::symlink("../one.py", wb.path("exercises/01_intro/fixtures/code.py"))
        .unwrap();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"code.py\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"code.py\"", "\""),
        "is a symlink that points outside fixtures/",
    );
}

#[test]
fn fixture_folder_holding_a_symlink_pointing_outside() {
    let wb = mini();
    let outside = outside_file(&wb);
    write(
        &wb.root,
        "exercises/01_intro/fixtures/data/fine.txt",
        "fine\n",
    );
    std::os::unix::fs::symlink(
        &outside,
        wb.path("exercises/01_intro/fixtures/data/evil.txt"),
    )
    .unwrap();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"data\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"data\"", "\""),
        "fixture `data` is a symlink that points outside fixtures/",
    );
}

#[test]
fn fixture_symlink_staying_inside_fixtures_is_accepted() {
    let wb = mini();
    std::os::unix::fs::symlink("ok.txt", wb.path("exercises/01_intro/fixtures/alias.txt")).unwrap();
    let toml = with_exercise("hints = [\"h\"]\nfixtures = [\"alias.txt\"]\n");
    write(&wb.root, "info.toml", &toml);
    expect_code(iolings_in(&wb.root).arg("list"), 0);
}

#[test]
fn lesson_without_exercises() {
    let wb = mini();
    std::fs::create_dir_all(wb.path("exercises/02_more")).unwrap();
    let toml = format!(
        "{}\n[[lessons]]\ndir = \"02_more\"\ntitle = \"More\"\n",
        with_exercise("hints = [\"h\"]\n")
    );
    let table = at(&toml, "[[lessons]]\ndir = \"02_more\"", "[[lessons]]");
    rejects(&wb, &toml, table, "lesson `02_more` has no exercises");
}

#[test]
fn no_lessons_at_all() {
    let wb = mini();
    let toml = "format_version = 1\n";
    rejects(&wb, toml, (1, 1), "no lessons");
}

#[test]
fn exercise_of_unknown_lesson() {
    let wb = mini();
    let toml = format!(
        "{}\n[[exercises]]\nname = \"two\"\nlesson = \"09_nope\"\nhints = [\"h\"]\n",
        with_exercise("hints = [\"h\"]\n")
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "\"09_nope\"", "\""),
        "exercise `two` belongs to unknown lesson `09_nope`",
    );
}

#[test]
fn empty_hints_list() {
    let wb = mini();
    let toml = with_exercise("hints = []\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "[[exercises]]", "[[exercises]]"),
        "exercise `one` has an empty hints list",
    );
}

#[test]
fn missing_hints() {
    let wb = mini();
    let toml = with_exercise("");
    rejects(
        &wb,
        &toml,
        at(&toml, "[[exercises]]", "[[exercises]]"),
        "exercise `one` has no hints",
    );
}

#[test]
fn blank_hint() {
    let wb = mini();
    let toml = with_exercise("hints = [\"a real hint\", \"   \"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"   \"", "\""),
        "exercise `one` has an empty hint",
    );
}

#[test]
fn unsupported_format_version() {
    let wb = mini();
    let toml =
        with_exercise("hints = [\"h\"]\n").replacen("format_version = 1", "format_version = 2", 1);
    rejects(
        &wb,
        &toml,
        at(&toml, "format_version = 2", "2"),
        "format_version 2 is not supported",
    );
}

#[test]
fn missing_format_version() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\n").replacen("format_version = 1\n", "", 1);
    rejects(&wb, &toml, (1, 1), "missing field `format_version`");
}

#[test]
fn lessons_out_of_order() {
    let wb = mini();
    write(&wb.root, "exercises/02_more/README.md", "# More\n");
    write(
        &wb.root,
        "exercises/02_more/two.py",
        "def test_a():\n    pass\n",
    );
    write(
        &wb.root,
        "solutions/02_more/two.py",
        "def test_a():\n    pass\n",
    );
    let toml = "format_version = 1\n\n\
        [[lessons]]\ndir = \"02_more\"\ntitle = \"More\"\n\n\
        [[lessons]]\ndir = \"01_intro\"\ntitle = \"Intro\"\n\n\
        [[exercises]]\nname = \"two\"\nlesson = \"02_more\"\nhints = [\"h\"]\n\n\
        [[exercises]]\nname = \"one\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n";
    rejects(
        &wb,
        toml,
        at(toml, "dir = \"01_intro\"", "\""),
        "lesson `01_intro` is out of order or listed twice",
    );
}

#[test]
fn lesson_listed_twice() {
    let wb = mini();
    let toml = format!("{HEAD}\n[[lessons]]\ndir = \"01_intro\"\ntitle = \"Again\"\n\n[[exercises]]\nname = \"one\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "dir = \"01_intro\"\ntitle = \"Again\"", "\""),
        "lesson `01_intro` is out of order or listed twice",
    );
}

#[test]
fn exercises_out_of_lesson_order() {
    let wb = mini();
    write(&wb.root, "exercises/02_more/README.md", "# More\n");
    write(
        &wb.root,
        "exercises/02_more/two.py",
        "def test_a():\n    pass\n",
    );
    write(
        &wb.root,
        "solutions/02_more/two.py",
        "def test_a():\n    pass\n",
    );
    let toml = format!(
        "{HEAD}\n[[lessons]]\ndir = \"02_more\"\ntitle = \"More\"\n\n\
         [[exercises]]\nname = \"two\"\nlesson = \"02_more\"\nhints = [\"h\"]\n\n\
         [[exercises]]\nname = \"one\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n"
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "[[exercises]]\nname = \"one\"", "[[exercises]]"),
        "exercise `one` of lesson `01_intro` comes after exercises of a later lesson",
    );
}

#[test]
fn lesson_dir_not_of_the_form_nn_name() {
    let wb = mini();
    let toml = format!(
        "{}\n[[lessons]]\ndir = \"2_more\"\ntitle = \"More\"\n\n[[exercises]]\nname = \"two\"\nlesson = \"2_more\"\nhints = [\"h\"]\n",
        with_exercise("hints = [\"h\"]\n")
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "dir = \"2_more\"", "\""),
        "lesson dir `2_more` is not of the form NN_name",
    );
}

#[test]
fn lesson_folder_missing() {
    let wb = mini();
    let toml = format!(
        "{}\n[[lessons]]\ndir = \"02_gone\"\ntitle = \"Gone\"\n",
        with_exercise("hints = [\"h\"]\n")
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "dir = \"02_gone\"", "\""),
        "lesson folder exercises/02_gone/ does not exist",
    );
}

#[test]
fn timeout_out_of_range() {
    let wb = mini();
    for bad in ["0", "601"] {
        let toml = with_exercise(&format!("hints = [\"h\"]\ntimeout_secs = {bad}\n"));
        rejects(
            &wb,
            &toml,
            at(&toml, "timeout_secs = ", bad),
            &format!("timeout_secs = {bad} is out of range"),
        );
    }
}

#[test]
fn points_out_of_range() {
    let wb = mini();
    for bad in ["-1", "1001"] {
        let toml = with_exercise(&format!("hints = [\"h\"]\npoints = {bad}\n"));
        rejects(
            &wb,
            &toml,
            at(&toml, "points = ", bad),
            &format!("points = {bad} is not a whole number from 0 to 1000"),
        );
    }
    // The default is checked where it is written.
    let toml = format!(
        "{}\n[defaults]\npoints = 5000\n",
        with_exercise("hints = [\"h\"]\n")
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "points = ", "5000"),
        "not a whole number",
    );
    let toml = with_exercise("hints = [\"h\"]\npoints = 1.5\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "points = ", "1.5"),
        "points = 1.5 is not a whole number",
    );
    let toml = with_exercise("hints = [\"h\"]\npoints = \"two\"\n");
    rejects(&wb, &toml, at(&toml, "points = ", "\""), "points must be");
}

#[test]
fn points_default_and_per_exercise_reach_the_report() {
    let wb = mini();
    write(
        &wb.root,
        "exercises/01_intro/two.py",
        "def test_b():\n    assert False\n",
    );
    write(
        &wb.root,
        "solutions/01_intro/two.py",
        "def test_b():\n    assert True\n",
    );
    let toml = format!(
        "format_version = 1\n\n[defaults]\npoints = 3\n\n{}\n[[exercises]]\nname = \"one\"\nlesson = \"01_intro\"\npoints = 0\nhints = [\"h\"]\n\n[[exercises]]\nname = \"two\"\nlesson = \"01_intro\"\nhints = [\"h\"]\n",
        &HEAD["format_version = 1\n".len()..]
    );
    write(&wb.root, "info.toml", &toml);
    let out = expect_code(iolings_in(&wb.root).args(["verify", "--format", "json"]), 1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let points: Vec<(i64, i64)> = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["points"].as_i64().unwrap(),
                e["max_points"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(points, [(0, 0), (0, 3)], "{}", out.stdout);
    assert_eq!(report["totals"]["max_points"], 3);
}

#[test]
fn reserved_environment_variable() {
    let wb = mini();
    for key in [
        "HOME",
        "TMPDIR",
        "IOLINGS_REPORT_FD",
        "PYTHONDONTWRITEBYTECODE",
    ] {
        let toml = with_exercise(&format!("hints = [\"h\"]\nenv = {{ {key} = \"x\" }}\n"));
        rejects(
            &wb,
            &toml,
            at(&toml, &format!("{key} = \"x\""), "\""),
            &format!("env variable `{key}` cannot be set by an exercise"),
        );
    }
}

#[test]
fn docs_link_that_is_not_a_url() {
    let wb = mini();
    let toml = with_exercise("hints = [\"h\"]\ndocs = [\"docs.python.org/3/\"]\n");
    rejects(
        &wb,
        &toml,
        at(&toml, "\"docs.python.org", "\""),
        "docs link `docs.python.org/3/` is not a URL",
    );
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let wb = mini();
    let toml = with_exercise("hints = []\nfixtures = [\"/abs\"]\ntimeout_secs = 0\n");
    let out = rejects(
        &wb,
        &toml,
        at(&toml, "[[exercises]]", "[[exercises]]"),
        "empty hints list",
    );
    rejects(
        &wb,
        &toml,
        at(&toml, "\"/abs\"", "\""),
        "must be a plain relative path",
    );
    rejects(&wb, &toml, at(&toml, "= 0", "0"), "out of range");
    assert!(out.stderr.contains("3 problems in"), "{}", out.both());
    let lines: Vec<usize> = out
        .stderr
        .lines()
        .filter_map(|l| l.split("info.toml:").nth(1))
        .filter_map(|rest| rest.split(':').next()?.parse().ok())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "problems in line order\n{}", out.both());
}

#[test]
fn no_info_toml_suggests_init() {
    let wb = empty();
    let out = expect_code(iolings_in(&wb.root).arg("list"), 3);
    assert!(out.stderr.contains("no info.toml in"), "{}", out.both());
    assert!(out.stderr.contains("iolings init"), "{}", out.both());
    assert!(out.stderr.contains("help:"), "{}", out.both());
    // Also for a folder that does not exist, and for the other commands.
    let missing = wb.root.join("nowhere");
    let out = expect_code(iolings_in(&missing).arg("list"), 3);
    assert!(out.stderr.contains("iolings init"), "{}", out.both());
    for args in [&["run", "x"][..], &["verify"], &["hint"], &["dev", "check"]] {
        let out = expect_code(iolings_in(&wb.root).args(args), 3);
        assert!(
            out.stderr.contains("no info.toml"),
            "{args:?}\n{}",
            out.both()
        );
    }
}

#[test]
fn an_invalid_workbook_stops_every_command_with_exit_3() {
    let wb = mini();
    let toml = with_exercise("hints = []\n");
    write(&wb.root, "info.toml", &toml);
    for args in [
        &["run", "one"][..],
        &["run", "one", "--json"],
        &["verify", "--format", "json"],
        &["hint", "one"],
        &["solution", "one", "--force"],
        &["list", "--json"],
    ] {
        let out = expect_code(iolings_in(&wb.root).args(args), 3);
        assert!(
            out.stderr.contains("empty hints list"),
            "{args:?}\n{}",
            out.both()
        );
    }
    assert!(!Path::new(&wb.root.join(".iolings/state.json")).exists());
}
