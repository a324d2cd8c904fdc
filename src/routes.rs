//! Routes: every output path and every URL gloss writes, in one place.
//!
//! Three kinds of address, one type each, so that none is mistaken for
//! another:
//! - a [`Route`] is a page's place in the site, relative to the site's root
//!   (`/articles/x/`, `/atom.xml`): what templates compare `page_url` with,
//!   and what `base_url` is put in front of for a permalink;
//! - a [`UrlPath`] is what an `href` or `src` holds: the route behind the
//!   site's [`Base`] path (`/news/articles/x/` for a site served from
//!   `/news/`, the route itself for a site at the root of its host);
//! - an [`OutputPath`] is a file under the output folder
//!   (`articles/x/index.html`), `/`-separated, never absolute, never
//!   climbing: it is made only from a route whose parts are [`Slug`]s.
//!
//! [`Slug::parse`] is the one check every writer-chosen piece of a path goes
//! through (an article's or page's `slug`, a file name, an alias): nothing it
//! accepts can leave the output folder, name a device on Windows, or fail for
//! length. A leaf module: it knows nothing of articles or templates.

use std::fmt;

/// The longest slug segment accepted, in bytes. File systems refuse names
/// over 255 bytes; a segment also becomes part of longer names
/// (`index.html`, a path under the output folder), so the limit sits well
/// below.
pub(crate) const MAX_SEGMENT: usize = 100;
/// The longest slug accepted, all segments together, in bytes.
pub(crate) const MAX_SLUG: usize = 200;

/// Names Windows reserves for devices, in any case and with any extension
/// (`con`, `NUL.txt`): a file so named cannot be created or copied there.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A path below the output folder made of checked segments (`about`,
/// `about/team`): no segment is empty, `.` or `..`, none holds a backslash,
/// a control character or anything outside `A-Z a-z 0-9 - _ . ~`, none is a
/// Windows device name, and none is longer than [`MAX_SEGMENT`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slug(String);

/// Why a slug was refused; [`fmt::Display`] says so in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlugError {
    Empty,
    Absolute,
    Climbs,
    Dot,
    Backslash,
    Control,
    EmptySegment,
    Reserved(String),
    TooLong(usize),
    SegmentTooLong(usize),
    Character(char),
    TrailingDot,
}

impl fmt::Display for SlugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlugError::Empty => write!(f, "is empty"),
            SlugError::Absolute => write!(f, "is absolute (starts with `/`)"),
            SlugError::Climbs => write!(f, "climbs out of its folder with `..`"),
            SlugError::Dot => write!(f, "is `.`, the site's root"),
            SlugError::Backslash => write!(f, "holds a backslash"),
            SlugError::Control => write!(f, "holds a control character"),
            SlugError::EmptySegment => write!(f, "has an empty part (`//` or a trailing `/`)"),
            SlugError::Reserved(name) => {
                write!(f, "is `{name}`, a device name Windows reserves")
            }
            SlugError::TooLong(n) => write!(f, "is {n} bytes long; at most {MAX_SLUG} fit"),
            SlugError::SegmentTooLong(n) => {
                write!(f, "has a part {n} bytes long; at most {MAX_SEGMENT} fit")
            }
            SlugError::Character(c) => write!(
                f,
                "holds `{}`; a slug is letters, digits, `-`, `_`, `.` and `~`, parts joined by `/`",
                c.escape_default()
            ),
            SlugError::TrailingDot => write!(f, "has a part ending in `.`"),
        }
    }
}

impl Slug {
    /// Checks `s` as a path below the output folder (see [`Slug`]).
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.starts_with('/') {
            return Err(SlugError::Absolute);
        }
        if s.contains('\\') {
            return Err(SlugError::Backslash);
        }
        if s.chars().any(char::is_control) {
            return Err(SlugError::Control);
        }
        if s == "." {
            return Err(SlugError::Dot);
        }
        let mut problem = None;
        for seg in s.split('/') {
            let p = match seg {
                ".." => Some(SlugError::Climbs),
                "." => Some(SlugError::Dot),
                "" => Some(SlugError::EmptySegment),
                _ => check_segment(seg),
            };
            // `..` anywhere is the worst news; report it before the rest.
            if p == Some(SlugError::Climbs) {
                return Err(SlugError::Climbs);
            }
            problem = problem.or(p);
        }
        if let Some(p) = problem {
            return Err(p);
        }
        if s.len() > MAX_SLUG {
            return Err(SlugError::TooLong(s.len()));
        }
        Ok(Slug(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_segment(seg: &str) -> Option<SlugError> {
    if let Some(c) = seg
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
    {
        return Some(SlugError::Character(c));
    }
    let stem = seg.split('.').next().unwrap_or(seg).to_ascii_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        return Some(SlugError::Reserved(seg.to_string()));
    }
    if seg.ends_with('.') {
        return Some(SlugError::TrailingDot);
    }
    if seg.len() > MAX_SEGMENT {
        return Some(SlugError::SegmentTooLong(seg.len()));
    }
    None
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A page's or file's place in the site, relative to the site's root:
/// starts with `/`; a page's ends with `/` (its folder), a file's with its
/// name (`/atom.xml`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route(String);

impl Route {
    /// The route of a file or folder gloss names itself. Callers pass a
    /// literal or parts that are [`Slug`]s, entry ids or tag slugs (checked
    /// where they are made).
    fn new(s: String) -> Route {
        debug_assert!(s.starts_with('/'), "{s}");
        Route(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file this route is written to: `index.html` inside a folder
    /// route, the file itself otherwise.
    pub fn output(&self) -> OutputPath {
        let rel = &self.0[1..];
        if rel.is_empty() || rel.ends_with('/') {
            OutputPath(format!("{rel}index.html"))
        } else {
            OutputPath(rel.to_string())
        }
    }

    /// The route whose [`Route::output`] is `path`: the folder of an
    /// `index.html`, the file otherwise.
    pub fn of_output(path: &OutputPath) -> Route {
        let p = path.as_str();
        match p.strip_suffix("index.html") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => Route(format!("/{dir}")),
            _ => Route(format!("/{p}")),
        }
    }
}

impl std::ops::Deref for Route {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Route {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A file under the output folder, `/`-separated, no leading `/`, never
/// climbing (made only through [`Route::output`] and [`OutputPath::asset`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputPath(String);

impl OutputPath {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// A copied file at `rel` below the output root (a static file, an
    /// image beside an article). `rel` comes from walking a folder gloss
    /// reads, so its parts are file names; it is checked all the same.
    pub fn asset(rel: &str) -> Result<OutputPath, SlugError> {
        Slug::parse(rel).map(|s| OutputPath(s.0))
    }

    /// The same path lowercased: two paths with one key are one file on a
    /// case-insensitive file system (macOS, Windows).
    pub fn clash_key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an `href` or `src` holds: a [`Route`] behind the site's base path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UrlPath(String);

impl UrlPath {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for UrlPath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<UrlPath> for String {
    fn from(u: UrlPath) -> String {
        u.0
    }
}

/// Where the site is served: the origin and the path of `base_url`
/// (`https://example.org` and `/news` for `https://example.org/news/`; the
/// path is empty for a site at the root of its host).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base {
    origin: String,
    path: String,
}

impl Base {
    /// Splits a `base_url` already checked by [`check_base_url`].
    pub fn new(base_url: &str) -> Base {
        let url = base_url.trim_end_matches('/');
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        let cut = url[after_scheme..]
            .find('/')
            .map_or(url.len(), |i| after_scheme + i);
        Base {
            origin: url[..cut].to_string(),
            path: url[cut..].to_string(),
        }
    }

    /// The base path without a trailing slash: `/news`, or empty.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The href of `route`.
    pub fn href(&self, route: &Route) -> UrlPath {
        UrlPath(format!("{}{}", self.path, route.0))
    }

    /// The full URL of `route` (what `base_url` + route gives).
    pub fn permalink(&self, route: &Route) -> String {
        format!("{}{}{}", self.origin, self.path, route.0)
    }

    /// The full URL of an href gloss made (`/news/x/` -> `https://.../news/x/`).
    pub fn absolute(&self, href: &str) -> String {
        format!("{}{href}", self.origin)
    }

    /// The route an absolute path (`/news/x/`) leads to, or `None` when it
    /// lies outside the base path.
    pub fn strip<'a>(&self, path: &'a str) -> Option<&'a str> {
        if self.path.is_empty() {
            return Some(path);
        }
        let rest = path.strip_prefix(self.path.as_str())?;
        if rest.is_empty() {
            Some("/")
        } else if rest.starts_with('/') {
            Some(rest)
        } else {
            None
        }
    }

    /// The href of a route given as text (`/quotes/`), for templates; text
    /// that is not an absolute path is returned unchanged.
    pub fn href_of_text(&self, route: &str) -> String {
        if route.starts_with('/') && !route.starts_with("//") {
            format!("{}{route}", self.path)
        } else {
            route.to_string()
        }
    }
}

/// Checks a `base_url` (from gloss.toml or `--base-url`) and returns it
/// without its trailing slash. It must be an absolute `http://` or
/// `https://` URL with a host, and no query, fragment, user or port
/// trouble; its path, if any, is made of [`Slug`]-like parts, so that it can
/// be written into every href as it is.
pub(crate) fn check_base_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("`{url}` is not an absolute http(s) URL: write it in full, e.g. `https://example.org/` or `https://example.org/news/`")
        })?;
    if let Some(c) = trimmed.chars().find(|c| {
        matches!(c, '?' | '#' | '"' | '\'' | '<' | '>' | '\\' | ' ' | '@') || c.is_control()
    }) {
        return Err(format!(
            "`{url}` holds `{}`: a base URL is a scheme, a host and an optional path, e.g. `https://example.org/news/`",
            c.escape_default()
        ));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '[' | ']'));
    if !host_ok {
        return Err(format!(
            "`{url}` has no valid host: write it in full, e.g. `https://example.org/`"
        ));
    }
    if !path.is_empty() {
        Slug::parse(path).map_err(|e| format!("the path of `{url}` {e}"))?;
    }
    Ok(trimmed.to_string())
}

/// The slug of a tag's page: lowercase letters, digits and hyphens.
/// Whether a link destination written on a page leads nowhere inside the
/// site: empty, an explicit mention (`@id`, checked when it is resolved),
/// protocol-relative (`//cdn.example.org/x.js`) or with a scheme (`https:`,
/// `mailto:`). Anything else is resolved against the page it is on, and the
/// link check (`crate::links`) looks for what it names.
pub(crate) fn leaves_site(dest: &str) -> bool {
    let dest = dest.trim();
    dest.is_empty()
        || dest.starts_with('@')
        || dest.starts_with("//")
        || dest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .contains(':')
}

pub(crate) fn tag_slug(name: &str) -> String {
    slugify(name)
}

/// Lowercase ASCII letters, digits and single hyphens; other characters become
/// hyphens, accents are dropped. Never empty (falls back to "untitled"), never
/// contains `/` or `.`, so a slug cannot leave its folder.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') && c != '\'' && c != '’' {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("untitled");
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        'ý' | 'ÿ' | 'Ý' => 'y',
        _ => c,
    }
}

/// The home page, page `n` of it (from 1).
pub(crate) fn home(n: usize) -> Route {
    if n <= 1 {
        Route::new("/".into())
    } else {
        Route::new(format!("/page/{n}/"))
    }
}

/// The sources index, page `n` of it (from 1).
pub(crate) fn sources(n: usize) -> Route {
    if n <= 1 {
        Route::new("/sources/".into())
    } else {
        Route::new(format!("/sources/page/{n}/"))
    }
}

pub(crate) fn article(slug: &str) -> Route {
    Route::new(format!("/articles/{slug}/"))
}

/// An article's W3C annotation collection.
pub(crate) fn annotations(slug: &str) -> Route {
    Route::new(format!("/articles/{slug}/annotations.jsonld"))
}

/// A file beside an article (`pic.png` of `articles/x/index.md`).
pub(crate) fn article_folder(slug: &str) -> String {
    format!("articles/{slug}/")
}

/// A glossary entry's page.
pub(crate) fn entry(id: &str) -> Route {
    Route::new(format!("/glossary/{id}/"))
}

/// A plain page (`content/about.md`); `slug` was checked by
/// [`Slug::parse`] when the page was loaded.
pub(crate) fn page(slug: &str) -> Route {
    Route::new(format!("/{slug}/"))
}

/// A redirect page for an alias: a folder route, or the file itself when
/// the alias names one (`old.html`).
pub(crate) fn alias(slug: &Slug) -> Route {
    let last = slug.0.rsplit('/').next().unwrap_or("");
    if last.ends_with(".html") || last.ends_with(".htm") {
        Route::new(format!("/{}", slug.0))
    } else {
        Route::new(format!("/{}/", slug.0))
    }
}

pub(crate) fn tags() -> Route {
    Route::new("/tags/".into())
}

pub(crate) fn tag(slug: &str) -> Route {
    Route::new(format!("/tags/{slug}/"))
}

pub(crate) fn tag_feed(slug: &str) -> Route {
    Route::new(format!("/tags/{slug}/atom.xml"))
}

pub(crate) fn feed() -> Route {
    Route::new("/atom.xml".into())
}

pub(crate) fn quotes() -> Route {
    Route::new("/quotes/".into())
}

pub(crate) fn glossary() -> Route {
    Route::new("/glossary/".into())
}

pub(crate) fn search() -> Route {
    Route::new("/search/".into())
}

pub(crate) fn not_found() -> Route {
    Route::new("/404.html".into())
}

pub(crate) fn sitemap() -> Route {
    Route::new("/sitemap.xml".into())
}

pub(crate) fn robots() -> Route {
    Route::new("/robots.txt".into())
}

pub(crate) fn quotes_json() -> Route {
    Route::new("/quotes.json".into())
}

pub(crate) fn glossary_json() -> Route {
    Route::new("/glossary.json".into())
}

/// A theme asset at the root (`gloss.1a2b3c4d.css`).
pub(crate) fn asset(name: &str) -> Route {
    Route::new(format!("/{name}"))
}

/// Pagefind's bundle folder.
pub(crate) fn pagefind() -> Route {
    Route::new("/pagefind/".into())
}

/// The first parts of the routes gloss generates itself: no plain page may
/// live below them (a page `quotes` or `tags/x` would replace, or be
/// replaced by, a generated one). Aliases may, where nothing else is.
pub(crate) const SECTIONS: &[&str] = &[
    "articles", "glossary", "tags", "quotes", "sources", "search", "page", "pagefind",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_that_could_leave_or_break_the_output_are_refused() {
        let cases: &[(&str, SlugError)] = &[
            ("", SlugError::Empty),
            (".", SlugError::Dot),
            ("/etc/x", SlugError::Absolute),
            ("../../victim", SlugError::Climbs),
            ("a/../../b", SlugError::Climbs),
            ("a/./b", SlugError::Dot),
            ("a\\..\\b", SlugError::Backslash),
            ("a\u{0}b", SlugError::Control),
            ("a//b", SlugError::EmptySegment),
            ("about/", SlugError::EmptySegment),
            ("con", SlugError::Reserved("con".into())),
            ("NUL.txt", SlugError::Reserved("NUL.txt".into())),
            ("docs/Lpt9", SlugError::Reserved("Lpt9".into())),
            ("com1.html", SlugError::Reserved("com1.html".into())),
            ("a b", SlugError::Character(' ')),
            ("x.", SlugError::TrailingDot),
        ];
        for (input, want) in cases {
            assert_eq!(Slug::parse(input).as_ref(), Err(want), "{input:?}");
        }
        let long = "a".repeat(300);
        assert_eq!(Slug::parse(&long), Err(SlugError::SegmentTooLong(300)));
        let many = vec!["a".repeat(90); 3].join("/");
        assert_eq!(Slug::parse(&many), Err(SlugError::TooLong(272)));
    }

    #[test]
    fn ordinary_slugs_pass() {
        for s in ["about", "about/team", "v1.2", "console", "com10", "a_b-c~d"] {
            assert_eq!(Slug::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn routes_become_output_paths_and_back() {
        for (route, out) in [
            ("/", "index.html"),
            ("/articles/x/", "articles/x/index.html"),
            ("/atom.xml", "atom.xml"),
            ("/tags/c/atom.xml", "tags/c/atom.xml"),
        ] {
            let r = Route::new(route.into());
            assert_eq!(r.output().as_str(), out);
            assert_eq!(Route::of_output(&r.output()), r);
        }
    }

    #[test]
    fn a_base_path_goes_in_front_of_every_href_and_permalink() {
        let root = Base::new("https://example.org");
        assert_eq!(root.href(&article("a")).as_str(), "/articles/a/");
        assert_eq!(root.permalink(&home(1)), "https://example.org/");
        let news = Base::new("https://example.org/news");
        assert_eq!(news.path(), "/news");
        assert_eq!(news.href(&article("a")).as_str(), "/news/articles/a/");
        assert_eq!(news.permalink(&home(1)), "https://example.org/news/");
        assert_eq!(news.absolute("/news/x/"), "https://example.org/news/x/");
        assert_eq!(news.strip("/news/x/"), Some("/x/"));
        assert_eq!(news.strip("/news"), Some("/"));
        assert_eq!(news.strip("/newsroom/"), None);
        assert_eq!(news.strip("/x/"), None);
    }

    #[test]
    fn base_urls_are_checked_as_gloss_toml_checks_them() {
        assert_eq!(
            check_base_url("https://example.org/news/").unwrap(),
            "https://example.org/news"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:4170").unwrap(),
            "http://127.0.0.1:4170"
        );
        for bad in [
            "example.org/news",
            "ftp://example.org/",
            "https://",
            "https://example.org/a b/",
            "https://example.org/?q=1",
            "https://example.org/../x",
            "https://example.org/\"onload=x",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }
}
