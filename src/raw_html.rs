//! Raw HTML written in content, made inert unless the site trusts it.
//!
//! Takes the raw HTML events of a pulldown-cmark stream (`Html` lines inside
//! an HTML block, `InlineHtml` tags inside a paragraph) and returns them
//! sanitized against ammonia's allowlist: formatting, tables, lists, images
//! and links survive; scripts, frames, objects, forms, `<style>`, `<meta>`,
//! `<base>`, SVG and MathML, every event-handler attribute, `style`, `class`
//! and `id`, and every URL whose scheme is not http, https or mailto are
//! removed. Everything else in the stream (gloss's own markup is added later,
//! by [`crate::markdown`]) passes untouched, so a body without raw HTML
//! renders byte for byte as it would without this stage.
//!
//! The subtlety is that Markdown cuts HTML into pieces: `<span title=x>`,
//! then Markdown text, then `</span>` arrive as three events, and an HTML
//! block may open a `<details>` that a later block closes. Sanitizing each
//! piece alone would close every element where its piece ends. So each piece
//! is sanitized with a marker appended: what ammonia writes before the marker
//! is the piece, and the end tags it writes after the marker name the
//! elements the piece leaves open. Those go on a stack; a later end tag is
//! written only when it closes an element on that stack (so content can never
//! close an element of gloss's or the template's), elements opened inside a
//! paragraph are closed where the paragraph ends, and whatever is still open
//! is closed at the end of the document.

use pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;
use std::sync::OnceLock;

/// What a site does with raw HTML in its content (`[markdown] unsafe_html`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RawHtml {
    /// Sanitize it (the default).
    #[default]
    Sanitize,
    /// Pass it through as written: the site trusts everyone who writes content.
    Trust,
}

impl RawHtml {
    /// The mode for a site's `unsafe_html` setting.
    pub fn from_unsafe_html(unsafe_html: bool) -> RawHtml {
        if unsafe_html {
            RawHtml::Trust
        } else {
            RawHtml::Sanitize
        }
    }
}

/// Stands for "the rest of the document" after a piece of HTML. A private-use
/// character, removed from the input first so content cannot forge it.
const MARKER: char = '\u{E000}';

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CELL: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(crate::url_safety::ALLOWED_SCHEMES.into_iter().collect());
        b
    })
}

/// An element raw HTML opened and has not closed yet.
struct Open {
    name: String,
    /// Opened by inline HTML (closed at the end of its paragraph at the latest).
    inline: bool,
}

/// Sanitizes the raw HTML of one Markdown document, event by event.
pub(crate) struct Filter {
    mode: RawHtml,
    open: Vec<Open>,
    /// The lines of the HTML block being read.
    block: Option<String>,
}

impl Filter {
    pub(crate) fn new(mode: RawHtml) -> Filter {
        Filter {
            mode,
            open: Vec::new(),
            block: None,
        }
    }

    /// Passes `ev` on to `out`, sanitized when it is raw HTML. `range` is the
    /// event's place in the source (kept for what replaces it).
    pub(crate) fn push<'a>(
        &mut self,
        ev: Event<'a>,
        range: Range<usize>,
        out: &mut Vec<(Event<'a>, Range<usize>)>,
    ) {
        if self.mode == RawHtml::Trust {
            out.push((ev, range));
            return;
        }
        match ev {
            Event::Start(Tag::HtmlBlock) => {
                self.block = Some(String::new());
                out.push((ev, range));
            }
            Event::Html(html) if self.block.is_some() => {
                if let Some(b) = self.block.as_mut() {
                    b.push_str(&html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let html = self.block.take().unwrap_or_default();
                let clean = self.piece(&html, false);
                if !clean.is_empty() {
                    out.push((Event::Html(clean.into()), range.clone()));
                }
                out.push((ev, range));
            }
            Event::Html(html) => {
                let clean = self.piece(&html, false);
                out.push((Event::Html(clean.into()), range));
            }
            Event::InlineHtml(html) => {
                let clean = self.piece(&html, true);
                if !clean.is_empty() {
                    out.push((Event::InlineHtml(clean.into()), range));
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::Item
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => {
                let closes = self.close_inline();
                if !closes.is_empty() {
                    out.push((Event::InlineHtml(closes.into()), range.clone()));
                }
                out.push((ev, range));
            }
            ev => out.push((ev, range)),
        }
    }

    /// Closes what raw HTML left open; call after the last event.
    pub(crate) fn finish<'a>(&mut self, at: usize, out: &mut Vec<(Event<'a>, Range<usize>)>) {
        let mut closes = String::new();
        while let Some(o) = self.open.pop() {
            push_end_tag(&mut closes, &o.name);
        }
        if !closes.is_empty() {
            out.push((Event::Html(closes.into()), at..at));
        }
    }

    fn close_inline(&mut self) -> String {
        let mut closes = String::new();
        while self.open.last().is_some_and(|o| o.inline) {
            if let Some(o) = self.open.pop() {
                push_end_tag(&mut closes, &o.name);
            }
        }
        closes
    }

    /// One piece of raw HTML, sanitized: its leading end tags kept where they
    /// close an element raw HTML opened, the rest cleaned by ammonia, and the
    /// elements it leaves open remembered.
    fn piece(&mut self, html: &str, inline: bool) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some((name, len)) = leading_end_tag(rest) {
            self.close(&name, &mut out);
            rest = &rest[len..];
        }
        if rest.trim().is_empty() {
            out.push_str(rest);
            return out;
        }
        let input: String = rest
            .chars()
            .map(|c| if c == MARKER { '\u{FFFD}' } else { c })
            .chain(std::iter::once(MARKER))
            .collect();
        let clean = sanitizer().clean(&input).to_string();
        let split = clean
            .rfind(MARKER)
            .map(|at| (&clean[..at], &clean[at + MARKER.len_utf8()..]));
        match split.and_then(|(before, after)| Some((before, end_tags(after)?))) {
            Some((before, left_open)) => {
                out.push_str(before);
                // End tags come innermost first; the stack wants outermost first.
                for name in left_open.into_iter().rev() {
                    self.open.push(Open { name, inline });
                }
            }
            // The parser moved the rest of the document somewhere (a table
            // fosters text out of itself) or dropped it: fall back to the
            // piece cleaned on its own, every element closed.
            None => out.push_str(&sanitizer().clean(rest).to_string()),
        }
        out
    }

    /// Writes `</name>` if it closes an element raw HTML opened (with the
    /// end tags of any opened inside it); drops it otherwise.
    fn close(&mut self, name: &str, out: &mut String) {
        let Some(at) = self.open.iter().rposition(|o| o.name == name) else {
            return;
        };
        while self.open.len() > at {
            if let Some(o) = self.open.pop() {
                push_end_tag(out, &o.name);
            }
        }
    }
}

fn push_end_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// An end tag (`</name>`, whitespace allowed around it and before `>`) at
/// the start of `s`: its lowercased name and its length with the whitespace
/// before it.
fn leading_end_tag(s: &str) -> Option<(String, usize)> {
    let start = s.len() - s.trim_start().len();
    let body = s[start..].strip_prefix("</")?;
    let name_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    if name_len == 0 {
        return None;
    }
    let after = &body[name_len..];
    let gap = after.len() - after.trim_start().len();
    after[gap..].starts_with('>').then(|| {
        (
            body[..name_len].to_ascii_lowercase(),
            start + 2 + name_len + gap + 1,
        )
    })
}

/// The names in `s` if it is nothing but end tags (as ammonia writes them
/// after the marker); `None` if anything else is there.
fn end_tags(s: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (name, len) = leading_end_tag(rest)?;
        names.push(name);
        rest = &rest[len..];
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn render(md: &str, mode: RawHtml) -> String {
        let mut filter = Filter::new(mode);
        let mut events = Vec::new();
        for (ev, range) in Parser::new(md).into_offset_iter() {
            filter.push(ev, range, &mut events);
        }
        filter.finish(md.len(), &mut events);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        html
    }

    fn clean(md: &str) -> String {
        render(md, RawHtml::Sanitize)
    }

    #[test]
    fn inline_tags_keep_their_text_and_lose_their_handlers() {
        assert_eq!(
            clean("A <span onclick=\"x()\" title=\"t\">b *c*</span> d."),
            "<p>A <span title=\"t\">b <em>c</em></span> d.</p>\n"
        );
        assert_eq!(
            clean("Press <kbd>Ctrl</kbd>."),
            "<p>Press <kbd>Ctrl</kbd>.</p>\n"
        );
    }

    #[test]
    fn dangerous_inline_html_is_removed() {
        assert_eq!(
            clean("a <img src=x onerror=alert(1)> b"),
            "<p>a <img src=\"x\"> b</p>\n"
        );
        assert_eq!(
            clean("a <a href=\"javascript:alert(1)\">x</a> b"),
            "<p>a <a rel=\"noopener noreferrer\">x</a> b</p>\n"
        );
        assert_eq!(
            clean("a <a href=\"jav&#x09;ascript:alert(1)\">x</a>"),
            "<p>a <a rel=\"noopener noreferrer\">x</a></p>\n"
        );
        // Inline tags that are not allowed go; their text stays, as text.
        assert_eq!(
            clean("a <iframe src=\"https://x\">y</iframe> b"),
            "<p>a y b</p>\n"
        );
    }

    #[test]
    fn an_html_block_is_cleaned_whole() {
        assert_eq!(clean("<script>alert(1)</script>\n\nok"), "\n<p>ok</p>\n");
        assert_eq!(
            clean("<div onmouseover=\"x\"><svg onload=alert(1)></svg><b>hi</b></div>\n"),
            "<div><b>hi</b></div>\n"
        );
    }

    #[test]
    fn an_element_opened_in_one_block_is_closed_by_a_later_one() {
        assert_eq!(
            clean("<details><summary>More</summary>\n\nHidden *text*.\n\n</details>\n\nAfter."),
            "<details><summary>More</summary>\n<p>Hidden <em>text</em>.</p>\n</details>\n<p>After.</p>\n"
        );
    }

    #[test]
    fn content_cannot_close_what_it_did_not_open() {
        assert_eq!(clean("a </div></p> b"), "<p>a  b</p>\n");
        assert_eq!(clean("</article>\n\nx"), "\n<p>x</p>\n");
    }

    #[test]
    fn what_raw_html_leaves_open_is_closed_at_its_paragraph_or_the_end() {
        assert_eq!(
            clean("a <b>bold\n\nnext"),
            "<p>a <b>bold</b></p>\n<p>next</p>\n"
        );
        assert_eq!(clean("<div>\n\nx"), "<div>\n<p>x</p>\n</div>");
    }

    #[test]
    fn a_forged_marker_changes_nothing() {
        let html = clean("a <span title=\"\u{E000}\">b</span>");
        assert_eq!(html, "<p>a <span title=\"\u{FFFD}\">b</span></p>\n");
    }

    #[test]
    fn trusted_html_passes_as_written() {
        let md = "a <span onclick=\"x()\">b</span>\n\n<script>alert(1)</script>\n";
        let mut plain = String::new();
        pulldown_cmark::html::push_html(&mut plain, Parser::new(md));
        assert_eq!(render(md, RawHtml::Trust), plain);
    }
}
