//! `gloss check`: the site's own links. Every link in an article's or a
//! page's body that points into the site (`/glossary/mara-lind/`,
//! `../budget-vote/`, `#sn-2`) must name a file the build made, and its
//! fragment an id on that page. A link that does not is reported where it
//! is written, with the closest page or id the site does have.
//!
//! Run on the rendered site, so it knows every page, feed and asset exactly
//! as a reader's browser would find them; links elsewhere (`https:`,
//! `mailto:`) are not fetched.

use crate::annotate::Site;
use crate::content::{Content, Layout};
use crate::diagnostics::{closest, Diagnostic, Diagnostics};
use crate::markdown::Doc;
use crate::routes::{self, Base};
use crate::source::Span;
use crate::OutputFile;
use std::collections::BTreeMap;

/// Reports every broken link into the site, in the order the bodies are
/// loaded.
pub fn check(
    content: &Content,
    site: &Site,
    files: &BTreeMap<String, OutputFile>,
    diags: &mut Diagnostics,
) {
    let pages: Vec<String> = files
        .keys()
        .filter_map(|k| k.strip_suffix("index.html"))
        .map(|dir| format!("/{dir}"))
        .collect();
    let mut bodies: Vec<(&Layout, routes::Route)> = site
        .articles
        .iter()
        .map(|a| (&content.articles[a.index].layout, a.url()))
        .collect();
    bodies.extend(
        content
            .pages
            .iter()
            .zip(&site.pages)
            .map(|(p, r)| (&p.layout, routes::page(&r.slug))),
    );
    bodies.sort_by_key(|(layout, _)| layout.source);
    let base = &site.base;
    for (layout, route) in bodies {
        // Links are resolved as a browser resolves them, from the page's
        // address behind the base path; then the base path is taken off to
        // find the file (see issue 13, sites under a sub-path).
        let url = base.href(&route);
        let mut owned = String::new();
        let doc = Doc::parse(content.body(layout), &mut owned, |_| false);
        for link in &doc.links {
            let Some(mut target) = Target::of(&url, &link.dest) else {
                continue;
            };
            let span = Span::new(
                layout.source,
                layout.body_start + link.source.start,
                layout.body_start + link.source.end,
            );
            let Some(inside) = base.strip(&target.path) else {
                diags.push(outside_base(&target, base).at(span));
                continue;
            };
            target.path = inside.to_string();
            if let Some(d) = target.problem(files, &pages, base) {
                diags.push(d.at(span));
            }
        }
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
        let dest_trim = dest.trim();
        if dest_trim.is_empty() || dest_trim.starts_with('@') || dest_trim.starts_with("//") {
            return None;
        }
        let before_path = dest_trim.split(['/', '?', '#']).next().unwrap_or("");
        if before_path.contains(':') {
            return None; // a scheme: https:, mailto: ...
        }
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

    /// What is wrong with this link, if anything.
    fn problem(
        &self,
        files: &BTreeMap<String, OutputFile>,
        pages: &[String],
        base: &Base,
    ) -> Option<Diagnostic> {
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
        let OutputFile::Bytes(bytes) = file else {
            return None; // a copied asset: it has no ids
        };
        let html = String::from_utf8_lossy(bytes);
        let ids = ids(&html);
        if ids.contains(&fragment) {
            return None;
        }
        let d = Diagnostic::error(format!(
            "link to `{}`: that page has no `#{fragment}`",
            self.dest
        ))
        .label("no element with this id");
        Some(match closest(fragment, ids.iter().copied()) {
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

/// Every `id="..."` value in `html`.
fn ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"")
        .filter_map(|(i, m)| {
            let start = i + m.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
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
        assert_eq!(ids(html), ["why", "sn-1"]);
    }
}
