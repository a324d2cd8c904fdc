//! The site-wide indexes: quotes by speaker and by date, the glossary A-Z with
//! each entry's quotes, members and mentions, and every cited source with the
//! notes that cite it. Built from resolved data only; each list has a total
//! order documented where it is sorted.

use crate::annotate::Site;
use crate::content::Kind;
use crate::render::context::*;
use crate::render::sorted_entries;
use std::collections::BTreeMap;

/// How many mentions of an entry in one article its page quotes in context.
pub const MENTIONS_PER_ARTICLE: usize = 3;

pub struct Indexes<'a> {
    pub speakers: Vec<Speaker<'a>>,
    /// Newest first (by the date said, else the article's), then by id.
    pub by_date: Vec<&'a QuoteView>,
    pub quote_letters: Vec<String>,
    pub glossary_letters: Vec<Letter<GlossaryItem>>,
    pub people: usize,
    pub organisations: usize,
    /// Per glossary entry: the articles that mention it, newest first, each
    /// with the mentions its page quotes (indexes into `mentions`).
    mentions: Vec<Vec<(usize, Vec<usize>)>>,
    /// Per glossary entry: its index in `speakers`, if it said anything.
    speaker_of: Vec<Option<usize>>,
    /// Per glossary entry: the entries affiliated with it.
    members: Vec<Vec<usize>>,
    pub sources: Vec<CitedSource>,
}

/// A speaker and every quote of theirs, newest first.
pub struct Speaker<'a> {
    pub entry: usize,
    pub letter: String,
    pub quotes: Vec<&'a QuoteView>,
}

/// Builds every index. `quote_views[i]` are the quotes of `site.articles[i]`.
/// Entry pages are not built here but by [`Indexes::entry`], one at a time,
/// because together they are the biggest thing a site renders.
pub fn build<'a>(site: &'a Site, quote_views: &'a [Vec<QuoteView>]) -> Indexes<'a> {
    let g = &site.glossary;
    let newest_first =
        |a: &&QuoteView, b: &&QuoteView| b.when.cmp(&a.when).then_with(|| a.id.cmp(&b.id));

    let mut by_date: Vec<&QuoteView> = quote_views.iter().flatten().collect();
    by_date.sort_by(newest_first);

    let mut by_speaker: BTreeMap<usize, Vec<&QuoteView>> = BTreeMap::new();
    for (ai, a) in site.articles.iter().enumerate() {
        for (qi, q) in a.quotes.iter().enumerate() {
            by_speaker
                .entry(q.speaker)
                .or_default()
                .push(&quote_views[ai][qi]);
        }
    }
    for v in by_speaker.values_mut() {
        v.sort_by(newest_first);
    }
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
            if list.len() < MENTIONS_PER_ARTICLE {
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

    let mut letters: Vec<Letter<GlossaryItem>> = Vec::new();
    for i in sorted_entries(site, 0..g.entries.len()) {
        let e = &g.entries[i];
        let letter = letter_of(&sort_name(e));
        let item = GlossaryItem {
            entry: EntryRef::new(e, &site.base),
            quote_count: speaker_of[i].map_or(0, |s| speakers[s].quotes.len()),
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
    for a in &site.articles {
        for (si, s) in a.sources.iter().enumerate() {
            let key = if s.url.is_empty() {
                (
                    s.title.to_lowercase(),
                    format!("{}\u{0}{}", s.title, s.publisher),
                )
            } else {
                (s.title.to_lowercase(), s.url.clone())
            };
            let entry = cited.entry(key).or_insert_with(|| CitedSource {
                source: SourceView::new(s),
                citations: Vec::new(),
            });
            let notes: Vec<NoteLink> = a
                .notes
                .iter()
                .filter(|n| n.source == Some(si))
                .map(|n| NoteLink {
                    number: n.number,
                    url: format!("{}#sn-{}", site.base.href(&a.url()), n.number),
                })
                .collect();
            entry.citations.push(Citation {
                article: ArticleRef::new(a, &site.base),
                notes,
            });
        }
    }
    Indexes {
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

impl<'a> Indexes<'a> {
    /// The page of glossary entry `i`.
    pub fn entry(&self, site: &'a Site, i: usize) -> EntryView<'a> {
        let g = &site.glossary;
        let e = &g.entries[i];
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
            affiliations: sorted_entries(site, e.affiliations.iter().copied())
                .into_iter()
                .map(|a| EntryRef::new(&g.entries[a], &site.base))
                .collect(),
            members: sorted_entries(site, self.members[i].iter().copied())
                .into_iter()
                .map(|m| EntryRef::new(&g.entries[m], &site.base))
                .collect(),
            quotes: self.speaker_of[i].map_or_else(Vec::new, |s| self.speakers[s].quotes.clone()),
            mentions: self.mentions[i]
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

    /// How many glossary entries there are (one page each).
    pub fn entry_count(&self) -> usize {
        self.mentions.len()
    }
}
