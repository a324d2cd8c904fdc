//! Resolve: anchors every note and quote of every article in its text, links
//! glossary mentions, checks every id a front matter refers to, and renders
//! the bodies. Takes the loaded [`Content`]; returns a [`Site`] in which every
//! reference is an index that is known to be valid.
//!
//! Articles are resolved in parallel; each returns its diagnostics with its
//! result and they are merged in article order.

pub mod anchor;
mod anchors;
mod article;
mod checks;
mod footnotes;
pub mod marks;
mod mentions;
mod sources;
mod spans;
pub(crate) mod urls;

pub use anchors::Anchor;
pub(crate) use article::resolve_article;
pub(crate) use checks::{check_site, unmentioned};
pub use mentions::{Mention, MENTIONS_PER_ARTICLE};
pub use sources::Source;

use crate::config::Config;
use crate::content::{Content, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::Date;
use crate::glossary::{EntryIdx, Glossary};
use crate::markdown::{self, Doc};
use crate::raw_html::RawHtml;
use crate::routes::{self, Base, Route};
use crate::source::{SourceId, Span};
use anchor::TextQuoteSelector;
use marks::Marks;

#[derive(Clone, Debug)]
pub struct Note {
    /// 1-based, in reading order.
    pub number: usize,
    pub text_html: String,
    /// The text `text_html` puts in the page's DOM
    /// ([`crate::markdown::Snippet::dom_text`]), for the exported selectors.
    pub dom_text: String,
    /// The text as a feed entry shows it, where it differs: links to a
    /// place on the page point at the page (`None`: the same as `text_html`).
    pub feed_text_html: Option<String>,
    /// Index into [`ResolvedArticle::sources`].
    pub source: Option<usize>,
    /// The selector of the anchored text (`None` for `[^source]` notes).
    pub selector: Option<TextQuoteSelector>,
    /// An ordinary footnote (`[^1]` with `[^1]: text`): its words are the
    /// body's own, which the body renderer shows as the note, so
    /// `text_html` is empty and the note annotates no text of the page.
    pub footnote: bool,
}

#[derive(Clone, Debug)]
pub struct Quote {
    pub id: String,
    pub text: String,
    pub speaker: EntryIdx,
    pub said: Option<Date>,
    pub context: String,
    pub source: Option<usize>,
    pub selector: TextQuoteSelector,
    /// Where it is set in the front matter, for duplicate-id errors.
    pub span: Span,
    /// Where it starts in the reader's text (quotes are listed in reading order).
    pub at: usize,
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
    /// The body's HTML for its page, written by `crate::render::body` from
    /// the parsed body and [`ResolvedArticle::marks`] (empty until then).
    pub html: std::sync::Arc<str>,
    /// The notes, quotes and mentions over the body's text, for the body
    /// renderer.
    pub marks: Marks,
    pub word_count: usize,
    pub sources: Vec<Source>,
    pub notes: Vec<Note>,
    pub quotes: Vec<Quote>,
    pub mentions: Vec<Mention>,
    /// Entries mentioned or quoted, by name.
    pub entities: Vec<EntryIdx>,
    /// Entries whose names occur only inside quotations (never linked
    /// there), for the "not mentioned" warning.
    pub named_in_quotes: Vec<EntryIdx>,
    /// Problems that do not stop the build (code shown without highlighting).
    pub warnings: Vec<Diagnostic>,
    /// The fingerprint of the article's file as it was resolved (its whole
    /// text): with the configuration and the glossary's shape, what the
    /// article resolves to and its body are made from, so the build cache
    /// keys its page and its search record on it (issue 15).
    pub text: crate::hash::Fingerprint,
    /// The body's links that may lead into the site, for the link check.
    pub links: Vec<BodyLink>,
}

/// A link in a body that may lead into the site (see
/// `routes::leaves_site`), as the body's parse found it. Kept from the
/// parse at resolve time, so the link check (`crate::links`) neither reads
/// every body again nor parses it a second time; links out of the site are
/// not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyLink {
    /// The destination as written.
    pub dest: String,
    /// The link's Markdown, as a byte range of the body.
    pub source: std::ops::Range<usize>,
}

/// The links of `doc` that may lead into the site, in document order.
pub(crate) fn body_links(doc: &Doc) -> Vec<BodyLink> {
    doc.links
        .iter()
        .filter(|l| !routes::leaves_site(&l.dest))
        .map(|l| BodyLink {
            dest: l.dest.clone(),
            source: l.source.clone(),
        })
        .collect()
}

impl ResolvedArticle {
    /// The article's route (`/articles/<slug>/`); put it behind the site's
    /// base path (`routes::Base::href`) for an href.
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
    /// As [`ResolvedArticle::links`].
    pub links: Vec<BodyLink>,
}

/// The resolved site. Articles are sorted newest first (ties by slug).
pub struct Site {
    pub glossary: Glossary,
    /// Shared: a serve update reuses an unchanged article's resolution
    /// without copying it (issue 15).
    pub articles: Vec<std::sync::Arc<ResolvedArticle>>,
    pub pages: Vec<ResolvedPage>,
    /// Entries nothing mentions or quotes (for the build summary).
    pub unmentioned: Vec<EntryIdx>,
    /// Where the site is served (from `base_url`): every href is made
    /// behind its path.
    pub base: Base,
}

/// The site from its resolved articles (in `Content::articles` order, the
/// failed ones left out) and pages: checked across articles, sorted.
/// Bodies are written by the caller (see `crate::resolve_site`).
pub(crate) fn assemble(
    config: &Config,
    content: &Content,
    glossary: Glossary,
    mut articles: Vec<std::sync::Arc<ResolvedArticle>>,
    pages: Vec<ResolvedPage>,
    diags: &mut Diagnostics,
) -> Site {
    check_site(content, &articles, diags);
    sort_articles(&mut articles);
    let unmentioned = unmentioned(&glossary, &articles);
    Site {
        glossary,
        articles,
        pages,
        unmentioned,
        base: config.base(),
    }
}

/// The site's order: newest first, ties by slug. Stable, so it depends only
/// on the order it starts from, which is always `Content::articles` order.
pub(crate) fn sort_articles(articles: &mut [std::sync::Arc<ResolvedArticle>]) {
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
}

/// What the site does with raw HTML in content (`[markdown] unsafe_html`).
pub(crate) fn raw_html(config: &Config) -> RawHtml {
    RawHtml::from_unsafe_html(config.markdown.unsafe_html)
}

/// Resolves a plain page: checks its URLs. Returns the parsed body beside
/// it, for the body renderer (`html` is empty until then).
pub(crate) fn resolve_page<'a>(
    config: &Config,
    content: &'a Content,
    p: &Page,
    ds: &mut Vec<Diagnostic>,
    owned: &'a mut String,
) -> (ResolvedPage, Doc<'a>) {
    let body = content.body(&p.layout);
    let doc = Doc::parse_with(body, owned, |_| false, raw_html(config));
    check_body_urls(&doc, p.layout.source, p.layout.body_start, ds);
    ds.extend(footnotes::undefined(
        &doc,
        p.layout.source,
        p.layout.body_start,
        None,
    ));
    let warnings = long_code_warnings(&doc, p.layout.source, p.layout.body_start);
    let page = ResolvedPage {
        slug: p.slug.clone(),
        title: crate::glossary::smart_punctuation(&p.front.title).into_owned(),
        html: String::new(),
        warnings,
        links: body_links(&doc),
    };
    (page, doc)
}

/// A warning for each code block shown without highlighting.
pub(super) fn long_code_warnings(
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
pub(super) fn check_body_urls(
    doc: &Doc,
    source: SourceId,
    body_start: usize,
    diags: &mut Vec<Diagnostic>,
) {
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

/// `q-<speaker>-<hash>`: from the speaker and the folded text, never from
/// position, so other quotes coming and going never change it.
pub fn quote_id(speaker: &str, text: &str) -> String {
    let key = format!("{speaker}\u{0}{}", anchor::fold(text));
    format!(
        "q-{speaker}-{:08x}",
        (crate::hash::fnv1a(key.as_bytes()) >> 32) as u32
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_ids_depend_on_speaker_and_words_only() {
        let a = quote_id("mara-lind", "We will “build” it");
        assert_eq!(a, quote_id("mara-lind", "We will \"build\"   it"));
        assert_ne!(a, quote_id("tom-okafor", "We will \"build\" it"));
        assert!(a.starts_with("q-mara-lind-"));
    }
}
