//! `gloss check`: a build in memory, every link checked, nothing written.

use gloss::cli::{BuildArgs, Cli};

/// Runs `gloss check`: [`super::build::run`] without writing.
pub(crate) fn run(cli: &Cli, args: &BuildArgs) -> Result<(), u8> {
    super::build::run(cli, args, false)
}
