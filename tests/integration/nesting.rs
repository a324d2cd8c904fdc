//! Notes, quotes and mentions over the same words (issue 16's nesting
//! points): each note shows one number, at the end of its anchor; names in
//! note anchors are linked; overlaps are rendered, not refused; and search
//! excerpts leave the notes out.

use crate::support::*;
use std::io::Read;

const ENTRIES: &[(&str, &str)] = &[
    (
        "content/glossary/reuters.md",
        "+++\nname = \"Reuters\"\nkind = \"organisation\"\n+++\nA news agency.\n",
    ),
    (
        "content/glossary/jane-doe.md",
        "+++\nname = \"Jane Doe\"\nkind = \"person\"\n+++\nA former mayor.\n",
    ),
];

/// A site with the two entries and one article of `front` (the TOML after
/// title and date) and `body`.
fn story(front: &str, body: &str) -> SiteTest {
    let mut t = SiteTest::new();
    for (p, text) in ENTRIES {
        t = t.file(p, text);
    }
    t.file(
        "content/articles/story.md",
        &format!("+++\ntitle = \"Story\"\ndate = 2024-01-01\n{front}+++\n{body}\n"),
    )
}

fn note(anchor: &str, text: &str) -> String {
    format!("[[notes]]\nanchor = \"{anchor}\"\ntext = \"{text}\"\n")
}

/// The first paragraph's text as a reader reads it: note numbers and
/// sidenotes and quote links left out.
fn reading_text(page: &Page) -> String {
    let p = page
        .0
        .select(&scraper::Selector::parse(".article-body p").unwrap())
        .next()
        .expect("a paragraph");
    p.descendants()
        .filter_map(|n| {
            let text = n.value().as_text()?;
            let in_note = n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .and_then(|e| e.attr("class"))
                    .is_some_and(|c| ["note-ref", "sidenote", "quote-link"].contains(&c))
            });
            (!in_note).then(|| text.to_string())
        })
        .collect()
}

/// The words of the elements matching `selector`, run together.
fn joined(page: &Page, selector: &str) -> String {
    page.0
        .select(&scraper::Selector::parse(selector).unwrap())
        .flat_map(|e| e.text())
        .collect()
}

/// A name inside a note's anchor.
pub(crate) fn mention_in_note() -> SiteTest {
    story(
        &note("told Reuters", "By telephone."),
        "The ministry told Reuters on Monday that it would appeal.",
    )
}

/// A note across an explicit mention, ending before the full stop.
pub(crate) fn note_across_mention() -> SiteTest {
    story(
        &note("Jane Doe — the former mayor", "She left office in 2019."),
        "Asked about it was [Jane Doe](@jane-doe) --- the former mayor.",
    )
}

/// A note that starts inside a quote and ends after it.
pub(crate) fn note_over_quote() -> SiteTest {
    let front = format!(
        "{}[[quotes]]\nanchor = \"we will not sign\"\nspeaker = \"jane-doe\"\n",
        note("not sign” on Monday", "The deadline.")
    );
    story(&front, "She said: “we will not sign” on Monday, and left.")
}

/// Two notes sharing a word.
pub(crate) fn overlapping_notes() -> SiteTest {
    let front = format!(
        "{}{}",
        note("talks stalled on", "a"),
        note("on Monday", "b")
    );
    story(&front, "The talks stalled on Monday.")
}

/// This file's sites, by name, for the strict-selector check in the
/// browser (`browser.rs`).
pub(crate) fn scenario_sites() -> Vec<(&'static str, SiteTest)> {
    vec![
        ("mention-in-note", mention_in_note()),
        ("note-across-mention", note_across_mention()),
        ("note-over-quote", note_over_quote()),
        ("overlapping-notes", overlapping_notes()),
    ]
}

#[test]
fn a_name_inside_a_note_anchor_is_linked_inside_the_note() {
    let page = mention_in_note().build().html("articles/story/index.html");
    assert_eq!(page.texts(".note-anchor a.mention"), ["Reuters"]);
    assert_eq!(
        page.attr("a.mention", "href"),
        "/glossary/reuters/",
        "the mention links to its entry"
    );
    assert_eq!(joined(&page, "span.note-anchor"), "told Reuters");
    assert_eq!(page.count("sup.note-ref"), 1);
}

/// The number follows the anchor; the sidenote, a block when opened on a
/// phone, follows the full stop, which would otherwise be left alone on a
/// line below the note.
#[test]
fn a_note_across_an_explicit_mention_has_one_number_and_keeps_the_full_stop() {
    let site = note_across_mention().build();
    let page = site.html("articles/story/index.html");
    assert_eq!(page.count("sup.note-ref"), 1);
    assert_eq!(page.count("a.mention span.note-anchor"), 1);
    assert_eq!(
        joined(&page, "span.note-anchor"),
        "Jane Doe — the former mayor"
    );
    let html = site.read("articles/story/index.html");
    let number = html.find("<sup class=\"note-ref\"").unwrap();
    assert!(
        html[..number].ends_with("the former mayor</span>"),
        "the number sits at the end of the anchor: {}",
        &html[number.saturating_sub(200)..number]
    );
    let after = &html[number + html[number..].find("</sup>").unwrap() + "</sup>".len()..];
    assert!(
        after.starts_with(".<span class=\"sidenote\""),
        "the full stop comes before the sidenote: {}",
        &after[..after.len().min(120)]
    );
}

#[test]
fn a_note_that_starts_inside_a_quote_and_ends_after_it_is_rendered() {
    let page = note_over_quote().build().html("articles/story/index.html");
    assert_eq!(joined(&page, "span.quote"), "we will not sign");
    assert_eq!(joined(&page, "span.note-anchor"), "not sign” on Monday");
    assert_eq!(page.texts("sup.note-ref"), ["1"]);
    assert_eq!(
        page.count("span.quote[id]"),
        1,
        "the quote's id is on one piece"
    );
    assert_eq!(
        reading_text(&page),
        "She said: “we will not sign” on Monday, and left."
    );
}

#[test]
fn two_overlapping_notes_each_show_one_number_at_the_end_of_their_anchor() {
    let site = overlapping_notes().build();
    let page = site.html("articles/story/index.html");
    assert_eq!(
        joined(&page, "span.note-anchor[data-note='1']"),
        "talks stalled on"
    );
    assert_eq!(
        joined(&page, "span.note-anchor[data-note='2']"),
        "on Monday"
    );
    assert_eq!(page.texts("sup.note-ref"), ["1", "2"]);
    let html = site.read("articles/story/index.html");
    let (one, two) = (
        html.find("id=\"ref-1\"").unwrap(),
        html.find("id=\"ref-2\"").unwrap(),
    );
    let text_between: String = scraper::Html::parse_fragment(&html[one..two])
        .root_element()
        .text()
        .collect();
    assert!(
        text_between.contains(" Monday") && !text_between.contains("stalled"),
        "note 1's number comes after “on”, note 2's after “Monday”: {text_between:?}"
    );
    assert_eq!(reading_text(&page), "The talks stalled on Monday.");
}

#[test]
fn an_entry_named_only_inside_quotations_is_reported_as_such() {
    let front = "[[quotes]]\nanchor = \"Reuters got it wrong\"\nspeaker = \"jane-doe\"\n";
    let t = story(front, "She said: “Reuters got it wrong.”");
    let warnings = gloss::build(&t.options()).expect("it builds").warnings;
    assert!(
        warnings.contains("1 glossary entry is named only inside quotations"),
        "{warnings}"
    );
    assert!(
        !warnings.contains("not mentioned in any article"),
        "{warnings}"
    );
    assert!(!warnings.contains("aliases"), "{warnings}");
}

/// Every record of the Pagefind index, decompressed.
fn search_records(site: &SiteTest) -> Vec<String> {
    let dir = site.out().join("pagefind/fragment");
    let mut out = Vec::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        out.push(text);
    }
    out
}

#[test]
fn search_excerpts_leave_out_note_numbers_and_note_text() {
    let t = SiteTest::fixture("basic");
    t.build();
    let records = search_records(&t);
    let article = records
        .iter()
        .find(|r| r.contains("\"url\":\"/articles/budget-vote/\""))
        .expect("the article is indexed");
    assert!(
        article.contains("by seven votes to four, after a debate"),
        "{article}"
    );
    // The title is ended as a sentence, so the excerpt does not run it into
    // the first paragraph.
    assert!(
        article.contains("Council passes the harbour budget. "),
        "{article}"
    );
    assert!(!article.contains("roll call"), "{article}");
}

/// The feed is written by the same body renderer: sidenotes become a list
/// at the end, and links to a place on the page, in the body and in note
/// text, point at the page.
#[test]
fn a_feed_entry_lists_its_notes_at_the_end_with_page_links_made_absolute() {
    let t = story(
        &note("told Reuters", "See [the timeline](#timeline)."),
        "The ministry told Reuters on Monday. [Below](#timeline).\n\n## Timeline\n\nIt began in May.",
    );
    let feed = t.build().read("atom.xml");
    let page = "https://t.example.org/articles/story/";
    assert!(
        feed.contains(&format!("&lt;li&gt;See &lt;a href=&quot;{page}#timeline&quot;&gt;the timeline&lt;/a&gt;.&lt;/li&gt;")),
        "{feed}"
    );
    assert!(
        feed.contains(&format!(
            "&lt;a href=&quot;{page}#timeline&quot;&gt;Below&lt;/a&gt;"
        )),
        "{feed}"
    );
    assert!(!feed.contains("sidenote"), "{feed}");
    assert!(!feed.contains("heading-anchor"), "{feed}");
}
