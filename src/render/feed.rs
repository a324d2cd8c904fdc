//! Article HTML as a feed entry carries it. Feed readers show neither our
//! stylesheet nor our script, and resolve links against the site's root
//! (`xml:base`), so the page's markup is adapted: sidenotes, which would sit
//! in the middle of their paragraphs, move to a numbered list of notes at
//! the end; the `#` links beside headings and quotes, which only make sense
//! on the page, go; and links to a place on the page point at the page.

/// The feed form of an article's HTML (`html`, as rendered for its page at
/// `permalink`).
pub(super) fn content(html: &str, permalink: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut notes: Vec<String> = Vec::new();
    let mut rest = html;
    let mut markers = Markers::default();
    while let Some(at) = markers.next(html, html.len() - rest.len()) {
        let (before, from) = rest.split_at(at - (html.len() - rest.len()));
        push_with_page_links(&mut out, before, permalink);
        if from.starts_with(SIDENOTE) {
            let end = element_end(from, "span");
            notes.push(note_body(&from[SIDENOTE.len()..end - "</span>".len()]));
            rest = &from[end..];
        } else {
            // A heading's or a quote's own `#` link.
            let end = from.find("</a>").map_or(from.len(), |i| i + "</a>".len());
            rest = &from[end..];
        }
    }
    push_with_page_links(&mut out, rest, permalink);
    if !notes.is_empty() {
        out.push_str("<hr/>\n<ol class=\"notes\">\n");
        for note in notes {
            out.push_str("<li>");
            push_with_page_links(&mut out, &note, permalink);
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    out
}

const SIDENOTE: &str = "<span class=\"sidenote\" ";
const OWN_LINKS: [&str; 2] = ["<a class=\"heading-anchor\" ", "<a class=\"quote-link\" "];

/// Where each marker next occurs in the page: searching the rest of the
/// page for all three at every note made an article of 10,000 notes take
/// 41 s (issue 12), as a marker that never occurs was sought to the end
/// each time. A marker is sought again only once the scan has passed it.
#[derive(Default)]
struct Markers {
    /// The next place of each marker at or after the last `from` (`None`:
    /// not sought yet; `Some(None)`: none left).
    next: [Option<Option<usize>>; 3],
    /// Bytes searched so far: at most each marker over the page once.
    scanned: usize,
}

impl Markers {
    /// The first marker at or after byte `from` of `html`.
    fn next(&mut self, html: &str, from: usize) -> Option<usize> {
        let mut first = None;
        for (slot, m) in self
            .next
            .iter_mut()
            .zip(std::iter::once(SIDENOTE).chain(OWN_LINKS))
        {
            let stale = match slot {
                None => true,
                Some(Some(at)) => *at < from,
                Some(None) => false,
            };
            if stale {
                let found = html[from..].find(m).map(|i| from + i);
                self.scanned += found.map_or(html.len(), |at| at + m.len()) - from;
                *slot = Some(found);
            }
            if let Some(Some(at)) = *slot {
                first = Some(first.map_or(at, |f: usize| f.min(at)));
            }
        }
        first
    }
}

/// The byte just past the end of the `tag` element `s` starts with, counting
/// nested elements of the same name; the end of `s` when it is unbalanced.
fn element_end(s: &str, tag: &str) -> usize {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0usize;
    let mut i = 0;
    while i < s.len() {
        let here = &s[i..];
        if here.starts_with(&close) {
            depth = depth.saturating_sub(1);
            i += close.len();
            if depth == 0 {
                return i;
            }
        } else if here.starts_with(&open)
            && here[open.len()..].starts_with(|c: char| c == '>' || c.is_whitespace())
        {
            depth += 1;
            i += open.len();
        } else {
            i += here.chars().next().map_or(1, char::len_utf8);
        }
    }
    s.len()
}

/// A sidenote's inner HTML (after its opening tag) without its number and
/// its link back to the text: what the list item shows.
fn note_body(inner: &str) -> String {
    // Skip the rest of the opening tag.
    let inner = inner.find('>').map_or(inner, |i| &inner[i + 1..]);
    let number = "<span class=\"sidenote-number\">";
    let inner = match inner.strip_prefix(number) {
        Some(after) => after
            .find("</span>")
            .map_or(after, |i| &after[i + "</span>".len()..]),
        None => inner,
    };
    let body = match inner.rfind(" <a class=\"note-back\"") {
        Some(i) => &inner[..i],
        None => inner,
    };
    body.trim().to_string()
}

/// Copies `s`, making `href="#..."` point into the page at `permalink`. The
/// permalink is escaped as the attribute value it becomes: it starts with
/// the configured (or `--base-url`) base URL, which must not be able to end
/// the attribute and add markup of its own.
fn push_with_page_links(out: &mut String, s: &str, permalink: &str) {
    let mut rest = s;
    while let Some(i) = rest.find("href=\"#") {
        out.push_str(&rest[..i + "href=\"".len()]);
        crate::markdown::escape_into(out, permalink);
        rest = &rest[i + "href=\"".len()..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://example.org/articles/a/";

    #[test]
    fn sidenotes_move_to_a_list_at_the_end() {
        let html = concat!(
            "<p>Ships <span class=\"note-anchor\" data-note=\"1\">waited</span>",
            "<sup class=\"note-ref\" data-pagefind-ignore><a href=\"#sn-1\" id=\"ref-1\" role=\"doc-noteref\" aria-describedby=\"sn-1\">1</a></sup>",
            "<span class=\"sidenote\" id=\"sn-1\" role=\"doc-footnote\"><span class=\"sidenote-number\">1</span> ",
            "Per the <em>log</em>. <cite class=\"note-source\"><a href=\"https://x.example/\">Log</a></cite> ",
            "<a class=\"note-back\" data-pagefind-ignore href=\"#ref-1\" role=\"doc-backlink\" aria-label=\"Back to note 1\">↩</a></span>",
            " for days.</p>\n"
        );
        let feed = content(html, PAGE);
        assert!(!feed.contains("sidenote"), "{feed}");
        assert!(!feed.contains("note-back"), "{feed}");
        assert!(feed.contains(&format!("<a href=\"{PAGE}#sn-1\"")), "{feed}");
        assert!(
            feed.contains("<p>Ships <span class=\"note-anchor\" data-note=\"1\">waited</span><sup"),
            "{feed}"
        );
        assert!(feed.contains("</sup> for days.</p>"), "{feed}");
        assert!(
            feed.ends_with(concat!(
                "<hr/>\n<ol class=\"notes\">\n<li>Per the <em>log</em>. ",
                "<cite class=\"note-source\"><a href=\"https://x.example/\">Log</a></cite></li>\n</ol>\n"
            )),
            "{feed}"
        );
    }

    #[test]
    fn heading_and_quote_links_go_and_nothing_else_changes() {
        let html = concat!(
            "<h2 id=\"s\"><a class=\"heading-anchor\" data-pagefind-ignore href=\"#s\" aria-hidden=\"true\" tabindex=\"-1\">#</a>Section</h2>\n",
            "<p>“<span class=\"quote\" id=\"q-x\">Yes</span><a class=\"quote-link\" data-pagefind-ignore href=\"#q-x\">#</a>,” she said. ",
            "<a href=\"/glossary/x/\">X</a> and <a href=\"#fn-1\">a footnote</a>.</p>\n"
        );
        assert_eq!(
            content(html, PAGE),
            concat!(
                "<h2 id=\"s\">Section</h2>\n",
                "<p>“<span class=\"quote\" id=\"q-x\">Yes</span>,” she said. ",
                "<a href=\"/glossary/x/\">X</a> and <a href=\"https://example.org/articles/a/#fn-1\">a footnote</a>.</p>\n"
            )
        );
        let plain = "<p>No notes here.</p>\n";
        assert_eq!(content(plain, PAGE), plain);
    }

    /// Regression test for issue 12: many notes and no heading or quote
    /// links made every note search the rest of the page again.
    #[test]
    fn many_notes_move_in_one_pass_over_the_page() {
        let note = |n: usize| {
            format!("<p>x<span class=\"sidenote\" id=\"sn-{n}\"><span class=\"sidenote-number\">{n}</span> N{n}.</span></p>\n")
        };
        let html: String = (1..=3).map(note).collect();
        let feed = content(&html, PAGE);
        assert_eq!(feed.matches("<p>x</p>").count(), 3, "{feed}");
        assert!(
            feed.contains("<li>N1.</li>\n<li>N2.</li>\n<li>N3.</li>"),
            "{feed}"
        );
        let mut m = Markers::default();
        let html = format!(
            "{}{}",
            note(1),
            "<a class=\"heading-anchor\" href=\"#h\">#</a>"
        );
        assert_eq!(m.next(&html, 0), Some(4));
        assert_eq!(m.next(&html, 5), html.find("<a class"));
        assert_eq!(m.next(&html, html.len()), None);
        // A thousand notes: each marker is sought over the page once.
        let html: String = (1..=1000).map(note).collect();
        let mut m = Markers::default();
        let mut at = 0;
        while let Some(next) = m.next(&html, at) {
            at = next + 1;
        }
        // (Each find also reads the marker it stops at.)
        assert!(
            m.scanned <= 4 * html.len(),
            "{} for {}",
            m.scanned,
            html.len()
        );
    }

    #[test]
    fn a_base_url_with_markup_in_it_stays_inside_the_attribute() {
        let html = "<p><a href=\"#sn-1\">1</a></p>";
        let feed = content(
            html,
            "https://x.org/\"><script>alert(1)</script>/articles/a/",
        );
        assert_eq!(
            feed,
            "<p><a href=\"https://x.org/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/articles/a/#sn-1\">1</a></p>"
        );
    }

    #[test]
    fn a_note_with_spans_of_its_own_is_taken_whole() {
        let html = "<p>A<span class=\"sidenote\" id=\"sn-1\" role=\"doc-footnote\"><span class=\"sidenote-number\">1</span> See <span class=\"x\">this</span>.</span> B</p>";
        let feed = content(html, PAGE);
        assert!(feed.starts_with("<p>A B</p>"), "{feed}");
        assert!(
            feed.contains("<li>See <span class=\"x\">this</span>.</li>"),
            "{feed}"
        );
    }
}
