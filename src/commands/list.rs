//! `iolings list [--json]`: lessons and exercises with their status.

use colored::Colorize;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::render::{self, symbols};

#[derive(Serialize)]
struct Row<'a> {
    lesson: &'a str,
    lesson_title: &'a str,
    name: &'a str,
    path: String,
    done: bool,
    current: bool,
}

pub fn list(g: &GlobalArgs, json: bool) -> anyhow::Result<u8> {
    let (workbook, progress) = super::load_with_progress(g)?;
    let current = progress.current(&workbook).name.clone();
    let rows: Vec<Row> = workbook
        .exercises
        .iter()
        .map(|e| Row {
            lesson: &e.lesson_dir,
            lesson_title: &workbook.lessons[e.lesson].title,
            name: &e.name,
            path: e.relative_path().display().to_string(),
            done: progress.is_done(&e.name),
            current: e.name == current,
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(0);
    }
    if !super::stdout_is_tty() {
        println!("lesson\tname\tstatus\tpath");
        for r in &rows {
            let status = if r.done { "done" } else { "pending" };
            println!("{}\t{}\t{status}\t{}", r.lesson, r.name, r.path);
        }
        return Ok(0);
    }
    let s = symbols();
    let mut lesson = "";
    for r in &rows {
        if r.lesson != lesson {
            lesson = r.lesson;
            println!("{}", r.lesson_title.bold());
        }
        let mark = if r.done { s.pass.green() } else { " ".normal() };
        let name = if r.current {
            render::plain_symbols(&format!("{} ← current", r.name))
                .cyan()
                .bold()
        } else {
            r.name.normal()
        };
        println!("  {mark} {:<14} {}", name, r.path.dimmed());
    }
    let done = rows.iter().filter(|r| r.done).count();
    println!("\n{done}/{} exercises done", rows.len());
    Ok(0)
}
