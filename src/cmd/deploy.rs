//! `gloss deploy`: build, then publish the output folder (src/deploy/).

use super::{find_root, print_report};
use gloss::cli::{Cli, DeployArgs};
use gloss::BuildOptions;
use std::io::IsTerminal;

/// `gloss deploy`: the target is looked up first (a typo fails before a long
/// build), then the site is built by the very function `gloss build` runs,
/// then the output folder is published (src/deploy/).
pub(crate) fn run(cli: &Cli, args: &DeployArgs) -> Result<(), u8> {
    let root = find_root(cli)?;
    let target = gloss::deploy::find_target(&root, args.target.as_deref()).map_err(|report| {
        print_report(&report);
        1u8
    })?;
    let out = gloss::output_dir(&BuildOptions {
        root: root.clone(),
        output: args.build.output.clone(),
        drafts: args.build.drafts,
        base_url: args.build.base_url.clone(),
        search_index: true,
    });
    if !args.no_build && super::build::run(cli, &args.build, true).is_err() {
        if !args.force {
            eprintln!(
                "error: not deploying to `{}`: the build failed\nhelp: fix the errors above, or pass --force to publish {} as last built",
                target.name,
                out.display()
            );
            return Err(1);
        }
        eprintln!(
            "warning: the build failed; publishing {} as last built (--force)",
            out.display()
        );
    }
    let reporter =
        gloss::deploy::Reporter::new(cli.quiet, cli.verbose, std::io::stderr().is_terminal());
    let opts = gloss::deploy::PublishOptions {
        dry_run: args.dry_run,
        delete: args.delete,
    };
    match gloss::deploy::publish(&root, &out, &target, &opts, &reporter) {
        Ok(outcome) => {
            if args.dry_run {
                print!("{}", outcome.plan.listing());
            }
            if !cli.quiet {
                eprintln!("deploy {}: {}", target.name, outcome.plan.summary());
                eprintln!("{}", outcome.done);
            }
            Ok(())
        }
        Err(report) => {
            print_report(&report);
            eprintln!("error: deploy to `{}` failed", target.name);
            Err(1)
        }
    }
}
