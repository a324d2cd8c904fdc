//! `gloss serve`: the command line's flags turned into
//! [`gloss::serve::ServeOptions`], then the library's preview server.

use super::{find_root, print_report};
use gloss::cli::{Cli, ServeArgs};

/// Runs `gloss serve` until the process is stopped.
pub(crate) fn run(cli: &Cli, args: &ServeArgs) -> Result<(), u8> {
    let root = find_root(cli)?;
    // The same message as `build`, not the watcher's error.
    gloss::check_root(&root).map_err(|report| {
        print_report(&report);
        1u8
    })?;
    let options = gloss::serve::ServeOptions {
        port: args.port,
        bind: args.bind.clone(),
        open: args.open,
        drafts: args.drafts,
        reload: !args.no_reload,
    };
    gloss::serve::run(root, &options, cli.quiet).map_err(|e| {
        eprintln!("error: {e}");
        1
    })
}
