//! Markdown -> HTML with room for annotations.
//!
//! [`Doc::parse`] runs pulldown-cmark once and records the *reader's text*:
//! the words of the body as a reader sees them (Markdown syntax gone, smart
//! punctuation applied), as one string whose pieces ("chunks") remember the
//! event they came from. Annotations are byte ranges in that string.
//! The body's HTML is written elsewhere, by `crate::render::body`, from the
//! events and chunks kept here ([`Doc::take_events`], [`Doc::chunks`]) and the
//! typed marks that resolve found: this module knows nothing of notes,
//! quotes or mentions.
//!
//! Fenced code is highlighted with syntect into CSS classes (prefix `hl-`);
//! the syntax set is loaded once, on first use.
//!
//! Raw HTML in the Markdown goes through `crate::raw_html` as the events
//! are read, before gloss adds any markup of its own, so sanitizing it can
//! never touch gloss's notes, mentions, quotes, footnotes, code or heading
//! ids. Every link and image destination is recorded ([`UrlRef`]) for the
//! resolve stage to check.

use crate::raw_html::{self, RawHtml};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// A piece of the reader's text that came from one event.
#[derive(Clone, Debug)]
pub struct Chunk {
    /// Index of the event in the document's event list.
    pub event: usize,
    /// Where the chunk sits in [`Doc::text`].
    pub start: usize,
    pub end: usize,
    /// Inline code: annotations may cover it, mentions may not.
    pub is_code: bool,
    /// Inside a heading, link or image.
    pub in_heading: bool,
    pub in_link: bool,
}

/// A link in the body, for checking schemes and explicit `@id` mentions.
#[derive(Clone, Debug)]
pub struct LinkRef {
    pub event: usize,
    pub dest: String,
    /// Byte range of the link's Markdown in the body.
    pub source: Range<usize>,
    /// The link's text in the reader's text.
    pub text: Range<usize>,
}

/// A URL the Markdown puts in the page: a link's or an image's destination
/// (inline, reference or autolink), for the one URL check.
#[derive(Clone, Debug)]
pub struct UrlRef {
    pub dest: String,
    pub is_image: bool,
    /// Byte range of the link's or image's Markdown in the text parsed.
    pub source: Range<usize>,
}

impl UrlRef {
    /// An explicit mention `[text](@id)` names a glossary entry, not a URL.
    pub fn is_mention(&self) -> bool {
        !self.is_image && self.dest.starts_with('@')
    }
}

/// A footnote reference `[^label]` and where it falls in the reader's text.
#[derive(Clone, Debug)]
pub struct FootnoteRef {
    pub event: usize,
    pub label: String,
    pub at: usize,
    pub source: Range<usize>,
}

/// A footnote definition `[^label]: ...` that the body itself writes (not
/// one gloss added for a source note).
#[derive(Clone, Debug)]
pub struct FootnoteDef {
    pub label: String,
    /// Its events, from its start event to its end event, both included.
    pub events: Range<usize>,
    /// Where its words sit in [`Doc::text`].
    pub text: Range<usize>,
    /// Whether it holds only paragraphs of inline text (no list, code block,
    /// table, quotation, heading, rule, HTML block or footnote reference), so
    /// that it can be shown as a sidenote, which lives inside a sentence.
    pub inline: bool,
}

/// A parsed body.
pub struct Doc<'a> {
    events: Vec<(Event<'a>, Range<usize>)>,
    /// The Markdown parsed (the body, with any synthetic definitions after it).
    src: &'a str,
    /// The reader's text; block ends become `\n`.
    pub text: String,
    pub chunks: Vec<Chunk>,
    pub links: Vec<LinkRef>,
    /// Every link and image destination, in document order.
    pub urls: Vec<UrlRef>,
    pub footnotes: Vec<FootnoteRef>,
    /// The body's own footnote definitions, in document order.
    pub footnote_defs: Vec<FootnoteDef>,
    /// Footnote labels whose definitions gloss added (source notes).
    synthetic: Vec<String>,
    /// Heading id for each heading's start event.
    heading_ids: HashMap<usize, String>,
    /// Code blocks shown without highlighting, for their lines are too long
    /// ([`MAX_HIGHLIGHT_LINE`]), in document order.
    pub unhighlighted: Vec<LongCode>,
}

/// The longest line, in bytes, that code blocks are highlighted with.
///
/// syntect matches its grammar's regexes at every token of a line, holding
/// the line's tokens and scope stack in memory: a 4 MB line took 13.5 s and
/// 2.6 GB (issue 12). Code people write stays under a few hundred bytes a
/// line; lines past a few thousand are generated or minified (data URIs,
/// bundles), where colours help no one. At 4 KiB a line costs about 20 ms.
pub const MAX_HIGHLIGHT_LINE: usize = 4096;

/// A code block with a line too long to highlight: it is shown escaped and
/// plain, and the build warns about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LongCode {
    /// The block's opening in the body (its fence line), for the warning:
    /// pointing at the long line itself would print it whole.
    pub fence: Range<usize>,
    /// The long line: 1-based within the block, and its length in bytes.
    pub line: usize,
    pub len: usize,
}

/// The options gloss renders Markdown with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

impl<'a> Doc<'a> {
    /// Parses `body`, sanitizing its raw HTML. Footnote references `[^label]`
    /// with no definition whose label passes `is_source` get a synthetic
    /// definition so the parser reports them; they become source notes.
    pub fn parse(
        body: &'a str,
        owned: &'a mut String,
        is_source: impl Fn(&str) -> bool,
    ) -> Doc<'a> {
        Doc::parse_with(body, owned, is_source, RawHtml::Sanitize)
    }

    /// [`Doc::parse`], with the site's choice for raw HTML.
    pub fn parse_with(
        body: &'a str,
        owned: &'a mut String,
        is_source: impl Fn(&str) -> bool,
        raw: RawHtml,
    ) -> Doc<'a> {
        let mut synthetic = Vec::new();
        if body.contains("[^") {
            for label in footnote_labels(body) {
                let def = format!("[^{label}]:");
                if is_source(&label) && !body.contains(&def) && !synthetic.contains(&label) {
                    synthetic.push(label);
                }
            }
        }
        let src: &'a str = if synthetic.is_empty() {
            body
        } else {
            owned.push_str(body);
            for label in &synthetic {
                owned.push_str(&format!("\n\n[^{label}]: source\n"));
            }
            owned.as_str()
        };
        let mut events: Vec<(Event<'a>, Range<usize>)> = Vec::new();
        let mut filter = raw_html::Filter::new(raw);
        let mut filtered = Vec::new();
        for (ev, range) in Parser::new_ext(src, options()).into_offset_iter() {
            filter.push(ev, range, &mut filtered);
            for (ev, range) in filtered.drain(..) {
                push_merging_text(&mut events, ev, range);
            }
        }
        filter.finish(src.len(), &mut filtered);
        for (ev, range) in filtered.drain(..) {
            push_merging_text(&mut events, ev, range);
        }
        let mut doc = Doc {
            events,
            src,
            text: String::with_capacity(src.len()),
            chunks: Vec::new(),
            links: Vec::new(),
            urls: Vec::new(),
            footnotes: Vec::new(),
            footnote_defs: Vec::new(),
            synthetic,
            heading_ids: HashMap::new(),
            unhighlighted: Vec::new(),
        };
        doc.index();
        doc
    }

    /// Builds the reader's text, the chunks, links, footnotes and heading ids.
    fn index(&mut self) {
        let mut heading: Option<(usize, String)> = None;
        let mut links: Vec<(usize, String, Range<usize>, usize)> = Vec::new();
        let mut image = 0usize;
        let mut code_block = false;
        let mut used_ids: HashMap<String, usize> = HashMap::new();
        let mut def: Option<FootnoteDef> = None;
        for (i, (ev, range)) in self.events.iter().enumerate() {
            if let Some(d) = def.as_mut() {
                if !inline_in_footnote(ev) {
                    d.inline = false;
                }
            }
            match ev {
                Event::Start(Tag::FootnoteDefinition(label)) if !self.is_synthetic(label) => {
                    def = Some(FootnoteDef {
                        label: label.to_string(),
                        events: i..i,
                        text: self.text.len()..self.text.len(),
                        inline: true,
                    });
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some(mut d) = def.take() {
                        d.events.end = i + 1;
                        d.text.end = self.text.len();
                        self.footnote_defs.push(d);
                    }
                    self.text.push('\n');
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    code_block = true;
                    // Only blocks with a language are highlighted.
                    let fenced = matches!(kind, CodeBlockKind::Fenced(l)
                        if !l.split([' ', ',']).next().unwrap_or("").is_empty());
                    if let (true, Some(Event::Text(code))) =
                        (fenced, self.events.get(i + 1).map(|e| &e.0))
                    {
                        if let Some((line, len)) = long_line(code) {
                            let src = &self.src[range.clone()];
                            let fence =
                                range.start..range.start + src.find('\n').unwrap_or(src.len());
                            self.unhighlighted.push(LongCode { fence, line, len });
                        }
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    code_block = false;
                    self.text.push('\n');
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    image += 1;
                    self.urls.push(UrlRef {
                        dest: dest_url.to_string(),
                        is_image: true,
                        source: range.clone(),
                    });
                }
                Event::End(TagEnd::Image) => image -= 1,
                Event::Start(Tag::Heading { .. }) => heading = Some((i, String::new())),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((at, words)) = heading.take() {
                        let base = crate::routes::slugify(&words);
                        let n = used_ids.entry(base.clone()).or_insert(0);
                        *n += 1;
                        let id = if *n == 1 { base } else { format!("{base}-{n}") };
                        self.heading_ids.insert(at, id);
                    }
                    self.text.push('\n');
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    self.urls.push(UrlRef {
                        dest: dest_url.to_string(),
                        is_image: false,
                        source: range.clone(),
                    });
                    links.push((i, dest_url.to_string(), range.clone(), self.text.len()));
                }
                Event::End(TagEnd::Link) => {
                    if let Some((event, dest, source, start)) = links.pop() {
                        self.links.push(LinkRef {
                            event,
                            dest,
                            source,
                            text: start..self.text.len(),
                        });
                    }
                }
                Event::Text(t) | Event::Code(t) if !code_block && image == 0 => {
                    if let Some((_, words)) = heading.as_mut() {
                        words.push_str(t);
                    }
                    let start = self.text.len();
                    self.text.push_str(t);
                    self.chunks.push(Chunk {
                        event: i,
                        start,
                        end: self.text.len(),
                        is_code: matches!(ev, Event::Code(_)),
                        in_heading: heading.is_some(),
                        in_link: !links.is_empty(),
                    });
                }
                Event::SoftBreak => self.text.push(' '),
                Event::HardBreak => self.text.push('\n'),
                Event::FootnoteReference(label) => self.footnotes.push(FootnoteRef {
                    event: i,
                    label: label.to_string(),
                    at: self.text.len(),
                    source: range.clone(),
                }),
                Event::End(
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::TableCell,
                ) => self.text.push('\n'),
                _ => {}
            }
        }
        self.links.sort_by_key(|l| l.event);
    }

    /// Footnote references left as text because nothing defines their label
    /// (`[^reutres]`, a typo), with the label's byte range in the body.
    /// Text in code is not a reference and is never returned.
    pub fn undefined_footnotes(&self) -> Vec<(String, Range<usize>)> {
        let mut found = Vec::new();
        for chunk in self.chunks.iter().filter(|c| !c.is_code) {
            let (Event::Text(t), range) = &self.events[chunk.event] else {
                continue;
            };
            if !t.contains("[^") {
                continue;
            }
            // The merged text event's range covers its source; find each
            // label there, so the position is the one the writer typed.
            let mut from = range.start;
            for label in footnote_labels(t) {
                let written = format!("[^{label}]");
                let Some(src) = self.source_text(from..range.end) else {
                    break;
                };
                if let Some(i) = src.find(&written) {
                    let start = from + i;
                    found.push((label, start..start + written.len()));
                    from = start + written.len();
                }
            }
        }
        found
    }

    /// The labels that a footnote definition of the body defines.
    pub fn footnote_definitions(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|(ev, _)| match ev {
                Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
                _ => None,
            })
            .filter(|l| !self.is_synthetic(l))
            .collect()
    }

    fn source_text(&self, range: Range<usize>) -> Option<&str> {
        self.src.get(range)
    }

    /// Whether a footnote label got a synthetic definition (is a source note).
    pub fn is_synthetic(&self, label: &str) -> bool {
        self.synthetic.iter().any(|l| l == label)
    }

    /// The events of the body, for the one body renderer
    /// (`crate::render::body`), which walks them once with the marks.
    pub fn events(&self) -> &[(Event<'a>, Range<usize>)] {
        &self.events
    }

    /// Hands the events over, leaving none: the body renderer consumes them
    /// (the text, chunks and heading ids stay readable).
    pub fn take_events(&mut self) -> Vec<(Event<'a>, Range<usize>)> {
        std::mem::take(&mut self.events)
    }

    /// The id gloss gives the heading that starts at `event`, if any.
    pub fn heading_id(&self, event: usize) -> Option<&str> {
        self.heading_ids.get(&event).map(String::as_str)
    }
}

/// Whether `ev` can be inside a footnote definition shown as a sidenote:
/// paragraphs and what goes inside them.
fn inline_in_footnote(ev: &Event<'_>) -> bool {
    match ev {
        Event::Start(t) => matches!(
            t,
            Tag::FootnoteDefinition(_)
                | Tag::Paragraph
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::FootnoteDefinition
                | TagEnd::Paragraph
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        _ => false,
    }
}

/// Pushes an event, merging runs of text so a name split by smart
/// punctuation is one chunk. A soft break is a space to the reader: as text,
/// it lets a name wrapped across two source lines be found and linked.
fn push_merging_text<'a>(
    events: &mut Vec<(Event<'a>, Range<usize>)>,
    ev: Event<'a>,
    range: Range<usize>,
) {
    let ev = match ev {
        Event::SoftBreak => Event::Text(CowStr::Borrowed(" ")),
        ev => ev,
    };
    if let (Event::Text(t), Some((Event::Text(prev), prev_range))) = (&ev, events.last_mut()) {
        let mut joined = String::with_capacity(prev.len() + t.len());
        joined.push_str(prev);
        joined.push_str(t);
        *prev = CowStr::from(joined);
        prev_range.end = range.end;
        return;
    }
    events.push((ev, range));
}

/// Escapes text for HTML content and attribute values. Runs of ordinary
/// text are copied whole: most text has nothing to escape, and this runs
/// over every string a template prints.
pub fn escape_into(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `i` is a char boundary.
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn footnote_labels(body: &str) -> Vec<String> {
    let mut labels = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("[^") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(']') {
            let label = &rest[..end];
            if !label.is_empty()
                && !label.contains(char::is_whitespace)
                && !rest[end + 1..].starts_with(':')
            {
                labels.push(label.to_string());
            }
        }
    }
    labels
}

/// A short Markdown text rendered on its own (a note, a description).
#[derive(Clone, Debug, Default)]
pub struct Snippet {
    pub html: String,
    /// Its words, without markup.
    pub plain: String,
    /// The text its HTML puts in a page's DOM (what a strict text-quote
    /// matcher reads): breaks as `\n`, image alt text left out, and
    /// [`DOM_UNKNOWN`] where raw HTML holds text gloss does not model.
    pub dom_text: String,
    /// Every link and image destination in it, for the URL check.
    pub urls: Vec<UrlRef>,
}

/// Stands, in a DOM text model, for text gloss does not know (raw HTML) or a
/// boundary no selector reaches across. NUL never reaches a page's text:
/// pulldown-cmark turns it into U+FFFD.
pub const DOM_UNKNOWN: char = '\0';

/// The events of a snippet, its raw HTML handled as `raw` says, and the
/// URLs and plain text in it.
fn snippet_events(md: &str, raw: RawHtml) -> (Vec<Event<'_>>, Snippet) {
    let mut filter = raw_html::Filter::new(raw);
    let mut events = Vec::new();
    for (ev, range) in Parser::new_ext(md, options()).into_offset_iter() {
        filter.push(ev, range, &mut events);
    }
    filter.finish(md.len(), &mut events);
    let mut snippet = Snippet::default();
    let mut images = 0usize;
    for (e, _) in &events {
        match e {
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            _ if images > 0 => {}
            Event::Text(t) | Event::Code(t) => snippet.dom_text.push_str(t),
            Event::SoftBreak | Event::HardBreak => snippet.dom_text.push('\n'),
            Event::Html(_) | Event::InlineHtml(_) => snippet.dom_text.push(DOM_UNKNOWN),
            _ => {}
        }
    }
    snippet.dom_text = snippet.dom_text.trim().to_string();
    for (e, range) in &events {
        match e {
            Event::Text(t) | Event::Code(t) => snippet.plain.push_str(t),
            Event::SoftBreak | Event::HardBreak => snippet.plain.push(' '),
            Event::End(TagEnd::Paragraph) => snippet.plain.push('\n'),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                snippet.urls.push(UrlRef {
                    dest: dest_url.to_string(),
                    is_image: matches!(e, Event::Start(Tag::Image { .. })),
                    source: range.clone(),
                })
            }
            _ => {}
        }
    }
    snippet.plain = snippet.plain.trim().to_string();
    (events.into_iter().map(|(e, _)| e).collect(), snippet)
}

/// Renders a short Markdown snippet (a note's text) as inline HTML: no
/// paragraph wrapper, so it can sit inside a sentence.
pub fn render_inline(md: &str) -> String {
    render_inline_with(md, RawHtml::Sanitize).html
}

/// [`render_inline`], with the site's choice for raw HTML and the URLs found.
pub fn render_inline_with(md: &str, raw: RawHtml) -> Snippet {
    let (events, mut snippet) = snippet_events(md, raw);
    let events = events.into_iter().filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    pulldown_cmark::html::push_html(&mut snippet.html, events);
    snippet.html = snippet.html.trim().to_string();
    snippet
}

/// [`render_inline_with`] for a feed entry of the page at `page`: links to a
/// place on the page (`#...`) point at the page, as feed readers resolve
/// links against the site's root.
pub fn render_inline_in_feed(md: &str, raw: RawHtml, page: &str) -> String {
    let (events, _) = snippet_events(md, raw);
    let events = events
        .into_iter()
        .filter(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .map(|e| match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with('#') => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(format!("{page}{dest_url}")),
                title,
                id,
            }),
            e => e,
        });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim().to_string()
}

/// Renders a Markdown snippet (an entry's description) as block HTML, and
/// returns its plain text too.
pub fn render_block(md: &str) -> (String, String) {
    let s = render_block_with(md, RawHtml::Sanitize);
    (s.html, s.plain)
}

/// [`render_block`], with the site's choice for raw HTML and the URLs found.
pub fn render_block_with(md: &str, raw: RawHtml) -> Snippet {
    let (events, mut snippet) = snippet_events(md, raw);
    pulldown_cmark::html::push_html(&mut snippet.html, events.into_iter());
    snippet
}

struct Highlighting {
    syntaxes: syntect::parsing::SyntaxSet,
}

fn highlighting() -> &'static Highlighting {
    static CELL: OnceLock<Highlighting> = OnceLock::new();
    CELL.get_or_init(|| Highlighting {
        syntaxes: syntect::parsing::SyntaxSet::load_defaults_newlines(),
    })
}

/// The CSS class style shared by the highlighter and the stylesheet.
pub const CLASS_STYLE: syntect::html::ClassStyle =
    syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The first line of `code` longer than [`MAX_HIGHLIGHT_LINE`]: its number
/// (1-based) and length in bytes.
fn long_line(code: &str) -> Option<(usize, usize)> {
    code.split('\n')
        .enumerate()
        .find(|(_, l)| l.len() > MAX_HIGHLIGHT_LINE)
        .map(|(i, l)| (i + 1, l.len()))
}

/// A code block's HTML: highlighted when it has a language and no line is
/// too long ([`MAX_HIGHLIGHT_LINE`]), escaped and plain otherwise.
pub fn highlight(lang: &str, code: &str) -> String {
    let mut out = String::new();
    let lang_attr = escape(lang);
    if !lang.is_empty() && long_line(code).is_some() {
        // Shown as it is, escaped; the build warns (`Doc::unhighlighted`).
        out.push_str(&format!(
            "<pre class=\"code\" data-lang=\"{lang_attr}\"><code>"
        ));
        escape_into(&mut out, code);
        out.push_str("</code></pre>\n");
        return out;
    }
    if lang.is_empty() {
        out.push_str("<pre class=\"code\"><code>");
        escape_into(&mut out, code);
        out.push_str("</code></pre>\n");
        return out;
    }
    let h = highlighting();
    let syntax = h
        .syntaxes
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| h.syntaxes.find_syntax_plain_text());
    let mut gen =
        syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, &h.syntaxes, CLASS_STYLE);
    for line in syntect::util::LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            let mut plain = String::new();
            escape_into(&mut plain, code);
            return format!(
                "<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{plain}</code></pre>\n"
            );
        }
    }
    format!(
        "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{}</code></pre>\n",
        gen.finalize()
    )
}

/// The stylesheet for highlighted code: the configured theme, and a dark
/// theme under `prefers-color-scheme: dark`. `None` if the theme is unknown.
pub fn highlight_css(theme: &str) -> Result<String, Vec<String>> {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let Some(light) = themes.themes.get(theme) else {
        return Err(themes.themes.keys().cloned().collect());
    };
    let css = syntect::html::css_for_theme_with_class_style(light, CLASS_STYLE)
        .map_err(|_| Vec::new())?;
    // The theme draws code on white in light mode and on #22252c in dark mode.
    let mut css = ensure_contrast(&css, (0xff, 0xff, 0xff));
    if let Some(dark) = themes.themes.get("base16-ocean.dark") {
        if theme != "base16-ocean.dark" {
            if let Ok(d) = syntect::html::css_for_theme_with_class_style(dark, CLASS_STYLE) {
                let d = ensure_contrast(&d, (0x22, 0x25, 0x2c));
                css.push_str("\n@media (prefers-color-scheme: dark) {\n");
                css.push_str(&d);
                css.push_str("}\n");
            }
        }
    }
    Ok(css)
}

/// Moves every text colour of a highlighting theme just far enough from
/// `background` to reach WCAG AA contrast (4.5:1), keeping its hue: many
/// syntect themes draw comments in greys too light to read.
fn ensure_contrast(css: &str, background: (u8, u8, u8)) -> String {
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let c = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b)
    }
    fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }
    let bg_light = luminance(background) > 0.5;
    let toward = if bg_light { 0.0 } else { 255.0 };
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("color: #") {
        let is_background = rest[..i].ends_with("background-");
        let (head, tail) = rest.split_at(i + "color: #".len());
        out.push_str(head);
        let hex = tail
            .get(..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match (hex, is_background) {
            (Some(hex), false) => {
                let p = |k: usize| u8::from_str_radix(&hex[k..k + 2], 16).unwrap_or(0);
                let mut rgb = (p(0), p(2), p(4));
                let mut step = 0;
                while contrast(rgb, background) < 4.6 && step < 40 {
                    let mix = |v: u8| (v as f64 + (toward - v as f64) * 0.08).round() as u8;
                    rgb = (mix(rgb.0), mix(rgb.1), mix(rgb.2));
                    step += 1;
                }
                out.push_str(&format!("{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2));
                rest = &tail[6..];
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_colours_are_darkened_until_they_can_be_read() {
        let css = ".c { color: #969896; background-color: #ffffff; }";
        let fixed = ensure_contrast(css, (255, 255, 255));
        assert!(fixed.contains("background-color: #ffffff"));
        assert!(!fixed.contains("#969896"));
        let dark_ok = ".c { color: #000000; }";
        assert_eq!(ensure_contrast(dark_ok, (255, 255, 255)), dark_ok);
    }

    #[test]
    fn escape_replaces_the_five_specials_and_keeps_everything_else() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("plain café — text"), "plain café — text");
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("é<é>&"), "é&lt;é&gt;&amp;");
    }

    fn doc(body: &str) -> String {
        let mut owned = String::new();
        let d = Doc::parse(body, &mut owned, |_| false);
        d.text.clone()
    }

    #[test]
    fn reader_text_drops_markdown_syntax() {
        assert_eq!(doc("A *b* [c](http://x) `d`.\n"), "A b c d.\n");
        assert_eq!(
            doc("# Title\n\nSome \"quoted\" text"),
            "Title\nSome “quoted” text\n"
        );
    }
}
