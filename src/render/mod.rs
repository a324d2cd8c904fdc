//! Render: fills the templates with typed contexts and produces every file of
//! the site in memory. Takes the resolved [`Site`]; returns a sorted map of
//! output path -> file. Pages render in parallel; nothing is written here.

pub mod context;
mod jsonld;
pub mod theme;

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::glossary::EntryIdx;
use crate::output::Sink;
use crate::OutputFile;
use context::*;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use theme::Theme;

/// One page to render: a template, its context and where it goes.
struct Job {
    path: String,
    template: &'static str,
    context: tera::Context,
}

fn job<T: Serialize>(
    path: String,
    template: &'static str,
    site: &SiteView,
    page_url: &str,
    key: &str,
    value: &T,
) -> Job {
    let mut context = tera::Context::new();
    context.insert("site", site);
    context.insert("page_url", page_url);
    if !key.is_empty() {
        context.insert(key, value);
    }
    Job {
        path,
        template,
        context,
    }
}

/// Everything `render` needs besides the site.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub theme: &'a Theme,
    /// Write the search index (see [`crate::BuildOptions::search_index`]).
    pub search_index: bool,
    /// Render the pages of these articles only (indexes into
    /// `Content::articles`); every other page is rendered in full. `None`
    /// renders every article.
    pub only_articles: Option<&'a std::collections::BTreeSet<usize>>,
    /// Render only the other files whose output path passes this test (an
    /// incremental update whose edits change no listing re-renders the feeds
    /// alone). `None` renders them all. Page counts are unaffected.
    pub keep: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
}

/// Renders every file of the site into `sink`. Article pages are rendered
/// and handed over one by one, so a build that writes to disk never holds
/// them all in memory. The files of the per-article loop (each article's page
/// and `annotations.jsonld`) go to `article_sink`, all written before any
/// other file; a full build passes the same sink twice, an incremental one
/// keeps them apart. Returns the number of HTML pages of the site.
pub fn render(
    inputs: &Inputs,
    site: &Site,
    diags: &mut Diagnostics,
    sink: &dyn Sink,
    article_sink: &dyn Sink,
) -> usize {
    let config = inputs.config;
    let theme = inputs.theme;
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    let assets = theme.assets(config, &mut files, diags);
    let site_view = SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        base_url: config.base_url.clone(),
        authors: config.authors.clone(),
        has_feed: config.feed,
        has_search: config.search,
        stylesheet: assets.stylesheet,
        script: assets.script,
        highlight_css: assets.highlight_css,
    };
    let g = &site.glossary;

    // Per-article views, built once and shared by every page that lists them.
    let summaries: Vec<ArticleSummary> = site.articles.iter().map(ArticleSummary::new).collect();
    let quote_views: Vec<Vec<QuoteView>> = site
        .articles
        .iter()
        .map(|a| a.quotes.iter().map(|q| QuoteView::new(q, a, g)).collect())
        .collect();

    let mut jobs: Vec<Job> = Vec::new();
    // Pages `keep` leaves out are neither built nor rendered, but counted.
    let keeps = |path: &str| inputs.keep.is_none_or(|keep| keep(path));
    let mut skipped_pages = 0;

    // Home, paginated.
    let per = config.paginate.max(1);
    let total = summaries.len().div_ceil(per).max(1);
    for p in 0..total {
        let url = page_url(p + 1);
        if !keeps(&format!("{}index.html", url.trim_start_matches('/'))) {
            skipped_pages += 1;
            continue;
        }
        let items: Vec<&ArticleSummary> = summaries.iter().skip(p * per).take(per).collect();
        let pagination = Pagination {
            current: p + 1,
            total,
            prev_url: if p == 0 { String::new() } else { page_url(p) },
            next_url: if p + 1 < total {
                page_url(p + 2)
            } else {
                String::new()
            },
        };
        let mut j = job(
            format!("{}index.html", url.trim_start_matches('/')),
            "home.html",
            &site_view,
            &url,
            "articles",
            &items,
        );
        j.context.insert("pagination", &pagination);
        jobs.push(j);
    }

    // Articles: view, context, page and annotations, one article at a time.
    let tera = theme.tera();
    let article_results: Vec<Result<(), Diagnostic>> = site
        .articles
        .par_iter()
        .enumerate()
        .filter(|(_, a)| {
            inputs
                .only_articles
                .is_none_or(|only| only.contains(&a.index))
        })
        .map(|(i, a)| {
            let url = a.url();
            let view = article_view(config, site, a, &summaries[i], &quote_views[i]);
            let j = job(
                format!("articles/{}/index.html", a.slug),
                "article.html",
                &site_view,
                &url,
                "article",
                &view,
            );
            drop(view);
            let html = tera
                .render(j.template, &j.context)
                .map_err(|e| theme.render_error(j.template, &e))?;
            put(article_sink, j.path, html.into_bytes())?;
            if !has_annotations(a) {
                return Ok(());
            }
            put(
                article_sink,
                format!("articles/{}/annotations.jsonld", a.slug),
                jsonld::annotations(config, site, a).into_bytes(),
            )
        })
        .collect();
    let mut seen_errors = std::collections::BTreeSet::new();
    for r in article_results {
        if let Err(d) = r {
            // One broken template fails every page that uses it: say it once.
            if seen_errors.insert(d.message.clone()) {
                diags.push(d);
            }
        }
    }
    for p in &site.pages {
        let url = format!("/{}/", p.slug);
        let view = PageView {
            title: p.title.clone(),
            content: p.html.clone(),
            url: url.clone(),
        };
        jobs.push(job(
            format!("{}/index.html", p.slug),
            "page.html",
            &site_view,
            &url,
            "page",
            &view,
        ));
    }

    // Tags.
    let mut tags: BTreeMap<String, (TagRef, Vec<usize>)> = BTreeMap::new();
    for (i, a) in site.articles.iter().enumerate() {
        for t in &a.tags {
            let r = TagRef::new(t);
            tags.entry(r.slug.clone())
                .or_insert_with(|| (r, Vec::new()))
                .1
                .push(i);
        }
    }
    if !tags.is_empty() {
        let counts: Vec<TagCount> = tags
            .values()
            .map(|(t, v)| TagCount {
                tag: t.clone(),
                count: v.len(),
            })
            .collect();
        jobs.push(job(
            "tags/index.html".into(),
            "tags.html",
            &site_view,
            "/tags/",
            "tags",
            &counts,
        ));
    }
    for (slug, (tag, idx)) in &tags {
        let url = format!("/tags/{slug}/");
        let view = TagView {
            tag: tag.clone(),
            feed_url: if config.feed {
                format!("/tags/{slug}/atom.xml")
            } else {
                String::new()
            },
        };
        if keeps(&format!("tags/{slug}/index.html")) {
            let list: Vec<&ArticleSummary> = idx.iter().map(|&i| &summaries[i]).collect();
            let mut j = job(
                format!("tags/{slug}/index.html"),
                "tag.html",
                &site_view,
                &url,
                "tag",
                &view,
            );
            j.context.insert("articles", &list);
            jobs.push(j);
        } else {
            skipped_pages += 1;
        }
        if config.feed {
            let feed = feed_view(
                config,
                site,
                &summaries,
                idx,
                &format!("{} — {}", config.title, tag.name),
                &url,
                &format!("/tags/{slug}/atom.xml"),
            );
            jobs.push(job(
                format!("tags/{slug}/atom.xml"),
                "atom.xml",
                &site_view,
                &url,
                "feed",
                &feed,
            ));
        }
    }
    if config.feed {
        let all: Vec<usize> = (0..site.articles.len()).collect();
        let feed = feed_view(
            config,
            site,
            &summaries,
            &all,
            &config.title,
            "/",
            "/atom.xml",
        );
        jobs.push(job(
            "atom.xml".into(),
            "atom.xml",
            &site_view,
            "/",
            "feed",
            &feed,
        ));
    }

    // The indexes.
    let idx = crate::index::build(site, &quote_views);
    // The quote index lists every speaker, but at most five quotes each and
    // the latest few hundred by date: a newsroom's archive of 50,000 quotes
    // would otherwise make one page of 50 MB. Every quote stays one click
    // away, on its speaker's page, and all are in /quotes.json.
    let page_speakers: Vec<SpeakerQuotes> = idx
        .speakers
        .iter()
        .map(|s| SpeakerQuotes {
            entry: s.entry.clone(),
            letter: s.letter.clone(),
            quotes: s
                .quotes
                .iter()
                .take(INDEX_QUOTES_PER_SPEAKER)
                .cloned()
                .collect(),
            total: s.total,
        })
        .collect();
    let latest: Vec<&QuoteView> = idx.by_date.iter().take(INDEX_QUOTES_BY_DATE).collect();
    let mut j = job(
        "quotes/index.html".into(),
        "quotes.html",
        &site_view,
        "/quotes/",
        "speakers",
        &page_speakers,
    );
    j.context.insert("by_date", &latest);
    j.context.insert("letters", &idx.quote_letters);
    j.context.insert("count", &idx.by_date.len());
    jobs.push(j);
    let mut j = job(
        "glossary/index.html".into(),
        "glossary.html",
        &site_view,
        "/glossary/",
        "letters",
        &idx.glossary_letters,
    );
    j.context.insert("people", &idx.people);
    j.context.insert("organisations", &idx.organisations);
    jobs.push(j);
    jobs.push(job(
        "sources/index.html".into(),
        "sources.html",
        &site_view,
        "/sources/",
        "sources",
        &idx.sources,
    ));
    if config.search {
        jobs.push(job(
            "search/index.html".into(),
            "search.html",
            &site_view,
            "/search/",
            "",
            &(),
        ));
    }
    jobs.push(job(
        "404.html".into(),
        "404.html",
        &site_view,
        "/404.html",
        "",
        &(),
    ));

    // Sitemap: every HTML page but the 404, sorted by URL. It is listed from
    // the jobs, so `keep` may keep it only when it keeps every page.
    if keeps("sitemap.xml") {
        let mut urls: Vec<SitemapUrl> = jobs
            .iter()
            .filter(|j| j.path.ends_with("index.html"))
            .map(|j| SitemapUrl {
                loc: config.permalink(&format!("/{}", j.path.trim_end_matches("index.html"))),
                lastmod: String::new(),
            })
            .collect();
        urls.extend(site.articles.iter().map(|a| SitemapUrl {
            loc: config.permalink(&a.url()),
            lastmod: a.updated.as_ref().unwrap_or(&a.date).ymd(),
        }));
        urls.extend(idx.entries.iter().map(|e| SitemapUrl {
            loc: config.permalink(&e.entry.url),
            lastmod: String::new(),
        }));
        urls.sort_by(|a, b| a.loc.cmp(&b.loc));
        jobs.push(job(
            "sitemap.xml".into(),
            "sitemap.xml",
            &site_view,
            "/sitemap.xml",
            "urls",
            &urls,
        ));
    }

    // Every other page.
    let pages = site.articles.len()
        + idx.entries.len()
        + jobs.iter().filter(|j| j.path.ends_with(".html")).count()
        + skipped_pages;
    jobs.retain(|j| keeps(&j.path));
    let rendered: Vec<Result<(), Diagnostic>> = jobs
        .into_par_iter()
        .map(|j| {
            let html = tera
                .render(j.template, &j.context)
                .map_err(|e| theme.render_error(j.template, &e))?;
            put(sink, j.path, html.into_bytes())
        })
        .collect();
    // Entry pages: each context is built, rendered and dropped on its own
    // thread, so a 2,000-entry glossary never holds all its contexts at once.
    let entries: Vec<Result<(), Diagnostic>> = idx
        .entries
        .par_iter()
        .filter(|e| keeps(&format!("glossary/{}/index.html", e.entry.id)))
        .map(|e| {
            let j = job(
                format!("glossary/{}/index.html", e.entry.id),
                "entry.html",
                &site_view,
                &e.entry.url,
                "entry",
                e,
            );
            let html = tera
                .render(j.template, &j.context)
                .map_err(|err| theme.render_error(j.template, &err))?;
            put(sink, j.path, html.into_bytes())
        })
        .collect();
    for r in rendered.into_iter().chain(entries) {
        if let Err(d) = r {
            if seen_errors.insert(d.message.clone()) {
                diags.push(d);
            }
        }
    }

    // Machine-readable files.
    if keeps("quotes.json") {
        let json = jsonld::quotes_json(config, &idx.by_date);
        files.insert(
            "quotes.json".into(),
            OutputFile::Bytes(json.into_bytes().into()),
        );
    }
    if keeps("glossary.json") {
        let json = jsonld::glossary_json(config, site);
        files.insert(
            "glossary.json".into(),
            OutputFile::Bytes(json.into_bytes().into()),
        );
    }
    files.insert(
        "robots.txt".into(),
        OutputFile::Bytes(
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                config.permalink("/sitemap.xml")
            )
            .into_bytes()
            .into(),
        ),
    );
    if config.search && inputs.search_index {
        jobs_after_search(&mut files, config, site, &idx.by_date, diags);
    }
    for asset in &inputs.content.assets {
        files.insert(asset.output.clone(), OutputFile::Copy(asset.path.clone()));
    }
    for (path, file) in files.into_iter().filter(|(p, _)| keeps(p)) {
        if let Err(d) = sink.put(&path, file).map_err(|e| write_error(&path, e)) {
            diags.push(d);
        }
    }
    pages
}

fn jobs_after_search(
    files: &mut BTreeMap<String, OutputFile>,
    config: &Config,
    site: &Site,
    quotes: &[QuoteView],
    diags: &mut Diagnostics,
) {
    match crate::search::build(config, site, quotes) {
        Ok(index) => files.extend(
            index
                .into_iter()
                .map(|(p, b)| (p, OutputFile::Bytes(b.into()))),
        ),
        Err(d) => diags.push(d),
    }
}

fn put(sink: &dyn Sink, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
    sink.put(&path, OutputFile::Bytes(bytes.into()))
        .map_err(|e| write_error(&path, e))
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {path}: {e}"))
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

fn page_url(n: usize) -> String {
    if n <= 1 {
        "/".into()
    } else {
        format!("/page/{n}/")
    }
}

fn article_view(
    config: &Config,
    site: &Site,
    a: &ResolvedArticle,
    summary: &ArticleSummary,
    quotes: &[QuoteView],
) -> ArticleView {
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
        .map(|&e| EntryRef::new(&g.entries[e]))
        .collect();
    ArticleView {
        summary: summary.clone(),
        content: a.html.clone(),
        updated: a.updated.as_ref().map(|d| d.ymd()).unwrap_or_default(),
        updated_display: a.updated.as_ref().map(|d| d.display()).unwrap_or_default(),
        notes,
        sources,
        quotes: quotes.to_vec(),
        entities,
        json_ld: jsonld::article(config, site, a),
        annotations_url: if has_annotations(a) {
            format!("{}annotations.jsonld", a.url())
        } else {
            String::new()
        },
    }
}

fn feed_view(
    config: &Config,
    site: &Site,
    summaries: &[ArticleSummary],
    idx: &[usize],
    title: &str,
    url: &str,
    self_url: &str,
) -> FeedView {
    let entries: Vec<FeedEntry> = idx
        .iter()
        .take(20)
        .map(|&i| {
            let a = &site.articles[i];
            FeedEntry {
                summary: summaries[i].clone(),
                permalink: config.permalink(&a.url()),
                updated: a.updated.as_ref().unwrap_or(&a.date).rfc3339(),
                content: a.html.clone(),
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
