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
                "{} has not passed yet, so its solution stays hidden. Finish it first (`{}`), ask for a hint (`{}`), or use --force.",
                exercise.name,
                crate::invocation::with(&format!("run {}", exercise.name)),
                crate::invocation::with(&format!("hint {}", exercise.name))
            ),
        ));
    }
    // The shipped solution first: a solutions/ file in the folder may have been edited.
    let builtin = embedded::is_builtin_workbook(&workbook.root)
        .then(|| embedded::file(&exercise.relative_solution()))
        .flatten();
    let text = match builtin {
        Some(bytes) => bytes.to_vec(),
        None => {
            let path = workbook.solution_path(exercise);
            std::fs::read(&path).map_err(|_| {
                super::coded(
                    3,
                    format!("{} is missing", exercise.relative_solution().display()),
                )
            })?
        }
    };
    println!("# {}", exercise.relative_solution().display());
    print!(
        "{}",
        crate::render::escape::neutralise(&String::from_utf8_lossy(&text))
    );
    Ok(0)
}
