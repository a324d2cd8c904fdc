//! Incremental rebuilds for `serve`: an edited article re-renders that
//! article's pages and the pages that can show it, and nothing else.
//!
//! A [`Session`] keeps what the last successful build had: the options, the
//! configuration, the theme, the loaded content (with its source map), the
//! resolved site, the glossary's linker and the files of every article page.
//! [`Session::update`] takes the paths that changed since and takes the fast
//! path only when every one of them is an article that was loaded already
//! (not new, not deleted), whose old and new front matter both define no
//! `[[entities]]` (they change the glossary, and so every page), which is
//! not turned into a draft (that removes it from the content), and which is
//! not an article folder (`index.md` with files beside it) whose slug changed
//! (its files move). Paths under `content/` that are gone and that no build
//! read (an editor's temporary file, renamed over the real one) are left
//! out. Anything else is a full rebuild, which also refreshes the session.
//!
//! On the fast path the edited files are read and parsed again in place
//! (same source ids), resolved again against the stored glossary, put back
//! into the site, which is sorted and checked as a full build does (slugs
//! and quote ids are compared with the edited articles' only). Then the
//! index is built again and render plans the new site and compares it with
//! the last build's plan ([`render::Want::Changed`], see `render::plan`): a
//! planned file is rendered when it is new or moved, or when it reads an
//! edited article and its template context's fingerprint changed. Files no
//! longer planned are removed.
//!
//! The proof that this is enough is `tests/integration/incremental.rs`:
//! after every kind of edit, the whole map equals a full build's byte for
//! byte (STYLE 2.9).
//!
//! A failed update leaves the session as it was, and remembers the paths it
//! was given: the next update handles them again, so a fix made in another
//! file cannot hide an error that is still on disk.

use crate::annotate::{self, ResolvedArticle, Site};
use crate::config::Config;
use crate::content::{self, Article, Content};
use crate::diagnostics::{Diagnostic, Diagnostics, Report};
use crate::glossary::Linker;
use crate::output::MemorySink;
use crate::render::{self, theme::Theme};
use crate::source::{SourceFile, SourceId};
use crate::{BuildOptions, OutputFile, RenderedSite, Timings};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How the last successful build or update was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Everything was loaded, resolved and rendered again.
    Full,
    /// Only these many edited articles were parsed and resolved again.
    Incremental { articles: usize },
}

/// What the last successful build had; see the module docs.
pub struct Session {
    opts: BuildOptions,
    config: Config,
    theme: Theme,
    content: Content,
    site: Site,
    linker: Linker,
    /// Canonical path of every loaded article -> its index in `content.articles`.
    by_path: HashMap<PathBuf, usize>,
    /// The site folder, canonical, and every file under `content/` that the
    /// last full build read (sources and assets), by canonical path.
    root: PathBuf,
    known: HashSet<PathBuf>,
    /// Every file of the last good build.
    files: BTreeMap<String, OutputFile>,
    /// The page plan of the last good build, with its fingerprints.
    plan: render::Plan,
    /// Paths of failed updates, handled again by the next one.
    pending: BTreeSet<PathBuf>,
    /// A full rebuild failed: the next update must be a full one too.
    stale: bool,
    last: Mode,
}

/// One edited article on its way through the fast path.
struct Edit {
    index: usize,
    id: SourceId,
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
        let by_path = article_paths(&opts.root, &content);
        let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone());
        let known = content
            .sources
            .files()
            .map(|(_, f)| root.join(&f.name))
            .chain(
                content
                    .assets
                    .iter()
                    .map(|a| std::fs::canonicalize(&a.path).unwrap_or_else(|_| a.path.clone())),
            )
            .collect();
        let session = Session {
            opts: opts.clone(),
            config,
            theme,
            content,
            site,
            linker,
            by_path,
            root,
            known,
            files: files.clone(),
            plan,
            pending: BTreeSet::new(),
            stale: false,
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

    /// Whether the last successful update took the fast path.
    pub fn last_update_was_incremental(&self) -> bool {
        matches!(self.last, Mode::Incremental { .. })
    }

    /// Rebuilds after `changed` (absolute paths) changed on disk: the fast
    /// path when it applies, else a full build. On error the session keeps
    /// its last good state.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<RenderedSite, Report> {
        let given = !changed.is_empty() || !self.pending.is_empty();
        let all: BTreeSet<PathBuf> = self
            .pending
            .iter()
            .chain(changed)
            .filter(|p| !self.came_and_went(p))
            .cloned()
            .collect();
        let fast = if self.stale || !given {
            Ok(None)
        } else {
            self.incremental(&all)
        };
        let result = match fast {
            Ok(Some(site)) => Ok(site),
            Ok(None) => self.full(),
            Err(report) => Err(report),
        };
        match &result {
            Ok(_) => self.pending.clear(),
            Err(_) => self.pending = all,
        }
        result
    }

    /// Whether `path` is a file under `content/` that is gone and that no
    /// build read: an editor's or a tool's temporary file (`sed -i` writes
    /// `sedXXXXXX` and renames it over the file it edits). Its coming and
    /// going changed nothing; a vanished source, asset or folder of them,
    /// or anything outside `content/`, did.
    fn came_and_went(&self, path: &Path) -> bool {
        let in_content = path
            .strip_prefix(&self.root)
            .is_ok_and(|rel| rel.starts_with("content"));
        in_content
            && std::fs::symlink_metadata(path).is_err()
            && !self.known.iter().any(|k| k.starts_with(path))
    }

    /// A full build that replaces this session when it succeeds.
    fn full(&mut self) -> Result<RenderedSite, Report> {
        match Session::build(&self.opts) {
            Ok((session, site)) => {
                *self = session;
                Ok(site)
            }
            Err(report) => {
                self.stale = true;
                Err(report)
            }
        }
    }

    /// The fast path; `Ok(None)` when it does not apply (nothing changed then).
    fn incremental(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Option<RenderedSite>, Report> {
        let started = Instant::now();
        let Some(read) = self.read(changed) else {
            return Ok(None);
        };

        // Put the new texts in place and parse them.
        let mut edits = Vec::with_capacity(read.len());
        let mut old_sources = Vec::with_capacity(read.len());
        for (e, file) in read {
            old_sources.push((e.id, self.content.sources.replace(e.id, file)));
            edits.push(e);
        }
        let parsed: Vec<(Option<Article>, Vec<Diagnostic>)> = edits
            .iter()
            .map(|e| content::reparse_article(e.id, &self.content.sources))
            .collect();
        let eligible = edits.iter().zip(&parsed).all(|(e, (new, _))| {
            let old = &self.content.articles[e.index];
            new.as_ref().is_none_or(|new| {
                old.front.entities.is_empty()
                    && new.front.entities.is_empty()
                    && (self.opts.drafts || !new.front.draft)
                    && (old.bundle_dir.is_none() || old.slug == new.slug)
            })
        });
        if !eligible {
            self.restore_sources(old_sources);
            return Ok(None);
        }
        let mut diags = Diagnostics::default();
        let mut new_articles = Vec::with_capacity(edits.len());
        for (new, ds) in parsed {
            diags.extend(ds);
            new_articles.extend(new);
        }
        if diags.has_errors() {
            return Err(self.fail(diags, old_sources, Vec::new()));
        }
        if new_articles.len() != edits.len() {
            // Not parsed, yet no error: let a full build decide.
            self.restore_sources(old_sources);
            return Ok(None);
        }

        // Resolve them again with the stored glossary.
        let mut old_articles = Vec::with_capacity(edits.len());
        for (e, new) in edits.iter().zip(new_articles) {
            old_articles.push((
                e.index,
                std::mem::replace(&mut self.content.articles[e.index], new),
            ));
        }
        let loaded = Instant::now();
        let (config, content, site, linker) =
            (&self.config, &self.content, &self.site, &self.linker);
        let resolved: Vec<(Option<ResolvedArticle>, Vec<Diagnostic>)> = edits
            .par_iter()
            .map(|e| {
                let mut ds = Vec::new();
                let a = &content.articles[e.index];
                let r = crate::resolve_article_with_body(
                    config,
                    content,
                    &site.glossary,
                    &site.base,
                    linker,
                    e.index,
                    a,
                    &mut ds,
                );
                (r, ds)
            })
            .collect();
        let mut fresh = Vec::with_capacity(edits.len());
        for (r, ds) in resolved {
            diags.extend(ds);
            fresh.extend(r);
        }
        if diags.has_errors() {
            return Err(self.fail(diags, old_sources, old_articles));
        }
        if fresh.len() != edits.len() {
            // Not resolved, yet no error: let a full build decide.
            self.restore(old_sources, old_articles);
            return Ok(None);
        }

        // Put them back into the site, check and sort it as `resolve` does.
        let mut old_resolved = Vec::with_capacity(fresh.len());
        for r in fresh {
            let at = self
                .site
                .articles
                .iter()
                .position(|a| a.index == r.index)
                .expect("an edited article was in the site");
            old_resolved.push(std::mem::replace(&mut self.site.articles[at], r));
        }
        let only: BTreeSet<usize> = edits.iter().map(|e| e.index).collect();
        if annotate::edits_clash(&self.site.articles, &only) {
            self.site.articles.sort_by_key(|a| a.index);
            annotate::check_site(&self.content, &self.site.articles, &mut diags);
        }
        annotate::sort_articles(&mut self.site.articles);
        render::paths::check(
            &self.config,
            &self.content,
            &self.theme,
            &self.site,
            &mut diags,
        );
        if diags.has_errors() {
            let report = diags.into_report(&self.content.sources);
            self.put_back(old_resolved);
            self.restore(old_sources, old_articles);
            return Err(report);
        }
        self.site.unmentioned = annotate::unmentioned(&self.site.glossary, &self.site.articles);
        let resolved_at = Instant::now();

        // Plan the new site and render what changed since the last plan.
        let index = crate::index::build(&self.site);
        let sink = MemorySink::default();
        let times = render::TemplateTimes::default();
        let inputs = render::Inputs {
            config: &self.config,
            content: &self.content,
            theme: &self.theme,
            search_index: self.opts.search_index,
            times: &times,
            progress: &crate::progress::Silent,
        };
        let want = render::Want::Changed {
            previous: &self.plan,
            edited: &only,
        };
        let plan = render::render(&inputs, &self.site, &index, want, &mut diags, &sink);
        if diags.has_errors() {
            let report = diags.into_report(&self.content.sources);
            self.put_back(old_resolved);
            self.restore(old_sources, old_articles);
            return Err(report);
        }
        self.apply(&plan, sink.into_files());
        self.plan = plan;
        let files = self.files.clone();
        let timings = Timings {
            load: loaded - started,
            resolve: resolved_at - loaded,
            render: resolved_at.elapsed(),
            templates: times.slowest_first(),
            ..Timings::default()
        };
        let mut stats = crate::stats(&self.site, &self.content, &self.plan, timings);
        stats.files = files.len();
        self.last = Mode::Incremental {
            articles: edits.len(),
        };
        Ok(Some(RenderedSite { files, stats }))
    }

    /// Takes the files an update rendered: files the new plan no longer has
    /// are removed, and a regenerated search index replaces the old one.
    fn apply(&mut self, plan: &render::Plan, fresh: BTreeMap<String, OutputFile>) {
        let planned: HashSet<&str> = plan.paths().collect();
        let search = render::PageKey::SearchIndex;
        let search_dir = plan.get(&search).map(|p| p.path.clone());
        let reindexed = search_dir
            .as_ref()
            .is_some_and(|dir| plan.rendered.iter().any(|r| r == dir));
        let gone: Vec<String> = self
            .plan
            .files
            .values()
            .filter(|p| !planned.contains(p.path.as_str()))
            .map(|p| p.path.clone())
            .collect();
        for path in gone {
            self.files.remove(&path);
        }
        let old_search = self.plan.get(&search).map(|p| p.path.clone());
        if let Some(dir) = old_search.filter(|_| reindexed || search_dir.is_none()) {
            self.files.retain(|path, _| !path.starts_with(&dir));
        }
        self.files.extend(fresh);
    }

    /// The paths the last build or update rendered (every file after a
    /// full build).
    pub fn last_rendered(&self) -> &[String] {
        &self.plan.rendered
    }

    /// The edits `changed` asks for, each file read; `None` unless every path
    /// is a loaded article that can still be read as UTF-8.
    fn read(&self, changed: &BTreeSet<PathBuf>) -> Option<Vec<(Edit, SourceFile)>> {
        let mut edits = Vec::with_capacity(changed.len());
        let mut seen = BTreeSet::new();
        for path in changed {
            let canonical = std::fs::canonicalize(path).ok()?;
            let &index = self.by_path.get(&canonical)?;
            if !seen.insert(index) {
                continue;
            }
            let id = self.content.articles[index].layout.source;
            let old = self.content.sources.get(id);
            let text = std::fs::read_to_string(&old.path).ok()?;
            let file = SourceFile::new(old.name.clone(), old.path.clone(), text);
            edits.push((Edit { index, id }, file));
        }
        Some(edits)
    }

    /// Reports `diags` (spans point into the new texts), then restores the
    /// session as it was before the update.
    fn fail(
        &mut self,
        diags: Diagnostics,
        sources: Vec<(SourceId, SourceFile)>,
        articles: Vec<(usize, Article)>,
    ) -> Report {
        let report = diags.into_report(&self.content.sources);
        self.restore(sources, articles);
        report
    }

    fn restore(&mut self, sources: Vec<(SourceId, SourceFile)>, articles: Vec<(usize, Article)>) {
        for (index, article) in articles {
            self.content.articles[index] = article;
        }
        self.restore_sources(sources);
    }

    fn restore_sources(&mut self, sources: Vec<(SourceId, SourceFile)>) {
        for (id, file) in sources {
            self.content.sources.replace(id, file);
        }
    }

    /// Puts the resolved articles of before an update back in the site.
    fn put_back(&mut self, old: Vec<ResolvedArticle>) {
        for r in old {
            if let Some(at) = self.site.articles.iter().position(|a| a.index == r.index) {
                self.site.articles[at] = r;
            }
        }
        self.site.articles.sort_by_key(|a| a.index);
        annotate::sort_articles(&mut self.site.articles);
        self.site.unmentioned = annotate::unmentioned(&self.site.glossary, &self.site.articles);
    }
}

/// Canonical path -> index in `content.articles`.
fn article_paths(root: &Path, content: &Content) -> HashMap<PathBuf, usize> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    content
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let name = &content.sources.get(a.layout.source).name;
            (root.join(name), i)
        })
        .collect()
}
