//! Full-text search: Pagefind indexes of the articles, glossary entries and
//! quotes, built during the build and written under `/pagefind/`, with
//! Pagefind's own search UI. Nothing is fetched from elsewhere at run time.
//!
//! Takes the resolved site and its index; hands each file of the index to a
//! writer as soon as it is made. The records are cut into shards of
//! `search_records_per_shard`, and each shard is its own Pagefind bundle:
//! the first at `pagefind/`, shard `n` at `pagefind/shard-n/`. A shard is
//! built and written before the next one starts, so the indexer holds one
//! shard, not the site. `pagefind/shards.json` lists every bundle with what
//! it holds (articles, with the dates of the oldest and the newest, or
//! glossary entries). The search page does not load them all: a reader's
//! query runs on the glossary bundles and the newest article bundle, and
//! reaches back one older bundle at a time (Pagefind's `mergeIndex`) only
//! while it has fewer results than a page shows, or when the reader asks
//! for older articles. So what a query downloads is bounded by a bundle,
//! not by the archive.
//!
//! The records come in two runs, each cut into shards of its own: the
//! articles from the oldest (date, then slug), each followed by its quotes,
//! then the glossary entries in the glossary's order. So a new article lands
//! in the last article shard and a new entry moves only the entry shards
//! after it: every other shard has the same records as in the last build,
//! and with the build cache ([`crate::cache`]) it is not indexed again but
//! read back, keyed by the fingerprint of its records.
//!
//! The index is built from resolved data, as plain records (text, title,
//! type filter), not from rendered pages: Pagefind parses no HTML.

use crate::annotate::{ResolvedArticle, Site};
use crate::cache::{Cache, Kind};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::hash::{Fingerprint, FingerprintBuilder};
use crate::progress::{Progress, Stage};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Where each index file goes: its output path (`pagefind/...`) and bytes.
pub type Writer<'a> = dyn Fn(String, Vec<u8>) -> Result<(), Diagnostic> + Sync + 'a;

/// An article's body HTML, as its page has it: render keeps it or writes it
/// again (a one-shot build keeps no body), so a record's text exists only
/// while its shard is built.
pub type BodyOf<'a> = dyn for<'r> Fn(&'r ResolvedArticle) -> Cow<'r, str> + Sync + 'a;

/// Builds the index shard by shard and writes each file through `write`.
/// With a `cache`, a shard whose records are those of a shard of the last
/// build is read from it instead of indexed. Returns the number of shards
/// written.
pub fn build(
    config: &Config,
    site: &Site,
    body: &BodyOf<'_>,
    write: &Writer<'_>,
    progress: &dyn Progress,
    cache: Option<&Cache>,
) -> Result<usize, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the search indexer: {e}")))?;
    let records = Records::new(site, body);
    let per_shard = config.search_records_per_shard.max(1);
    let ranges = records.shards(per_shard);
    let list = records.bundles(&ranges);
    progress.start(Stage::Search, ranges.len());
    for (n, range) in ranges.into_iter().enumerate() {
        let dir = shard_dir(n);
        // Keyed on what its records are made from, so a shard read back
        // makes no record (an article's text would be its body written
        // anew).
        let key = cache.map(|_| records.fingerprint(config, n == 0, range.clone()));
        let cached = cache
            .zip(key)
            .and_then(|(c, k)| c.get(Kind::Shard, k))
            .and_then(|bytes| crate::cache::unpack(&bytes));
        let files = match cached {
            Some(files) => files,
            None => {
                // The shard's records, made on every core just before it is
                // built (see `BodyOf`), and dropped with it.
                let made = records.make(range);
                let files = runtime.block_on(shard(config, made))?;
                // The search page loads Pagefind's script and its UI from
                // the first bundle only; the others need just their index.
                let files: Vec<(String, Vec<u8>)> = files
                    .into_iter()
                    .filter(|(name, _)| n == 0 || !is_ui(name))
                    .collect();
                if let (Some(c), Some(k)) = (cache, key) {
                    c.put(Kind::Shard, k, &crate::cache::pack(&files));
                }
                files
            }
        };
        for (name, bytes) in files {
            write(format!("{dir}/{name}"), bytes)?;
        }
        progress.step(Stage::Search);
    }
    progress.finish(Stage::Search);
    let count = list.len();
    let list = serde_json::to_vec(&list).expect("a list of bundles serialises");
    write("pagefind/shards.json".to_string(), list)?;
    Ok(count)
}

/// One bundle as `pagefind/shards.json` lists it, for the search page.
#[derive(serde::Serialize)]
struct Bundle {
    /// Its folder inside `pagefind/`: `""` for the first, `"shard-n/"`.
    path: String,
    /// `"articles"` (articles and their quotes) or `"glossary"`.
    holds: &'static str,
    /// The dates of its oldest and newest article (`YYYY-MM-DD`), so the
    /// page can say how far back its results reach; none for the glossary.
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
}

/// The output folder of shard `n`.
fn shard_dir(n: usize) -> String {
    format!("pagefind/{}", bundle_path(n))
        .trim_end_matches('/')
        .to_string()
}

/// The folder of shard `n` inside `pagefind/`, as `shards.json` names it:
/// `""` for the first, `"shard-n/"` for the others.
fn bundle_path(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!("shard-{n}/"),
    }
}

/// Pagefind's UI files, the same in every bundle.
fn is_ui(name: &str) -> bool {
    name.starts_with("pagefind-") && name.contains("ui.") || name == "pagefind-highlight.js"
}

/// One search result as Pagefind stores it.
struct Record {
    url: String,
    title: String,
    text: String,
    kind: &'static str,
}

/// Where a record comes from.
#[derive(Clone, Copy)]
enum RecordAt {
    /// `site.articles[i]`.
    Article(usize),
    /// Quote `q` of `site.articles[i]`.
    Quote(usize, usize),
    /// `site.glossary.entries[e]`.
    Entry(usize),
}

/// Every record of the site in shard order (see the module's doc), each
/// made only when asked for, so only a shard's worth of text exists at once
/// beyond the site itself.
struct Records<'a> {
    site: &'a Site,
    body: &'a BodyOf<'a>,
    order: Vec<RecordAt>,
    /// How many of `order` are articles and their quotes (the entries follow).
    articles: usize,
}

impl<'a> Records<'a> {
    fn new(site: &'a Site, body: &'a BodyOf<'a>) -> Records<'a> {
        let mut oldest_first: Vec<usize> = (0..site.articles.len()).collect();
        oldest_first.sort_by(|&a, &b| {
            let (a, b) = (&site.articles[a], &site.articles[b]);
            a.date.cmp(&b.date).then_with(|| a.slug.cmp(&b.slug))
        });
        let mut order = Vec::new();
        for i in oldest_first {
            order.push(RecordAt::Article(i));
            order.extend((0..site.articles[i].quotes.len()).map(|q| RecordAt::Quote(i, q)));
        }
        let articles = order.len();
        order.extend((0..site.glossary.entries.len()).map(RecordAt::Entry));
        Records {
            site,
            body,
            order,
            articles,
        }
    }

    /// The ranges of `order` each shard holds: the article run, then the
    /// entry run, each cut every `per_shard` records. A site whose records
    /// all fit in one shard has one (a query then fetches one bundle), and
    /// a site with no record one empty shard.
    #[expect(
        clippy::single_range_in_vec_init,
        reason = "one shard holding every record, not a list of indexes"
    )]
    fn shards(&self, per_shard: usize) -> Vec<std::ops::Range<usize>> {
        if self.order.len() <= per_shard {
            return vec![0..self.order.len()];
        }
        let mut ranges = Vec::new();
        for run in [0..self.articles, self.articles..self.order.len()] {
            let mut start = run.start;
            while start < run.end {
                let end = (start + per_shard).min(run.end);
                ranges.push(start..end);
                start = end;
            }
        }
        ranges
    }

    /// What each shard of `ranges` holds, for `pagefind/shards.json`. A
    /// shard of the article run holds articles and their quotes only (a cut
    /// may fall between an article and its quotes), so its dates are those
    /// of the articles its records come from; a site
    /// small enough for one shard has one bundle, listed as articles when
    /// it has any.
    fn bundles(&self, ranges: &[std::ops::Range<usize>]) -> Vec<Bundle> {
        ranges
            .iter()
            .enumerate()
            .map(|(n, range)| {
                let dates: Vec<_> = self.order[range.clone()]
                    .iter()
                    .filter_map(|at| match at {
                        RecordAt::Article(i) | RecordAt::Quote(i, _) => {
                            Some(&self.site.articles[*i].date)
                        }
                        RecordAt::Entry(_) => None,
                    })
                    .collect();
                Bundle {
                    path: bundle_path(n),
                    holds: if dates.is_empty() {
                        "glossary"
                    } else {
                        "articles"
                    },
                    from: dates.iter().min().map(|d| d.to_string()),
                    to: dates.iter().max().map(|d| d.to_string()),
                }
            })
            .collect()
    }

    /// What the bundle of the shard of `range` is made from: whether it is
    /// the first (which keeps Pagefind's UI files), the language Pagefind
    /// is told, and its records; an article's record not by its text,
    /// which is its body written anew, but by what that is made from: its
    /// file's text ([`ResolvedArticle::text`]), the glossary's shape and
    /// the configuration a body's words depend on (Markdown, linking; the
    /// base URL is in its address). Pagefind's version is in the binary,
    /// which the cache keys on.
    fn fingerprint(
        &self,
        config: &Config,
        first: bool,
        range: std::ops::Range<usize>,
    ) -> Fingerprint {
        use rayon::prelude::*;
        let site = self.site;
        let mut f = FingerprintBuilder::default();
        f.add(&first).add(&config.language);
        {
            use std::io::Write as _;
            write!(f, "{:?} {:?}", config.markdown, config.glossary)
                .expect("a fingerprint takes any text");
        }
        site.glossary.add_shape(&mut f);
        // Quotes and entries are made from the resolved site, cheaply.
        let prints: Vec<Fingerprint> = range
            .into_par_iter()
            .map(|i| {
                let mut f = FingerprintBuilder::default();
                match self.order[i] {
                    RecordAt::Article(i) => {
                        let a = &site.articles[i];
                        let url: String = site.base.href(&a.url()).into();
                        f.add(&url)
                            .add(&a.title)
                            .bytes(&a.text.0.to_le_bytes())
                            .add("Article");
                    }
                    _ => {
                        let r = self.get(i);
                        f.add(&r.url).add(&r.title).add(&r.text).add(r.kind);
                    }
                }
                f.finish()
            })
            .collect();
        for p in prints {
            f.bytes(&p.0.to_le_bytes());
        }
        f.finish()
    }

    /// The records of `range`, made on every core.
    fn make(&self, range: std::ops::Range<usize>) -> Vec<Record> {
        use rayon::prelude::*;
        range.into_par_iter().map(|i| self.get(i)).collect()
    }

    fn get(&self, i: usize) -> Record {
        let site = self.site;
        match self.order[i] {
            RecordAt::Article(i) => {
                let a = &site.articles[i];
                Record {
                    url: site.base.href(&a.url()).into(),
                    title: a.title.clone(),
                    text: sentences(&[&a.title, &text_of(&(self.body)(a))]),
                    kind: "Article",
                }
            }
            RecordAt::Entry(e) => {
                let e = &site.glossary.entries[e];
                Record {
                    url: site.base.href(&e.url()).into(),
                    title: e.name.clone(),
                    text: sentences(&[&e.name, &e.role, &text_of(&e.description_html)]),
                    kind: "Glossary",
                }
            }
            RecordAt::Quote(i, q) => {
                let a = &site.articles[i];
                let q = &a.quotes[q];
                let speaker = &site.glossary.entries[q.speaker].name;
                Record {
                    url: format!("{}#{}", site.base.href(&a.url()), q.id),
                    title: format!("{}: “{}”", speaker, q.text),
                    text: sentences(&[&format!("“{}”", q.text), speaker, &q.context, &a.title]),
                    kind: "Quote",
                }
            }
        }
    }
}

/// A record's fields as one text, each ended as a sentence: Pagefind's
/// excerpts show the text with its line breaks as spaces, so a title, a
/// role or a speaker run straight into the next field ("Harbour budget The
/// council...") unless something ends them. A field that already ends in a
/// full stop, question or exclamation mark (or such a mark inside closing
/// quotes) gets a space only; empty fields are left out.
fn sentences(fields: &[&str]) -> String {
    let mut out = String::new();
    for field in fields.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        if !out.is_empty() {
            let ended = out
                .trim_end_matches(['”', '’', '"', '\'', ')'])
                .ends_with(['.', '!', '?', '…', ':']);
            out.push_str(if ended { " " } else { ". " });
        }
        out.push_str(field);
    }
    out
}

/// The files of one shard's bundle, made from its `records`, by name inside
/// it, sorted.
async fn shard(
    config: &Config,
    records: Vec<Record>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail =
        |e: &dyn std::fmt::Display| Diagnostic::error(format!("search indexing failed: {e}"));
    let options = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language(config.language.clone())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| fail(&e))?;
    for r in records {
        let meta = BTreeMap::from([("title".to_string(), r.title)]);
        let filters = BTreeMap::from([("type".to_string(), vec![r.kind.to_string()])]);
        index
            .add_custom_record(
                r.url,
                r.text,
                config.language.clone(),
                Some(meta),
                Some(filters),
                None,
            )
            .await
            .map_err(|e| fail(&e))?;
    }
    let files = index.get_files().await.map_err(|e| fail(&e))?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|f| {
            let name = f
                .filename
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (name, f.contents)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The text of HTML that gloss made itself (well-formed, attributes quoted):
/// tags dropped, block ends as line breaks, the entities `escape` writes
/// decoded. An element marked `data-pagefind-ignore` (a note's number, its
/// sidenote, a `#` link) is left out whole, as Pagefind leaves it out of a
/// page it reads: a result's excerpt is the article's own words.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Inside an ignored element: its name, and how many elements of that
    // name are open inside it.
    let mut ignored: Option<(&str, usize)> = None;
    while let Some(open) = rest.find('<') {
        if ignored.is_none() {
            out.push_str(&rest[..open]);
        }
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if let Some((inside, depth)) = ignored.as_mut() {
            if name == *inside {
                if tag.starts_with('/') {
                    if *depth == 0 {
                        ignored = None;
                    } else {
                        *depth -= 1;
                    }
                } else if !tag.ends_with('/') {
                    *depth += 1;
                }
            }
            rest = &rest[open + close + 1..];
            continue;
        }
        if !tag.starts_with('/') && !tag.ends_with('/') && tag.contains("data-pagefind-ignore") {
            ignored = Some((name, 0));
        } else if tag.starts_with('/')
            && matches!(
                tag[1..].split_ascii_whitespace().next(),
                Some(
                    "p" | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "blockquote"
                        | "pre"
                        | "td"
                        | "th"
                        | "div"
                )
            )
        {
            out.push('\n');
        } else if tag.starts_with("br") {
            out.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    if ignored.is_none() {
        out.push_str(rest);
    }
    decode(&out)
}

/// Decodes the character references gloss's HTML contains.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_ended_as_sentences_so_excerpts_do_not_run_them_together() {
        assert_eq!(
            super::sentences(&["Council passes the budget", "The vote was 7 to 4."]),
            "Council passes the budget. The vote was 7 to 4."
        );
        assert_eq!(
            super::sentences(&["Who pays?", "", "“We will.”", "Ana Lima"]),
            "Who pays? “We will.” Ana Lima"
        );
    }

    use super::*;

    #[test]
    fn text_of_html_drops_tags_and_decodes_entities() {
        let html = "<p>Fish &amp; chips<sup><a href=\"#fn-1\">1</a></sup></p><ul><li>&lt;a&gt; &#39;b&#x27;</li></ul>";
        assert_eq!(text_of(html), "Fish & chips1\n<a> 'b'\n");
    }

    #[test]
    fn text_of_html_leaves_out_what_pagefind_would_ignore() {
        let html = "<p>Four<sup class=\"note-ref\" data-pagefind-ignore><a href=\"#sn-1\">1</a></sup><span class=\"sidenote\" data-pagefind-ignore><span>1</span> The roll <span>call</span>.</span>, after a debate.</p>";
        assert_eq!(text_of(html), "Four, after a debate.\n");
    }

    #[test]
    fn shards_after_the_first_sit_in_their_own_folders() {
        assert_eq!(shard_dir(0), "pagefind");
        assert_eq!(shard_dir(3), "pagefind/shard-3");
    }
}
