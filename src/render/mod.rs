//! Render: fills the templates with typed contexts and produces every file of
//! the site in memory. Takes the resolved [`Site`]; returns a sorted map of
//! output path -> file. Pages render in parallel; nothing is written here.

pub mod body;
pub mod context;
mod cycles;
mod jsonld;
pub mod paths;
pub mod theme;

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::glossary::EntryIdx;
use crate::output::Sink;
use crate::routes;
use crate::OutputFile;
use context::*;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use theme::Theme;

/// One page to render: where it goes, its template, and how to fill its
/// context. The context is filled on the thread that renders the page:
/// turning a big listing into Tera's JSON values costs as much as rendering
/// it, and must not run on one thread while the others wait.
struct Job<'a> {
    path: String,
    template: &'static str,
    page_url: String,
    fill: Box<dyn FnOnce(&mut tera::Context) + Send + 'a>,
}

impl<'a> Job<'a> {
    /// A page whose context has `value` under `key` (nothing when `key` is
    /// empty) besides `site` and `page_url`.
    fn new<T: Serialize + Sync + ?Sized>(
        path: String,
        template: &'static str,
        page_url: &str,
        key: &'static str,
        value: &'a T,
    ) -> Job<'a> {
        Job::with(path, template, page_url, move |c| {
            if !key.is_empty() {
                c.insert(key, value);
            }
        })
    }

    /// A page whose context `fill` fills, besides `site` and `page_url`.
    fn with(
        path: String,
        template: &'static str,
        page_url: &str,
        fill: impl FnOnce(&mut tera::Context) + Send + 'a,
    ) -> Job<'a> {
        Job {
            path,
            template,
            page_url: page_url.to_string(),
            fill: Box::new(fill),
        }
    }

    /// Fills the context and renders the page into `sink`, adding the time
    /// it took to its template's in `times`.
    fn render(
        self,
        theme: &Theme,
        site: &SiteView,
        sink: &dyn Sink,
        times: &TemplateTimes,
    ) -> Result<(), Diagnostic> {
        let started = std::time::Instant::now();
        let template = self.template;
        let mut context = tera::Context::new();
        context.insert("site", site);
        context.insert("page_url", &self.page_url);
        (self.fill)(&mut context);
        let html = theme
            .tera()
            .render(self.template, &context)
            .map_err(|e| theme.render_error(self.template, &e, &context))?;
        drop(context);
        let written = put(sink, self.path, html.into_bytes());
        times.add(template, started.elapsed());
        written
    }
}

/// Time spent on each template's pages (filling contexts, rendering and
/// writing), summed over the rendering threads: what `--verbose` shows, so
/// a site can see which of its templates its build time goes to.
#[derive(Default)]
pub struct TemplateTimes(std::sync::Mutex<BTreeMap<&'static str, (std::time::Duration, usize)>>);

impl TemplateTimes {
    fn add(&self, template: &'static str, took: std::time::Duration) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let slot = map.entry(template).or_default();
        slot.0 += took;
        slot.1 += 1;
    }

    /// Each template with its total time and page count, slowest first.
    pub fn slowest_first(self) -> Vec<crate::TemplateTime> {
        let map = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<crate::TemplateTime> = map
            .into_iter()
            .map(|(template, (total, pages))| crate::TemplateTime {
                template,
                total,
                pages,
            })
            .collect();
        v.sort_by(|a, b| b.total.cmp(&a.total).then(a.template.cmp(b.template)));
        v
    }
}

/// Which files a render produces.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    /// Every file of the site: a full build.
    Everything,
    /// The pages of `articles` (indexes into `Content::articles`), the
    /// pages of the glossary `entries` (indexes into `Glossary::entries`)
    /// and every file that is neither an article's nor an entry's: an
    /// incremental update. An entry's page shows an article only where the
    /// article mentions or quotes the entry, so the entries of the edited
    /// articles, before and after the edit, are all that can change.
    Articles {
        articles: &'a BTreeSet<usize>,
        entries: &'a BTreeSet<usize>,
    },
    /// The pages of these articles and the feeds that carry them, nothing
    /// else: an incremental update whose edits change nothing that another
    /// page shows (see `incremental::ListingKey`).
    ArticlesAndFeeds(&'a BTreeSet<usize>),
}

impl Scope<'_> {
    fn renders_article(&self, index: usize) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Articles { articles: only, .. } | Scope::ArticlesAndFeeds(only) => {
                only.contains(&index)
            }
        }
    }

    /// Whether the page of glossary entry `i` is rendered.
    fn renders_entry(&self, i: usize) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Articles { entries, .. } => entries.contains(&i),
            Scope::ArticlesAndFeeds(_) => false,
        }
    }

    /// Whether the pages that list articles (everything but article pages
    /// and feeds) are rendered.
    fn renders_listings(&self) -> bool {
        !matches!(self, Scope::ArticlesAndFeeds(_))
    }

    /// Whether a feed whose entries are `entries` (indexes into
    /// `Site::articles`) is rendered.
    fn renders_feed(&self, site: &Site, entries: &[usize]) -> bool {
        match self {
            Scope::ArticlesAndFeeds(only) => entries
                .iter()
                .take(FEED_ENTRIES)
                .any(|&i| only.contains(&site.articles[i].index)),
            _ => true,
        }
    }
}

/// How many of the latest articles a feed carries.
pub const FEED_ENTRIES: usize = 20;

/// Everything `render` needs besides the site.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub theme: &'a Theme,
    /// Write the search index (see [`crate::BuildOptions::search_index`]).
    pub search_index: bool,
    /// Which files to produce.
    pub scope: Scope<'a>,
    /// Where each page adds the time its template took.
    pub times: &'a TemplateTimes,
}

/// Renders every file of the site into `sink`. Article pages are rendered
/// and handed over one by one, so a build that writes to disk never holds
/// them all in memory. The files of the per-article loop (each article's page
/// and `annotations.jsonld`) go to `article_sink`, all written before any
/// other file; a full build passes the same sink twice, an incremental one
/// keeps them apart. Returns the number of HTML pages of the site, or
/// `None` in a scope that renders no listings (the count is unchanged then).
pub fn render(
    inputs: &Inputs,
    site: &Site,
    diags: &mut Diagnostics,
    sink: &dyn Sink,
    article_sink: &dyn Sink,
) -> Option<usize> {
    let config = inputs.config;
    let theme = inputs.theme;
    let scope = inputs.scope;
    let listings = scope.renders_listings();
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    let assets = theme.assets(config, &mut files, diags);
    let site_view = SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        base_url: config.base_url.clone(),
        base_path: site.base.path().to_string(),
        authors: config.authors.clone(),
        has_feed: config.feed,
        has_search: config.search,
        stylesheet: assets.stylesheet,
        script: assets.script,
        highlight_css: assets.highlight_css,
    };
    let g = &site.glossary;
    let base = &site.base;

    // Per-article views, built once and shared by every page that lists them.
    let summaries: Vec<ArticleSummary> = site
        .articles
        .par_iter()
        .map(|a| ArticleSummary::new(a, base))
        .collect();
    let quotes_of = |a: &ResolvedArticle| -> Vec<QuoteView> {
        a.quotes
            .iter()
            .map(|q| QuoteView::new(q, a, g, base))
            .collect()
    };
    let quote_views: Vec<Vec<QuoteView>> = if listings {
        site.articles.par_iter().map(quotes_of).collect()
    } else {
        Vec::new()
    };

    // Articles: view, context, page and annotations, one article at a time;
    // beside them, on whichever thread is free, the site's indexes.
    let render_articles = || -> Vec<Result<(), Diagnostic>> {
        site.articles
            .par_iter()
            .enumerate()
            .filter(|(_, a)| scope.renders_article(a.index))
            .map(|(i, a)| {
                let own;
                let quotes = match quote_views.get(i) {
                    Some(q) => q,
                    None => {
                        own = quotes_of(a);
                        &own
                    }
                };
                let image = inputs.content.articles[a.index]
                    .image
                    .as_ref()
                    .map(|im| jsonld::image_url(config, &a.slug, im));
                let view = article_view(config, site, a, &summaries[i], quotes, image);
                let url = a.url();
                let path = url.output().into_string();
                Job::new(path, "article.html", &url, "article", &view).render(
                    theme,
                    &site_view,
                    article_sink,
                    inputs.times,
                )?;
                if !has_annotations(a) {
                    return Ok(());
                }
                put(
                    article_sink,
                    routes::annotations(&a.slug).output().into_string(),
                    jsonld::annotations(config, site, a).into_bytes(),
                )
            })
            .collect()
    };
    let (article_results, idx) = rayon::join(render_articles, || {
        listings.then(|| crate::index::build(site, &quote_views))
    });
    let mut seen_errors = BTreeSet::new();
    report_once(article_results, &mut seen_errors, diags);

    // Tags.
    let mut tags: BTreeMap<&str, (&TagRef, Vec<usize>)> = BTreeMap::new();
    for (i, s) in summaries.iter().enumerate() {
        for t in &s.tags {
            tags.entry(&t.slug)
                .or_insert_with(|| (t, Vec::new()))
                .1
                .push(i);
        }
    }

    // Pages that list articles, and feeds.
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let mut jobs: Vec<Job> = Vec::new();
    let per = config.paginate.max(1);
    let home_pages = summaries.len().div_ceil(per).max(1);
    if listings {
        for p in 0..home_pages {
            let url = routes::home(p + 1);
            let items: Vec<&ArticleSummary> = summaries.iter().skip(p * per).take(per).collect();
            let pagination =
                Pagination::new(p + 1, home_pages, |n| base.href(&routes::home(n)).into());
            let path = url.output().into_string();
            jobs.push(Job::with(path, "home.html", &url, move |c| {
                c.insert("articles", &items);
                c.insert("pagination", &pagination);
            }));
        }
        for p in &site.pages {
            let url = routes::page(&p.slug);
            let view = PageView {
                title: p.title.clone(),
                content: p.html.clone(),
                url: base.href(&url).into(),
            };
            jobs.push(Job::with(
                url.output().into_string(),
                "page.html",
                &url,
                move |c| c.insert("page", &view),
            ));
        }
        // Always written: every page's navigation links to it, and the
        // template says "No tags yet." (the build's link check found the 404).
        {
            let counts: Vec<TagCount> = tags
                .values()
                .map(|(t, v)| TagCount {
                    tag: (*t).clone(),
                    count: v.len(),
                })
                .collect();
            jobs.push(Job::with(
                routes::tags().output().into_string(),
                "tags.html",
                &routes::tags(),
                move |c| c.insert("tags", &counts),
            ));
        }
    }
    for (slug, (tag, idx)) in &tags {
        let url = routes::tag(slug);
        if listings {
            let view = TagView {
                tag: (*tag).clone(),
                feed_url: if config.feed {
                    base.href(&routes::tag_feed(slug)).into()
                } else {
                    String::new()
                },
            };
            let list: Vec<&ArticleSummary> = idx.iter().map(|&i| &summaries[i]).collect();
            jobs.push(Job::with(
                url.output().into_string(),
                "tag.html",
                &url,
                move |c| {
                    c.insert("tag", &view);
                    c.insert("articles", &list);
                },
            ));
        }
        if config.feed && scope.renders_feed(site, idx) {
            let title = format!("{} — {}", config.title, tag.name);
            let self_url = routes::tag_feed(slug);
            let summaries = &summaries;
            let feed_page = url.clone();
            jobs.push(Job::with(
                self_url.output().into_string(),
                "atom.xml",
                &url,
                move |c| {
                    let feed =
                        feed_view(inputs, site, summaries, idx, &title, &feed_page, &self_url);
                    c.insert("feed", &feed);
                },
            ));
        }
    }
    if config.feed && scope.renders_feed(site, &all) {
        let summaries = &summaries;
        let all = &all;
        let feed_route = routes::feed();
        jobs.push(Job::with(
            feed_route.output().into_string(),
            "atom.xml",
            &routes::home(1),
            move |c| {
                let feed = feed_view(
                    inputs,
                    site,
                    summaries,
                    all,
                    &config.title,
                    &routes::home(1),
                    &feed_route,
                );
                c.insert("feed", &feed);
            },
        ));
    }

    // Every HTML page but the sources index's, counted whether or not this
    // render makes it.
    let pages = site.articles.len()
        + home_pages
        + site.pages.len()
        + if tags.is_empty() { 0 } else { 1 + tags.len() }
        + 2 // quotes, glossary
        + usize::from(config.search)
        + 1 // 404
        + g.entries.len();

    if !listings {
        render_jobs(jobs, inputs, &site_view, sink, &mut seen_errors, diags);
        return None;
    }

    let idx = idx.expect("a render with listings builds the indexes");
    let mut jobs = jobs;
    // The quote index lists every speaker, but at most five quotes each and
    // the latest few hundred by date: a newsroom's archive of 50,000 quotes
    // would otherwise make one page of 50 MB. Every quote stays one click
    // away, on its speaker's page, and all are in /quotes.json.
    let page_speakers: Vec<SpeakerQuotes> = idx
        .speakers
        .iter()
        .map(|s| SpeakerQuotes {
            entry: EntryRef::new(&g.entries[s.entry], base),
            letter: s.letter.clone(),
            quotes: s
                .quotes
                .iter()
                .take(INDEX_QUOTES_PER_SPEAKER)
                .map(|&q| q.clone())
                .collect(),
            total: s.quotes.len(),
        })
        .collect();
    let latest: Vec<&QuoteView> = idx
        .by_date
        .iter()
        .take(INDEX_QUOTES_BY_DATE)
        .copied()
        .collect();
    let quote_count = idx.by_date.len();
    let quote_letters = &idx.quote_letters;
    jobs.push(Job::with(
        routes::quotes().output().into_string(),
        "quotes.html",
        &routes::quotes(),
        move |c| {
            c.insert("speakers", &page_speakers);
            c.insert("by_date", &latest);
            c.insert("letters", quote_letters);
            c.insert("count", &quote_count);
        },
    ));
    let (letters, people, organisations) = (&idx.glossary_letters, idx.people, idx.organisations);
    jobs.push(Job::with(
        routes::glossary().output().into_string(),
        "glossary.html",
        &routes::glossary(),
        move |c| {
            c.insert("letters", letters);
            c.insert("people", &people);
            c.insert("organisations", &organisations);
        },
    ));
    // The sources index, in pages: a newsroom cites tens of thousands of
    // documents, and one page of them all would be tens of megabytes.
    let source_pages = idx.sources.len().div_ceil(SOURCES_PER_PAGE).max(1);
    let source_count = idx.sources.len();
    for (p, chunk) in idx
        .sources
        .chunks(SOURCES_PER_PAGE)
        .chain(std::iter::once(&[][..]))
        .take(source_pages)
        .enumerate()
    {
        let url = routes::sources(p + 1);
        let pagination = Pagination::new(p + 1, source_pages, |n| {
            base.href(&routes::sources(n)).into()
        });
        let path = url.output().into_string();
        jobs.push(Job::with(path, "sources.html", &url, move |c| {
            c.insert("sources", chunk);
            c.insert("count", &source_count);
            c.insert("first", &(p * SOURCES_PER_PAGE + 1));
            c.insert("pagination", &pagination);
        }));
    }
    if config.search {
        jobs.push(Job::new(
            routes::search().output().into_string(),
            "search.html",
            &routes::search(),
            "",
            &(),
        ));
    }
    jobs.push(Job::new(
        routes::not_found().output().into_string(),
        "404.html",
        &routes::not_found(),
        "",
        &(),
    ));

    // Sitemap: every HTML page but the 404, sorted by URL.
    let mut urls: Vec<SitemapUrl> = jobs
        .iter()
        .filter(|j| j.path.ends_with("index.html"))
        .map(|j| SitemapUrl {
            loc: config.permalink(&j.page_url),
            lastmod: String::new(),
        })
        .collect();
    urls.extend(site.articles.iter().map(|a| SitemapUrl {
        loc: config.permalink(&a.url()),
        lastmod: a.updated.as_ref().unwrap_or(&a.date).ymd(),
    }));
    urls.extend(g.entries.iter().map(|e| SitemapUrl {
        loc: config.permalink(&e.url()),
        lastmod: String::new(),
    }));
    urls.sort_by(|a, b| a.loc.cmp(&b.loc));
    jobs.push(Job::with(
        routes::sitemap().output().into_string(),
        "sitemap.xml",
        &routes::sitemap(),
        move |c| c.insert("urls", &urls),
    ));

    // Entry pages: each view is built, rendered and dropped on its own
    // thread, so a 2,000-entry glossary never holds all its pages at once.
    let indexes = &idx;
    for i in (0..indexes.entry_count()).filter(|&i| scope.renders_entry(i)) {
        let e = &g.entries[i];
        let url = e.url();
        jobs.push(Job::with(
            url.output().into_string(),
            "entry.html",
            &url,
            move |c| {
                c.insert("entry", &indexes.entry(site, i));
                c.insert("entry_json_ld", &jsonld::entry(config, e));
            },
        ));
    }
    // The machine-readable files render beside the pages, and so does the
    // search index: it takes longest, on one thread, and needs no page.
    let with_search = config.search && inputs.search_index;
    let (((), quotes_json), (glossary_json, search)) = rayon::join(
        || {
            rayon::join(
                || render_jobs(jobs, inputs, &site_view, sink, &mut seen_errors, diags),
                || jsonld::quotes_json(config, &idx.by_date),
            )
        },
        || {
            rayon::join(
                || jsonld::glossary_json(config, site),
                || with_search.then(|| crate::search::build(config, site, &idx.by_date)),
            )
        },
    );
    for (route, json) in [
        (routes::quotes_json(), quotes_json),
        (routes::glossary_json(), glossary_json),
    ] {
        if let Err(d) = put(sink, route.output().into_string(), json.into_bytes()) {
            diags.push(d);
        }
    }
    files.insert(
        routes::robots().output().into_string(),
        OutputFile::Bytes(
            format!(
                "User-agent: *\nAllow: {}\n\nSitemap: {}\n",
                base.href(&routes::home(1)),
                config.permalink(&routes::sitemap())
            )
            .into_bytes()
            .into(),
        ),
    );
    match search {
        Some(Ok(index)) => files.extend(
            index
                .into_iter()
                .map(|(p, b)| (p, OutputFile::Bytes(b.into()))),
        ),
        Some(Err(d)) => diags.push(d),
        None => {}
    }
    for asset in &inputs.content.assets {
        files.insert(asset.output.clone(), OutputFile::Copy(asset.path.clone()));
    }
    for a in &site.articles {
        for alias in &inputs.content.articles[a.index].aliases {
            files.insert(
                routes::alias(&alias.slug).output().into_string(),
                OutputFile::Bytes(redirect_page(config, site, a).into_bytes().into()),
            );
        }
    }
    for (path, file) in files {
        if let Err(d) = sink.put(&path, file).map_err(|e| write_error(&path, e)) {
            diags.push(d);
        }
    }
    // 50,000 quote views take a while to free, and nobody waits for it.
    drop(idx);
    std::thread::spawn(move || drop(quote_views));
    Some(pages + source_pages)
}

/// The page an article's alias leaves at its old address: a refresh to the
/// article, its canonical link, and a link a reader can follow when the
/// refresh is blocked. Not a template: it is the same for every theme.
fn redirect_page(config: &Config, site: &Site, a: &ResolvedArticle) -> String {
    use crate::markdown::escape;
    let route = a.url();
    let href = escape(&site.base.href(&route));
    let title = escape(&a.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n<p>This article has moved: <a href=\"{href}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = escape(&config.language),
        canonical = escape(&config.permalink(&route)),
    )
}

/// Renders `jobs` in parallel into `sink`.
fn render_jobs(
    jobs: Vec<Job>,
    inputs: &Inputs,
    site_view: &SiteView,
    sink: &dyn Sink,
    seen_errors: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    let results: Vec<Result<(), Diagnostic>> = jobs
        .into_par_iter()
        .map(|j| j.render(inputs.theme, site_view, sink, inputs.times))
        .collect();
    report_once(results, seen_errors, diags);
}

/// Adds the errors of `results` to `diags`, each message once: one broken
/// template fails every page that uses it.
fn report_once(
    results: Vec<Result<(), Diagnostic>>,
    seen: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    for d in results.into_iter().filter_map(Result::err) {
        if seen.insert(d.message.clone()) {
            diags.push(d);
        }
    }
}

fn put(sink: &dyn Sink, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
    sink.put_bytes(&path, bytes)
        .map_err(|e| write_error(&path, e))
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {path}: {e}")).help(crate::output::io_help(&e))
}

/// How many quotes of each speaker the quote index shows (the rest are on
/// the speaker's page).
pub const INDEX_QUOTES_PER_SPEAKER: usize = 5;
/// How many of the latest quotes the quote index lists by date.
pub const INDEX_QUOTES_BY_DATE: usize = 300;

/// Whether an article has notes or quotes, and so a W3C annotation collection.
fn has_annotations(a: &ResolvedArticle) -> bool {
    !a.notes.is_empty() || !a.quotes.is_empty()
}

/// How many sources one page of the sources index lists.
pub const SOURCES_PER_PAGE: usize = 200;

fn article_view<'a>(
    config: &Config,
    site: &Site,
    a: &'a ResolvedArticle,
    summary: &'a ArticleSummary,
    quotes: &'a [QuoteView],
    image: Option<String>,
) -> ArticleView<'a> {
    let g = &site.glossary;
    let notes: Vec<NoteView> = a
        .notes
        .iter()
        .map(|n| NoteView {
            number: n.number,
            id: format!("sn-{}", n.number),
            ref_id: format!("ref-{}", n.number),
            text: n.text_html.clone(),
            source: n.source.map(|s| SourceView::new(&a.sources[s])),
        })
        .collect();
    // Sources in order of first citation, then the uncited ones.
    let mut order: Vec<(usize, usize)> = a
        .sources
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let first = a
                .notes
                .iter()
                .filter(|n| n.source == Some(i))
                .map(|n| n.number)
                .min();
            let first_q = a
                .quotes
                .iter()
                .position(|q| q.source == Some(i))
                .map(|p| 10_000 + p);
            (first.or(first_q).unwrap_or(usize::MAX), i)
        })
        .collect();
    order.sort();
    let sources = order
        .iter()
        .map(|&(_, i)| ArticleSourceView {
            source: SourceView::new(&a.sources[i]),
            notes: a
                .notes
                .iter()
                .filter(|n| n.source == Some(i))
                .map(|n| n.number)
                .collect(),
        })
        .collect();
    let entities: Vec<EntryRef> = a
        .entities
        .iter()
        .map(|&e| EntryRef::new(&g.entries[e], &site.base))
        .collect();
    ArticleView {
        summary,
        content: &a.html,
        updated: a.updated.as_ref().map(|d| d.ymd()).unwrap_or_default(),
        updated_display: a.updated.as_ref().map(|d| d.display()).unwrap_or_default(),
        notes,
        sources,
        quotes,
        entities,
        json_ld: jsonld::article(config, site, a, image.as_deref()),
        image: image.unwrap_or_default(),
        annotations_url: if has_annotations(a) {
            site.base.href(&routes::annotations(&a.slug)).into()
        } else {
            String::new()
        },
    }
}

fn feed_view(
    inputs: &Inputs,
    site: &Site,
    summaries: &[ArticleSummary],
    idx: &[usize],
    title: &str,
    url: &str,
    self_url: &str,
) -> FeedView {
    let config = inputs.config;
    let entries: Vec<FeedEntry> = idx
        .iter()
        .take(FEED_ENTRIES)
        .map(|&i| {
            let a = &site.articles[i];
            let permalink = config.permalink(&a.url());
            FeedEntry {
                summary: summaries[i].clone(),
                updated: a.updated.as_ref().unwrap_or(&a.date).rfc3339(),
                content: body::feed_entry(config, inputs.content, site, a, &permalink),
                permalink,
            }
        })
        .collect();
    let updated = idx
        .iter()
        .map(|&i| {
            site.articles[i]
                .updated
                .as_ref()
                .unwrap_or(&site.articles[i].date)
        })
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    FeedView {
        title: title.to_string(),
        url: config.permalink(url),
        self_url: config.permalink(self_url),
        updated,
        entries,
    }
}

/// A short hash of `bytes` for cache-busting file names.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:08x}", (crate::annotate::fnv1a(bytes) >> 32) as u32)
}

/// Entry ids sorted by the A-Z key, for the glossary and the quote index.
pub fn sorted_entries(site: &Site, ids: impl IntoIterator<Item = EntryIdx>) -> Vec<EntryIdx> {
    let g = &site.glossary;
    let mut v: Vec<EntryIdx> = ids.into_iter().collect();
    v.sort_by(|&a, &b| {
        sort_name(&g.entries[a])
            .cmp(&sort_name(&g.entries[b]))
            .then(a.cmp(&b))
    });
    v.dedup();
    v
}
