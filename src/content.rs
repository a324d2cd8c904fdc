//! Load: walk `content/`, read every file (in parallel), split and
//! deserialize front matter. Returns [`Content`]: articles, glossary entries,
//! pages and assets, each sorted by path, with their front matter as written.
//!
//! Nothing is resolved here (no anchors, no ids checked across files): that is
//! the next stage's job, so this one can run file by file.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, Date, Spans};
use crate::source::{display_name, SourceFile, SourceId, SourceMap, Span};
use rayon::prelude::*;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A source cited by an article.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFront {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub archived: String,
}
pub const SOURCE_KEYS: &[&str] = &["id", "title", "publisher", "url", "date", "archived"];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteFront {
    pub anchor: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
    #[serde(default)]
    pub occurrence: Option<usize>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub text: String,
}
pub const NOTE_KEYS: &[&str] = &["anchor", "prefix", "suffix", "occurrence", "source", "text"];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteFront {
    pub anchor: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
    #[serde(default)]
    pub occurrence: Option<usize>,
    pub speaker: String,
    #[serde(default)]
    pub said: Option<Date>,
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}
pub const QUOTE_KEYS: &[&str] = &[
    "anchor",
    "prefix",
    "suffix",
    "occurrence",
    "speaker",
    "said",
    "context",
    "source",
    "id",
];

/// `person` or `organisation`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    #[serde(alias = "organization")]
    Organisation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organisation => "organisation",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A glossary entry's fields, from `content/glossary/<id>.md` or from an
/// article's `[[entities]]` (which adds `id`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFront {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub kind: Kind,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub affiliation: Vec<String>,
    #[serde(default)]
    pub wikidata: String,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub autolink: Option<bool>,
    /// Only in `[[entities]]`: the description, as Markdown.
    #[serde(default)]
    pub description: String,
    /// A draft entry (proposed by `gloss import`) is left out without `--drafts`.
    #[serde(default)]
    pub draft: bool,
}
pub const ENTRY_KEYS: &[&str] = &[
    "name",
    "kind",
    "aliases",
    "role",
    "affiliation",
    "wikidata",
    "links",
    "autolink",
    "draft",
];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleFront {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub autolink: Option<bool>,
    /// A picture for link previews and search results: a file beside the
    /// article's `index.md`, or an http(s) URL (see [`ArticleImage`]).
    #[serde(default)]
    pub image: Option<String>,
    /// Old addresses of the article (`/old/path/`): each gets a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sources: Vec<SourceFront>,
    #[serde(default)]
    pub notes: Vec<NoteFront>,
    #[serde(default)]
    pub quotes: Vec<QuoteFront>,
    #[serde(default)]
    pub entities: Vec<EntryFront>,
}
pub const ARTICLE_KEYS: &[&str] = &[
    "title", "date", "updated", "authors", "summary", "tags", "draft", "slug", "autolink", "image",
    "aliases", "sources", "notes", "quotes", "entities",
];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub draft: bool,
}
pub const PAGE_KEYS: &[&str] = &["title", "slug", "draft"];

/// Where a file's parts are.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub source: SourceId,
    /// Byte range of the front matter in the file.
    pub fm_start: usize,
    pub fm_end: usize,
    /// Byte offset of the body in the file.
    pub body_start: usize,
}

impl Layout {
    pub fn fm_span(&self) -> Span {
        Span::new(self.source, self.fm_start, self.fm_end)
    }
}

#[derive(Clone, Debug)]
pub struct Article {
    pub layout: Layout,
    pub front: ArticleFront,
    /// The slug: from front matter, else the file (or folder) name.
    pub slug: String,
    /// For `articles/<name>/index.md`, the folder whose other files are copied beside the page.
    pub bundle_dir: Option<PathBuf>,
    /// The checked `aliases`, each with where it is written.
    pub aliases: Vec<Alias>,
    /// Where each front-matter key and value is, from the parser.
    pub spans: Spans,
    /// The checked `image`, when it is set and valid.
    pub image: Option<ArticleImage>,
}

/// An article's `image`, checked: where it is, not yet a URL (the site's
/// base URL makes it one, see `render::jsonld::image_url`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArticleImage {
    /// A file of the article's folder, `/`-separated, relative to it.
    File(String),
    /// An absolute http(s) URL, passed by `url_safety::check`.
    Url(String),
}

/// An old address of an article, checked as every output path is
/// (`Slug::parse`), relative to the site's root.
#[derive(Clone, Debug)]
pub struct Alias {
    pub slug: Slug,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub layout: Layout,
    pub id: String,
    pub front: EntryFront,
    /// Where each front-matter key and value is, from the parser.
    pub spans: Spans,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub layout: Layout,
    pub front: PageFront,
    /// Checked by `Slug::parse`; `untitled` when it was refused (the
    /// build has an error then).
    pub slug: String,
    /// Where the slug comes from: its `slug` value, else the file.
    pub slug_span: Span,
    /// Where each front-matter key and value is, from the parser.
    pub spans: Spans,
}

/// A file copied to the output as it is.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Output path, `/`-separated, relative to the output root.
    pub output: String,
    pub path: PathBuf,
}

/// Everything under `content/`, parsed but not yet resolved.
#[derive(Debug, Default)]
pub struct Content {
    pub sources: SourceMap,
    /// Shared: a serve update reuses an unchanged article's parse without
    /// copying it (issue 15).
    pub articles: Vec<Arc<Article>>,
    pub entries: Vec<Entry>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Drafts (articles, pages and entries) left out: the build says how
    /// many, so that none vanishes without a word.
    pub drafts_skipped: usize,
}

impl Content {
    /// The body of a file, as Markdown.
    pub fn body(&self, layout: &Layout) -> &str {
        &self.sources.get(layout.source).text()[layout.body_start..]
    }

    /// What a one-shot build lets go of once the site is resolved and its
    /// output paths are checked (issue 15): the parser's span tables, which
    /// nothing reports from after that but a draft's placeholders. (The
    /// texts beyond the budget went after loading, [`SourceMap::evict`].)
    pub fn let_go_of_spans(&mut self) {
        for a in self.articles.iter_mut().filter(|a| !a.front.draft) {
            Arc::make_mut(a).spans = Spans::default();
        }
        for e in &mut self.entries {
            e.spans = Spans::default();
        }
        for p in &mut self.pages {
            p.spans = Spans::default();
        }
    }

    /// The body of a file for a reader after resolution, which holds it only
    /// while it reads it: a one-shot build has let go of the texts beyond
    /// its budget ([`TEXT_BUDGET`]) and reads each of those again
    /// ([`crate::source::SourceFile::text_once`]). `None` when the file
    /// changed since it was loaded (the build fails then).
    pub fn body_once(&self, layout: &Layout) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        Some(match self.sources.get(layout.source).text_once()? {
            Cow::Borrowed(t) => Cow::Borrowed(t.get(layout.body_start..)?),
            Cow::Owned(mut t) => {
                t.drain(..layout.body_start.min(t.len()));
                Cow::Owned(t)
            }
        })
    }
}

enum FileKind {
    Article,
    Entry,
    Page,
}

/// How many files [`load_with`] reads and parses at a time.
const LOAD_BATCH: usize = 1024;

/// How many bytes of content text a one-shot build keeps once the files are
/// parsed (issue 15): the texts of a site of 10,000 articles (80 to 100 MB)
/// fit, so such a site is read once; the files beyond it (in walk order)
/// are let go as soon as their batch is parsed and read again by each later
/// reader, so a site of 100,000 holds no more than this of its texts.
pub const TEXT_BUDGET: usize = 128 << 20;

/// Reads and parses everything under `<root>/content`.
pub fn load(root: &Path, drafts: bool, sources: SourceMap, diags: &mut Diagnostics) -> Content {
    load_with(root, drafts, sources, usize::MAX, diags)
}

/// [`load`], keeping only `keep` bytes of the files' texts (in walk order,
/// each file that still fits): the others are let go once they are parsed
/// ([`SourceMap::evict`]), a batch at a time, and whatever reads one later
/// reads it again. A one-shot build keeps [`TEXT_BUDGET`] (issue 15);
/// `usize::MAX` keeps every text.
pub fn load_with(
    root: &Path,
    drafts: bool,
    sources: SourceMap,
    keep: usize,
    diags: &mut Diagnostics,
) -> Content {
    load_batches(root, drafts, sources, keep, diags, &ReadAll)
}

/// What [`load_reusing`] knows of a file from an earlier load (the serve
/// session's memo, see `crate::incremental`).
pub(crate) enum Known {
    /// Not read before: read it and give it a new id.
    New,
    /// Read before at this id, and changed since: read it again into it.
    Changed(SourceId),
    /// Read before at this id, and not changed since: its text in the
    /// `sources` given to the load is what is on disk.
    Unchanged(SourceId),
}

/// What a load may take from an earlier one instead of reading or parsing
/// a file again. A full build takes nothing ([`ReadAll`]).
pub(crate) trait Reuse: Sync {
    /// What is known of the file named `name` (`content/...`).
    fn file(&self, name: &str) -> Known;
    /// The file at `id`, with its text now `file`, as the earlier load
    /// parsed it, when that still holds.
    fn parsed(&self, id: SourceId, file: &SourceFile) -> Option<Parsed>;
}

/// Reads and parses every file: a full build.
pub(crate) struct ReadAll;

impl Reuse for ReadAll {
    fn file(&self, _: &str) -> Known {
        Known::New
    }
    fn parsed(&self, _: SourceId, _: &SourceFile) -> Option<Parsed> {
        None
    }
}

/// [`load`], reading and parsing only what `reuse` does not already know.
/// The result is the one [`load`] gives, but for the ids of the files:
/// a file `reuse` knows keeps its id, and a new one gets the next free id
/// (ids are meaningless outside one session, and nothing depends on their
/// order). The texts are kept: the session reuses them.
pub(crate) fn load_reusing(
    root: &Path,
    drafts: bool,
    sources: SourceMap,
    diags: &mut Diagnostics,
    reuse: &dyn Reuse,
) -> Content {
    load_batches(root, drafts, sources, usize::MAX, diags, reuse)
}

/// The one load: [`load_with`]'s batches and evictions, reading and parsing
/// only what `reuse` does not already know ([`load_reusing`]).
fn load_batches(
    root: &Path,
    drafts: bool,
    sources: SourceMap,
    keep: usize,
    diags: &mut Diagnostics,
    reuse: &dyn Reuse,
) -> Content {
    let mut content = Content {
        sources,
        ..Content::default()
    };
    let dir = root.join("content");
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(format!("no content folder: {} does not exist", dir.display()))
                .help("create `content/articles/` and put your Markdown articles there, or run `gloss init` to start a site"),
        );
        return content;
    }
    let mut markdown = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(format!("cannot read {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        let rel = display_name(&dir, &path);
        if rel.ends_with(".md") {
            markdown.push((rel, path));
        } else {
            content.assets.push(Asset { output: rel, path });
        }
    }

    // Read and parse in parallel, a batch at a time; register in walk order
    // so source ids are stable. The texts beyond `keep` bytes go as soon as
    // their batch is parsed, so loading holds one batch of them besides.
    let mut kept = 0usize;
    let mut read_diags = Vec::new();
    let mut parsed = Vec::with_capacity(markdown.len());
    for batch in markdown.chunks(LOAD_BATCH) {
        let texts: Vec<_> = batch
            .par_iter()
            .map(|(rel, path)| match reuse.file(&format!("content/{rel}")) {
                Known::Unchanged(id) => (Known::Unchanged(id), None),
                known => (known, Some(crate::source::read_stamped(path))),
            })
            .collect();
        let mut registered = Vec::with_capacity(batch.len());
        for ((rel, path), (known, bytes)) in batch.iter().zip(texts) {
            let name = format!("content/{rel}");
            let mut register = |file: SourceFile| match known {
                Known::New => content.sources.add(file),
                Known::Changed(id) | Known::Unchanged(id) => {
                    content.sources.replace(id, file);
                    id
                }
            };
            let Some(bytes) = bytes else {
                if let Known::Unchanged(id) = known {
                    registered.push((rel, path, id));
                }
                continue;
            };
            match bytes {
                Err(e) => read_diags.push(Diagnostic::error(format!("cannot read {name}: {e}"))),
                Ok((bytes, stamp)) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        let id = register(SourceFile::new(name, path.clone(), text).stamped(stamp));
                        registered.push((rel, path, id));
                    }
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                        let id = register(
                            SourceFile::new(name.clone(), path.clone(), lossy).stamped(stamp),
                        );
                        // Point at the first bad byte: the lossy text has U+FFFD there.
                        read_diags.push(
                            Diagnostic::error(format!("{name} is not valid UTF-8"))
                                .at(Span::new(id, at, at + 3))
                                .label("invalid byte here")
                                .help("save the file as UTF-8 (most editors have this under \"Save with encoding\")"),
                        );
                    }
                },
            }
        }
        let sources = &content.sources;
        parsed.extend(
            registered
                .par_iter()
                .map(|(rel, path, id)| {
                    // A file parsed by a successful build had no problems to report.
                    match reuse.parsed(*id, sources.get(*id)) {
                        Some(parsed) => (Some(parsed), Vec::new()),
                        None => parse_file(rel, path, *id, sources),
                    }
                })
                .collect::<Vec<(Option<Parsed>, Vec<Diagnostic>)>>(),
        );
        if keep != usize::MAX {
            let ids: Vec<SourceId> = registered
                .iter()
                .map(|r| r.2)
                .filter(|&id| {
                    let len = content.sources.get(id).text().len();
                    let fits = len <= keep - kept;
                    kept += if fits { len } else { 0 };
                    !fits
                })
                .collect();
            content.sources.evict(&ids);
        }
    }
    diags.extend(read_diags);
    for (item, ds) in parsed {
        diags.extend(ds);
        match item {
            Some(Parsed::Article(a)) if a.front.draft && !drafts => content.drafts_skipped += 1,
            Some(Parsed::Article(a)) => content.articles.push(a),
            Some(Parsed::Entry(e)) if e.front.draft && !drafts => content.drafts_skipped += 1,
            Some(Parsed::Entry(e)) => content.entries.push(e),
            Some(Parsed::Page(p)) if p.front.draft && !drafts => content.drafts_skipped += 1,
            Some(Parsed::Page(p)) => content.pages.push(p),
            None => {}
        }
    }
    // Assets beside an `index.md` travel with their article; others keep their path.
    let bundles: Vec<(String, String)> = content
        .articles
        .iter()
        .filter_map(|a| {
            let dir = a.bundle_dir.as_ref()?;
            Some((
                format!("{}/", display_name(&root.join("content"), dir)),
                crate::routes::article_folder(&a.slug),
            ))
        })
        .collect();
    for asset in &mut content.assets {
        if let Some((from, to)) = bundles
            .iter()
            .find(|(from, _)| asset.output.starts_with(from))
        {
            asset.output = format!("{to}{}", &asset.output[from.len()..]);
        }
    }
    content
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != ".")
}

/// One file, parsed.
#[expect(
    clippy::large_enum_variant,
    reason = "one per file, moved once into its list; boxing would only add an allocation"
)]
#[derive(Clone)]
pub(crate) enum Parsed {
    Article(Arc<Article>),
    Entry(Entry),
    Page(Page),
}

fn parse_file(
    rel: &str,
    path: &Path,
    id: SourceId,
    sources: &SourceMap,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let kind = if rel.starts_with("articles/") {
        FileKind::Article
    } else if rel.starts_with("glossary/") {
        FileKind::Entry
    } else {
        FileKind::Page
    };
    let text = sources.get(id).text();
    let split = match frontmatter::split(text) {
        Ok(Some(s)) => s,
        Ok(None) => {
            let d = Diagnostic::error("missing front matter")
                .at(Span::file(id))
                .label("the file should open with `+++`")
                .help("start the file with front matter between `+++` lines, e.g.\n+++\ntitle = \"...\"\ndate = 2021-08-26\n+++");
            return (None, vec![d]);
        }
        Err(at) => {
            let d = Diagnostic::error("front matter is not closed")
                .at(Span::new(id, at, at + 3))
                .label("opened here")
                .help("close the front matter with a line holding the same fence (`+++` or `---`)");
            return (None, vec![d]);
        }
    };
    let layout = Layout {
        source: id,
        fm_start: split.fm_start,
        fm_end: split.fm_end,
        body_start: split.body_start,
    };
    let stem = file_stem(rel);
    match kind {
        FileKind::Article => {
            let (front, spans): (ArticleFront, _) =
                match frontmatter::parse(id, sources, split, ARTICLE_TABLES) {
                    Ok(f) => f,
                    Err(ds) => return (None, ds),
                };
            let key_span = |key: &str| spans.get(key).unwrap_or_else(|| layout.fm_span());
            let mut ds = Vec::new();
            if front.title.trim().is_empty() {
                ds.push(
                    Diagnostic::error("the article's title is empty")
                        .at(key_span("title"))
                        .label("empty title")
                        .help("give the article a title, e.g. `title = \"Canal reopens\"`"),
                );
            }
            ds.extend(
                placeholders(&front, &spans)
                    .into_iter()
                    .filter(|d| d.severity == crate::diagnostics::Severity::Error),
            );
            let slug = match &front.slug {
                Some(s) => {
                    let clean = slugify(s);
                    let at = spans.value_or_parent("slug");
                    if clean != *s {
                        ds.push(
                            Diagnostic::error(format!("`{s}` is not a valid slug"))
                                .at(key_span("slug"))
                                .label("not a slug")
                                .help(format!("slugs are lowercase letters, digits and hyphens: try `slug = \"{clean}\"`")),
                        );
                    } else if let Some(d) = slug_problem(&clean, at, "slug") {
                        ds.push(d);
                    }
                    clean
                }
                None => {
                    let clean = slugify(stem);
                    if let Some(d) = slug_problem(&clean, Span::new(id, 0, 0), "file name") {
                        ds.push(d);
                    }
                    clean
                }
            };
            let aliases = check_aliases(&front.aliases, &spans, &mut ds);
            let bundle_dir = (rel.ends_with("/index.md") && rel.matches('/').count() >= 2)
                .then(|| path.parent().map(Path::to_path_buf))
                .flatten();
            let image = front.image.as_deref().and_then(|value| {
                let span = spans.value_or_parent("image");
                check_image(value, bundle_dir.as_deref(), span)
                    .map_err(|d| ds.push(d))
                    .ok()
            });
            let article = Article {
                layout,
                front,
                slug,
                bundle_dir,
                aliases,
                spans,
                image,
            };
            (Some(Parsed::Article(Arc::new(article))), ds)
        }
        FileKind::Entry => {
            let (front, spans): (EntryFront, _) =
                match frontmatter::parse(id, sources, split, ENTRY_TABLES) {
                    Ok(f) => f,
                    Err(ds) => return (None, ds),
                };
            let mut ds = Vec::new();
            if front.id.is_some() {
                ds.push(
                    Diagnostic::error("a glossary file takes its id from its file name")
                        .at(spans.value_or_parent("id"))
                        .label("remove this line")
                        .help(format!(
                            "this entry's id is `{}`; rename the file to change it",
                            slugify(stem)
                        )),
                );
            }
            let entry = Entry {
                layout,
                id: slugify(stem),
                front,
                spans,
            };
            (Some(Parsed::Entry(entry)), ds)
        }
        FileKind::Page => {
            let (front, spans): (PageFront, _) =
                match frontmatter::parse(id, sources, split, &[("", PAGE_KEYS)]) {
                    Ok(f) => f,
                    Err(ds) => return (None, ds),
                };
            let mut ds = Vec::new();
            let (slug, slug_span, what) = match &front.slug {
                Some(s) => (s.clone(), spans.value_or_parent("slug"), "slug"),
                None => {
                    let derived = rel
                        .trim_end_matches(".md")
                        .trim_end_matches("/index")
                        .split('/')
                        .map(slugify)
                        .collect::<Vec<_>>()
                        .join("/");
                    (derived, Span::new(id, 0, 0), "file name")
                }
            };
            let slug = match slug_problem(&slug, slug_span, what) {
                Some(d) => {
                    ds.push(d);
                    "untitled".to_string()
                }
                None => slug,
            };
            (
                Some(Parsed::Page(Page {
                    layout,
                    front,
                    slug,
                    slug_span,
                    spans,
                })),
                ds,
            )
        }
    }
}

/// The error for a slug [`Slug::parse`] refuses, at `at`, with a fix: a
/// slug is where a page is written, so one that climbs (`../x`), is
/// absolute, empty, a Windows device name or too long could write outside
/// the output folder or fail the build without a location (issue 12).
fn slug_problem(slug: &str, at: Span, what: &str) -> Option<Diagnostic> {
    let err = Slug::parse(slug).err()?;
    let fix = match &err {
        SlugError::Reserved(_) => format!("pick another name, e.g. `{}-page`", slugify(slug)),
        SlugError::TooLong(_) | SlugError::SegmentTooLong(_) => {
            let short: String = slugify(slug).chars().take(60).collect();
            format!("shorten it, e.g. `{}`", short.trim_end_matches('-'))
        }
        _ => {
            let clean: Vec<String> = slug
                .split(['/', '\\'])
                .filter(|p| !p.is_empty() && *p != "." && *p != "..")
                .map(slugify)
                .collect();
            let clean = if clean.is_empty() {
                "about".to_string()
            } else {
                clean.join("/")
            };
            format!("a slug is a path below the site's root: try `{clean}`")
        }
    };
    let label = match what {
        "file name" => "this file's name makes the slug",
        _ => "not a safe path",
    };
    Some(
        Diagnostic::error(format!(
            "the {what} `{}` is not a safe path: it {err}",
            slug.escape_default()
        ))
        .at(at)
        .label(label)
        .help(fix),
    )
}

/// Checks each alias of an article as a slug (a leading and a trailing `/`
/// are allowed: `/old/path/` is how a reader saw it).
/// Checks an article's `image`: an http(s) URL that passes the one URL
/// rule, or the name of a file in the article's folder (`bundle`), which
/// must exist; the error for a missing one names the closest file there.
fn check_image(value: &str, bundle: Option<&Path>, span: Span) -> Result<ArticleImage, Diagnostic> {
    let bad = |msg: String, label: &str| Diagnostic::error(msg).at(span).label(label.to_string());
    if let Err(problem) = crate::url_safety::check(value) {
        return Err(bad(
            crate::url_safety::message("image", value, &problem),
            "refused URL",
        )
        .help("use an https:// URL, or the name of a file beside the article's index.md"));
    }
    let lower = value.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(ArticleImage::Url(value.trim().to_string()));
    }
    let relative = value.trim_start_matches("./");
    let plain = !relative.is_empty()
        && !relative.contains(':')
        && !relative.starts_with('/')
        && !relative.contains('\\')
        && relative
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
    if !plain {
        return Err(bad(format!("image `{value}` is neither a file beside the article nor an http(s) URL"), "not a file name or URL")
            .help("name a file of the article's folder (`image = \"harbour.jpg\"`), or give a full https:// URL"));
    }
    let Some(dir) = bundle else {
        return Err(bad(format!("image `{value}` would be a file beside the article, but the article is not a folder"), "no folder to find it in")
            .help("move the article to `articles/<name>/index.md` with the image beside it, or give a full https:// URL"));
    };
    if dir.join(relative).is_file() {
        return Ok(ArticleImage::File(relative.to_string()));
    }
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| display_name(dir, e.path()))
        .filter(|f| !f.ends_with(".md"))
        .collect();
    files.sort();
    let d = bad(
        format!("image `{value}` is not a file of the article's folder"),
        "no such file",
    );
    Err(
        match crate::diagnostics::closest(relative, files.iter().map(String::as_str)) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None if files.is_empty() => {
                d.help("put the image beside the article's index.md, or give a full https:// URL")
            }
            None => d.help(format!("the folder holds {}", files.join(", "))),
        },
    )
}

fn check_aliases(aliases: &[String], spans: &Spans, ds: &mut Vec<Diagnostic>) -> Vec<Alias> {
    let mut out = Vec::new();
    for (i, a) in aliases.iter().enumerate() {
        let span = spans.value_or_parent(&format!("aliases.{i}"));
        let trimmed = a.strip_prefix('/').unwrap_or(a);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if a.starts_with("//") || a.contains("://") {
            ds.push(
                Diagnostic::error(format!("the alias `{a}` is not a path of this site"))
                    .at(span)
                    .label("an alias is an old path of this site")
                    .help("write the path only, e.g. `aliases = [\"/2019/old-title/\"]`"),
            );
            continue;
        }
        match slug_problem(trimmed, span, "alias") {
            Some(d) => ds.push(d),
            None => out.push(Alias {
                slug: Slug::parse(trimmed).expect("checked just above"),
                span,
            }),
        }
    }
    out
}

/// The keys of an article's front matter, table by table, for suggestions.
const ARTICLE_TABLES: frontmatter::KeyLists<'static> = &[
    ("", ARTICLE_KEYS),
    ("sources", SOURCE_KEYS),
    ("notes", NOTE_KEYS),
    ("quotes", QUOTE_KEYS),
    ("entities", ENTITY_KEYS),
    ("links", LINK_KEYS),
];

/// The keys of a glossary file's front matter.
const ENTRY_TABLES: frontmatter::KeyLists<'static> = &[("", ENTRY_KEYS), ("links", LINK_KEYS)];

/// An `[[entities]]` item takes an entry's keys plus `id` and `description`.
const ENTITY_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "aliases",
    "role",
    "affiliation",
    "wikidata",
    "links",
    "autolink",
    "description",
];
const LINK_KEYS: &[&str] = &["title", "url"];
/// What `gloss import` writes where the input gave no value: a title or a
/// source title starting with this, or [`PLACEHOLDER_DATE`].
pub const PLACEHOLDER: &str = "REPLACE:";
/// The date `gloss import` writes when the input gave none (no real article
/// is dated 1 January of the year 1).
pub const PLACEHOLDER_DATE: &str = "0001-01-01";

/// The import placeholders left in an article's front matter: warnings in a
/// draft (it builds with them), errors in an article to be published.
pub fn placeholders(front: &ArticleFront, spans: &Spans) -> Vec<Diagnostic> {
    let mut found: Vec<(Span, String)> = Vec::new();
    let line = |key: &str| spans.get(key).unwrap_or_else(|| spans.value_or_parent(key));
    if front.title.starts_with(PLACEHOLDER) {
        found.push((line("title"), "title".into()));
    }
    let d = &front.date;
    if (d.year, d.month, d.day) == (1, 1, 1) {
        found.push((line("date"), "date".into()));
    }
    for (i, s) in front.sources.iter().enumerate() {
        if s.title.starts_with(PLACEHOLDER) {
            let span = spans.value_or_parent(&format!("sources.{i}.title"));
            found.push((span, format!("title of source `{}`", s.id)));
        }
    }
    found
        .into_iter()
        .map(|(span, what)| {
            let message = format!("the {what} is still the placeholder `gloss import` left");
            let d = if front.draft {
                Diagnostic::warning(message)
            } else {
                Diagnostic::error(format!("{message}; a published article needs the real one"))
            };
            d.at(span)
                .label("placeholder")
                .help("replace it with the value from the original article")
        })
        .collect()
}

fn file_stem(rel: &str) -> &str {
    let name = rel.trim_end_matches(".md");
    let name = name.strip_suffix("/index").unwrap_or(name);
    name.rsplit('/').next().unwrap_or(name)
}

pub use crate::routes::slugify;
use crate::routes::{Slug, SlugError};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_path_segments() {
        assert_eq!(
            slugify("Canal Reopens: What's Next?"),
            "canal-reopens-whats-next"
        );
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("Café résumé"), "cafe-resume");
        assert_eq!(slugify("///"), "untitled");
    }

    #[test]
    fn a_load_keeps_the_texts_that_fit_its_budget_and_reads_the_others_again() {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        let text = |title: &str, words: usize| {
            format!(
                "+++\ntitle = \"{title}\"\ndate = 2024-05-01\n+++\n{}\n",
                "word ".repeat(words)
            )
        };
        // In walk order: a (small), b (large), c (small).
        let (a, b, c) = (text("A", 10), text("B", 100), text("C", 10));
        for (name, t) in [("a.md", &a), ("b.md", &b), ("c.md", &c)] {
            std::fs::write(articles.join(name), t).unwrap();
        }
        let load = |keep: usize| {
            let mut diags = Diagnostics::default();
            let content = load_with(dir.path(), false, SourceMap::default(), keep, &mut diags);
            assert!(!diags.has_errors());
            content
        };
        let let_go = |content: &Content| -> Vec<bool> {
            content
                .articles
                .iter()
                .map(|x| content.sources.get(x.layout.source).is_let_go())
                .collect()
        };
        // Room for a and c, not b: b goes, and c, which still fits, stays.
        let content = load(a.len() + c.len());
        assert_eq!(let_go(&content), [false, true, false]);
        // What goes is read again, the same text.
        let body = content.body_once(&content.articles[1].layout).unwrap();
        assert_eq!(body, b.splitn(3, "+++\n").nth(2).unwrap());
        assert_eq!(let_go(&load(usize::MAX)), [false, false, false]);
        assert_eq!(let_go(&load(0)), [true, true, true]);
    }
}
