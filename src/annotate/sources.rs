//! An article's cited sources (`[[sources]]`): unique ids, safe URLs, and
//! the lookups notes and quotes make by id.

use super::spans::FrontSpans;
use crate::content::SourceFront;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::Date;
use crate::glossary::smart_punctuation;
use crate::source::Span;
use crate::url_safety;
use std::collections::HashMap;

/// A cited source, its URLs checked (an unsafe one is left empty).
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub archived: String,
    pub date: Option<Date>,
}

/// The sources of one article, in front-matter order, a second one with
/// an id already used left out (and reported).
pub(super) struct Sources<'a> {
    pub(super) list: Vec<Source>,
    ids: HashMap<&'a str, usize>,
}

impl<'a> Sources<'a> {
    pub(super) fn resolve(
        front: &'a [SourceFront],
        spans: &FrontSpans,
        ds: &mut Vec<Diagnostic>,
    ) -> Sources<'a> {
        let mut list: Vec<Source> = Vec::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (k, s) in front.iter().enumerate() {
            let span = spans.at(&format!("sources.{k}.id"));
            if let Some(&first) = ids.get(s.id.as_str()) {
                ds.push(
                    Diagnostic::error(format!(
                        "source id `{}` is used twice in this article",
                        s.id
                    ))
                    .at(span)
                    .label("second definition")
                    .note(format!("the first is `{}`", list[first].title)),
                );
                continue;
            }
            check_source_urls(s, k, spans, ds);
            ids.insert(&s.id, list.len());
            let safe = |url: &str| {
                if url_safety::is_safe(url) {
                    url.to_string()
                } else {
                    String::new()
                }
            };
            list.push(Source {
                id: s.id.clone(),
                // As readers see them: with the body's smart punctuation.
                title: smart_punctuation(&s.title).into_owned(),
                publisher: smart_punctuation(&s.publisher).into_owned(),
                url: safe(&s.url),
                archived: safe(&s.archived),
                date: s.date.clone(),
            });
        }
        Sources { list, ids }
    }

    /// Whether a source has this id.
    pub(super) fn contains(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    /// The index of the source with this id.
    pub(super) fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// Every id, for "did you mean".
    /// The ids, in the order the front matter writes them (so that a "did
    /// you mean" between equally close ids is the same in every build).
    pub(super) fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|s| s.id.as_str())
    }

    /// The index of the source a note or quote names (written at `span`),
    /// or an error saying there is none.
    pub(super) fn lookup(&self, id: &str, span: Span, ds: &mut Vec<Diagnostic>) -> Option<usize> {
        let found = self.index_of(id);
        if found.is_none() {
            ds.push(
                Diagnostic::error(format!("unknown source `{id}`"))
                    .at(span)
                    .label("no [[sources]] entry in this article has this id")
                    .suggest(id, self.list.iter().map(|s| s.id.as_str()))
                    .help("add a [[sources]] entry with this id to the article's front matter"),
            );
        }
        found
    }
}

fn check_source_urls(s: &SourceFront, k: usize, spans: &FrontSpans, ds: &mut Vec<Diagnostic>) {
    for (key, url) in [("url", &s.url), ("archived", &s.archived)] {
        if let Err(problem) = url_safety::check(url) {
            ds.push(
                Diagnostic::error(url_safety::message(
                    &format!("source `{}`'s `{key}`", s.id),
                    url,
                    &problem,
                ))
                .at(spans.at(&format!("sources.{k}.{key}")))
                .label("refused")
                .help(url_safety::HELP),
            );
        }
    }
}
