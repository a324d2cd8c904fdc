//! Footnote references that nothing defines, in any body (articles and plain
//! pages): pulldown-cmark publishes `[^label]` as its literal text when no
//! definition has the label, so a typo would silently become text on the
//! page. For a fact-checking desk that is a citation lost (issue 13).

use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::Doc;
use crate::source::{SourceId, Span};

/// An error for each undefined footnote reference of `doc`, a body that
/// starts at `body_start` of `source`, with the closest label suggested.
/// `source_ids` are an article's sources, which a footnote may cite by id;
/// `None` for a plain page, which has none.
pub(crate) fn undefined(
    doc: &Doc,
    source: SourceId,
    body_start: usize,
    source_ids: Option<Vec<&str>>,
) -> Vec<Diagnostic> {
    let undefined = doc.undefined_footnotes();
    if undefined.is_empty() {
        return Vec::new();
    }
    let defined = doc.footnote_definitions();
    let cites = source_ids.is_some();
    let candidates: Vec<&str> = defined
        .iter()
        .map(String::as_str)
        .chain(source_ids.into_iter().flatten())
        .collect();
    undefined
        .into_iter()
        .map(|(label, range)| {
            let message = if cites {
                format!(
                    "footnote `[^{label}]` has no definition, and no source has the id `{label}`"
                )
            } else {
                format!("footnote `[^{label}]` has no definition")
            };
            let d = Diagnostic::error(message)
                .at(Span::new(
                    source,
                    body_start + range.start,
                    body_start + range.end,
                ))
                .label("this would be published as plain text");
            match closest(&label, candidates.iter().copied()) {
                Some(near) => d.help(format!("did you mean `[^{near}]`?")),
                None if cites => d.help(format!(
                    "define it with a line `[^{label}]: ...`, or cite a source by its id"
                )),
                None => d.help(format!("define it with a line `[^{label}]: ...`")),
            }
        })
        .collect()
}
