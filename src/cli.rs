//! Command-line definitions (clap): every subcommand, flag and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  iolings                    start watch mode on the workbook in this folder
  iolings run reading1       run one exercise and show what is still wrong
  iolings hint               show the next hint for the current exercise
  iolings verify --format json > results.json
  iolings verify --pristine-tests --format junit --output report.xml
  iolings doctor             check the interpreter, the sandbox and the terminal

Exit codes:
  0 passed / success       1 tests failed (verify: some exercise not passing)
  2 usage error            3 workbook error (info.toml, missing files, state)
  4 compile error          5 crashed        6 timed out
  7 exited early           8 could not run (Python missing, sandbox error)
  9 any other error        130 interrupted (Ctrl-C, SIGTERM, SIGHUP)";

#[derive(Debug, Parser)]
#[command(
    name = "iolings",
    version,
    about = "Interactive exercises for Python file handling and OS interaction",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Python interpreter to use (default: $IOLINGS_PYTHON, then python3, then python)
    #[arg(long, global = true, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// When to use colors
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The workbook folder, the one holding info.toml (default: this folder or the nearest
    /// one above it that holds an info.toml)
    #[arg(long, global = true, value_name = "DIR")]
    pub workbook: Option<PathBuf>,
}

impl GlobalArgs {
    /// The workbook's folder: `--workbook`, else the nearest folder from here upwards holding
    /// an info.toml (as git and cargo find theirs), else this folder (which then reports that
    /// it is not a workbook).
    pub fn workbook_root(&self) -> PathBuf {
        if let Some(dir) = &self.workbook {
            return dir.clone();
        }
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        here.ancestors()
            .find(|dir| dir.join(crate::workbook::INFO_FILE).is_file())
            .map_or_else(
                || PathBuf::from("."),
                |dir| {
                    if dir == here {
                        PathBuf::from(".")
                    } else {
                        dir.to_path_buf()
                    }
                },
            )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary for a person
    Human,
    /// The versioned JSON report (docs/report.schema.json)
    Json,
    /// JUnit XML for GitLab, GitHub Actions and other CI test viewers
    Junit,
    /// GitHub Classroom's grading reporter: lines for $GITHUB_ENV
    Classroom,
    /// Gradescope's autograder results.json
    Gradescope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JunitGranularity {
    /// One test case per exercise (all or nothing, like the points)
    Exercise,
    /// One test case per test inside each exercise
    Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Classroom {
    /// .github/workflows/classroom.yml for GitHub Classroom
    Github,
    /// .gitlab-ci.yml publishing the JUnit report
    Gitlab,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Watch the exercises and rerun the current one on every save (the default)
    Watch(WatchArgs),
    /// Run one exercise (the current one when NAME is omitted)
    #[command(after_help = "Examples:\n  iolings run reading1\n  iolings run writing2 --trace")]
    Run {
        /// Exercise name, as shown by `iolings list`
        name: Option<String>,
        /// Print the verdict as JSON instead of for a person
        #[arg(long)]
        json: bool,
        /// Run your code against the tests as shipped, not the tests in your file
        #[arg(long)]
        pristine_tests: bool,
        /// Show, per test, what your code did to files: opens, reads, writes, syscalls, renames
        #[arg(long)]
        trace: bool,
    },
    /// Show the next hint (each call reveals one more)
    #[command(after_help = "Examples:\n  iolings hint\n  iolings hint reading2 --all")]
    Hint {
        /// Exercise name (default: the current exercise)
        name: Option<String>,
        /// Show every hint at once
        #[arg(long)]
        all: bool,
    },
    /// List lessons and exercises with their status
    List {
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// Run every exercise in parallel and report which pass
    #[command(
        after_help = "Examples:\n  iolings verify --format junit > report.xml\n  iolings verify --pristine-tests --format gradescope --output /autograder/results/results.json\n\ndocs/grading.md describes every report format."
    )]
    Verify {
        /// Report format: for a person, JSON (one record per exercise) or JUnit XML (for CI)
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Worker threads (default: the number of cores)
        #[arg(long, short, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        jobs: Option<usize>,
        /// Grade each exercise's code against the tests as shipped (for graders)
        #[arg(long)]
        pristine_tests: bool,
        /// Write the report to FILE (replaced whole, never left half-written) instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// With --format junit: a test case per exercise (default) or per test
        #[arg(long, value_enum, value_name = "LEVEL")]
        junit_granularity: Option<JunitGranularity>,
        /// Trace each test's file I/O into the JSON report (slower; verdicts are the same)
        #[arg(long)]
        trace: bool,
    },
    /// Combine learners' JSON reports into a gradebook
    #[command(
        after_help = "Example:\n  iolings report results/*.json --csv > gradebook.csv\n\nEach file is one learner's `verify --format json` report; its name (without .json) names the row."
    )]
    Report {
        /// JSON reports written by `iolings verify --format json`
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// CSV: one row per learner, one column per exercise (points), total, max and notes
        #[arg(long)]
        csv: bool,
    },
    /// Restore an exercise as shipped (your version is kept in .iolings/backups/)
    #[command(
        after_help = "Examples:\n  iolings reset reading1 --yes\n  iolings reset --tests reading1"
    )]
    Reset {
        /// Exercise name, as shown by `iolings list`
        name: String,
        /// Do not ask for confirmation
        #[arg(long, short)]
        yes: bool,
        /// Restore only the tests section; your code above it is kept
        #[arg(long)]
        tests: bool,
    },
    /// Show the solution of an exercise you have passed
    Solution {
        name: String,
        /// Show it even if the exercise has not passed yet
        #[arg(long)]
        force: bool,
    },
    /// Check the interpreter, the sandbox protections, the watcher and the terminal
    Doctor,
    /// Write a fresh copy of the workbook into DIR
    #[command(
        after_help = "Examples:\n  iolings init ~/iolings && cd ~/iolings && iolings\n  iolings init class-template --classroom github"
    )]
    Init {
        dir: PathBuf,
        /// Also write the CI workflow that grades every push (docs/grading.md)
        #[arg(long, value_enum, value_name = "PLATFORM")]
        classroom: Option<Classroom>,
    },
    /// Print shell completions
    #[command(
        after_help = "Example:\n  iolings completions bash > ~/.local/share/bash-completion/completions/iolings"
    )]
    Completions { shell: clap_complete::Shell },
    /// Instructor tools
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Debug, Args, Default)]
pub struct WatchArgs {
    /// Poll the files instead of using OS events (network drives, WSL /mnt/c, containers)
    #[arg(long)]
    pub poll: bool,
    /// Do not watch at all: press r to run
    #[arg(long)]
    pub manual_run: bool,
    /// Start each run's interpreter at the save instead of keeping one started and waiting
    /// (saves memory, costs time per save; IOLINGS_WARM=off does the same)
    #[arg(long)]
    pub no_warm: bool,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Every exercise fails as shipped, every solution passes, info.toml is consistent
    Check {
        #[arg(long, short, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        jobs: Option<usize>,
        /// Also check the typical wrong solutions in DIR/<lesson>/<exercise>/<label>.py
        #[arg(long, value_name = "DIR")]
        mistakes: Option<PathBuf>,
        /// Also check other correct solutions in DIR/<lesson>/<exercise>/<label>.py (must pass)
        #[arg(long, value_name = "DIR")]
        alternatives: Option<PathBuf>,
        /// Check the copy built into this iolings instead of the files in the folder
        #[arg(long)]
        shipped: bool,
    },
    /// Record the workbook's files as shipped in workbook.manifest (the build embeds them)
    Lock {
        /// Only compare; exit 1 when the manifest does not match the files
        #[arg(long)]
        check: bool,
    },
    /// Measure each exercise's tests: run mutants of its solution and report the survivors
    #[command(
        after_help = "Examples:\n  iolings dev mutate\n  iolings dev mutate reading1 writing4 --json"
    )]
    Mutate(MutateArgs),
    /// Scaffold a new exercise, its solution and its info.toml entry
    #[command(after_help = "Example:\n  iolings dev new reading7 --lesson 01_reading_files")]
    New {
        name: String,
        /// The lesson folder, e.g. 01_reading_files
        #[arg(long)]
        lesson: String,
    },
}

#[derive(Debug, Args)]
pub struct MutateArgs {
    /// Exercises to measure (default: all)
    pub names: Vec<String>,
    /// Worker threads (default: the number of cores)
    #[arg(long, short, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: Option<usize>,
    /// Machine-readable report
    #[arg(long)]
    pub json: bool,
    /// Lowest share of non-equivalent mutants that must be killed, in percent
    #[arg(long, default_value_t = 95.0, value_name = "PERCENT")]
    pub threshold: f64,
    /// Where equivalent mutants are declared: DIR/<lesson>/<exercise>.toml
    #[arg(long, value_name = "DIR", default_value = "tests/mutants")]
    pub equivalents: PathBuf,
    /// Only these operators (comma-separated; `--list-operators` shows them)
    #[arg(long, value_delimiter = ',')]
    pub operators: Vec<String>,
    /// Print the mutation operators and exit
    #[arg(long)]
    pub list_operators: bool,
}
