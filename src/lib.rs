//! gloss turns a folder of annotated Markdown articles into a static site.
//!
//! The pipeline runs one way: [`content::load`] reads and parses every file,
//! [`annotate::resolve`] anchors annotations and links mentions, [`index`]
//! builds the site-wide indexes, [`render`] fills the templates, and
//! [`output`] swaps the finished site into place. Every stage pushes user
//! mistakes into one [`diagnostics::Diagnostics`], so a build reports all of
//! them at once and writes nothing when any is an error.

pub mod cli;
pub mod config;
pub mod content;
pub mod markdown;
pub mod diagnostics;
mod frontmatter;
pub mod serve;
pub mod source;

use diagnostics::Report;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to build and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site folder (holds gloss.toml).
    pub root: PathBuf,
    /// Where `build` writes; `None` means `<root>/public`.
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides the configured base URL.
    pub base_url: Option<String>,
}

/// One file of the finished site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputFile {
    /// Generated content.
    Bytes(Vec<u8>),
    /// A file copied as it is (static files, images beside articles).
    Copy(PathBuf),
}

/// Counts for the summary line at the end of a build.
#[derive(Clone, Debug, Default)]
pub struct BuildStats {
    pub pages: usize,
    pub files: usize,
    pub articles: usize,
    pub notes: usize,
    pub quotes: usize,
    pub entries: usize,
    /// Non-fatal problems (unmentioned entries and the like), rendered.
    pub warnings: String,
}

/// The whole site in memory, keyed by output path (`articles/x/index.html`,
/// `/`-separated, no leading slash). Sorted, so iteration order is stable.
#[derive(Clone, Debug, Default)]
pub struct RenderedSite {
    pub files: BTreeMap<String, OutputFile>,
    pub stats: BuildStats,
}

/// Loads, resolves and renders the site under `opts.root` without writing.
pub fn render_site(_opts: &BuildOptions) -> Result<RenderedSite, Report> {
    Err(Report::single(diagnostics::Diagnostic::error(
        "not implemented yet",
    )))
}
