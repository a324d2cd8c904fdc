//! The reader's rough edges: what every page carries (icon, footer), the
//! typography of glossary text, and what the build says about drafts.

use crate::support::*;

#[test]
fn the_theme_ships_a_favicon_that_every_page_links_and_a_site_can_replace() {
    let site = SiteTest::fixture("basic").build();
    assert!(site.read("favicon.svg").starts_with("<svg"));
    assert!(site.exists("favicon.ico"));
    for page in [
        "index.html",
        "articles/budget-vote/index.html",
        "glossary/mara-lind/index.html",
        "quotes/index.html",
        "404.html",
    ] {
        assert_eq!(
            site.html(page).attrs("link[rel=icon]", "href"),
            ["/favicon.ico", "/favicon.svg"],
            "{page}"
        );
    }
    let own = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    let site = SiteTest::fixture("basic")
        .file("static/favicon.svg", own)
        .build();
    assert_eq!(site.read("favicon.svg"), own);
    assert!(
        site.exists("favicon.ico"),
        "the other icon stays the theme's"
    );
}

#[test]
fn the_icons_sit_behind_the_base_path() {
    let site = SiteTest::fixture("basic")
        .file(
            "gloss.toml",
            "title = \"T\"\nbase_url = \"https://t.example.org/news/\"\n",
        )
        .build();
    assert_eq!(
        site.html("index.html").attrs("link[rel=icon]", "href"),
        ["/news/favicon.ico", "/news/favicon.svg"]
    );
}

#[test]
fn the_footer_links_every_index_quotes_included() {
    let site = SiteTest::fixture("basic").build();
    assert_eq!(
        site.html("index.html").texts(".footer-links a"),
        ["Articles", "Quotes", "Glossary", "Sources", "Atom feed"]
    );
}

#[test]
fn glossary_names_and_roles_get_the_smart_punctuation_of_the_body() {
    let site = SiteTest::new()
        .file(
            "content/glossary/lloyds-list.md",
            "+++\nname = \"Lloyd's List\"\nkind = \"organisation\"\naliases = [\"Lloyd's\"]\nrole = \"The trade's \\\"daily\\\" -- since 1734\"\n[[links]]\ntitle = \"Lloyd's site\"\nurl = \"https://ll.example.org/\"\n+++\nA paper.\n",
        )
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nLloyd's List said so.\n",
        )
        .build();
    let entry = site.html("glossary/lloyds-list/index.html");
    assert_eq!(entry.text("h1"), "Lloyd’s List");
    assert!(entry
        .body_text()
        .contains("The trade’s “daily” – since 1734"));
    let glossary = site.html("glossary/index.html");
    assert!(glossary.body_text().contains("Lloyd’s List"));
    assert!(!glossary.body_text().contains("Lloyd's"));
    // The body's "Lloyd’s List" is still found and linked.
    let article = site.html("articles/a/index.html");
    assert_eq!(article.texts("a.mention"), ["Lloyd’s List"]);
    let json = site.json("glossary.json");
    assert_eq!(json["entries"][0]["name"], "Lloyd’s List");
}

#[test]
fn the_summary_says_how_many_drafts_were_skipped_and_how_to_include_them() {
    let t = SiteTest::fixture("basic");
    let err = String::from_utf8_lossy(&t.run(&["build"]).stderr).into_owned();
    assert!(
        err.contains("\n1 draft skipped; use --drafts to include it\n"),
        "{err}"
    );
    let t = t.file(
        "content/articles/second-draft.md",
        "+++\ntitle = \"Later\"\ndate = 2024-05-02\ndraft = true\n+++\nNot yet.\n",
    );
    let err = String::from_utf8_lossy(&t.run(&["build"]).stderr).into_owned();
    assert!(
        err.contains("\n2 drafts skipped; use --drafts to include them\n"),
        "{err}"
    );
    let err = String::from_utf8_lossy(&t.run(&["build", "--drafts"]).stderr).into_owned();
    assert!(!err.contains("skipped"), "{err}");
    let err = String::from_utf8_lossy(&SiteTest::new().run(&["build"]).stderr).into_owned();
    assert!(!err.contains("draft"), "{err}");
}

#[test]
fn serve_says_after_its_first_build_how_many_drafts_were_skipped() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let t = SiteTest::fixture("basic");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["serve", "--port", "0", "--no-reload"])
        .current_dir(&t.root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut seen = Vec::new();
    let found = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line == "1 draft skipped; use --drafts to include it" => break true,
            Ok(line) => seen.push(line),
            Err(_) => break false,
        }
    };
    child.kill().ok();
    child.wait().ok();
    assert!(
        found,
        "no drafts line from serve; it said:\n{}",
        seen.join("\n")
    );
}

/// Issue 16: text typed in front matter kept its straight quotes, `--` and
/// `...` where the body beside it had curly quotes, dashes and `…`: in
/// titles (`<title>`, og tags, feeds), summaries, authors, source titles and
/// publishers, quote contexts and quote-link labels. Every file the build
/// writes is searched for the typed forms, and the places readers see are
/// parsed for the smart ones.
#[test]
fn text_from_front_matter_gets_the_smart_punctuation_of_the_body() {
    let site = SiteTest::new()
        .file(
            "content/glossary/lloyds-list.md",
            "+++\nname = \"Lloyd's List\"\nkind = \"organisation\"\n+++\nA paper.\n",
        )
        .file(
            "content/articles/run.md",
            r#"+++
title = "The ships' \"last\" run -- at dawn..."
date = 2024-01-01
summary = "Tugs' work -- and \"luck\"."
authors = ["Pat O'Brien"]

[[sources]]
id = "log"
title = "Harbour's \"log\""
publisher = "Port Authority's desk"
url = "https://log.example.org/"

[[notes]]
anchor = "left at dawn"
source = "log"

[[quotes]]
anchor = "We sail"
speaker = "lloyds-list"
context = "At the \"briefing\""
source = "log"
+++
The ships left at dawn. Lloyd's List wrote: "We sail."
"#,
        )
        .file(
            "content/about.md",
            "+++\ntitle = \"About \\\"us\\\" -- the desk\"\n+++\nWho we are.\n",
        )
        .build();

    // No file written holds a typed form, raw, escaped for HTML or in JSON.
    let typed = [
        "ships'",
        "ships&#39;",
        "\"last\"",
        "&quot;last&quot;",
        "\\\"last\\\"",
        "-- at",
        "dawn...",
        "Tugs'",
        "Tugs&#39;",
        "\"luck\"",
        "&quot;luck&quot;",
        "O'Brien",
        "O&#39;Brien",
        "Harbour's",
        "Harbour&#39;s",
        "&quot;log&quot;",
        "\\\"log\\\"",
        "Authority's",
        "Authority&#39;s",
        "&quot;briefing&quot;",
        "\\\"briefing\\\"",
        "Lloyd's",
        "Lloyd&#39;s",
        "&quot;us&quot;",
        "\\\"us\\\"",
        "-- the desk",
    ];
    let mut checked = 0;
    for (path, bytes) in snapshot_dir(&site.out) {
        if path.starts_with("pagefind") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for t in typed {
            assert!(!text.contains(t), "{path} has {t:?}");
        }
        checked += 1;
    }
    assert!(checked > 10, "{checked} files");

    let title = "The ships’ “last” run – at dawn…";
    let page = site.html("articles/run/index.html");
    assert_eq!(page.text("head > title"), format!("{title} — Test"));
    assert_eq!(page.attr("meta[property='og:title']", "content"), title);
    assert_eq!(page.text("h1"), title);
    assert_eq!(page.text(".dek"), "Tugs’ work – and “luck”.");
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        "Tugs’ work – and “luck”."
    );
    assert_eq!(page.text(".byline .author"), "Pat O’Brien");
    assert_eq!(page.text(".source-title"), "Harbour’s “log”");
    assert!(page
        .text("#sn-1")
        .contains("Harbour’s “log”, Port Authority’s desk"));
    assert_eq!(
        page.attr("a.quote-link", "data-speaker-name"),
        "Lloyd’s List"
    );
    assert_eq!(
        page.attr("a.quote-link", "aria-label"),
        "Quote by Lloyd’s List: link to this quote"
    );
    let ld: serde_json::Value =
        serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["headline"], title);
    assert_eq!(ld["author"][0]["name"], "Pat O’Brien");
    let feed = site.html("atom.xml");
    assert_eq!(feed.texts("entry > title"), [title]);
    let quotes = site.json("quotes.json");
    let q = &quotes["quotes"][0];
    assert_eq!(q["context"], "At the “briefing”");
    assert_eq!(q["source"]["title"], "Harbour’s “log”");
    assert_eq!(q["article"]["title"], title);
    let about = site.html("about/index.html");
    assert_eq!(about.text("head > title"), "About “us” – the desk — Test");
}
