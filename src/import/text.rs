//! Plain text: paragraphs separated by blank lines. Takes the file's text,
//! returns a [`Document`]. The first line is the title only when it looks
//! like one (one short line, no final full stop, not a quotation); a line
//! opening with `> ` is a block quotation.

use super::document::{self, Block, BlockKind, Document, Meta};

/// Whether a paragraph is a headline: one line of at most 16 words, no final
/// full stop, not opened by a quote mark, not a byline or a date.
pub fn looks_like_title(p: &str) -> bool {
    let p = p.trim();
    !p.contains('\n')
        && !p.is_empty()
        && p.split_whitespace().count() <= 16
        && !p.ends_with(['.', ',', ';', ':'])
        && !p.starts_with(['"', '“', '\'', '‘', '>'])
        && document::byline(p).is_none()
        && document::dateline(p).is_none()
        && document::furniture_reason(p).is_none()
}

/// The paragraphs of `text`: blank lines separate them. A paragraph whose
/// first line opens a list of furniture (related articles, a comment form) is
/// split into its lines, so each is listed as removed on its own.
pub fn paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let flush = |cur: &mut Vec<&str>, out: &mut Vec<String>| {
        if cur.is_empty() {
            return;
        }
        let first = cur[0].trim();
        let listy = cur.len() > 1
            && (document::opens_related_list(first)
                || document::opens_comment_form(first)
                || document::furniture_reason(first).is_some()
                || cur.iter().all(|l| document::looks_like_label(l)));
        if listy {
            out.extend(cur.iter().map(|l| l.trim().to_string()));
        } else {
            out.push(cur.join("\n"));
        }
        cur.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut cur, &mut out);
        } else {
            cur.push(line);
        }
    }
    flush(&mut cur, &mut out);
    out
}

pub fn parse(text: &str) -> Document {
    let mut paras = paragraphs(text);
    let mut meta = Meta::default();
    if paras.first().is_some_and(|p| looks_like_title(p)) {
        meta.title = Some(document::typographic(&document::collapse_ws(
            &paras.remove(0),
        )));
    }
    let blocks: Vec<Block> = paras
        .iter()
        .map(|p| {
            let quoted = p.lines().all(|l| l.trim_start().starts_with('>'));
            if quoted {
                let inner: Vec<&str> = p
                    .lines()
                    .map(|l| l.trim_start().trim_start_matches('>').trim())
                    .collect();
                Block::plain(BlockKind::Quote, &inner.join(" "))
            } else {
                Block::plain(BlockKind::Paragraph, p)
            }
        })
        .collect();
    Document::new(meta, blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_the_title_only_when_it_looks_like_one() {
        assert_eq!(
            parse("Sea wall fails\n\nThe wall broke.")
                .meta
                .title
                .as_deref(),
            Some("Sea wall fails")
        );
        assert_eq!(
            parse("The wall broke on Monday.\n\nMore text.").meta.title,
            None
        );
        assert_eq!(parse("“We will rebuild”\n\nMore text.").meta.title, None);
    }

    #[test]
    fn comment_forms_and_share_lines_are_listed_as_removed() {
        let d = parse("Title here\n\nThe wall broke.\n\nShare this:\nFacebook\nTwitter\n\nLeave a Reply\n\nYour email address will not be published.");
        let reasons: Vec<&str> = d.furniture.iter().map(|f| f.reason.as_str()).collect();
        assert_eq!(d.blocks.len(), 1);
        assert!(reasons.contains(&"share buttons"), "{reasons:?}");
        assert!(reasons.contains(&"comment form"), "{reasons:?}");
    }
}
