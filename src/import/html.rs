//! HTML: a saved news page. Takes the page's text, returns a [`Document`]
//! of the article's main text, or why there is none.
//!
//! The main text is found by `dom_smoothie`, a maintained Rust port of
//! Mozilla's Readability (the extraction Firefox's reader view uses): scoring
//! page regions by text and link density is a research problem of its own,
//! and a hand-written rule list would lose to it on any page it was not
//! written for. On top of its html5ever-based DOM (`dom_query`) this module
//! does what Readability does not: metadata from JSON-LD (`NewsArticle`
//! headline, datePublished, author list, url), `<meta>` tags and the
//! canonical link; and the list of what extraction removed, each leaf block
//! of the page that is not in the extracted text, with a reason taken from
//! where it sat (nav, footer, a share or newsletter box, a comment form).

use super::document::{self, Block, BlockKind, Document, Furniture, Meta};
use dom_query::{Document as Dom, NodeRef, Selection};

const BLOCKS: &str = "p, li, h1, h2, h3, h4, h5, h6, blockquote, figcaption, div, section, article, aside, nav, header, footer, form, ul, ol, table, tr, td, th, dl, dt, dd, main, button, label, figure";

fn text_of(node: &NodeRef) -> String {
    document::typographic(&document::collapse_ws(&node.text()))
}

/// The JSON-LD objects of the page, `@graph` members included.
fn json_ld(dom: &Dom) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for node in dom.select(r#"script[type="application/ld+json"]"#).nodes() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&node.text()) {
            let mut stack = vec![v];
            while let Some(v) = stack.pop() {
                match v {
                    serde_json::Value::Array(a) => stack.extend(a),
                    serde_json::Value::Object(ref o) => {
                        if let Some(g) = o.get("@graph") {
                            stack.push(g.clone());
                        }
                        out.push(v);
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn is_article_type(v: &serde_json::Value) -> bool {
    let is = |s: &str| s.ends_with("Article") || s == "BlogPosting" || s == "Report";
    match v.get("@type") {
        Some(serde_json::Value::String(s)) => is(s),
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|x| x.as_str()).any(is),
        _ => false,
    }
}

fn names_of(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Object(o) => o
            .get("name")
            .and_then(|n| n.as_str())
            .map(|n| vec![n.to_string()])
            .unwrap_or_default(),
        serde_json::Value::Array(a) => a.iter().flat_map(names_of).collect(),
        _ => Vec::new(),
    }
}

fn meta_content(dom: &Dom, selector: &str) -> Option<String> {
    dom.select(selector)
        .nodes()
        .iter()
        .find_map(|n| {
            n.attr("content")
                .or_else(|| n.attr("href"))
                .map(|c| c.trim().to_string())
        })
        .filter(|c| !c.is_empty())
}

fn metadata(dom: &Dom) -> Meta {
    let mut meta = Meta::default();
    if let Some(a) = json_ld(dom).into_iter().find(is_article_type) {
        let s = |k: &str| a.get(k).and_then(|x| x.as_str()).map(document::collapse_ws);
        meta.title = s("headline").or_else(|| s("name"));
        meta.date = s("datePublished").and_then(|d| document::parse_date(&d));
        meta.authors = a.get("author").map(names_of).unwrap_or_default();
        meta.canonical = s("url").or_else(|| match a.get("mainEntityOfPage") {
            Some(serde_json::Value::String(u)) => Some(u.clone()),
            Some(o) => o.get("@id").and_then(|x| x.as_str()).map(String::from),
            None => None,
        });
    }
    if meta.title.is_none() {
        meta.title = meta_content(dom, r#"meta[property="og:title"]"#)
            .or_else(|| {
                dom.select("h1")
                    .nodes()
                    .first()
                    .map(text_of)
                    .filter(|t| !t.is_empty())
            })
            .or_else(|| {
                dom.select("title")
                    .nodes()
                    .first()
                    .map(text_of)
                    .filter(|t| !t.is_empty())
            });
    }
    if meta.date.is_none() {
        meta.date = meta_content(dom, r#"meta[property="article:published_time"]"#)
            .or_else(|| meta_content(dom, r#"meta[name="date"]"#))
            .or_else(|| {
                dom.select("time[datetime]")
                    .nodes()
                    .first()
                    .and_then(|n| n.attr("datetime"))
                    .map(|d| d.to_string())
            })
            .and_then(|d| document::parse_date(&d));
    }
    if meta.authors.is_empty() {
        meta.authors = dom
            .select(r#"meta[name="author"]"#)
            .nodes()
            .iter()
            .filter_map(|n| n.attr("content"))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
    }
    if meta.canonical.is_none() {
        meta.canonical = meta_content(dom, r#"link[rel="canonical"]"#)
            .or_else(|| meta_content(dom, r#"meta[property="og:url"]"#));
    }
    meta.title = meta.title.map(|t| document::typographic(&t));
    meta
}

/// Why a removed block was furniture, from its own text and where it sat.
fn reason(node: &NodeRef, text: &str, meta: &Meta) -> String {
    if meta.title.as_deref() == Some(text) {
        return "headline (kept as the title)".into();
    }
    if document::byline(text).is_some()
        || (!meta.authors.is_empty()
            && meta.authors.iter().all(|a| text.contains(a.as_str()))
            && text.split_whitespace().count() <= 12)
    {
        return "byline (kept as the authors)".into();
    }
    if document::dateline(text).is_some() {
        return "dateline (kept as the date)".into();
    }
    if let Some(r) = document::furniture_reason(text) {
        return r.into();
    }
    if document::opens_comment_form(text) {
        return "comment form".into();
    }
    for a in std::iter::once(*node).chain(node.ancestors_it(None)) {
        let name = a.node_name().map(|n| n.to_string()).unwrap_or_default();
        let marks = format!(
            "{} {}",
            a.attr("class").unwrap_or_default(),
            a.attr("id").unwrap_or_default()
        )
        .to_lowercase();
        let has = |w: &[&str]| w.iter().any(|x| marks.contains(x));
        if has(&["share", "social"]) {
            return "share buttons".into();
        }
        if has(&["newsletter", "subscribe", "signup"]) {
            return "newsletter prompt".into();
        }
        if has(&["comment", "respond", "reply"]) || name == "form" {
            return "comment form".into();
        }
        if has(&["related", "recommend", "more-stories", "read-more"]) {
            return "related-article list".into();
        }
        if has(&["advert", "promo", "sponsor"]) || marks.split(' ').any(|w| w == "ad") {
            return "advertisement".into();
        }
        match name.as_str() {
            "nav" => return "navigation".into(),
            "footer" => return "page footer".into(),
            "header" => return "page header".into(),
            "aside" => return "sidebar".into(),
            _ => {}
        }
    }
    "outside the article's main text".into()
}

/// Parses a saved page. `Err` says why no article text was found.
pub fn parse(html: &str) -> Result<Document, String> {
    let dom = Dom::from(html);
    let mut meta = metadata(&dom);
    let cfg = dom_smoothie::Config {
        char_threshold: 200,
        ..Default::default()
    };
    let mut readability =
        dom_smoothie::Readability::new(html, None, Some(cfg)).map_err(|e| e.to_string())?;
    let article = readability
        .parse()
        .map_err(|e| format!("the main-content extraction failed: {e}"))?;
    if meta.title.is_none() && !article.title.trim().is_empty() {
        meta.title = Some(document::typographic(&document::collapse_ws(
            &article.title,
        )));
    }
    if meta.authors.is_empty() {
        if let Some(b) = article.byline.as_deref() {
            meta.authors = document::byline(b).unwrap_or_else(|| vec![document::collapse_ws(b)]);
        }
    }
    if meta.date.is_none() {
        meta.date = article
            .published_time
            .as_deref()
            .and_then(document::parse_date);
    }
    let content = Dom::from(article.content.to_string());
    let mut blocks = Vec::new();
    for node in content
        .select("p, li, h2, h3, h4, h5, h6, blockquote, h1")
        .nodes()
    {
        // A paragraph inside a block quotation or a list item is part of it.
        if node
            .ancestors_it(None)
            .any(|a| a.has_name("blockquote") || (a.has_name("li") && !node.has_name("li")))
        {
            continue;
        }
        let text = text_of(node);
        if text.is_empty() || meta.title.as_deref() == Some(text.as_str()) {
            continue;
        }
        let kind = if node.has_name("blockquote") {
            BlockKind::Quote
        } else if node.node_name().is_some_and(|n| n.starts_with('h')) {
            BlockKind::Heading
        } else {
            BlockKind::Paragraph
        };
        blocks.push(Block::plain(kind, &text));
    }
    // What extraction left out: every leaf block of the page's body whose
    // text is not in the article.
    let kept: String = blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut furniture = Vec::new();
    for node in dom.select("body").select(BLOCKS).nodes() {
        if !Selection::from(*node).select(BLOCKS).is_empty() {
            continue;
        }
        if node.ancestors_it(None).any(|a| {
            a.has_name("script")
                || a.has_name("style")
                || a.has_name("noscript")
                || a.has_name("template")
        }) {
            continue;
        }
        let text = text_of(node);
        if text.is_empty() || kept.contains(&text) {
            continue;
        }
        let why = reason(node, &text, &meta);
        furniture.push(Furniture { text, reason: why });
    }
    let blocks = document::remove_furniture(blocks, &mut meta, &mut furniture);
    let has_text = blocks
        .iter()
        .any(|b| b.kind != BlockKind::Heading && b.text.split_whitespace().count() >= 10);
    if !has_text {
        return Err("no paragraph of ten words or more outside the page furniture".into());
    }
    Ok(Document {
        meta,
        blocks,
        furniture,
    })
}
