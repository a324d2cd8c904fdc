//! Every output path of the site, claimed once: two sources for one file
//! (a page slug `articles/hello` and that article, a static `index.html`
//! and the home page, an alias and a page, `C++` and `c` as tags) are an
//! error naming both, before anything is rendered (issue 12: "a page can
//! never silently replace another page").
//!
//! Takes the resolved site, the content and the theme; adds diagnostics and
//! returns nothing. Paths come from `crate::routes`, the same functions the
//! renderer uses.

use super::theme::Theme;
use crate::annotate::Site;
use crate::config::Config;
use crate::content::Content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::hash::{Fingerprint, FingerprintBuilder};
use crate::routes::{self, OutputPath, Route};
use crate::source::Span;
use std::collections::BTreeMap;

/// Who writes a file: in words, and where it is written in a source, when
/// it is.
#[derive(Clone)]
struct Owner {
    what: String,
    span: Option<Span>,
}

impl Owner {
    fn generated(what: &str) -> Owner {
        Owner {
            what: what.to_string(),
            span: None,
        }
    }
}

#[derive(Default)]
struct Claims {
    /// By [`OutputPath::clash_key`]: one file on a case-insensitive disk.
    by_key: BTreeMap<String, (OutputPath, Owner)>,
    errors: Vec<Diagnostic>,
}

impl Claims {
    fn claim(&mut self, path: OutputPath, owner: Owner) {
        let key = path.clash_key();
        match self.by_key.get(&key) {
            Some((first_path, first)) => {
                let d = clash(first_path, first, &path, &owner);
                self.errors.push(d);
            }
            None => {
                self.by_key.insert(key, (path, owner));
            }
        }
    }

    fn route(&mut self, route: &Route, owner: Owner) {
        self.claim(route.output(), owner);
    }

    /// A file whose name is also a folder of another path (`atom.xml` and
    /// `atom.xml/index.html`) cannot be written either.
    fn check_folders(&mut self) {
        let mut found = Vec::new();
        for (key, (path, owner)) in &self.by_key {
            let mut at = 0;
            while let Some(i) = key[at..].find('/') {
                let dir = &key[..at + i];
                if let Some((file, first)) = self.by_key.get(dir) {
                    found.push(clash(file, first, path, owner));
                }
                at += i + 1;
            }
        }
        self.errors.extend(found);
    }
}

fn clash(first_path: &OutputPath, first: &Owner, path: &OutputPath, owner: &Owner) -> Diagnostic {
    let same = first_path == path;
    let message = if same {
        format!(
            "two sources for `{path}`: {} and {}",
            first.what, owner.what
        )
    } else {
        format!(
            "`{first_path}` and `{path}` cannot both be written: {} and {}",
            first.what, owner.what
        )
    };
    let mut d = Diagnostic::error(message);
    let (main, other) = match (&owner.span, &first.span) {
        (Some(_), _) => (owner, first),
        _ => (first, owner),
    };
    if let Some(span) = main.span {
        d = d.at(span).label(format!("{} is written here", main.what));
    }
    match other.span {
        Some(span) if main.span.is_some() => d = d.also(span, format!("and {}", other.what)),
        Some(span) => d = d.at(span).label(other.what.clone()),
        None => d = d.note(format!("gloss writes {} there itself", other.what)),
    }
    if !same {
        d = d.note("on a case-insensitive disk (macOS, Windows) these are one file, or a file and a folder of one name");
    }
    d.help("give one of them another slug (or alias, or file name) so each file has one source")
}

/// Reports every output path with two sources and every tag slug shared by
/// two different tags.
pub fn check(
    config: &Config,
    content: &Content,
    theme: &Theme,
    site: &Site,
    diags: &mut Diagnostics,
) {
    let mut claims = Claims::default();
    let sources = &content.sources;
    let name = |id| sources.get(id).name.clone();

    // What gloss writes itself.
    let per = config.paginate.max(1);
    let home_pages = site.articles.len().div_ceil(per).max(1);
    for n in 1..=home_pages {
        let what = if n == 1 {
            "the home page".to_string()
        } else {
            format!("page {n} of the home page")
        };
        claims.route(&routes::home(n), Owner::generated(&what));
    }
    for (route, what) in [
        (routes::quotes(), "the quote index"),
        (routes::glossary(), "the glossary index"),
        (routes::sources(1), "the sources index"),
        (routes::not_found(), "the 404 page"),
        (routes::sitemap(), "the sitemap"),
        (routes::robots(), "robots.txt"),
        (routes::quotes_json(), "quotes.json"),
        (routes::glossary_json(), "glossary.json"),
    ] {
        claims.route(&route, Owner::generated(what));
    }
    if config.search {
        claims.route(&routes::search(), Owner::generated("the search page"));
    }
    if config.feed {
        claims.route(&routes::feed(), Owner::generated("the Atom feed"));
    }

    // Articles, their annotations and their redirects. Two articles with
    // one slug are reported by resolve already, naming both.
    let mut slugs = std::collections::HashSet::new();
    for a in &site.articles {
        let src = &content.articles[a.index];
        if !slugs.insert(a.slug.as_str()) {
            continue;
        }
        let file = name(src.layout.source);
        let span = src
            .spans
            .get("slug")
            .unwrap_or(Span::new(src.layout.source, 0, 0));
        claims.route(
            &a.url(),
            Owner {
                what: format!("the article {file}"),
                span: Some(span),
            },
        );
        claims.route(
            &routes::annotations(&a.slug),
            Owner {
                what: format!("the annotations of {file}"),
                span: Some(span),
            },
        );
        for alias in &src.aliases {
            claims.route(
                &routes::alias(&alias.slug),
                Owner {
                    what: format!("the alias `/{}/` of {file}", alias.slug),
                    span: Some(alias.span),
                },
            );
        }
    }

    // Glossary entries. An id from a file name was checked when the file
    // was read; one from an article's `[[entities]]` is checked here.
    for e in &site.glossary.entries {
        if let Err(why) = routes::Slug::parse(&e.id) {
            diags.push(
                Diagnostic::error(format!(
                    "the entry id `{}` is not a safe path: it {why}",
                    e.id
                ))
                .at(e.span)
                .label("this entry's page would be written at its id")
                .help(format!(
                    "give the entry another id, e.g. `{}-entry`",
                    routes::slugify(&e.id)
                )),
            );
            continue;
        }
        claims.route(
            &e.url(),
            Owner {
                what: format!("the glossary entry `{}`", e.id),
                span: Some(e.span),
            },
        );
    }

    // Plain pages: never inside a section gloss writes, never on a path.
    for (p, page) in content.pages.iter().zip(&site.pages) {
        let file = name(p.layout.source);
        let first = page.slug.split('/').next().unwrap_or("");
        if routes::SECTIONS.contains(&first.to_ascii_lowercase().as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "the page {file} would be written to `/{}/`, inside `/{first}/`, which gloss writes itself",
                    page.slug
                ))
                .at(p.slug_span)
                .label("in a section of gloss's")
                .note(format!("gloss keeps these for its own pages: {}", routes::SECTIONS.iter().map(|s| format!("/{s}/")).collect::<Vec<_>>().join(", ")))
                .help(format!("give the page another slug, e.g. `slug = \"about-{}\"`", page.slug.replace('/', "-").to_ascii_lowercase())),
            );
            continue;
        }
        claims.route(
            &routes::page(&page.slug),
            Owner {
                what: format!("the page {file}"),
                span: Some(p.slug_span),
            },
        );
    }

    // Tags: spellings that differ only in case or spacing share a page;
    // different tags whose slugs are one (`C++` and `c`) are an error.
    let mut tags: BTreeMap<String, BTreeMap<String, (String, Span)>> = BTreeMap::new();
    for a in &site.articles {
        let src = &content.articles[a.index];
        for t in &a.tags {
            // The first spelling written that resolve kept (trimmed).
            let written = src.front.tags.iter().position(|w| w.trim() == t);
            let span = src
                .spans
                .value_or_parent(&written.map_or("tags".into(), |i| format!("tags.{i}")));
            tags.entry(routes::tag_slug(t))
                .or_default()
                .entry(tag_key(t))
                .or_insert_with(|| (t.clone(), span));
        }
    }
    for (slug, spellings) in &tags {
        if spellings.len() > 1 {
            let mut it = spellings.values();
            let (first, first_span) = it.next().expect("two or more");
            for (other, span) in it {
                diags.push(
                    Diagnostic::error(format!(
                        "the tags `{first}` and `{other}` would share one page, /tags/{slug}/"
                    ))
                    .at(*span)
                    .label(format!("`{other}` is used here"))
                    .also(*first_span, format!("`{first}` is used here"))
                    .note("tags that differ only in case or spacing share a page; these differ in more, and their slugs are the same")
                    .help(format!("spell one of them so its slug differs (e.g. `{other} language`), or use one spelling for both")),
                );
            }
        }
        let what = format!(
            "the page of the tag `{}`",
            spellings.values().next().map_or("", |(t, _)| t.as_str())
        );
        claims.route(&routes::tag(slug), Owner::generated(&what));
        if config.feed {
            claims.route(&routes::tag_feed(slug), Owner::generated("a tag's feed"));
        }
    }
    if !tags.is_empty() {
        claims.route(&routes::tags(), Owner::generated("the tags index"));
    }

    // Files copied as they are: the site's static files (the theme's own
    // stylesheet and script are hashed, so they cannot collide) and the
    // files beside articles.
    for (rel, _) in theme.site_static() {
        if rel == "gloss.css" || rel == "gloss.js" {
            continue;
        }
        match OutputPath::asset(rel) {
            Ok(path) => claims.claim(
                path,
                Owner::generated(&format!("the static file static/{rel}")),
            ),
            Err(why) => diags.push(
                Diagnostic::error(format!(
                    "the static file static/{rel} cannot be copied: its path {why}"
                ))
                .help("rename the file"),
            ),
        }
    }
    for asset in &content.assets {
        match OutputPath::asset(&asset.output) {
            Ok(path) => claims.claim(
                path,
                Owner::generated(&format!("the file {}", content_name(&asset.path))),
            ),
            Err(why) => diags.push(
                Diagnostic::error(format!(
                    "the file {} cannot be copied: its path {why}",
                    content_name(&asset.path)
                ))
                .help("rename the file"),
            ),
        }
    }

    claims.check_folders();
    diags.extend(claims.errors);
}

/// The fingerprint of everything [`check`] reads but the configuration
/// and the theme: each article's slug, aliases and tags, the glossary's
/// ids, the pages' slugs and the copied files. Two builds of one
/// configuration and theme with the same key get the same verdict, so a
/// serve update whose key is its last good build's skips the check
/// (issue 15). Articles are summed up in any order: a date edit moves one
/// in `Site::articles` but writes no other path.
pub fn key(content: &Content, site: &Site) -> Fingerprint {
    let mut articles: u128 = 0;
    for a in &site.articles {
        let src = &content.articles[a.index];
        let mut f = FingerprintBuilder::default();
        f.bytes(a.slug.as_bytes());
        f.bytes(&src.aliases.len().to_le_bytes());
        for alias in &src.aliases {
            f.bytes(alias.slug.as_str().as_bytes());
        }
        f.bytes(&a.tags.len().to_le_bytes());
        for t in &a.tags {
            f.bytes(t.as_bytes());
        }
        articles = articles.wrapping_add(f.finish().0);
    }
    let mut f = FingerprintBuilder::default();
    f.bytes(&site.articles.len().to_le_bytes())
        .bytes(&articles.to_le_bytes());
    f.bytes(&site.glossary.entries.len().to_le_bytes());
    for e in &site.glossary.entries {
        f.bytes(e.id.as_bytes());
    }
    f.bytes(&site.pages.len().to_le_bytes());
    for page in &site.pages {
        f.bytes(page.slug.as_bytes());
    }
    f.bytes(&content.assets.len().to_le_bytes());
    for asset in &content.assets {
        f.bytes(asset.output.as_bytes());
    }
    f.finish()
}

/// Tags with one key share a page: lowercase, spaces collapsed.
fn tag_key(tag: &str) -> String {
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `content/...` for a file under the content folder, for messages.
fn content_name(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.rfind("/content/") {
        Some(i) => s[i + 1..].to_string(),
        None => s,
    }
}
