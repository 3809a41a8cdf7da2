//! Process exit codes: one place, so the help text, the README and the code agree.

use crate::runner::verdict::Outcome;

pub const SUCCESS: u8 = 0;
pub const TESTS_FAILED: u8 = 1;
/// A command line that cannot be carried out as given.
pub const USAGE: u8 = 2;
pub const WORKBOOK_ERROR: u8 = 3;
pub const COMPILE_ERROR: u8 = 4;
pub const CRASHED: u8 = 5;
pub const TIMED_OUT: u8 = 6;
pub const EXITED_EARLY: u8 = 7;
pub const COULD_NOT_RUN: u8 = 8;
/// Anything else that went wrong (a file that could not be written, ...).
pub const OTHER_ERROR: u8 = 9;
pub const INTERRUPTED: u8 = 130;

/// The exit code `iolings run` ends with for a verdict.
pub fn for_outcome(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Passed => SUCCESS,
        Outcome::TestsFailed { .. } => TESTS_FAILED,
        Outcome::CompileError(_) => COMPILE_ERROR,
        Outcome::Crashed(_) => CRASHED,
        Outcome::TimedOut { .. } => TIMED_OUT,
        Outcome::ExitedEarly { .. } => EXITED_EARLY,
        Outcome::CouldNotRun { .. } => COULD_NOT_RUN,
    }
}
