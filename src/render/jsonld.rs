//! Machine-readable output: schema.org JSON-LD for each article, the W3C Web
//! Annotation collection of each article (TextQuoteSelector targets), and the
//! site-wide `quotes.json` and `glossary.json`.

use crate::annotate::{ResolvedArticle, Site};
use crate::config::Config;
use crate::content::{ArticleImage, Kind};
use crate::glossary::smart_punctuation;
use crate::glossary::Entry;
use crate::render::context::QuoteView;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;

fn schema_type(e: &Entry) -> &'static str {
    match e.kind {
        Kind::Person => "Person",
        Kind::Organisation => "Organization",
    }
}

// The records below are serialized straight from borrowed data: building
// `serde_json::Value` trees first cost a third of an annotated build's JSON.

/// A schema.org Person or Organization.
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: Cow<'a, str>,
    url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: Cow<'a, str>,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<String>,
}

fn thing<'a>(config: &Config, e: &'a Entry) -> Thing<'a> {
    let mut same_as: Vec<String> = Vec::new();
    if !e.wikidata.is_empty() {
        same_as.push(format!("https://www.wikidata.org/wiki/{}", e.wikidata));
    }
    same_as.extend(
        e.links
            .iter()
            .filter(|l| crate::url_safety::is_safe(&l.url))
            .map(|l| l.url.clone()),
    );
    Thing {
        kind: schema_type(e),
        name: e.display_name(),
        url: config.permalink(&e.url()),
        description: e.display_role(),
        same_as,
    }
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Citation<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Quotation<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
    url: String,
    creator: Thing<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_created: Option<String>,
    /// Where the words come from: the cited source when the quote names
    /// one, then the article that reports them.
    is_based_on: Vec<Work<'a>>,
}

/// A creative work a quotation is based on, by name and address.
#[derive(Serialize)]
struct Work<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    url: &'a str,
    main_entity_of_page: &'a str,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Named<'a>>,
    publisher: Named<'a>,
    description: &'a str,
    word_count: usize,
    in_language: &'a str,
    keywords: &'a [String],
    citation: Vec<Citation<'a>>,
    mentions: Vec<Thing<'a>>,
    has_part: Vec<Quotation<'a>>,
}

/// The full URL of an article's checked `image` (`og:image` and the
/// NewsArticle's `image`): a file of its folder is published beside its page,
/// behind the base path.
pub(crate) fn image_url(config: &Config, slug: &str, image: &ArticleImage) -> String {
    match image {
        ArticleImage::Url(u) => u.clone(),
        ArticleImage::File(f) => {
            let path: String = f
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            config.permalink(&format!("/{}{path}", crate::routes::article_folder(slug)))
        }
    }
}

/// The glossary entry an author's name stands for: an entry whose id or
/// name is the name as written in `authors`.
fn author_entry<'g>(g: &'g crate::glossary::Glossary, name: &str) -> Option<&'g Entry> {
    g.get(name)
        .map(|i| &g.entries[i])
        .or_else(|| g.entries.iter().find(|e| e.name == name))
}

/// A `<script type="application/ld+json">` element describing the article as
/// a schema.org NewsArticle with its citations, mentions and quotations.
/// `image` is the full URL of its image ([`image_url`]), if it has one.
pub(crate) fn article(
    config: &Config,
    site: &Site,
    a: &ResolvedArticle,
    image: Option<&str>,
) -> String {
    let g = &site.glossary;
    let url = config.permalink(&a.url());
    let doc = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        headline: &a.title,
        url: &url,
        main_entity_of_page: &url,
        date_published: a.date.rfc3339(),
        date_modified: a.updated.as_ref().unwrap_or(&a.date).rfc3339(),
        image,
        author: a
            .authors
            .iter()
            .map(|n| match author_entry(g, n) {
                Some(e) => Named {
                    kind: schema_type(e),
                    name: smart_punctuation(n),
                    url: Some(config.permalink(&e.url())),
                },
                None => Named {
                    kind: "Person",
                    name: smart_punctuation(n),
                    url: None,
                },
            })
            .collect(),
        publisher: Named {
            kind: "Organization",
            name: Cow::from(&config.title),
            url: Some(config.permalink("/")),
        },
        description: &a.summary,
        word_count: a.word_count,
        in_language: &config.language,
        keywords: &a.tags,
        citation: a
            .sources
            .iter()
            .map(|s| Citation {
                kind: "CreativeWork",
                name: &s.title,
                url: &s.url,
                publisher: (!s.publisher.is_empty()).then(|| Named {
                    kind: "Organization",
                    name: Cow::from(&s.publisher),
                    url: None,
                }),
                date_published: s.date.as_ref().map(|d| d.ymd()),
            })
            .collect(),
        mentions: a
            .entities
            .iter()
            .map(|&e| thing(config, &g.entries[e]))
            .collect(),
        has_part: a
            .quotes
            .iter()
            .map(|q| Quotation {
                kind: "Quotation",
                text: &q.text,
                url: format!("{url}#{}", q.id),
                creator: thing(config, &g.entries[q.speaker]),
                date_created: q.said.as_ref().map(|d| d.ymd()),
                is_based_on: q
                    .source
                    .map(|s| &a.sources[s])
                    .map(|s| Work {
                        kind: "CreativeWork",
                        name: &s.title,
                        url: &s.url,
                    })
                    .into_iter()
                    .chain(std::iter::once(Work {
                        kind: "NewsArticle",
                        name: &a.title,
                        url: &url,
                    }))
                    .collect(),
            })
            .collect(),
    };
    script(&doc)
}

/// `doc` as a `<script type="application/ld+json">` element.
fn script(doc: &impl Serialize) -> String {
    // No `<` at all inside a script element: `</script>` and `<!--` cannot occur.
    let text = serde_json::to_string(doc)
        .expect("JSON-LD serializes")
        .replace('<', "\\u003c");
    format!("<script type=\"application/ld+json\">{text}</script>")
}

/// The JSON-LD of a glossary entry's page: the schema.org Person or
/// Organization it describes, with `sameAs` from its Wikidata id and links.
pub(crate) fn entry(config: &Config, e: &Entry) -> String {
    #[derive(Serialize)]
    struct WithContext<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(flatten)]
        thing: Thing<'a>,
    }
    script(&WithContext {
        context: "https://schema.org",
        thing: thing(config, e),
    })
}

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    total: usize,
    first: AnnotationPage<'a>,
}

#[derive(Serialize)]
struct AnnotationPage<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    items: Vec<Annotation<'a>>,
}

#[derive(Serialize)]
struct Annotation<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    body: Vec<Body<'a>>,
    target: Target<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Cow<'a, str>>,
    purpose: &'static str,
}

#[derive(Serialize)]
struct Target<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    selector: Option<TextQuoteSelector<'a>>,
}

#[derive(Serialize)]
struct TextQuoteSelector<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

fn target<'a>(
    page: &'a str,
    sel: Option<&'a crate::annotate::anchor::TextQuoteSelector>,
) -> Target<'a> {
    Target {
        source: page,
        selector: sel.map(|sel| TextQuoteSelector {
            kind: "TextQuoteSelector",
            exact: &sel.exact,
            prefix: &sel.prefix,
            suffix: &sel.suffix,
        }),
    }
}

fn body<'a>(
    kind: &'static str,
    value: Option<Cow<'a, str>>,
    source: Option<Cow<'a, str>>,
    purpose: &'static str,
) -> Body<'a> {
    Body {
        kind,
        value,
        format: None,
        source,
        purpose,
    }
}

/// The article's annotations as a W3C Web Annotation collection: notes as
/// `commenting` and quotes as `identifying` annotations on TextQuoteSelectors.
pub(crate) fn annotations(config: &Config, site: &Site, a: &ResolvedArticle) -> String {
    let g = &site.glossary;
    let page = config.permalink(&a.url());
    let mut items: Vec<Annotation> = Vec::with_capacity(a.notes.len() + a.quotes.len());
    // An ordinary footnote is the article's own words, at a point: no
    // annotation of its text.
    for n in a.notes.iter().filter(|n| !n.footnote) {
        let mut bodies: Vec<Body> = Vec::new();
        if !n.text_html.is_empty() {
            bodies.push(Body {
                format: Some("text/html"),
                ..body(
                    "TextualBody",
                    Some(Cow::from(&n.text_html)),
                    None,
                    "commenting",
                )
            });
        }
        if let Some(s) = n.source.map(|s| &a.sources[s]) {
            bodies.push(if s.url.is_empty() {
                body("TextualBody", Some(Cow::from(&s.title)), None, "linking")
            } else {
                body("SpecificResource", None, Some(Cow::from(&s.url)), "linking")
            });
        }
        items.push(Annotation {
            id: format!("{page}#sn-{}", n.number),
            kind: "Annotation",
            motivation: "commenting",
            body: bodies,
            target: target(&page, n.selector.as_ref()),
        });
    }
    for q in &a.quotes {
        let e = &g.entries[q.speaker];
        items.push(Annotation {
            id: format!("{page}#{}", q.id),
            kind: "Annotation",
            motivation: "identifying",
            body: vec![
                body(
                    "SpecificResource",
                    None,
                    Some(Cow::from(config.permalink(&e.url()))),
                    "identifying",
                ),
                body(
                    "TextualBody",
                    Some(Cow::from(format!("Quote by {}", e.display_name()))),
                    None,
                    "describing",
                ),
            ],
            target: target(&page, Some(&q.selector)),
        });
    }
    let coll = format!("{page}annotations.jsonld");
    let doc = Collection {
        context: "http://www.w3.org/ns/anno.jsonld",
        id: coll.clone(),
        kind: "AnnotationCollection",
        label: format!("Annotations on “{}”", a.title),
        total: items.len(),
        first: AnnotationPage {
            id: format!("{coll}#page1"),
            kind: "AnnotationPage",
            items,
        },
    };
    serde_json::to_string(&doc).expect("annotations serialize") + "\n"
}

/// Omits a key whose value is unknown: the machine-readable files never hold
/// an empty string (docs/format.md, "quotes.json and glossary.json").
fn is_empty(s: &&str) -> bool {
    s.is_empty()
}

/// `/quotes.json`: every quote, newest first, one per line. A newsroom's
/// archive holds tens of thousands, so each line is serialized on its own,
/// in parallel, straight from typed records. The fields are documented in
/// docs/format.md; a field with no value is left out.
pub(crate) fn quotes_json(config: &Config, quotes: &[&QuoteView]) -> String {
    #[derive(Serialize)]
    struct Quote<'a> {
        id: &'a str,
        text: &'a str,
        speaker: Link<'a>,
        #[serde(skip_serializing_if = "is_empty")]
        said: &'a str,
        #[serde(skip_serializing_if = "is_empty")]
        context: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
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
        id: &'a str,
        title: &'a str,
        #[serde(skip_serializing_if = "is_empty")]
        publisher: &'a str,
        #[serde(skip_serializing_if = "is_empty")]
        url: &'a str,
        #[serde(skip_serializing_if = "is_empty")]
        archived: &'a str,
        #[serde(skip_serializing_if = "is_empty")]
        date: &'a str,
    }
    #[derive(Serialize)]
    struct Article<'a> {
        title: &'a str,
        url: String,
        date: &'a str,
    }
    // The views hold hrefs (behind the base path): make them full URLs.
    let base = config.base();
    let lines: Vec<String> = quotes
        .par_iter()
        .map(|q| {
            let quote = Quote {
                id: &q.id,
                text: &q.text,
                speaker: Link {
                    id: &q.speaker.id,
                    name: &q.speaker.name,
                    url: base.absolute(&q.speaker.url),
                },
                said: &q.said,
                context: &q.context,
                source: q.source.as_ref().map(|s| Source {
                    id: &s.id,
                    title: &s.title,
                    publisher: &s.publisher,
                    url: &s.url,
                    archived: &s.archived,
                    date: &s.date,
                }),
                article: Article {
                    title: &q.article.title,
                    url: base.absolute(&q.article.url),
                    date: &q.article.date,
                },
                url: base.absolute(&q.url),
            };
            serde_json::to_string(&quote).expect("quotes serialize")
        })
        .collect();
    one_record_a_line("quotes", &lines)
}

/// `{"key":[` and `lines`, one per line, then `]}`: one JSON document, to be
/// parsed whole (a line alone is not JSON: all but the last end in a comma),
/// laid out one record a line so that it reads and diffs record by record.
fn one_record_a_line(key: &str, lines: &[String]) -> String {
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

/// `/glossary.json`: every entry, by id, one per line (see [`quotes_json`]).
pub(crate) fn glossary_json(config: &Config, site: &Site) -> String {
    #[derive(Serialize)]
    struct Record<'a> {
        id: &'a str,
        name: Cow<'a, str>,
        kind: &'static str,
        aliases: &'a [String],
        #[serde(skip_serializing_if = "str::is_empty")]
        role: Cow<'a, str>,
        #[serde(skip_serializing_if = "is_empty")]
        summary: &'a str,
        affiliations: Vec<&'a str>,
        #[serde(skip_serializing_if = "is_empty")]
        wikidata: &'a str,
        links: Vec<Link<'a>>,
        url: String,
    }
    #[derive(Serialize)]
    struct Link<'a> {
        title: &'a str,
        url: &'a str,
    }
    let g = &site.glossary;
    let lines: Vec<String> = g
        .entries
        .iter()
        .map(|e| {
            let record = Record {
                id: &e.id,
                name: e.display_name(),
                kind: e.kind.as_str(),
                aliases: &e.aliases,
                role: e.display_role(),
                summary: &e.summary,
                affiliations: e
                    .affiliations
                    .iter()
                    .map(|&a| g.entries[a].id.as_str())
                    .collect(),
                wikidata: &e.wikidata,
                links: e
                    .links
                    .iter()
                    .filter(|l| crate::url_safety::is_safe(&l.url))
                    .map(|l| Link {
                        title: &l.title,
                        url: &l.url,
                    })
                    .collect(),
                url: config.permalink(&e.url()),
            };
            serde_json::to_string(&record).expect("glossary serializes")
        })
        .collect();
    one_record_a_line("entries", &lines)
}
