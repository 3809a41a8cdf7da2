//! Watch mode: the learner's home screen.

use crate::cli::{GlobalArgs, WatchArgs};

pub fn start(g: &GlobalArgs, args: &WatchArgs) -> anyhow::Result<u8> {
    let _ = (g, args);
    anyhow::bail!("watch mode is not built yet: use `iolings run`")
}
