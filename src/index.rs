//! Index: the site-wide indexes as plain data, built from the resolved
//! [`Site`] alone. Takes the site; returns an [`Index`] of positions into
//! `site.articles`, their quotes, mentions and sources, and
//! `site.glossary.entries`. It knows nothing of templates or views: render
//! turns it into pages, search and the JSON files read it too.
//!
//! Every list has a total order, documented where it is sorted.

use crate::annotate::Site;
use crate::content::Kind;
use crate::glossary::{Entry, EntryIdx};
use crate::routes;
use std::collections::BTreeMap;

/// One quote: `site.articles[article].quotes[quote]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuoteAt {
    pub article: usize,
    pub quote: usize,
}

/// The site-wide indexes; see the module docs.
#[derive(Debug)]
pub struct Index {
    /// Speakers A-Z (by [`sort_name`], then entry), each with every quote.
    pub speakers: Vec<Speaker>,
    /// Every quote, newest first (by the date said, else the article's),
    /// then by id.
    pub by_date: Vec<QuoteAt>,
    /// The letters of `speakers`, in order, each once.
    pub quote_letters: Vec<String>,
    /// Every glossary entry A-Z, grouped by letter.
    pub glossary_letters: Vec<Letter>,
    pub people: usize,
    pub organisations: usize,
    /// Per glossary entry: the articles that mention it, newest first, each
    /// with the mentions its page quotes (indexes into `mentions`).
    pub mentions: Vec<Vec<(usize, Vec<usize>)>>,
    /// Per glossary entry: its index in `speakers`, if it said anything.
    pub speaker_of: Vec<Option<usize>>,
    /// Per glossary entry: the entries affiliated with it.
    pub members: Vec<Vec<EntryIdx>>,
    /// Every cited source, merged across articles; see [`CitedSource`].
    pub sources: Vec<CitedSource>,
}

/// A speaker and every quote of theirs, newest first.
#[derive(Debug)]
pub struct Speaker {
    pub entry: EntryIdx,
    pub letter: String,
    pub quotes: Vec<QuoteAt>,
}

/// One letter of the glossary A-Z.
#[derive(Debug)]
pub struct Letter {
    pub letter: String,
    pub entries: Vec<GlossaryItem>,
}

/// One entry of the glossary A-Z with its counts.
#[derive(Debug)]
pub struct GlossaryItem {
    pub entry: EntryIdx,
    pub quote_count: usize,
    pub mention_count: usize,
}

/// A source cited by one or more articles, merged by URL (else by title and
/// publisher); sorted by title, then URL. `citations` are
/// `(article, source)` positions (`site.articles[article].sources[source]`)
/// in article order; the first is the one shown.
#[derive(Debug)]
pub struct CitedSource {
    pub citations: Vec<(usize, usize)>,
}

/// Builds every index.
pub(crate) fn build(site: &Site) -> Index {
    let g = &site.glossary;
    // Each quote with its sort key beside it (when it was said, else the
    // article's date; then its id), so that sorting 50,000 quotes compares
    // keys at hand instead of looking both quotes up at every comparison.
    type Keyed<'a> = (&'a crate::frontmatter::Date, &'a str, QuoteAt);
    let newest_first = |a: &Keyed, b: &Keyed| b.0.cmp(a.0).then_with(|| a.1.cmp(b.1));
    let mut by_date: Vec<Keyed> = Vec::new();
    let mut by_speaker: BTreeMap<EntryIdx, Vec<Keyed>> = BTreeMap::new();
    for (ai, a) in site.articles.iter().enumerate() {
        for (qi, q) in a.quotes.iter().enumerate() {
            let at = QuoteAt {
                article: ai,
                quote: qi,
            };
            let keyed = (q.said.as_ref().unwrap_or(&a.date), q.id.as_str(), at);
            by_date.push(keyed);
            by_speaker.entry(q.speaker).or_default().push(keyed);
        }
    }
    by_date.sort_by(newest_first);
    let by_date: Vec<QuoteAt> = by_date.into_iter().map(|k| k.2).collect();
    let mut by_speaker: BTreeMap<EntryIdx, Vec<QuoteAt>> = by_speaker
        .into_iter()
        .map(|(e, mut v)| {
            v.sort_by(newest_first);
            (e, v.into_iter().map(|k| k.2).collect())
        })
        .collect();
    let speakers: Vec<Speaker> = sorted_entries(site, by_speaker.keys().copied())
        .into_iter()
        .map(|e| Speaker {
            entry: e,
            letter: letter_of(&sort_name(&g.entries[e])),
            quotes: by_speaker.remove(&e).unwrap_or_default(),
        })
        .collect();
    let mut quote_letters: Vec<String> = speakers.iter().map(|s| s.letter.clone()).collect();
    quote_letters.dedup();
    let mut speaker_of = vec![None; g.entries.len()];
    for (i, s) in speakers.iter().enumerate() {
        speaker_of[s.entry] = Some(i);
    }

    // Mentions per entry: article order is newest first already.
    let mut mentions: Vec<Vec<(usize, Vec<usize>)>> = vec![Vec::new(); g.entries.len()];
    let mut mention_counts = vec![0usize; g.entries.len()];
    for (ai, a) in site.articles.iter().enumerate() {
        let mut per: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (mi, m) in a.mentions.iter().enumerate() {
            mention_counts[m.entry] += 1;
            let list = per.entry(m.entry).or_default();
            if list.len() < crate::annotate::MENTIONS_PER_ARTICLE {
                list.push(mi);
            }
        }
        for (e, quoted) in per {
            mentions[e].push((ai, quoted));
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); g.entries.len()];
    for (i, e) in g.entries.iter().enumerate() {
        for &a in &e.affiliations {
            members[a].push(i);
        }
    }

    let mut letters: Vec<Letter> = Vec::new();
    for i in sorted_entries(site, 0..g.entries.len()) {
        let letter = letter_of(&sort_name(&g.entries[i]));
        let item = GlossaryItem {
            entry: i,
            quote_count: speaker_of[i].map_or(0, |s: usize| speakers[s].quotes.len()),
            mention_count: mention_counts[i],
        };
        match letters.last_mut() {
            Some(l) if l.letter == letter => l.entries.push(item),
            _ => letters.push(Letter {
                letter,
                entries: vec![item],
            }),
        }
    }
    let people = g.entries.iter().filter(|e| e.kind == Kind::Person).count();

    // Sources, merged across articles by URL (else by title and publisher),
    // sorted by title, then URL.
    let mut cited: BTreeMap<(String, String), CitedSource> = BTreeMap::new();
    for (ai, a) in site.articles.iter().enumerate() {
        for (si, s) in a.sources.iter().enumerate() {
            let key = if s.url.is_empty() {
                (
                    s.title.to_lowercase(),
                    format!("{}\u{0}{}", s.title, s.publisher),
                )
            } else {
                (s.title.to_lowercase(), s.url.clone())
            };
            cited
                .entry(key)
                .or_insert_with(|| CitedSource {
                    citations: Vec::new(),
                })
                .citations
                .push((ai, si));
        }
    }
    Index {
        speakers,
        by_date,
        quote_letters,
        glossary_letters: letters,
        people,
        organisations: g.entries.len() - people,
        mentions,
        speaker_of,
        members,
        sources: cited.into_values().collect(),
    }
}

impl Index {
    /// The quotes of glossary entry `i`, newest first.
    pub fn quotes_of(&self, i: EntryIdx) -> &[QuoteAt] {
        self.speaker_of[i].map_or(&[], |s| &self.speakers[s].quotes[..])
    }

    /// The articles whose content glossary entry `i`'s page shows (those
    /// that mention or quote it), as positions in `site.articles`, sorted.
    pub fn articles_of_entry(&self, i: EntryIdx) -> Vec<usize> {
        let mut v: Vec<usize> = self.mentions[i].iter().map(|(a, _)| *a).collect();
        v.extend(self.quotes_of(i).iter().map(|q| q.article));
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Entry ids sorted by the A-Z key ([`sort_name`], then id), each once.
pub(crate) fn sorted_entries(
    site: &Site,
    ids: impl IntoIterator<Item = EntryIdx>,
) -> Vec<EntryIdx> {
    let g = &site.glossary;
    let mut v: Vec<EntryIdx> = ids.into_iter().collect();
    // The key made once per entry, not twice per comparison.
    v.sort_by_cached_key(|&e| (sort_name(&g.entries[e]), e));
    v.dedup();
    v
}

/// Whether an index built from `last` serves `site` as well: every input of
/// [`build`] is the same. Those are, by position in `site.articles`, each
/// article's date, its quotes' ids, speakers and dates, its mentions'
/// entries and its sources' titles, publishers and URLs; and each glossary
/// entry's name, kind and affiliations. An article shared with `last` (the
/// same `Arc`, as a serve update shares every article it did not resolve
/// again) is the same; another is compared on those fields. A title, tag or
/// body edit keeps the index; a date edit (a new order) does not.
pub(crate) fn same_inputs(last: &Site, site: &Site) -> bool {
    let articles = last.articles.len() == site.articles.len()
        && last.articles.iter().zip(&site.articles).all(|(a, b)| {
            std::sync::Arc::ptr_eq(a, b)
                || (a.date == b.date
                    && a.quotes.len() == b.quotes.len()
                    && a.quotes
                        .iter()
                        .zip(&b.quotes)
                        .all(|(p, q)| p.id == q.id && p.speaker == q.speaker && p.said == q.said)
                    && a.mentions.len() == b.mentions.len()
                    && a.mentions
                        .iter()
                        .zip(&b.mentions)
                        .all(|(m, n)| m.entry == n.entry)
                    && a.sources.len() == b.sources.len()
                    && a.sources.iter().zip(&b.sources).all(|(s, t)| {
                        s.title == t.title && s.publisher == t.publisher && s.url == t.url
                    }))
        });
    let (g, h) = (&last.glossary.entries, &site.glossary.entries);
    articles
        && g.len() == h.len()
        && g.iter()
            .zip(h)
            .all(|(e, f)| e.name == f.name && e.kind == f.kind && e.affiliations == f.affiliations)
}

/// The first letter for A-Z grouping: an ASCII capital, or `#`.
pub(crate) fn letter_of(name: &str) -> String {
    let c = name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| routes::slugify(&c.to_string()).to_ascii_uppercase())
        .unwrap_or_default();
    match c.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_string(),
        _ => "#".into(),
    }
}

/// The key people are sorted by: surname first for people with two or more
/// words in their name.
pub(crate) fn sort_name(e: &Entry) -> String {
    match e.kind {
        Kind::Person => {
            let mut parts: Vec<&str> = e.name.split_whitespace().collect();
            if parts.len() > 1 {
                let last = parts.pop().unwrap_or_default();
                format!("{} {}", last, parts.join(" ")).to_lowercase()
            } else {
                e.name.to_lowercase()
            }
        }
        Kind::Organisation => e.name.trim_start_matches("The ").to_lowercase(),
    }
}
