//! The resolve stage's side of the URL rule ([`crate::url_safety`]): every
//! link and image a Markdown text puts in the site is checked, and a refused
//! one becomes an error at its place in the file. Shared by the article,
//! page and note resolution here and by the glossary's descriptions.

use crate::content::{Content, Layout};
use crate::diagnostics::Diagnostic;
use crate::frontmatter;
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

/// Where a URL of a Markdown text written as a front-matter string value
/// (found at `value_span`) is: the URL itself when it is written as it
/// reads, else (written with escapes, say) the whole value.
pub(crate) fn locate_in_value(
    content: &Content,
    layout: &Layout,
    value_span: Span,
    url: &UrlRef,
) -> Span {
    let found = frontmatter::find_value(
        layout.source,
        &content.sources,
        layout.fm_start,
        layout.fm_end,
        value_span.start as usize,
        &url.dest,
    );
    if found.start == found.end || url.dest.is_empty() {
        value_span
    } else {
        found
    }
}
