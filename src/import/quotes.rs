//! Quotations: takes the document's blocks, returns every quotation with the
//! block and byte range of its text, in document order.
//!
//! Curly (“ ”) and straight (") double quotes; a quotation left open at the
//! end of a paragraph continues in the next one when that opens with a quote
//! mark (the news convention); a block quotation is one quotation. Short
//! quoted phrases (scare quotes, titles) are not quotations: fewer than four
//! words and no speech punctuation inside.

use super::document::{Block, BlockKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Index of the block.
    pub block: usize,
    /// Byte range of the quoted text (marks excluded) in the block's text.
    pub start: usize,
    pub end: usize,
    /// The anchor: the quoted text, trimmed, a trailing comma dropped.
    pub text: String,
    /// Byte offset just past the closing mark (or the block's end).
    pub after: usize,
    /// Byte offset of the opening mark.
    pub before: usize,
    /// Opened in an earlier paragraph that ended without closing it.
    pub continues: bool,
    /// A whole block quotation.
    pub is_block: bool,
}

fn is_quotation(text: &str, open_ended: bool, continues: bool) -> bool {
    let words = text.split_whitespace().count();
    words >= 4
        || open_ended
        || continues
        || (words >= 2 && text.trim_end().ends_with([',', '.', '?', '!']))
}

/// The anchor text of a quoted range: trimmed, without a trailing comma.
fn anchor(s: &str) -> String {
    s.trim().trim_end_matches(',').trim_end().to_string()
}

/// Every quotation in `blocks`, in document order.
pub fn find(blocks: &[Block]) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut open_from_previous = false;
    for (bi, block) in blocks.iter().enumerate() {
        if block.kind == BlockKind::Quote {
            let t = &block.text;
            // An attribution line ("— Mara Lind") at the end is not quoted.
            let body_end = attribution_dash(t).unwrap_or(t.len());
            let inner =
                t[..body_end].trim_matches(|c: char| c.is_whitespace() || "\"“”".contains(c));
            let start = t.find(inner).unwrap_or(0);
            out.push(Quote {
                block: bi,
                start,
                end: start + inner.len(),
                text: anchor(inner),
                after: body_end,
                before: 0,
                continues: false,
                is_block: true,
            });
            open_from_previous = false;
            continue;
        }
        if block.kind == BlockKind::Heading {
            open_from_previous = false;
            continue;
        }
        let t = &block.text;
        let mut open: Option<(usize, usize)> = None; // (mark offset, text start)
        let mut first = true;
        let mut continued_here = false;
        for (i, c) in t.char_indices() {
            let len = c.len_utf8();
            match (open, c) {
                (None, '“' | '"') => {
                    continued_here = first && open_from_previous && t[..i].trim().is_empty();
                    open = Some((i, i + len));
                    first = false;
                }
                (Some((mark, from)), '”' | '"') => {
                    let inner = &t[from..i];
                    if is_quotation(inner, false, continued_here) && !anchor(inner).is_empty() {
                        let lead = inner.len() - inner.trim_start().len();
                        let text = anchor(inner);
                        out.push(Quote {
                            block: bi,
                            start: from + lead,
                            end: from + lead + text.len(),
                            text,
                            after: i + len,
                            before: mark,
                            continues: continued_here,
                            is_block: false,
                        });
                    }
                    open = None;
                    continued_here = false;
                }
                _ => {}
            }
            if !c.is_whitespace() {
                first = false;
            }
        }
        open_from_previous = false;
        if let Some((mark, from)) = open {
            let inner = &t[from..];
            let text = anchor(inner);
            if !text.is_empty() {
                let lead = inner.len() - inner.trim_start().len();
                out.push(Quote {
                    block: bi,
                    start: from + lead,
                    end: from + lead + text.len(),
                    text,
                    after: t.len(),
                    before: mark,
                    continues: continued_here,
                    is_block: false,
                });
                open_from_previous = true;
            }
        }
    }
    out
}

/// Where a trailing "— Name" attribution starts in a block quotation.
pub fn attribution_dash(t: &str) -> Option<usize> {
    for dash in [" — ", " – ", " - ", "—", "–"] {
        if let Some(i) = t.rfind(dash) {
            let name = t[i + dash.len()..].trim();
            let words = name.split_whitespace().count();
            if (1..=8).contains(&words)
                && name.chars().next().is_some_and(char::is_uppercase)
                && !name.ends_with(['.', '"', '”'])
            {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::plain(BlockKind::Paragraph, s)
    }

    fn texts(blocks: &[Block]) -> Vec<(String, bool)> {
        find(blocks)
            .into_iter()
            .map(|q| (q.text, q.continues))
            .collect()
    }

    #[test]
    fn split_quotes_are_two_quotations_with_the_attribution_between() {
        let b = [para(
            "“We will not wait,” she said. “The water is rising now.”",
        )];
        assert_eq!(
            texts(&b),
            [
                ("We will not wait".into(), false),
                ("The water is rising now.".into(), false)
            ]
        );
    }

    #[test]
    fn straight_quotes_and_scare_quotes() {
        let b = [para(
            r#"He called it a "plan" and said "we start on Monday," adding nothing."#,
        )];
        assert_eq!(texts(&b), [("we start on Monday".into(), false)]);
    }

    #[test]
    fn a_quote_left_open_continues_in_the_next_paragraph() {
        let b = [
            para("“The first part runs to the end of this paragraph."),
            para("“And the second part closes here,” Lind said."),
        ];
        assert_eq!(
            texts(&b),
            [
                (
                    "The first part runs to the end of this paragraph.".into(),
                    false
                ),
                ("And the second part closes here".into(), true)
            ]
        );
    }

    #[test]
    fn a_block_quotation_is_one_quote_without_its_dash_attribution() {
        let b = [Block::plain(
            BlockKind::Quote,
            "We measured the tide for forty years. — Mara Lind",
        )];
        let q = find(&b);
        assert_eq!(q[0].text, "We measured the tide for forty years.");
        assert!(q[0].is_block);
    }
}
