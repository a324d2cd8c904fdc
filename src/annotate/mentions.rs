//! Mentions: the glossary entries an article names, explicitly
//! (`[text](@id)`) or by a name or alias the linker finds, each with the
//! sentence around it; and which of them are linked.

use super::anchors::Annotation;
use super::marks::{LinkMention, Mark, MarkKind};
use crate::config::LinkMode;
use crate::diagnostics::Diagnostic;
use crate::glossary::{EntryIdx, Glossary, Linker};
use crate::markdown::Doc;
use crate::source::{SourceId, Span};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

/// A mention of an entry, with the sentence around it (empty past the
/// mentions of the entry an entry page shows, see `Contexts`).
#[derive(Clone, Debug)]
pub struct Mention {
    pub entry: EntryIdx,
    pub before: String,
    pub text: String,
    pub after: String,
}

/// The mentions of one article and the marks of those linked.
pub(super) struct Mentions {
    pub(super) mentions: Vec<Mention>,
    /// Automatic mentions to link (explicit ones are links already).
    pub(super) ranges: Vec<Mark>,
    pub(super) links: Vec<LinkMention>,
    /// Entries the linker found inside quotations, where nothing is linked.
    pub(super) named_in_quotes: BTreeSet<EntryIdx>,
}

/// Where the body is: unknown ids in explicit mentions are reported there.
pub(super) struct Body {
    pub(super) source: SourceId,
    pub(super) start: usize,
}

/// Finds the mentions of `doc`: explicit ones from links, automatic ones
/// from the linker. Quotations are the speaker's words: nothing in them is
/// linked. A name inside a note's anchor is linked inside the note's mark;
/// one that a note starts or ends in the middle of is left alone.
#[expect(clippy::too_many_arguments, reason = "what mentions are found against")]
pub(super) fn find(
    doc: &Doc<'_>,
    glossary: &Glossary,
    linker: &Linker,
    mode: LinkMode,
    placed: &[(Range<usize>, Annotation)],
    body: &Body,
    suggestions: &mut Suggestions<'_>,
    ds: &mut Vec<Diagnostic>,
) -> Mentions {
    let mut out = Mentions {
        mentions: Vec::new(),
        ranges: Vec::new(),
        links: Vec::new(),
        named_in_quotes: BTreeSet::new(),
    };
    let mut in_context = Contexts::default();
    let mut explicit: BTreeSet<EntryIdx> = BTreeSet::new();
    for link in &doc.links {
        let Some(eid) = link.dest.strip_prefix('@') else {
            continue;
        };
        match glossary.get(eid) {
            Some(e) => {
                out.links.push(LinkMention {
                    event: link.event,
                    entry: e,
                });
                explicit.insert(e);
                out.mentions
                    .push(in_context.mention(&doc.text, link.text.clone(), e));
            }
            None => ds.push(
                Diagnostic::error(format!("unknown glossary id `{eid}` in a mention"))
                    .at(Span::new(
                        body.source,
                        body.start + link.source.start,
                        body.start + link.source.end,
                    ))
                    .label("no glossary entry has this id")
                    .suggested(suggestions.closest(eid)),
            ),
        }
    }
    let mut linked: BTreeSet<EntryIdx> = explicit;
    let mut chunk_i = 0;
    for found in linker.find(&doc.text) {
        while chunk_i < doc.chunks.len() && doc.chunks[chunk_i].end <= found.start {
            chunk_i += 1;
        }
        let Some(chunk) = doc.chunks.get(chunk_i) else {
            break;
        };
        if found.start < chunk.start
            || found.end > chunk.end
            || chunk.is_code
            || chunk.in_link
            || chunk.in_heading
        {
            continue;
        }
        let (mut in_quote, mut cut) = (false, false);
        for (r, of) in placed {
            if r.start < found.end && found.start < r.end {
                match of {
                    Annotation::Quote(_) => in_quote = true,
                    Annotation::Note(_) => cut |= found.start < r.start || r.end < found.end,
                }
            }
        }
        if in_quote {
            out.named_in_quotes.insert(found.entry);
            continue;
        }
        if cut {
            continue;
        }
        out.mentions
            .push(in_context.mention(&doc.text, found.start..found.end, found.entry));
        let link_it = match mode {
            LinkMode::All => true,
            LinkMode::First => !linked.contains(&found.entry),
            LinkMode::None => false,
        };
        if link_it {
            linked.insert(found.entry);
            out.ranges.push(Mark {
                range: found.start..found.end,
                kind: MarkKind::Mention { entry: found.entry },
            });
        }
    }
    out
}

/// How many distinct unknown glossary ids of one article get a "did you
/// mean": each lookup compares the id with every entry's, so 4,000 unknown
/// mentions cost 4,000 × the glossary (issue 12). Past the first few, a
/// report shows only where such errors are (see
/// [`crate::diagnostics::SHOWN_PER_KIND`]), so their suggestions would go
/// unread.
const SUGGESTED_PER_ARTICLE: usize = 64;

/// "Did you mean" for glossary ids, within one article: each distinct id is
/// looked up once, and no more than [`SUGGESTED_PER_ARTICLE`] of them.
pub(super) struct Suggestions<'g> {
    glossary: &'g Glossary,
    found: HashMap<String, Option<&'g str>>,
}

impl<'g> Suggestions<'g> {
    pub(super) fn new(glossary: &'g Glossary) -> Suggestions<'g> {
        Suggestions {
            glossary,
            found: HashMap::new(),
        }
    }

    pub(super) fn closest(&mut self, typed: &str) -> Option<&'g str> {
        if let Some(&best) = self.found.get(typed) {
            return best;
        }
        if self.found.len() >= SUGGESTED_PER_ARTICLE {
            return None;
        }
        let best = crate::diagnostics::closest(typed, self.glossary.ids());
        self.found.insert(typed.to_string(), best);
        best
    }
}

/// How many mentions of an entry in one article keep their context (the
/// entry pages quote them).
pub const MENTIONS_PER_ARTICLE: usize = 3;

/// Gives the first mentions of each entry in an article their sentence
/// (keyword in context); the entry pages show no more than
/// [`MENTIONS_PER_ARTICLE`] of them, so the others are counted
/// but carry no text.
#[derive(Default)]
struct Contexts(HashMap<EntryIdx, usize>);

impl Contexts {
    fn mention(&mut self, text: &str, range: Range<usize>, entry: EntryIdx) -> Mention {
        let seen = self.0.entry(entry).or_default();
        *seen += 1;
        if *seen > MENTIONS_PER_ARTICLE {
            return Mention {
                entry,
                before: String::new(),
                text: String::new(),
                after: String::new(),
            };
        }
        kwic(text, range, entry)
    }
}

/// The sentence around `range`: keyword in context. Where the sentence is
/// longer than the reach, it is cut at a word boundary and the cut is marked
/// with an ellipsis, so a snippet never ends mid-word.
fn kwic(text: &str, range: Range<usize>, entry: EntryIdx) -> Mention {
    const REACH: usize = 160;
    let mut start = range.start;
    let lower = range.start.saturating_sub(REACH);
    let mut cut_before = false;
    while let Some(prev) = text[..start].chars().next_back() {
        if prev == '\n' || text[..start].ends_with(". ") {
            break;
        }
        if start <= lower {
            cut_before = true;
            // Forward to the next word.
            start = text[start..range.start]
                .find(' ')
                .map_or(range.start, |i| start + i + 1);
            break;
        }
        start -= prev.len_utf8();
    }
    let mut end = range.end;
    let upper = (range.end + REACH).min(text.len());
    let mut cut_after = false;
    while end < text.len() {
        let c = text[end..].chars().next().unwrap_or(' ');
        if c == '\n' {
            break;
        }
        if end >= upper {
            cut_after = true;
            end = text[range.end..end]
                .rfind(' ')
                .map_or(range.end, |i| range.end + i);
            break;
        }
        end += c.len_utf8();
        if matches!(c, '.' | '!' | '?')
            && (text[end..].starts_with(' ') || text[end..].starts_with('\n'))
        {
            break;
        }
    }
    let clip = |s: &str| {
        let mut out = String::with_capacity(s.len() + 3);
        for word in s.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    };
    let mut before = clip(&text[start..range.start]);
    if !before.is_empty() && text[..range.start].ends_with(char::is_whitespace) {
        before.push(' ');
    }
    if cut_before {
        before.insert(0, '…');
    }
    let mut after = clip(&text[range.end..end]);
    if text[range.end..].starts_with(char::is_whitespace) && !after.is_empty() {
        after.insert(0, ' ');
    }
    if cut_after {
        after.push('…');
    }
    Mention {
        entry,
        before,
        text: text[range.clone()].to_string(),
        after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_in_context_is_the_sentence_around_the_mention() {
        let text = "First sentence. The mayor, Mara Lind, spoke at noon. Then she left.";
        let at = text.find("Mara Lind").unwrap();
        let m = kwic(text, at..at + 9, 0);
        assert_eq!(
            (m.before.as_str(), m.text.as_str(), m.after.as_str()),
            ("The mayor, ", "Mara Lind", ", spoke at noon.")
        );
    }

    #[test]
    fn a_long_sentence_is_cut_at_word_boundaries_with_an_ellipsis() {
        let long = "word ".repeat(60);
        let text = format!("{long}Mara Lind {long}end.");
        let at = text.find("Mara Lind").unwrap();
        let m = kwic(&text, at..at + 9, 0);
        assert!(m.before.starts_with("…word "), "{:?}", m.before);
        assert!(m.after.ends_with(" word…"), "{:?}", m.after);
    }
}
