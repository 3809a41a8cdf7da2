//! The I/O trace (`run --trace`): small exercises in tests/trace/, each a known pattern of file
//! I/O (a text write, binary writes with and without a buffer, atomic saves with and without
//! fsync, leaked files, byte-at-a-time reads), run through the real binary; the timeline and
//! the findings are checked from the JSON verdict. The workbook is made here: one lesson with
//! every file as an exercise and as its own solution (they pass as they are).

#![cfg(target_os = "linux")] // the syscall counts come from /proc/self/io

mod common;

use std::path::PathBuf;

use serde_json::Value;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/trace");

fn workbook() -> common::Copy {
    let copy = common::empty();
    let mut info = String::from(
        "format_version = 1\n[[lessons]]\ndir = \"01_trace\"\ntitle = \"Trace cases\"\n",
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(CASES)
        .expect("tests/trace exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).expect("a readable case");
        for dir in ["exercises", "solutions"] {
            common::write(&copy.root, &format!("{dir}/01_trace/{name}.py"), &source);
        }
        info.push_str(&format!(
            "[[exercises]]\nname = \"{name}\"\nlesson = \"01_trace\"\nhints = [\"a trace case\"]\n"
        ));
    }
    common::write(&copy.root, "info.toml", &info);
    copy
}

fn verdict(copy: &common::Copy, name: &str, trace: bool) -> Value {
    let mut cmd = common::iolings_in(&copy.root);
    cmd.args(["run", name, "--json"]);
    if trace {
        cmd.arg("--trace");
    }
    let out = common::output(&mut cmd);
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: no JSON verdict ({e})\n{}", out.both()));
    assert_eq!(v["outcome"]["kind"], "passed", "{name}\n{}", out.both());
    v
}

/// The trace of test `test` in `v`.
fn trace<'a>(v: &'a Value, test: &str) -> &'a Value {
    let t = v["tests"]
        .as_array()
        .and_then(|tests| tests.iter().find(|t| t["name"] == test))
        .unwrap_or_else(|| panic!("no test {test} in {v:#}"));
    assert!(t["trace"].is_object(), "{test} has no trace: {t:#}");
    &t["trace"]
}

/// The ops of the timeline, in order.
fn ops(trace: &Value) -> Vec<String> {
    events(trace)
        .iter()
        .map(|e| e["op"].as_str().unwrap().to_string())
        .collect()
}

fn events(trace: &Value) -> &Vec<Value> {
    trace["events"].as_array().expect("events is a list")
}

fn event<'a>(trace: &'a Value, op: &str) -> &'a Value {
    events(trace)
        .iter()
        .find(|e| e["op"] == op)
        .unwrap_or_else(|| panic!("no {op} in {trace:#}"))
}

fn findings(trace: &Value) -> Vec<String> {
    trace["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

fn finding<'a>(trace: &'a Value, kind: &str) -> &'a Value {
    trace["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} finding in {trace:#}"))
}

#[test]
fn a_text_write_shows_the_layers_and_one_syscall_for_37_writes() {
    let copy = workbook();
    let v = verdict(&copy, "text_write", true);
    let t = trace(&v, "test_saves_37_lines");
    // The test's own fixture and read-back are not the learner's I/O.
    assert_eq!(ops(t), ["open", "write", "close"], "{t:#}");
    let open = event(t, "open");
    assert_eq!(open["path"], "tmp_path_0/out.txt");
    assert_eq!(open["mode"], "w");
    assert_eq!(open["encoding"], "utf-8");
    assert_eq!(
        open["layers"],
        serde_json::json!(["TextIOWrapper", "BufferedWriter", "FileIO"])
    );
    let write = event(t, "write");
    assert_eq!(write["calls"], 37);
    assert_eq!(write["syscalls"], 1, "{t:#}");
    assert_eq!(write["bytes"], 37 * 22);
    assert!(findings(t).is_empty(), "{t:#}");
}

#[test]
fn the_human_trace_is_a_short_timeline() {
    let copy = workbook();
    let out = common::expect_code(
        common::iolings_in(&copy.root).args(["run", "atomic_save", "--trace"]),
        0,
    );
    let text = &out.stdout;
    assert!(text.contains("I/O of your code, per test"), "{text}");
    assert!(
        text.contains(
            "open    tmp_path_1/.config-k2x.tmp  w  utf-8  TextIOWrapper › BufferedWriter › FileIO"
        ),
        "{text}"
    );
    assert!(
        text.contains("write   ×1 call → 1 write() syscall, 2 bytes"),
        "{text}"
    );
    assert!(
        text.contains("replace tmp_path_1/.config-k2x.tmp → tmp_path_1/config.json"),
        "{text}"
    );
    assert!(
        text.contains(
            "! no fsync before the rename: after a power cut tmp_path_1/config.json can be empty [line 20] (lesson 02)"
        ),
        "{text}"
    );
}

#[test]
fn binary_writes_with_and_without_a_buffer() {
    let copy = workbook();
    let v = verdict(&copy, "binary_write", true);
    let buffered = trace(&v, "test_buffered");
    assert_eq!(
        event(buffered, "open")["layers"],
        serde_json::json!(["BufferedWriter", "FileIO"])
    );
    let write = event(buffered, "write");
    assert_eq!(
        (write["calls"].as_u64(), write["syscalls"].as_u64()),
        (Some(2000), Some(1))
    );
    assert!(findings(buffered).is_empty(), "{buffered:#}");

    let unbuffered = trace(&v, "test_unbuffered");
    let open = event(unbuffered, "open");
    assert_eq!(open["layers"], serde_json::json!(["FileIO"]));
    assert_eq!(open["buffering"], "none");
    let write = event(unbuffered, "write");
    assert_eq!(write["calls"], 2000);
    assert_eq!(write["syscalls"], 2000, "{unbuffered:#}");
    assert_eq!(write["bytes"], 2000);
    assert_eq!(findings(unbuffered), ["tiny_writes"]);
    assert_eq!(
        finding(unbuffered, "tiny_writes")["lesson"],
        "02_writing_files"
    );
}

#[test]
fn an_atomic_save_with_and_without_fsync() {
    let copy = workbook();
    let v = verdict(&copy, "atomic_save", true);
    let durable = trace(&v, "test_with_fsync");
    assert_eq!(
        ops(durable),
        ["open", "write", "flush", "fsync", "close", "replace"],
        "{durable:#}"
    );
    assert_eq!(
        event(durable, "fsync")["path"],
        "tmp_path_0/.config-k2x.tmp"
    );
    assert_eq!(event(durable, "replace")["to"], "tmp_path_0/config.json");
    assert!(findings(durable).is_empty(), "{durable:#}");

    let quick = trace(&v, "test_without_fsync");
    assert_eq!(
        ops(quick),
        ["open", "write", "close", "replace"],
        "{quick:#}"
    );
    assert_eq!(findings(quick), ["rename_without_fsync"]);
    let f = finding(quick, "rename_without_fsync");
    assert_eq!(f["lesson"], "02_writing_files");
    assert_eq!(f["line"], 20);

    let elsewhere = trace(&v, "test_temp_elsewhere");
    let mkstemp = event(elsewhere, "mkstemp");
    assert!(
        mkstemp["path"].as_str().unwrap().starts_with("$TMPDIR/"),
        "{elsewhere:#}"
    );
    assert!(
        !ops(elsewhere).contains(&"os.open".to_string()),
        "{elsewhere:#}"
    );
    assert_eq!(findings(elsewhere), ["temp_elsewhere"], "{elsewhere:#}");

    let left = trace(&v, "test_temp_left_behind");
    assert_eq!(ops(left).last().map(String::as_str), Some("left_behind"));
    assert_eq!(findings(left), ["temp_left_behind"], "{left:#}");
}

#[test]
fn leaked_files_and_a_missing_encoding() {
    let copy = workbook();
    let v = verdict(&copy, "leaked_file", true);
    let open = trace(&v, "test_left_open");
    assert_eq!(ops(open), ["open", "write", "left_open"], "{open:#}");
    assert_eq!(findings(open), ["not_closed"]);
    assert_eq!(finding(open, "not_closed")["lesson"], "03_context_managers");

    let collected = trace(&v, "test_collected");
    assert_eq!(
        ops(collected),
        ["open", "read", "collected"],
        "{collected:#}"
    );
    assert_eq!(findings(collected), ["not_closed"]);

    let default = trace(&v, "test_no_encoding");
    assert_eq!(ops(default), ["open", "read", "close"], "{default:#}");
    assert_eq!(findings(default), ["no_encoding"]);
    assert_eq!(
        finding(default, "no_encoding")["lesson"],
        "01_reading_files"
    );
    assert_eq!(finding(default, "no_encoding")["line"], 18);
}

#[test]
fn a_byte_at_a_time_costs_a_syscall_per_byte_without_a_buffer() {
    let copy = workbook();
    let v = verdict(&copy, "byte_reads", true);
    let raw = trace(&v, "test_unbuffered");
    let read = event(raw, "read");
    assert_eq!(read["calls"], 3001); // the last one finds the end of the file
    assert_eq!(read["syscalls"], 3001, "{raw:#}");
    assert_eq!(read["bytes"], 3000);
    assert_eq!(findings(raw), ["tiny_reads"]);

    let buffered = trace(&v, "test_buffered");
    let read = event(buffered, "read");
    assert_eq!(read["calls"], 3001);
    assert!(read["syscalls"].as_u64().unwrap() <= 3, "{buffered:#}");
    assert!(findings(buffered).is_empty(), "{buffered:#}");

    let whole = trace(&v, "test_whole_file");
    assert_eq!(findings(whole), ["whole_file"], "{whole:#}");
    assert_eq!(event(whole, "read")["bytes"], 5 * (2 << 18));
}

#[test]
fn the_timeline_is_capped_and_says_how_much_more() {
    let copy = workbook();
    let v = verdict(&copy, "many_files", true);
    let t = trace(&v, "test_many");
    assert_eq!(events(t).len(), 60);
    assert_eq!(t["more"], 300 - 60, "{t:#}");
    let out = common::expect_code(
        common::iolings_in(&copy.root).args(["run", "many_files", "--trace"]),
        0,
    );
    assert!(out.stdout.contains("… 240 more"), "{}", out.stdout);
}

#[test]
fn an_ordinary_run_has_no_trace_and_the_same_verdict() {
    let copy = workbook();
    for name in ["text_write", "atomic_save", "leaked_file", "byte_reads"] {
        let plain = verdict(&copy, name, false);
        let traced = verdict(&copy, name, true);
        for (a, b) in plain["tests"]
            .as_array()
            .unwrap()
            .iter()
            .zip(traced["tests"].as_array().unwrap())
        {
            assert!(a.get("trace").is_none(), "{name}: {a:#}");
            assert_eq!(a["name"], b["name"]);
            assert_eq!(a["status"], b["status"]);
        }
    }
}

#[test]
fn verify_puts_the_trace_in_the_report() {
    let copy = workbook();
    let out = common::output(
        common::iolings_in(&copy.root).args(["verify", "--format", "json", "--trace"]),
    );
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e})\n{}", out.both()));
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/report.schema.json"
    ))
    .expect("the schema exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    let exercise = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "text_write")
        .expect("text_write is in the report");
    let t = &exercise["tests"][0]["trace"];
    assert_eq!(ops(t), ["open", "write", "close"], "{t:#}");
}
