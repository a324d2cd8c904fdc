//! Content is untrusted (docs/security.md): raw HTML in every place gloss
//! renders Markdown is made inert unless the site opts in, every URL from
//! Markdown or front matter passes one check and a refused one is an error
//! at its place, and the base URL cannot add markup to the feed.
//!
//! Regression tests for issue 12 ("Content can inject script"). Output is
//! read with a real HTML parser: every page, and the HTML inside every Atom
//! entry, is searched for injected elements, event-handler attributes and
//! dangerous URLs.

use crate::support::SiteTest;
use scraper::{ElementRef, Html};
use std::path::Path;

/// What an attacker got into one output file.
#[derive(Debug, Default, PartialEq)]
struct Injected {
    elements: Vec<String>,
    handlers: Vec<String>,
    urls: Vec<String>,
}

impl Injected {
    fn is_empty(&self) -> bool {
        self.elements.is_empty() && self.handlers.is_empty() && self.urls.is_empty()
    }

    fn extend(&mut self, file: &str, other: Injected) {
        let tag = |v: Vec<String>| v.into_iter().map(move |s| format!("{file}: {s}"));
        self.elements.extend(tag(other.elements));
        self.handlers.extend(tag(other.handlers));
        self.urls.extend(tag(other.urls));
    }

    fn total(&self) -> usize {
        self.elements.len() + self.handlers.len() + self.urls.len()
    }
}

/// Elements that run script, load a document, change where the page goes or
/// what its links resolve against, or restyle it.
const DANGEROUS_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "meta",
    "base", "link", "style", "form", "template", "textarea",
];

/// Attributes that hold a URL a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "xlink:href",
    "srcset",
    "ping",
];

/// The test's own reading of a dangerous URL (independent of gloss's):
/// a browser drops tabs and newlines and trims controls and spaces, then
/// reads the scheme up to the first colon.
fn is_dangerous_url(value: &str) -> bool {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let s = cleaned
        .trim_matches(|c: char| c <= ' ')
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|p| s.starts_with(p))
}

/// Whether an element is one of gloss's own (its templates'), not content's.
fn is_gloss_own(e: &ElementRef, in_head: bool) -> bool {
    let v = e.value();
    match v.name() {
        // The head holds the template's metadata, stylesheet links, script
        // and JSON-LD; content is only ever rendered into the body.
        "meta" | "link" | "script" if in_head => true,
        // The quote index's speaker filter and the search page's form.
        "form" => v
            .attr("class")
            .is_some_and(|c| c == "filter" || c == "search-form"),
        _ => false,
    }
}

fn scan_html(doc: &Html) -> Injected {
    let mut found = Injected::default();
    for node in doc.root_element().descendants() {
        let Some(e) = ElementRef::wrap(node) else {
            continue;
        };
        let v = e.value();
        let in_head = e
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().name() == "head");
        if DANGEROUS_ELEMENTS.contains(&v.name()) && !is_gloss_own(&e, in_head) {
            found.elements.push(format!("<{}>", v.name()));
        }
        for (name, value) in v.attrs() {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("on") {
                found.handlers.push(format!("<{} {name}>", v.name()));
            }
            if URL_ATTRIBUTES.contains(&lower.as_str()) && is_dangerous_url(value) {
                found
                    .urls
                    .push(format!("<{} {name}=\"{value}\">", v.name()));
            }
            if lower == "style" {
                let s = value.to_ascii_lowercase();
                if s.contains("expression") || s.contains("url(") {
                    found.urls.push(format!("<{} style=\"{value}\">", v.name()));
                }
            }
            if lower == "http-equiv" {
                found.elements.push(format!("<{} http-equiv>", v.name()));
            }
        }
    }
    found
}

/// The HTML inside each `<content type="html">` of an Atom feed: XML text,
/// unescaped once, as a feed reader gets it.
fn feed_entry_html(xml: &str) -> Vec<String> {
    let open = "<content type=\"html\">";
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let end = after.find("</content>").expect("an unclosed <content>");
        assert!(
            !after[..end].contains('<'),
            "entry content must be escaped text: {}",
            &after[..end]
        );
        out.push(unescape_xml(&after[..end]));
        rest = &after[end..];
    }
    out
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Everything injected into the site under `out`: every HTML page, and the
/// entries of every Atom feed. Also returns how many feed entries were read.
fn scan_site(out: &Path) -> (Injected, usize) {
    let mut all = Injected::default();
    let mut entries = 0;
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        let path = e.path();
        let name = path.strip_prefix(out).unwrap().display().to_string();
        match path.extension().and_then(|x| x.to_str()) {
            Some("html") => {
                let text = std::fs::read_to_string(path).unwrap();
                all.extend(&name, scan_html(&Html::parse_document(&text)));
            }
            Some("xml") if name.ends_with("atom.xml") => {
                let text = std::fs::read_to_string(path).unwrap();
                for html in feed_entry_html(&text) {
                    entries += 1;
                    all.extend(&name, scan_html(&Html::parse_fragment(&html)));
                }
            }
            _ => {}
        }
    }
    (all, entries)
}

#[test]
fn raw_html_payloads_in_every_field_inject_nothing_by_default() {
    let site = SiteTest::fixture("security/raw-html");
    let built = site.build();
    let (injected, entries) = scan_site(&built.out);
    assert!(entries >= 2, "the feed carries the articles ({entries})");
    assert!(injected.is_empty(), "{injected:#?}");

    // The inert parts of the payloads are still there, as a reader expects.
    let article = built.html("articles/payloads/index.html");
    assert_eq!(
        article.text(".article-body span[title], .article-body span:not([class])"),
        "a span"
    );
    assert_eq!(article.count(".article-body div > p > em"), 1);
    assert!(article
        .body_text()
        .contains("Closing what it did not open:  and after."));
    let entry = built.html("glossary/pwn-person/index.html");
    assert!(entry.text("main").contains("writes payloads"));
}

#[test]
fn gloss_markup_and_the_page_around_raw_html_are_kept_whole() {
    let site = SiteTest::fixture("security/raw-html");
    let built = site.build();
    let article = built.html("articles/payloads/index.html");
    // Two anchored notes and one source note, a glossary mention, headings'
    // and code's markup come from gloss, not from content: all still there.
    assert_eq!(article.count(".article-body .note-anchor"), 2);
    assert_eq!(article.count(".article-body .sidenote"), 3);
    assert_eq!(
        article.attr(
            ".article-body a.mention, .article-body a[href='/glossary/pwn-entity/']",
            "href"
        ),
        "/glossary/pwn-entity/"
    );
    // The content's `</div></main></article>` closed nothing of the page:
    // what follows it is still in the body, the footer still in the article.
    assert!(article.text(".article-body").contains("and after."));
    assert_eq!(article.count("main article footer.article-footer"), 1);
}

#[test]
fn with_unsafe_html_the_raw_html_passes_as_written() {
    let site = SiteTest::fixture("security/raw-html").file(
        "gloss.toml",
        "title = \"Payloads\"\nbase_url = \"https://payloads.example.org/\"\n\n[markdown]\nunsafe_html = true\n",
    );
    let built = site.build();
    let (injected, _) = scan_site(&built.out);
    let article = built.html("articles/payloads/index.html");
    assert!(article.count(".article-body script") >= 2);
    assert!(article.count(".article-body iframe") >= 2);
    assert_eq!(
        article.attrs(".article-body span[onclick]", "onclick"),
        ["alert('pwn')"]
    );
    assert!(injected.total() > 30, "{injected:#?}");
}

#[test]
fn an_unknown_key_under_markdown_is_refused_with_the_right_one_suggested() {
    let site = SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://t.example.org/\"\n[markdown]\nunsafe = true\n",
    );
    let report = site.build_err();
    let text = site.report_text(&report);
    assert!(text.contains("unsafe"), "{text}");
    assert!(text.contains("unsafe_html"), "{text}");
}

/// Line and column (1-based, in characters) of the first `needle` in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn every_dangerous_url_from_markdown_or_front_matter_is_an_error_at_its_place() {
    let site = SiteTest::fixture("security/bad-urls");
    let report = site.build_err();
    let article = "content/articles/links.md";
    let person = "content/glossary/bad-person.md";
    let page = "content/bad-page.md";
    // (file, where the error points, what the message names)
    let expected: &[(&str, &str, &str)] = &[
        (
            article,
            "javascript:alert('pwn-source')",
            "source `bad-source`'s `url`",
        ),
        (
            article,
            "data:text/html,pwn-archived",
            "source `bad-source`'s `archived`",
        ),
        (
            article,
            "javascript:alert('pwn-note')",
            "link `javascript:alert('pwn-note')`",
        ),
        (
            article,
            "data:image/svg+xml,pwn-entity",
            "image `data:image/svg+xml,pwn-entity`",
        ),
        (
            article,
            "vbscript:msgbox('pwn-entity-link')",
            "the URL of link `Entity home`",
        ),
        (
            article,
            "[inline link]",
            "link `javascript:alert('pwn-inline')`",
        ),
        (
            article,
            "![inline image]",
            "image `javascript:alert('pwn-image')`",
        ),
        (
            article,
            "<javascript:alert('pwn-autolink')>",
            "the `javascript:` scheme",
        ),
        (
            article,
            "[reference link]",
            "link `data:text/html;base64,PHNjcmlwdD4=`",
        ),
        (
            article,
            "![reference image]",
            "image `javascript:alert('pwn-ref-image')`",
        ),
        (article, "[upper case]", "`JaVaScRiPt:alert('pwn-case')`"),
        (
            article,
            "[an entity]",
            "`javascript:alert('pwn-entity-ref')`",
        ),
        (article, "[a tab]", "`java\\tscript:alert('pwn-tab')`"),
        (article, "[a space]", "`javascript:alert('pwn-space')`"),
        (article, "[vbscript]", "the `vbscript:` scheme"),
        (article, "![a data image]", "the `data:` scheme"),
        (
            person,
            "javascript:alert('pwn-glossary-link')",
            "the URL of link `Profile`",
        ),
        (
            person,
            "![a portrait]",
            "image `javascript:alert('pwn-glossary-image')`",
        ),
        (person, "[a page]", "link `data:text/html,pwn-glossary`"),
        (page, "[a link]", "link `vbscript:msgbox('pwn-page')`"),
        (page, "![an image]", "image `data:image/gif;base64,R0lGOD`"),
    ];
    let mut missing = Vec::new();
    for (file, needle, says) in expected {
        let text = std::fs::read_to_string(site.root.join(file)).unwrap();
        let (line, column) = position(&text, needle);
        let found = report.items.iter().any(|i| {
            i.is_error()
                && i.file == *file
                && i.line == line
                && i.column == column
                && i.diagnostic.message.contains(says)
                && i.diagnostic.message.contains("is refused")
        });
        if !found {
            missing.push(format!("{file}:{line}:{column} {says}"));
        }
    }
    let rendered = site.report_text(&report);
    assert!(missing.is_empty(), "not reported: {missing:#?}\n{rendered}");
    assert_eq!(report.error_count(), expected.len(), "{rendered}");
    assert!(
        rendered.contains("help: use an http:, https: or mailto: URL"),
        "{rendered}"
    );
}

#[test]
fn a_base_url_with_markup_in_it_is_refused_at_its_line() {
    let site = SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://t.example.org/\\\"><script>alert('pwn')</script>\"\n",
    );
    let report = site.build_err();
    let item = &report.items[0];
    assert_eq!(
        (item.file.as_str(), item.line, item.column),
        ("gloss.toml", 2, 1)
    );
    assert!(
        item.diagnostic
            .message
            .contains("`base_url` is not a usable URL"),
        "{}",
        item.diagnostic.message
    );
}

/// `--base-url` is checked as gloss.toml's `base_url` is (routes), so markup
/// in it never reaches the feed; the feed escapes the permalink anyway
/// (`render::feed`'s unit test `a_base_url_with_markup_in_it_stays_inside_the_attribute`).
#[test]
fn a_base_url_given_on_the_command_line_with_markup_is_refused() {
    let site = SiteTest::new().file(
        "content/articles/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-01\n\n[[notes]]\nanchor = \"noted\"\ntext = \"A note.\"\n+++\nSome noted words.\n",
    );
    let mut opts = site.options();
    opts.base_url = Some("https://t.example.org/\"><script>alert('pwn')</script><a x=\"".into());
    let report = gloss::render_site(&opts).expect_err("markup in --base-url is refused");
    assert!(
        report.rendered().contains("invalid base URL"),
        "{}",
        report.rendered()
    );
}
