//! The one place an article's or page's body becomes HTML. Takes the parsed
//! body ([`Doc`]: its events, and the reader's text cut into chunks) and the
//! typed marks resolve found ([`Marks`]); returns the HTML for the page, or
//! for an Atom feed entry ([`Target::Feed`]).
//!
//! Built as mdBook's HTML renderer is, in spirit: the events are walked once
//! and rewritten into events (gloss's markup as inline HTML where it wraps
//! text), which pulldown-cmark serializes. Each chunk of the reader's text is
//! cut at every mark boundary inside it into segments, and each segment
//! opens, in one canonical order (outer first), every mark over it and
//! closes them again: the elements nest by construction, whatever the marks
//! do (cross emphasis or links, nest, overlap). A mark spread over several
//! segments becomes several elements, the way Hypothesis highlights do.
//!
//! A note's number (and on the page its sidenote) is written once, where its
//! range ends; inside a link or inline code it cannot be (no links in links,
//! no markup in code), so it waits until the link or code closes.
//!
//! For a feed ([`Target::Feed`]), which shows neither our stylesheet nor our
//! script and resolves links against the site's root: sidenotes become a
//! numbered list of notes at the end, the `#` links beside headings and
//! quotes are left out, and links to a place on the page point at the page.

use crate::annotate::anchor::TextQuoteSelector;
use crate::annotate::marks::{MarkKind, Marks};
use crate::annotate::{Note, Quote, Source};
use crate::glossary::Glossary;
use crate::markdown::{self, escape, escape_into, Chunk, Doc, DOM_UNKNOWN};
use crate::routes::Base;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashMap;

/// Where the HTML goes.
#[derive(Clone, Copy, Debug)]
pub enum Target<'p> {
    /// The article's own page.
    Page,
    /// An Atom feed entry for the page at `permalink` (absolute).
    Feed { permalink: &'p str },
}

/// What the marks refer to: an article's notes, sources and quotes, and
/// the glossary their mentions and speakers are entries of.
#[derive(Clone, Copy)]
pub struct Annotations<'a> {
    pub marks: &'a Marks,
    /// In number order (`notes[n - 1]` is note `n`).
    pub notes: &'a [Note],
    pub sources: &'a [Source],
    pub quotes: &'a [Quote],
    pub glossary: &'a Glossary,
    pub base: &'a Base,
}

/// The HTML of a body without annotations (a plain page).
pub fn plain(doc: Doc<'_>) -> String {
    render(doc, None, Target::Page)
}

/// The HTML of a body with its annotations, for `target`.
pub fn render(doc: Doc<'_>, ann: Option<&Annotations<'_>>, target: Target<'_>) -> String {
    render_with_selectors(doc, ann, target).html
}

/// A body's HTML and the selectors of its annotations in it.
pub struct Rendered {
    pub html: String,
    /// Note `n`'s selector at `notes[n - 1]` (`None`: a note at a footnote
    /// reference, which anchors no text).
    pub notes: Vec<Option<TextQuoteSelector>>,
    /// Quote `i`'s selector at `quotes[i]`.
    pub quotes: Vec<Option<TextQuoteSelector>>,
}

/// [`render`], with a `TextQuoteSelector` for every note and quote made on
/// the text the HTML puts in the DOM of its element (the page's
/// `.article-body`): the reader's text with the note numbers, sidenotes and
/// `#` links the renderer inserts, as a strict matcher (Apache Annotator's)
/// reads it (issue 16). The renderer knows every text it writes, so it keeps
/// that text beside the HTML as it goes.
pub fn render_with_selectors(
    mut doc: Doc<'_>,
    ann: Option<&Annotations<'_>>,
    target: Target<'_>,
) -> Rendered {
    let defs = std::mem::take(&mut doc.footnote_defs);
    let events = doc.take_events();
    let marks = ann.map_or(0, |a| a.marks.ranges.len());
    let mut w = Writer {
        doc: &doc,
        ann,
        target,
        order: Vec::new(),
        notes: Vec::new(),
        footnote_html: HashMap::new(),
        held: None,
        dom: String::new(),
        dom_deferred: String::new(),
        dom_marks: vec![(None, None); marks],
    };
    if let Some(a) = ann {
        let ranges = &a.marks.ranges;
        w.order = (0..ranges.len()).collect();
        // Outer marks first: earlier start, then later end, then notes
        // before quotes before mentions.
        w.order.sort_by_key(|&m| {
            let r = &ranges[m];
            (
                r.range.start,
                std::cmp::Reverse(r.range.end),
                r.kind.rank(),
                m,
            )
        });
    }
    let points: HashMap<usize, usize> = ann
        .map(|a| a.marks.points.iter().map(|p| (p.event, p.number)).collect())
        .unwrap_or_default();
    let link_entries: HashMap<usize, usize> = ann
        .map(|a| a.marks.links.iter().map(|l| (l.event, l.entry)).collect())
        .unwrap_or_default();
    let chunk_at: HashMap<usize, &Chunk> = doc.chunks.iter().map(|c| (c.event, c)).collect();
    let footnotes = Footnotes::plan(&doc, &events, &defs, ann, &points);
    let mut events: Vec<Option<Event<'_>>> = events.into_iter().map(|(e, _)| Some(e)).collect();
    // Note numbers already shown (a later reference to an ordinary
    // footnote shows its number again, without the note).
    let mut shown: std::collections::HashSet<usize> = std::collections::HashSet::new();
    // The footnote definition being written, if any.
    let mut def: Option<Def<'_>> = None;
    let permalink = match target {
        Target::Page => None,
        Target::Feed { permalink } => Some(permalink),
    };
    // pulldown-cmark numbers ordinary footnotes as it meets their labels;
    // the feed writes their references itself, so it counts the same way.
    let mut footnote_numbers: HashMap<String, usize> = HashMap::new();
    let mut footnote_number = |label: &str| {
        let next = footnote_numbers.len() + 1;
        *footnote_numbers.entry(label.to_string()).or_insert(next)
    };

    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut link_depth = 0usize;
    let mut rewritten_links: Vec<bool> = Vec::new();
    let mut deferred = String::new();
    let mut skip_def = false;
    let mut code: Option<(String, String)> = None;
    for &i in &footnotes.order {
        let Some(ev) = events[i].take() else {
            continue;
        };
        // A sidenote waiting for the punctuation after its reference goes
        // in before anything but the text that may start with it.
        if w.held.is_some() {
            let text_next = matches!(ev, Event::Text(_))
                && link_depth == 0
                && def.is_none()
                && chunk_at.contains_key(&i);
            if !text_next {
                if let Some((html, text)) = w.held.take() {
                    out.push(Event::InlineHtml(html.into()));
                    w.dom.push_str(&text);
                }
            }
        }
        if skip_def {
            if matches!(ev, Event::End(TagEnd::FootnoteDefinition)) {
                skip_def = false;
            }
            continue;
        }
        if let Some((lang, buf)) = code.as_mut() {
            match ev {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    w.dom.push(DOM_UNKNOWN);
                    w.dom.push_str(buf);
                    w.dom.push(DOM_UNKNOWN);
                    out.push(Event::Html(markdown::highlight(lang, buf).into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(Tag::FootnoteDefinition(ref label)) if doc.is_synthetic(label) => {
                skip_def = true;
            }
            Event::Start(Tag::FootnoteDefinition(label)) if ann.is_some() => {
                let number = footnotes.number.get(label.as_ref()).copied();
                let as_sidenote = footnotes.sidenote_defs.contains(&i);
                // In a feed, a numbered footnote is an item of the list of
                // notes at the end; on the page, one shown as a sidenote is
                // written where it was referred to, the others stay here,
                // as numbered end notes.
                let captured = number.is_some() && (as_sidenote || permalink.is_some());
                if captured {
                    def = Some(Def {
                        number: number.unwrap_or_default(),
                        out: std::mem::take(&mut out),
                        dom_from: w.dom.len(),
                        paragraphs: 0,
                        sidenote: as_sidenote && permalink.is_none(),
                    });
                } else {
                    w.dom.push(DOM_UNKNOWN);
                    let open = match number {
                        Some(n) => {
                            w.dom.push_str(&n.to_string());
                            w.dom.push(DOM_UNKNOWN);
                            format!("<div class=\"footnote-definition\" id=\"sn-{n}\" role=\"doc-footnote\"><sup class=\"footnote-definition-label\">{n}</sup>")
                        }
                        None => "<div class=\"footnote-definition\">".to_string(),
                    };
                    def = Some(Def {
                        number: number.unwrap_or_default(),
                        out: Vec::new(),
                        dom_from: usize::MAX,
                        paragraphs: 0,
                        sidenote: false,
                    });
                    out.push(Event::Html(open.into()));
                }
            }
            Event::End(TagEnd::FootnoteDefinition) if def.is_some() => {
                let d = def.take().expect("checked");
                if d.dom_from == usize::MAX {
                    // An end note on the page.
                    let n = d.number;
                    let back = if n > 0 {
                        w.dom.push('↩');
                        format!("<a class=\"footnote-back\" href=\"#ref-{n}\" role=\"doc-backlink\" aria-label=\"Back to note {n}\">↩</a>")
                    } else {
                        String::new()
                    };
                    w.dom.push(DOM_UNKNOWN);
                    out.push(Event::Html(format!("{back}</div>\n").into()));
                } else {
                    let mut inner = String::new();
                    let body = std::mem::replace(&mut out, d.out);
                    pulldown_cmark::html::push_html(&mut inner, body.into_iter());
                    let words = w.dom.split_off(d.dom_from);
                    if d.sidenote {
                        let n = d.number;
                        let html = format!(
                            "{}{}{}",
                            sidenote_open(n),
                            inner.trim_end(),
                            sidenote_close(n)
                        );
                        w.held = Some((html, format!("{n} {words} ↩")));
                    } else {
                        w.footnote_html.insert(d.number, inner);
                    }
                }
            }
            Event::Start(Tag::Paragraph) if def.as_ref().is_some_and(|d| d.sidenote) => {
                // A sidenote lives in a sentence: its paragraphs are spans.
                let d = def.as_mut().expect("checked");
                d.paragraphs += 1;
                if d.paragraphs > 1 {
                    w.dom.push(DOM_UNKNOWN);
                    out.push(Event::InlineHtml("<span class=\"note-para\">".into()));
                }
            }
            Event::End(TagEnd::Paragraph) if def.as_ref().is_some_and(|d| d.sidenote) => {
                if def.as_ref().is_some_and(|d| d.paragraphs > 1) {
                    out.push(Event::InlineHtml("</span>".into()));
                }
            }
            Event::FootnoteReference(ref label)
                if points.contains_key(&i) && !doc.is_synthetic(label) =>
            {
                let n = points[&i];
                let mut html = String::new();
                if shown.insert(n) {
                    w.note_ref(n, &mut html);
                    if permalink.is_some() {
                        w.notes.push(n);
                    }
                } else {
                    Writer::repeat_ref_into(target, n, &mut html);
                }
                w.dom.push_str(&Writer::ref_text(n));
                if link_depth > 0 {
                    deferred.push_str(&html);
                } else {
                    out.push(Event::InlineHtml(html.into()));
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) if permalink.is_some() => {
                let n = footnote_number(&label);
                w.dom.push(DOM_UNKNOWN);
                w.dom.push_str(&n.to_string());
                w.dom.push(DOM_UNKNOWN);
                out.push(Event::Html(
                    format!(
                        "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
                        escape(&label)
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split([' ', ',']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                w.dom.push(DOM_UNKNOWN);
                let own = doc.heading_id(i);
                let id = id.or_else(|| own.map(|s| CowStr::from(s.to_string())));
                out.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
                if let (Some(id), Target::Page) = (own, target) {
                    if level != HeadingLevel::H1 {
                        out.push(Event::InlineHtml(heading_anchor(id).into()));
                        w.dom.push('#');
                    }
                }
            }
            Event::Start(Tag::Link { .. }) if link_entries.contains_key(&i) => {
                link_depth += 1;
                rewritten_links.push(true);
                let a = ann.expect("link mentions come with annotations");
                let e = &a.glossary.entries[link_entries[&i]];
                out.push(Event::InlineHtml(mention_open(e, a.base).into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                link_depth += 1;
                rewritten_links.push(false);
                let dest_url = match permalink {
                    Some(page) if dest_url.starts_with('#') => {
                        CowStr::from(format!("{page}{dest_url}"))
                    }
                    _ => dest_url,
                };
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                if rewritten_links.pop() == Some(true) {
                    out.push(Event::InlineHtml("</a>".into()));
                } else {
                    out.push(Event::End(TagEnd::Link));
                }
                if link_depth == 0 && !deferred.is_empty() {
                    out.push(Event::InlineHtml(std::mem::take(&mut deferred).into()));
                }
                if link_depth == 0 {
                    let later = std::mem::take(&mut w.dom_deferred);
                    w.dom.push_str(&later);
                }
            }
            Event::FootnoteReference(_) if points.contains_key(&i) => {
                let n = points[&i];
                if link_depth > 0 {
                    let mut html = String::new();
                    w.note(n, &mut html);
                    deferred.push_str(&html);
                    w.dom_deferred
                        .push_str(&(w.note_ref_text(n) + &w.sidenote_text(n)));
                } else {
                    let mut html = String::new();
                    w.note_ref(n, &mut html);
                    out.push(Event::InlineHtml(html.into()));
                    w.dom.push_str(&w.note_ref_text(n));
                    match target {
                        // The sidenote goes after the punctuation that
                        // follows the reference (`[^source],`), as after an
                        // anchor.
                        Target::Page => {
                            let mut note = String::new();
                            w.sidenote(n, &mut note);
                            w.held = Some((note, w.sidenote_text(n)));
                        }
                        Target::Feed { .. } => w.sidenote(n, &mut String::new()),
                    }
                }
            }
            Event::FootnoteReference(label) if permalink.is_some() => {
                let n = footnote_number(&label);
                let mut html = String::from("<sup class=\"footnote-reference\"><a href=\"");
                escape_into(&mut html, permalink.unwrap_or_default());
                html.push('#');
                escape_into(&mut html, &label);
                html.push_str(&format!("\">{n}</a></sup>"));
                out.push(Event::InlineHtml(html.into()));
                w.dom.push_str(&n.to_string());
            }
            ev @ (Event::Text(_) | Event::Code(_)) => match chunk_at.get(&i) {
                Some(chunk) => {
                    let (html, trailers, trailer_text) = w.chunk(chunk);
                    out.push(Event::InlineHtml(html.into()));
                    if link_depth > 0 {
                        w.dom_deferred.push_str(&trailer_text);
                    } else {
                        w.dom.push_str(&trailer_text);
                    }
                    if !trailers.is_empty() {
                        if link_depth > 0 {
                            deferred.push_str(&trailers);
                        } else {
                            out.push(Event::InlineHtml(trailers.into()));
                        }
                    }
                }
                None => {
                    if let Event::Text(t) | Event::Code(t) = &ev {
                        w.dom.push_str(t);
                    }
                    out.push(ev)
                }
            },
            ev => {
                // What pulldown-cmark writes of the rest, as DOM text:
                // breaks are newlines, its footnote references and labels
                // are numbered as `footnote_number` counts, and block edges
                // and raw HTML are boundaries no selector crosses.
                match &ev {
                    Event::SoftBreak | Event::HardBreak => w.dom.push('\n'),
                    Event::FootnoteReference(label) => {
                        let n = footnote_number(label);
                        w.dom.push_str(&n.to_string());
                    }
                    Event::Start(Tag::FootnoteDefinition(label)) => {
                        let n = footnote_number(label);
                        w.dom.push(DOM_UNKNOWN);
                        w.dom.push_str(&n.to_string());
                        w.dom.push(DOM_UNKNOWN);
                    }
                    Event::Start(
                        Tag::Emphasis
                        | Tag::Strong
                        | Tag::Strikethrough
                        | Tag::Superscript
                        | Tag::Subscript
                        | Tag::Link { .. },
                    )
                    | Event::End(
                        TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Superscript
                        | TagEnd::Subscript
                        | TagEnd::Link,
                    ) => {}
                    _ => w.dom.push(DOM_UNKNOWN),
                }
                out.push(ev)
            }
        }
    }
    if let Some((html, text)) = w.held.take() {
        out.push(Event::InlineHtml(html.into()));
        w.dom.push_str(&text);
    }
    let selectors = |kind: fn(MarkKind) -> Option<usize>, len: usize| {
        let mut found: Vec<Option<TextQuoteSelector>> = vec![None; len];
        if let Some(a) = ann {
            for (m, mark) in a.marks.ranges.iter().enumerate() {
                if let (Some(k), (Some(s), Some(e))) = (kind(mark.kind), w.dom_marks[m]) {
                    if k < len && s <= e {
                        found[k] = Some(dom_selector(&w.dom, s..e));
                    }
                }
            }
        }
        found
    };
    let note_sels = selectors(
        |k| match k {
            MarkKind::Note { number } => number.checked_sub(1),
            _ => None,
        },
        ann.map_or(0, |a| a.notes.len()),
    );
    let quote_sels = selectors(
        |k| match k {
            MarkKind::Quote { index } => Some(index),
            _ => None,
        },
        ann.map_or(0, |a| a.quotes.len()),
    );
    let mut html = String::with_capacity(doc.text.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    if let (Some(page), false) = (permalink, w.notes.is_empty()) {
        html.push_str("<hr/>\n<ol class=\"notes\">\n");
        for number in std::mem::take(&mut w.notes) {
            html.push_str("<li>");
            w.note_content(number, Some(page), &mut html);
            html.push_str("</li>\n");
        }
        html.push_str("</ol>\n");
    }
    Rendered {
        html,
        notes: note_sels,
        quotes: quote_sels,
    }
}

/// The selector of `range` of `dom` (a body's DOM text, [`DOM_UNKNOWN`] at
/// its boundaries): the exact text and up to 32 characters on each side,
/// stopping at a boundary, widened (up to the boundaries) while that text
/// occurs more than once, for a strict matcher has no occurrence to go by.
fn dom_selector(dom: &str, range: std::ops::Range<usize>) -> TextQuoteSelector {
    let before = &dom[..range.start];
    let before = &before[before.rfind(DOM_UNKNOWN).map_or(0, |i| i + 1)..];
    let after = &dom[range.end..];
    let after = &after[..after.find(DOM_UNKNOWN).unwrap_or(after.len())];
    let exact = &dom[range.clone()];
    let mut width = 32;
    loop {
        let p = before
            .char_indices()
            .rev()
            .nth(width - 1)
            .map_or(0, |(i, _)| i);
        let prefix = &before[p..];
        let s: usize = after.chars().take(width).map(char::len_utf8).sum();
        let suffix = &after[..s];
        let whole = (prefix.len() == before.len()) && (suffix.len() == after.len());
        let window = &dom[range.start - prefix.len()..range.end + suffix.len()];
        if whole || occurrences(dom, window) <= 1 {
            // Boundaries inside the exact text are block edges, where the
            // page has a line break.
            let exact = exact
                .split(DOM_UNKNOWN)
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            return TextQuoteSelector {
                exact,
                prefix: prefix.to_string(),
                suffix: suffix.to_string(),
                occurrence: None,
            };
        }
        width *= 2;
    }
}

/// How many times `needle` occurs in `hay`, overlaps counted (as a matcher
/// that yields every match does).
fn occurrences(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return usize::MAX;
    }
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        n += 1;
        from += i + needle[..].chars().next().map_or(1, char::len_utf8);
    }
    n
}

/// Where a body's own footnotes go (issue 16): each is a note, numbered with
/// the others. One made of paragraphs is shown as a sidenote, as a source
/// note is, so its definition's events are written right after its first
/// reference. One with blocks a sentence cannot hold (a list, a table, code), or
/// with a note anchored in it, stays where it was defined, as a numbered end
/// note.
struct Footnotes {
    /// The events in the order they are written.
    order: Vec<usize>,
    /// The start events of the definitions shown as sidenotes.
    sidenote_defs: std::collections::HashSet<usize>,
    /// Each referenced footnote's number, by label.
    number: HashMap<String, usize>,
}

impl Footnotes {
    fn plan(
        doc: &Doc<'_>,
        events: &[(Event<'_>, std::ops::Range<usize>)],
        defs: &[markdown::FootnoteDef],
        ann: Option<&Annotations<'_>>,
        points: &HashMap<usize, usize>,
    ) -> Footnotes {
        let mut plan = Footnotes {
            order: (0..events.len()).collect(),
            sidenote_defs: Default::default(),
            number: HashMap::new(),
        };
        let Some(a) = ann else {
            return plan;
        };
        // The first reference to each footnote: the one that shows it.
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, (ev, _)) in events.iter().enumerate() {
            if let (Event::FootnoteReference(label), Some(&n)) = (ev, points.get(&i)) {
                if !doc.is_synthetic(label) {
                    plan.number.entry(label.to_string()).or_insert(n);
                    first.entry(label.as_ref()).or_insert(i);
                }
            }
        }
        let anchored_in = |text: &std::ops::Range<usize>| {
            a.marks.ranges.iter().any(|m| {
                matches!(m.kind, MarkKind::Note { .. })
                    && m.range.start < text.end
                    && m.range.end > text.start
            })
        };
        // Reference event -> the definition's events it brings along.
        let mut moved: HashMap<usize, std::ops::Range<usize>> = HashMap::new();
        for d in defs {
            if let Some(&r) = first.get(d.label.as_str()) {
                if d.inline && !anchored_in(&d.text) {
                    moved.insert(r, d.events.clone());
                    plan.sidenote_defs.insert(d.events.start);
                }
            }
        }
        if moved.is_empty() {
            return plan;
        }
        // (pulldown-cmark reads no footnote reference inside a link's text,
        // so a definition never lands inside a link.)
        let mut order = Vec::with_capacity(events.len());
        let mut i = 0;
        while i < events.len() {
            if plan.sidenote_defs.contains(&i) {
                i = defs
                    .iter()
                    .find(|d| d.events.start == i)
                    .map_or(i + 1, |d| d.events.end);
                continue;
            }
            order.push(i);
            if let Some(def) = moved.get(&i) {
                order.extend(def.clone());
            }
            i += 1;
        }
        plan.order = order;
        plan
    }
}

/// A footnote definition being written: on the page as a sidenote, or in a
/// feed as an item of the notes list (into `out`, the body's events set
/// aside meanwhile), or on the page as an end note (`dom_from` is
/// `usize::MAX`, written in place).
struct Def<'e> {
    number: usize,
    out: Vec<Event<'e>>,
    dom_from: usize,
    paragraphs: usize,
    sidenote: bool,
}

/// The opening of note `n`'s sidenote, up to its words.
fn sidenote_open(n: usize) -> String {
    format!(
        "<span class=\"sidenote\" id=\"sn-{n}\" role=\"doc-footnote\" data-pagefind-ignore><span class=\"sidenote-number\">{n}</span> "
    )
}

/// The end of note `n`'s sidenote, after its words: the link back.
fn sidenote_close(n: usize) -> String {
    format!(
        " <a class=\"note-back\" data-pagefind-ignore href=\"#ref-{n}\" role=\"doc-backlink\" aria-label=\"Back to note {n}\">↩</a></span>"
    )
}

/// Writes chunks and notes; remembers, for a feed, the notes in the order
/// their numbers appear.
struct Writer<'w, 'a> {
    doc: &'w Doc<'a>,
    ann: Option<&'w Annotations<'w>>,
    target: Target<'w>,
    /// Indexes into `ann.marks.ranges`, outer first.
    order: Vec<usize>,
    /// Feed only: note numbers as written.
    notes: Vec<usize>,
    /// Feed only: the HTML of each footnote's definition, by number.
    footnote_html: HashMap<usize, String>,
    /// A sidenote (its HTML and DOM text) written once the closing
    /// punctuation after its reference is: the next text chunk places it.
    held: Option<(String, String)>,
    /// The text the HTML written so far puts in the DOM ([`DOM_UNKNOWN`] at
    /// block edges and raw HTML), and the text of trailers held back until
    /// an enclosing link closes.
    dom: String,
    dom_deferred: String,
    /// Where each mark's text starts and ends in `dom`.
    dom_marks: Vec<(Option<usize>, Option<usize>)>,
}

impl Writer<'_, '_> {
    /// The HTML of one chunk with its part of every mark, and the trailers
    /// (note numbers, quote links) to write after an enclosing link or the
    /// code closes, if the chunk is in one.
    fn chunk(&mut self, chunk: &Chunk) -> (String, String, String) {
        let text = &self.doc.text;
        let (cs, ce) = (chunk.start, chunk.end);
        let mut html = String::new();
        let mut deferred = String::new();
        // The text of the trailers in `deferred`.
        let mut deferred_text = String::new();
        let defer = chunk.in_link || chunk.is_code;
        if chunk.is_code {
            html.push_str("<code>");
        }
        let relevant: Vec<usize> = match self.ann {
            Some(a) => self
                .order
                .iter()
                .copied()
                .filter(|&m| {
                    let r = &a.marks.ranges[m].range;
                    r.start < ce && r.end > cs
                })
                .collect(),
            None => Vec::new(),
        };
        // A sidenote waiting after a footnote reference: after the closing
        // punctuation this chunk starts with.
        let mut ready = self.held.take();
        let ready_at = match &ready {
            Some(_) if !defer => cs + closing_punctuation(&text[cs..ce]),
            _ => cs,
        };
        if ready_at == cs {
            if let Some((h, t)) = ready.take() {
                html.push_str(&h);
                self.dom.push_str(&t);
            }
        }
        if relevant.is_empty() && ready.is_none() {
            escape_into(&mut html, &text[cs..ce]);
            self.dom.push_str(&text[cs..ce]);
        } else {
            let ranges = &self.ann.expect("marks come with annotations").marks.ranges;
            let mut cuts = vec![cs, ce, ready_at];
            // Sidenotes held back past the punctuation after their anchor:
            // (where they go, note number).
            let mut held: Vec<(usize, usize)> = Vec::new();
            for &m in &relevant {
                let r = &ranges[m].range;
                for p in [r.start, r.end] {
                    if p > cs && p < ce {
                        cuts.push(p);
                    }
                }
                if let (MarkKind::Note { number }, Target::Page, false) =
                    (ranges[m].kind, self.target, defer)
                {
                    if r.end > cs && r.end <= ce {
                        let after = closing_punctuation(&text[r.end..ce]);
                        if after > 0 {
                            cuts.push(r.end + after);
                            held.push((r.end + after, number));
                        }
                    }
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
            for w in cuts.windows(2) {
                let (a, b) = (w[0], w[1]);
                let active: Vec<usize> = relevant
                    .iter()
                    .copied()
                    .filter(|&m| ranges[m].range.start <= a && b <= ranges[m].range.end)
                    .collect();
                for &m in &active {
                    self.open(m, a == ranges[m].range.start, &mut html);
                    if a == ranges[m].range.start {
                        self.dom_marks[m].0 = Some(self.dom.len());
                    }
                }
                escape_into(&mut html, &text[a..b]);
                self.dom.push_str(&text[a..b]);
                for &m in &active {
                    if ranges[m].range.end == b {
                        self.dom_marks[m].1 = Some(self.dom.len());
                    }
                }
                for &m in active.iter().rev() {
                    html.push_str(close(ranges[m].kind));
                }
                for &m in active.iter().rev() {
                    if ranges[m].range.end == b {
                        let (out, dom) = if defer {
                            (&mut deferred, &mut deferred_text)
                        } else {
                            (&mut html, &mut self.dom)
                        };
                        match ranges[m].kind {
                            MarkKind::Note { number } if held.iter().any(|h| h.1 == number) => {
                                Self::note_ref_into(self.target, number, out);
                                dom.push_str(&Self::ref_text(number));
                            }
                            kind => {
                                let t = self.trailer_text(kind, defer);
                                let dom_after = if defer {
                                    &mut deferred_text
                                } else {
                                    &mut self.dom
                                };
                                dom_after.push_str(&t);
                                let out = if defer { &mut deferred } else { &mut html };
                                self.trailer(m, out);
                            }
                        }
                    }
                }
                if b == ready_at {
                    if let Some((h, t)) = ready.take() {
                        html.push_str(&h);
                        self.dom.push_str(&t);
                    }
                }
                for &(_, number) in held.iter().filter(|h| h.0 == b) {
                    let t = self.sidenote_text(number);
                    self.sidenote(number, &mut html);
                    self.dom.push_str(&t);
                }
            }
        }
        if chunk.is_code {
            html.push_str("</code>");
        }
        (html, deferred, deferred_text)
    }

    fn ann(&self) -> &Annotations<'_> {
        self.ann.expect("marks come with annotations")
    }

    /// The opening tag of mark `m` over one segment; the first segment of a
    /// quote carries its id.
    fn open(&self, m: usize, first: bool, out: &mut String) {
        let a = self.ann();
        match a.marks.ranges[m].kind {
            MarkKind::Note { number } => {
                out.push_str(&format!(
                    "<span class=\"note-anchor\" data-note=\"{number}\">"
                ));
            }
            MarkKind::Quote { index } => {
                let q = &a.quotes[index];
                let speaker = escape(&a.glossary.entries[q.speaker].id);
                if first {
                    out.push_str(&format!(
                        "<span class=\"quote\" id=\"{}\" data-speaker=\"{speaker}\">",
                        escape(&q.id)
                    ));
                } else {
                    out.push_str(&format!(
                        "<span class=\"quote\" data-speaker=\"{speaker}\">"
                    ));
                }
            }
            MarkKind::Mention { entry } => {
                out.push_str(&mention_open(&a.glossary.entries[entry], a.base));
            }
        }
    }

    /// What follows mark `m`, once, where it ends.
    fn trailer(&mut self, m: usize, out: &mut String) {
        match self.ann().marks.ranges[m].kind {
            MarkKind::Note { number } => self.note(number, out),
            MarkKind::Quote { index } => {
                if let Target::Page = self.target {
                    let a = self.ann();
                    let q = &a.quotes[index];
                    let e = &a.glossary.entries[q.speaker];
                    out.push_str(&format!(
                        "<a class=\"quote-link\" data-pagefind-ignore href=\"#{id}\" data-entry=\"{speaker}\" data-speaker-name=\"{name}\" aria-label=\"Quote by {name}: link to this quote\">#</a>",
                        id = escape(&q.id),
                        speaker = escape(&e.id),
                        name = escape(&e.display_name()),
                    ));
                }
            }
            MarkKind::Mention { .. } => {}
        }
    }

    /// Note `n`'s reference number and, on the page, its sidenote (left out
    /// of the search index: its words are the note's, not the article's).
    fn note(&mut self, n: usize, out: &mut String) {
        self.note_ref(n, out);
        self.sidenote(n, out);
    }

    /// Note `n`'s reference number.
    fn note_ref(&self, n: usize, out: &mut String) {
        Self::note_ref_into(self.target, n, out);
    }

    /// The text of note `n`'s reference number in the DOM.
    fn ref_text(n: usize) -> String {
        n.to_string()
    }

    /// [`Self::ref_text`], as a method beside [`Self::sidenote_text`].
    fn note_ref_text(&self, n: usize) -> String {
        Self::ref_text(n)
    }

    /// The text [`Self::sidenote`] puts in the DOM (none in a feed).
    fn sidenote_text(&self, n: usize) -> String {
        match self.target {
            Target::Page => {
                let a = self.ann();
                let mut t = format!("{n} ");
                if let Some(note) = a.notes.get(n - 1) {
                    let mut cite = String::new();
                    if let Some(s) = note.source.map(|s| &a.sources[s]) {
                        cite.push_str(&s.title);
                        if !s.publisher.is_empty() {
                            cite.push_str(&format!(", {}", s.publisher));
                        }
                        if let Some(d) = &s.date {
                            cite.push_str(&format!(", {}", d.display()));
                        }
                    }
                    t.push_str(&note.dom_text);
                    if !note.text_html.is_empty() && note.source.is_some() {
                        t.push(' ');
                    }
                    t.push_str(&cite);
                }
                t.push_str(" ↩");
                t
            }
            Target::Feed { .. } => String::new(),
        }
    }

    /// The text the trailer of a mark of `kind` puts in the DOM.
    fn trailer_text(&self, kind: MarkKind, _deferred: bool) -> String {
        match (kind, self.target) {
            (MarkKind::Note { number }, Target::Page) => {
                Self::ref_text(number) + &self.sidenote_text(number)
            }
            (MarkKind::Note { number }, Target::Feed { .. }) => Self::ref_text(number),
            (MarkKind::Quote { .. }, Target::Page) => "#".to_string(),
            _ => String::new(),
        }
    }

    /// A later reference to ordinary footnote `n`: its number again, a link
    /// to the note, with no id of its own (the note links back to the first).
    fn repeat_ref_into(target: Target<'_>, n: usize, out: &mut String) {
        let href = match target {
            Target::Page => String::new(),
            Target::Feed { permalink } => escape(permalink),
        };
        out.push_str(&format!(
            "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"{href}#sn-{n}\" role=\"doc-noteref\" aria-describedby=\"sn-{n}\">{n}</a></sup>"
        ));
    }

    fn note_ref_into(target: Target<'_>, n: usize, out: &mut String) {
        let href = match target {
            Target::Page => String::new(),
            Target::Feed { permalink } => escape(permalink),
        };
        out.push_str(&format!(
            "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"{href}#sn-{n}\" id=\"ref-{n}\" role=\"doc-noteref\" aria-describedby=\"sn-{n}\">{n}</a></sup>"
        ));
    }

    /// Note `n` itself: on the page, the sidenote; in a feed, an item of the
    /// list at the end.
    fn sidenote(&mut self, n: usize, out: &mut String) {
        match self.target {
            Target::Page => {
                out.push_str(&sidenote_open(n));
                self.note_content(n, None, out);
                out.push_str(&sidenote_close(n));
            }
            Target::Feed { .. } => self.notes.push(n),
        }
    }

    /// A note's words and its citation. In a feed (`page` set), links to a
    /// place on the page point at the page.
    fn note_content(&self, n: usize, page: Option<&str>, out: &mut String) {
        let a = self.ann();
        let Some(note) = a.notes.get(n - 1) else {
            return;
        };
        if note.footnote {
            if let Some(html) = self.footnote_html.get(&n) {
                out.push_str(html.trim_end());
            }
            return;
        }
        let text = match (page, &note.feed_text_html) {
            (Some(_), Some(feed)) => feed.as_str(),
            _ => note.text_html.as_str(),
        };
        let mut cite = String::new();
        if let Some(s) = note.source.map(|s| &a.sources[s]) {
            cite.push_str("<cite class=\"note-source\">");
            if s.url.is_empty() {
                escape_into(&mut cite, &s.title);
            } else {
                cite.push_str(&format!(
                    "<a href=\"{}\">{}</a>",
                    escape(&s.url),
                    escape(&s.title)
                ));
            }
            if !s.publisher.is_empty() {
                cite.push_str(&format!(", {}", escape(&s.publisher)));
            }
            if let Some(d) = &s.date {
                cite.push_str(&format!(", {}", d.display()));
            }
            cite.push_str("</cite>");
        }
        let sep = if !text.is_empty() && !cite.is_empty() {
            " "
        } else {
            ""
        };
        if page.is_some() {
            out.push_str(format!("{text}{sep}{cite}").trim());
        } else {
            out.push_str(text);
            out.push_str(sep);
            out.push_str(&cite);
        }
    }
}

/// How many bytes of closing punctuation `rest` starts with, when a space or
/// the end of the text follows them: a sidenote goes after them, so that a
/// note opened in place on a phone (a block) does not leave the sentence's
/// full stop alone on the next line (issue 16). Its number stays at the end
/// of its anchor. Punctuation inside a word (`Reuters’s`) holds nothing back.
fn closing_punctuation(rest: &str) -> usize {
    let end = rest
        .char_indices()
        .find(|&(_, c)| {
            !matches!(
                c,
                '.' | ',' | ';' | ':' | '!' | '?' | '…' | ')' | ']' | '”' | '’' | '»'
            )
        })
        .map_or(rest.len(), |(i, _)| i);
    match rest[end..].chars().next() {
        Some(c) if !c.is_whitespace() => 0,
        _ => end,
    }
}

fn close(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Note { .. } | MarkKind::Quote { .. } => "</span>",
        MarkKind::Mention { .. } => "</a>",
    }
}

fn mention_open(e: &crate::glossary::Entry, base: &Base) -> String {
    format!(
        "<a class=\"mention\" href=\"{}\" role=\"doc-glossref\" data-entry=\"{}\">",
        escape(&base.href(&e.url())),
        escape(&e.id)
    )
}

fn heading_anchor(id: &str) -> String {
    format!(
        "<a class=\"heading-anchor\" data-pagefind-ignore href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
    )
}

/// The annotations of a resolved article, for [`render`].
pub fn annotations<'a>(
    a: &'a crate::annotate::ResolvedArticle,
    glossary: &'a Glossary,
    base: &'a Base,
) -> Annotations<'a> {
    Annotations {
        marks: &a.marks,
        notes: &a.notes,
        sources: &a.sources,
        quotes: &a.quotes,
        glossary,
        base,
    }
}

/// An article's body as its feed entry shows it (the page at `permalink`).
///
/// The body is parsed again: only feed entries (the newest few articles of
/// each feed) need this form, and keeping every article's parse or a second
/// HTML for all of them would cost every build memory. The marks name
/// events of the parse, which the same body with the same source ids gives
/// again.
pub fn feed_entry(
    config: &crate::config::Config,
    content: &crate::content::Content,
    site: &crate::annotate::Site,
    a: &crate::annotate::ResolvedArticle,
    permalink: &str,
) -> String {
    let article = &content.articles[a.index];
    // Changed since it was loaded: the build fails (see `SourceMap::changed_during_build`).
    let Some(text) = content.body_once(&article.layout) else {
        return String::new();
    };
    let mut owned = String::new();
    let doc = Doc::parse_with(
        &text,
        &mut owned,
        |label| a.sources.iter().any(|s| s.id == label),
        crate::raw_html::RawHtml::from_unsafe_html(config.markdown.unsafe_html),
    );
    let ann = annotations(a, &site.glossary, &site.base);
    render(doc, Some(&ann), Target::Feed { permalink })
}

/// An article's body as its page shows it, written again from its source
/// (for a build that keeps no body, [`super::Bodies::AtPage`]): the same
/// parse and marks as when it was resolved give the same HTML.
pub fn page(
    config: &crate::config::Config,
    content: &crate::content::Content,
    site: &crate::annotate::Site,
    a: &crate::annotate::ResolvedArticle,
) -> String {
    let article = &content.articles[a.index];
    // Changed since it was loaded: the build fails (see `SourceMap::changed_during_build`).
    let Some(text) = content.body_once(&article.layout) else {
        return String::new();
    };
    let mut owned = String::new();
    let doc = Doc::parse_with(
        &text,
        &mut owned,
        |label| a.sources.iter().any(|s| s.id == label),
        crate::raw_html::RawHtml::from_unsafe_html(config.markdown.unsafe_html),
    );
    let ann = annotations(a, &site.glossary, &site.base);
    render(doc, Some(&ann), Target::Page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::marks::{Mark, NotePoint};

    const PAGE: &str = "https://example.org/articles/a/";

    fn note(number: usize, text: &str) -> Note {
        Note {
            number,
            text_html: text.to_string(),
            dom_text: text.to_string(),
            feed_text_html: None,
            source: None,
            selector: None,
            footnote: false,
        }
    }

    /// Renders `body` with a note over each `(from, to)`: from the first
    /// `from` to the end of the first `to` after it; its ordinary footnotes
    /// are notes too, and all are numbered in reading order, as resolve
    /// numbers them.
    fn with_notes(body: &str, anchors: &[(&str, &str)], target: Target<'_>) -> String {
        let mut owned = String::new();
        let doc = Doc::parse(body, &mut owned, |_| false);
        // (where it falls, an anchored range or a footnote's first reference)
        let mut pending: Vec<(usize, Result<std::ops::Range<usize>, usize>)> = Vec::new();
        for (from, to) in anchors {
            let start = doc.text.find(from).unwrap();
            let end = start + doc.text[start..].find(to).unwrap() + to.len();
            pending.push((end, Ok(start..end)));
        }
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut repeats = Vec::new();
        for f in &doc.footnotes {
            match first.get(f.label.as_str()) {
                Some(_) => repeats.push((f.event, f.label.as_str())),
                None => {
                    first.insert(&f.label, f.event);
                    pending.push((f.at, Err(f.event)));
                }
            }
        }
        let mut order: Vec<usize> = (0..pending.len()).collect();
        order.sort_by_key(|&i| (pending[i].0, i));
        let mut marks = Marks::default();
        let mut notes = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let number = k + 1;
            match &pending[i].1 {
                Ok(range) => {
                    marks.ranges.push(Mark {
                        range: range.clone(),
                        kind: MarkKind::Note { number },
                    });
                    notes.push(note(number, &format!("N{number}")));
                }
                Err(event) => {
                    marks.points.push(NotePoint {
                        event: *event,
                        number,
                    });
                    for &(e, label) in &repeats {
                        if first[label] == *event {
                            marks.points.push(NotePoint { event: e, number });
                        }
                    }
                    notes.push(Note {
                        footnote: true,
                        ..note(number, "")
                    });
                }
            }
        }
        let (glossary, base) = (Glossary::default(), Base::new("https://example.org/"));
        let ann = Annotations {
            marks: &marks,
            notes: &notes,
            sources: &[],
            quotes: &[],
            glossary: &glossary,
            base: &base,
        };
        render(doc, Some(&ann), target)
    }

    /// The HTML of note `n`'s number on the page.
    fn page_ref(n: usize) -> String {
        format!(
            "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"#sn-{n}\" id=\"ref-{n}\" role=\"doc-noteref\" aria-describedby=\"sn-{n}\">{n}</a></sup>"
        )
    }

    /// The HTML of note `n`'s sidenote.
    fn page_sidenote(n: usize) -> String {
        format!(
            "<span class=\"sidenote\" id=\"sn-{n}\" role=\"doc-footnote\" data-pagefind-ignore><span class=\"sidenote-number\">{n}</span> N{n} <a class=\"note-back\" data-pagefind-ignore href=\"#ref-{n}\" role=\"doc-backlink\" aria-label=\"Back to note {n}\">↩</a></span>"
        )
    }

    /// Both: note `n` as it follows its anchor.
    fn page_note(n: usize) -> String {
        page_ref(n) + &page_sidenote(n)
    }

    /// Issue 16: a note opened in place on a phone is a block; written
    /// before the full stop, it left the stop alone on the next line.
    #[test]
    fn a_sidenote_goes_after_the_punctuation_that_ends_its_anchor() {
        let html = with_notes(
            "They left at dawn. Then it rained.",
            &[("left", "dawn")],
            Target::Page,
        );
        assert_eq!(
            html,
            format!(
                "<p>They <span class=\"note-anchor\" data-note=\"1\">left at dawn</span>{}.{} Then it rained.</p>\n",
                page_ref(1),
                page_sidenote(1)
            )
        );
        let inside_a_word = with_notes(
            "Ask Reuters’s desk.",
            &[("Reuters", "Reuters")],
            Target::Page,
        );
        assert!(
            inside_a_word.contains(&format!("Reuters</span>{}’s", page_note(1))),
            "{inside_a_word}"
        );
    }

    #[test]
    fn a_note_across_emphasis_becomes_one_element_per_text_node() {
        let html = with_notes("He said *we will* go.", &[("said", "will")], Target::Page);
        assert_eq!(
            html,
            format!(
                "<p>He <span class=\"note-anchor\" data-note=\"1\">said </span><em><span class=\"note-anchor\" data-note=\"1\">we will</span>{}</em> go.</p>\n",
                page_note(1)
            )
        );
    }

    #[test]
    fn a_note_inside_a_link_shows_its_number_after_the_link() {
        let html = with_notes(
            "See [the report](https://x.org) today.",
            &[("the", "report")],
            Target::Page,
        );
        assert_eq!(
            html,
            format!(
                "<p>See <a href=\"https://x.org\"><span class=\"note-anchor\" data-note=\"1\">the report</span></a>{} today.</p>\n",
                page_note(1)
            )
        );
    }

    /// Issue 16: overlapping anchors were refused; each segment now
    /// carries the marks over it, and each note one number where it ends.
    #[test]
    fn overlapping_notes_nest_by_segment_with_one_number_each() {
        let html = with_notes(
            "The talks stalled on Monday.",
            &[("talks", "on"), ("on", "Monday")],
            Target::Page,
        );
        assert_eq!(
            html,
            format!(
                concat!(
                    "<p>The <span class=\"note-anchor\" data-note=\"1\">talks stalled </span>",
                    "<span class=\"note-anchor\" data-note=\"1\"><span class=\"note-anchor\" data-note=\"2\">on</span></span>{}",
                    "<span class=\"note-anchor\" data-note=\"2\"> Monday</span>{}.{}</p>\n"
                ),
                page_note(1),
                page_ref(2),
                page_sidenote(2)
            )
        );
    }

    #[test]
    fn headings_get_ids_and_anchor_links_on_the_page_only() {
        let body = "## The queue\n\n## The queue\n";
        let mut owned = String::new();
        let html = plain(Doc::parse(body, &mut owned, |_| false));
        assert!(
            html.contains("<h2 id=\"the-queue\"><a class=\"heading-anchor\""),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"the-queue-2\">"), "{html}");
        let feed = with_notes(body, &[], Target::Feed { permalink: PAGE });
        assert_eq!(
            feed,
            "<h2 id=\"the-queue\">The queue</h2>\n<h2 id=\"the-queue-2\">The queue</h2>\n"
        );
    }

    #[test]
    fn in_a_feed_sidenotes_become_a_list_at_the_end_and_page_links_point_at_the_page() {
        let feed = with_notes(
            "Ships waited[^a] for [days](#later).\n\n[^a]: A footnote.\n",
            &[("Ships", "waited")],
            Target::Feed { permalink: PAGE },
        );
        assert_eq!(
            feed,
            concat!(
                "<p><span class=\"note-anchor\" data-note=\"1\">Ships waited</span>",
                "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"https://example.org/articles/a/#sn-1\" id=\"ref-1\" role=\"doc-noteref\" aria-describedby=\"sn-1\">1</a></sup>",
                "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"https://example.org/articles/a/#sn-2\" id=\"ref-2\" role=\"doc-noteref\" aria-describedby=\"sn-2\">2</a></sup>",
                " for <a href=\"https://example.org/articles/a/#later\">days</a>.</p>\n",
                "<hr/>\n<ol class=\"notes\">\n<li>N1</li>\n<li><p>A footnote.</p></li>\n</ol>\n"
            )
        );
    }

    /// Issue 16: `[^1]` footnotes were numbered apart from source notes, so
    /// an article showed two different "1"s. A footnote is now a note of
    /// the one sequence, in reading order, shown as a sidenote where it is
    /// referred to; a second reference shows its number and links to it.
    #[test]
    fn footnotes_are_sidenotes_numbered_with_the_other_notes() {
        let html = with_notes(
            "Ships waited[^fn], then *left*. They came back[^fn].\n\n[^fn]: At *anchor*.\n\n    Two days.\n",
            &[("then", "left")],
            Target::Page,
        );
        let sidenote = concat!(
            "<span class=\"sidenote\" id=\"sn-1\" role=\"doc-footnote\" data-pagefind-ignore><span class=\"sidenote-number\">1</span> ",
            "At <em>anchor</em>.<span class=\"note-para\">Two days.</span>",
            " <a class=\"note-back\" data-pagefind-ignore href=\"#ref-1\" role=\"doc-backlink\" aria-label=\"Back to note 1\">↩</a></span>"
        );
        assert_eq!(
            html,
            format!(
                concat!(
                    "<p>Ships waited{},{} <span class=\"note-anchor\" data-note=\"2\">then </span>",
                    "<em><span class=\"note-anchor\" data-note=\"2\">left</span>{}</em>. They came back",
                    "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"#sn-1\" role=\"doc-noteref\" aria-describedby=\"sn-1\">1</a></sup>.</p>\n"
                ),
                page_ref(1),
                sidenote,
                page_note(2)
            )
        );
        assert!(!html.contains("footnote-definition"), "{html}");
    }

    /// A footnote with a list (or code, a table) cannot sit in a sentence:
    /// it stays at the end, numbered in the same sequence, linked both ways.
    #[test]
    fn a_footnote_with_blocks_is_an_end_note_numbered_with_the_others() {
        let html = with_notes(
            "Ships waited[^list] for *days*.\n\n[^list]: Two kinds:\n\n    - tugs\n",
            &[("for", "days")],
            Target::Page,
        );
        assert!(
            html.starts_with(&format!("<p>Ships waited{} <span", page_ref(1))),
            "{html}"
        );
        assert!(html.contains(&page_note(2)), "{html}");
        assert!(
            html.ends_with(concat!(
                "<div class=\"footnote-definition\" id=\"sn-1\" role=\"doc-footnote\"><sup class=\"footnote-definition-label\">1</sup>",
                "\n<p>Two kinds:</p>\n<ul>\n<li>tugs</li>\n</ul>\n",
                "<a class=\"footnote-back\" href=\"#ref-1\" role=\"doc-backlink\" aria-label=\"Back to note 1\">↩</a></div>\n"
            )),
            "{html}"
        );
    }

    /// A definition nothing refers to has no number to show: it stays at the
    /// end, unnumbered, rather than taking a number of its own.
    #[test]
    fn an_unreferenced_footnote_is_shown_at_the_end_without_a_number() {
        let html = with_notes(
            "Ships waited.\n\n[^spare]: Never cited.\n",
            &[("Ships", "waited")],
            Target::Page,
        );
        assert_eq!(
            html,
            format!(
                "<p><span class=\"note-anchor\" data-note=\"1\">Ships waited</span>{}.{}</p>\n<div class=\"footnote-definition\">\n<p>Never cited.</p>\n</div>\n",
                page_ref(1),
                page_sidenote(1)
            )
        );
    }

    #[test]
    fn a_base_url_with_markup_in_it_stays_inside_the_attribute() {
        let feed = with_notes(
            "Ships waited.",
            &[("Ships", "waited")],
            Target::Feed {
                permalink: "https://x.org/\"><script>alert(1)</script>/articles/a/",
            },
        );
        assert!(!feed.contains("<script"), "{feed}");
        assert!(
            feed.contains("href=\"https://x.org/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/articles/a/#sn-1\""),
            "{feed}"
        );
    }

    #[test]
    fn a_source_note_at_a_footnote_reference_is_numbered_with_the_others() {
        let mut owned = String::new();
        let doc = Doc::parse("Ships waited[^log].\n", &mut owned, |l| l == "log");
        let event = doc
            .events()
            .iter()
            .position(|(e, _)| matches!(e, Event::FootnoteReference(_)))
            .unwrap();
        let marks = Marks {
            points: vec![NotePoint { event, number: 1 }],
            ..Marks::default()
        };
        let notes = [note(1, "N1")];
        let (glossary, base) = (Glossary::default(), Base::new("https://example.org/"));
        let ann = Annotations {
            marks: &marks,
            notes: &notes,
            sources: &[],
            quotes: &[],
            glossary: &glossary,
            base: &base,
        };
        let html = render(doc, Some(&ann), Target::Page);
        // The sidenote follows the full stop, as after an anchor (issue 16).
        assert_eq!(
            html,
            format!("<p>Ships waited{}.{}</p>\n", page_ref(1), page_sidenote(1))
        );
    }
}
