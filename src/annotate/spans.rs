//! Where a value of an article's front matter is written, for diagnostics.
//! Every span resolve reports in front matter comes from here, so that
//! taking spans from the parser instead of searching the text changes this
//! file alone.

use crate::content::{Article, Content};
use crate::frontmatter;
use crate::source::{SourceId, SourceMap, Span};

/// The front matter of one article, to find values in.
pub(super) struct FrontSpans<'a> {
    source: SourceId,
    sources: &'a SourceMap,
    start: usize,
    end: usize,
}

impl<'a> FrontSpans<'a> {
    pub(super) fn of(content: &'a Content, a: &Article) -> FrontSpans<'a> {
        FrontSpans {
            source: a.layout.source,
            sources: &content.sources,
            start: a.layout.fm_start,
            end: a.layout.fm_end,
        }
    }

    /// Where the front matter starts: where a search for the first of a
    /// list of values begins.
    pub(super) fn start(&self) -> usize {
        self.start
    }

    /// The first place at or after byte `from` where `value` is written (the
    /// whole front matter when it cannot be found).
    pub(super) fn find(&self, from: usize, value: &str) -> Span {
        frontmatter::find_value(self.source, self.sources, self.start, self.end, from, value)
    }
}
