//! The document every input format becomes: metadata, blocks of plain text
//! (as a reader sees them) with the Markdown that writes each, and the page
//! furniture that was taken out, each piece with the reason.
//!
//! The furniture rules here are shared by every format: a comment form and
//! everything after it, share prompts, newsletter prompts, related-article
//! lists, and bylines and datelines (kept as metadata, not lost).

use serde::Serialize;

/// Title, date, authors and canonical URL, where the input gave them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Meta {
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub authors: Vec<String>,
    pub canonical: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Paragraph,
    Heading,
    /// A block quotation (`<blockquote>`, `> ` in Markdown).
    Quote,
}

/// One paragraph, heading or block quotation.
#[derive(Clone, Debug)]
pub struct Block {
    pub kind: BlockKind,
    /// The text as a reader sees it, white space collapsed to single spaces.
    /// Offsets into it are bytes.
    pub text: String,
    /// The Markdown that writes this block in the draft's body; it renders to
    /// `text`, so an anchor taken from `text` resolves.
    pub markdown: String,
}

impl Block {
    /// A block from plain text: Markdown's special characters escaped.
    pub fn plain(kind: BlockKind, text: &str) -> Block {
        let text = typographic(&collapse_ws(text));
        let escaped = escape_markdown(&text);
        let markdown = match kind {
            BlockKind::Paragraph => escaped,
            BlockKind::Heading => format!("## {escaped}"),
            BlockKind::Quote => format!("> {escaped}"),
        };
        Block {
            kind,
            text,
            markdown,
        }
    }
}

/// Text taken out of the article, and why.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Furniture {
    pub text: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// In document order.
    pub furniture: Vec<Furniture>,
}

impl Document {
    /// A document of `blocks` read from the input, after the shared
    /// furniture rules ([`remove_furniture`]); what they took out is listed.
    pub fn new(mut meta: Meta, blocks: Vec<Block>) -> Document {
        let mut furniture = Vec::new();
        let blocks = remove_furniture(blocks, &mut meta, &mut furniture);
        Document {
            meta,
            blocks,
            furniture,
        }
    }
}

/// Runs of white space become one space; ends trimmed.
pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the Markdown renderer's smart punctuation would make of `...` and
/// `--`, done beforehand so an anchor taken from the text is the text the
/// reader sees (quote marks need nothing: anchors treat them as equal).
pub fn typographic(s: &str) -> String {
    s.replace("...", "…").replace("---", "—").replace("--", "–")
}

/// Escapes what Markdown would read as markup, so the text renders as it is.
/// Every ASCII punctuation character may be backslash-escaped in CommonMark;
/// these are the ones that can start or end markup mid-line, plus a list or
/// heading marker at the start.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '#' | '!' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // A paragraph that starts like a list item, a thematic break or a
    // numbered list would become one.
    if let Some(first) = out.chars().next() {
        if matches!(first, '-' | '+' | '=') {
            out.insert(0, '\\');
        } else if first.is_ascii_digit() {
            let digits = out.chars().take_while(char::is_ascii_digit).count();
            if matches!(out[digits..].chars().next(), Some('.' | ')')) {
                out.insert(digits, '\\');
            }
        }
    }
    out
}

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    crate::frontmatter::MONTHS
        .iter()
        .map(|m| m.to_ascii_lowercase())
        .position(|m| m.starts_with(&w) && (w.len() == m.len() || w.len() == 3 || w == "sept"))
        .map(|i| i as u32 + 1)
}

fn valid(y: u32, m: u32, d: u32) -> Option<String> {
    ((1000..=9999).contains(&y)
        && (1..=12).contains(&m)
        && d >= 1
        && d <= crate::frontmatter::days_in_month(y, m))
    .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A date at the start of `s`: `2026-03-04` (the date part of an RFC 3339
/// time too), `March 4, 2026` or `4 March 2026`. As `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() >= 10 && s.is_char_boundary(10) {
        let b = s.as_bytes();
        if b[4] == b'-' && b[7] == b'-' {
            let y = s[..4].parse().ok()?;
            let m = s[5..7].parse().ok()?;
            let d = s[8..10].parse().ok()?;
            return valid(y, m, d);
        }
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let num = |w: &str| -> Option<u32> {
        w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()
    };
    for i in 0..words.len() {
        if let Some(m) = month_number(words[i]) {
            // March 4, 2026
            if let (Some(d), Some(y)) = (words.get(i + 1), words.get(i + 2)) {
                if let (Some(d), Some(y)) = (num(d), num(y)) {
                    if let Some(v) = valid(y, m, d) {
                        return Some(v);
                    }
                }
            }
            // 4 March 2026
            if i > 0 {
                if let (Some(d), Some(y)) =
                    (num(words[i - 1]), words.get(i + 1).and_then(|y| num(y)))
                {
                    if let Some(v) = valid(y, m, d) {
                        return Some(v);
                    }
                }
            }
        }
    }
    None
}

/// A line that is only a date, optionally after "Published", "Updated" or
/// "Posted" (and an "on"), possibly with a time after it.
pub fn dateline(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let mut rest = s;
    for p in ["published", "updated", "posted", "last updated"] {
        if lower.starts_with(p) {
            rest = s[p.len()..].trim_start_matches([':', ' ']);
            rest = rest.strip_prefix("on ").unwrap_or(rest);
        }
    }
    if s.split_whitespace().count() > 9 {
        return None;
    }
    parse_date(rest)
}

/// `By Ana Reyes and Tom Okafor` (or with commas): the names. Only a short
/// line whose names are capitalised.
pub fn byline(s: &str) -> Option<Vec<String>> {
    let rest = s.strip_prefix("By ").or_else(|| s.strip_prefix("BY "))?;
    if s.split_whitespace().count() > 12 || s.ends_with('.') && !s.ends_with(" Jr.") {
        return None;
    }
    // "By Ana Reyes, Harbour Wire" keeps only people: a part with a media word
    // is the outlet.
    let names: Vec<String> = rest
        .split([',', '|', '·'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .filter(|n| !crate::import::names::has_org_word(n))
        .map(String::from)
        .collect();
    let capitalised = names.iter().all(|n| {
        n.split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    });
    (!names.is_empty() && capitalised).then_some(names)
}

/// Why a line is furniture, if it is. Matched on the whole line, lowercased,
/// so a sentence that only mentions a newsletter stays.
pub fn furniture_reason(text: &str) -> Option<&'static str> {
    let t = text.trim().to_lowercase();
    let t = t.trim_end_matches([':', '.', '!', '›', '»', '→', ' ']);
    let short = t.split_whitespace().count() <= 14;
    let starts = |ps: &[&str]| ps.iter().any(|p| t.starts_with(p));
    if starts(&[
        "share this",
        "share on",
        "share via",
        "share:",
        "tweet this",
        "email this",
    ]) || t == "share"
        || (short
            && [
                "facebook",
                "twitter",
                "linkedin",
                "whatsapp",
                "email",
                "copy link",
                "print",
            ]
            .iter()
            .filter(|w| t.contains(*w))
            .count()
                >= 2)
    {
        return Some("share buttons");
    }
    if short
        && (t.contains("newsletter")
            || starts(&["sign up", "subscribe", "get our", "get the latest"]))
    {
        return Some("newsletter prompt");
    }
    if short
        && starts(&[
            "advertisement",
            "sponsored",
            "skip to",
            "follow us",
            "click here",
            "cookie",
            "we use cookies",
            "all rights reserved",
            "©",
            "copyright",
        ])
    {
        return Some("page furniture");
    }
    if short
        && (starts(&[
            "read more",
            "more from",
            "you may also like",
            "most read",
            "most popular",
        ]))
    {
        return Some("related-article list");
    }
    None
}

/// A heading that opens a related-article list: it and the short lines
/// after it are furniture.
pub fn opens_related_list(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let t = t.trim_end_matches([':', ' ']);
    [
        "related articles",
        "related stories",
        "related",
        "related coverage",
        "read more",
        "more stories",
        "more on this story",
        "you may also like",
        "recommended",
        "most read",
    ]
    .contains(&t)
}

/// A line that opens a comment form: it and everything after it are furniture.
pub fn opens_comment_form(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    [
        "leave a reply",
        "leave a comment",
        "post a comment",
        "add a comment",
        "your email address will not be published",
        "required fields are marked",
        "comments",
        "join the conversation",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// A short line with no sentence ending: a headline in a list, a label.
pub fn looks_like_label(text: &str) -> bool {
    let t = text.trim();
    t.split_whitespace().count() <= 16 && !t.ends_with(['.', '"', '”', '!', '?'])
}

/// Applies the shared furniture rules to `blocks` in order: bylines and
/// datelines near the top go to `meta`, comment forms end the article,
/// related lists, share and newsletter prompts are taken out. Everything
/// removed is pushed to `furniture`.
pub fn remove_furniture(
    blocks: Vec<Block>,
    meta: &mut Meta,
    furniture: &mut Vec<Furniture>,
) -> Vec<Block> {
    let mut kept = Vec::with_capacity(blocks.len());
    let mut in_related = false;
    let mut ended = false;
    let mut last_reason: Option<&'static str> = None;
    let mut put = |b: &Block, why: &str| {
        furniture.push(Furniture {
            text: b.text.clone(),
            reason: why.to_string(),
        })
    };
    for (i, b) in blocks.into_iter().enumerate() {
        if b.text.is_empty() {
            continue;
        }
        if ended || opens_comment_form(&b.text) {
            ended = true;
            put(&b, "comment form");
            continue;
        }
        if in_related {
            if looks_like_label(&b.text) {
                put(&b, "related-article list");
                continue;
            }
            in_related = false;
        }
        if opens_related_list(&b.text) {
            in_related = true;
            put(&b, "related-article list");
            continue;
        }
        if let Some(why) = furniture_reason(&b.text) {
            put(&b, why);
            last_reason = Some(why);
            continue;
        }
        // The buttons after "Share this:" ("Facebook", "Email").
        if let Some(why) = last_reason.take() {
            if b.text.split_whitespace().count() <= 3 && looks_like_label(&b.text) {
                put(&b, why);
                last_reason = Some(why);
                continue;
            }
        }
        if i < 6 && kept.len() < 3 && b.kind != BlockKind::Quote {
            if let Some(names) = byline(&b.text) {
                if meta.authors.is_empty() {
                    meta.authors = names;
                }
                put(&b, "byline (kept as the authors)");
                continue;
            }
            if let Some(date) = dateline(&b.text) {
                if meta.date.is_none() {
                    meta.date = Some(date);
                }
                put(&b, "dateline (kept as the date)");
                continue;
            }
        }
        kept.push(b);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_three_forms() {
        assert_eq!(
            parse_date("2026-03-04T09:30:00Z").as_deref(),
            Some("2026-03-04")
        );
        assert_eq!(parse_date("March 4, 2026").as_deref(), Some("2026-03-04"));
        assert_eq!(parse_date("4 Mar 2026").as_deref(), Some("2026-03-04"));
        assert_eq!(
            dateline("Published on 12 June 2025, 10:02").as_deref(),
            Some("2025-06-12")
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(
            dateline("The council met on March 4, 2026 to discuss the plan and more"),
            None
        );
    }

    #[test]
    fn markdown_markup_is_escaped_so_the_text_renders_as_it_is() {
        assert_eq!(
            escape_markdown("a *b* [c](d) <e>"),
            r"a \*b\* \[c\](d) \<e\>"
        );
        assert_eq!(escape_markdown("- not a list"), r"\- not a list");
        assert_eq!(escape_markdown("1. not a list"), r"1\. not a list");
    }

    #[test]
    fn bylines_keep_people_and_drop_the_outlet() {
        assert_eq!(
            byline("By Ana Reyes and Tom Okafor, Harbour Wire"),
            Some(vec!["Ana Reyes".to_string(), "Tom Okafor".to_string()])
        );
        assert_eq!(byline("By the end of the year, prices rose."), None);
    }
}
