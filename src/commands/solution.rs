//! `iolings solution NAME`: the solved file, once the exercise has passed (or with --force).

use crate::cli::GlobalArgs;
use crate::workbook::embedded;

pub fn solution(g: &GlobalArgs, name: &str, force: bool) -> anyhow::Result<u8> {
    let (workbook, progress) = super::load_with_progress(g)?;
    let exercise = super::pick(&workbook, &progress, Some(name))?;
    if !force && !progress.is_done(&exercise.name) {
        return Err(super::coded(
            2,
            format!(
                "{} has not passed yet, so its solution stays hidden. Finish it first (`iolings run {}`), ask for a hint (`iolings hint {}`), or use --force.",
                exercise.name, exercise.name, exercise.name
            ),
        ));
    }
    let path = workbook.solution_path(exercise);
    let text = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(_) => embedded::file(&exercise.relative_solution())
            .map(<[u8]>::to_vec)
            .ok_or_else(|| {
                super::coded(
                    3,
                    format!("{} is missing", exercise.relative_solution().display()),
                )
            })?,
    };
    println!("# {}", exercise.relative_solution().display());
    print!(
        "{}",
        crate::render::escape::neutralise(&String::from_utf8_lossy(&text))
    );
    Ok(0)
}
