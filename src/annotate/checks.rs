//! The checks across articles: what no single article can know (two
//! articles with one slug, two quotes with one id), and the entries no
//! article mentions.

use super::ResolvedArticle;
use crate::content::Content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::glossary::{EntryIdx, Glossary};
use crate::source::Span;
use std::collections::HashMap;

/// The checks across articles; `articles` must be in `Content::articles`
/// order (as resolved, before sorting), so that "the first" is the same one
/// in every build.
pub(crate) fn check_site(
    content: &Content,
    articles: &[std::sync::Arc<ResolvedArticle>],
    diags: &mut Diagnostics,
) {
    check_unique_slugs(content, articles, diags);
    check_unique_quote_ids(articles, diags);
}

/// Entries no article mentions or quotes.
pub(crate) fn unmentioned(
    glossary: &Glossary,
    articles: &[std::sync::Arc<ResolvedArticle>],
) -> Vec<EntryIdx> {
    let mut used = vec![false; glossary.entries.len()];
    for a in articles {
        for &e in &a.entities {
            used[e] = true;
        }
    }
    (0..used.len()).filter(|&i| !used[i]).collect()
}

fn check_unique_slugs(
    content: &Content,
    articles: &[std::sync::Arc<ResolvedArticle>],
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
    for a in articles {
        if let Some(&first) = seen.get(a.slug.as_str()) {
            let this = &content.articles[a.index];
            let other = &content.articles[first];
            diags.push(
                Diagnostic::error(format!("two articles have the slug `{}`", a.slug))
                    .at(Span::file(this.layout.source))
                    .label("this article")
                    .also(Span::file(other.layout.source), "and this one")
                    .note(format!(
                        "both would be written to {}: {} and {}",
                        a.url(),
                        content.sources.get(other.layout.source).name,
                        content.sources.get(this.layout.source).name
                    ))
                    .help("set a different `slug = \"...\"` in one of them, or rename a file"),
            );
        } else {
            seen.insert(&a.slug, a.index);
        }
    }
}

fn check_unique_quote_ids(articles: &[std::sync::Arc<ResolvedArticle>], diags: &mut Diagnostics) {
    let count = articles.iter().map(|a| a.quotes.len()).sum();
    let mut seen: HashMap<&str, Span> = HashMap::with_capacity(count);
    for a in articles {
        for q in &a.quotes {
            if let Some(first) = seen.get(q.id.as_str()) {
                diags.push(
                    Diagnostic::error(format!("two quotes have the id `{}`", q.id))
                        .at(q.span)
                        .label("this quote")
                        .also(*first, "and this one")
                        .help("the same words by the same speaker were quoted twice: set a distinct `id = \"q-...\"` on one of them"),
                );
            } else {
                seen.insert(&q.id, q.span);
            }
        }
    }
}
