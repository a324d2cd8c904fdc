//! `gloss clean`: removes the site's build cache (`.gloss/cache`), and
//! nothing else: not the output folder (a build replaces it whole), not the
//! build lock, not anything gloss did not write there.

use std::path::Path;

pub(crate) fn run(root: &Path, quiet: bool) -> Result<(), u8> {
    if let Err(report) = gloss::check_root(root) {
        super::print_report(&report);
        return Err(1);
    }
    // Under the build lock: a build running now is not robbed of its cache.
    let lock = gloss::output::BuildLock::acquire(root, &mut |waiting| {
        if !quiet {
            eprintln!("{waiting}");
        }
    });
    let _lock = match lock {
        Ok(l) => l,
        Err(d) => {
            super::print_report(&gloss::diagnostics::Report::single(d));
            return Err(1);
        }
    };
    match gloss::cache::clean(root) {
        Ok(cleaned) => {
            if !quiet {
                match cleaned.cache {
                    Some(dir) => eprintln!("removed the build cache {}", dir.display()),
                    None => eprintln!("no build cache to remove"),
                }
            }
            Ok(())
        }
        Err(why) => {
            eprintln!("error: {why}");
            Err(1)
        }
    }
}
