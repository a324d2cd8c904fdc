//! gloss turns a folder of annotated Markdown articles into a static site.
//!
//! The pipeline runs one way: [`content::load`] reads and parses every file,
//! [`annotate`] anchors annotations and finds mentions as typed marks, and
//! [`render::body`] writes each body from them (both in `resolve_site`),
//! `index` builds the site-wide indexes as plain data, [`render`] plans
//! every file and fills the templates, and [`output`] swaps the finished
//! site into place. docs/architecture.md describes the stages. Every stage pushes user
//! mistakes into one [`diagnostics::Diagnostics`], so a build reports all of
//! them at once and writes nothing when any is an error.

#![warn(unreachable_pub)]

pub mod annotate;
pub mod cache;
pub mod cli;
pub mod config;
pub mod content;
pub mod deploy;
pub mod diagnostics;
pub(crate) mod frontmatter;
pub(crate) mod glossary;
pub(crate) mod hash;
pub mod import;
pub mod incremental;
pub(crate) mod index;
pub(crate) mod links;
pub mod markdown;
pub mod output;
pub mod progress;
pub(crate) mod raw_html;
pub mod render;
pub(crate) mod routes;
pub mod search;
pub mod serve;
pub mod source;
pub(crate) mod url_safety;

use diagnostics::{Diagnostic, Report};
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
    /// HTML pages of the site (from the page plan).
    pub pages: usize,
    /// Files this build rendered or copied: all of them in a full build,
    /// those whose inputs changed in an incremental one.
    pub rendered: usize,
    pub files: usize,
    /// Files this build wrote into the output folder: every one in a whole
    /// swap, those whose bytes changed when it updates the output in place.
    pub written: usize,
    pub articles: usize,
    pub notes: usize,
    pub quotes: usize,
    pub entries: usize,
    /// Drafts left out (built with `--drafts` only).
    pub drafts_skipped: usize,
    /// Non-fatal problems (unmentioned entries and the like), rendered.
    pub warnings: String,
    /// Hidden files and folders of static/ that were not published
    /// (`static/.env`, `static/.git/`), for `--verbose`.
    pub skipped_hidden: Vec<String>,
    /// How many warnings `warnings` holds, and the warnings themselves (for
    /// `--deny-warnings` and `--format json`).
    pub warning_count: usize,
    pub warning_items: Vec<diagnostics::ReportItem>,
    pub timings: Timings,
    /// What came from the build cache, when the build used one.
    pub cache: Option<cache::CacheStats>,
}

impl BuildStats {
    /// What a summary says of drafts left out, so that none vanishes without
    /// a word: `1 draft skipped; use --drafts to include it`. `None` when no
    /// draft was skipped.
    pub fn drafts_line(&self) -> Option<String> {
        let n = self.drafts_skipped;
        (n > 0).then(|| {
            format!(
                "{n} {} skipped; use --drafts to include {}",
                if n == 1 { "draft" } else { "drafts" },
                if n == 1 { "it" } else { "them" }
            )
        })
    }
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
/// checked against what it built (`links`). Writes nothing.
pub fn check(opts: &BuildOptions) -> Result<BuildStats, Report> {
    let sink = output::MemorySink::default();
    let built = pipeline(opts, &sink, Fingerprints::Skip, &progress::Silent)?;
    let files = sink.into_files();
    let mut diags = diagnostics::Diagnostics::default();
    links::check(&built.content, &built.site, &files, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_report(&built.content.sources));
    }
    let mut stats = stats(&built.site, &built.content, &built.plan, built.timings);
    stats.files = files.len();
    Ok(stats)
}

/// Time spent in each stage, for `--verbose`.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub load: std::time::Duration,
    pub resolve: std::time::Duration,
    pub render: std::time::Duration,
    /// Checking every link into the site against what was built (`build`).
    pub links: std::time::Duration,
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
    let built = pipeline(opts, sink, Fingerprints::Skip, &progress::Silent)?;
    let stats = stats(
        &built.site,
        &built.content,
        &built.plan,
        built.timings.clone(),
    );
    let stats = BuildStats {
        skipped_hidden: built.theme.skipped_hidden().to_vec(),
        ..stats
    };
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
    pub plan: render::Plan,
    /// The site's index, kept for a session (`Fingerprints::Keep`), which
    /// reuses it while what it is built from stays the same.
    pub index: Option<std::sync::Arc<index::Index>>,
    pub timings: Timings,
}

/// Whether a full build keeps the fingerprints of its listings in its plan
/// (for a session that will update it; see [`render::Want::Everything`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fingerprints {
    Keep,
    Skip,
}

/// The one full build every caller shares (`build`, `render_site`, the serve
/// session): load, resolve, index, then plan and render into `sink`.
pub(crate) fn pipeline(
    opts: &BuildOptions,
    sink: &dyn output::Sink,
    fingerprints: Fingerprints,
    progress: &dyn progress::Progress,
) -> Result<Pipeline, Report> {
    pipeline_cached(opts, sink, fingerprints, progress, None)
}

/// [`pipeline`], with a build cache for the pages and search shards.
fn pipeline_cached(
    opts: &BuildOptions,
    sink: &dyn output::Sink,
    fingerprints: Fingerprints,
    progress: &dyn progress::Progress,
    cache: Option<&cache::Cache>,
) -> Result<Pipeline, Report> {
    use diagnostics::Diagnostics;
    use std::time::Instant;

    let started = Instant::now();
    progress.start(progress::Stage::Load, 0);
    let mut diags = Diagnostics::default();
    // A one-shot build renders nothing again: it lets each file's text go
    // once it is parsed (what reads a file later reads it again, one at a
    // time) and writes each body when its page is written (issue 15). A
    // session keeps them.
    let bodies = match fingerprints {
        Fingerprints::Keep => render::Bodies::Kept,
        // A rebuild with the cache (one whose last build left a manifest).
        Fingerprints::Skip if cache.is_some_and(cache::Cache::has_previous) => {
            render::Bodies::Deferred
        }
        Fingerprints::Skip => render::Bodies::AtPage,
    };
    let Prepared {
        config,
        theme,
        mut content,
    } = prepare(opts, bodies == render::Bodies::Kept, &mut diags)?;
    let loaded = Instant::now();
    let (site, linker) = resolve_site_as(&config, &content, &ResolveAll, bodies, &mut diags);
    render::paths::check(&config, &content, &theme, &site, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_report(&content.sources));
    }
    let index = index::build(&site);
    if bodies.at_page() {
        // Resolved and its paths checked: nothing reports from the span
        // tables now but a draft's placeholders.
        content.let_go_of_spans();
    }
    let resolved = Instant::now();
    progress.finish(progress::Stage::Load);
    let times = render::TemplateTimes::default();
    let inputs = render::Inputs {
        config: &config,
        content: &content,
        theme: &theme,
        search_index: opts.search_index,
        times: &times,
        progress,
    };
    let want = render::Want::Everything {
        fingerprints: fingerprints == Fingerprints::Keep,
        bodies,
    };
    let plan = render::render_cached(&inputs, &site, &index, want, &mut diags, sink, cache);
    for name in content.sources.changed_during_build() {
        diags.push(changed_while_built(name));
    }
    if diags.has_errors() {
        return Err(diags.into_report(&content.sources));
    }
    let index = if fingerprints == Fingerprints::Keep {
        Some(std::sync::Arc::new(index))
    } else {
        std::thread::spawn(move || drop(index));
        None
    };
    let timings = Timings {
        load: loaded - started,
        resolve: resolved - loaded,
        render: resolved.elapsed(),
        templates: times.slowest_first(),
        ..Timings::default()
    };
    Ok(Pipeline {
        config,
        theme,
        content,
        site,
        linker,
        plan,
        index,
        timings,
    })
}

/// Resolves the site and writes every body's HTML: the one way to a
/// resolved site, for full builds and, through [`resolve_site_with`] and
/// its memo, incremental rebuilds. Also hands back the glossary's
/// [`glossary::Linker`], which an incremental rebuild reuses while the
/// glossary stays as it was.
///
/// Resolve returns data and the parsed body; the body renderer runs here,
/// in the same parallel loop, so each body is parsed once.
#[allow(
    dead_code,
    reason = "the entry point a serve session resolves the whole site through; builds call resolve_site_with"
)]
pub(crate) fn resolve_site(
    config: &config::Config,
    content: &content::Content,
    diags: &mut diagnostics::Diagnostics,
) -> (annotate::Site, glossary::Linker) {
    resolve_site_with(config, content, &ResolveAll, diags)
}

/// What [`resolve_site_with`] may take from an earlier build instead of
/// doing it again: the serve session's memo (`incremental::Session`). A
/// full build takes nothing ([`ResolveAll`]).
pub(crate) trait ResolveMemo: Sync {
    /// The linker an earlier build made for this very glossary, if any.
    /// Called once, before any article, with the glossary they are resolved
    /// against.
    fn linker(&self, glossary: &glossary::Glossary) -> Option<glossary::Linker>;
    /// Article `index` (`a`) as an earlier build resolved it, with its body
    /// written, when nothing it was resolved from has changed since; shared
    /// with that build when it has the same index there.
    fn article(
        &self,
        index: usize,
        a: &content::Article,
    ) -> Option<std::sync::Arc<annotate::ResolvedArticle>>;
}

/// Resolves everything: a full build.
pub(crate) struct ResolveAll;

impl ResolveMemo for ResolveAll {
    fn linker(&self, _: &glossary::Glossary) -> Option<glossary::Linker> {
        None
    }
    fn article(
        &self,
        _: usize,
        _: &content::Article,
    ) -> Option<std::sync::Arc<annotate::ResolvedArticle>> {
        None
    }
}

/// [`resolve_site`], taking from `memo` what it still holds. The site-wide
/// steps (the glossary, the checks across articles, the order, the
/// unmentioned entries) always run, as in a full build.
pub(crate) fn resolve_site_with(
    config: &config::Config,
    content: &content::Content,
    memo: &dyn ResolveMemo,
    diags: &mut diagnostics::Diagnostics,
) -> (annotate::Site, glossary::Linker) {
    resolve_site_as(config, content, memo, render::Bodies::Kept, diags)
}

/// [`resolve_site_with`], keeping each article's body HTML or not
/// (`bodies`): a one-shot build writes most bodies at their pages.
fn resolve_site_as(
    config: &config::Config,
    content: &content::Content,
    memo: &dyn ResolveMemo,
    bodies: render::Bodies,
    diags: &mut diagnostics::Diagnostics,
) -> (annotate::Site, glossary::Linker) {
    use rayon::prelude::*;
    let glossary = glossary::build(content, annotate::raw_html(config), diags);
    let linker = memo
        .linker(&glossary)
        .unwrap_or_else(|| glossary::Linker::new(&glossary, config.glossary.case_sensitive));
    let base = config.base();
    let kept = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(
        Option<std::sync::Arc<annotate::ResolvedArticle>>,
        Vec<diagnostics::Diagnostic>,
    )> = content
        .articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            if let Some(r) = memo.article(i, a) {
                return (Some(r), Vec::new());
            }
            let mut ds = Vec::new();
            let r = resolve_article_body(
                config, content, &glossary, &base, &linker, i, a, bodies, &kept, &mut ds,
            );
            (r.map(std::sync::Arc::new), ds)
        })
        .collect();
    let mut articles = Vec::new();
    for (r, ds) in results {
        diags.extend(ds);
        articles.extend(r);
    }
    let pages = content
        .pages
        .iter()
        .map(|p| {
            let (mut ds, mut owned) = (Vec::new(), String::new());
            let (mut page, doc) = annotate::resolve_page(config, content, p, &mut ds, &mut owned);
            diags.extend(ds);
            page.html = render::body::plain(doc);
            page
        })
        .collect();
    let site = annotate::assemble(config, content, glossary, articles, pages, diags);
    (site, linker)
}

/// Resolves article `index` of `content` and writes its body's HTML
/// (`base`: where the site is served, `config.base()`), or not: with
/// [`render::Bodies::AtPage`] the body is written here only when its notes
/// and quotes need their selectors from it (and then kept: writing it a
/// second time at its page would cost an annotated site a third of its
/// build), else when its page is written. An article whose notes are all
/// footnotes (no selector) and which has no quotes is written here while
/// the texts of such articles written so far (`kept`) stay within
/// [`BODY_BUDGET`], so a site of 10,000 writes each body once and one of
/// 100,000 does not hold every body until its page (issue 15: a footnote
/// is a note, and most articles have one).
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces one article is resolved against"
)]
fn resolve_article_body(
    config: &config::Config,
    content: &content::Content,
    glossary: &glossary::Glossary,
    base: &routes::Base,
    linker: &glossary::Linker,
    index: usize,
    a: &content::Article,
    bodies: render::Bodies,
    kept: &std::sync::atomic::AtomicUsize,
    ds: &mut Vec<diagnostics::Diagnostic>,
) -> Option<annotate::ResolvedArticle> {
    // Read once here: a one-shot build let the texts go after loading.
    let file = content.sources.get(a.layout.source);
    let whole = file.text_once();
    let Some(text) = whole.as_deref().and_then(|t| t.get(a.layout.body_start..)) else {
        ds.push(changed_while_built(&file.name));
        return None;
    };
    let mut owned = String::new();
    let (mut article, doc) = annotate::resolve_article(
        config, content, glossary, linker, index, a, text, ds, &mut owned,
    )?;
    article.text = hash::bytes_print(whole.as_deref().unwrap_or_default().as_bytes());
    let waits = match bodies {
        render::Bodies::Kept => false,
        render::Bodies::AtPage => {
            let footnotes_only =
                article.quotes.is_empty() && article.notes.iter().all(|n| n.selector.is_none());
            footnotes_only
                && (article.notes.is_empty()
                    || kept.fetch_add(text.len(), std::sync::atomic::Ordering::Relaxed)
                        + text.len()
                        > BODY_BUDGET)
        }
        render::Bodies::Deferred => {
            article.quotes.is_empty() && article.notes.iter().all(|n| n.selector.is_none())
        }
    };
    if waits {
        return Some(article);
    }
    let ann = render::body::annotations(&article, glossary, base);
    let body = render::body::render_with_selectors(doc, Some(&ann), render::body::Target::Page);
    article.html = body.html.into();
    // The exported selectors are those of the page's DOM text (issue 16).
    for (note, sel) in article.notes.iter_mut().zip(body.notes) {
        if note.selector.is_some() {
            note.selector = sel.or(note.selector.take());
        }
    }
    for (quote, sel) in article.quotes.iter_mut().zip(body.quotes) {
        if let Some(sel) = sel {
            quote.selector = sel;
        }
    }
    Some(article)
}

/// How many bytes of source text a one-shot build may write as bodies of
/// footnote-only articles at resolve time, to keep until their pages (see
/// [`resolve_article_body`]); their HTML is about twice that.
const BODY_BUDGET: usize = 96 << 20;

/// A content file read again during a one-shot build that is no longer what
/// the build loaded: its marks would not fit, so the build stops.
fn changed_while_built(name: &str) -> Diagnostic {
    Diagnostic::error(format!("{name} changed while the site was built"))
        .help("build again once it is saved")
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
    keep_texts: bool,
    diags: &mut diagnostics::Diagnostics,
) -> Result<Prepared, Report> {
    use source::{SourceFile, SourceMap};
    let mut sources = SourceMap::default();
    let config_path = opts.root.join("gloss.toml");
    let text = match std::fs::read(&config_path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => {
            // Point at the first bad byte: the lossy text has U+FFFD there.
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(SourceFile::new("gloss.toml".into(), config_path, lossy));
            diags.push(
                Diagnostic::error("gloss.toml is not valid UTF-8")
                    .at(source::Span::new(id, at, at + 3))
                    .label("invalid byte here")
                    .help("save the file as UTF-8 (most editors have this under \"Save with encoding\")"),
            );
            return Err(std::mem::take(diags).into_report(&sources));
        }
        Err(e) => return Err(Report::single(site_error(&opts.root, e))),
    };
    let config_id = sources.add(SourceFile::new("gloss.toml".into(), config_path, text));
    let config = config::Config::parse(config_id, &sources, diags);
    let include_hidden = config.as_ref().map_or(&[][..], |c| &c.include_hidden[..]);
    let theme = render::theme::Theme::load(&opts.root, include_hidden, &mut sources, diags);
    // A session keeps every text; a one-shot build up to its budget.
    let keep = if keep_texts {
        usize::MAX
    } else {
        content::TEXT_BUDGET
    };
    let content = content::load_with(&opts.root, opts.drafts, sources, keep, diags);
    let (Some(mut config), Some(mut theme)) = (config, theme) else {
        return Err(std::mem::take(diags).into_report(&content.sources));
    };
    if let Some(url) = &opts.base_url {
        // The command line checks it already (see `config::parse_base_url`);
        // a library caller gets the same check here.
        match routes::check_base_url(url) {
            Ok(url) => config.base_url = url,
            Err(why) => {
                return Err(Report::single(
                    Diagnostic::error(format!("invalid base URL: {why}"))
                        .help("pass an absolute http(s) URL, e.g. `https://example.org/news/`"),
                ))
            }
        }
    }
    theme.register_urls(&config.base());
    Ok(Prepared {
        config,
        theme,
        content,
    })
}

/// Checks that `root` is a site folder (it holds a readable gloss.toml),
/// with the message every command gives when it is not: `serve` says what
/// `build` says, before it starts watching a folder that is not there.
pub fn check_root(root: &std::path::Path) -> Result<(), Report> {
    match std::fs::File::open(root.join("gloss.toml")) {
        Ok(_) => Ok(()),
        Err(e) => Err(Report::single(site_error(root, e))),
    }
}

/// Why `root` is not a site folder: it does not exist, is not a folder, or
/// its gloss.toml cannot be read.
fn site_error(root: &std::path::Path, e: std::io::Error) -> diagnostics::Diagnostic {
    use diagnostics::Diagnostic;
    let help = "run gloss in a site folder (one with gloss.toml), pass --root, or create one with `gloss init`";
    let message = if !root.exists() {
        format!("the site folder {} does not exist", root.display())
    } else if !root.is_dir() {
        format!("the site folder {} is not a folder", root.display())
    } else {
        format!("cannot read {}: {e}", root.join("gloss.toml").display())
    };
    Diagnostic::error(message).help(help)
}

/// The summary of a finished build (`files` is filled in by the caller).
pub(crate) fn stats(
    site: &annotate::Site,
    content: &content::Content,
    plan: &render::Plan,
    timings: Timings,
) -> BuildStats {
    use diagnostics::{Diagnostic, Diagnostics};
    let mut warnings = Diagnostics::default();
    for a in &site.articles {
        warnings.extend(a.warnings.iter().cloned());
    }
    for p in &site.pages {
        warnings.extend(p.warnings.iter().cloned());
    }
    // An entry named only inside quotations is not linked there (they are
    // the speaker's words), so it counts as unmentioned; an alias would not
    // help it, so it gets its own warning (issue 16).
    let quoted: std::collections::BTreeSet<glossary::EntryIdx> = site
        .articles
        .iter()
        .flat_map(|a| a.named_in_quotes.iter().copied())
        .collect();
    let (in_quotes, unmentioned): (Vec<glossary::EntryIdx>, Vec<glossary::EntryIdx>) =
        site.unmentioned.iter().partition(|i| quoted.contains(i));
    // "1 glossary entry is ..." / "3 glossary entries are ...", naming them.
    let about = |ids: &[glossary::EntryIdx], what: &str| -> Option<Diagnostic> {
        if ids.is_empty() {
            return None;
        }
        let names: Vec<&str> = ids
            .iter()
            .map(|&i| site.glossary.entries[i].id.as_str())
            .collect();
        let (count, verb) = match names.len() {
            1 => ("1 glossary entry".to_string(), "is"),
            n => (format!("{n} glossary entries"), "are"),
        };
        Some(Diagnostic::warning(format!("{count} {verb} {what}")).note(names.join(", ")))
    };
    if let Some(d) = about(
        &in_quotes,
        "named only inside quotations, where names are not linked",
    ) {
        warnings.push(d.help("to link one, name it in the article's own words too, or write an explicit mention `[name](@id)` there"));
    }
    if let Some(d) = about(&unmentioned, "not mentioned in any article") {
        warnings.push(
            d.help("where articles name an entry another way, add that form to its `aliases`"),
        );
    }
    for a in content.articles.iter().filter(|a| a.front.draft) {
        warnings.extend(content::placeholders(&a.front, &a.spans));
    }
    let report = warnings.into_report(&content.sources);
    BuildStats {
        pages: plan.pages(),
        rendered: plan.rendered.len(),
        files: 0,
        written: 0,
        articles: site.articles.len(),
        notes: site.articles.iter().map(|a| a.notes.len()).sum(),
        quotes: site.articles.iter().map(|a| a.quotes.len()).sum(),
        entries: site.glossary.entries.len(),
        drafts_skipped: content.drafts_skipped,
        warnings: report.rendered().to_string(),
        warning_count: report.items.len(),
        warning_items: report.items,
        timings,
        skipped_hidden: Vec::new(),
        cache: None,
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
/// Waits, silently, while another build of the site holds its lock; see
/// [`build_with`].
pub fn build(opts: &BuildOptions) -> Result<BuildStats, Report> {
    build_checked(opts, false, &mut |_| {})
}

/// [`build`], telling `on_wait` (once, before waiting) when another build of
/// the site holds its lock ([`output::BuildLock`]). The lock is held from
/// before the staging folder is made until the new site is swapped in.
pub fn build_with(
    opts: &BuildOptions,
    on_wait: &mut dyn FnMut(&str),
) -> Result<BuildStats, Report> {
    build_checked(opts, false, on_wait)
}

/// [`build_with`], and with `deny_warnings` a warning fails it as an error
/// would (nothing written). Every link into the site is checked, as `gloss
/// check` does, before the new output replaces the old (issue 13).
pub fn build_checked(
    opts: &BuildOptions,
    deny_warnings: bool,
    on_wait: &mut dyn FnMut(&str),
) -> Result<BuildStats, Report> {
    build_reporting(opts, deny_warnings, on_wait, &progress::Silent)
}

/// [`build_checked`], telling `progress` what it is doing (`gloss build`
/// shows it on a terminal).
pub fn build_reporting(
    opts: &BuildOptions,
    deny_warnings: bool,
    on_wait: &mut dyn FnMut(&str),
    progress: &dyn progress::Progress,
) -> Result<BuildStats, Report> {
    build_cached(opts, deny_warnings, on_wait, progress, false)
}

/// [`build_reporting`], with the site's build cache when `use_cache`
/// (`gloss build` without `--no-cache`; see [`cache`]): pages and search
/// shards whose inputs are those of the last build are read back from
/// `.gloss/cache` instead of made again, and what this build made is kept
/// there for the next one, once the new site is in place.
pub fn build_cached(
    opts: &BuildOptions,
    deny_warnings: bool,
    on_wait: &mut dyn FnMut(&str),
    progress: &dyn progress::Progress,
    use_cache: bool,
) -> Result<BuildStats, Report> {
    // Before the lock, which would make `.gloss/` in a folder that is no site.
    check_root(&opts.root)?;
    let _lock = output::BuildLock::acquire(&opts.root, on_wait).map_err(Report::single)?;
    let cache = use_cache.then(|| cache::Cache::open(&opts.root)).flatten();
    // A link is followed: its target is what gets replaced.
    let out = output::resolve_target(&output_dir(opts)).map_err(Report::single)?;
    output::check_target(&opts.root, &out).map_err(Report::single)?;
    // Dropped without a commit (on any error), the staging folder removes itself.
    // With the cache, unchanged files are not written again (see
    // [`output::Staging`]); without it, the new site is swapped in whole.
    let staging = output::Staging::new(&out, use_cache).map_err(Report::single)?;
    let recorder = links::Recorder::new(&staging);
    let built = pipeline_cached(
        opts,
        &recorder,
        Fingerprints::Skip,
        progress,
        cache.as_ref(),
    )?;
    let index = recorder.into_index();
    let links_started = std::time::Instant::now();
    progress.start(progress::Stage::Links, 0);
    let mut diags = diagnostics::Diagnostics::default();
    links::check_index(&built.content, &built.site, &index, &mut diags);
    progress.finish(progress::Stage::Links);
    let links_took = links_started.elapsed();
    if diags.has_errors() {
        return Err(diags.into_report(&built.content.sources));
    }
    let mut stats = stats(
        &built.site,
        &built.content,
        &built.plan,
        built.timings.clone(),
    );
    stats.timings.links = links_took;
    stats.skipped_hidden = built.theme.skipped_hidden().to_vec();
    if deny_warnings && stats.warning_count > 0 {
        return Err(denied(&stats));
    }
    std::thread::spawn(move || drop(built));
    stats.files = staging.total();
    stats.written = staging.count();
    staging.commit().map_err(Report::single)?;
    if let Some(cache) = cache {
        stats.cache = Some(cache.stats());
        // The site is built; a cache that cannot be kept only costs the
        // next build its time (and the previous manifest still holds).
        let _ = cache.commit();
    }
    Ok(stats)
}

/// `gloss check`, with `deny_warnings` as in [`build_checked`].
pub fn check_checked(opts: &BuildOptions, deny_warnings: bool) -> Result<BuildStats, Report> {
    let stats = check(opts)?;
    if deny_warnings && stats.warning_count > 0 {
        return Err(denied(&stats));
    }
    Ok(stats)
}

/// The warnings of a finished build, turned into errors by `--deny-warnings`.
fn denied(stats: &BuildStats) -> Report {
    let mut items = stats.warning_items.clone();
    for item in &mut items {
        item.diagnostic.severity = diagnostics::Severity::Error;
        item.diagnostic.notes.push(
            "note: this is a warning; --deny-warnings makes warnings fail the build".to_string(),
        );
    }
    Report::from_items(items, stats.warnings.replace("warning", "error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `basic` fixture (articles with notes and quotes) and one article
    /// without annotations, in a temporary copy.
    fn fixture() -> (tempfile::TempDir, BuildOptions) {
        let dir = tempfile::tempdir().unwrap();
        let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        std::fs::write(
            dir.path().join("content/articles/plain-words.md"),
            "+++\ntitle = \"Plain words\"\ndate = 2024-05-01\n+++\nNo notes, no quotes, a [link](/tags/).\n",
        )
        .unwrap();
        let opts = BuildOptions {
            root: dir.path().to_path_buf(),
            output: None,
            drafts: false,
            base_url: None,
            search_index: false,
        };
        (dir, opts)
    }

    #[test]
    fn a_one_shot_build_keeps_no_body_it_can_write_at_its_page_and_a_session_keeps_them_all() {
        let (_dir, opts) = fixture();
        let once = pipeline(
            &opts,
            &output::MemorySink::default(),
            Fingerprints::Skip,
            &progress::Silent,
        )
        .unwrap_or_else(|r| panic!("{}", r.rendered()));
        // Articles without notes or quotes keep no body; the others keep the
        // one their selectors were taken from.
        let (plain, annotated): (Vec<_>, Vec<_>) = once
            .site
            .articles
            .iter()
            .partition(|a| a.notes.is_empty() && a.quotes.is_empty());
        assert!(!plain.is_empty() && !annotated.is_empty());
        assert!(plain.iter().all(|a| a.html.is_empty()));
        assert!(annotated.iter().all(|a| !a.html.is_empty()));

        let kept = pipeline(
            &opts,
            &output::MemorySink::default(),
            Fingerprints::Keep,
            &progress::Silent,
        )
        .unwrap_or_else(|r| panic!("{}", r.rendered()));
        assert!(kept.site.articles.iter().all(|a| !a.html.is_empty()));
    }
}
