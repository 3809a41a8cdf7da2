//! The raw shape of info.toml, as serde reads it (unknown fields are errors), with source spans
//! so every later validation error can name a line and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub const SUPPORTED_FORMAT: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInfo {
    pub format_version: Spanned<u32>,
    #[serde(default)]
    pub welcome_message: String,
    #[serde(default)]
    pub final_message: String,
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub lessons: Vec<Spanned<RawLesson>>,
    #[serde(default)]
    pub exercises: Vec<Spanned<RawExercise>>,
}

/// Applied to every exercise that does not say otherwise.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub timeout_secs: Option<Spanned<u64>>,
    pub python_args: Option<Vec<String>>,
    #[serde(default)]
    pub env: BTreeMap<String, Spanned<String>>,
    /// Read as a number of any kind so a fraction gets a message of ours, not a type error.
    pub points: Option<Spanned<f64>>,
    /// Let Python see its site-packages (third-party packages such as the real pytest).
    pub site_packages: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLesson {
    pub dir: Spanned<String>,
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    pub name: Spanned<String>,
    pub lesson: Spanned<String>,
    #[serde(default)]
    pub fixtures: Vec<Spanned<String>>,
    pub timeout_secs: Option<Spanned<u64>>,
    pub python_args: Option<Vec<String>>,
    #[serde(default)]
    pub env: BTreeMap<String, Spanned<String>>,
    pub site_packages: Option<bool>,
    pub hints: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub docs: Vec<Spanned<String>>,
    /// What passing the exercise is worth in grading reports.
    pub points: Option<Spanned<f64>>,
}

/// 1-based line and column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    }) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 9), (2, 4));
    }
}
