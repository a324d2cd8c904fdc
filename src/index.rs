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

pub struct Indexes {
    pub speakers: Vec<SpeakerQuotes>,
    /// Newest first (by the date said, else the article's), then by id.
    pub by_date: Vec<QuoteView>,
    pub quote_letters: Vec<String>,
    pub glossary_letters: Vec<Letter<GlossaryItem>>,
    pub people: usize,
    pub organisations: usize,
    /// One per glossary entry, in id order.
    pub entries: Vec<EntryView>,
    pub sources: Vec<CitedSource>,
}

/// Builds every index. `quote_views[i]` are the quotes of `site.articles[i]`.
pub fn build(site: &Site, quote_views: &[Vec<QuoteView>]) -> Indexes {
    let g = &site.glossary;
    let newest_first =
        |a: &QuoteView, b: &QuoteView| b.when.cmp(&a.when).then_with(|| a.id.cmp(&b.id));

    let mut by_date: Vec<QuoteView> = quote_views.iter().flatten().cloned().collect();
    by_date.sort_by(newest_first);

    let mut by_speaker: BTreeMap<usize, Vec<QuoteView>> = BTreeMap::new();
    for (ai, a) in site.articles.iter().enumerate() {
        for (qi, q) in a.quotes.iter().enumerate() {
            by_speaker
                .entry(q.speaker)
                .or_default()
                .push(quote_views[ai][qi].clone());
        }
    }
    for v in by_speaker.values_mut() {
        v.sort_by(newest_first);
    }
    let speakers: Vec<SpeakerQuotes> = sorted_entries(site, by_speaker.keys().copied())
        .into_iter()
        .map(|e| SpeakerQuotes {
            entry: EntryRef::new(&g.entries[e]),
            letter: letter_of(&sort_name(&g.entries[e])),
            quotes: by_speaker.remove(&e).unwrap_or_default(),
            total: 0,
        })
        .map(|mut s| {
            s.total = s.quotes.len();
            s
        })
        .collect();
    let mut quote_letters: Vec<String> = speakers.iter().map(|s| s.letter.clone()).collect();
    quote_letters.dedup();

    // Mentions per entry: article order is newest first already.
    let mut mentions: Vec<Vec<MentionGroup>> = vec![Vec::new(); g.entries.len()];
    let mut mention_counts = vec![0usize; g.entries.len()];
    for a in &site.articles {
        let mut per: BTreeMap<usize, Vec<Context3>> = BTreeMap::new();
        for m in &a.mentions {
            mention_counts[m.entry] += 1;
            let list = per.entry(m.entry).or_default();
            if list.len() < MENTIONS_PER_ARTICLE {
                list.push(Context3 {
                    before: m.before.clone(),
                    text: m.text.clone(),
                    after: m.after.clone(),
                });
            }
        }
        for (e, contexts) in per {
            mentions[e].push(MentionGroup {
                article: ArticleRef::new(a),
                contexts,
            });
        }
    }
    let mut quotes_of: Vec<Vec<QuoteView>> = vec![Vec::new(); g.entries.len()];
    for s in &speakers {
        if let Some(i) = g.get(&s.entry.id) {
            quotes_of[i] = s.quotes.clone();
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); g.entries.len()];
    for (i, e) in g.entries.iter().enumerate() {
        for &a in &e.affiliations {
            members[a].push(i);
        }
    }
    let entries: Vec<EntryView> = g
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| EntryView {
            entry: EntryRef::new(e),
            description: e.description_html.clone(),
            aliases: e.aliases.clone(),
            wikidata_url: if e.wikidata.is_empty() {
                String::new()
            } else {
                format!("https://www.wikidata.org/wiki/{}", e.wikidata)
            },
            links: e
                .links
                .iter()
                .filter(|l| crate::annotate::is_safe_url(&l.url))
                .map(|l| LinkView {
                    title: l.title.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            affiliations: sorted_entries(site, e.affiliations.iter().copied())
                .into_iter()
                .map(|a| EntryRef::new(&g.entries[a]))
                .collect(),
            members: sorted_entries(site, members[i].iter().copied())
                .into_iter()
                .map(|m| EntryRef::new(&g.entries[m]))
                .collect(),
            quotes: std::mem::take(&mut quotes_of[i]),
            mentions: std::mem::take(&mut mentions[i]),
        })
        .collect();

    let mut letters: Vec<Letter<GlossaryItem>> = Vec::new();
    for i in sorted_entries(site, 0..g.entries.len()) {
        let e = &g.entries[i];
        let letter = letter_of(&sort_name(e));
        let item = GlossaryItem {
            entry: EntryRef::new(e),
            quote_count: entries[i].quotes.len(),
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
                    url: format!("{}#sn-{}", a.url(), n.number),
                })
                .collect();
            entry.citations.push(Citation {
                article: ArticleRef::new(a),
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
        entries,
        sources: cited.into_values().collect(),
    }
}
