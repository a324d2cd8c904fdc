//! Where a value of an article's front matter is written, for diagnostics:
//! every span resolve reports in front matter comes from the parser's
//! [`Spans`] table, by the value's path (`notes.2.anchor`), through here.

use crate::content::Article;
use crate::frontmatter::Spans;
use crate::source::Span;

/// The front matter of one article, to find values in.
pub(super) struct FrontSpans<'a> {
    spans: &'a Spans,
}

impl<'a> FrontSpans<'a> {
    pub(super) fn of(a: &'a Article) -> FrontSpans<'a> {
        FrontSpans { spans: &a.spans }
    }

    /// The parser's table itself (for [`super::urls::locate_in_value`]).
    pub(super) fn table(&self) -> &'a Spans {
        self.spans
    }

    /// Where the value at `path` is written; the nearest value around it
    /// that the file writes when it has none of its own.
    pub(super) fn at(&self, path: &str) -> Span {
        self.spans.value_or_parent(path)
    }
}
