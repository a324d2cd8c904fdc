//! gloss turns a folder of annotated Markdown articles into a static site.
//!
//! The pipeline runs one way: [`content::load`] reads and parses every file,
//! [`annotate::resolve`] anchors annotations and links mentions, [`index`]
//! builds the site-wide indexes, [`render`] fills the templates, and
//! [`output`] swaps the finished site into place. Every stage pushes user
//! mistakes into one [`diagnostics::Diagnostics`], so a build reports all of
//! them at once and writes nothing when any is an error.

pub mod annotate;
pub mod cli;
pub mod config;
pub mod content;
pub mod deploy;
pub mod diagnostics;
pub mod frontmatter;
pub mod glossary;
pub mod incremental;
pub mod index;
pub mod links;
pub mod markdown;
pub mod output;
pub mod render;
pub mod search;
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
    /// Write the search index (`pagefind/`) when the site has search. On for
    /// `build`; off for `serve`, where indexing would dominate every rebuild
    /// (the `/search/` page is still rendered, it just finds nothing).
    pub search_index: bool,
}

/// One file of the finished site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputFile {
    /// Generated content, shared: copying a map of the site is cheap.
    Bytes(std::sync::Arc<[u8]>),
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
    pub timings: Timings,
}

/// The whole site in memory, keyed by output path (`articles/x/index.html`,
/// `/`-separated, no leading slash). Sorted, so iteration order is stable.
#[derive(Clone, Debug, Default)]
pub struct RenderedSite {
    pub files: BTreeMap<String, OutputFile>,
    pub stats: BuildStats,
}

/// Loads, resolves and renders the site under `opts.root` into memory,
/// without writing anything (for `serve`, `check` and tests).
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite, Report> {
    let sink = output::MemorySink::default();
    let stats = run(opts, &sink)?;
    let files = sink.into_files();
    let stats = BuildStats {
        files: files.len(),
        ..stats
    };
    Ok(RenderedSite { files, stats })
}

/// `gloss check`: a full build in memory, then every link into the site
/// checked against what it built ([`links`]). Writes nothing.
pub fn check(opts: &BuildOptions) -> Result<BuildStats, Report> {
    let sink = output::MemorySink::default();
    let built = pipeline(opts, &sink, &sink)?;
    let files = sink.into_files();
    let mut diags = diagnostics::Diagnostics::default();
    links::check(&built.content, &built.site, &files, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_report(&built.content.sources));
    }
    let mut stats = stats(&built.site, &built.content, built.pages, built.timings);
    stats.files = files.len();
    Ok(stats)
}

/// Time spent in each stage, for `--verbose`.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub load: std::time::Duration,
    pub resolve: std::time::Duration,
    pub render: std::time::Duration,
    /// The pages of each template, slowest first.
    pub templates: Vec<TemplateTime>,
}

/// The time the pages of one template took, summed over threads.
#[derive(Clone, Debug)]
pub struct TemplateTime {
    pub template: &'static str,
    pub total: std::time::Duration,
    pub pages: usize,
}

/// The pipeline: load, resolve, render into `sink`.
///
/// Stops after resolution if anything is wrong, so a bad input never reaches
/// rendering; every problem found up to that point is in the report.
fn run(opts: &BuildOptions, sink: &dyn output::Sink) -> Result<BuildStats, Report> {
    let built = pipeline(opts, sink, sink)?;
    let stats = stats(
        &built.site,
        &built.content,
        built.pages,
        built.timings.clone(),
    );
    // Freeing a big site's millions of small allocations takes a noticeable
    // fraction of its build; nobody waits for it. (A process that exits
    // first just lets the system take the memory back.)
    std::thread::spawn(move || drop(built));
    Ok(stats)
}

/// Everything a full build produced besides its files: what an incremental
/// session keeps.
pub(crate) struct Pipeline {
    pub config: config::Config,
    pub theme: render::theme::Theme,
    pub content: content::Content,
    pub site: annotate::Site,
    pub linker: glossary::Linker,
    pub pages: usize,
    pub timings: Timings,
}

/// The one full build every caller shares (`build`, `render_site`, the serve
/// session): per-article files go to `articles`, all others to `others`.
pub(crate) fn pipeline(
    opts: &BuildOptions,
    others: &dyn output::Sink,
    articles: &dyn output::Sink,
) -> Result<Pipeline, Report> {
    use diagnostics::Diagnostics;
    use std::time::Instant;

    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let Prepared {
        config,
        theme,
        content,
    } = prepare(opts, &mut diags)?;
    let loaded = Instant::now();
    let (site, linker) = annotate::resolve_keeping_linker(&config, &content, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_report(&content.sources));
    }
    let resolved = Instant::now();
    let times = render::TemplateTimes::default();
    let inputs = render::Inputs {
        config: &config,
        content: &content,
        theme: &theme,
        search_index: opts.search_index,
        scope: render::Scope::Everything,
        times: &times,
    };
    let pages = render::render(&inputs, &site, &mut diags, others, articles)
        .expect("a full render counts its pages");
    if diags.has_errors() {
        return Err(diags.into_report(&content.sources));
    }
    let timings = Timings {
        load: loaded - started,
        resolve: resolved - loaded,
        render: resolved.elapsed(),
        templates: times.slowest_first(),
    };
    Ok(Pipeline {
        config,
        theme,
        content,
        site,
        linker,
        pages,
        timings,
    })
}

/// What every build reads before resolving: the configuration, the theme and
/// the content (whose source map holds every file read).
pub(crate) struct Prepared {
    pub config: config::Config,
    pub theme: render::theme::Theme,
    pub content: content::Content,
}

/// Reads the configuration, the theme and the content. A missing or broken
/// configuration or theme is an error here; problems in the content are left
/// in `diags` for the caller (resolution adds its own before anyone reports).
pub(crate) fn prepare(
    opts: &BuildOptions,
    diags: &mut diagnostics::Diagnostics,
) -> Result<Prepared, Report> {
    use diagnostics::Diagnostic;
    use source::{SourceFile, SourceMap};
    let mut sources = SourceMap::default();
    let config_path = opts.root.join("gloss.toml");
    let text = match std::fs::read_to_string(&config_path) {
        Ok(t) => t,
        Err(e) => {
            return Err(Report::single(
                Diagnostic::error(format!("cannot read {}: {e}", config_path.display()))
                    .help("run gloss in a site folder (one with gloss.toml), pass --root, or create one with `gloss init`"),
            ))
        }
    };
    let config_id = sources.add(SourceFile::new("gloss.toml".into(), config_path, text));
    let config = config::Config::parse(config_id, &sources, diags);
    let theme = render::theme::Theme::load(&opts.root, &mut sources, diags);
    let content = content::load(&opts.root, opts.drafts, sources, diags);
    let (Some(mut config), Some(theme)) = (config, theme) else {
        return Err(std::mem::take(diags).into_report(&content.sources));
    };
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    Ok(Prepared {
        config,
        theme,
        content,
    })
}

/// The summary of a finished build (`files` is filled in by the caller).
pub(crate) fn stats(
    site: &annotate::Site,
    content: &content::Content,
    pages: usize,
    timings: Timings,
) -> BuildStats {
    use diagnostics::{Diagnostic, Diagnostics};
    let mut warnings = Diagnostics::default();
    if !site.unmentioned.is_empty() {
        let names: Vec<&str> = site
            .unmentioned
            .iter()
            .map(|&i| site.glossary.entries[i].id.as_str())
            .collect();
        let (count, verb) = match names.len() {
            1 => ("1 glossary entry".to_string(), "is"),
            n => (format!("{n} glossary entries"), "are"),
        };
        warnings.push(
            Diagnostic::warning(format!("{count} {verb} not mentioned in any article"))
                .note(names.join(", "))
                .help("where articles name an entry another way, add that form to its `aliases`"),
        );
    }
    BuildStats {
        pages,
        files: 0,
        articles: site.articles.len(),
        notes: site.articles.iter().map(|a| a.notes.len()).sum(),
        quotes: site.articles.iter().map(|a| a.quotes.len()).sum(),
        entries: site.glossary.entries.len(),
        warnings: warnings
            .into_report(&content.sources)
            .rendered()
            .to_string(),
        timings,
    }
}

/// The folder `build` writes to.
pub fn output_dir(opts: &BuildOptions) -> PathBuf {
    match &opts.output {
        Some(o) if o.is_absolute() => o.clone(),
        Some(o) => std::env::current_dir().unwrap_or_default().join(o),
        None => opts.root.join("public"),
    }
}

/// Renders the site and swaps it into the output folder. Nothing is written
/// when the site has errors or the output folder is not gloss's to replace.
pub fn build(opts: &BuildOptions) -> Result<BuildStats, Report> {
    let out = output_dir(opts);
    output::check_target(&opts.root, &out).map_err(Report::single)?;
    let io_error = |e: std::io::Error| {
        Report::single(diagnostics::Diagnostic::error(format!(
            "cannot write {}: {e}",
            out.display()
        )))
    };
    // Dropped without a commit (on any error), the staging folder removes itself.
    let staging = output::Staging::new(&out).map_err(io_error)?;
    let mut stats = run(opts, &staging)?;
    stats.files = staging.count();
    staging.commit().map_err(io_error)?;
    Ok(stats)
}
