//! Local preview: build into memory, serve on loopback, rebuild on change.

use crate::cli::ServeArgs;
use std::path::PathBuf;

/// Placeholder until the preview server lands.
pub fn run(_root: PathBuf, _args: &ServeArgs, _quiet: bool) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "gloss serve is not available in this build yet",
    ))
}
