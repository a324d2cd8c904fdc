//! The page plan: every file a render writes, listed before any is
//! rendered, each with a [`PageKey`], its output path and the inputs it
//! reads ([`Reads`]).
//!
//! A full build renders the whole plan. An incremental rebuild plans the new
//! site, compares each planned file with the last build's ([`Plan::get`])
//! and renders only those whose inputs changed: a file is looked at again
//! when it is new, moved, or reads an edited article (or the whole site);
//! a listing looked at again is rendered only when the `Fingerprint` of
//! the very context its template receives differs from last time. Files no
//! longer planned are removed. A build cache can key on the same
//! fingerprints (issue 15).

use super::context::{ArticleSummary, QuoteView};
use crate::annotate::ResolvedArticle;
use crate::hash::Fingerprint;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a planned file is, independent of where it is written. Slugs and
/// ids, never positions, so a key means the same page in the next build.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum PageKey {
    Article(String),
    /// An article's W3C annotation collection (`annotations.jsonld`).
    Annotations(String),
    /// The redirect page an article's alias leaves at its old address.
    Alias(String),
    /// Home page `n`, from 1.
    Home(usize),
    /// A plain page (`content/pages/`).
    Page(String),
    Tags,
    Tag(String),
    TagFeed(String),
    Feed,
    Quotes,
    Glossary,
    Entry(String),
    /// Sources index page `n`, from 1.
    Sources(usize),
    Search,
    NotFound,
    Sitemap,
    QuotesJson,
    GlossaryJson,
    /// The Pagefind index: every file under `pagefind/`.
    SearchIndex,
    Robots,
    /// A theme or content file, published as it is or with a hashed name.
    Static(String),
}

impl PageKey {
    /// Whether the file is one article's alone (its page, its annotations,
    /// its redirects).
    pub fn is_own_article(&self) -> bool {
        matches!(
            self,
            PageKey::Article(_) | PageKey::Annotations(_) | PageKey::Alias(_)
        )
    }
}

/// The inputs a planned file reads besides the configuration, the theme
/// and the glossary (which every page may read; see [`Plan::site`] and
/// [`Plan::entries`]).
/// Articles are named by their index in `Content::articles`; an update
/// compares with the last plan [`Plan::renumbered`] to the new indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reads {
    /// Nothing else (the 404 page, static files, plain pages).
    Nothing,
    /// These articles, in this order, and whatever else the file shows
    /// that no one article holds (a page count, a count of tags, the
    /// positions of the quotes it lists), summed up in `shape`: two builds
    /// with the same `ids` and `shape`, none of whose articles changed,
    /// give the file the same context.
    Articles { ids: Vec<usize>, shape: Fingerprint },
    /// These articles, but not their bodies (what listings, indexes and
    /// entry pages show of an article: title, dates, summary, tags, notes,
    /// quotes, mentions, sources), and `shape` as for `Articles`. An edit
    /// that leaves all of an article but its body as it was
    /// ([`Plan::metadata`]) leaves such a file as it was.
    Metadata { ids: Vec<usize>, shape: Fingerprint },
    /// Every article.
    Site,
}

impl Reads {
    /// Whether a file that reads an edited article is compared by the
    /// fingerprint of its context before it is rendered again. Not when it
    /// shows the articles' bodies (`Articles`: an article's own page, a
    /// feed): an edit almost surely changed them, and building the context
    /// twice would cost more than it saves.
    pub fn compares(&self) -> bool {
        !matches!(self, Reads::Articles { .. })
    }

    /// Whether the file reads one of `edited`.
    pub fn touches(&self, edited: &std::collections::BTreeSet<usize>) -> bool {
        match self {
            Reads::Nothing => false,
            Reads::Articles { ids, .. } | Reads::Metadata { ids, .. } => {
                ids.iter().any(|i| edited.contains(i))
            }
            Reads::Site => !edited.is_empty(),
        }
    }
}

/// One file of the plan.
#[derive(Clone, Debug)]
pub struct PlannedFile {
    pub key: PageKey,
    /// Relative to the output root, `/`-separated (from `routes`); for
    /// [`PageKey::SearchIndex`], the folder `pagefind/`.
    pub path: String,
    /// The template that renders it; `None` for files made in Rust.
    pub template: Option<&'static str>,
    pub reads: Reads,
    /// The fingerprint of its template context, where it was computed.
    pub fingerprint: Option<Fingerprint>,
    /// What it stands for in this build (a position in `Site::articles`,
    /// `Site::pages`, the glossary, the tags, or a page number less one):
    /// meaningless in another build, so never compared.
    pub(crate) item: usize,
}

/// The plan of one build, and what rendering it did.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The fingerprint of what every page reads (the site's view: title,
    /// base URL, asset names; the configuration, the glossary, the
    /// templates): when it changes, every page is looked at.
    pub site: Option<Fingerprint>,
    pub files: BTreeMap<PageKey, PlannedFile>,
    /// The fingerprint of each resolved article without its body, by index
    /// in `Content::articles`, where it was computed.
    pub metadata: BTreeMap<usize, Fingerprint>,
    /// The fingerprint of each glossary entry, by position, where they
    /// were computed: with [`Plan::site`] covering only the glossary's
    /// shape, an update tells from these which entries' roles or
    /// descriptions changed, and looks again only at what shows them.
    pub entries: Vec<Fingerprint>,
    /// The paths this render wrote.
    pub rendered: Vec<String>,
    /// The per-article views the render made, for the next update to reuse
    /// (a session's renders only; empty after a one-shot build).
    pub(crate) views: Views,
}

/// The views a render made of each article, by position in that build's
/// `Site::articles`, beside the very articles they were made from: an
/// update reuses the views of an article it shares (the same `Arc`, so the
/// same data) instead of making them again (issue 15: 10,000 summaries
/// and 50,000 quote views on every save). A quote view also shows its
/// speaker's entry, so the update reuses it only while the glossary and
/// the speakers' entries are as they were.
#[derive(Clone, Default)]
pub(crate) struct Views {
    pub articles: Vec<Arc<ResolvedArticle>>,
    pub summaries: Vec<Arc<ArticleSummary>>,
    /// `None` where the render made none (it did not need them).
    pub quotes: Vec<Option<Arc<Vec<QuoteView>>>>,
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Views({} articles)", self.articles.len())
    }
}

impl Plan {
    pub fn get(&self, key: &PageKey) -> Option<&PlannedFile> {
        self.files.get(key)
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.files
            .values()
            .filter(|f| f.template.is_some_and(|t| t.ends_with(".html")))
            .count()
    }

    /// The output paths of the plan (the search index as its folder).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.values().map(|f| f.path.as_str())
    }

    /// This plan with its articles named as in the next build: `next` gives
    /// the index in the next build's `Content::articles` of article `i` of
    /// this one, `None` for one that is gone. An article added or removed
    /// shifts the indexes of those after it; renumbered, an article that
    /// did not change still reads as the same input. A gone article becomes
    /// an index no article has, so every file that read it differs from the
    /// next build's (and is looked at again).
    pub fn renumbered(&self, next: impl Fn(usize) -> Option<usize>) -> Plan {
        let at = |i: usize| next(i).unwrap_or(usize::MAX);
        let reads = |r: &Reads| match r {
            Reads::Articles { ids, shape } => Reads::Articles {
                ids: ids.iter().map(|&i| at(i)).collect(),
                shape: *shape,
            },
            Reads::Metadata { ids, shape } => Reads::Metadata {
                ids: ids.iter().map(|&i| at(i)).collect(),
                shape: *shape,
            },
            other => other.clone(),
        };
        Plan {
            site: self.site,
            files: self
                .files
                .iter()
                .map(|(k, f)| {
                    let f = PlannedFile {
                        reads: reads(&f.reads),
                        ..f.clone()
                    };
                    (k.clone(), f)
                })
                .collect(),
            metadata: self
                .metadata
                .iter()
                .filter_map(|(&i, &print)| Some((next(i)?, print)))
                .collect(),
            entries: self.entries.clone(),
            rendered: self.rendered.clone(),
            views: self.views.clone(),
        }
    }
}
