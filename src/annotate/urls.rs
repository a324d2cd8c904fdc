//! The resolve stage's side of the URL rule ([`crate::url_safety`]): every
//! link and image a Markdown text puts in the site is checked, and a refused
//! one becomes an error at its place in the file. Shared by the article,
//! page and note resolution here and by the glossary's descriptions.

use crate::content::Content;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::Spans;
use crate::markdown::UrlRef;
use crate::source::Span;
use crate::url_safety;

/// The URL check ([`url_safety`]) on every link and image of a Markdown
/// text, each refused one an error at the place `locate` gives it.
pub(crate) fn check_markdown_urls(
    urls: &[UrlRef],
    locate: impl Fn(&UrlRef) -> Span,
    diags: &mut Vec<Diagnostic>,
) {
    for u in urls {
        if u.is_mention() {
            continue;
        }
        if let Err(problem) = url_safety::check(&u.dest) {
            let what = if u.is_image { "image" } else { "link" };
            diags.push(
                Diagnostic::error(url_safety::message(what, &u.dest, &problem))
                    .at(locate(u))
                    .label("refused")
                    .help(url_safety::HELP),
            );
        }
    }
}

/// Where a URL of a Markdown text written as the front-matter string
/// `value` at `path` is: the URL in its link when the value is written as
/// it reads, else (written with escapes, say) the whole value.
pub(crate) fn locate_in_value(
    content: &Content,
    spans: &Spans,
    path: &str,
    value: &str,
    url: &UrlRef,
) -> Span {
    let whole = spans.value_or_parent(path);
    let Some(start) = spans.verbatim(&content.sources, path, value) else {
        return whole;
    };
    // The destination inside the link's own Markdown (`[text](dest)`).
    let link = &value[url.source.clone()];
    let (from, len) = match link.rfind(url.dest.as_str()) {
        Some(i) if !url.dest.is_empty() => (url.source.start + i, url.dest.len()),
        _ => (url.source.start, link.len()),
    };
    Span::new(whole.source, start + from, start + from + len)
}
