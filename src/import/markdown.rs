//! Markdown: takes the file's text, returns a [`Document`] whose blocks keep
//! their Markdown as written (links and emphasis survive) and whose text is
//! what the renderer shows, so anchors taken from it resolve. Front matter
//! (TOML between `+++`, YAML between `---`) gives title, date and authors; a
//! first-level heading before any text is the title.

use super::document::{self, Block, BlockKind, Document, Meta};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Title, date and authors from front matter, and where the body starts.
fn front_matter(text: &str, meta: &mut Meta) -> usize {
    let (fence, is_toml) = if text.starts_with("+++\n") || text.starts_with("+++\r\n") {
        ("+++", true)
    } else if text.starts_with("---\n") || text.starts_with("---\r\n") {
        ("---", false)
    } else {
        return 0;
    };
    let after_open = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let mut at = after_open;
    for line in text[after_open..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let fm = &text[after_open..at];
            let value: Option<serde_json::Value> = if is_toml {
                toml::from_str::<toml::Table>(fm)
                    .ok()
                    .and_then(|t| serde_json::to_value(t).ok())
            } else {
                crate::frontmatter::yaml_value::<serde_json::Value>(fm)
            };
            if let Some(v) = value {
                let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
                meta.title = s("title").filter(|t| !t.trim().is_empty());
                meta.date = s("date")
                    .and_then(|d| document::parse_date(&d))
                    .or_else(|| {
                        // A TOML date becomes a one-field object holding its text.
                        v.get("date")
                            .and_then(|d| d.as_object())
                            .and_then(|o| o.values().next())
                            .and_then(|x| x.as_str())
                            .and_then(document::parse_date)
                    });
                meta.authors = match v.get("authors").or_else(|| v.get("author")) {
                    Some(serde_json::Value::Array(a)) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    Some(serde_json::Value::String(a)) => vec![a.clone()],
                    _ => Vec::new(),
                };
            }
            return at + line.len();
        }
        at += line.len();
    }
    0
}

pub fn parse(text: &str) -> Document {
    let mut meta = Meta::default();
    let body_start = front_matter(text, &mut meta);
    let body = &text[body_start..];
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(BlockKind, usize, String, bool)> = None; // kind, start, text, is_h1
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let kind = match &tag {
                        Tag::Heading { .. } => Some(BlockKind::Heading),
                        Tag::BlockQuote(_) => Some(BlockKind::Quote),
                        Tag::Paragraph | Tag::List(_) => Some(BlockKind::Paragraph),
                        _ => None,
                    };
                    let h1 = matches!(
                        tag,
                        Tag::Heading {
                            level: HeadingLevel::H1,
                            ..
                        }
                    );
                    current = kind.map(|k| (k, range.start, String::new(), h1));
                }
                if matches!(tag, Tag::Item) {
                    if let Some(c) = current.as_mut() {
                        if !c.2.is_empty() {
                            c.2.push(' ');
                        }
                    }
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((kind, start, t, h1)) = current.take() {
                        let t = document::collapse_ws(&t);
                        if h1 && meta.title.is_none() && blocks.is_empty() {
                            meta.title = Some(t);
                        } else if !t.is_empty()
                            && !matches!(end, TagEnd::CodeBlock | TagEnd::HtmlBlock)
                        {
                            blocks.push(Block {
                                kind,
                                text: t,
                                markdown: body[start..range.end].trim_end().to_string(),
                            });
                        }
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.2.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = current.as_mut() {
                    c.2.push(' ');
                }
            }
            _ => {}
        }
    }
    Document::new(meta, blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_its_markup_and_reads_its_title() {
        let d = parse("---\ndate: 2026-03-04\nauthor: Ana Reyes\n---\n# Sea wall fails\n\nThe *old* wall broke, [she said](https://x.example).\n\n> A quoted block.\n");
        assert_eq!(d.meta.title.as_deref(), Some("Sea wall fails"));
        assert_eq!(d.meta.date.as_deref(), Some("2026-03-04"));
        assert_eq!(d.meta.authors, ["Ana Reyes"]);
        assert_eq!(d.blocks[0].text, "The old wall broke, she said.");
        assert_eq!(
            d.blocks[0].markdown,
            "The *old* wall broke, [she said](https://x.example)."
        );
        assert_eq!(d.blocks[1].kind, BlockKind::Quote);
    }
}
