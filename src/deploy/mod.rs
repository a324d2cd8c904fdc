//! `gloss deploy`: a built site folder -> a published site, on a git branch
//! ([`git`]) or in S3-compatible object storage ([`s3`]).
//!
//! Takes the output folder that `gloss build` wrote and a [`target::Target`]
//! from gloss.toml; returns an [`Outcome`] (the [`Plan`] it carried out, or
//! would have with `--dry-run`) or a [`Report`] saying what went wrong and how
//! to fix it. Building is the binary's job, through the very function
//! `gloss build` calls, so what goes out is never stale; this stage only
//! publishes what is on disk.
//!
//! Invariants, for both kinds of target:
//! - a failed or interrupted deploy leaves the remote as a consistent site:
//!   git either moves the branch to a whole new commit or not at all; S3
//!   uploads every asset before any page that could name it, and deletes
//!   last, so each object is either its old or its new version;
//! - nothing is removed from the remote unless `--delete` is given, and never
//!   anything outside the target's branch or prefix;
//! - `--dry-run` reads the remote but changes nothing.
//!
//! The output folder's marker ([`crate::output::MARKER`]) is gloss's own
//! bookkeeping and is never published.

pub mod git;
pub mod s3;
pub mod target;

use crate::diagnostics::{Diagnostic, Report};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the command line asked for, beyond the target.
#[derive(Clone, Debug, Default)]
pub struct PublishOptions {
    /// Print the plan, change nothing.
    pub dry_run: bool,
    /// Remove remote files that the site no longer has.
    pub delete: bool,
}

/// One file of the built site, as it will be published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFile {
    /// `/`-separated, relative to the output folder (`articles/x/index.html`).
    pub key: String,
    pub path: PathBuf,
    pub size: u64,
}

/// What a deploy changes on the remote. Every list is sorted by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files the remote does not have, with their sizes.
    pub adds: Vec<(String, u64)>,
    /// Files the remote has with other content.
    pub updates: Vec<(String, u64)>,
    /// Remote files the site no longer has, removed (only with `--delete`).
    pub deletes: Vec<String>,
    /// Remote files the site no longer has, left in place (without `--delete`).
    pub kept: usize,
    /// Files already on the remote as they are.
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.adds.is_empty() && self.updates.is_empty() && self.deletes.is_empty()
    }

    /// Bytes to send: the adds and the updates.
    pub fn bytes(&self) -> u64 {
        self.adds.iter().chain(&self.updates).map(|(_, n)| n).sum()
    }

    /// The one-line summary every deploy prints (and tests read).
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} to add, {} to update, {} to delete, {} unchanged ({} to send)",
            self.adds.len(),
            self.updates.len(),
            self.deletes.len(),
            self.unchanged,
            human_bytes(self.bytes())
        );
        if self.kept > 0 {
            s.push_str(&format!(
                "; {} remote file{} the site no longer has kept (--delete removes {})",
                self.kept,
                if self.kept == 1 { "" } else { "s" },
                if self.kept == 1 { "it" } else { "them" }
            ));
        }
        s
    }

    /// The plan file by file, as `--dry-run` prints it.
    pub fn listing(&self) -> String {
        let mut out = String::new();
        for (k, n) in &self.adds {
            out.push_str(&format!("add     {k} ({})\n", human_bytes(*n)));
        }
        for (k, n) in &self.updates {
            out.push_str(&format!("update  {k} ({})\n", human_bytes(*n)));
        }
        for k in &self.deletes {
            out.push_str(&format!("delete  {k}\n"));
        }
        out
    }
}

/// How a deploy ended.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub plan: Plan,
    /// What was done, for the last line: "pushed 3f2a1c9 to gh-pages", or
    /// "nothing to do".
    pub done: String,
}

/// Progress and per-file lines, on stderr. Quiet prints nothing; a terminal
/// gets a progress line rewritten in place; `verbose` prints one line per
/// file sent or removed (what tests and logs read).
#[derive(Debug, Default)]
pub struct Reporter {
    pub quiet: bool,
    pub verbose: bool,
    pub terminal: bool,
    last: Mutex<Option<Instant>>,
}

impl Reporter {
    pub fn new(quiet: bool, verbose: bool, terminal: bool) -> Reporter {
        Reporter {
            quiet,
            verbose,
            terminal,
            last: Mutex::new(None),
        }
    }

    /// A line for the user (not in quiet mode).
    pub fn line(&self, msg: &str) {
        if !self.quiet {
            self.clear();
            eprintln!("{msg}");
        }
    }

    /// One file done: printed with `--verbose`.
    pub fn file(&self, verb: &str, key: &str) {
        if self.verbose && !self.quiet {
            self.clear();
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{verb} {key}");
            let _ = err.flush();
        }
    }

    /// Progress of a long transfer, at most ten times a second, on a terminal only.
    pub fn progress(&self, files: usize, total_files: usize, bytes: u64, total_bytes: u64) {
        if self.quiet || !self.terminal {
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if last.is_some_and(|t| now - t < Duration::from_millis(100)) && files < total_files {
            return;
        }
        *last = Some(now);
        eprint!(
            "\r\x1b[2Ksending {files}/{total_files} files, {} of {}",
            human_bytes(bytes),
            human_bytes(total_bytes)
        );
    }

    fn clear(&self) {
        if self.terminal {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if last.take().is_some() {
                eprint!("\r\x1b[2K");
            }
        }
    }
}

/// The target `gloss deploy` publishes to: gloss.toml's target named
/// `wanted`, or its only one. A broken gloss.toml is reported at line and
/// column, as `gloss build` reports it.
pub fn find_target(root: &Path, wanted: Option<&str>) -> Result<target::Target, Report> {
    use crate::diagnostics::Diagnostics;
    use crate::source::{SourceFile, SourceMap};
    let path = root.join("gloss.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Report::single(Diagnostic::error(format!(
            "cannot read {}: {e}",
            path.display()
        )))
    })?;
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new("gloss.toml".into(), path, text));
    let mut diags = Diagnostics::default();
    match crate::config::Config::parse(id, &sources, &mut diags) {
        Some(config) => target::select(&config.deploy.targets(), wanted).map_err(Report::single),
        None => Err(diags.into_report(&sources)),
    }
}

/// Publishes the site in `out` (an output folder `gloss build` wrote) to
/// `target`. `root` is the site folder: relative git paths and the deploy
/// cache (`.gloss/deploy/`) are found from it.
pub fn publish(
    root: &Path,
    out: &Path,
    target: &target::Target,
    opts: &PublishOptions,
    reporter: &Reporter,
) -> Result<Outcome, Report> {
    let files = site_files(out).map_err(Report::single)?;
    match &target.kind {
        target::TargetKind::Git(g) => {
            git::publish(root, out, &target.name, g, &files, opts, reporter)
        }
        target::TargetKind::S3(s) => s3::publish(s, &files, opts, reporter),
    }
}

/// Every file of the built site, sorted by key, without gloss's marker.
/// Refuses a folder gloss did not build (no marker): deploying a stale or
/// foreign folder by mistake is how a wrong site goes live.
pub fn site_files(out: &Path) -> Result<Vec<LocalFile>, Diagnostic> {
    if !out.join(crate::output::MARKER).is_file() {
        return Err(
            Diagnostic::error(format!("{} is not a site gloss built", out.display()))
                .help("run `gloss deploy` without --no-build, or `gloss build` first"),
        );
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", out.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if key == crate::output::MARKER {
            continue;
        }
        let size = entry
            .metadata()
            .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", entry.path().display())))?
            .len();
        files.push(LocalFile {
            key,
            path: entry.path().to_path_buf(),
            size,
        });
    }
    files.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(files)
}

/// `1.2 MB`, `340 B`: decimal units, as storage providers bill.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500), "1.5 kB");
        assert_eq!(human_bytes(2_345_678), "2.3 MB");
    }

    #[test]
    fn the_summary_counts_what_changes_and_what_is_kept() {
        let plan = Plan {
            adds: vec![("a.html".into(), 1_000)],
            updates: vec![("b.css".into(), 500)],
            deletes: vec![],
            kept: 2,
            unchanged: 7,
        };
        assert_eq!(
            plan.summary(),
            "1 to add, 1 to update, 0 to delete, 7 unchanged (1.5 kB to send); \
             2 remote files the site no longer has kept (--delete removes them)"
        );
    }
}
