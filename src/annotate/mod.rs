//! Resolve: anchors every note and quote of every article in its text, links
//! glossary mentions, checks every id a front matter refers to, and renders
//! the bodies. Takes the loaded [`Content`]; returns a [`Site`] in which every
//! reference is an index that is known to be valid.
//!
//! Articles are resolved in parallel; each returns its diagnostics with its
//! result and they are merged in article order.

pub mod anchor;
pub(crate) mod urls;

use crate::config::{Config, LinkMode};
use crate::content::{Article, Content, Page, SourceFront};
use crate::diagnostics::{closest, Diagnostic, Diagnostics};
use crate::frontmatter::{self, Date};
use crate::glossary::{self, EntryIdx, Glossary, Linker};
use crate::markdown::{self, escape, Doc, Mark};
use crate::raw_html::RawHtml;
use crate::routes::{self, Base, Route};
use crate::source::{SourceId, Span};
use crate::url_safety;
use anchor::{AnchorError, Folded, Quote};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

/// A cited source, its URLs checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub archived: String,
    pub date: Option<Date>,
}

#[derive(Clone, Debug)]
pub struct Note {
    /// 1-based, in reading order.
    pub number: usize,
    pub text_html: String,
    /// Index into [`ResolvedArticle::sources`].
    pub source: Option<usize>,
    /// The selector of the anchored text (`None` for `[^source]` notes).
    pub selector: Option<Quote>,
}

#[derive(Clone, Debug)]
pub struct QuoteAnn {
    pub id: String,
    pub text: String,
    pub speaker: EntryIdx,
    pub said: Option<Date>,
    pub context: String,
    pub source: Option<usize>,
    pub selector: Quote,
    /// Where it is set in the front matter, for duplicate-id errors.
    pub span: Span,
    /// Where it starts in the reader's text (quotes are listed in reading order).
    pub at: usize,
}

/// A mention of an entry, with the sentence around it (empty past the
/// mentions of the entry an entry page shows, see `Contexts`).
#[derive(Clone, Debug)]
pub struct Mention {
    pub entry: EntryIdx,
    pub before: String,
    pub text: String,
    pub after: String,
}

#[derive(Clone, Debug)]
pub struct ResolvedArticle {
    /// Index into `Content::articles`.
    pub index: usize,
    pub slug: String,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub authors: Vec<String>,
    pub summary: String,
    pub tags: Vec<String>,
    pub html: String,
    pub word_count: usize,
    pub sources: Vec<Source>,
    pub notes: Vec<Note>,
    pub quotes: Vec<QuoteAnn>,
    pub mentions: Vec<Mention>,
    /// Entries mentioned or quoted, by name.
    pub entities: Vec<EntryIdx>,
    /// Problems that do not stop the build (code shown without highlighting).
    pub warnings: Vec<Diagnostic>,
}

impl ResolvedArticle {
    /// The article's route (`/articles/<slug>/`); put it behind the site's
    /// base path ([`crate::routes::Base::href`]) for an href.
    pub fn url(&self) -> Route {
        routes::article(&self.slug)
    }
}

#[derive(Clone, Debug)]
pub struct ResolvedPage {
    pub slug: String,
    pub title: String,
    pub html: String,
    /// As [`ResolvedArticle::warnings`].
    pub warnings: Vec<Diagnostic>,
}

/// The resolved site. Articles are sorted newest first (ties by slug).
pub struct Site {
    pub glossary: Glossary,
    pub articles: Vec<ResolvedArticle>,
    pub pages: Vec<ResolvedPage>,
    /// Entries nothing mentions or quotes (for the build summary).
    pub unmentioned: Vec<EntryIdx>,
    /// Where the site is served (from `base_url`): every href is made
    /// behind its path.
    pub base: Base,
}

pub fn resolve(config: &Config, content: &Content, diags: &mut Diagnostics) -> Site {
    resolve_keeping_linker(config, content, diags).0
}

/// [`resolve`], also handing back the glossary's [`Linker`], so that an
/// incremental rebuild can resolve edited articles again without rebuilding it.
pub(crate) fn resolve_keeping_linker(
    config: &Config,
    content: &Content,
    diags: &mut Diagnostics,
) -> (Site, Linker) {
    let glossary = glossary::build(content, raw_html(config), diags);
    let linker = Linker::new(&glossary, config.glossary.case_sensitive);
    let results: Vec<(Option<ResolvedArticle>, Vec<Diagnostic>)> = content
        .articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let mut ds = Vec::new();
            let r = resolve_article(config, content, &glossary, &linker, i, a, &mut ds);
            (r, ds)
        })
        .collect();
    let mut articles = Vec::new();
    for (r, ds) in results {
        diags.extend(ds);
        articles.extend(r);
    }
    check_site(content, &articles, diags);
    sort_articles(&mut articles);

    let pages = content
        .pages
        .iter()
        .map(|p| resolve_page(config, content, p, diags))
        .collect();

    let unmentioned = unmentioned(&glossary, &articles);
    let site = Site {
        glossary,
        articles,
        pages,
        unmentioned,
        base: config.base(),
    };
    (site, linker)
}

/// The checks across articles; `articles` must be in `Content::articles`
/// order (as resolved, before sorting), so that "the first" is the same one
/// in every build.
pub(crate) fn check_site(content: &Content, articles: &[ResolvedArticle], diags: &mut Diagnostics) {
    check_unique_slugs(content, articles, diags);
    check_unique_quote_ids(articles, diags);
}

/// Whether the articles at `edited` (indexes into `Content::articles`) share
/// a slug or a quote id with any article: what [`check_site`] would report
/// after an edit that touched only them, found without hashing every id of
/// the site. When this says yes, run `check_site` for the report.
pub(crate) fn edits_clash(articles: &[ResolvedArticle], edited: &BTreeSet<usize>) -> bool {
    let changed: Vec<&ResolvedArticle> = articles
        .iter()
        .filter(|a| edited.contains(&a.index))
        .collect();
    articles.iter().any(|other| {
        changed.iter().any(|a| {
            let itself = a.index == other.index;
            (!itself && a.slug == other.slug)
                || a.quotes.iter().enumerate().any(|(i, q)| {
                    other
                        .quotes
                        .iter()
                        .enumerate()
                        .any(|(j, o)| !(itself && i == j) && q.id == o.id)
                })
        })
    })
}

/// The site's order: newest first, ties by slug. Stable, so it depends only
/// on the order it starts from, which is always `Content::articles` order.
pub(crate) fn sort_articles(articles: &mut [ResolvedArticle]) {
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
}

/// Entries no article mentions or quotes.
pub(crate) fn unmentioned(glossary: &Glossary, articles: &[ResolvedArticle]) -> Vec<EntryIdx> {
    let mut used = vec![false; glossary.entries.len()];
    for a in articles {
        for &e in &a.entities {
            used[e] = true;
        }
    }
    (0..used.len()).filter(|&i| !used[i]).collect()
}

/// What the site does with raw HTML in content (`[markdown] unsafe_html`).
pub(crate) fn raw_html(config: &Config) -> RawHtml {
    RawHtml::from_unsafe_html(config.markdown.unsafe_html)
}

fn resolve_page(
    config: &Config,
    content: &Content,
    p: &Page,
    diags: &mut Diagnostics,
) -> ResolvedPage {
    let body = content.body(&p.layout);
    let mut owned = String::new();
    let doc = Doc::parse_with(body, &mut owned, |_| false, raw_html(config));
    let mut ds = Vec::new();
    check_body_urls(&doc, p.layout.source, p.layout.body_start, &mut ds);
    diags.extend(ds);
    let warnings = long_code_warnings(&doc, p.layout.source, p.layout.body_start);
    ResolvedPage {
        slug: p.slug.clone(),
        title: p.front.title.clone(),
        html: doc.render(&[], &HashMap::new(), &HashMap::new()),
        warnings,
    }
}

/// A warning for each code block shown without highlighting.
fn long_code_warnings(
    doc: &Doc,
    source: crate::source::SourceId,
    body_start: usize,
) -> Vec<Diagnostic> {
    doc.unhighlighted
        .iter()
        .map(|c| {
            Diagnostic::warning(format!(
                "line {} of this code block is {} bytes long: the block is shown without highlighting",
                c.line, c.len
            ))
            .at(Span::new(source, body_start + c.fence.start, body_start + c.fence.end))
            .label("this block")
            .note(format!(
                "code is highlighted only when no line is longer than {} bytes: longer lines cost time and memory out of proportion",
                markdown::MAX_HIGHLIGHT_LINE
            ))
            .help("break the line, or leave it as it is: the code is still shown, as plain text")
        })
        .collect()
}

/// [`check_markdown_urls`] for a body that starts at `body_start` of `source`.
fn check_body_urls(doc: &Doc, source: SourceId, body_start: usize, diags: &mut Vec<Diagnostic>) {
    urls::check_markdown_urls(
        &doc.urls,
        |u| {
            Span::new(
                source,
                body_start + u.source.start,
                body_start + u.source.end,
            )
        },
        diags,
    );
}

pub(crate) fn resolve_article(
    config: &Config,
    content: &Content,
    glossary: &Glossary,
    linker: &Linker,
    index: usize,
    a: &Article,
    ds: &mut Vec<Diagnostic>,
) -> Option<ResolvedArticle> {
    let id = a.layout.source;
    let base = config.base();
    let sm = &content.sources;
    let (fm_start, fm_end) = (a.layout.fm_start, a.layout.fm_end);
    let find =
        |from: usize, value: &str| frontmatter::find_value(id, sm, fm_start, fm_end, from, value);

    // Sources: unique ids, safe URLs.
    let mut sources: Vec<Source> = Vec::new();
    let mut source_ids: HashMap<&str, usize> = HashMap::new();
    let mut cursor = fm_start;
    for s in &a.front.sources {
        let span = find(cursor, &s.id);
        cursor = span.end as usize;
        if let Some(&first) = source_ids.get(s.id.as_str()) {
            ds.push(
                Diagnostic::error(format!(
                    "source id `{}` is used twice in this article",
                    s.id
                ))
                .at(span)
                .label("second definition")
                .note(format!("the first is `{}`", sources[first].title)),
            );
            continue;
        }
        check_source_urls(s, &find, cursor, ds);
        source_ids.insert(&s.id, sources.len());
        sources.push(Source {
            id: s.id.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            url: if url_safety::is_safe(&s.url) {
                s.url.clone()
            } else {
                String::new()
            },
            archived: if url_safety::is_safe(&s.archived) {
                s.archived.clone()
            } else {
                String::new()
            },
            date: s.date.clone(),
        });
    }
    let known_sources: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    let lookup_source = |sid: &str, span: Span, ds: &mut Vec<Diagnostic>| -> Option<usize> {
        match source_ids.get(sid) {
            Some(&i) => Some(i),
            None => {
                ds.push(
                    Diagnostic::error(format!("unknown source `{sid}`"))
                        .at(span)
                        .label("no [[sources]] entry in this article has this id")
                        .suggest(sid, known_sources.iter().copied())
                        .help("add a [[sources]] entry with this id to the article's front matter"),
                );
                None
            }
        }
    };

    let body = content.body(&a.layout);
    let mut owned = String::new();
    let doc = Doc::parse_with(
        body,
        &mut owned,
        |label| source_ids.contains_key(label),
        raw_html(config),
    );
    check_body_urls(&doc, id, a.layout.body_start, ds);
    // Folding costs a pass over the text: only articles with anchors need it.
    let has_anchors = !a.front.notes.is_empty() || !a.front.quotes.is_empty();
    let folded = Folded::new(if has_anchors { &doc.text } else { "" });

    // Anchored annotations: (range, kind) where kind indexes notes or quotes.
    enum Kind {
        Note(usize),
        Quote(usize),
    }
    let mut anchored: Vec<(Range<usize>, Kind, Span)> = Vec::new();
    struct PendingNote {
        text_html: String,
        source: Option<usize>,
        selector: Option<Quote>,
        at: usize,
        point: Option<usize>,
    }
    let mut pending_notes: Vec<PendingNote> = Vec::new();
    // Every anchor of the article found in one pass (notes, then quotes).
    let note_sels: Vec<Quote> = a
        .front
        .notes
        .iter()
        .map(|n| selector(&n.anchor, &n.prefix, &n.suffix, n.occurrence))
        .collect();
    let quote_sels: Vec<Quote> = a
        .front
        .quotes
        .iter()
        .map(|q| selector(&q.anchor, &q.prefix, &q.suffix, q.occurrence))
        .collect();
    let all_sels: Vec<&Quote> = note_sels.iter().chain(&quote_sels).collect();
    let found = anchor::find_all(&folded, &all_sels);
    let mut cursor = fm_start;
    for (k, n) in a.front.notes.iter().enumerate() {
        let span = find(cursor, &n.anchor);
        cursor = span.end as usize;
        let source = n
            .source
            .as_deref()
            .and_then(|s| lookup_source(s, find(span.start as usize, s), ds));
        if n.text.trim().is_empty() && n.source.is_none() {
            ds.push(
                Diagnostic::error("a note needs `text` or a `source`")
                    .at(span)
                    .label("this note would be empty")
                    .help("add `text = \"...\"` with the note, or `source = \"<id>\"` naming one of the article's [[sources]]"),
            );
            continue;
        }
        let text = markdown::render_inline_with(&n.text, raw_html(config));
        if !text.urls.is_empty() {
            let text_span = find(span.start as usize, &n.text);
            let text_span = if text_span.start == text_span.end {
                span
            } else {
                text_span
            };
            urls::check_markdown_urls(
                &text.urls,
                |u| urls::locate_in_value(content, &a.layout, text_span, u),
                ds,
            );
        }
        let q = &note_sels[k];
        match anchor::resolve_among(&folded, q, found.of(k)) {
            Ok(range) => {
                anchored.push((range.clone(), Kind::Note(pending_notes.len()), span));
                pending_notes.push(PendingNote {
                    text_html: text.html,
                    source,
                    selector: Some(anchor::describe(
                        &doc.text,
                        &folded,
                        range.clone(),
                        q.is_bare(),
                    )),
                    at: range.end,
                    point: None,
                });
            }
            Err(e) => ds.push(anchor_error("note", &n.anchor, e, span, &doc, &folded)),
        }
    }
    let mut suggestions = Suggestions::new(glossary);
    let mut quotes: Vec<QuoteAnn> = Vec::new();
    let mut cursor = fm_start;
    for (k, q) in a.front.quotes.iter().enumerate() {
        let span = find(cursor, &q.anchor);
        cursor = span.end as usize;
        let speaker = match glossary.get(&q.speaker) {
            Some(s) => Some(s),
            None => {
                ds.push(
                    Diagnostic::error(format!("unknown speaker `{}`", q.speaker))
                        .at(find(span.start as usize, &q.speaker))
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
            .and_then(|s| lookup_source(s, find(span.start as usize, s), ds));
        let sel = &quote_sels[k];
        let range = match anchor::resolve_among(&folded, sel, found.of(note_sels.len() + k)) {
            Ok(r) => r,
            Err(e) => {
                ds.push(anchor_error("quote", &q.anchor, e, span, &doc, &folded));
                continue;
            }
        };
        let Some(speaker) = speaker else { continue };
        let text = doc.text[range.clone()].to_string();
        let id = match &q.id {
            Some(explicit) => {
                let clean = crate::routes::slugify(explicit);
                if clean.starts_with("q-") {
                    clean
                } else {
                    format!("q-{clean}")
                }
            }
            None => quote_id(&glossary.entries[speaker].id, &text),
        };
        anchored.push((range.clone(), Kind::Quote(quotes.len()), span));
        quotes.push(QuoteAnn {
            id,
            text,
            speaker,
            said: q.said.clone(),
            context: q.context.clone(),
            source,
            at: range.start,
            selector: anchor::describe(&doc.text, &folded, range, sel.is_bare()),
            span,
        });
    }

    // Partial overlaps cannot nest.
    let mut sorted: Vec<usize> = (0..anchored.len()).collect();
    sorted.sort_by_key(|&i| (anchored[i].0.start, std::cmp::Reverse(anchored[i].0.end)));
    let mut bad = vec![false; anchored.len()];
    for (x, &i) in sorted.iter().enumerate() {
        for &j in &sorted[x + 1..] {
            let (a_r, b_r) = (&anchored[i].0, &anchored[j].0);
            if b_r.start >= a_r.end {
                break;
            }
            if b_r.end > a_r.end {
                bad[j] = true;
                ds.push(
                    Diagnostic::error("two annotations overlap without nesting")
                        .at(anchored[j].2)
                        .label("this anchor starts inside the other and ends after it")
                        .also(anchored[i].2, "the other annotation")
                        .note(format!("they share “{}”", &doc.text[b_r.start..a_r.end]))
                        .help(
                            "make one anchor contain the other, or move one so they do not overlap",
                        ),
                );
            }
        }
    }

    // Source notes written as [^source-id] footnotes.
    for f in &doc.footnotes {
        if doc.is_synthetic(&f.label) {
            pending_notes.push(PendingNote {
                text_html: String::new(),
                source: source_ids.get(f.label.as_str()).copied(),
                selector: None,
                at: f.at,
                point: Some(f.event),
            });
        }
    }
    // A reference nothing defines is published as its literal text: for a
    // fact-checking desk, a citation that silently vanishes (issue 13).
    let undefined = doc.undefined_footnotes();
    if !undefined.is_empty() {
        let defined = doc.footnote_definitions();
        let candidates: Vec<&str> = defined
            .iter()
            .map(String::as_str)
            .chain(source_ids.keys().copied())
            .collect();
        for (label, range) in undefined {
            let mut d = Diagnostic::error(format!(
                "footnote `[^{label}]` has no definition, and no source has the id `{label}`"
            ))
            .at(Span::new(
                id,
                a.layout.body_start + range.start,
                a.layout.body_start + range.end,
            ))
            .label("this would be published as plain text");
            d = match closest(&label, candidates.iter().copied()) {
                Some(near) => d.help(format!("did you mean `[^{near}]`?")),
                None => d.help(format!(
                    "define it with a line `[^{label}]: ...`, or cite a source by its id"
                )),
            };
            ds.push(d);
        }
    }
    // Number notes in reading order.
    let mut order: Vec<usize> = (0..pending_notes.len()).collect();
    order.sort_by_key(|&i| (pending_notes[i].at, i));
    let mut number_of = vec![0; pending_notes.len()];
    for (n, &i) in order.iter().enumerate() {
        number_of[i] = n + 1;
    }

    // Mentions: explicit ones from links, automatic ones from the linker.
    let mut link_tags: HashMap<usize, String> = HashMap::new();
    let mut mentions: Vec<Mention> = Vec::new();
    let mut in_context = Contexts::default();
    let mut explicit: BTreeSet<EntryIdx> = BTreeSet::new();
    for link in &doc.links {
        let Some(eid) = link.dest.strip_prefix('@') else {
            continue;
        };
        match glossary.get(eid) {
            Some(e) => {
                link_tags.insert(link.event, mention_tag(&glossary.entries[e], &base));
                explicit.insert(e);
                mentions.push(in_context.mention(&doc.text, link.text.clone(), e));
            }
            None => ds.push(
                Diagnostic::error(format!("unknown glossary id `{eid}` in a mention"))
                    .at(Span::new(
                        id,
                        a.layout.body_start + link.source.start,
                        a.layout.body_start + link.source.end,
                    ))
                    .label("no glossary entry has this id")
                    .suggested(suggestions.closest(eid)),
            ),
        }
    }
    let mut marks: Vec<Mark> = Vec::new();
    let mode = if a.front.autolink == Some(false) {
        LinkMode::None
    } else {
        config.glossary.link
    };
    let mut linked: BTreeSet<EntryIdx> = explicit.clone();
    let mut chunk_i = 0;
    for found in linker.find(&doc.text) {
        while chunk_i < doc.chunks.len() && doc.chunks[chunk_i].end <= found.start {
            chunk_i += 1;
        }
        let Some(chunk) = doc.chunks.get(chunk_i) else {
            break;
        };
        if found.start < chunk.start
            || found.end > chunk.end
            || chunk.is_code
            || chunk.in_link
            || chunk.in_heading
        {
            continue;
        }
        if anchored
            .iter()
            .any(|(r, ..)| r.start < found.end && found.start < r.end)
        {
            continue;
        }
        mentions.push(in_context.mention(&doc.text, found.start..found.end, found.entry));
        let link_it = match mode {
            LinkMode::All => true,
            LinkMode::First => !linked.contains(&found.entry),
            LinkMode::None => false,
        };
        if link_it {
            linked.insert(found.entry);
            let tag = mention_tag(&glossary.entries[found.entry], &base);
            marks.push(Mark {
                start: found.start,
                end: found.end,
                open_first: tag.clone(),
                open: tag,
                close: "</a>".into(),
                trailer: String::new(),
            });
        }
    }

    // Marks and trailers for notes and quotes.
    let mut points: HashMap<usize, String> = HashMap::new();
    let mut notes: Vec<Note> = Vec::new();
    for (i, p) in pending_notes.iter().enumerate() {
        let n = number_of[i];
        // Footnote-style notes go in at their reference; anchored ones, as
        // their mark's trailer below.
        if let Some(event) = p.point {
            points.insert(
                event,
                note_html(n, &p.text_html, p.source.map(|s| &sources[s])),
            );
        }
        notes.push(Note {
            number: n,
            text_html: p.text_html.clone(),
            source: p.source,
            selector: p.selector.clone(),
        });
    }
    for (k, (range, kind, _)) in anchored.iter().enumerate() {
        if bad[k] {
            continue;
        }
        match kind {
            Kind::Note(i) => {
                let n = number_of[*i];
                let open = format!("<span class=\"note-anchor\" data-note=\"{n}\">");
                marks.push(Mark {
                    start: range.start,
                    end: range.end,
                    open_first: open.clone(),
                    open,
                    close: "</span>".into(),
                    trailer: note_html(
                        n,
                        &pending_notes[*i].text_html,
                        pending_notes[*i].source.map(|s| &sources[s]),
                    ),
                });
            }
            Kind::Quote(i) => {
                let q = &quotes[*i];
                let e = &glossary.entries[q.speaker];
                let speaker = escape(&e.id);
                marks.push(Mark {
                    start: range.start,
                    end: range.end,
                    open_first: format!("<span class=\"quote\" id=\"{}\" data-speaker=\"{speaker}\">", escape(&q.id)),
                    open: format!("<span class=\"quote\" data-speaker=\"{speaker}\">"),
                    close: "</span>".into(),
                    trailer: format!(
                        "<a class=\"quote-link\" data-pagefind-ignore href=\"#{id}\" data-entry=\"{speaker}\" data-speaker-name=\"{name}\" aria-label=\"Quote by {name}: link to this quote\">#</a>",
                        id = escape(&q.id),
                        name = escape(&e.name),
                    ),
                });
            }
        }
    }
    notes.sort_by_key(|n| n.number);
    quotes.sort_by_key(|q| q.at);
    let word_count = count_words(&doc.text);
    let warnings = long_code_warnings(&doc, id, a.layout.body_start);
    let summary = match &a.front.summary {
        Some(s) => s.trim().to_string(),
        None => first_paragraph(&doc.text),
    };
    let html = doc.render(&marks, &points, &link_tags);

    let mut entities: BTreeSet<EntryIdx> = mentions.iter().map(|m| m.entry).collect();
    entities.extend(quotes.iter().map(|q| q.speaker));
    let mut entities: Vec<EntryIdx> = entities.into_iter().collect();
    entities.sort_by(|&x, &y| {
        glossary.entries[x]
            .name
            .cmp(&glossary.entries[y].name)
            .then(x.cmp(&y))
    });

    let mut tags: Vec<String> = Vec::new();
    for t in &a.front.tags {
        let t = t.trim().to_string();
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    let authors = if a.front.authors.is_empty() {
        config.authors.clone()
    } else {
        a.front.authors.clone()
    };
    Some(ResolvedArticle {
        index,
        slug: a.slug.clone(),
        title: a.front.title.trim().to_string(),
        date: a.front.date.clone(),
        updated: a.front.updated.clone(),
        authors,
        summary,
        tags,
        html,
        word_count,
        sources,
        notes,
        quotes,
        mentions,
        entities,
        warnings,
    })
}

/// How many distinct unknown glossary ids of one article get a "did you
/// mean": each lookup compares the id with every entry's, so 4,000 unknown
/// mentions cost 4,000 × the glossary (issue 12). Past the first few, a
/// report shows only where such errors are (see
/// [`crate::diagnostics::SHOWN_PER_KIND`]), so their suggestions would go
/// unread.
const SUGGESTED_PER_ARTICLE: usize = 64;

/// "Did you mean" for glossary ids, within one article: each distinct id is
/// looked up once, and no more than [`SUGGESTED_PER_ARTICLE`] of them.
struct Suggestions<'g> {
    glossary: &'g Glossary,
    found: HashMap<String, Option<&'g str>>,
}

impl<'g> Suggestions<'g> {
    fn new(glossary: &'g Glossary) -> Suggestions<'g> {
        Suggestions {
            glossary,
            found: HashMap::new(),
        }
    }

    fn closest(&mut self, typed: &str) -> Option<&'g str> {
        if let Some(&best) = self.found.get(typed) {
            return best;
        }
        if self.found.len() >= SUGGESTED_PER_ARTICLE {
            return None;
        }
        let best = crate::diagnostics::closest(typed, self.glossary.ids());
        self.found.insert(typed.to_string(), best);
        best
    }
}

fn check_source_urls(
    s: &SourceFront,
    find: &dyn Fn(usize, &str) -> Span,
    from: usize,
    ds: &mut Vec<Diagnostic>,
) {
    for (key, url) in [("url", &s.url), ("archived", &s.archived)] {
        if let Err(problem) = url_safety::check(url) {
            ds.push(
                Diagnostic::error(url_safety::message(
                    &format!("source `{}`'s `{key}`", s.id),
                    url,
                    &problem,
                ))
                .at(find(from, url))
                .label("refused")
                .help(url_safety::HELP),
            );
        }
    }
}

fn selector(anchor: &str, prefix: &str, suffix: &str, occurrence: Option<usize>) -> Quote {
    Quote {
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
            d.help("copy the words exactly from the article as a reader sees it (Markdown syntax removed); quotes, dashes and spaces may differ")
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

/// `q-<speaker>-<hash>`: from the speaker and the folded text, never from
/// position, so other quotes coming and going never change it.
pub fn quote_id(speaker: &str, text: &str) -> String {
    let key = format!("{speaker}\u{0}{}", anchor::fold(text));
    format!("q-{speaker}-{:08x}", (crate::hash::fnv1a(key.as_bytes()) >> 32) as u32)
}


fn mention_tag(e: &glossary::Entry, base: &Base) -> String {
    format!(
        "<a class=\"mention\" href=\"{}\" role=\"doc-glossref\" data-entry=\"{}\">",
        escape(&base.href(&e.url())),
        escape(&e.id)
    )
}

fn note_html(n: usize, text_html: &str, source: Option<&Source>) -> String {
    let mut cite = String::new();
    if let Some(s) = source {
        cite.push_str("<cite class=\"note-source\">");
        if s.url.is_empty() {
            cite.push_str(&escape(&s.title));
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
    let sep = if !text_html.is_empty() && !cite.is_empty() {
        " "
    } else {
        ""
    };
    format!(
        "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"#sn-{n}\" id=\"ref-{n}\" role=\"doc-noteref\" aria-describedby=\"sn-{n}\">{n}</a></sup><span class=\"sidenote\" id=\"sn-{n}\" role=\"doc-footnote\"><span class=\"sidenote-number\">{n}</span> {text_html}{sep}{cite} <a class=\"note-back\" data-pagefind-ignore href=\"#ref-{n}\" role=\"doc-backlink\" aria-label=\"Back to note {n}\">↩</a></span>"
    )
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

/// How many mentions of an entry in one article keep their context (the
/// entry pages quote them).
pub const MENTIONS_PER_ARTICLE: usize = 3;

/// Gives the first mentions of each entry in an article their sentence
/// (keyword in context); the entry pages show no more than
/// [`MENTIONS_PER_ARTICLE`] of them, so the others are counted
/// but carry no text.
#[derive(Default)]
struct Contexts(HashMap<EntryIdx, usize>);

impl Contexts {
    fn mention(&mut self, text: &str, range: Range<usize>, entry: EntryIdx) -> Mention {
        let seen = self.0.entry(entry).or_default();
        *seen += 1;
        if *seen > MENTIONS_PER_ARTICLE {
            return Mention {
                entry,
                before: String::new(),
                text: String::new(),
                after: String::new(),
            };
        }
        kwic(text, range, entry)
    }
}

/// The sentence around `range`: keyword in context. Where the sentence is
/// longer than the reach, it is cut at a word boundary and the cut is marked
/// with an ellipsis, so a snippet never ends mid-word.
fn kwic(text: &str, range: Range<usize>, entry: EntryIdx) -> Mention {
    const REACH: usize = 160;
    let mut start = range.start;
    let lower = range.start.saturating_sub(REACH);
    let mut cut_before = false;
    while let Some(prev) = text[..start].chars().next_back() {
        if prev == '\n' || text[..start].ends_with(". ") {
            break;
        }
        if start <= lower {
            cut_before = true;
            // Forward to the next word.
            start = text[start..range.start]
                .find(' ')
                .map_or(range.start, |i| start + i + 1);
            break;
        }
        start -= prev.len_utf8();
    }
    let mut end = range.end;
    let upper = (range.end + REACH).min(text.len());
    let mut cut_after = false;
    while end < text.len() {
        let c = text[end..].chars().next().unwrap_or(' ');
        if c == '\n' {
            break;
        }
        if end >= upper {
            cut_after = true;
            end = text[range.end..end]
                .rfind(' ')
                .map_or(range.end, |i| range.end + i);
            break;
        }
        end += c.len_utf8();
        if matches!(c, '.' | '!' | '?')
            && (text[end..].starts_with(' ') || text[end..].starts_with('\n'))
        {
            break;
        }
    }
    let clip = |s: &str| {
        let mut out = String::with_capacity(s.len() + 3);
        for word in s.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    };
    let mut before = clip(&text[start..range.start]);
    if !before.is_empty() && text[..range.start].ends_with(char::is_whitespace) {
        before.push(' ');
    }
    if cut_before {
        before.insert(0, '…');
    }
    let mut after = clip(&text[range.end..end]);
    if text[range.end..].starts_with(char::is_whitespace) && !after.is_empty() {
        after.insert(0, ' ');
    }
    if cut_after {
        after.push('…');
    }
    Mention {
        entry,
        before,
        text: text[range.clone()].to_string(),
        after,
    }
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

fn check_unique_slugs(content: &Content, articles: &[ResolvedArticle], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
    for a in articles {
        if let Some(&first) = seen.get(a.slug.as_str()) {
            let this = &content.articles[a.index];
            let other = &content.articles[first];
            diags.push(
                Diagnostic::error(format!("two articles have the slug `{}`", a.slug))
                    .at(Span::file(this.layout.source))
                    .label("this article")
                    .also(Span::file(other.layout.source), "and this one")
                    .note(format!(
                        "both would be written to {}: {} and {}",
                        a.url(),
                        content.sources.get(other.layout.source).name,
                        content.sources.get(this.layout.source).name
                    ))
                    .help("set a different `slug = \"...\"` in one of them, or rename a file"),
            );
        } else {
            seen.insert(&a.slug, a.index);
        }
    }
}

fn check_unique_quote_ids(articles: &[ResolvedArticle], diags: &mut Diagnostics) {
    let count = articles.iter().map(|a| a.quotes.len()).sum();
    let mut seen: HashMap<&str, Span> = HashMap::with_capacity(count);
    for a in articles {
        for q in &a.quotes {
            if let Some(first) = seen.get(q.id.as_str()) {
                diags.push(
                    Diagnostic::error(format!("two quotes have the id `{}`", q.id))
                        .at(q.span)
                        .label("this quote")
                        .also(*first, "and this one")
                        .help("the same words by the same speaker were quoted twice: set a distinct `id = \"q-...\"` on one of them"),
                );
            } else {
                seen.insert(&q.id, q.span);
            }
        }
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

    #[test]
    fn keyword_in_context_is_the_sentence_around_the_mention() {
        let text = "First sentence. The mayor, Mara Lind, spoke at noon. Then she left.";
        let at = text.find("Mara Lind").unwrap();
        let m = kwic(text, at..at + 9, 0);
        assert_eq!(
            (m.before.as_str(), m.text.as_str(), m.after.as_str()),
            ("The mayor, ", "Mara Lind", ", spoke at noon.")
        );
    }

    #[test]
    fn a_long_sentence_is_cut_at_word_boundaries_with_an_ellipsis() {
        let long = "word ".repeat(60);
        let text = format!("{long}Mara Lind {long}end.");
        let at = text.find("Mara Lind").unwrap();
        let m = kwic(&text, at..at + 9, 0);
        assert!(m.before.starts_with("…word "), "{:?}", m.before);
        assert!(m.after.ends_with(" word…"), "{:?}", m.after);
    }

    #[test]
    fn quote_ids_depend_on_speaker_and_words_only() {
        let a = quote_id("mara-lind", "We will “build” it");
        assert_eq!(a, quote_id("mara-lind", "We will \"build\"   it"));
        assert_ne!(a, quote_id("tom-okafor", "We will \"build\" it"));
        assert!(a.starts_with("q-mara-lind-"));
    }
}
