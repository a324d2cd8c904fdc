//! The commands of the `gloss` binary, one file each. Each turns its
//! parsed arguments (src/cli.rs) into the library's options, runs the
//! library and prints what happened; exit codes are settled here.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod clean;
pub(crate) mod deploy;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod progress;
pub(crate) mod serve;
pub(crate) mod theme;

use gloss::cli::Cli;
use std::io::IsTerminal;
use std::path::PathBuf;

/// `--root`, else the nearest folder upward holding gloss.toml.
pub(crate) fn find_root(cli: &Cli) -> Result<PathBuf, u8> {
    if let Some(r) = &cli.root {
        return Ok(r.clone());
    }
    let cwd = std::env::current_dir().map_err(|_| 1u8)?;
    for dir in cwd.ancestors() {
        if dir.join("gloss.toml").is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    eprintln!(
        "error: no gloss.toml in {} or any folder above it\nhelp: run gloss inside a site folder, pass --root DIR, or create a site with `gloss init DIR`",
        cwd.display()
    );
    Err(1)
}

pub(crate) fn print_report(report: &gloss::diagnostics::Report) {
    if std::io::stderr().is_terminal() {
        eprint!("{}", report.colored());
    } else {
        eprint!("{}", report.rendered());
    }
}

/// `1 article`, `2 articles`: the summary line counts in words that agree.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}
