//! Full-text search: Pagefind indexes of the articles, glossary entries and
//! quotes, built during the build and written under `/pagefind/`, with
//! Pagefind's own search UI. Nothing is fetched from elsewhere at run time.
//!
//! Takes the resolved site and its index; hands each file of the index to a
//! writer as soon as it is made. The records are cut into shards of
//! `search_records_per_shard` (articles, then entries, then quotes, each in
//! the site's order), and each shard is its own Pagefind bundle: the first
//! at `pagefind/`, shard `n` at `pagefind/shard-n/`. A shard is built and
//! written before the next one starts, so the indexer holds one shard, not
//! the site. `pagefind/shards.json` lists the other bundles; the search page
//! merges them into the first (Pagefind's `mergeIndex`).
//!
//! The index is built from resolved data, as plain records (text, title,
//! type filter), not from rendered pages: Pagefind parses no HTML.

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
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
/// Returns the number of shards written.
pub fn build(
    config: &Config,
    site: &Site,
    index: &Index,
    body: &BodyOf<'_>,
    write: &Writer<'_>,
    progress: &dyn Progress,
) -> Result<usize, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the search indexer: {e}")))?;
    let records = Records { site, index, body };
    let per_shard = config.search_records_per_shard.max(1);
    let shards = records.len().div_ceil(per_shard).max(1);
    let mut others = Vec::new();
    progress.start(Stage::Search, shards);
    for n in 0..shards {
        let dir = shard_dir(n);
        if n > 0 {
            others.push(format!("{}/", dir.trim_start_matches("pagefind/")));
        }
        let range = n * per_shard..((n + 1) * per_shard).min(records.len());
        let files = runtime.block_on(shard(config, &records, range))?;
        for (name, bytes) in files {
            // The search page loads Pagefind's script and its UI from the
            // first bundle only; the others need just their index.
            if n > 0 && is_ui(&name) {
                continue;
            }
            write(format!("{dir}/{name}"), bytes)?;
        }
        progress.step(Stage::Search);
    }
    progress.finish(Stage::Search);
    let list = serde_json::to_vec(&others).expect("a list of strings serialises");
    write("pagefind/shards.json".to_string(), list)?;
    Ok(shards)
}

/// The output folder of shard `n`.
fn shard_dir(n: usize) -> String {
    if n == 0 {
        "pagefind".to_string()
    } else {
        format!("pagefind/shard-{n}")
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

/// Every record of the site, made one at a time when asked for, so only a
/// shard's worth of text exists at once beyond the site itself.
struct Records<'a> {
    site: &'a Site,
    index: &'a Index,
    body: &'a BodyOf<'a>,
}

impl Records<'_> {
    fn len(&self) -> usize {
        self.site.articles.len() + self.site.glossary.entries.len() + self.index.by_date.len()
    }

    fn get(&self, i: usize) -> Record {
        let site = self.site;
        let articles = site.articles.len();
        let entries = site.glossary.entries.len();
        if i < articles {
            let a = &site.articles[i];
            return Record {
                url: site.base.href(&a.url()).into(),
                title: a.title.clone(),
                text: format!("{}\n{}", a.title, text_of(&(self.body)(a))),
                kind: "Article",
            };
        }
        if i < articles + entries {
            let e = &site.glossary.entries[i - articles];
            return Record {
                url: site.base.href(&e.url()).into(),
                title: e.name.clone(),
                text: format!("{}\n{}\n{}", e.name, e.role, text_of(&e.description_html)),
                kind: "Glossary",
            };
        }
        let at = &self.index.by_date[i - articles - entries];
        let a = &site.articles[at.article];
        let q = &a.quotes[at.quote];
        let speaker = &site.glossary.entries[q.speaker].name;
        Record {
            url: format!("{}#{}", site.base.href(&a.url()), q.id),
            title: format!("{}: “{}”", speaker, q.text),
            text: format!("{} {} {} {}", q.text, speaker, q.context, a.title),
            kind: "Quote",
        }
    }
}

/// The files of one shard's bundle, by name inside it, sorted.
async fn shard(
    config: &Config,
    records: &Records<'_>,
    range: std::ops::Range<usize>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail =
        |e: &dyn std::fmt::Display| Diagnostic::error(format!("search indexing failed: {e}"));
    let options = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language(config.language.clone())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| fail(&e))?;
    // The shard's records, made on every core (an article's text may be its
    // body written anew, see `BodyOf`); the indexer takes them one by one.
    let made: Vec<Record> = {
        use rayon::prelude::*;
        range.into_par_iter().map(|i| records.get(i)).collect()
    };
    for r in made {
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
