//! Render: plans every file of the site ([`plan`]), then fills the templates
//! of the planned pages with typed contexts and hands each file to a sink.
//! Takes the resolved [`Site`] and its `Index`; returns the [`Plan`].
//! Pages render in parallel.

pub mod body;
pub mod context;
mod cycles;
mod jsonld;
pub mod paths;
pub mod plan;
pub mod theme;

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::glossary::EntryIdx;
use crate::hash::Fingerprint;
use crate::index::{sorted_entries, Index};
use crate::output::Sink;
use crate::progress::Stage;
use crate::routes;
use crate::OutputFile;
use context::*;
pub use plan::{PageKey, Plan, PlannedFile, Reads};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use theme::Theme;

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

/// Where the build cache keeps a page's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stored {
    /// In the cache (`cache::Kind::Page`): a listing, whose bytes the next
    /// build reads back when its context is the same.
    Object,
    /// In the output only (`cache::Kind::Output`): an article's page, kept
    /// where it is when its inputs are the same.
    InOutput,
}

/// How many of the latest articles a feed carries.
pub const FEED_ENTRIES: usize = 20;

/// Everything `render` needs besides the site and its index.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub theme: &'a Theme,
    /// Write the search index (see [`crate::BuildOptions::search_index`]).
    pub search_index: bool,
    /// Where each page adds the time its template took.
    pub times: &'a TemplateTimes,
    /// Told of each planned file written and each search shard indexed.
    pub progress: &'a dyn crate::progress::Progress,
}

/// Where a page finds its article's body HTML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bodies {
    /// In [`ResolvedArticle::html`], written when the site was resolved: a
    /// session that renders pages again keeps them.
    Kept,
    /// Written from the article's source when its page is written (and
    /// when its search record is made), then dropped, unless resolving it
    /// wrote it already (an article with notes or quotes, whose selectors
    /// come from its body, or one with footnotes only, within a budget: see
    /// `lib::resolve_article_body`): a one-shot build of a site without
    /// annotations holds a bounded amount of bodies beyond the pages being
    /// written. `html` is empty then.
    AtPage,
    /// As `AtPage`, and an article whose notes anchor no text (footnotes
    /// only: no selector comes from its body) and which has no quotes waits
    /// for its page too: a rebuild with the build cache keeps most article
    /// pages where they are and reads most search shards back, so most
    /// bodies are never needed (issue 15). A clean build does not wait:
    /// its page and its search record would each write the body.
    Deferred,
}

impl Bodies {
    /// Whether a page writes the bodies resolving did not.
    pub fn at_page(self) -> bool {
        self != Bodies::Kept
    }
}

/// Which planned files a render writes.
#[derive(Clone, Copy)]
pub enum Want<'a> {
    /// All of them: a full build. With `fingerprints`, the fingerprint of
    /// every listing's context is kept in the plan too, for a session that
    /// will update later (a plain `gloss build` does not pay for them).
    /// `bodies` says where the article bodies are.
    Everything { fingerprints: bool, bodies: Bodies },
    /// Those whose inputs changed since `previous`, when the articles
    /// `edited` (indexes into `Content::articles`) were edited: an
    /// incremental update (see [`plan`]).
    Changed {
        previous: &'a Plan,
        edited: &'a BTreeSet<usize>,
    },
}

/// Plans the site, then renders the planned files `want` asks for into
/// `sink`, in parallel. Returns the plan, with what was rendered.
pub fn render(
    inputs: &Inputs,
    site: &Site,
    index: &Index,
    want: Want,
    diags: &mut Diagnostics,
    sink: &dyn Sink,
) -> Plan {
    render_cached(inputs, site, index, want, diags, sink, None)
}

/// [`render`], reading from and adding to a build cache (issue 15): a page
/// whose key (what every page reads, its template, key and path, and the
/// fingerprint of its context) is in `cache` is not rendered but read back,
/// and so is a search shard with the same records.
pub fn render_cached(
    inputs: &Inputs,
    site: &Site,
    index: &Index,
    want: Want,
    diags: &mut Diagnostics,
    sink: &dyn Sink,
    cache: Option<&crate::cache::Cache>,
) -> Plan {
    let config = inputs.config;
    let theme = inputs.theme;
    let mut statics: BTreeMap<String, OutputFile> = BTreeMap::new();
    let assets = theme.assets(config, &mut statics, diags);
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
    let base = &site.base;

    // Per-article views, built once and shared by every page that lists
    // them. A full build needs every quote view; an update only those of
    // the pages it looks at, so there they are made when first asked for.
    // An update takes the views of the articles it shares with the last
    // render from it (see `plan::Views`; its quote views once it knows that
    // the glossary is as it was, below).
    let full = matches!(want, Want::Everything { .. });
    let last_views = match want {
        Want::Changed { previous, .. } => Some(&previous.views),
        Want::Everything { .. } => None,
    };
    let shared_with_last: Vec<Option<usize>> = match last_views {
        Some(v) if !v.articles.is_empty() => {
            let at: std::collections::HashMap<*const ResolvedArticle, usize> = v
                .articles
                .iter()
                .enumerate()
                .map(|(j, a)| (std::sync::Arc::as_ptr(a), j))
                .collect();
            site.articles
                .iter()
                .map(|a| at.get(&std::sync::Arc::as_ptr(a)).copied())
                .collect()
        }
        _ => vec![None; site.articles.len()],
    };
    type Quotes = OnceLock<std::sync::Arc<Vec<QuoteView>>>;
    let (summaries, quote_views): (Vec<std::sync::Arc<ArticleSummary>>, Vec<Quotes>) = site
        .articles
        .par_iter()
        .zip(&shared_with_last)
        .map(|(a, last)| {
            let quotes = OnceLock::new();
            if full {
                let _ = quotes.set(std::sync::Arc::new(quote_views_of(site, a)));
            }
            let summary = match (last, last_views) {
                (Some(j), Some(v)) => std::sync::Arc::clone(&v.summaries[*j]),
                _ => std::sync::Arc::new(ArticleSummary::new(a, base)),
            };
            (summary, quotes)
        })
        .unzip();
    let mut tags: BTreeMap<&str, (&TagRef, Vec<usize>)> = BTreeMap::new();
    for (i, s) in summaries.iter().enumerate() {
        for t in &s.tags {
            tags.entry(&t.slug)
                .or_insert_with(|| (t, Vec::new()))
                .1
                .push(i);
        }
    }
    let mut shared = Derived {
        config,
        content: inputs.content,
        site,
        index,
        summaries: &summaries,
        quote_views: &quote_views,
        by_date: OnceLock::new(),
        tags: tags.into_iter().map(|(s, (t, v))| (s, t, v)).collect(),
        sitemap: Vec::new(),
        bodies: match want {
            Want::Everything { bodies, .. } => bodies,
            Want::Changed { .. } => Bodies::Kept,
        },
        feed_bodies: site.articles.iter().map(|_| OnceLock::new()).collect(),
    };

    // The plan: every file, before any is rendered.
    let mut planned = shared.plan(inputs, &statics);
    shared.sitemap = shared.sitemap_urls(&planned);
    // What every page may read: the site view, the configuration, the
    // glossary's shape (every mention's link, every quote's speaker), the
    // templates, and the binary that renders them. What pages show of an
    // entry besides (its role, description, links) is in `entry_prints`.
    let site_print = {
        use std::io::Write as _;
        let mut f = crate::hash::FingerprintBuilder::default();
        f.add(&site_view);
        write!(f, "{config:?}").expect("a fingerprint takes any text");
        f.bytes(&[0xff]);
        site.glossary.add_shape(&mut f);
        f.bytes(&theme.fingerprint().0.to_le_bytes())
            .add(env!("CARGO_PKG_VERSION"));
        f.finish()
    };

    // What to render: all of it, or what changed.
    let (edited, previous, keep_prints) = match want {
        Want::Everything { fingerprints, .. } => (None, None, fingerprints),
        Want::Changed { previous, edited } => (
            (previous.site == Some(site_print)).then_some(edited),
            Some(previous),
            true,
        ),
    };
    let entry_prints = if keep_prints {
        site.glossary.entry_prints()
    } else {
        Vec::new()
    };
    // Entries whose role, description or links changed (same shape): every
    // article that shows one is looked at as if edited, and every page
    // compared by its context is compared, whatever it reads.
    let mut changed_entries: Vec<bool> = Vec::new();
    let (edited, glossary_edited) = match (edited, previous) {
        (Some(edited), Some(previous)) => {
            let changed: Vec<bool> = if previous.entries.len() == entry_prints.len() {
                (previous.entries.iter().zip(&entry_prints))
                    .map(|(a, b)| a != b)
                    .collect()
            } else {
                vec![true; entry_prints.len()]
            };
            if changed.iter().any(|&c| c) {
                let mut more = edited.clone();
                more.extend(
                    site.articles
                        .iter()
                        .filter(|a| shows_any(a, &changed))
                        .map(|a| a.index),
                );
                changed_entries = changed;
                (Some(std::borrow::Cow::Owned(more)), true)
            } else {
                (Some(std::borrow::Cow::Borrowed(edited)), false)
            }
        }
        _ => (None, false),
    };
    // The quote views of a shared article still hold while the glossary's
    // shape (the site print) and its speakers' entries are as they were.
    if let (Some(_), Some(last)) = (&edited, last_views) {
        let changed = |e: EntryIdx| changed_entries.get(e).copied().unwrap_or(glossary_edited);
        for (i, j) in shared_with_last.iter().enumerate() {
            let Some(views) = j.and_then(|j| last.quotes[j].as_ref()) else {
                continue;
            };
            if !site.articles[i].quotes.iter().any(|q| changed(q.speaker)) {
                let _ = quote_views[i].set(std::sync::Arc::clone(views));
            }
        }
    }
    let edited = edited.as_deref();
    // Each article without its body: all of them for a session's first
    // build, the edited ones in an update. Every field but `html` counts
    // (its `Debug` text, so a new field counts without anyone listing it),
    // and of the word count only the reading time other pages show (only
    // the article's own page shows the count, in its JSON-LD).
    let listing_print = |i: usize| {
        let a = crate::annotate::ResolvedArticle {
            html: "".into(),
            // The file's text: a body edit changes it, and only the body.
            text: Fingerprint(0),
            word_count: reading_minutes(site.articles[i].word_count),
            ..(*site.articles[i]).clone()
        };
        crate::hash::FingerprintBuilder::default()
            .bytes(format!("{a:?}").as_bytes())
            .finish()
    };
    let listing: BTreeMap<usize, Fingerprint> = match (want, edited) {
        (
            Want::Everything {
                fingerprints: true, ..
            },
            _,
        )
        | (Want::Changed { .. }, None) => (0..site.articles.len())
            .into_par_iter()
            .map(|i| (site.articles[i].index, listing_print(i)))
            .collect(),
        (Want::Changed { previous, .. }, Some(edited)) => {
            let mut map = previous.metadata.clone();
            for (i, a) in site.articles.iter().enumerate() {
                if edited.contains(&a.index) {
                    map.insert(a.index, listing_print(i));
                }
            }
            map
        }
        (
            Want::Everything {
                fingerprints: false,
                ..
            },
            _,
        ) => BTreeMap::new(),
    };
    let listing_same = |ids: &[usize], edited: &BTreeSet<usize>, previous: &Plan| {
        ids.iter()
            .filter(|i| edited.contains(i))
            .all(|i| listing.get(i).is_some() && listing.get(i) == previous.metadata.get(i))
    };
    let site_view = &site_view;
    let derived = &shared;
    let print = |p: &PlannedFile| {
        let template = p.template?;
        let mut f = crate::hash::FingerprintBuilder::default();
        f.add(template).add(&p.key);
        derived.fill(p, &mut f);
        Some(f.finish())
    };
    let chosen: Vec<bool> = planned
        .par_iter_mut()
        .map(|p| {
            let (Some(edited), Some(previous)) = (edited, previous) else {
                // Everything, or the site view changed: render it all.
                if keep_prints && p.reads.compares() {
                    p.fingerprint = print(p);
                }
                return true;
            };
            let old = match previous.get(&p.key) {
                Some(old) if old.path == p.path => old,
                _ => {
                    if p.reads.compares() {
                        p.fingerprint = print(p);
                    }
                    return true;
                }
            };
            if glossary_edited
                && p.reads.compares()
                && may_show_entries(p, &changed_entries, site, index)
            {
                p.fingerprint = print(p);
                return p.fingerprint.is_none() || p.fingerprint != old.fingerprint;
            }
            if old.reads == p.reads && !p.reads.touches(edited) {
                p.fingerprint = old.fingerprint;
                return false;
            }
            if let Reads::Metadata { ids, .. } = &p.reads {
                if old.reads == p.reads && listing_same(ids, edited, previous) {
                    p.fingerprint = old.fingerprint;
                    return false;
                }
            }
            if !p.reads.compares() {
                return true;
            }
            p.fingerprint = print(p);
            p.fingerprint.is_none() || p.fingerprint != old.fingerprint
        })
        .collect();
    // What a cached page is keyed on besides its context: what every page
    // reads but the theme (the site view, which names the hashed assets;
    // the configuration but for what no page shows), and the templates its
    // own template reads (`Theme::template_fingerprint`).
    let (cache_site_print, template_prints) = match cache {
        None => (Fingerprint(0), BTreeMap::new()),
        Some(_) => {
            let shown = Config {
                deploy: Default::default(),
                search_records_per_shard: 0,
                ..config.clone()
            };
            let site = crate::hash::FingerprintBuilder::default()
                .add(site_view)
                .add(&format!("{shown:?}"))
                .finish();
            let templates: BTreeMap<&str, Fingerprint> = planned
                .iter()
                .filter_map(|p| p.template)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|t| (t, theme.template_fingerprint(t)))
                .collect();
            (site, templates)
        }
    };
    // An article's own page, keyed on what it is made from rather than on
    // its context (building which costs what rendering does): the site
    // view and the configuration it shows, its template's, the glossary's
    // shape (every mention's link), the article's file (its text, its
    // path, its checked image) and everything of the entries it shows.
    // What the article resolves to is made from its text, the
    // configuration and the glossary's shape (the serve session's memo
    // relies on the same: `incremental::MemoKey`), and its body from that.
    let (glossary_shape, all_entry_prints) = match cache {
        None => (Fingerprint(0), Vec::new()),
        Some(_) => {
            let mut f = crate::hash::FingerprintBuilder::default();
            site.glossary.add_shape(&mut f);
            (f.finish(), site.glossary.entry_prints())
        }
    };
    // What one article gives a page made from it: its file (its text, and
    // its slug, which its path gives when the text does not), and the
    // entries it shows.
    let add_article = |f: &mut crate::hash::FingerprintBuilder, a: &ResolvedArticle| {
        f.bytes(&a.text.0.to_le_bytes())
            .add(&a.slug)
            .add(&format!("{:?}", inputs.content.articles[a.index].image));
        for e in shown_entries(a).collect::<BTreeSet<_>>() {
            let print = all_entry_prints.get(e).map_or(0, |p| p.0);
            f.bytes(&print.to_le_bytes());
        }
    };
    let article_print = |p: &PlannedFile| -> Fingerprint {
        let mut f = crate::hash::FingerprintBuilder::default();
        f.bytes(&cache_site_print.0.to_le_bytes())
            .bytes(&glossary_shape.0.to_le_bytes())
            .add(&p.template.and_then(|t| template_prints.get(t)).map(|f| f.0))
            .add(&p.key)
            .add(&p.path);
        add_article(&mut f, &site.articles[p.item]);
        f.finish()
    };
    // A feed, likewise, on what its context is made from (building it
    // writes the body of each of its entries): its articles, in order,
    // and its `shape` (the last change of all of its tag's), keyed with the
    // rest of a page's key (see `put_one`).
    let at_content: Vec<usize> = match cache {
        None => Vec::new(),
        Some(_) => {
            let mut at = vec![usize::MAX; inputs.content.articles.len()];
            for (i, a) in site.articles.iter().enumerate() {
                at[a.index] = i;
            }
            at
        }
    };
    let feed_print = |p: &PlannedFile| -> Fingerprint {
        let mut f = crate::hash::FingerprintBuilder::default();
        f.bytes(&glossary_shape.0.to_le_bytes()).add(&p.key);
        let Reads::Articles { ids, shape } = &p.reads else {
            unreachable!("a feed reads its articles");
        };
        f.bytes(&shape.0.to_le_bytes());
        for &id in ids {
            match at_content.get(id).and_then(|&i| site.articles.get(i)) {
                Some(a) => add_article(&mut f, a),
                None => {
                    f.add("gone");
                }
            }
        }
        f.finish()
    };
    let todo: Vec<&PlannedFile> = planned
        .iter()
        .zip(&chosen)
        .filter(|(_, &c)| c)
        .map(|(p, _)| p)
        .collect();
    let rendered: Vec<String> = todo.iter().map(|p| p.path.clone()).collect();
    let wanted = |k: &PageKey| todo.iter().any(|p| &p.key == k);

    // Pages in parallel; beside them the JSON files, and the search index,
    // which takes longest, on one thread.
    let with_search = config.search && inputs.search_index && wanted(&PageKey::SearchIndex);
    let assets: BTreeMap<&str, &crate::content::Asset> = inputs
        .content
        .assets
        .iter()
        .map(|a| (a.output.as_str(), a))
        .collect();
    let put_one = |p: &&PlannedFile| -> Result<(), Diagnostic> {
        if p.template.is_some() {
            // A page's cache key; the context's fingerprint is the same
            // `print` an incremental update compares (see `Derived::fill`).
            // Not for an article's own page: fingerprinting its context costs
            // what rendering it does (10,000 articles, release: 9.1 s summed
            // over threads for fingerprint and read-back, 8.8 s to render),
            // while a listing or feed renders far more than it hashes (the
            // home pages 1.14 s against 0.63 s, the feeds 0.56 s against 0.04 s).
            // It is keyed on its inputs instead (`article_print`), and
            // known by the hash of its bytes only: the output holds them.
            if let (Some(c), PageKey::Article(_)) = (cache, &p.key) {
                let key = article_print(p);
                return derived.render_page(
                    p,
                    theme,
                    site_view,
                    sink,
                    inputs.times,
                    Some((c, key, Stored::InOutput)),
                );
            }
            let cached = cache.map(|c| {
                let inputs = match p.key {
                    PageKey::Feed | PageKey::TagFeed(_) => Some(feed_print(p).0),
                    _ => p.fingerprint.or_else(|| print(p)).map(|f| f.0),
                };
                let template = p.template.and_then(|t| template_prints.get(t));
                let key = crate::hash::FingerprintBuilder::default()
                    .bytes(&cache_site_print.0.to_le_bytes())
                    .add(&template.map(|f| f.0))
                    .add(&inputs)
                    .add(&p.path)
                    .finish();
                (c, key, Stored::Object)
            });
            return derived.render_page(p, theme, site_view, sink, inputs.times, cached);
        }
        let file = match &p.key {
            PageKey::Static(path) => match (statics.get(path), assets.get(path.as_str())) {
                (Some(file), _) => file.clone(),
                (None, Some(asset)) => OutputFile::Copy(asset.path.clone()),
                (None, None) => return Ok(()),
            },
            PageKey::Robots => OutputFile::Bytes(
                format!(
                    "User-agent: *\nAllow: {}\n\nSitemap: {}\n",
                    base.href(&routes::home(1)),
                    config.permalink(&routes::sitemap())
                )
                .into_bytes()
                .into(),
            ),
            PageKey::Annotations(_) => {
                let a = &site.articles[p.item];
                let json = jsonld::annotations(config, site, a);
                return put(sink, p.path.clone(), json.into_bytes());
            }
            PageKey::Alias(_) => {
                let a = &site.articles[p.item];
                return put(
                    sink,
                    p.path.clone(),
                    redirect_page(config, site, a).into_bytes(),
                );
            }
            // Made beside the pages, below.
            _ => return Ok(()),
        };
        sink.put(&p.path, file).map_err(|e| write_error(&p.path, e))
    };
    let (pages, (quotes_json, (glossary_json, search))) = rayon::join(
        || -> Vec<Result<(), Diagnostic>> {
            let progress = inputs.progress;
            progress.start(Stage::Render, todo.len());
            let done = todo
                .par_iter()
                .map(|p| {
                    let r = put_one(p);
                    progress.step(Stage::Render);
                    r
                })
                .collect();
            progress.finish(Stage::Render);
            done
        },
        || {
            rayon::join(
                || {
                    wanted(&PageKey::QuotesJson)
                        .then(|| jsonld::quotes_json(config, derived.by_date()))
                },
                || {
                    rayon::join(
                        || {
                            wanted(&PageKey::GlossaryJson)
                                .then(|| jsonld::glossary_json(config, site))
                        },
                        || {
                            with_search.then(|| {
                                let write = |path: String, bytes: Vec<u8>| put(sink, path, bytes);
                                let body: &crate::search::BodyOf<'_> = &|a| derived.body(a);
                                crate::search::build(
                                    config,
                                    site,
                                    body,
                                    &write,
                                    inputs.progress,
                                    cache,
                                )
                            })
                        },
                    )
                },
            )
        },
    );
    let mut seen_errors = BTreeSet::new();
    report_once(pages, &mut seen_errors, diags);
    for (route, json) in [
        (routes::quotes_json(), quotes_json),
        (routes::glossary_json(), glossary_json),
    ] {
        if let Some(json) = json {
            if let Err(d) = put(sink, route.output().into_string(), json.into_bytes()) {
                diags.push(d);
            }
        }
    }
    if let Some(Err(d)) = search {
        diags.push(d);
    }
    // 50,000 quote views take a while to free, and nobody waits for it.
    drop(shared);
    let views = if keep_prints {
        plan::Views {
            articles: site.articles.clone(),
            summaries,
            quotes: quote_views.into_iter().map(OnceLock::into_inner).collect(),
        }
    } else {
        std::thread::spawn(move || drop((summaries, quote_views)));
        plan::Views::default()
    };
    Plan {
        site: Some(site_print),
        metadata: listing,
        entries: entry_prints,
        files: planned.into_iter().map(|p| (p.key.clone(), p)).collect(),
        rendered,
        views,
    }
}

/// The entries article `a` shows, by position (some more than once): those
/// it mentions, links, quotes or names.
fn shown_entries(a: &ResolvedArticle) -> impl Iterator<Item = EntryIdx> + '_ {
    let mentions = a.marks.ranges.iter().filter_map(|m| match m.kind {
        crate::annotate::marks::MarkKind::Mention { entry } => Some(entry),
        _ => None,
    });
    a.entities
        .iter()
        .copied()
        .chain(a.named_in_quotes.iter().copied())
        .chain(a.quotes.iter().map(|q| q.speaker))
        .chain(a.marks.links.iter().map(|l| l.entry))
        .chain(mentions)
}

/// Whether article `a` shows one of the entries marked in `changed` (by
/// position).
fn shows_any(a: &ResolvedArticle, changed: &[bool]) -> bool {
    shown_entries(a).any(|e| changed.get(e).copied().unwrap_or(true))
}

/// Whether the planned file `p` may show what a page shows of one of the
/// `changed` entries (its role, description, summary, links) other than
/// through its articles (an article that shows a changed entry counts as
/// edited, see `shows_any`). An entry's page shows itself, its affiliations
/// and its members (its quotes are its own); listings of articles, the
/// sources, plain pages and the files made in Rust but the JSON indexes show
/// no entry; the quote and glossary indexes, the JSON files and anything
/// not named here may show any. A file that may not is handled as after any
/// other edit (issue 15: a role edit compared all 2,000 entry pages).
fn may_show_entries(p: &PlannedFile, changed: &[bool], site: &Site, index: &Index) -> bool {
    let hit = |e: EntryIdx| changed.get(e).copied().unwrap_or(true);
    match &p.key {
        PageKey::Entry(_) => {
            let i = p.item;
            let e = &site.glossary.entries[i];
            hit(i)
                || e.affiliations.iter().any(|&a| hit(a))
                || index.members[i].iter().any(|&m| hit(m))
        }
        PageKey::Home(_)
        | PageKey::Tags
        | PageKey::Tag(_)
        | PageKey::Sources(_)
        | PageKey::Page(_)
        | PageKey::Search
        | PageKey::NotFound
        | PageKey::Sitemap
        | PageKey::Robots
        | PageKey::Static(_) => false,
        _ => true,
    }
}

/// The views of an article's quotes, in its order.
fn quote_views_of(site: &Site, a: &ResolvedArticle) -> Vec<QuoteView> {
    a.quotes
        .iter()
        .map(|q| QuoteView::new(q, a, &site.glossary, &site.base))
        .collect()
}

/// The fingerprint of what a planned file shows besides its articles.
fn shape<T: Serialize + ?Sized>(value: &T) -> Fingerprint {
    crate::hash::FingerprintBuilder::default()
        .add(value)
        .finish()
}

/// Where a page's context goes: a Tera context to render it, or a
/// fingerprint to compare it with the last build's. The same code fills
/// both, so a fingerprint covers exactly what the template receives.
trait Fill {
    fn put<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T);
}

impl Fill for tera::Context {
    fn put<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert(key, value);
    }
}

impl Fill for crate::hash::FingerprintBuilder {
    fn put<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.add(key).add(value);
    }
}

/// What the pages of one render share: the site, its index, and the views
/// built once for every page that shows them.
struct Derived<'a> {
    config: &'a Config,
    /// The loaded content: a feed entry's body is written again from it.
    content: &'a Content,
    site: &'a Site,
    index: &'a Index,
    /// `summaries[i]` is the summary of `site.articles[i]`.
    summaries: &'a [std::sync::Arc<ArticleSummary>],
    /// `quote_views[i]`: the quote views of `site.articles[i]`, made when
    /// first asked for (see [`Derived::quotes`]).
    quote_views: &'a [OnceLock<std::sync::Arc<Vec<QuoteView>>>],
    /// Every quote view, newest first (`index.by_date`), made when first
    /// asked for.
    by_date: OnceLock<Vec<&'a QuoteView>>,
    /// By slug: the tag and its articles (positions in `site.articles`).
    tags: Vec<(&'a str, &'a TagRef, Vec<usize>)>,
    sitemap: Vec<SitemapUrl>,
    /// Where the article bodies are.
    bodies: Bodies,
    /// `feed_bodies[i]`: the body of `site.articles[i]` as a feed entry
    /// shows it, written when first asked for. The site's feed and its tags'
    /// feeds share most of their entries (10,000 articles in 50 tags: 1,020
    /// entries of 396 articles), and each is written from its source.
    feed_bodies: Vec<OnceLock<String>>,
}

impl<'a> Derived<'a> {
    /// The body HTML of an article's page: kept, or written now.
    fn body<'r>(&self, a: &'r ResolvedArticle) -> std::borrow::Cow<'r, str> {
        match self.bodies {
            Bodies::AtPage | Bodies::Deferred if a.html.is_empty() => {
                std::borrow::Cow::Owned(body::page(self.config, self.content, self.site, a))
            }
            _ => std::borrow::Cow::Borrowed(&a.html),
        }
    }

    /// The quote views of `site.articles[i]`.
    fn quotes(&self, i: usize) -> &'a [QuoteView] {
        let cell: &'a OnceLock<std::sync::Arc<Vec<QuoteView>>> = &self.quote_views[i];
        cell.get_or_init(|| std::sync::Arc::new(quote_views_of(self.site, &self.site.articles[i])))
    }

    fn quote(&self, q: crate::index::QuoteAt) -> &'a QuoteView {
        &self.quotes(q.article)[q.quote]
    }

    /// Every quote view, newest first.
    fn by_date(&self) -> &[&'a QuoteView] {
        self.by_date
            .get_or_init(|| self.index.by_date.iter().map(|&q| self.quote(q)).collect())
    }

    /// Content indexes of the articles at these positions, in order.
    fn ids(&self, positions: impl IntoIterator<Item = usize>) -> Vec<usize> {
        positions
            .into_iter()
            .map(|i| self.site.articles[i].index)
            .collect()
    }

    /// Every file of the site, in the order they are rendered.
    fn plan(&self, inputs: &Inputs, statics: &BTreeMap<String, OutputFile>) -> Vec<PlannedFile> {
        let (config, site, index) = (self.config, self.site, self.index);
        let mut plan = Vec::new();
        let mut add = |item: usize,
                       key: PageKey,
                       path: String,
                       template: Option<&'static str>,
                       reads: Reads| {
            plan.push(PlannedFile {
                key,
                path,
                template,
                reads,
                fingerprint: None,
                item,
            })
        };
        let none = Fingerprint(0);
        let own = |a: &ResolvedArticle| Reads::Articles {
            ids: vec![a.index],
            shape: none,
        };
        let changed_at = |list: &[usize]| shape(&last_change(site, list).map(|d| d.rfc3339()));
        for (i, a) in site.articles.iter().enumerate() {
            let slug = a.slug.to_string();
            add(
                i,
                PageKey::Article(slug.clone()),
                a.url().output().into_string(),
                Some("article.html"),
                own(a),
            );
            if has_annotations(a) {
                add(
                    i,
                    PageKey::Annotations(slug),
                    routes::annotations(&a.slug).output().into_string(),
                    None,
                    own(a),
                );
            }
        }
        let per = config.paginate.max(1);
        let home_pages = site.articles.len().div_ceil(per).max(1);
        for p in 0..home_pages {
            let on_page = (p * per..site.articles.len()).take(per);
            add(
                p,
                PageKey::Home(p + 1),
                routes::home(p + 1).output().into_string(),
                Some("home.html"),
                Reads::Metadata {
                    ids: self.ids(on_page),
                    shape: shape(&home_pages),
                },
            );
        }
        for (i, p) in site.pages.iter().enumerate() {
            add(
                i,
                PageKey::Page(p.slug.to_string()),
                routes::page(&p.slug).output().into_string(),
                Some("page.html"),
                // No article, but the page itself: an edit of it changes
                // `shape`, and so its reads.
                Reads::Metadata {
                    ids: Vec::new(),
                    shape: shape(&(&p.title, &p.html)),
                },
            );
        }
        // Always written: every page's navigation links to it, and the
        // template says "No tags yet." (the build's link check found the 404).
        add(
            0,
            PageKey::Tags,
            routes::tags().output().into_string(),
            Some("tags.html"),
            // Each tag's name is its first article's spelling.
            Reads::Metadata {
                ids: self.ids(self.tags.iter().map(|t| t.2[0])),
                shape: shape(
                    &self
                        .tags
                        .iter()
                        .map(|t| (t.0, t.2.len()))
                        .collect::<Vec<_>>(),
                ),
            },
        );
        for (t, (slug, _, list)) in self.tags.iter().enumerate() {
            add(
                t,
                PageKey::Tag(slug.to_string()),
                routes::tag(slug).output().into_string(),
                Some("tag.html"),
                Reads::Metadata {
                    ids: self.ids(list.iter().copied()),
                    shape: none,
                },
            );
            if config.feed {
                // A feed shows its latest articles and the last change of all.
                add(
                    t,
                    PageKey::TagFeed(slug.to_string()),
                    routes::tag_feed(slug).output().into_string(),
                    Some("atom.xml"),
                    Reads::Articles {
                        ids: self.ids(list.iter().copied().take(FEED_ENTRIES)),
                        shape: changed_at(list),
                    },
                );
            }
        }
        if config.feed {
            let all: Vec<usize> = (0..site.articles.len()).collect();
            add(
                0,
                PageKey::Feed,
                routes::feed().output().into_string(),
                Some("atom.xml"),
                Reads::Articles {
                    ids: self.ids(all.iter().copied().take(FEED_ENTRIES)),
                    shape: changed_at(&all),
                },
            );
        }
        add(
            0,
            PageKey::Quotes,
            routes::quotes().output().into_string(),
            Some("quotes.html"),
            self.quote_index_reads(),
        );
        // The glossary index shows entries and counts, no article.
        let counts: Vec<(usize, usize, usize)> = index
            .glossary_letters
            .iter()
            .flat_map(|l| &l.entries)
            .map(|e| (e.entry, e.quote_count, e.mention_count))
            .collect();
        add(
            0,
            PageKey::Glossary,
            routes::glossary().output().into_string(),
            Some("glossary.html"),
            Reads::Metadata {
                ids: Vec::new(),
                shape: shape(&counts),
            },
        );
        let source_pages = index.sources.len().div_ceil(SOURCES_PER_PAGE).max(1);
        for p in 0..source_pages {
            // The sources of the page, each with every citation.
            let cited: Vec<(usize, usize)> = index
                .sources
                .iter()
                .skip(p * SOURCES_PER_PAGE)
                .take(SOURCES_PER_PAGE)
                .flat_map(|s| &s.citations)
                .map(|&(a, s)| (site.articles[a].index, s))
                .collect();
            let mut ids: Vec<usize> = cited.iter().map(|c| c.0).collect();
            ids.sort_unstable();
            ids.dedup();
            add(
                p,
                PageKey::Sources(p + 1),
                routes::sources(p + 1).output().into_string(),
                Some("sources.html"),
                Reads::Metadata {
                    ids,
                    shape: shape(&(index.sources.len(), &cited)),
                },
            );
        }
        if config.search {
            add(
                0,
                PageKey::Search,
                routes::search().output().into_string(),
                Some("search.html"),
                Reads::Nothing,
            );
        }
        add(
            0,
            PageKey::NotFound,
            routes::not_found().output().into_string(),
            Some("404.html"),
            Reads::Nothing,
        );
        add(
            0,
            PageKey::Sitemap,
            routes::sitemap().output().into_string(),
            Some("sitemap.xml"),
            // Every article's address and last change, and every other
            // page's address (filled in below, once all are planned).
            Reads::Metadata {
                ids: {
                    let mut all = self.ids(0..site.articles.len());
                    all.sort_unstable();
                    all
                },
                shape: none,
            },
        );
        for (i, e) in site.glossary.entries.iter().enumerate() {
            add(
                i,
                PageKey::Entry(e.id.to_string()),
                e.url().output().into_string(),
                Some("entry.html"),
                Reads::Metadata {
                    ids: self.ids(index.articles_of_entry(i)),
                    shape: none,
                },
            );
        }
        add(
            0,
            PageKey::QuotesJson,
            routes::quotes_json().output().into_string(),
            None,
            Reads::Metadata {
                ids: self.ids(index.by_date.iter().map(|q| q.article)),
                shape: shape(&index.by_date.iter().map(|q| q.quote).collect::<Vec<_>>()),
            },
        );
        add(
            0,
            PageKey::GlossaryJson,
            routes::glossary_json().output().into_string(),
            None,
            Reads::Nothing,
        );
        if config.search && inputs.search_index {
            add(
                0,
                PageKey::SearchIndex,
                "pagefind/".to_string(),
                None,
                Reads::Site,
            );
        }
        add(
            0,
            PageKey::Robots,
            routes::robots().output().into_string(),
            None,
            Reads::Nothing,
        );
        for path in statics.keys() {
            add(
                0,
                PageKey::Static(path.clone()),
                path.clone(),
                None,
                Reads::Nothing,
            );
        }
        for asset in &inputs.content.assets {
            add(
                0,
                PageKey::Static(asset.output.clone()),
                asset.output.clone(),
                None,
                // The file it copies: a moved bundle can bring another
                // file to the same output path.
                Reads::Metadata {
                    ids: Vec::new(),
                    shape: shape(&asset.path),
                },
            );
        }
        for (i, a) in site.articles.iter().enumerate() {
            for alias in &inputs.content.articles[a.index].aliases {
                add(
                    i,
                    PageKey::Alias(alias.slug.to_string()),
                    routes::alias(&alias.slug).output().into_string(),
                    None,
                    own(a),
                );
            }
        }
        let pages: Vec<&str> = plan
            .iter()
            .filter(|p| p.template.is_some() && !matches!(p.key, PageKey::Article(_)))
            .map(|p| p.path.as_str())
            .collect();
        let pages = shape(&pages);
        if let Some(Reads::Metadata { shape, .. }) = plan
            .iter_mut()
            .find(|p| p.key == PageKey::Sitemap)
            .map(|p| &mut p.reads)
        {
            *shape = pages;
        }
        plan
    }

    /// What the quote index shows: each speaker's latest quotes and count,
    /// and the latest quotes of all.
    fn quote_index_reads(&self) -> Reads {
        let index = self.index;
        let shown: Vec<crate::index::QuoteAt> = index
            .speakers
            .iter()
            .flat_map(|s| s.quotes.iter().take(INDEX_QUOTES_PER_SPEAKER))
            .chain(index.by_date.iter().take(INDEX_QUOTES_BY_DATE))
            .copied()
            .collect();
        let totals: Vec<(usize, usize)> = index
            .speakers
            .iter()
            .map(|s| (s.entry, s.quotes.len()))
            .collect();
        let quotes: Vec<usize> = shown.iter().map(|q| q.quote).collect();
        Reads::Metadata {
            ids: self.ids(shown.iter().map(|q| q.article)),
            shape: shape(&(totals, quotes, index.by_date.len())),
        }
    }

    /// Sitemap: every HTML page but the 404 (the planned `index.html`
    /// files), sorted by URL; articles with their last change.
    fn sitemap_urls(&self, plan: &[PlannedFile]) -> Vec<SitemapUrl> {
        let mut urls: Vec<SitemapUrl> = plan
            .iter()
            .filter(|p| p.template.is_some() && p.path.ends_with("index.html"))
            .map(|p| {
                let lastmod = match &p.key {
                    PageKey::Article(_) => {
                        let a = &self.site.articles[self.item(p)];
                        a.updated.as_ref().unwrap_or(&a.date).ymd()
                    }
                    _ => String::new(),
                };
                SitemapUrl {
                    loc: self.config.permalink(&self.page_url(p)),
                    lastmod,
                }
            })
            .collect();
        urls.sort_by(|a, b| a.loc.cmp(&b.loc));
        urls
    }

    /// The position a planned file stands for (see [`PlannedFile::item`]).
    fn item(&self, p: &PlannedFile) -> usize {
        p.item
    }

    /// The route of the page, as its template's `page_url`.
    fn page_url(&self, p: &PlannedFile) -> String {
        let site = self.site;
        match &p.key {
            PageKey::Article(_) => site.articles[self.item(p)].url().to_string(),
            PageKey::Home(n) => routes::home(*n).to_string(),
            PageKey::Page(slug) => routes::page(slug).to_string(),
            PageKey::Tags => routes::tags().to_string(),
            PageKey::Tag(slug) | PageKey::TagFeed(slug) => routes::tag(slug).to_string(),
            PageKey::Feed => routes::home(1).to_string(),
            PageKey::Quotes => routes::quotes().to_string(),
            PageKey::Glossary => routes::glossary().to_string(),
            PageKey::Entry(_) => site.glossary.entries[self.item(p)].url().to_string(),
            PageKey::Sources(n) => routes::sources(*n).to_string(),
            PageKey::Search => routes::search().to_string(),
            PageKey::NotFound => routes::not_found().to_string(),
            PageKey::Sitemap => routes::sitemap().to_string(),
            _ => String::new(),
        }
    }

    /// Fills the context of a planned page (besides `site` and `page_url`).
    fn fill(&self, p: &PlannedFile, out: &mut impl Fill) {
        let (config, site, index) = (self.config, self.site, self.index);
        let base = &site.base;
        let g = &site.glossary;
        match &p.key {
            PageKey::Article(_) => {
                let i = self.item(p);
                let a = &site.articles[i];
                let image = self.content.articles[a.index]
                    .image
                    .as_ref()
                    .map(|im| jsonld::image_url(config, &a.slug, im));
                let html = self.body(a);
                let view = article_view(
                    config,
                    site,
                    a,
                    &html,
                    &self.summaries[i],
                    self.quotes(i),
                    image,
                );
                out.put("article", &view);
            }
            PageKey::Home(n) => {
                let per = config.paginate.max(1);
                let total = self.summaries.len().div_ceil(per).max(1);
                let items: Vec<&ArticleSummary> = self
                    .summaries
                    .iter()
                    .map(|s| &**s)
                    .skip((n - 1) * per)
                    .take(per)
                    .collect();
                let pagination = Pagination::new(*n, total, |n| base.href(&routes::home(n)).into());
                out.put("articles", &items);
                out.put("pagination", &pagination);
            }
            PageKey::Page(_) => {
                let page = &site.pages[self.item(p)];
                let view = PageView {
                    title: page.title.clone(),
                    content: page.html.clone(),
                    url: base.href(&routes::page(&page.slug)).into(),
                };
                out.put("page", &view);
            }
            PageKey::Tags => {
                let counts: Vec<TagCount> = self
                    .tags
                    .iter()
                    .map(|(_, t, v)| TagCount {
                        tag: (*t).clone(),
                        count: v.len(),
                    })
                    .collect();
                out.put("tags", &counts);
            }
            PageKey::Tag(slug) => {
                let (_, tag, list) = &self.tags[self.item(p)];
                let view = TagView {
                    tag: (*tag).clone(),
                    feed_url: if config.feed {
                        base.href(&routes::tag_feed(slug)).into()
                    } else {
                        String::new()
                    },
                };
                let list: Vec<&ArticleSummary> =
                    list.iter().map(|&i| &*self.summaries[i]).collect();
                out.put("tag", &view);
                out.put("articles", &list);
            }
            PageKey::TagFeed(slug) => {
                let (_, tag, list) = &self.tags[self.item(p)];
                let title = format!("{} — {}", config.title, tag.name);
                let feed =
                    self.feed_view(list, &title, &routes::tag(slug), &routes::tag_feed(slug));
                out.put("feed", &feed);
            }
            PageKey::Feed => {
                let all: Vec<usize> = (0..site.articles.len()).collect();
                let feed = self.feed_view(&all, &config.title, &routes::home(1), &routes::feed());
                out.put("feed", &feed);
            }
            PageKey::Quotes => {
                // The quote index lists every speaker, but at most five
                // quotes each and the latest few hundred by date: a
                // newsroom's archive of 50,000 quotes would otherwise make
                // one page of 50 MB. Every quote stays one click away, on
                // its speaker's page, and all are in /quotes.json.
                let speakers: Vec<SpeakerQuotes> = index
                    .speakers
                    .iter()
                    .map(|s| SpeakerQuotes {
                        entry: EntryRef::new(&g.entries[s.entry], base),
                        letter: s.letter.clone(),
                        quotes: s
                            .quotes
                            .iter()
                            .take(INDEX_QUOTES_PER_SPEAKER)
                            .map(|&q| self.quote(q).clone())
                            .collect(),
                        total: s.quotes.len(),
                    })
                    .collect();
                let latest: Vec<&QuoteView> = index
                    .by_date
                    .iter()
                    .take(INDEX_QUOTES_BY_DATE)
                    .map(|&q| self.quote(q))
                    .collect();
                out.put("speakers", &speakers);
                out.put("by_date", &latest);
                out.put("letters", &index.quote_letters);
                out.put("count", &index.by_date.len());
            }
            PageKey::Glossary => {
                let letters: Vec<Letter<GlossaryItem>> = index
                    .glossary_letters
                    .iter()
                    .map(|l| Letter {
                        letter: l.letter.clone(),
                        entries: l
                            .entries
                            .iter()
                            .map(|item| GlossaryItem {
                                entry: EntryRef::new(&g.entries[item.entry], base),
                                quote_count: item.quote_count,
                                mention_count: item.mention_count,
                            })
                            .collect(),
                    })
                    .collect();
                out.put("letters", &letters);
                out.put("people", &index.people);
                out.put("organisations", &index.organisations);
            }
            PageKey::Sources(n) => {
                // The sources index, in pages: a newsroom cites tens of
                // thousands of documents, and one page of them all would be
                // tens of megabytes.
                let total = index.sources.len().div_ceil(SOURCES_PER_PAGE).max(1);
                let chunk: Vec<CitedSource> = index
                    .sources
                    .iter()
                    .skip((n - 1) * SOURCES_PER_PAGE)
                    .take(SOURCES_PER_PAGE)
                    .map(|s| self.cited_source(s))
                    .collect();
                let pagination =
                    Pagination::new(*n, total, |n| base.href(&routes::sources(n)).into());
                out.put("sources", &chunk);
                out.put("count", &index.sources.len());
                out.put("first", &((n - 1) * SOURCES_PER_PAGE + 1));
                out.put("pagination", &pagination);
            }
            PageKey::Sitemap => out.put("urls", &self.sitemap),
            PageKey::Entry(_) => {
                let i = self.item(p);
                out.put("entry", &self.entry_view(i));
                out.put(
                    "entry_json_ld",
                    &jsonld::entry(config, &site.glossary.entries[i]),
                );
            }
            _ => {}
        }
    }

    /// Fills the context and renders the page into `sink`, adding the time
    /// it took to its template's in `times`. The context is filled on the
    /// thread that renders the page: turning a big listing into Tera's JSON
    /// values costs as much as rendering it.
    fn render_page(
        &self,
        p: &PlannedFile,
        theme: &Theme,
        site: &SiteView,
        sink: &dyn Sink,
        times: &TemplateTimes,
        cache: Option<(&crate::cache::Cache, Fingerprint, Stored)>,
    ) -> Result<(), Diagnostic> {
        use crate::cache::Kind;
        let started = std::time::Instant::now();
        let template = p.template.expect("only templates are rendered here");
        match cache {
            Some((c, key, Stored::Object)) => {
                if let Some(bytes) = c.get(Kind::Page, key) {
                    let written = put(sink, p.path.clone(), bytes);
                    times.add(template, started.elapsed());
                    return written;
                }
            }
            Some((c, key, Stored::InOutput)) => {
                let kept = match c.written(key) {
                    Some(hash) => sink
                        .keep(&p.path, hash)
                        .map_err(|e| write_error(&p.path, e))?,
                    None => false,
                };
                c.counted(kept);
                if kept {
                    times.add(template, started.elapsed());
                    return Ok(());
                }
            }
            None => {}
        }
        let mut context = tera::Context::new();
        context.insert("site", site);
        context.insert("page_url", &self.page_url(p));
        self.fill(p, &mut context);
        let html = theme
            .tera()
            .render(template, &context)
            .map_err(|e| theme.render_error(template, &e, &context))?;
        drop(context);
        match cache {
            Some((c, key, Stored::Object)) => c.put(Kind::Page, key, html.as_bytes()),
            Some((c, key, Stored::InOutput)) => c.remember(key, html.as_bytes()),
            None => {}
        }
        let written = put(sink, p.path.clone(), html.into_bytes());
        times.add(template, started.elapsed());
        written
    }

    /// A feed of the articles at these positions (the first
    /// [`FEED_ENTRIES`] of them as its entries).
    fn feed_view(&self, idx: &[usize], title: &str, url: &str, self_url: &str) -> FeedView {
        let (config, content, site) = (self.config, self.content, self.site);
        let entries: Vec<FeedEntry> = idx
            .iter()
            .take(FEED_ENTRIES)
            .map(|&i| {
                let a = &site.articles[i];
                let permalink = config.permalink(&a.url());
                FeedEntry {
                    summary: (*self.summaries[i]).clone(),
                    updated: a.updated.as_ref().unwrap_or(&a.date).rfc3339(),
                    content: self.feed_bodies[i]
                        .get_or_init(|| body::feed_entry(config, content, site, a, &permalink))
                        .clone(),
                    permalink,
                }
            })
            .collect();
        let updated = last_change(site, idx)
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

    /// A source of the sources index with every article that cites it.
    fn cited_source(&self, s: &crate::index::CitedSource) -> CitedSource {
        let site = self.site;
        let (fa, fs) = s.citations[0];
        CitedSource {
            source: SourceView::new(&site.articles[fa].sources[fs]),
            citations: s
                .citations
                .iter()
                .map(|&(ai, si)| {
                    let a = &site.articles[ai];
                    Citation {
                        article: ArticleRef::new(a, &site.base),
                        notes: a
                            .notes
                            .iter()
                            .filter(|n| n.source == Some(si))
                            .map(|n| NoteLink {
                                number: n.number,
                                url: format!("{}#sn-{}", site.base.href(&a.url()), n.number),
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }

    /// The page of glossary entry `i`.
    fn entry_view(&self, i: EntryIdx) -> EntryView<'a> {
        let (site, index) = (self.site, self.index);
        let g = &site.glossary;
        let e = &g.entries[i];
        let refs = |ids: &[EntryIdx]| -> Vec<EntryRef> {
            sorted_entries(site, ids.iter().copied())
                .into_iter()
                .map(|a| EntryRef::new(&g.entries[a], &site.base))
                .collect()
        };
        EntryView {
            entry: EntryRef::new(e, &site.base),
            description: &e.description_html,
            aliases: &e.aliases,
            wikidata_url: if e.wikidata.is_empty() {
                String::new()
            } else {
                format!("https://www.wikidata.org/wiki/{}", e.wikidata)
            },
            links: e
                .links
                .iter()
                .filter(|l| crate::url_safety::is_safe(&l.url))
                .map(|l| LinkView {
                    title: l.title.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            affiliations: refs(&e.affiliations),
            members: refs(&index.members[i]),
            quotes: index.quotes_of(i).iter().map(|&q| self.quote(q)).collect(),
            mentions: index.mentions[i]
                .iter()
                .map(|(ai, quoted)| {
                    let a = &site.articles[*ai];
                    MentionGroup {
                        article: ArticleRef::new(a, &site.base),
                        contexts: quoted
                            .iter()
                            .map(|&mi| {
                                let m = &a.mentions[mi];
                                Context3 {
                                    before: &m.before,
                                    text: &m.text,
                                    after: &m.after,
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
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
    html: &'a str,
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
        content: html,
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

/// The latest change (`updated`, else `date`) of the articles at `list`
/// (positions in `site.articles`): a feed's `updated`, and what its plan
/// entry hashes.
fn last_change<'s>(site: &'s Site, list: &[usize]) -> Option<&'s crate::frontmatter::Date> {
    list.iter()
        .map(|&i| {
            let a = &site.articles[i];
            a.updated.as_ref().unwrap_or(&a.date)
        })
        .max()
}
