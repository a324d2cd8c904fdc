//! Machine-readable output: schema.org JSON-LD for each article, the W3C Web
//! Annotation collection of each article (TextQuoteSelector targets), and the
//! site-wide `quotes.json` and `glossary.json`.

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::content::Kind;
use crate::glossary::Entry;
use crate::render::context::QuoteView;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

fn schema_type(e: &Entry) -> &'static str {
    match e.kind {
        Kind::Person => "Person",
        Kind::Organisation => "Organization",
    }
}

fn thing(config: &Config, e: &Entry) -> Value {
    let mut v = json!({
        "@type": schema_type(e),
        "name": e.name,
        "url": config.permalink(&e.url()),
    });
    if !e.role.is_empty() {
        v["description"] = json!(e.role);
    }
    let mut same_as: Vec<String> = Vec::new();
    if !e.wikidata.is_empty() {
        same_as.push(format!("https://www.wikidata.org/wiki/{}", e.wikidata));
    }
    same_as.extend(
        e.links
            .iter()
            .filter(|l| crate::annotate::is_safe_url(&l.url))
            .map(|l| l.url.clone()),
    );
    if !same_as.is_empty() {
        v["sameAs"] = json!(same_as);
    }
    v
}

/// A `<script type="application/ld+json">` element describing the article as
/// a schema.org NewsArticle with its citations, mentions and quotations.
pub fn article(config: &Config, site: &Site, a: &ResolvedArticle) -> String {
    let g = &site.glossary;
    let url = config.permalink(&a.url());
    let citations: Vec<Value> = a
        .sources
        .iter()
        .map(|s| {
            let mut c = json!({"@type": "CreativeWork", "name": s.title});
            if !s.url.is_empty() {
                c["url"] = json!(s.url);
            }
            if !s.publisher.is_empty() {
                c["publisher"] = json!({"@type": "Organization", "name": s.publisher});
            }
            if let Some(d) = &s.date {
                c["datePublished"] = json!(d.ymd());
            }
            c
        })
        .collect();
    let quotations: Vec<Value> = a
        .quotes
        .iter()
        .map(|q| {
            let mut v = json!({
                "@type": "Quotation",
                "text": q.text,
                "url": format!("{url}#{}", q.id),
                "creator": thing(config, &g.entries[q.speaker]),
            });
            if let Some(d) = &q.said {
                v["dateCreated"] = json!(d.ymd());
            }
            v
        })
        .collect();
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": a.date.rfc3339(),
        "dateModified": a.updated.as_ref().unwrap_or(&a.date).rfc3339(),
        "author": a.authors.iter().map(|n| json!({"@type": "Person", "name": n})).collect::<Vec<_>>(),
        "publisher": {"@type": "Organization", "name": config.title, "url": config.permalink("/")},
        "description": a.summary,
        "wordCount": a.word_count,
        "inLanguage": config.language,
        "keywords": a.tags,
        "citation": citations,
        "mentions": a.entities.iter().map(|&e| thing(config, &g.entries[e])).collect::<Vec<_>>(),
        "hasPart": quotations,
    });
    if a.authors.is_empty() {
        doc.as_object_mut()
            .expect("built as an object")
            .remove("author");
    }
    // No `<` at all inside a script element: `</script>` and `<!--` cannot occur.
    let text = serde_json::to_string(&doc)
        .expect("JSON values serialize")
        .replace('<', "\\u003c");
    format!("<script type=\"application/ld+json\">{text}</script>")
}

/// The article's annotations as a W3C Web Annotation collection: notes as
/// `commenting` and quotes as `identifying` annotations on TextQuoteSelectors.
pub fn annotations(config: &Config, site: &Site, a: &ResolvedArticle) -> String {
    let g = &site.glossary;
    let page = config.permalink(&a.url());
    let target = |sel: &crate::annotate::anchor::Quote| {
        json!({
            "source": page,
            "selector": {
                "type": "TextQuoteSelector",
                "exact": sel.exact,
                "prefix": sel.prefix,
                "suffix": sel.suffix,
            }
        })
    };
    let mut items: Vec<Value> = Vec::new();
    for n in &a.notes {
        let mut bodies: Vec<Value> = Vec::new();
        if !n.text_html.is_empty() {
            bodies.push(json!({"type": "TextualBody", "value": n.text_html, "format": "text/html", "purpose": "commenting"}));
        }
        if let Some(s) = n.source.map(|s| &a.sources[s]) {
            if !s.url.is_empty() {
                bodies.push(
                    json!({"type": "SpecificResource", "source": s.url, "purpose": "linking"}),
                );
            } else {
                bodies.push(json!({"type": "TextualBody", "value": s.title, "purpose": "linking"}));
            }
        }
        let target = match &n.selector {
            Some(sel) => target(sel),
            None => json!({"source": page}),
        };
        items.push(json!({
            "id": format!("{page}#sn-{}", n.number),
            "type": "Annotation",
            "motivation": "commenting",
            "body": bodies,
            "target": target,
        }));
    }
    for q in &a.quotes {
        let e = &g.entries[q.speaker];
        items.push(json!({
            "id": format!("{page}#{}", q.id),
            "type": "Annotation",
            "motivation": "identifying",
            "body": [{"type": "SpecificResource", "source": config.permalink(&e.url()), "purpose": "identifying"},
                     {"type": "TextualBody", "value": format!("Quote by {}", e.name), "purpose": "describing"}],
            "target": target(&q.selector),
        }));
    }
    let coll = format!("{page}annotations.jsonld");
    let doc = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": coll,
        "type": "AnnotationCollection",
        "label": format!("Annotations on “{}”", a.title),
        "total": items.len(),
        "first": {
            "id": format!("{coll}#page1"),
            "type": "AnnotationPage",
            "items": items,
        }
    });
    serde_json::to_string_pretty(&doc).expect("JSON values serialize") + "\n"
}

/// `/quotes.json`: every quote, newest first, one per line. A newsroom's
/// archive holds tens of thousands, so each line is serialized on its own,
/// in parallel, straight from typed records.
pub fn quotes_json(config: &Config, quotes: &[&QuoteView]) -> String {
    #[derive(Serialize)]
    struct Quote<'a> {
        id: &'a str,
        text: &'a str,
        speaker: Link<'a>,
        said: &'a str,
        context: &'a str,
        source: Option<Source<'a>>,
        article: Article<'a>,
        url: String,
    }
    #[derive(Serialize)]
    struct Link<'a> {
        id: &'a str,
        name: &'a str,
        url: String,
    }
    #[derive(Serialize)]
    struct Source<'a> {
        title: &'a str,
        publisher: &'a str,
        url: &'a str,
    }
    #[derive(Serialize)]
    struct Article<'a> {
        title: &'a str,
        url: String,
        date: &'a str,
    }
    let lines: Vec<String> = quotes
        .par_iter()
        .map(|q| {
            let quote = Quote {
                id: &q.id,
                text: &q.text,
                speaker: Link {
                    id: &q.speaker.id,
                    name: &q.speaker.name,
                    url: config.permalink(&q.speaker.url),
                },
                said: &q.said,
                context: &q.context,
                source: q.source.as_ref().map(|s| Source {
                    title: &s.title,
                    publisher: &s.publisher,
                    url: &s.url,
                }),
                article: Article {
                    title: &q.article.title,
                    url: config.permalink(&q.article.url),
                    date: &q.article.date,
                },
                url: config.permalink(&q.url),
            };
            serde_json::to_string(&quote).expect("quotes serialize")
        })
        .collect();
    json_lines("quotes", &lines)
}

/// `{"key":[` and `lines`, one per line, then `]}`: valid JSON that reads
/// (and diffs) one record per line.
fn json_lines(key: &str, lines: &[String]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum::<usize>() + 16);
    out.push_str("{\"");
    out.push_str(key);
    out.push_str("\":[\n");
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push_str(if i + 1 < lines.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    out
}

pub fn glossary_json(config: &Config, site: &Site) -> String {
    let g = &site.glossary;
    let lines: Vec<String> = g
        .entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "name": e.name,
                "kind": e.kind.as_str(),
                "aliases": e.aliases,
                "role": e.role,
                "summary": e.summary,
                "affiliations": e.affiliations.iter().map(|&a| g.entries[a].id.clone()).collect::<Vec<_>>(),
                "wikidata": e.wikidata,
                "url": config.permalink(&e.url()),
            })
            .to_string()
        })
        .collect();
    json_lines("entries", &lines)
}
