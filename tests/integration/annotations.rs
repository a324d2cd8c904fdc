//! Notes, quotes and the glossary, as readers and tools see them.

use crate::support::*;

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn source_notes_are_numbered_in_reading_order_beside_their_anchor() {
    let site = SiteTest::fixture("basic").build();
    let page = site.html("articles/budget-vote/index.html");
    assert_eq!(
        page.texts("span.note-anchor"),
        ["by seven votes to four", "the dredging contract"]
    );
    assert_eq!(
        page.texts("sup.note-ref a[role=doc-noteref]"),
        ["1", "2", "3"]
    );
    let note1 = page.text("#sn-1[role=doc-footnote]");
    assert!(note1.contains("The roll call is on page 3."), "{note1}");
    assert!(note1.contains("Council minutes, 4 March 2024"), "{note1}");
    assert_eq!(page.attr("#sn-1 a[role=doc-backlink]", "href"), "#ref-1");
    // The anchor crosses emphasis: the note-anchor sits inside the <em>.
    assert_eq!(page.count("em > span.note-anchor"), 1);
    // [^radio] names a source: it becomes note 3, citing it.
    assert!(page.text("#sn-3").contains("Evening bulletin"));
}

#[test]
fn quotes_carry_a_stable_id_and_their_speaker() {
    let site = SiteTest::fixture("basic").build();
    let page = site.html("articles/budget-vote/index.html");
    let ids = page.attrs("span.quote[id]", "id");
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|id| id.starts_with("q-")));
    assert_eq!(
        page.attr("span.quote[data-speaker=mara-lind]", "id"),
        gloss::annotate::quote_id("mara-lind", "This budget keeps the harbour open")
    );
    assert_eq!(
        page.attr("a.quote-link[data-entry=mara-lind]", "data-speaker-name"),
        "Mara Lind"
    );
}

#[test]
fn quote_ids_do_not_move_when_other_quotes_come_and_go() {
    let t = SiteTest::fixture("basic");
    let before = t
        .build()
        .html("articles/budget-vote/index.html")
        .attr("span.quote[data-speaker=tom-okafor]", "id");
    let path = t.root.join("content/articles/budget-vote.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let i = text.find("[[quotes]]\nanchor = \"This budget").unwrap();
    let j = text[i..].find("\n\n").unwrap() + i;
    std::fs::write(&path, format!("{}{}", &text[..i], &text[j + 2..])).unwrap();
    let after = t
        .build()
        .html("articles/budget-vote/index.html")
        .attr("span.quote[data-speaker=tom-okafor]", "id");
    assert_eq!(before, after);
}

#[test]
fn mentions_link_the_first_time_and_never_inside_headings_or_quotes() {
    let site = SiteTest::fixture("basic").build();
    let page = site.html("articles/budget-vote/index.html");
    // "Mayor Mara Lind" is the longest name that matches; "Lind" later is not linked again.
    let mentions = page.texts("a.mention[role=doc-glossref]");
    assert_eq!(
        mentions,
        ["Mayor Mara Lind", "Councillor Tom Okafor", "Harbour Board"],
        "{mentions:?}"
    );
    assert_eq!(
        page.attr("a.mention[data-entry=mara-lind]", "href"),
        "/glossary/mara-lind/"
    );
    assert_eq!(
        page.count("h2 a.mention, code a.mention, .quote a.mention"),
        0
    );
}

#[test]
fn explicit_mentions_link_to_their_entry() {
    let site = SiteTest::fixture("basic")
        .file(
            "content/articles/short.md",
            "+++\ntitle = \"Short\"\ndate = 2024-01-01\n+++\nAsked about it, [the mayor](@mara-lind) declined.\n",
        )
        .build();
    let page = site.html("articles/short/index.html");
    assert_eq!(page.attr("a.mention", "href"), "/glossary/mara-lind/");
    assert_eq!(page.text("a.mention"), "the mayor");
}

#[test]
fn the_quote_index_groups_by_speaker_and_links_to_each_quote_in_place() {
    let site = SiteTest::fixture("basic").build();
    let index = site.html("quotes/index.html");
    let id = gloss::annotate::quote_id("tom-okafor", "a blank cheque");
    let hrefs = index.attrs("a[href*='#q-']", "href");
    assert!(
        hrefs.contains(&format!("/articles/budget-vote/#{id}")),
        "{hrefs:?}"
    );
    let page = site.html("articles/budget-vote/index.html");
    assert_eq!(page.text(&format!("#{id}")), "a blank cheque");
    let text = fold(&index.body_text());
    for speaker in ["Mara Lind", "Tom Okafor", "Harbour Board"] {
        assert!(
            text.contains(speaker),
            "{speaker} missing from the quote index"
        );
    }
}

#[test]
fn entry_pages_list_affiliations_quotes_and_mentions_in_context() {
    let site = SiteTest::fixture("basic").build();
    let council = site.html("glossary/harbour-town-council/index.html");
    let members: Vec<String> = council.attrs("a[href^='/glossary/']", "href");
    assert!(
        members.contains(&"/glossary/mara-lind/".to_string()),
        "members: {members:?}"
    );
    assert!(members.contains(&"/glossary/tom-okafor/".to_string()));
    let lind = site.html("glossary/mara-lind/index.html");
    assert_eq!(lind.text("h1"), "Mara Lind");
    assert!(lind
        .attrs("a", "href")
        .contains(&"/glossary/harbour-town-council/".to_string()));
    let body = fold(&lind.body_text());
    assert!(body.contains("This budget keeps the harbour open"));
    // Both articles mention her, newest first, with the sentence around it.
    assert!(
        body.contains("Mara Lind asked the board to reconsider."),
        "{body}"
    );
    let ferry = body.find("Mara Lind asked the board").unwrap();
    let budget = body.find("Mayor Mara Lind told the chamber").unwrap();
    assert!(ferry < budget, "newest article first");
    assert_eq!(
        lind.attr("a[href^='https://www.wikidata.org/']", "href"),
        "https://www.wikidata.org/wiki/Q000001"
    );
}

#[test]
fn the_glossary_lists_every_entry_a_to_z_with_its_kind() {
    let site = SiteTest::fixture("basic").build();
    let g = site.html("glossary/index.html");
    let hrefs = g.attrs("a[href^='/glossary/']", "href");
    for id in [
        "mara-lind",
        "tom-okafor",
        "harbour-board",
        "harbour-town-council",
    ] {
        assert!(hrefs.contains(&format!("/glossary/{id}/")), "{id} missing");
    }
}

#[test]
fn the_sources_index_lists_every_source_with_the_notes_citing_it() {
    let site = SiteTest::fixture("basic").build();
    let s = site.html("sources/index.html");
    let text = fold(&s.body_text());
    for t in [
        "Council minutes, 4 March 2024",
        "Evening bulletin",
        "Timetable notice",
    ] {
        assert!(text.contains(t), "{t} missing");
    }
    assert!(s
        .attrs("a", "href")
        .contains(&"/articles/budget-vote/#sn-1".to_string()));
}

#[test]
fn article_json_ld_describes_the_article_its_citations_and_quotations() {
    let site = SiteTest::fixture("basic").build();
    let page = site.html("articles/budget-vote/index.html");
    let raw = page
        .0
        .select(&scraper::Selector::parse("script[type='application/ld+json']").unwrap())
        .next()
        .unwrap()
        .inner_html();
    let ld: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "Council passes the harbour budget");
    assert_eq!(ld["citation"].as_array().unwrap().len(), 2);
    let mentions = ld["mentions"].as_array().unwrap();
    assert!(mentions.iter().any(|m| m["@type"] == "Person"
        && m["name"] == "Mara Lind"
        && m["sameAs"][0] == "https://www.wikidata.org/wiki/Q000001"));
    let quotes = ld["hasPart"].as_array().unwrap();
    assert!(quotes
        .iter()
        .all(|q| q["@type"] == "Quotation" && q["creator"]["@type"].is_string()));
}

#[test]
fn w3c_annotations_re_anchor_to_the_article_text() {
    let site = SiteTest::fixture("basic").build();
    let coll = site.json("articles/budget-vote/annotations.jsonld");
    assert_eq!(coll["type"], "AnnotationCollection");
    let items = coll["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), coll["total"].as_u64().unwrap() as usize);
    // The text of the page's DOM in `.article-body`, note numbers, sidenotes
    // and `#` links included, as a strict matcher reads it (issue 16): each
    // selector is found there exactly once, unfolded.
    let html = site.read("articles/budget-vote/index.html");
    let doc = scraper::Html::parse_document(&html);
    let body: String = doc
        .select(&scraper::Selector::parse(".article-body").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    let mut anchored = 0;
    for item in items {
        let sel = &item["target"]["selector"];
        if sel.is_null() {
            continue;
        }
        assert_eq!(sel["type"], "TextQuoteSelector");
        let whole = format!(
            "{}{}{}",
            sel["prefix"].as_str().unwrap(),
            sel["exact"].as_str().unwrap(),
            sel["suffix"].as_str().unwrap()
        );
        assert_eq!(
            body.matches(&whole).count(),
            1,
            "selector does not re-anchor exactly once: {whole:?}"
        );
        anchored += 1;
    }
    assert_eq!(anchored, 4);
}

#[test]
fn quotes_and_glossary_are_published_as_json() {
    let site = SiteTest::fixture("basic").build();
    let q = site.json("quotes.json");
    let quotes = q["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 3);
    assert!(quotes.iter().all(|x| x["url"]
        .as_str()
        .unwrap()
        .starts_with("https://gazette.example.org/articles/")));
    let g = site.json("glossary.json");
    let lind = g["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "mara-lind")
        .unwrap();
    assert_eq!(lind["affiliations"][0], "harbour-town-council");
}

#[test]
fn front_matter_text_is_escaped() {
    let site = SiteTest::new()
        .file(
            "content/articles/x.md",
            "+++\ntitle = \"<script>alert(1)</script>\"\ndate = 2024-01-01\n[[sources]]\nid = \"s\"\ntitle = \"<b>bold</b>\"\nurl = \"https://x.org/?a=1&b=2\"\n[[notes]]\nanchor = \"word\"\nsource = \"s\"\n+++\nA word.\n",
        )
        .build();
    let html = site.read("articles/x/index.html");
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<b>bold</b>"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
}

#[test]
fn an_article_without_notes_or_quotes_has_no_annotation_collection() {
    let site = SiteTest::fixture("basic")
        .file(
            "content/articles/plain.md",
            "+++\ntitle = \"Plain\"\ndate = 2024-01-01\n+++\nNothing to annotate.\n",
        )
        .build();
    assert!(!site.exists("articles/plain/annotations.jsonld"));
    assert_eq!(
        site.html("articles/plain/index.html")
            .count("a[href$='annotations.jsonld'], link[href$='annotations.jsonld']"),
        0
    );
    assert!(site.exists("articles/budget-vote/annotations.jsonld"));
}

/// A newsroom cites tens of thousands of documents: the sources index comes
/// in pages of 200, numbered on from page to page, linked to each other and
/// listed in the sitemap.
#[test]
fn the_sources_index_comes_in_pages() {
    let mut front = String::from("+++\ntitle = \"Many sources\"\ndate = 2024-01-01\n");
    for i in 0..201 {
        front.push_str(&format!(
            "\n[[sources]]\nid = \"s{i:03}\"\ntitle = \"Report {i:03}\"\nurl = \"https://example.org/r/{i}\"\n"
        ));
    }
    let t = SiteTest::new().file(
        "content/articles/many.md",
        &format!("{front}+++\nA story told from 201 documents.\n"),
    );
    let site = t.build();

    let first = site.html("sources/index.html");
    assert_eq!(first.count("ol.source-index > li"), 200);
    assert!(
        first.text(".lede").starts_with("201 sources"),
        "{}",
        first.text(".lede")
    );
    assert_eq!(
        first.text("ol.source-index > li .source-title"),
        "Report 000"
    );
    assert_eq!(first.attr("a.pagination-next", "href"), "/sources/page/2/");
    assert_eq!(first.count("a.pagination-prev"), 0);

    let second = site.html("sources/page/2/index.html");
    assert_eq!(
        second.texts("ol.source-index > li .source-title"),
        ["Report 200"]
    );
    assert_eq!(second.attr("ol.source-index", "start"), "201");
    assert_eq!(second.attr("a.pagination-prev", "href"), "/sources/");
    assert!(!site.exists("sources/page/3/index.html"));

    let sitemap = site.html("sitemap.xml").texts("url > loc");
    assert!(
        sitemap.iter().any(|l| l.ends_with("/sources/page/2/")),
        "{sitemap:?}"
    );
}

#[test]
fn the_build_summary_names_entries_that_no_article_mentions() {
    let entry = |name: &str| format!("+++\nname = \"{name}\"\nkind = \"person\"\n+++\nA pilot.\n");
    let warnings = |site: &SiteTest| {
        gloss::build(&site.options())
            .expect("the build succeeds")
            .warnings
    };
    let site = SiteTest::new()
        .file(
            "content/articles/x.md",
            "+++\ntitle = \"X\"\ndate = 2024-01-01\n+++\nIvo Brandt steered the ferry.\n",
        )
        .file("content/glossary/ivo-brandt.md", &entry("Ivo Brandt"))
        .file("content/glossary/ada-moss.md", &entry("Ada Moss"));
    let one = warnings(&site);
    assert!(
        one.contains("1 glossary entry is not mentioned in any article"),
        "{one}"
    );
    assert!(one.contains("ada-moss"), "{one}");
    assert!(!one.contains("ivo-brandt"), "{one}");

    let site = site.file("content/glossary/lena-hart.md", &entry("Lena Hart"));
    let two = warnings(&site);
    assert!(
        two.contains("2 glossary entries are not mentioned in any article"),
        "{two}"
    );
    assert!(two.contains("ada-moss, lena-hart"), "{two}");
}

#[test]
fn anchors_typed_with_dashes_and_dots_match_smart_punctuation_and_export_the_readers_text() {
    let site = SiteTest::new()
        .file(
            "content/articles/kabul.md",
            "+++\ntitle = \"Kabul\"\ndate = 2024-01-01\n\
             [[sources]]\nid = \"s\"\ntitle = \"Wire\"\n\
             [[notes]]\nanchor = \"Kabul -- the capital\"\nsource = \"s\"\n\
             [[notes]]\nanchor = \"--- the former head\"\nsource = \"s\"\n\
             [[notes]]\nanchor = \"and so on...\"\nsource = \"s\"\n+++\n\
             They reached Kabul -- the capital -- at dawn, and met him --- the former head --- and so on...\n",
        )
        .build();
    let page = site.html("articles/kabul/index.html");
    assert_eq!(
        page.texts("span.note-anchor"),
        ["Kabul – the capital", "— the former head", "and so on…"]
    );
    let coll = site.json("articles/kabul/annotations.jsonld");
    let exacts: Vec<&str> = coll["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["target"]["selector"]["exact"].as_str())
        .collect();
    assert_eq!(
        exacts,
        ["Kabul – the capital", "— the former head", "and so on…"]
    );
}

/// Every JSON-LD object of a built page, parsed.
fn json_ld(page: &Page) -> Vec<serde_json::Value> {
    page.0
        .select(&scraper::Selector::parse("script[type='application/ld+json']").unwrap())
        .map(|s| serde_json::from_str(&s.inner_html()).unwrap())
        .collect()
}

const MARA: &str = "+++\nname = \"Mara Lind\"\nkind = \"person\"\nwikidata = \"Q42\"\n\
    [[links]]\ntitle = \"Council page\"\nurl = \"https://council.example.org/lind\"\n+++\nMayor.\n";

fn harbour_site() -> SiteTest {
    SiteTest::new()
        .file(
            "gloss.toml",
            "title = \"Gazette\"\nbase_url = \"https://t.example.org/news/\"\n",
        )
        .file("content/glossary/mara-lind.md", MARA)
        .file("content/articles/harbour/pic.jpg", "not really a jpeg")
        .file(
            "content/articles/harbour/index.md",
            "+++\ntitle = \"Harbour\"\ndate = 2024-01-01\nimage = \"pic.jpg\"\n\
             authors = [\"Mara Lind\", \"Desk\"]\n\
             [[sources]]\nid = \"min\"\ntitle = \"Minutes\"\nurl = \"https://council.example.org/min\"\n\
             [[quotes]]\nanchor = \"We stay open\"\nspeaker = \"mara-lind\"\nsource = \"min\"\n\
             [[quotes]]\nanchor = \"No comment\"\nspeaker = \"mara-lind\"\n+++\n\
             Mara Lind said: \"We stay open.\" Later: \"No comment.\"\n",
        )
        .file(
            "content/articles/ferry.md",
            "+++\ntitle = \"Ferry\"\ndate = 2024-01-02\nimage = \"https://cdn.example.org/ferry.jpg\"\n+++\nBoats.\n",
        )
}

#[test]
fn an_article_image_is_published_and_named_in_og_image_and_json_ld() {
    let site = harbour_site().build();
    let page = site.html("articles/harbour/index.html");
    let want = "https://t.example.org/news/articles/harbour/pic.jpg";
    assert_eq!(page.attr("meta[property='og:image']", "content"), want);
    assert_eq!(json_ld(&page)[0]["image"], want);
    assert!(site.exists("articles/harbour/pic.jpg"));
    let ferry = site.html("articles/ferry/index.html");
    let url = "https://cdn.example.org/ferry.jpg";
    assert_eq!(ferry.attr("meta[property='og:image']", "content"), url);
    assert_eq!(json_ld(&ferry)[0]["image"], url);
}

#[test]
fn an_author_who_is_a_glossary_entry_links_to_its_page() {
    let site = harbour_site().build();
    let ld = &json_ld(&site.html("articles/harbour/index.html"))[0];
    let authors = ld["author"].as_array().unwrap();
    assert_eq!(authors[0]["name"], "Mara Lind");
    assert_eq!(authors[0]["@type"], "Person");
    assert_eq!(
        authors[0]["url"],
        "https://t.example.org/news/glossary/mara-lind/"
    );
    assert_eq!(authors[1]["name"], "Desk");
    assert!(authors[1].get("url").is_none(), "{}", authors[1]);
}

#[test]
fn each_quotation_is_based_on_its_source_and_the_article() {
    let site = harbour_site().build();
    let ld = &json_ld(&site.html("articles/harbour/index.html"))[0];
    let article = "https://t.example.org/news/articles/harbour/";
    let quotes = ld["hasPart"].as_array().unwrap();
    let sourced = quotes.iter().find(|q| q["text"] == "We stay open").unwrap();
    let based: Vec<(&str, &str)> = sourced["isBasedOn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap(), w["url"].as_str().unwrap()))
        .collect();
    assert_eq!(
        based,
        [
            ("Minutes", "https://council.example.org/min"),
            ("Harbour", article)
        ]
    );
    let bare = quotes.iter().find(|q| q["text"] == "No comment").unwrap();
    assert_eq!(bare["isBasedOn"].as_array().unwrap().len(), 1);
    assert_eq!(bare["isBasedOn"][0]["url"], article);
}

#[test]
fn a_glossary_entry_page_carries_its_person_or_organization_json_ld() {
    let site = harbour_site().build();
    let ld = json_ld(&site.html("glossary/mara-lind/index.html"));
    assert_eq!(ld.len(), 1);
    assert_eq!(ld[0]["@context"], "https://schema.org");
    assert_eq!(ld[0]["@type"], "Person");
    assert_eq!(ld[0]["name"], "Mara Lind");
    assert_eq!(
        ld[0]["url"],
        "https://t.example.org/news/glossary/mara-lind/"
    );
    assert_eq!(
        ld[0]["sameAs"],
        serde_json::json!([
            "https://www.wikidata.org/wiki/Q42",
            "https://council.example.org/lind"
        ])
    );
    let board = SiteTest::fixture("basic").build();
    let ld = json_ld(&board.html("glossary/harbour-board/index.html"));
    assert_eq!(ld[0]["@type"], "Organization");
}

#[test]
fn a_bad_article_image_is_an_error_at_its_line() {
    let t = harbour_site()
        .file(
            "content/articles/harbour/index.md",
            "+++\ntitle = \"Harbour\"\ndate = 2024-01-01\nimage = \"pik.jpg\"\n+++\nText.\n",
        )
        .file(
            "content/articles/ferry.md",
            "+++\ntitle = \"Ferry\"\ndate = 2024-01-02\nimage = \"ferry.jpg\"\n+++\nBoats.\n",
        )
        .file(
            "content/articles/bad.md",
            "+++\ntitle = \"Bad\"\ndate = 2024-01-02\nimage = \"javascript:alert(1)\"\n+++\nX.\n",
        );
    let text = t.report_text(&t.build_err());
    for needle in [
        "content/articles/harbour/index.md:4:10",
        "image `pik.jpg` is not a file of the article's folder",
        "did you mean `pic.jpg`?",
        "content/articles/ferry.md:4:10",
        "the article is not a folder",
        "content/articles/bad.md:4:10",
        "image `javascript:alert(1)` is refused",
    ] {
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }
}

/// quotes.json and glossary.json as docs/format.md documents them: every
/// key named there, no other, the optional ones optional.
#[expect(
    dead_code,
    reason = "the structs are the schema: deserializing checks every field, few are read"
)]
mod documented {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Quotes {
        pub quotes: Vec<Quote>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Quote {
        pub id: String,
        pub text: String,
        pub speaker: Speaker,
        pub said: Option<String>,
        pub context: Option<String>,
        pub source: Option<Source>,
        pub article: Article,
        pub url: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Speaker {
        pub id: String,
        pub name: String,
        pub url: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Source {
        pub id: String,
        pub title: String,
        pub publisher: Option<String>,
        pub url: Option<String>,
        pub archived: Option<String>,
        pub date: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Article {
        pub title: String,
        pub url: String,
        pub date: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Glossary {
        pub entries: Vec<Entry>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Entry {
        pub id: String,
        pub name: String,
        pub kind: String,
        pub aliases: Vec<String>,
        pub role: Option<String>,
        pub summary: Option<String>,
        pub affiliations: Vec<String>,
        pub wikidata: Option<String>,
        pub links: Vec<Link>,
        pub url: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Link {
        pub title: String,
        pub url: String,
    }
}

/// Every string and null anywhere in `v`, with its path.
fn empties(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Null => out.push(format!("{path}: null")),
        serde_json::Value::String(s) if s.is_empty() => out.push(format!("{path}: \"\"")),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                empties(x, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                empties(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn quotes_json_and_glossary_json_read_back_as_documented_without_empty_values() {
    let site = harbour_site()
        .file(
            "content/glossary/board.md",
            "+++\nname = \"Board\"\nkind = \"organisation\"\n+++\n",
        )
        .build();
    let quotes: documented::Quotes = serde_json::from_str(&site.read("quotes.json")).unwrap();
    assert_eq!(quotes.quotes.len(), 2);
    let sourced = quotes
        .quotes
        .iter()
        .find(|q| q.text == "We stay open")
        .unwrap();
    let source = sourced.source.as_ref().unwrap();
    assert_eq!(
        (source.id.as_str(), source.title.as_str()),
        ("min", "Minutes")
    );
    assert_eq!(
        source.url.as_deref(),
        Some("https://council.example.org/min")
    );
    assert_eq!(source.publisher, None);
    assert_eq!(sourced.said, None);
    assert_eq!(sourced.speaker.id, "mara-lind");
    assert!(sourced
        .url
        .ends_with(&format!("/articles/harbour/#{}", sourced.id)));
    assert_eq!(sourced.article.date, "2024-01-01");
    let glossary: documented::Glossary = serde_json::from_str(&site.read("glossary.json")).unwrap();
    let board = glossary.entries.iter().find(|e| e.id == "board").unwrap();
    assert_eq!(
        (board.role.as_deref(), board.wikidata.as_deref()),
        (None, None)
    );
    let lind = glossary
        .entries
        .iter()
        .find(|e| e.id == "mara-lind")
        .unwrap();
    assert_eq!(lind.wikidata.as_deref(), Some("Q42"));
    assert_eq!(lind.links[0].url, "https://council.example.org/lind");
    for file in ["quotes.json", "glossary.json"] {
        let mut found = Vec::new();
        empties(&site.json(file), "", &mut found);
        assert!(found.is_empty(), "{file} holds empty values: {found:?}");
    }
}

/// An article with an anchored note, a `[^source]` note and two ordinary
/// footnotes, one referred to twice and one holding a list. The anchored
/// note follows a short footnote's sidenote, so its selector's prefix holds
/// the footnote's numbers and words as the page's DOM has them.
pub(crate) const ONE_NUMBERING: &str = r#"+++
title = "One numbering"
date = 2024-05-01

[[sources]]
id = "log"
title = "Harbour log"

[[notes]]
anchor = "left at dawn"
text = "An anchored note."
+++
The ships waited[^wait], then left at dawn. The log says so[^log]. They came back[^wait].

A second paragraph.[^list]

[^wait]: Two days, *at anchor*.

[^list]: Two kinds:

    - tugs
    - dredgers
"#;

/// Issue 16: ordinary footnotes were numbered apart from source notes, so
/// an article showed two different "1"s. Every numbered note is now one
/// sequence in reading order; a footnote is a sidenote like a source note,
/// linked both ways, and one that a sentence cannot hold is an end note.
#[test]
fn footnotes_and_notes_share_one_numbering_in_reading_order() {
    let site = SiteTest::new()
        .file("content/articles/one.md", ONE_NUMBERING)
        .build();
    let page = site.html("articles/one/index.html");
    // Reading order: [^wait], the anchored note, [^log], [^wait] again, [^list].
    assert_eq!(
        page.texts(".article-body a[role=doc-noteref]"),
        ["1", "2", "3", "1", "4"]
    );
    assert_eq!(
        page.attrs(".article-body a[role=doc-noteref]", "href"),
        ["#sn-1", "#sn-2", "#sn-3", "#sn-1", "#sn-4"]
    );
    // One id per note: the second reference to a footnote has none.
    assert_eq!(
        page.attrs(".article-body a[role=doc-noteref][id]", "id"),
        ["ref-1", "ref-2", "ref-3", "ref-4"]
    );
    assert_eq!(
        page.text("#sn-1.sidenote[role=doc-footnote]"),
        "1 Two days, at anchor. ↩"
    );
    assert_eq!(page.count("#sn-1.sidenote em"), 1);
    assert_eq!(page.attr("#sn-1 a[role=doc-backlink]", "href"), "#ref-1");
    assert!(page.text("#sn-3.sidenote").contains("Harbour log"));
    // The footnote with a list stays at the end, numbered 4, linked back.
    assert_eq!(
        page.count("div.footnote-definition#sn-4[role=doc-footnote] li"),
        2
    );
    assert_eq!(page.attr("#sn-4 a[role=doc-backlink]", "href"), "#ref-4");
    assert_eq!(
        page.count(".footnote-reference, .footnote-definition-label:not(#sn-4 *)"),
        0
    );
    // No number is shown twice for two different notes.
    let labels = page.texts(".sidenote-number, .footnote-definition-label");
    assert_eq!(labels, ["1", "2", "3", "4"]);

    // The feed lists the notes at the end, in the same order and numbering.
    let feed = site.html("atom.xml");
    let content = feed.text("entry > content");
    let entry = scraper::Html::parse_fragment(&content);
    let sel = scraper::Selector::parse("ol.notes > li").unwrap();
    let items: Vec<String> = entry
        .select(&sel)
        .map(|li| {
            li.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        items,
        [
            "Two days, at anchor.",
            "An anchored note.",
            "Harbour log",
            "Two kinds: tugs dredgers"
        ]
    );
    // Footnotes are the article's own words: no annotation of its text.
    let ann = site.json("articles/one/annotations.jsonld");
    let ids: Vec<&str> = ann["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "https://t.example.org/articles/one/#sn-2",
            "https://t.example.org/articles/one/#sn-3"
        ]
    );
}
