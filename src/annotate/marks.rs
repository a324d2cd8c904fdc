//! The marks resolve finds over an article's reader's text
//! ([`crate::markdown::Doc::text`]): plain data, never markup. The body
//! renderer (`crate::render::body`) turns the parsed body and these marks
//! into HTML, for the page and for feeds.
//!
//! Ranges are byte ranges of the reader's text; events are indexes into the
//! parsed body's events ([`crate::markdown::Doc::events`]), so marks belong to
//! the `Doc` they were found in (or to a parse of the same body with the same
//! source ids, which gives the same events).

use crate::glossary::EntryIdx;
use std::ops::Range;

/// What a stretch of the reader's text is marked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// The anchor of note `number` (1-based: `ResolvedArticle::notes[number - 1]`).
    /// The note's number and text are shown once, where its range ends.
    Note { number: usize },
    /// A quotation: index into `ResolvedArticle::quotes` (reading order).
    Quote { index: usize },
    /// A glossary mention found by the linker, linked to its entry.
    Mention { entry: EntryIdx },
}

impl MarkKind {
    /// Which of two marks over the same range is the outer one: notes hold
    /// quotes, and both hold mentions (a mention inside a note anchor is
    /// nested inside the note's mark).
    pub fn rank(&self) -> u8 {
        match self {
            MarkKind::Note { .. } => 0,
            MarkKind::Quote { .. } => 1,
            MarkKind::Mention { .. } => 2,
        }
    }
}

/// A mark over a range of the reader's text. Marks may overlap in any way:
/// the renderer cuts the text into segments that each carry the set of
/// marks over them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub range: Range<usize>,
    pub kind: MarkKind,
}

/// A note shown at a footnote reference rather than at the end of an
/// anchor: a source note `[^source-id]`, or an ordinary footnote `[^1]`,
/// numbered in the same sequence. Every reference to one ordinary footnote
/// has a point with the footnote's number; the first shows the note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotePoint {
    /// The footnote reference's event.
    pub event: usize,
    pub number: usize,
}

/// An explicit mention `[text](@id)`: the link at `event` goes to `entry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkMention {
    /// The link's start event.
    pub event: usize,
    pub entry: EntryIdx,
}

/// Every mark of one article body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// In the order they were found: mentions, then note anchors (front
    /// matter order), then quotes. The renderer orders them outer first.
    pub ranges: Vec<Mark>,
    pub points: Vec<NotePoint>,
    pub links: Vec<LinkMention>,
}
