//! Anchors: every note and quote of an article placed in its reader's text.
//! Takes the front matter's notes and quotes and the parsed body; returns
//! the notes (not yet numbered), the quotes, and where each sits.
//!
//! An anchor is a [`TextQuoteSelector`] (what the writer typed, or what an
//! export describes) found at a range of the reader's text; [`Anchor`]
//! pairs the two with the front-matter span it was written at.

use super::anchor::{self, AnchorError, Folded, TextQuoteSelector};
use super::mentions::Suggestions;
use super::sources::Sources;
use super::spans::FrontSpans;
use super::{quote_id, raw_html, urls, Quote};
use crate::config::Config;
use crate::content::{Article, Content};
use crate::diagnostics::Diagnostic;
use crate::glossary::Glossary;
use crate::markdown::{self, Doc};
use crate::routes;
use crate::source::Span;
use std::ops::Range;

/// A selector found in the text: where it matched, the selector that
/// describes the match for an export, and where the writer put it.
#[derive(Clone, Debug)]
pub struct Anchor {
    pub selector: TextQuoteSelector,
    pub range: Range<usize>,
    pub span: Span,
}

/// What an anchored range belongs to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Annotation {
    /// Index into [`Anchored::notes`].
    Note(usize),
    /// Index into [`Anchored::quotes`] (front-matter order).
    Quote(usize),
}

/// A note before numbering: anchored, or at a footnote reference (`point`).
pub(super) struct PendingNote {
    pub(super) text_html: String,
    pub(super) dom_text: String,
    pub(super) feed_text_html: Option<String>,
    pub(super) source: Option<usize>,
    pub(super) selector: Option<TextQuoteSelector>,
    /// Where it falls in the reader's text, for numbering.
    pub(super) at: usize,
    /// The footnote reference's event.
    pub(super) point: Option<usize>,
    /// An ordinary footnote, whose words the body holds.
    pub(super) footnote: bool,
}

/// The anchored notes and quotes of one article.
pub(super) struct Anchored {
    pub(super) notes: Vec<PendingNote>,
    pub(super) quotes: Vec<Quote>,
    /// Every anchored range, notes first, each in front-matter order.
    pub(super) placed: Vec<(Range<usize>, Annotation)>,
}

/// What the anchors of one article are resolved against.
pub(super) struct Context<'c> {
    pub(super) config: &'c Config,
    pub(super) content: &'c Content,
    pub(super) glossary: &'c Glossary,
    pub(super) article: &'c Article,
    pub(super) spans: &'c FrontSpans<'c>,
    pub(super) sources: &'c Sources<'c>,
}

/// Places every note and quote of the article in `doc`'s text, reporting
/// those that cannot be.
pub(super) fn anchor_all(
    cx: &Context<'_>,
    doc: &Doc<'_>,
    suggestions: &mut Suggestions<'_>,
    ds: &mut Vec<Diagnostic>,
) -> Anchored {
    let a = cx.article;
    let (spans, sources) = (cx.spans, cx.sources);
    // Folding costs a pass over the text: only articles with anchors need it.
    let has_anchors = !a.front.notes.is_empty() || !a.front.quotes.is_empty();
    let folded = Folded::new(if has_anchors { &doc.text } else { "" });
    // Every anchor of the article found in one pass (notes, then quotes).
    let note_sels: Vec<TextQuoteSelector> = a
        .front
        .notes
        .iter()
        .map(|n| selector(&n.anchor, &n.prefix, &n.suffix, n.occurrence))
        .collect();
    let quote_sels: Vec<TextQuoteSelector> = a
        .front
        .quotes
        .iter()
        .map(|q| selector(&q.anchor, &q.prefix, &q.suffix, q.occurrence))
        .collect();
    let all_sels: Vec<&TextQuoteSelector> = note_sels.iter().chain(&quote_sels).collect();
    let found = anchor::find_all(&folded, &all_sels);
    let find_anchor = |k: usize, span: Span, what: &str, typed: &str, ds: &mut Vec<Diagnostic>| {
        let sel = all_sels[k];
        match anchor::resolve_among(&folded, sel, found.of(k)) {
            Ok(range) => Some(Anchor {
                selector: anchor::describe(&doc.text, &folded, range.clone(), sel.is_bare()),
                range,
                span,
            }),
            Err(e) => {
                ds.push(anchor_error(what, typed, e, span, doc, &folded));
                None
            }
        }
    };

    let mut out = Anchored {
        notes: Vec::new(),
        quotes: Vec::new(),
        placed: Vec::new(),
    };
    for (k, n) in a.front.notes.iter().enumerate() {
        let span = spans.at(&format!("notes.{k}.anchor"));
        let source = n
            .source
            .as_deref()
            .and_then(|s| sources.lookup(s, spans.at(&format!("notes.{k}.source")), ds));
        if n.text.trim().is_empty() && n.source.is_none() {
            ds.push(
                Diagnostic::error("a note needs `text` or a `source`")
                    .at(span)
                    .label("this note would be empty")
                    .help("add `text = \"...\"` with the note, or `source = \"<id>\"` naming one of the article's [[sources]]"),
            );
            continue;
        }
        let raw = raw_html(cx.config);
        let text = markdown::render_inline_with(&n.text, raw);
        let feed_text_html = text.urls.iter().any(|u| u.dest.starts_with('#')).then(|| {
            let page = cx.config.permalink(&routes::article(&a.slug));
            markdown::render_inline_in_feed(&n.text, raw, &page)
        });
        if !text.urls.is_empty() {
            let path = format!("notes.{k}.text");
            urls::check_markdown_urls(
                &text.urls,
                |u| urls::locate_in_value(cx.content, spans.table(), &path, &n.text, u),
                ds,
            );
        }
        if let Some(anchor) = find_anchor(k, span, "note", &n.anchor, ds) {
            out.placed
                .push((anchor.range.clone(), Annotation::Note(out.notes.len())));
            out.notes.push(PendingNote {
                text_html: text.html,
                dom_text: text.dom_text,
                feed_text_html,
                source,
                at: anchor.range.end,
                selector: Some(anchor.selector),
                point: None,
                footnote: false,
            });
        }
    }
    for (k, q) in a.front.quotes.iter().enumerate() {
        let span = spans.at(&format!("quotes.{k}.anchor"));
        let speaker = match cx.glossary.get(&q.speaker) {
            Some(s) => Some(s),
            None => {
                ds.push(
                    Diagnostic::error(format!("unknown speaker `{}`", q.speaker))
                        .at(spans.at(&format!("quotes.{k}.speaker")))
                        .label("no glossary entry has this id")
                        .suggested(suggestions.closest(&q.speaker))
                        .help(format!(
                            "create content/glossary/{}.md, or add an [[entities]] entry with this id to the article",
                            q.speaker
                        )),
                );
                None
            }
        };
        let source = q
            .source
            .as_deref()
            .and_then(|s| sources.lookup(s, spans.at(&format!("quotes.{k}.source")), ds));
        let Some(anchor) = find_anchor(note_sels.len() + k, span, "quote", &q.anchor, ds) else {
            continue;
        };
        let Some(speaker) = speaker else { continue };
        let text = doc.text[anchor.range.clone()].to_string();
        let id = match &q.id {
            Some(explicit) => {
                let clean = routes::slugify(explicit);
                if clean.starts_with("q-") {
                    clean
                } else {
                    format!("q-{clean}")
                }
            }
            None => quote_id(&cx.glossary.entries[speaker].id, &text),
        };
        out.placed
            .push((anchor.range.clone(), Annotation::Quote(out.quotes.len())));
        out.quotes.push(Quote {
            id,
            text,
            speaker,
            said: q.said.clone(),
            context: crate::glossary::smart_punctuation(&q.context).into_owned(),
            source,
            at: anchor.range.start,
            selector: anchor.selector,
            span,
        });
    }
    out
}

fn selector(
    anchor: &str,
    prefix: &str,
    suffix: &str,
    occurrence: Option<usize>,
) -> TextQuoteSelector {
    TextQuoteSelector {
        exact: anchor.to_string(),
        prefix: prefix.to_string(),
        suffix: suffix.to_string(),
        occurrence,
    }
}

fn anchor_error(
    what: &str,
    anchor_text: &str,
    e: AnchorError,
    span: Span,
    doc: &Doc,
    folded: &Folded,
) -> Diagnostic {
    let excerpt = |r: &Range<usize>| -> String { doc.text[r.clone()].replace('\n', " ") };
    match e {
        AnchorError::Empty => Diagnostic::error(format!("the {what}'s anchor is empty"))
            .at(span)
            .help("set `anchor` to the exact words of the body this annotation is about"),
        AnchorError::NotFound { closest } => {
            let mut d = Diagnostic::error(format!(
                "the {what}'s anchor matches nothing in the article"
            ))
            .at(span)
            .label("not found in the text");
            if let Some(r) = closest {
                d = d.note(format!("the closest passage is “{}”", excerpt(&r)));
            }
            d.help(format!("copy the words exactly from the article as a reader sees it (Markdown syntax removed); {}", super::anchor::FOLDING))
        }
        AnchorError::Ambiguous { matches } => {
            let places: Vec<String> = matches
                .iter()
                .take(5)
                .map(|r| {
                    let start = doc.text[..r.start]
                        .char_indices()
                        .rev()
                        .nth(20)
                        .map_or(0, |(i, _)| i);
                    let end = doc.text[r.end..]
                        .char_indices()
                        .nth(20)
                        .map_or(doc.text.len(), |(i, _)| r.end + i);
                    let flat = |s: &str| s.replace('\n', " ");
                    format!(
                        "…{}[{}]{}…",
                        flat(&doc.text[start..r.start]),
                        flat(&doc.text[r.clone()]),
                        flat(&doc.text[r.end..end])
                    )
                })
                .collect();
            let shown = anchor_text.trim();
            // A ready-made disambiguation for the first match: the two words
            // before it, if they pick it out, else its occurrence number.
            let first = &matches[0];
            let before: Vec<&str> = doc.text[..first.start]
                .split_whitespace()
                .rev()
                .take(2)
                .collect();
            let prefix: String = before.into_iter().rev().collect::<Vec<_>>().join(" ");
            // (`folded` is the article's text: this runs only where it has anchors.)
            let picks_first = !prefix.is_empty()
                && anchor::resolve(folded, &selector(anchor_text, &prefix, "", None)).as_ref()
                    == Ok(first);
            let suggestion = if picks_first {
                format!("for the first, add `prefix = {prefix:?}`; or use `suffix`, or `occurrence = N` (1-based)")
            } else {
                "add `prefix` or `suffix` with the words just before or after it, or `occurrence = N` (1-based)".to_string()
            };
            Diagnostic::error(format!(
                "the {what}'s anchor “{shown}” matches {} places",
                matches.len()
            ))
            .at(span)
            .label("ambiguous")
            .note(format!("it matches:\n  {}", places.join("\n  ")))
            .help(suggestion)
        }
        AnchorError::NoSuchOccurrence { wanted, found } => Diagnostic::error(format!(
            "the {what} asks for occurrence {wanted}, but its anchor matches {found} time(s)"
        ))
        .at(span)
        .help(format!("use an occurrence from 1 to {found}")),
    }
}
