//! The workbook: info.toml loaded, validated, and turned into lessons and exercises with paths.

pub mod embedded;
pub mod info;
pub mod manifest;
pub mod sections;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use info::{line_col, RawExercise, RawInfo, SUPPORTED_FORMAT};

pub const INFO_FILE: &str = "info.toml";
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;
const MAX_TIMEOUT_SECS: u64 = 600;
/// What an exercise is worth when info.toml does not say.
pub const DEFAULT_POINTS: u32 = 1;
/// Points are whole numbers, as GitHub Classroom's scores are; this bound catches typos.
const MAX_POINTS: f64 = 1000.0;
/// Environment variables the sandbox owns: an exercise may not set them.
const RESERVED_ENV: &[&str] = &["HOME", "TMPDIR", "PYTHONDONTWRITEBYTECODE"];

#[derive(Debug, Clone)]
pub struct Lesson {
    pub dir: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub lesson: usize,
    pub lesson_dir: String,
    pub fixtures: Vec<String>,
    pub timeout_secs: u64,
    pub python_args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Run Python with its site-packages (without `-S`): the exercise may import
    /// third-party packages, at the cost of a slower start.
    pub site_packages: bool,
    pub hints: Vec<String>,
    pub docs: Vec<String>,
    /// Earned in grading reports when the exercise passes (all or nothing); 0 = ungraded.
    pub points: u32,
}

impl Exercise {
    pub fn file_name(&self) -> String {
        format!("{}.py", self.name)
    }

    /// Path relative to the workbook root, e.g. `exercises/01_reading_files/reading1.py`.
    pub fn relative_path(&self) -> PathBuf {
        Path::new("exercises")
            .join(&self.lesson_dir)
            .join(self.file_name())
    }

    pub fn relative_solution(&self) -> PathBuf {
        Path::new("solutions")
            .join(&self.lesson_dir)
            .join(self.file_name())
    }
}

#[derive(Debug)]
pub struct Workbook {
    pub root: PathBuf,
    pub welcome_message: String,
    pub final_message: String,
    pub lessons: Vec<Lesson>,
    pub exercises: Vec<Exercise>,
}

/// A fixture to copy into a run's sandbox: from `source`, to `relative` under its cwd.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub source: PathBuf,
    pub relative: PathBuf,
}

/// One thing wrong with info.toml, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// Why a workbook could not be loaded. Each names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("no {INFO_FILE} in {} (nor in a folder above it): this is not an iolings workbook.\n  help: run iolings from the workbook folder, pass --workbook DIR, or create one with `iolings init DIR`", shown_dir(.0))]
    NotFound(PathBuf),
    #[error("could not read {}: {}", .0.display(), .1)]
    Unreadable(PathBuf, std::io::Error),
    #[error("{}", render_problems(.0, .1))]
    Invalid(PathBuf, Vec<Problem>),
}

/// The key of the `key = value` line holding byte `offset`, if it is one.
fn key_at(source: &str, offset: usize) -> Option<String> {
    let start = source[..offset.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = source[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| key.to_string())
}

/// serde's `invalid type: string "ten", expected u64` in the words of info.toml's reference.
fn plain_type_error(message: &str, key: Option<&str>) -> String {
    let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    else {
        return message.to_string();
    };
    let wanted = match (expected, key) {
        ("u64", Some("timeout_secs")) => "a whole number of seconds, like `timeout_secs = 10`",
        ("u64" | "u32" | "usize", _) => "a whole number, like `10`",
        ("a boolean", _) => "`true` or `false`, without quotes",
        ("a string", _) => "text in double quotes, like `\"reading1\"`",
        ("a sequence", _) => "a list in brackets, like `[\"one\", \"two\"]`",
        (other, _) => other,
    };
    match key {
        Some(key) => format!("{key} must be {wanted}, not {found}"),
        None => format!("expected {wanted}, found {found}"),
    }
}

/// `.` spelled as the folder's name, so the message names a real place.
fn shown_dir(dir: &Path) -> String {
    if dir == Path::new(".") {
        if let Ok(here) = std::env::current_dir() {
            return here.display().to_string();
        }
    }
    dir.display().to_string()
}

fn render_problems(file: &Path, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}:{}:{}: {}\n  help: {}",
            file.display(),
            p.line,
            p.column,
            p.message,
            p.help
        ));
    }
    if problems.len() > 1 {
        out.push_str(&format!(
            "\n{} problems in {}",
            problems.len(),
            file.display()
        ));
    }
    out
}

impl Workbook {
    pub fn load(root: &Path) -> Result<Workbook, WorkbookError> {
        // `info.toml`, not `./info.toml`: messages name the file as the learner would.
        let path = if root == Path::new(".") {
            PathBuf::from(INFO_FILE)
        } else {
            root.join(INFO_FILE)
        };
        let source = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(WorkbookError::NotFound(root.to_path_buf()))
            }
            Err(e) => return Err(WorkbookError::Unreadable(path, e)),
        };
        Self::parse(root, &source).map_err(|problems| WorkbookError::Invalid(path, problems))
    }

    /// Parse and validate `source` as the info.toml of the workbook at `root`.
    pub fn parse(root: &Path, source: &str) -> Result<Workbook, Vec<Problem>> {
        let raw: RawInfo = toml::from_str(source).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(source, s.start));
            let key = e.span().and_then(|s| key_at(source, s.start));
            vec![Problem {
                line,
                column,
                message: plain_type_error(e.message().trim(), key.as_deref()),
                help:
                    "fix the TOML at this spot; the README's info.toml reference lists every field"
                        .into(),
            }]
        })?;
        Validator {
            root,
            source,
            problems: Vec::new(),
        }
        .validate(raw)
    }

    /// A path inside the workbook as the learner should read it: relative to the folder they
    /// stand in when the workbook is that folder, below it or above it, absolute otherwise.
    pub fn shown(&self, relative: impl AsRef<Path>) -> String {
        let relative = relative.as_ref();
        if self.root == Path::new(".") || self.root.as_os_str().is_empty() {
            return relative.display().to_string();
        }
        let (Ok(cwd), Ok(root)) = (std::env::current_dir(), std::fs::canonicalize(&self.root))
        else {
            return self.root.join(relative).display().to_string();
        };
        let target = root.join(relative);
        if let Ok(inside) = target.strip_prefix(&cwd) {
            return inside.display().to_string();
        }
        match cwd.strip_prefix(&root) {
            Ok(below) => {
                let mut up = PathBuf::new();
                for _ in below.components() {
                    up.push("..");
                }
                up.join(relative).display().to_string()
            }
            Err(_) => target.display().to_string(),
        }
    }

    pub fn exercise_path(&self, exercise: &Exercise) -> PathBuf {
        self.root.join(exercise.relative_path())
    }

    pub fn solution_path(&self, exercise: &Exercise) -> PathBuf {
        self.root.join(exercise.relative_solution())
    }

    pub fn lesson_readme(&self, lesson: &Lesson) -> PathBuf {
        self.root
            .join("exercises")
            .join(&lesson.dir)
            .join("README.md")
    }

    pub fn fixtures(&self, exercise: &Exercise) -> Vec<Fixture> {
        let base = self
            .root
            .join("exercises")
            .join(&exercise.lesson_dir)
            .join("fixtures");
        exercise
            .fixtures
            .iter()
            .map(|f| Fixture {
                source: base.join(f),
                relative: PathBuf::from(f),
            })
            .collect()
    }

    /// Whether `source` (a file run as `exercise`) holds the tests the exercise ships with,
    /// so that a skip in them is the course's and not the learner's. The reference is the
    /// built-in copy for the built-in workbook, and otherwise the solution (whose tests
    /// `dev check` holds equal to the exercise's); without one, the tests are taken as they
    /// are.
    pub fn has_shipped_tests(&self, exercise: &Exercise, source: &Path) -> bool {
        let Ok(learner) = std::fs::read(source) else {
            return false;
        };
        let builtin = embedded::is_builtin_workbook(&self.root)
            .then(|| embedded::file(&exercise.relative_path()))
            .flatten()
            .map(<[u8]>::to_vec);
        match builtin.or_else(|| std::fs::read(self.solution_path(exercise)).ok()) {
            // Without a tests marker, code and tests cannot be told apart: only the file
            // exactly as shipped has its skips counted.
            Some(reference) if sections::tests_start(&reference).is_none() => learner == reference,
            Some(reference) => !sections::tests_differ(&learner, &reference),
            None => true,
        }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }

    /// The exercise called `name`, or an error that suggests the closest name.
    pub fn find(&self, name: &str) -> anyhow::Result<&Exercise> {
        if let Some(i) = self.index_of(name) {
            return Ok(&self.exercises[i]);
        }
        let closest = self
            .exercises
            .iter()
            .map(|e| (edit_distance(&e.name, name), &e.name))
            .min();
        match closest {
            Some((d, best)) if d <= 3 => {
                anyhow::bail!(
                    "no exercise named `{name}`; did you mean `{best}`? (`{}` shows them all)",
                    crate::invocation::with("list")
                )
            }
            _ => anyhow::bail!(
                "no exercise named `{name}`; `{}` shows them all",
                crate::invocation::with("list")
            ),
        }
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

struct Validator<'a> {
    root: &'a Path,
    source: &'a str,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn problem(&mut self, offset: usize, message: String, help: &str) {
        let (line, column) = line_col(self.source, offset);
        self.problems.push(Problem {
            line,
            column,
            message,
            help: help.to_string(),
        });
    }

    fn validate(mut self, raw: RawInfo) -> Result<Workbook, Vec<Problem>> {
        if *raw.format_version.get_ref() != SUPPORTED_FORMAT {
            self.problem(
                raw.format_version.span().start,
                format!(
                    "format_version {} is not supported (this iolings reads version {SUPPORTED_FORMAT})",
                    raw.format_version.get_ref()
                ),
                "update iolings, or write the workbook in format_version = 1",
            );
        }
        let lessons = self.lessons(&raw);
        let exercises = self.exercises(&raw, &lessons);
        self.lessons_have_exercises(&raw, &exercises);
        if self.problems.is_empty() {
            Ok(Workbook {
                root: self.root.to_path_buf(),
                welcome_message: raw.welcome_message,
                final_message: raw.final_message,
                lessons,
                exercises,
            })
        } else {
            self.problems.sort_by_key(|p| (p.line, p.column));
            Err(self.problems)
        }
    }

    fn lessons(&mut self, raw: &RawInfo) -> Vec<Lesson> {
        if raw.lessons.is_empty() {
            self.problem(
                0,
                "no lessons: the workbook needs at least one [[lessons]] table".into(),
                "add [[lessons]] with dir = \"01_name\" and title = \"...\"",
            );
        }
        let mut lessons = Vec::new();
        let mut previous: Option<String> = None;
        for lesson in &raw.lessons {
            let dir = &lesson.get_ref().dir;
            let at = dir.span().start;
            let name = dir.get_ref();
            if !is_lesson_dir(name) {
                self.problem(
                    at,
                    format!("lesson dir `{name}` is not of the form NN_name"),
                    "name lesson folders like 01_reading_files (two digits, underscore, [a-z0-9_])",
                );
            } else if previous.as_deref().is_some_and(|p| p >= name.as_str()) {
                self.problem(
                    at,
                    format!("lesson `{name}` is out of order or listed twice"),
                    "list lessons once each, in the order of their numbers",
                );
            } else if !self.root.join("exercises").join(name).is_dir() {
                self.problem(
                    at,
                    format!("lesson folder exercises/{name}/ does not exist"),
                    "create the folder or fix the dir name",
                );
            }
            previous = Some(name.clone());
            lessons.push(Lesson {
                dir: name.clone(),
                title: lesson.get_ref().title.clone(),
            });
        }
        lessons
    }

    fn exercises(&mut self, raw: &RawInfo, lessons: &[Lesson]) -> Vec<Exercise> {
        let index: HashMap<&str, usize> = lessons
            .iter()
            .enumerate()
            .map(|(i, l)| (l.dir.as_str(), i))
            .collect();
        let mut seen = HashSet::new();
        let mut last_lesson = 0;
        let mut exercises = Vec::new();
        for spanned in &raw.exercises {
            let table_at = spanned.span().start;
            let ex = spanned.get_ref();
            let name = ex.name.get_ref().clone();
            let name_at = ex.name.span().start;
            if !is_valid_name(&name) {
                self.problem(
                    name_at,
                    format!("exercise name `{name}` may only hold a-z, 0-9 and _"),
                    "rename it, e.g. reading1",
                );
            } else if !seen.insert(name.clone()) {
                self.problem(
                    name_at,
                    format!("exercise `{name}` is listed twice"),
                    "give every exercise a unique name",
                );
            }
            let lesson_name = ex.lesson.get_ref();
            let Some(&lesson) = index.get(lesson_name.as_str()) else {
                self.problem(
                    ex.lesson.span().start,
                    format!("exercise `{name}` belongs to unknown lesson `{lesson_name}`"),
                    "use the dir of one of the [[lessons]] tables",
                );
                continue;
            };
            if lesson < last_lesson {
                self.problem(table_at, format!("exercise `{name}` of lesson `{lesson_name}` comes after exercises of a later lesson"), "list exercises in lesson order");
            }
            last_lesson = lesson;
            let exercise = self.exercise(raw, ex, &name, lesson, lesson_name, table_at);
            exercises.push(exercise);
        }
        exercises
    }

    fn exercise(
        &mut self,
        raw: &RawInfo,
        ex: &RawExercise,
        name: &str,
        lesson: usize,
        lesson_dir: &str,
        table_at: usize,
    ) -> Exercise {
        let lesson_path = self.root.join("exercises").join(lesson_dir);
        for (kind, dir) in [("exercise", "exercises"), ("solution", "solutions")] {
            let rel = Path::new(dir).join(lesson_dir).join(format!("{name}.py"));
            // A learner who deleted an exercise must still be able to `reset` it.
            let restorable = kind == "exercise" && embedded::file(&rel).is_some();
            if is_valid_name(name) && !self.root.join(&rel).is_file() && !restorable {
                self.problem(
                    ex.name.span().start,
                    format!("{kind} file {} is missing", rel.display()),
                    "create the file, or fix the exercise's name or lesson",
                );
            }
        }
        for fixture in &ex.fixtures {
            self.fixture(&lesson_path.join("fixtures"), fixture);
        }
        let hints: Vec<String> = ex
            .hints
            .iter()
            .flatten()
            .map(|h| h.get_ref().clone())
            .collect();
        match &ex.hints {
            None => self.problem(
                table_at,
                format!("exercise `{name}` has no hints"),
                "add hints = [\"a nudge\", \"a stronger nudge\"]",
            ),
            Some(list) if list.is_empty() => self.problem(
                table_at,
                format!("exercise `{name}` has an empty hints list"),
                "add at least one hint",
            ),
            Some(list) => {
                for hint in list.iter().filter(|h| h.get_ref().trim().is_empty()) {
                    self.problem(
                        hint.span().start,
                        format!("exercise `{name}` has an empty hint"),
                        "write the hint or remove it",
                    );
                }
            }
        }
        for doc in &ex.docs {
            if !doc.get_ref().starts_with("https://") && !doc.get_ref().starts_with("http://") {
                self.problem(
                    doc.span().start,
                    format!("docs link `{}` is not a URL", doc.get_ref()),
                    "use a full https:// link to the Python documentation",
                );
            }
        }
        let timeout = ex
            .timeout_secs
            .as_ref()
            .or(raw.defaults.timeout_secs.as_ref());
        let timeout_secs = match timeout {
            Some(t) if !(1..=MAX_TIMEOUT_SECS).contains(t.get_ref()) => {
                self.problem(
                    t.span().start,
                    format!("timeout_secs = {} is out of range", t.get_ref()),
                    "use a number of seconds from 1 to 600",
                );
                DEFAULT_TIMEOUT_SECS
            }
            Some(t) => *t.get_ref(),
            None => DEFAULT_TIMEOUT_SECS,
        };
        let points = match ex.points.as_ref().or(raw.defaults.points.as_ref()) {
            Some(p) => {
                let n = *p.get_ref();
                if (0.0..=MAX_POINTS).contains(&n) && n.fract() == 0.0 {
                    n as u32
                } else {
                    self.problem(
                        p.span().start,
                        format!("points = {n} is not a whole number from 0 to 1000"),
                        "give a whole number of points (0 makes the exercise ungraded)",
                    );
                    DEFAULT_POINTS
                }
            }
            None => DEFAULT_POINTS,
        };
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in raw.defaults.env.iter().chain(&ex.env) {
            let bad = key.is_empty()
                || key.contains('=')
                || key.contains('\0')
                || value.get_ref().contains('\0');
            if bad || key.starts_with("IOLINGS_") || RESERVED_ENV.contains(&key.as_str()) {
                self.problem(value.span().start, format!("env variable `{key}` cannot be set by an exercise"), "the sandbox sets HOME, TMPDIR, PYTHONDONTWRITEBYTECODE and IOLINGS_*; names may not be empty or hold '='");
            }
            env.insert(key.clone(), value.get_ref().clone());
        }
        Exercise {
            name: name.to_string(),
            lesson,
            lesson_dir: lesson_dir.to_string(),
            fixtures: ex.fixtures.iter().map(|f| f.get_ref().clone()).collect(),
            timeout_secs,
            python_args: ex
                .python_args
                .clone()
                .or_else(|| raw.defaults.python_args.clone())
                .unwrap_or_default(),
            env: env.into_iter().collect(),
            site_packages: ex
                .site_packages
                .or(raw.defaults.site_packages)
                .unwrap_or(false),
            hints,
            docs: ex.docs.iter().map(|d| d.get_ref().clone()).collect(),
            points,
        }
    }

    fn fixture(&mut self, base: &Path, fixture: &toml::Spanned<String>) {
        let at = fixture.span().start;
        let rel = Path::new(fixture.get_ref());
        let escapes = rel.components().any(|c| !matches!(c, Component::Normal(_)));
        if fixture.get_ref().is_empty() || escapes {
            self.problem(at, format!("fixture `{}` must be a plain relative path inside the lesson's fixtures/ folder", fixture.get_ref()), "remove `..`, leading `/` and `.` parts");
            return;
        }
        let path = base.join(rel);
        let (Ok(real), Ok(real_base)) = (path.canonicalize(), base.canonicalize()) else {
            self.problem(
                at,
                format!(
                    "fixture {} does not exist",
                    path.strip_prefix(self.root).unwrap_or(&path).display()
                ),
                "add the file under the lesson's fixtures/ folder or fix the name",
            );
            return;
        };
        if !real.starts_with(&real_base) || symlink_escapes(&real, &real_base) {
            self.problem(
                at,
                format!(
                    "fixture `{}` is a symlink that points outside fixtures/",
                    fixture.get_ref()
                ),
                "copy the file into fixtures/ instead of linking to it",
            );
        }
    }

    fn lessons_have_exercises(&mut self, raw: &RawInfo, exercises: &[Exercise]) {
        let used: HashSet<&str> = exercises.iter().map(|e| e.lesson_dir.as_str()).collect();
        let names: HashSet<&str> = raw
            .exercises
            .iter()
            .map(|e| e.get_ref().lesson.get_ref().as_str())
            .collect();
        for lesson in &raw.lessons {
            let dir = lesson.get_ref().dir.get_ref();
            if !used.contains(dir.as_str()) && !names.contains(dir.as_str()) {
                self.problem(
                    lesson.span().start,
                    format!("lesson `{dir}` has no exercises"),
                    "add [[exercises]] with lesson = this dir, or remove the lesson",
                );
            }
        }
    }
}

/// A folder fixture may hold symlinks pointing out of fixtures/: check every entry.
fn symlink_escapes(path: &Path, base: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(path) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let p = entry.path();
        match p.canonicalize() {
            Ok(real) => !real.starts_with(base) || (real.is_dir() && symlink_escapes(&real, base)),
            Err(_) => true,
        }
    })
}

/// Exercise names: `[a-z0-9_]+`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_lesson_dir(dir: &str) -> bool {
    let b = dir.as_bytes();
    b.len() > 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && b[2] == b'_'
        && is_valid_name(&dir[3..])
}
