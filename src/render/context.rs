//! Typed template contexts: one `Serialize` struct per shape documented in
//! docs/templates.md. Renaming a field here breaks a test, not a reader's page.

use crate::annotate::{Quote, ResolvedArticle, Source};
use crate::frontmatter::Date;
use crate::glossary::{Entry, Glossary};
use crate::routes::{self, Base};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    /// The path of `base_url` without its trailing slash (`/news`), empty
    /// for a site at the root of its host: put it before a site path for an
    /// href, or use the `url(path=...)` function.
    pub base_path: String,
    pub authors: Vec<String>,
    pub has_feed: bool,
    pub has_search: bool,
    pub stylesheet: String,
    pub script: String,
    pub highlight_css: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntryRef {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub role: String,
    pub summary: String,
    pub url: String,
}

impl EntryRef {
    pub fn new(e: &Entry, base: &Base) -> EntryRef {
        EntryRef {
            id: e.id.clone(),
            name: e.display_name().into_owned(),
            kind: e.kind.as_str(),
            role: e.display_role().into_owned(),
            summary: e.summary.clone(),
            url: base.href(&e.url()).into(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceView {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub archived: String,
    pub date: String,
    pub date_display: String,
}

impl SourceView {
    pub fn new(s: &Source) -> SourceView {
        SourceView {
            id: s.id.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            url: s.url.clone(),
            archived: s.archived.clone(),
            date: s.date.as_ref().map(Date::ymd).unwrap_or_default(),
            date_display: s.date.as_ref().map(Date::display).unwrap_or_default(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ArticleRef {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_display: String,
}

impl ArticleRef {
    pub fn new(a: &ResolvedArticle, base: &Base) -> ArticleRef {
        ArticleRef {
            title: a.title.clone(),
            url: base.href(&a.url()).into(),
            date: a.date.ymd(),
            date_display: a.date.display(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct QuoteView {
    pub id: String,
    pub text: String,
    pub speaker: EntryRef,
    pub said: String,
    pub said_display: String,
    pub context: String,
    pub source: Option<SourceView>,
    pub article: ArticleRef,
    pub url: String,
    /// Sort key: when it was said, else the article's date.
    #[serde(skip)]
    pub when: Date,
}

impl QuoteView {
    pub fn new(q: &Quote, a: &ResolvedArticle, glossary: &Glossary, base: &Base) -> QuoteView {
        QuoteView {
            id: q.id.clone(),
            text: q.text.clone(),
            speaker: EntryRef::new(&glossary.entries[q.speaker], base),
            said: q.said.as_ref().map(Date::ymd).unwrap_or_default(),
            said_display: q.said.as_ref().map(Date::display).unwrap_or_default(),
            context: q.context.clone(),
            source: q.source.map(|s| SourceView::new(&a.sources[s])),
            article: ArticleRef::new(a, base),
            url: format!("{}#{}", base.href(&a.url()), q.id),
            when: q.said.clone().unwrap_or_else(|| a.date.clone()),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TagRef {
    pub name: String,
    pub slug: String,
    pub url: String,
}

impl TagRef {
    pub fn new(name: &str, base: &Base) -> TagRef {
        let slug = routes::tag_slug(name);
        TagRef {
            name: name.to_string(),
            url: base.href(&routes::tag(&slug)).into(),
            slug,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Counts {
    pub notes: usize,
    pub quotes: usize,
    pub sources: usize,
    pub entities: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ArticleSummary {
    #[serde(flatten)]
    pub article: ArticleRef,
    pub summary: String,
    pub authors: Vec<String>,
    pub tags: Vec<TagRef>,
    pub reading_minutes: usize,
    pub counts: Counts,
}

impl ArticleSummary {
    pub fn new(a: &ResolvedArticle, base: &Base) -> ArticleSummary {
        ArticleSummary {
            article: ArticleRef::new(a, base),
            summary: a.summary.clone(),
            // Names as written in `authors` match glossary entries; readers
            // see them with the body's smart punctuation (`O’Brien`).
            authors: a
                .authors
                .iter()
                .map(|n| crate::glossary::smart_punctuation(n).into_owned())
                .collect(),
            tags: a.tags.iter().map(|t| TagRef::new(t, base)).collect(),
            reading_minutes: reading_minutes(a.word_count),
            counts: Counts {
                notes: a.notes.len(),
                quotes: a.quotes.len(),
                sources: a.sources.len(),
                entities: a.entities.len(),
            },
        }
    }
}

/// Minutes to read `words` at 230 words a minute, at least one.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(230).max(1)
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteView {
    pub number: usize,
    pub id: String,
    pub ref_id: String,
    pub text: String,
    pub source: Option<SourceView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ArticleSourceView {
    #[serde(flatten)]
    pub source: SourceView,
    pub notes: Vec<usize>,
}

/// An article page's context. It borrows what other pages share (the
/// summary, the body, the quote views): Tera converts the context to JSON
/// values anyway, so an owned copy would only be one more.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleView<'a> {
    #[serde(flatten)]
    pub summary: &'a ArticleSummary,
    pub content: &'a str,
    pub updated: String,
    pub updated_display: String,
    pub notes: Vec<NoteView>,
    pub sources: Vec<ArticleSourceView>,
    pub quotes: &'a [QuoteView],
    pub entities: Vec<EntryRef>,
    pub json_ld: String,
    /// The full URL of the article's `image`, or empty.
    pub image: String,
    pub annotations_url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev_url: String,
    pub next_url: String,
}

impl Pagination {
    /// Page `current` (from 1) of `total`, whose page `n` is at `url(n)`.
    pub fn new(current: usize, total: usize, url: impl Fn(usize) -> String) -> Pagination {
        Pagination {
            current,
            total,
            prev_url: if current > 1 {
                url(current - 1)
            } else {
                String::new()
            },
            next_url: if current < total {
                url(current + 1)
            } else {
                String::new()
            },
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PageView {
    pub title: String,
    pub content: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TagCount {
    #[serde(flatten)]
    pub tag: TagRef,
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct TagView {
    #[serde(flatten)]
    pub tag: TagRef,
    pub feed_url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SpeakerQuotes {
    pub entry: EntryRef,
    pub letter: String,
    /// Newest first; on the quote index, only the first few.
    pub quotes: Vec<QuoteView>,
    /// How many quotes the speaker has in all.
    pub total: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct GlossaryItem {
    #[serde(flatten)]
    pub entry: EntryRef,
    pub quote_count: usize,
    pub mention_count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Letter<T> {
    pub letter: String,
    pub entries: Vec<T>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Context3<'a> {
    pub before: &'a str,
    pub text: &'a str,
    pub after: &'a str,
}

#[derive(Clone, Debug, Serialize)]
pub struct MentionGroup<'a> {
    pub article: ArticleRef,
    pub contexts: Vec<Context3<'a>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntryView<'a> {
    #[serde(flatten)]
    pub entry: EntryRef,
    pub description: &'a str,
    pub aliases: &'a [String],
    pub wikidata_url: String,
    pub links: Vec<LinkView>,
    pub affiliations: Vec<EntryRef>,
    pub members: Vec<EntryRef>,
    pub quotes: Vec<&'a QuoteView>,
    pub mentions: Vec<MentionGroup<'a>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteLink {
    pub number: usize,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Citation {
    pub article: ArticleRef,
    pub notes: Vec<NoteLink>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CitedSource {
    #[serde(flatten)]
    pub source: SourceView,
    pub citations: Vec<Citation>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FeedEntry {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    pub permalink: String,
    pub updated: String,
    pub content: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FeedView {
    pub title: String,
    pub url: String,
    pub self_url: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: String,
}
