//! What the watch screen shows, composed from the loop's state: header with progress bars,
//! the body (verdict, hints, list, help...), a status line and the keys, one string per row.

use colored::Colorize;

use super::{App, Confirm, Filter, View};
use crate::render::{self, symbols};
use crate::watch::terminal::{cut, visible_len, wrap};

/// The rows of one frame, `height` of them at most, each fitted to `width`.
pub fn frame(app: &mut App, width: usize, height: usize) -> Vec<String> {
    let mut rows = header(app, width);
    let status = status_rows(&status(app), width);
    let body_height = height.saturating_sub(rows.len() + status.len() + 1);
    app.page = body_height;
    let body = body(app, width);
    rows.extend(scrolled(app, body, body_height, width));
    rows.extend(status);
    rows.push(fit(&footer(app, width), width));
    rows
}

fn header(app: &App, width: usize) -> Vec<String> {
    let exercise = app.exercise();
    let lesson = &app.workbook.lessons[exercise.lesson];
    let title = format!(
        "{} {} {}",
        "iolings".bold(),
        "·".dimmed(),
        lesson.title.bold()
    );
    let total = app.workbook.exercises.len();
    let done = app
        .workbook
        .exercises
        .iter()
        .filter(|e| app.progress.is_done(&e.name))
        .count();
    let in_lesson: Vec<_> = app
        .workbook
        .exercises
        .iter()
        .filter(|e| e.lesson == exercise.lesson)
        .collect();
    let lesson_done = in_lesson
        .iter()
        .filter(|e| app.progress.is_done(&e.name))
        .count();
    let bar_width = ((width.saturating_sub(40)) / 2).clamp(5, 30);
    let bars = format!(
        "All {} {done}/{total}   Lesson {} {lesson_done}/{}",
        bar(done, total, bar_width),
        bar(
            lesson_done,
            in_lesson.len(),
            bar_width.min(in_lesson.len().max(1) * 3)
        ),
        in_lesson.len()
    );
    let rule = if render::style().unicode { "─" } else { "-" };
    vec![
        fit(&title, width),
        fit(&bars, width),
        rule.repeat(width).dimmed().to_string(),
    ]
}

fn bar(done: usize, total: usize, width: usize) -> String {
    let s = symbols();
    let full = (done * width).checked_div(total).unwrap_or(0);
    format!(
        "{}{}",
        s.bar_full.repeat(full).green(),
        s.bar_empty.repeat(width - full).dimmed()
    )
}

fn body(app: &App, width: usize) -> String {
    match &app.view {
        View::Welcome => format!(
            "{}\n\n{}",
            render::markdown::reflow(app.workbook.welcome_message.trim()),
            "Press any key to begin.".bold()
        ),
        View::Intro(lesson) => {
            let lesson = &app.workbook.lessons[*lesson];
            let text =
                std::fs::read_to_string(app.workbook.lesson_readme(lesson)).unwrap_or_else(|_| {
                    format!("# {}\n\n(This lesson has no README.md.)", lesson.title)
                });
            format!(
                "{}\n\n{}",
                render::markdown::reflow(&render::escape::neutralise(&text)),
                format!("Press Enter to start {}.", app.exercise().name).bold()
            )
        }
        View::Exercise => exercise_body(app),
        View::List(_) => list_body(app, width),
        View::Help => help(),
        View::Solution(text) => format!("{}\n\n{}", text, "Esc to go back".dimmed()),
        View::Summary(text) => format!("{}\n{}", text, "Esc to go back".dimmed()),
        View::Trace => trace_body(app),
    }
}

fn exercise_body(app: &App) -> String {
    let exercise = app.exercise();
    let path = app.workbook.exercise_path(exercise);
    let display = app.workbook.shown(exercise.relative_path());
    let mut out = format!(
        "{}  {}\n\n",
        exercise.name.bold(),
        render::link(&display, &path).dimmed()
    );
    let s = symbols();
    if app.is_running() {
        let spinner = if render::style().unicode { "⟳" } else { "*" };
        out.push_str(&format!(
            "{} Running {}…\n",
            spinner.cyan().bold(),
            exercise.name
        ));
    } else if let Some(verdict) = &app.verdict {
        out.push_str(&render::verdict::render(verdict, &path, &display));
        if verdict.passed() {
            out.push_str(&format!(
                "\n{} {} is done! Press {} for the next exercise, {} to compare with the solution ({}).\n",
                s.pass.green().bold(),
                exercise.name,
                "n".bold(),
                "s".bold(),
                app.workbook.shown(exercise.relative_solution())
            ));
        }
    } else if !path.exists() {
        out.push_str(&format!(
            "{display} is missing: press x to restore the shipped version.\n"
        ));
    } else if app.manual {
        out.push_str("Press r to run it.\n");
    } else {
        out.push_str("Waiting for the first run…\n");
    }
    let shown = app.progress.hints_shown(&exercise.name);
    if shown > 0 {
        out.push('\n');
        out.push_str(&render::verdict::hints(
            &exercise.hints,
            shown,
            &exercise.docs,
        ));
    }
    out
}

fn list_body(app: &App, width: usize) -> String {
    let View::List(list) = &app.view else {
        return String::new();
    };
    let s = symbols();
    let filter = match list.filter {
        Filter::All => "all",
        Filter::Pending => "pending",
        Filter::Done => "done",
    };
    let search = if list.searching {
        format!("  search: {}_", list.search)
    } else if list.search.is_empty() {
        String::new()
    } else {
        format!("  search: {}", list.search)
    };
    let mut out = format!("{} (showing {filter}){search}\n", "Exercises".bold());
    let rows = app.list_rows();
    if rows.is_empty() {
        out.push_str("  (none match)\n");
    }
    for i in rows {
        let e = &app.workbook.exercises[i];
        let mark = if app.progress.is_done(&e.name) {
            s.pass.green().to_string()
        } else {
            " ".into()
        };
        let current = if i == app.current { " (current)" } else { "" };
        let line = format!(
            "{mark} {:<16} {}{current}",
            e.name, app.workbook.lessons[e.lesson].title
        );
        let line: String = line.chars().take(width.saturating_sub(2)).collect();
        if i == list.selected {
            out.push_str(&format!("{}\n", format!("> {line}").reversed()));
        } else {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// The trace view: the current verdict's I/O per test, or what it is waiting for.
fn trace_body(app: &App) -> String {
    let traced = app
        .verdict
        .as_ref()
        .filter(|v| v.tests.iter().any(|t| t.trace.is_some()));
    let body = match traced {
        Some(verdict) => render::trace::render(&verdict.tests),
        None if app.verdict.as_ref().is_some_and(|v| v.tests.is_empty()) => {
            render::trace::render(&[])
        }
        None => "Tracing: running the exercise with its I/O traced…\n".to_string(),
    };
    // On top: the timeline can be longer than the screen.
    let note = "Saves are traced while this view is open. t or Esc to go back.";
    format!("{}\n\n{body}", note.dimmed())
}

fn help() -> String {
    [
        "Keys (no Enter needed)".bold().to_string(),
        String::new(),
        "  h   show the next hint (one more per press)".into(),
        "  n   next exercise (once this one passes)".into(),
        "  r   run the current exercise again".into(),
        "  l   list exercises: ↑↓ move, Enter jump, f filter, / search, x reset".into(),
        "  x   reset the current exercise to the shipped version (asks first; keeps a backup)"
            .into(),
        "  T   restore only its tests section as shipped; your code is kept".into(),
        "  s   show the solution (once this one passes)".into(),
        "  t   trace: what your code did to files, per test (t again to close)".into(),
        "  c   check every exercise in the background".into(),
        "  i   the lesson's introduction".into(),
        "  ↑↓ j k, PgUp PgDn, g G   scroll (a line, a page, to the top or the end)".into(),
        "  ?   this help      Esc or q   close it (and any other view)".into(),
        "  q   quit (from the exercise screen)      Ctrl-C   quit from anywhere".into(),
        String::new(),
        "Saving the current exercise runs it. Saving another exercise runs that one in the".into(),
        "background and reports in the status line; the current exercise stays on screen.".into(),
    ]
    .join("\n")
}

/// The body cut to the available height, scrolled, with a note when more is hidden.
fn scrolled(app: &mut App, body: String, height: usize, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = body.lines().flat_map(|l| wrap(l, width)).collect();
    if let View::List(list) = &app.view {
        // Keep the selected row in view (row 0 is the list's heading).
        let selected = 1 + app
            .list_rows()
            .iter()
            .position(|&i| i == list.selected)
            .unwrap_or(0);
        if selected + 2 > app.scroll + height {
            app.scroll = (selected + 2).saturating_sub(height);
        } else if selected <= app.scroll {
            app.scroll = selected.saturating_sub(1);
        }
    }
    let max_scroll = lines.len().saturating_sub(height);
    app.scroll = app.scroll.min(max_scroll);
    let more_below = lines.len() > app.scroll + height;
    let mut shown: Vec<String> = lines.drain(..).skip(app.scroll).take(height).collect();
    if more_below && !shown.is_empty() {
        let hidden = max_scroll - app.scroll;
        let arrow = if render::style().unicode { "↓" } else { "v" };
        let last = shown.len() - 1;
        shown[last] = format!(
            "{arrow} {hidden} more line{} below (j/k or PgUp/PgDn to scroll)",
            if hidden == 1 { "" } else { "s" }
        )
        .yellow()
        .to_string();
    }
    while shown.len() < height {
        shown.push(String::new());
    }
    shown
}

fn status(app: &App) -> String {
    if let View::Intro(_) = app.view {
        // The introduction is often longer than the screen: the way on is always in sight.
        return format!("Press Enter to start {} (j/k scroll)", app.exercise().name)
            .bold()
            .to_string();
    }
    if let Some(Confirm::Reset { index, tests_only }) = &app.confirm {
        let exercise = &app.workbook.exercises[*index];
        // Only a file that exists can be backed up; the question must not promise more.
        let backup = if app.workbook.exercise_path(exercise).exists() {
            " (yours is backed up)"
        } else {
            ""
        };
        return format!(
            "{} Restore {}{} as shipped{backup}? [y/N]",
            "?".yellow().bold(),
            if *tests_only { "the tests of " } else { "" },
            exercise.name.bold()
        );
    }
    let mut parts = Vec::new();
    if let Some((done, total)) = app.checking {
        parts.push(
            format!("checking every exercise: {done}/{total}…")
                .cyan()
                .to_string(),
        );
    }
    if !app.status.is_empty() {
        parts.push(app.status.yellow().to_string());
    } else if matches!(app.view, View::Exercise)
        && !app.is_running()
        && app.verdict.as_ref().is_some_and(|v| !v.passed())
    {
        let how = if app.manual {
            "save, then press r"
        } else {
            "save: it reruns by itself"
        };
        // The file is named at the top of the screen; this line must fit a narrow one.
        parts.push(
            format!("Fix the code and {how}. Stuck? h shows a hint.")
                .dimmed()
                .to_string(),
        );
    }
    parts.join("  ")
}

fn footer(app: &App, width: usize) -> String {
    let keys: &[(&str, &str)] = match app.view {
        View::List(_) => &[
            ("↑↓", "move"),
            ("Enter", "jump"),
            ("f", "filter"),
            ("/", "search"),
            ("x", "reset"),
            ("Esc", "back"),
        ],
        View::Welcome => &[("any key", "to begin"), ("q", "quit")],
        View::Intro(_) => &[("Enter", "start"), ("↑↓ PgDn", "scroll")],
        View::Help | View::Solution(_) | View::Summary(_) => {
            &[("Esc/q", "back"), ("↑↓ PgDn", "scroll")]
        }
        View::Trace => &[("t/Esc", "back"), ("↑↓ PgDn", "scroll")],
        View::Exercise => &[
            ("h", "hint"),
            ("n", "next"),
            ("r", "rerun"),
            ("l", "list"),
            ("x", "reset"),
            ("s", "solution"),
            ("t", "trace"),
            ("c", "check all"),
            ("i", "intro"),
            ("?", "help"),
            ("q", "quit"),
        ],
    };
    let long: Vec<String> = keys
        .iter()
        .map(|(k, what)| format!("{} {what}", k.bold()))
        .collect();
    let line = long.join(" · ");
    if visible_len(&line) <= width {
        return line;
    }
    keys.iter()
        .map(|(k, _)| k.bold().to_string())
        .collect::<Vec<_>>()
        .join(" ")
        + &" (? help)".dimmed().to_string()
}

/// One row, cut to the width.
/// The status line, wrapped rather than cut: it often says what to do next. Three rows at
/// most, so the verdict keeps the screen.
const STATUS_ROWS: usize = 3;

fn status_rows(status: &str, width: usize) -> Vec<String> {
    let mut rows = wrap(status, width);
    if rows.len() > STATUS_ROWS {
        rows.truncate(STATUS_ROWS);
        let last = &rows[STATUS_ROWS - 1];
        rows[STATUS_ROWS - 1] = format!("{}…", cut(last, width.saturating_sub(1)));
    }
    rows.iter().map(|r| fit(r, width)).collect()
}

fn fit(line: &str, width: usize) -> String {
    cut(line, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_status_is_wrapped_not_cut_and_capped_at_three_rows() {
        let status =
            "Another iolings is already watching this workbook: progress from both is merged";
        let rows = status_rows(status, 40);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.join(" ").contains("is merged"), "{rows:?}");
        assert_eq!(status_rows("", 40), vec![String::new()]);
        let rows = status_rows(&"word ".repeat(100), 20);
        assert_eq!(rows.len(), STATUS_ROWS);
        assert!(rows[2].ends_with('…'), "{rows:?}");
        assert!(rows.iter().all(|r| visible_len(r) <= 20), "{rows:?}");
    }
}
