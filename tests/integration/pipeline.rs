//! The build pipeline end to end: pages, feeds, sitemap, drafts, the CLI, and
//! the promises about output (atomic, deterministic, never deleting others').

use crate::support::*;

#[test]
fn home_lists_articles_newest_first_and_paginates() {
    let site = SiteTest::fixture("basic").build();
    let home = site.html("index.html");
    assert_eq!(
        home.texts("main h2 a, main h3 a")
            .first()
            .map(String::as_str),
        Some("Ferry timetable changes in May")
    );
    let page2 = site.html("page/2/index.html");
    assert!(page2
        .texts("main a")
        .iter()
        .any(|t| t == "Council passes the harbour budget"));
    assert!(!site.exists("page/3/index.html"));
}

#[test]
fn article_page_has_title_body_and_pretty_url() {
    let site = SiteTest::fixture("basic").build();
    let page = site.html("articles/budget-vote/index.html");
    assert_eq!(page.text("h1"), "Council passes the harbour budget");
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://gazette.example.org/articles/budget-vote/"
    );
    assert_eq!(
        page.attr("h2#what-comes-next a.heading-anchor", "href"),
        "#what-comes-next"
    );
    // Code is highlighted with classes, never inline colours.
    assert!(page.count("pre.code span[class^=hl-]") > 0);
    assert_eq!(page.count("pre.code [style]"), 0);
    // Markdown extensions.
    let ferry = site.html("articles/ferry-timetable/index.html");
    assert_eq!(ferry.count("table td"), 3);
    // Its `[^1]` footnote is a note like the others (issue 16): note 2.
    assert_eq!(ferry.text("#sn-2.sidenote"), "2 Times are local. ↩");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let t = SiteTest::fixture("basic");
    let site = t.build();
    assert!(!site.exists("articles/draft-piece/index.html"));
    let mut opts = t.options();
    opts.drafts = true;
    gloss::build(&opts).unwrap();
    assert!(site.exists("articles/draft-piece/index.html"));
}

#[test]
fn tags_have_pages_an_index_and_feeds() {
    let site = SiteTest::fixture("basic").build();
    let tags = site.html("tags/index.html");
    let names = tags.texts("main li a");
    assert!(names.iter().any(|n| n.contains("Council")), "{names:?}");
    let tag = site.html("tags/council/index.html");
    assert!(tag
        .texts("main a")
        .iter()
        .any(|t| t == "Council passes the harbour budget"));
    let feed = site.html("tags/council/atom.xml");
    assert_eq!(
        feed.texts("entry > title"),
        ["Council passes the harbour budget"]
    );
}

#[test]
fn site_feed_lists_every_article_with_absolute_links() {
    let site = SiteTest::fixture("basic").build();
    let feed = site.read("atom.xml");
    assert!(feed.starts_with("<?xml"));
    let doc = site.html("atom.xml");
    assert_eq!(
        doc.texts("entry > title"),
        [
            "Ferry timetable changes in May",
            "Council passes the harbour budget"
        ]
    );
    assert!(doc
        .attrs("entry > link", "href")
        .contains(&"https://gazette.example.org/articles/budget-vote/".to_string()));
}

/// Feed readers have neither the theme's stylesheet nor its script: an
/// entry carries its article with the sidenotes gathered into a list at the
/// end, no `#` links of the page's own, and links into the page made whole.
#[test]
fn feed_entries_carry_notes_at_the_end_not_mid_paragraph() {
    let site = SiteTest::fixture("basic").build();
    let doc = site.html("atom.xml");
    // (An HTML parser does not keep Atom's nesting: look for `content` anywhere.)
    let budget = doc
        .texts("content")
        .into_iter()
        .find(|c| c.contains("seven votes to four"))
        .expect("the budget article is in the feed");
    // The entry's content is itself HTML: parse it as a reader would.
    let entry = scraper::Html::parse_fragment(&budget);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    assert_eq!(entry.select(&select(".sidenote")).count(), 0, "{budget}");
    assert_eq!(
        entry
            .select(&select(".heading-anchor, .quote-link, .note-back"))
            .count(),
        0
    );
    let notes: Vec<String> = entry
        .select(&select("ol.notes > li"))
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes[0].starts_with("The roll call is on page 3. Council minutes"),
        "{notes:?}"
    );
    assert_eq!(notes[1], "The contract has not been published.");
    assert_eq!(notes[2], "Evening bulletin, Harbour Radio");
    let refs: Vec<&str> = entry
        .select(&select("sup.note-ref a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        refs,
        [
            "https://gazette.example.org/articles/budget-vote/#sn-1",
            "https://gazette.example.org/articles/budget-vote/#sn-2",
            "https://gazette.example.org/articles/budget-vote/#sn-3"
        ]
    );
}

#[test]
fn sitemap_lists_every_page_but_the_404_sorted() {
    let site = SiteTest::fixture("basic").build();
    let doc = site.html("sitemap.xml");
    let locs = doc.texts("url > loc");
    assert!(locs.contains(&"https://gazette.example.org/".to_string()));
    assert!(locs.contains(&"https://gazette.example.org/articles/budget-vote/".to_string()));
    assert!(locs.contains(&"https://gazette.example.org/glossary/mara-lind/".to_string()));
    assert!(locs.contains(&"https://gazette.example.org/about/".to_string()));
    assert!(!locs.iter().any(|l| l.contains("404")));
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted);
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://gazette.example.org/sitemap.xml"));
    assert!(site.exists("404.html"));
}

#[test]
fn theme_assets_are_content_hashed_and_linked() {
    let site = SiteTest::fixture("basic").build();
    let page = site.html("index.html");
    let css = page.attrs("link[rel=stylesheet]", "href");
    assert!(
        css.iter()
            .any(|h| h.starts_with("/gloss.") && h.ends_with(".css")),
        "{css:?}"
    );
    for href in css {
        assert!(site.exists(href.trim_start_matches('/')), "{href} missing");
    }
    let js = page.attr("script[src]", "src");
    assert!(site.exists(js.trim_start_matches('/')));
}

#[test]
fn base_url_can_be_overridden_for_a_preview() {
    let t = SiteTest::fixture("basic");
    let out = t.run(&[
        "build",
        "--base-url",
        "https://preview.example.net/",
        "--output",
        "../preview",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(t.root.join("../preview/index.html")).unwrap();
    assert!(page.contains("https://preview.example.net/"));
}

#[test]
fn two_builds_give_identical_bytes_whatever_the_thread_count() {
    let t = SiteTest::fixture("basic");
    let run = |threads: &str, out: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
            .args(["build", "--output", out])
            .current_dir(&t.root)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        snapshot_dir(&t.root.join(out))
    };
    let one = run("1", "out-a");
    let two = run("2", "out-b");
    assert_eq!(one.len(), two.len());
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between builds", a.0);
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let t = SiteTest::fixture("basic");
    t.build();
    let before = snapshot_dir(&t.out());
    let t = t.file(
        "content/articles/budget-vote.md",
        "+++\ntitle = \"Broken\ndate = 2024-01-01\n+++\nx\n",
    );
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot_dir(&t.out()), before);
}

#[test]
fn gloss_refuses_to_replace_a_folder_it_did_not_create() {
    let t = SiteTest::fixture("basic").file("public/precious.txt", "mine");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gloss did not create it"), "{err}");
    assert_eq!(
        std::fs::read_to_string(t.out().join("precious.txt")).unwrap(),
        "mine"
    );
    let out = t.run(&["build", "--output", "content/public"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_rebuild_replaces_its_own_output() {
    let t = SiteTest::fixture("basic");
    t.build();
    std::fs::remove_file(t.root.join("content/about.md")).unwrap();
    let site = t.build();
    assert!(!site.exists("about/index.html"));
    assert!(site.exists(".gloss-output"));
}

#[test]
fn init_then_build_works_without_templates() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], cwd: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap()
    };
    let o = run(&["init", "my-site"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let site = dir.path().join("my-site");
    assert!(!site.join("templates").exists());
    let o = run(&["build"], &site);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(site.join("public/articles/hello/index.html").is_file());
    let o = run(&["new", "article", "Canal Reopens: What Next?"], &site);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let new =
        std::fs::read_to_string(site.join("content/articles/canal-reopens-what-next.md")).unwrap();
    assert!(new.contains("title = \"Canal Reopens: What Next?\""));
    // A new article is a draft: it builds, and the build stays green.
    let o = run(&["build"], &site);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn usage_errors_exit_with_two() {
    let t = SiteTest::fixture("basic");
    assert_eq!(t.run(&["biuld"]).status.code(), Some(2));
    assert_eq!(t.run(&["build", "--nope"]).status.code(), Some(2));
}

#[test]
fn colocated_assets_are_copied_beside_their_article() {
    let site = SiteTest::new()
        .file("content/articles/photo-essay/index.md", "+++\ntitle = \"Photos\"\ndate = 2024-01-01\nslug = \"photos\"\n+++\n![A boat](boat.png)\n")
        .file("content/articles/photo-essay/boat.png", "PNG")
        .build();
    assert_eq!(site.read("articles/photos/boat.png"), "PNG");
}

/// The search page loads the newest articles first and reaches back one
/// bundle at a time, so `pagefind/shards.json` must say what each bundle
/// holds: in build order (the articles oldest first, then the glossary),
/// each article bundle with the dates of its oldest and newest article.
#[test]
fn search_shards_list_says_what_each_bundle_holds_and_how_far_back() {
    let mut t = SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://t.example.org/\"\nsearch_records_per_shard = 2\n",
    );
    for (slug, date) in [
        ("a", "2023-05-01"),
        ("b", "2021-02-03"),
        ("c", "2024-12-31"),
    ] {
        t = t.file(
            &format!("content/articles/{slug}.md"),
            &format!("+++\ntitle = \"Story {slug}\"\ndate = {date}\n+++\nText about Ada Park.\n"),
        );
    }
    let site = t
        .file(
            "content/glossary/ada-park.md",
            "+++\nname = \"Ada Park\"\nkind = \"person\"\n+++\nA planner.\n",
        )
        .build();
    assert_eq!(
        site.json("pagefind/shards.json"),
        serde_json::json!([
            {"path": "", "holds": "articles", "from": "2021-02-03", "to": "2023-05-01"},
            {"path": "shard-1/", "holds": "articles", "from": "2024-12-31", "to": "2024-12-31"},
            {"path": "shard-2/", "holds": "glossary"},
        ])
    );
    for dir in ["pagefind", "pagefind/shard-1", "pagefind/shard-2"] {
        assert!(site.exists(&format!("{dir}/pagefind-entry.json")), "{dir}");
    }
}

#[test]
fn search_index_and_page_are_written_unless_the_site_opts_out() {
    let t = SiteTest::fixture("basic");
    let site = t.build();
    assert!(site.exists("pagefind/pagefind.js"));
    assert!(site.exists("pagefind/pagefind-entry.json"));
    let search = site.html("search/index.html");
    assert_eq!(
        search.attr("form[role=search] input[type=search]", "name"),
        "q"
    );
    assert!(site
        .html("index.html")
        .attrs("nav a", "href")
        .contains(&"/search/".to_string()));

    let t = t.file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://t.example.org/\"\nsearch = false\n",
    );
    let site = t.build();
    assert!(!site.exists("pagefind"));
    assert!(!site.exists("search/index.html"));
    assert!(!site
        .html("index.html")
        .attrs("nav a", "href")
        .contains(&"/search/".to_string()));
}

#[test]
fn verbose_builds_say_which_templates_the_time_went_to() {
    let t = SiteTest::fixture("basic");
    let o = t.run(&["build", "-v"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    let articles = std::fs::read_dir(t.out().join("articles")).unwrap().count();
    // One line per template, with how many pages it made.
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with("article.html"))
        .unwrap_or_else(|| panic!("no article.html line in:\n{err}"));
    let pages: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(pages, articles, "{line}");
    assert!(
        err.lines().any(|l| l.trim_start().starts_with("home.html")),
        "{err}"
    );
    // Without -v, none of it.
    let o = t.run(&["build"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("article.html"));
}
