//! `gloss check`: the site's own links. Every link in an article's or a
//! page's body that points into the site (`/glossary/mara-lind/`,
//! `../budget-vote/`, `#sn-2`) must name a file the build made, and its
//! fragment an id on that page. A link that does not is reported where it
//! is written, with the closest page or id the site does have.
//!
//! Run on the rendered site, so it knows every page, feed and asset exactly
//! as a reader's browser would find them; links elsewhere (`https:`,
//! `mailto:`) are not fetched.

use crate::annotate::{BodyLink, Site};
use crate::content::{Content, Layout};
use crate::diagnostics::{closest, Diagnostic, Diagnostics};
use crate::output::Sink;
use crate::routes::{self, Base};
use crate::source::Span;
use crate::OutputFile;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Reports every broken link into the site, in the order the bodies are
/// loaded.
pub(crate) fn check(
    content: &Content,
    site: &Site,
    files: &BTreeMap<String, OutputFile>,
    diags: &mut Diagnostics,
) {
    let index = LinkIndex::from_files(files);
    check_index(content, site, &index, diags);
}

/// [`check`] against what a [`Recorder`] saw the build write.
pub(crate) fn check_index(
    content: &Content,
    site: &Site,
    index: &LinkIndex,
    diags: &mut Diagnostics,
) {
    let pages: Vec<String> = index
        .files
        .keys()
        .filter_map(|k| k.strip_suffix("index.html"))
        .map(|dir| format!("/{dir}"))
        .collect();
    let mut bodies: Vec<(&Layout, routes::Route, &[BodyLink])> = site
        .articles
        .iter()
        .map(|a| (&content.articles[a.index].layout, a.url(), &a.links[..]))
        .collect();
    bodies.extend(
        content
            .pages
            .iter()
            .zip(&site.pages)
            .map(|(p, r)| (&p.layout, routes::page(&r.slug), &r.links[..])),
    );
    bodies.sort_by_key(|(layout, _, _)| layout.source);
    let base = &site.base;
    // What the bodies' check reported, so the pages' check below does not
    // report it again: links behind the base (as routes) and links outside it.
    let mut reported = std::collections::BTreeSet::new();
    let mut outside = std::collections::BTreeSet::new();
    // Each body's links, as its parse at resolve time kept them, in the
    // bodies' order.
    let found = bodies
        .iter()
        .flat_map(|(layout, route, links)| body_links(layout, route, links, index, &pages, base));
    for f in found {
        match f {
            Found::Outside(d, key) => {
                diags.push(d);
                outside.insert(key);
            }
            Found::Broken(d, key) => {
                diags.push(d);
                reported.insert(key);
            }
        }
    }
    // Links the templates wrote (and bodies, already checked above): each
    // distinct target once, named with the first page that holds it.
    for (href, page) in &index.hrefs {
        let Some(mut target) = Target::of("/", &href.key) else {
            continue;
        };
        // Templates write root-relative addresses behind the base path, as
        // bodies do; a relative one was resolved against the page's route,
        // which is behind it already.
        let inside = if href.relative {
            Some(target.path.as_str())
        } else {
            base.strip(&target.path)
        };
        let Some(inside) = inside else {
            if outside.contains(&target.key()) {
                continue;
            }
            let mut d = outside_base(&target, base);
            d.message = format!("{} (on `/{page}`, from its template)", d.message);
            diags.push(d);
            continue;
        };
        target.path = inside.to_string();
        // The search index is written after the pages, and not at all by
        // `check` and `serve`: its files are not the templates' to promise.
        if reported.contains(&target.key()) || target.path.starts_with("/pagefind/") {
            continue;
        }
        if let Some(mut d) = target.problem(index, &pages, base) {
            d.message = format!("{} (on `/{page}`, from its template)", d.message);
            diags.push(d.help("fix the link in the site's template (`gloss theme export` shows the built-in ones)"));
        }
    }
}

/// A problem with a link in a body, with the link's resolved key.
enum Found {
    /// It leaves the base path.
    Outside(Diagnostic, String),
    /// It leads to no page, or to no id on its page.
    Broken(Diagnostic, String),
}

/// What is wrong with the links of one body (`links`, those that may lead
/// into the site), in their order.
fn body_links(
    layout: &Layout,
    route: &routes::Route,
    links: &[BodyLink],
    index: &LinkIndex,
    pages: &[String],
    base: &Base,
) -> Vec<Found> {
    let mut found = Vec::new();
    if links.is_empty() {
        return found;
    }
    // Links are resolved as a browser resolves them, from the page's
    // address behind the base path; then the base path is taken off to
    // find the file (see issue 13, sites under a sub-path).
    let url = base.href(route);
    for link in links {
        let Some(mut target) = Target::of(&url, &link.dest) else {
            continue;
        };
        let span = Span::new(
            layout.source,
            layout.body_start + link.source.start,
            layout.body_start + link.source.end,
        );
        let Some(inside) = base.strip(&target.path) else {
            found.push(Found::Outside(
                outside_base(&target, base).at(span),
                target.key(),
            ));
            continue;
        };
        target.path = inside.to_string();
        let written = target.key();
        if let Some(d) = target.problem(index, pages, base) {
            found.push(Found::Broken(d.at(span), written));
        }
    }
    found
}

/// A link a page's HTML holds, as `path#fragment` (the fragment may be
/// empty), resolved against the page's own route.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Href {
    /// Written relative (`#main`, `../b/`): `key` is then a route, behind the
    /// base path already; a root-relative one still carries it.
    relative: bool,
    key: String,
}

/// The links into the site that a page's HTML holds.
fn page_links(page: &str, bytes: &[u8]) -> Vec<Href> {
    page_links_but(page, bytes, |_| false)
}

/// [`page_links`], leaving out the attribute values (as written) that
/// `skip` says are checked already.
fn page_links_but(page: &str, bytes: &[u8], skip: impl Fn(&[u8]) -> bool) -> Vec<Href> {
    let base = match page.rsplit_once('/') {
        Some((dir, _)) => format!("/{dir}/"),
        None => "/".to_string(),
    };
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        for value in attr_values(bytes, attr) {
            if skip(value) {
                continue;
            }
            // The bytes are read as text piece by piece: an ASCII byte ends
            // any bad sequence, so each value reads as it would in the
            // whole page read as text.
            let raw = String::from_utf8_lossy(value);
            if raw.starts_with('#') && raw.len() > 1 || !raw.starts_with('#') {
                let dest = raw.replace("&amp;", "&");
                // A scheme behind character references (`&#106;avascript:`)
                // is no link into the site; only trusted raw HTML
                // (`unsafe_html`) can write one.
                if !crate::url_safety::is_safe(&dest) {
                    continue;
                }
                if let Some(t) = Target::of(&base, &dest) {
                    out.push(Href {
                        relative: !dest.starts_with('/'),
                        key: t.key(),
                    });
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The value of every attribute `attr` opens (` href="`) in `html`, up to
/// its closing quote; an attribute left open at the end is none.
fn attr_values<'h>(html: &'h [u8], attr: &'h str) -> impl Iterator<Item = &'h [u8]> + 'h {
    memchr::memmem::find_iter(html, attr.as_bytes()).filter_map(move |i| {
        let start = i + attr.len();
        let end = memchr::memchr(b'"', &html[start..])?;
        Some(&html[start..start + end])
    })
}

/// Every file a build made, with the ids of each generated HTML page: what
/// the link check needs of the site, kept small enough to hold for a large
/// one.
#[derive(Debug, Default)]
pub(crate) struct LinkIndex {
    /// By output path; `None` for files without ids (copies, CSS, feeds).
    files: BTreeMap<String, Option<Vec<String>>>,
    /// Every distinct link into the site that a generated page holds
    /// (`href` and `src`, resolved against the page), with the first page
    /// that holds it: what templates wrote, and bodies too.
    hrefs: BTreeMap<Href, String>,
}

impl LinkIndex {
    pub(crate) fn from_files(files: &BTreeMap<String, OutputFile>) -> LinkIndex {
        let mut hrefs = BTreeMap::new();
        for (k, f) in files {
            if let OutputFile::Bytes(b) = f {
                if k.ends_with(".html") {
                    for h in page_links(k, b) {
                        hrefs.entry(h).or_insert_with(|| k.clone());
                    }
                }
            }
        }
        LinkIndex {
            hrefs,
            files: files
                .iter()
                .map(|(k, f)| {
                    let ids = match f {
                        OutputFile::Bytes(b) if k.ends_with(".html") => Some(owned_ids(b)),
                        _ => None,
                    };
                    (k.clone(), ids)
                })
                .collect(),
        }
    }
}

fn owned_ids(bytes: &[u8]) -> Vec<String> {
    let mut ids: Vec<String> = attr_values(bytes, " id=\"")
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect();
    ids.sort_unstable();
    ids
}

/// A sink that passes every file on to another and remembers its path and
/// ids, so `build` can check links without keeping the site in memory.
pub(crate) struct Recorder<'a> {
    inner: &'a dyn Sink,
    seen: Mutex<BTreeMap<String, Option<Vec<String>>>>,
    hrefs: Mutex<BTreeMap<Href, String>>,
    /// The root-relative links (`/tags/x/`, as written) that a kept page
    /// recorded: another kept page holding one needs not resolve it again.
    kept_links: Mutex<std::collections::HashSet<Box<[u8]>>>,
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(inner: &'a dyn Sink) -> Recorder<'a> {
        Recorder {
            inner,
            seen: Mutex::default(),
            hrefs: Mutex::default(),
            kept_links: Mutex::default(),
        }
    }

    pub(crate) fn into_index(self) -> LinkIndex {
        LinkIndex {
            files: self.seen.into_inner().unwrap_or_else(|e| e.into_inner()),
            hrefs: self.hrefs.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }

    fn record(&self, path: &str, ids: Option<Vec<String>>, bytes: Option<&[u8]>) {
        let links = bytes.map(|b| page_links(path, b)).unwrap_or_default();
        self.record_links(path, ids, links);
    }

    /// Records a page kept as the last build wrote it (issue 15), which
    /// that build's check passed: its links to itself (`#sn-1`) lead where
    /// they did, since its ids are the ones it had, so they are not
    /// checked again; nor is a root-relative link another kept page holds
    /// (it resolves the same on every page). Its other links are, as any
    /// page's: what they lead to may have changed.
    fn record_kept(&self, path: &str, bytes: &[u8]) {
        // `#x` leads to the page itself only on a folder's index page.
        let is_index = path == "index.html" || path.ends_with("/index.html");
        let links = page_links_but(path, bytes, |value| {
            if value.first() == Some(&b'#') {
                return is_index;
            }
            if value.first() != Some(&b'/') || value.starts_with(b"//") {
                return false;
            }
            let mut seen = self.kept_links.lock().unwrap_or_else(|e| e.into_inner());
            !seen.insert(value.into())
        });
        self.record_links(path, Some(owned_ids(bytes)), links);
    }

    fn record_links(&self, path: &str, ids: Option<Vec<String>>, links: Vec<Href>) {
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            seen.insert(path.to_string(), ids);
        }
        if !links.is_empty() {
            let mut hrefs = self.hrefs.lock().unwrap_or_else(|e| e.into_inner());
            for h in links {
                if !hrefs.contains_key(&h) {
                    hrefs.insert(h, path.to_string());
                }
            }
        }
    }
}

impl Sink for Recorder<'_> {
    fn put(&self, path: &str, file: OutputFile) -> std::io::Result<()> {
        match &file {
            OutputFile::Bytes(b) if path.ends_with(".html") => {
                self.record(path, Some(owned_ids(b)), Some(b))
            }
            _ => self.record(path, None, None),
        };
        self.inner.put(path, file)
    }

    fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        if path.ends_with(".html") {
            self.record(path, Some(owned_ids(&bytes)), Some(&bytes));
        } else {
            self.record(path, None, None);
        }
        self.inner.put_bytes(path, bytes)
    }

    /// A kept page is read back from the output for its ids and links, so
    /// the check sees the site as a reader would; one that cannot be read
    /// is not kept (its bytes are put instead).
    fn keep(&self, path: &str, hash: u128) -> std::io::Result<bool> {
        if !self.inner.keep(path, hash)? {
            return Ok(false);
        }
        if path.ends_with(".html") {
            match self.inner.read_kept(path) {
                Ok(bytes) => self.record_kept(path, &bytes),
                Err(_) => return Ok(false),
            }
        } else {
            self.record(path, None, None);
        }
        Ok(true)
    }
}

/// Where a link into the site leads.
struct Target {
    /// As written, for messages.
    dest: String,
    /// The absolute path, `/`-separated, without query or fragment.
    path: String,
    fragment: Option<String>,
}

impl Target {
    /// The target of `dest` written on the page at `base` (a directory URL
    /// such as `/articles/a/`); `None` for links that leave the site, and
    /// for mentions (`@id`), which the build has checked already.
    fn of(base: &str, dest: &str) -> Option<Target> {
        if routes::leaves_site(dest) {
            return None;
        }
        let dest_trim = dest.trim();
        let (rest, fragment) = match dest_trim.split_once('#') {
            Some((r, f)) => (r, Some(f.to_string())),
            None => (dest_trim, None),
        };
        let rest = rest.split('?').next().unwrap_or("");
        let joined = if rest.is_empty() {
            base.to_string()
        } else if rest.starts_with('/') {
            rest.to_string()
        } else {
            format!("{base}{rest}")
        };
        Some(Target {
            dest: dest_trim.to_string(),
            path: normalize(&joined),
            fragment: fragment.filter(|f| !f.is_empty()),
        })
    }

    /// The link as `path` or `path#fragment`, resolved: one key per target.
    fn key(&self) -> String {
        match &self.fragment {
            Some(f) => format!("{}#{f}", self.path),
            None => self.path.clone(),
        }
    }

    /// What is wrong with this link, if anything.
    fn problem(&self, index: &LinkIndex, pages: &[String], base: &Base) -> Option<Diagnostic> {
        let files = &index.files;
        let key = self.path.trim_start_matches('/');
        let file = if key.is_empty() || key.ends_with('/') {
            files.get(&format!("{key}index.html"))
        } else {
            files
                .get(key)
                .or_else(|| files.get(&format!("{key}/index.html")))
        };
        let Some(file) = file else {
            let mut d = Diagnostic::error(format!(
                "link to `{}`: the site has no such page",
                self.dest
            ))
            .label("nothing is built at this address");
            let wanted = if self.path.ends_with('/') {
                self.path.clone()
            } else {
                format!("{}/", self.path)
            };
            d = match closest(&wanted, pages.iter().map(String::as_str)) {
                Some(near) => d.help(format!("did you mean `{}`?", base.href_of_text(near))),
                None => d.help("link to a page of the site, or to a full `https://` address"),
            };
            return Some(d);
        };
        let fragment = self.fragment.as_deref()?;
        let Some(ids) = file else {
            return None; // a copied asset: it has no ids
        };
        if ids.binary_search_by(|id| id.as_str().cmp(fragment)).is_ok() {
            return None;
        }
        let d = Diagnostic::error(format!(
            "link to `{}`: that page has no `#{fragment}`",
            self.dest
        ))
        .label("no element with this id");
        Some(match closest(fragment, ids.iter().map(String::as_str)) {
            Some(near) => d.help(format!("did you mean `#{near}`?")),
            None => d.help("link to a heading's id (shown by its `#` link), a note (`#sn-N`) or a quote (`#q-...`)"),
        })
    }
}

/// A root-relative link that misses the site's base path: on a site served
/// from `/news/`, `/glossary/x/` leaves the site.
fn outside_base(target: &Target, base: &Base) -> Diagnostic {
    Diagnostic::error(format!(
        "link to `{}` leaves the site: it is served from `{}/`",
        target.dest,
        base.path()
    ))
    .label("outside the base path")
    .help(format!(
        "write the address behind the base path, `{}`, or a relative link",
        base.href_of_text(&target.path)
    ))
}

/// `path` with `.` and `..` segments resolved, never above the root.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..")) && out.len() > 1 {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(base: &str, dest: &str) -> Option<(String, Option<String>)> {
        Target::of(base, dest).map(|t| (t.path, t.fragment))
    }

    #[test]
    fn links_into_the_site_resolve_against_their_page() {
        let base = "/articles/a/";
        let t = |p: &str, f: Option<&str>| Some((p.to_string(), f.map(str::to_string)));
        assert_eq!(target(base, "/glossary/x/"), t("/glossary/x/", None));
        assert_eq!(target(base, "../b/#sn-2"), t("/articles/b/", Some("sn-2")));
        assert_eq!(target(base, "#q-1"), t("/articles/a/", Some("q-1")));
        assert_eq!(target(base, "pic.png?v=2"), t("/articles/a/pic.png", None));
        assert_eq!(target(base, "../../../../etc"), t("/etc", None));
        assert_eq!(target(base, "/"), t("/", None));
    }

    #[test]
    fn links_that_leave_the_site_are_not_checked() {
        for dest in [
            "https://example.org/",
            "mailto:desk@example.org",
            "//cdn.example.org/x.js",
            "@mara-lind",
            "",
        ] {
            assert!(Target::of("/articles/a/", dest).is_none(), "{dest}");
        }
    }

    #[test]
    fn ids_are_read_from_the_page() {
        let html =
            r#"<h2 id="why">Why</h2><p><span class="x" id="sn-1">1</span></p><a data-id="no">"#;
        assert_eq!(owned_ids(html.as_bytes()), ["sn-1", "why"]);
    }

    #[test]
    fn links_are_read_from_the_page_as_its_text_would_read() {
        let mut html =
            br##"<a href="../b/#sn-2">b</a><img src="p.png"><a href="#">top</a>"##.to_vec();
        html.extend_from_slice(b"<a href=\"/x\xff/\">bad</a><p id=\"q-\xfe\">");
        html.extend_from_slice(br##"<a href="https://example.org/">out</a><a href="/open"##);
        let keys: Vec<String> = page_links("articles/a/index.html", &html)
            .into_iter()
            .map(|h| h.key)
            .collect();
        // Root-relative first (`Href` orders by `relative`), then the relative ones.
        assert_eq!(
            keys,
            ["/x\u{fffd}/", "/articles/a/p.png", "/articles/b/#sn-2"]
        );
        assert_eq!(owned_ids(&html), ["q-\u{fffd}"]);
    }
}
