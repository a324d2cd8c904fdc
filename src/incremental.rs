//! Incremental rebuilds for `serve`: the same pipeline as a full build,
//! with memoized per-article load and resolve.
//!
//! A [`Session`] keeps what the last successful build had (the options,
//! the configuration, the theme, the loaded content with its source map,
//! the resolved site, the glossary's linker, the page plan and every file)
//! and a `Memo` of how each file under `content/` was read, parsed and
//! resolved. [`Session::update`] takes the paths that changed since and
//! runs the stages of a full build (`lib::pipeline`) again, each through
//! the same function:
//!
//! 1. **Load** (`content::load_reusing`) walks `content/` as a full build
//!    does. A Markdown file read last time whose path is not among the
//!    changed ones keeps its [`SourceFile`] (shared, not read again) and its
//!    id; a changed one is read again into its old id; a new one gets the
//!    next id. A file whose text has the fingerprint it had and, for an
//!    article folder (`index.md` with files beside it), none of whose
//!    folder's paths changed (its `image` is checked against them), reuses
//!    its parsed [`content::Article`] (or entry, or page).
//! 2. **Resolve** (`resolve_site_with`) builds the glossary again,
//!    then reuses an article's [`ResolvedArticle`] (body HTML and selectors
//!    included) when its parse was reused and its `MemoKey` is the same:
//!    the fingerprint of its text, and that of what every article is
//!    resolved against (`site_key`: the configuration with its base URL,
//!    and the glossary's shape, its ids, names, kinds and aliases, which an
//!    `[[entities]]` edit changes too; an entry's role or description is
//!    not in it, so its edit resolves no article). A reused article is
//!    shared with the last build, not copied. Every other article is
//!    resolved as in a full build. The site-wide steps then run exactly as
//!    in a full build: the checks across articles, the order, the
//!    unmentioned entries, the index (the last one when what it is built
//!    from is the same: `index::same_inputs`), and `render::paths::check` unless
//!    everything it reads is as in the last good build
//!    (`render::paths::key`).
//! 3. **Render** plans the new site and compares it with the last build's
//!    plan ([`render::Want::Changed`], see `render::plan`). The plan names
//!    articles by their index in `Content::articles`, which an added or
//!    removed article shifts, so the last plan is first renumbered by
//!    source file ([`render::Plan::renumbered`]; a file keeps its id for
//!    the whole session): an article that was not resolved again reads as
//!    the same input it was. A planned file is rendered when it is new or
//!    moved, or when it reads an article resolved again (or the whole site)
//!    and the fingerprint of its template context changed. After an edit
//!    of an entry's role or description, every article showing the entry
//!    counts as resolved again, and every page that may show the entry
//!    otherwise is compared by its context ([`render::Plan::entries`]).
//!    Files no longer planned are removed.
//!
//! So new, deleted and renamed articles, draft toggles, `[[entities]]` and
//! glossary edits and moved article folders all take this one path. The
//! only other one is a change outside `content/` (`gloss.toml`, templates,
//! static files): it can change what every stage reads, and it is a full
//! build ([`Mode::Full`]), which also makes the memo anew.
//!
//! The new site is built beside the old one: the session is replaced only
//! when the update succeeds. A failed update leaves it as it was and
//! remembers the paths it was given: the next update handles them again,
//! so a fix made in another file cannot hide an error that is still on
//! disk.
//!
//! The proof that this is enough is `tests/integration/incremental.rs`:
//! after every kind of edit, the whole map equals a full build's byte for
//! byte (STYLE 2.9).

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::content::{self, Content, Known, Parsed};
use crate::diagnostics::{Diagnostics, Report};
use crate::glossary::{Glossary, Linker};
use crate::hash::{Fingerprint, FingerprintBuilder};
use crate::output::MemorySink;
use crate::render::{self, theme::Theme};
use crate::source::{display_name, SourceFile, SourceId, SourceMap};
use crate::{BuildOptions, OutputFile, RenderedSite, Timings};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// How the last successful build or update was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A full build: nothing was reused (the first build, or a change
    /// outside `content/`).
    Full,
    /// The memoized pipeline: these many articles were parsed or resolved
    /// again (all of them after a glossary edit), the others reused.
    Incremental { articles: usize },
}

/// What the last successful build had; see the module docs.
pub struct Session {
    opts: BuildOptions,
    config: Config,
    theme: Arc<Theme>,
    content: Content,
    site: Site,
    linker: Linker,
    /// The index of `site`, reused by an update whose site gives the same
    /// one ([`crate::index::same_inputs`]).
    index: Arc<crate::index::Index>,
    memo: Memo,
    /// The site folder, canonical.
    root: PathBuf,
    /// Every file of the last good build.
    files: BTreeMap<String, OutputFile>,
    /// The page plan of the last good build, with its fingerprints.
    plan: render::Plan,
    /// [`render::paths::key`] of the last good build, whose paths passed
    /// [`render::paths::check`].
    paths: Fingerprint,
    /// Paths of failed updates, handled again by the next one.
    pending: BTreeSet<PathBuf>,
    last: Mode,
}

/// The key an article's parse and resolution are memoized under: an
/// article whose key is unchanged (and whose folder did not change, see
/// the module docs) parses and resolves to what it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemoKey {
    /// The fingerprint of the file's text.
    pub text: Fingerprint,
    /// What every article is resolved against ([`site_key`]).
    pub site: Fingerprint,
}

/// One article of the last build, memoized: its key, and where its
/// resolved form is in that build (`Site::articles`; its parsed form is
/// the file's [`Slot`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArticleMemo {
    pub key: MemoKey,
    pub resolved: usize,
}

/// What a Markdown file under `content/` parsed to last time, by position
/// in that build's content.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Article(usize),
    Entry(usize),
    Page(usize),
}

/// How every Markdown file under `content/` was read, parsed and resolved
/// by the last build. Positions point into the session's `content` and
/// `site`, which hold the values.
#[derive(Default)]
pub(crate) struct Memo {
    /// Every file read under `content/` (by name, `content/...`) and its
    /// id: the same file keeps its id for the whole session.
    /// Shared with the memo it was made from when no file was added.
    ids: Arc<HashMap<String, SourceId>>,
    /// The fingerprint of each of their texts.
    texts: HashMap<SourceId, Fingerprint>,
    /// What each parsed to (drafts left out have none).
    parsed: HashMap<SourceId, Slot>,
    /// Each resolved article.
    articles: HashMap<SourceId, ArticleMemo>,
    /// What every article was resolved against.
    site: Option<Fingerprint>,
}

/// The fingerprint of what every article is resolved against: the
/// configuration (base URL included) and the glossary's shape (its
/// entries' ids, names, kinds and aliases: [`Glossary::add_shape`]), not
/// what only the pages show of an entry (its role, its description), so
/// that an edit of those resolves no article again (issue 15).
pub(crate) fn site_key(config: &Config, glossary: &Glossary) -> Fingerprint {
    use std::io::Write as _;
    let mut f = FingerprintBuilder::default();
    write!(f, "{config:?}").expect("a fingerprint takes any text");
    f.bytes(&[0xff]);
    glossary.add_shape(&mut f);
    f.finish()
}

fn text_print(text: &str) -> Fingerprint {
    FingerprintBuilder::default()
        .bytes(text.as_bytes())
        .finish()
}

impl Memo {
    /// The memo of a build: `previous` (the memo and source map of the
    /// build it updated, if any) gives the fingerprints of the texts it
    /// shares.
    fn of(
        content: &Content,
        site: &Site,
        key: Fingerprint,
        previous: Option<(&Memo, &SourceMap)>,
    ) -> Memo {
        let sources = &content.sources;
        let in_content = |f: &SourceFile| f.name.starts_with("content/");
        let (ids, texts) = match previous {
            None => {
                let ids: HashMap<String, SourceId> = sources
                    .files()
                    .filter(|(_, f)| in_content(f))
                    .map(|(id, f)| (f.name.clone(), id))
                    .collect();
                let texts = ids
                    .par_iter()
                    .map(|(_, &id)| (id, text_print(sources.get(id).text())))
                    .collect();
                (Arc::new(ids), texts)
            }
            // Files keep their ids: only those added or read again are new.
            Some((memo, old)) => {
                let mut ids = Arc::clone(&memo.ids);
                let known = old.files().count();
                let added: Vec<(String, SourceId)> = sources
                    .files()
                    .skip(known)
                    .filter(|(_, f)| in_content(f))
                    .map(|(id, f)| (f.name.clone(), id))
                    .collect();
                if !added.is_empty() {
                    Arc::make_mut(&mut ids).extend(added);
                }
                let mut texts = memo.texts.clone();
                for (id, f) in sources.files() {
                    if in_content(f) && !sources.shares(old, id) {
                        texts.insert(id, text_print(f.text()));
                    }
                }
                (ids, texts)
            }
        };
        let mut parsed = HashMap::with_capacity(ids.len());
        for (i, a) in content.articles.iter().enumerate() {
            parsed.insert(a.layout.source, Slot::Article(i));
        }
        for (i, e) in content.entries.iter().enumerate() {
            parsed.insert(e.layout.source, Slot::Entry(i));
        }
        for (i, p) in content.pages.iter().enumerate() {
            parsed.insert(p.layout.source, Slot::Page(i));
        }
        let articles = site
            .articles
            .iter()
            .enumerate()
            .map(|(at, r)| {
                let id = content.articles[r.index].layout.source;
                let memo = ArticleMemo {
                    key: MemoKey {
                        text: texts[&id],
                        site: key,
                    },
                    resolved: at,
                };
                (id, memo)
            })
            .collect();
        Memo {
            ids,
            texts,
            parsed,
            articles,
            site: Some(key),
        }
    }
}

/// The paths an update was given, as names relative to the site folder
/// (`content/articles/x.md`), and whether one is outside `content/`.
struct Changes {
    names: Vec<String>,
    outside: bool,
}

impl Changes {
    fn of(root: &Path, given_root: &Path, paths: &BTreeSet<PathBuf>) -> Changes {
        let mut names = Vec::with_capacity(paths.len());
        let mut outside = false;
        for path in paths {
            let rel = path
                .strip_prefix(root)
                .or_else(|_| path.strip_prefix(given_root))
                .map(Path::to_path_buf)
                .ok()
                .or_else(|| {
                    let canonical = std::fs::canonicalize(path).ok()?;
                    Some(canonical.strip_prefix(root).ok()?.to_path_buf())
                });
            let Some(rel) = rel else {
                outside = true;
                continue;
            };
            let name = display_name(Path::new(""), &rel);
            if name != "content" && !name.starts_with("content/") {
                outside = true;
            }
            names.push(name);
        }
        Changes { names, outside }
    }

    /// Whether the file `name` changed (it or a folder above it).
    fn file(&self, name: &str) -> bool {
        self.names.iter().any(|c| under(name, c))
    }

    /// Whether anything in the folder `dir` changed, the folder included.
    fn folder(&self, dir: &str) -> bool {
        self.names.iter().any(|c| under(c, dir) || under(dir, c))
    }
}

/// Whether `name` is `dir` or below it.
fn under(name: &str, dir: &str) -> bool {
    name.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// One update's view of the memo: what the load and resolve stages may
/// take from the last build (see [`content::Reuse`], [`crate::ResolveMemo`]).
struct Reuse<'a> {
    last: &'a Session,
    changes: &'a Changes,
    /// The new build's sources, once loaded (to tell reused texts).
    sources: OnceLock<&'a SourceMap>,
    /// [`site_key`] of the new build, once its glossary is built.
    key: OnceLock<Fingerprint>,
}

impl Reuse<'_> {
    /// Whether the file at `id`, now `file`, parses to what it did: its
    /// text is the same, and nothing changed in its article folder.
    fn unchanged(&self, id: SourceId, file: &SourceFile) -> bool {
        let memo = &self.last.memo;
        let Some(old) = memo.texts.get(&id) else {
            return false;
        };
        // Not read again (the very text of the last build), or read again
        // to the same text.
        let same_text = std::ptr::eq(file, self.last.content.sources.get(id))
            || text_print(file.text()) == *old;
        if !same_text {
            return false;
        }
        match memo.parsed.get(&id) {
            Some(&Slot::Article(i)) => {
                let a = &self.last.content.articles[i];
                a.bundle_dir.is_none()
                    || file
                        .name
                        .rsplit_once('/')
                        .is_some_and(|(dir, _)| !self.changes.folder(dir))
            }
            Some(_) => true,
            None => false,
        }
    }
}

impl content::Reuse for Reuse<'_> {
    fn file(&self, name: &str) -> Known {
        match self.last.memo.ids.get(name) {
            None => Known::New,
            Some(&id) if self.changes.file(name) => Known::Changed(id),
            Some(&id) => Known::Unchanged(id),
        }
    }

    fn parsed(&self, id: SourceId, file: &SourceFile) -> Option<Parsed> {
        if !self.unchanged(id, file) {
            return None;
        }
        let last = &self.last.content;
        Some(match *self.last.memo.parsed.get(&id)? {
            Slot::Article(i) => Parsed::Article(Arc::clone(&last.articles[i])),
            Slot::Entry(i) => Parsed::Entry(last.entries[i].clone()),
            Slot::Page(i) => Parsed::Page(last.pages[i].clone()),
        })
    }
}

impl crate::ResolveMemo for Reuse<'_> {
    fn linker(&self, glossary: &Glossary) -> Option<Linker> {
        let key = *self
            .key
            .get_or_init(|| site_key(&self.last.config, glossary));
        (self.last.memo.site == Some(key)).then(|| self.last.linker.clone())
    }

    fn article(&self, index: usize, a: &content::Article) -> Option<Arc<ResolvedArticle>> {
        let id = a.layout.source;
        let sources = self.sources.get()?;
        let memo = self.last.memo.articles.get(&id)?;
        if Some(memo.key.site) != self.key.get().copied() || !self.unchanged(id, sources.get(id)) {
            return None;
        }
        let last = &self.last.site.articles[memo.resolved];
        Some(if last.index == index {
            Arc::clone(last)
        } else {
            // An article added or removed before it: a copy with its index.
            Arc::new(ResolvedArticle {
                index,
                ..(**last).clone()
            })
        })
    }
}

impl Session {
    /// A full build, kept for later updates.
    pub fn build(opts: &BuildOptions) -> Result<(Session, RenderedSite), Report> {
        let sink = MemorySink::default();
        let crate::Pipeline {
            config,
            theme,
            content,
            site,
            linker,
            plan,
            index,
            timings,
        } = crate::pipeline(
            opts,
            &sink,
            crate::Fingerprints::Keep,
            &crate::progress::Silent,
        )?;
        let files = sink.into_files();
        let mut stats = crate::stats(&site, &content, &plan, timings);
        stats.files = files.len();
        let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone());
        let memo = Memo::of(&content, &site, site_key(&config, &site.glossary), None);
        let paths = render::paths::key(&content, &site);
        let index = index.unwrap_or_else(|| Arc::new(crate::index::build(&site)));
        let session = Session {
            opts: opts.clone(),
            config,
            theme: Arc::new(theme),
            content,
            site,
            linker,
            index,
            memo,
            root,
            files: files.clone(),
            plan,
            paths,
            pending: BTreeSet::new(),
            last: Mode::Full,
        };
        Ok((session, RenderedSite { files, stats }))
    }

    /// The options of the builds this session makes.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// How the last successful build or update was made.
    pub fn last_mode(&self) -> Mode {
        self.last
    }

    /// Whether the last successful update took the memoized pipeline.
    pub fn last_update_was_incremental(&self) -> bool {
        matches!(self.last, Mode::Incremental { .. })
    }

    /// The paths the last build or update rendered (every file after a
    /// full build).
    pub fn last_rendered(&self) -> &[String] {
        &self.plan.rendered
    }

    /// Rebuilds after `changed` (absolute paths) changed on disk. On error
    /// the session keeps its last good state and the paths.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<RenderedSite, Report> {
        let all: BTreeSet<PathBuf> = self.pending.iter().chain(changed).cloned().collect();
        let changes = Changes::of(&self.root, &self.opts.root, &all);
        let result = if changes.outside {
            Session::build(&self.opts).map(|(session, site)| (session, site, None))
        } else {
            self.memoized(&changes)
                .map(|(session, site, fresh)| (session, site, Some(fresh)))
        };
        match result {
            Ok((mut session, mut site, fresh)) => {
                if let Some(fresh) = fresh {
                    // The update succeeded: the last build's files become
                    // the new ones in place, and are copied once, for the
                    // caller (not twice: 23,000 paths on 10,000 articles).
                    let mut files = std::mem::take(&mut self.files);
                    apply(&mut files, &self.plan, &session.plan, fresh);
                    site.stats.files = files.len();
                    session.files = files.clone();
                    site.files = files;
                }
                // The last build's values are freed on a thread of their
                // own: the page waits for none of it.
                let last = std::mem::replace(self, session);
                std::thread::spawn(move || drop(last));
                Ok(site)
            }
            Err(report) => {
                self.pending = all;
                Err(report)
            }
        }
    }

    /// The pipeline of a full build, taking from the memo what still holds
    /// (see the module docs); the new session beside this one, and the
    /// files it rendered. The session's files and the site's are left empty
    /// for [`apply`] to fill once the update is sure to succeed.
    #[expect(
        clippy::type_complexity,
        reason = "the new session, what it reports and the files it rendered"
    )]
    fn memoized(
        &self,
        changes: &Changes,
    ) -> Result<(Session, RenderedSite, BTreeMap<String, OutputFile>), Report> {
        let started = Instant::now();
        let opts = &self.opts;
        let reuse = Reuse {
            last: self,
            changes,
            sources: OnceLock::new(),
            key: OnceLock::new(),
        };
        let mut diags = Diagnostics::default();
        let content = content::load_reusing(
            &opts.root,
            opts.drafts,
            self.content.sources.clone(),
            &mut diags,
            &reuse,
        );
        let loaded = Instant::now();
        let config = &self.config;
        let theme = &*self.theme;
        let _ = reuse.sources.set(&content.sources);
        let (site, linker) = crate::resolve_site_with(config, &content, &reuse, &mut diags);
        // The same paths as the last good build's passed the check then.
        let paths = render::paths::key(&content, &site);
        if paths != self.paths {
            render::paths::check(config, &content, theme, &site, &mut diags);
        }
        if diags.has_errors() {
            return Err(diags.into_report(&content.sources));
        }
        // The articles parsed or resolved again: what render compares.
        let key = *reuse
            .key
            .get()
            .expect("resolve asked for the linker before any article");
        let edited: BTreeSet<usize> = content
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                let id = a.layout.source;
                let reused = self.memo.articles.get(&id).is_some_and(|m| {
                    m.key.site == key && reuse.unchanged(id, content.sources.get(id))
                });
                !reused
            })
            .map(|(i, _)| i)
            .collect();
        let index = if crate::index::same_inputs(&self.site, &site) {
            Arc::clone(&self.index)
        } else {
            Arc::new(crate::index::build(&site))
        };
        let resolved = Instant::now();

        // The last plan, its articles named as in this build.
        let new_index: HashMap<SourceId, usize> = content
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.layout.source, i))
            .collect();
        let next = |i: usize| {
            let id = self.content.articles.get(i)?.layout.source;
            new_index.get(&id).copied()
        };
        let shifted = self.content.articles.len() != content.articles.len()
            || (0..self.content.articles.len()).any(|i| next(i) != Some(i));
        let renumbered;
        let previous = if shifted {
            renumbered = self.plan.renumbered(next);
            &renumbered
        } else {
            &self.plan
        };
        let sink = MemorySink::default();
        let times = render::TemplateTimes::default();
        let inputs = render::Inputs {
            config,
            content: &content,
            theme,
            search_index: opts.search_index,
            times: &times,
            progress: &crate::progress::Silent,
        };
        let want = render::Want::Changed {
            previous,
            edited: &edited,
        };
        let plan = render::render(&inputs, &site, &index, want, &mut diags, &sink);
        if diags.has_errors() {
            return Err(diags.into_report(&content.sources));
        }
        let fresh = sink.into_files();
        let timings = Timings {
            load: loaded - started,
            resolve: resolved - loaded,
            render: resolved.elapsed(),
            templates: times.slowest_first(),
            ..Timings::default()
        };
        let stats = crate::stats(&site, &content, &plan, timings);
        let memo = Memo::of(
            &content,
            &site,
            key,
            Some((&self.memo, &self.content.sources)),
        );
        let session = Session {
            opts: self.opts.clone(),
            config: self.config.clone(),
            theme: Arc::clone(&self.theme),
            content,
            site,
            linker,
            index,
            memo,
            root: self.root.clone(),
            files: BTreeMap::new(),
            plan,
            paths,
            pending: BTreeSet::new(),
            last: Mode::Incremental {
                articles: edited.len(),
            },
        };
        let site = RenderedSite {
            files: BTreeMap::new(),
            stats,
        };
        Ok((session, site, fresh))
    }
}

/// Updates the files of the last build (`files`, planned by `old`) by a
/// render of the plan `new` that wrote `fresh`: files the new plan no
/// longer has are removed, and a regenerated search index replaces the old
/// one.
fn apply(
    files: &mut BTreeMap<String, OutputFile>,
    old: &render::Plan,
    new: &render::Plan,
    fresh: BTreeMap<String, OutputFile>,
) {
    let planned: HashSet<&str> = new.paths().collect();
    let search = render::PageKey::SearchIndex;
    let search_dir = new.get(&search).map(|p| p.path.clone());
    let reindexed = search_dir
        .as_ref()
        .is_some_and(|dir| new.rendered.iter().any(|r| r == dir));
    for gone in old.paths().filter(|p| !planned.contains(p)) {
        files.remove(gone);
    }
    let old_search = old.get(&search).map(|p| p.path.clone());
    if let Some(dir) = old_search.filter(|_| reindexed || search_dir.is_none()) {
        files.retain(|path, _| !path.starts_with(&dir));
    }
    files.extend(fresh);
}
