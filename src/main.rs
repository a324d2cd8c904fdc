//! The `gloss` binary: parse arguments, run the command, print diagnostics,
//! exit 0 on success, 1 on content errors, 2 on usage errors (clap's).

mod cmd;

use clap::Parser;
use gloss::cli::{Cli, Command, ThemeCommand};
use std::process::ExitCode;

/// A build makes millions of short-lived strings and JSON values (Tera's
/// contexts above all) on every core at once, and glibc's allocator spent a
/// sixth of a build's time in malloc and free. mimalloc's per-thread heaps
/// take 5% off a plain 10,000-article build and 17% off an annotated one,
/// with peak memory within 5% (bench/README.md). Its transparent huge pages are
/// off (`no_thp`): with them the kernel spent 13 to 17% of a build zeroing
/// 2 MB pages, and peak memory grew by a quarter.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn run(cli: Cli) -> Result<(), u8> {
    match &cli.command {
        Command::Init { dir } => cmd::init::run(dir, cli.quiet),
        Command::New {
            kind,
            title,
            entry_kind,
            ..
        } if kind == "entry" => {
            cmd::new::entry(&cmd::find_root(&cli)?, title, entry_kind.as_deref())
        }
        Command::New { title, .. } => cmd::new::article(&cmd::find_root(&cli)?, title),
        Command::Theme(ThemeCommand::Export { dir, force }) => {
            let target = match dir {
                Some(d) => d.clone(),
                None => cmd::find_root(&cli)?,
            };
            cmd::theme::export(&target, *force, cli.quiet)
        }
        Command::Build(args) => cmd::build::run(&cli, args, true),
        Command::Check(args) => cmd::check::run(&cli, args),
        Command::Import(args) => cmd::import::run(&cmd::find_root(&cli)?, args, cli.quiet),
        Command::Serve(args) => cmd::serve::run(&cli, args),
        Command::Deploy(args) => cmd::deploy::run(&cli, args),
        Command::Clean => cmd::clean::run(&cmd::find_root(&cli)?, cli.quiet),
    }
}
