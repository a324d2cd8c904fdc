//! One article resolved: its sources, anchors and mentions (each in its
//! module), its notes numbered in reading order, the marks the body
//! renderer needs, and its metadata (summary, tags, authors, word count).

use super::anchors::{self, Annotation};
use super::marks::{Mark, MarkKind, Marks, NotePoint};
use super::mentions::{self, Suggestions};
use super::sources::Sources;
use super::spans::FrontSpans;
use super::{body_links, check_body_urls, long_code_warnings, raw_html, Note, ResolvedArticle};
use crate::config::{Config, LinkMode};
use crate::content::{Article, Content};
use crate::diagnostics::Diagnostic;
use crate::glossary::{smart_punctuation, EntryIdx, Glossary, Linker};
use crate::markdown::Doc;
use std::collections::{BTreeSet, HashMap};

/// Resolves one article: its sources, anchors, quotes and mentions, as
/// data. Returns the parsed body beside it, for the body renderer (the
/// article's `html` is empty until then); `body` is its body's text (the
/// caller reads it: a one-shot build holds one at a time), `owned` holds
/// the body when source notes needed definitions added.
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces one article is resolved against"
)]
pub(crate) fn resolve_article<'a>(
    config: &Config,
    content: &'a Content,
    glossary: &Glossary,
    linker: &Linker,
    index: usize,
    a: &'a Article,
    body: &'a str,
    ds: &mut Vec<Diagnostic>,
    owned: &'a mut String,
) -> Option<(ResolvedArticle, Doc<'a>)> {
    let id = a.layout.source;
    let spans = FrontSpans::of(a);
    let sources = Sources::resolve(&a.front.sources, &spans, ds);
    let doc = Doc::parse_with(
        body,
        owned,
        |label| sources.contains(label),
        raw_html(config),
    );
    check_body_urls(&doc, id, a.layout.body_start, ds);

    let mut suggestions = Suggestions::new(glossary);
    let cx = anchors::Context {
        config,
        content,
        glossary,
        article: a,
        spans: &spans,
        sources: &sources,
    };
    let anchors::Anchored {
        notes: mut pending,
        mut quotes,
        placed,
    } = anchors::anchor_all(&cx, &doc, &mut suggestions, ds);

    // Source notes written as [^source-id] footnotes, and ordinary
    // footnotes: one numbering with the anchored notes (issue 16). Every
    // citation of a source is a note of its own; an ordinary footnote is one
    // note however often it is referred to, numbered at its first reference.
    let mut first_ref: HashMap<&str, usize> = HashMap::new();
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for f in &doc.footnotes {
        let footnote = !doc.is_synthetic(&f.label);
        if footnote {
            if !doc.footnote_defs.iter().any(|d| d.label == f.label) {
                continue;
            }
            if let Some(&first) = first_ref.get(f.label.as_str()) {
                repeats.push((f.event, first));
                continue;
            }
            first_ref.insert(&f.label, pending.len());
        }
        pending.push(anchors::PendingNote {
            text_html: String::new(),
            dom_text: String::new(),
            feed_text_html: None,
            source: if footnote {
                None
            } else {
                sources.index_of(&f.label)
            },
            selector: None,
            at: f.at,
            point: Some(f.event),
            footnote,
        });
    }
    ds.extend(super::footnotes::undefined(
        &doc,
        a.layout.source,
        a.layout.body_start,
        Some(sources.ids().collect()),
    ));

    // Number notes in reading order.
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by_key(|&i| (pending[i].at, i));
    let mut number_of = vec![0; pending.len()];
    for (n, &i) in order.iter().enumerate() {
        number_of[i] = n + 1;
    }

    let mode = if a.front.autolink == Some(false) {
        LinkMode::None
    } else {
        config.glossary.link
    };
    let body = mentions::Body {
        source: id,
        start: a.layout.body_start,
    };
    let found = mentions::find(
        &doc,
        glossary,
        linker,
        mode,
        &placed,
        &body,
        &mut suggestions,
        ds,
    );
    let mut marks = Marks {
        ranges: found.ranges,
        points: Vec::new(),
        links: found.links,
    };

    // Marks for notes and quotes.
    let mut notes: Vec<Note> = Vec::new();
    for (i, p) in pending.into_iter().enumerate() {
        let number = number_of[i];
        // Footnote-style notes go in at their reference; anchored ones, where
        // their mark ends.
        if let Some(event) = p.point {
            marks.points.push(NotePoint { event, number });
        }
        if p.footnote {
            for &(event, _) in repeats.iter().filter(|r| r.1 == i) {
                marks.points.push(NotePoint { event, number });
            }
        }
        notes.push(Note {
            number,
            text_html: p.text_html,
            dom_text: p.dom_text,
            feed_text_html: p.feed_text_html,
            source: p.source,
            selector: p.selector,
            footnote: p.footnote,
        });
    }
    // Quotes are listed in reading order; their marks name them by place.
    let mut by_place: Vec<usize> = (0..quotes.len()).collect();
    by_place.sort_by_key(|&i| quotes[i].at);
    let mut place = vec![0; quotes.len()];
    for (p, &i) in by_place.iter().enumerate() {
        place[i] = p;
    }
    for (range, of) in &placed {
        let kind = match *of {
            Annotation::Note(i) => MarkKind::Note {
                number: number_of[i],
            },
            Annotation::Quote(i) => MarkKind::Quote { index: place[i] },
        };
        marks.ranges.push(Mark {
            range: range.clone(),
            kind,
        });
    }
    notes.sort_by_key(|n| n.number);
    quotes.sort_by_key(|q| q.at);

    let mentions = found.mentions;
    let mut entities: BTreeSet<EntryIdx> = mentions.iter().map(|m| m.entry).collect();
    entities.extend(quotes.iter().map(|q| q.speaker));
    let named_in_quotes: Vec<EntryIdx> = found
        .named_in_quotes
        .difference(&entities)
        .copied()
        .collect();
    let mut entities: Vec<EntryIdx> = entities.into_iter().collect();
    entities.sort_by(|&x, &y| {
        glossary.entries[x]
            .name
            .cmp(&glossary.entries[y].name)
            .then(x.cmp(&y))
    });

    let article = ResolvedArticle {
        index,
        slug: a.slug.clone(),
        // Titles and summaries typed in front matter read as the body does
        // (curly quotes, dashes, `…`), in the page, its `<title>` and meta
        // tags, feeds, JSON and search alike (issue 16).
        title: smart_punctuation(a.front.title.trim()).into_owned(),
        date: a.front.date.clone(),
        updated: a.front.updated.clone(),
        authors: authors(config, a),
        summary: match &a.front.summary {
            Some(s) => smart_punctuation(s.trim()).into_owned(),
            None => first_paragraph(&doc.text),
        },
        tags: tags(a),
        html: "".into(),
        marks,
        word_count: count_words(&doc.text),
        sources: sources.list,
        notes,
        quotes,
        mentions,
        entities,
        named_in_quotes,
        warnings: long_code_warnings(&doc, id, a.layout.body_start),
        // Set by the caller, which read the file.
        text: crate::hash::Fingerprint(0),
        links: body_links(&doc),
    };
    Some((article, doc))
}

/// The article's tags, trimmed, empty and repeated ones left out.
fn tags(a: &Article) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in &a.front.tags {
        let t = t.trim().to_string();
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags
}

/// The article's authors, or the site's when it names none.
fn authors(config: &Config, a: &Article) -> Vec<String> {
    if a.front.authors.is_empty() {
        config.authors.clone()
    } else {
        a.front.authors.clone()
    }
}

/// The words of `text`, as `split_whitespace` counts them, a byte at a time
/// where the text is ASCII: decoding every character took 6% of resolving a
/// plain article.
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < bytes.len() {
        let (space, len) = match bytes[i] {
            b if b.is_ascii() => (matches!(b, b'\t'..=b'\r' | b' '), 1),
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            }
        };
        words += usize::from(!space && !in_word);
        in_word = !space;
        i += len;
    }
    words
}

fn first_paragraph(text: &str) -> String {
    let para = text
        .split('\n')
        .map(str::trim)
        .find(|l| l.split_whitespace().count() >= 8)
        .unwrap_or("");
    if para.chars().count() <= 300 {
        return para.to_string();
    }
    let cut: String = para.chars().take(300).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "   ",
            "one",
            " two  words ",
            "tabs\tand\nnew\r\nlines",
            "non\u{a0}breaking and em\u{2003}space, “curly” — dashes",
            "\u{85}next line\u{3000}ideographic",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }
}
