//! Output paths (issue 12): a slug can never leave the output folder, and a
//! page can never silently replace another; redirects for aliases; the
//! `--base-url` check of the command line (issue 13).

use crate::support::*;
use std::path::Path;

const ARTICLE: &str = "+++\ntitle = \"Hello\"\ndate = 2024-01-01\n+++\nBody.\n";

fn page(slug: &str) -> String {
    format!("+++\ntitle = \"Evil\"\nslug = \"{slug}\"\n+++\nBody.\n")
}

/// Builds `t`, expecting errors; returns the report with temp paths as `[ROOT]`.
fn report(t: &SiteTest) -> String {
    let r = t.build_err();
    t.report_text(&r)
}

/// Every file under `dir`, relative, sorted; `.gloss/` (the build's own lock
/// and state, documented in docs/format.md) aside.
fn files_under(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".gloss")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

macro_rules! slug_case {
    ($name:ident, $slug:expr, $($needle:expr),+) => {
        #[test]
        fn $name() {
            let t = SiteTest::new()
                .file("content/articles/hello.md", ARTICLE)
                .file("content/evil.md", &page($slug));
            let before = files_under(t.root.parent().unwrap());
            let text = report(&t);
            assert!(text.contains("content/evil.md:3:"), "expected the slug's place in:\n{text}");
            $( assert!(text.contains($needle), "expected {:?} in:\n{}", $needle, text); )+
            // Nothing was written, in the output folder or beside it.
            assert_eq!(files_under(t.root.parent().unwrap()), before);
            insta::assert_snapshot!(stringify!($name), text);
        }
    };
}

slug_case!(
    a_page_slug_that_climbs_is_refused,
    "../../victim",
    "climbs out of its folder",
    "try `victim`"
);
slug_case!(
    an_absolute_page_slug_is_refused,
    "/tmp/evil",
    "is absolute",
    "try `tmp/evil`"
);
slug_case!(an_empty_page_slug_is_refused, "", "is empty");
slug_case!(a_dot_page_slug_is_refused, ".", "is `.`, the site's root");
slug_case!(
    a_windows_device_name_is_refused,
    "Con.txt",
    "a device name Windows reserves",
    "con-txt-page"
);
slug_case!(
    a_backslash_in_a_slug_is_refused,
    "a\\\\..\\\\b",
    "holds a backslash"
);

#[test]
fn a_300_character_slug_is_refused_at_its_place() {
    let long = "a".repeat(300);
    let t = SiteTest::new().file(
        "content/articles/hello.md",
        &format!("+++\ntitle = \"Hello\"\ndate = 2024-01-01\nslug = \"{long}\"\n+++\nBody.\n"),
    );
    let text = report(&t);
    assert!(text.contains("content/articles/hello.md:4:9"), "{text}");
    assert!(
        text.contains("is 300 bytes long") || text.contains("a part 300 bytes long"),
        "{text}"
    );
    assert!(text.contains("shorten it"), "{text}");
}

#[test]
fn a_reserved_file_name_is_refused_for_articles_and_entries() {
    let t = SiteTest::new()
        .file("content/articles/nul.md", ARTICLE)
        .file(
            "content/glossary/aux.md",
            "+++\nname = \"Aux\"\nkind = \"person\"\n+++\nX.\n",
        );
    let text = report(&t);
    assert!(text.contains("content/articles/nul.md:1:1"), "{text}");
    assert!(
        text.contains("the file name `nul` is not a safe path"),
        "{text}"
    );
    assert!(text.contains("content/glossary/aux.md:1:1"), "{text}");
}

#[test]
fn a_page_slug_onto_an_article_names_both_files() {
    let t = SiteTest::new()
        .file("content/articles/hello.md", ARTICLE)
        .file("content/evil.md", &page("articles/hello"));
    let text = report(&t);
    assert!(text.contains("content/evil.md:3:9"), "{text}");
    assert!(
        text.contains("inside `/articles/`, which gloss writes itself"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn pages_named_after_gloss_sections_are_refused() {
    for slug in [
        "quotes", "tags", "search", "sources", "glossary", "page", "Tags/x",
    ] {
        let t = SiteTest::new()
            .file("content/articles/hello.md", ARTICLE)
            .file("content/evil.md", &page(slug));
        let text = report(&t);
        assert!(text.contains("which gloss writes itself"), "{slug}: {text}");
        assert!(text.contains("content/evil.md:3:9"), "{slug}: {text}");
    }
}

#[test]
fn two_pages_with_one_slug_name_both_files() {
    let t = SiteTest::new()
        .file("content/articles/hello.md", ARTICLE)
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nA.\n")
        .file("content/other.md", &page("About"));
    let text = report(&t);
    assert!(
        text.contains("the page content/about.md and the page content/other.md"),
        "{text}"
    );
    assert!(text.contains("content/other.md:3:9"), "{text}");
    assert!(text.contains("content/about.md:1:1"), "{text}");
}

#[test]
fn a_static_file_over_a_generated_page_is_an_error() {
    let t = SiteTest::new()
        .file("content/articles/hello.md", ARTICLE)
        .file("static/index.html", "<p>mine</p>")
        .file("static/quotes/index.html", "<p>mine</p>");
    let text = report(&t);
    assert!(
        text.contains(
            "two sources for `index.html`: the home page and the static file static/index.html"
        ),
        "{text}"
    );
    assert!(text.contains("two sources for `quotes/index.html`: the quote index and the static file static/quotes/index.html"), "{text}");
}

#[test]
fn tags_whose_slugs_collide_name_both_spellings_and_where_they_are_used() {
    let t = SiteTest::new()
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-01\ntags = [\"C++\"]\n+++\nA.\n",
        )
        .file(
            "content/articles/b.md",
            "+++\ntitle = \"B\"\ndate = 2024-01-02\ntags = [\"c\"]\n+++\nB.\n",
        )
        // Spellings that differ only in case or spacing share a page: no error.
        .file(
            "content/articles/c.md",
            "+++\ntitle = \"C\"\ndate = 2024-01-03\ntags = [\"Climate Policy\"]\n+++\nC.\n",
        )
        .file(
            "content/articles/d.md",
            "+++\ntitle = \"D\"\ndate = 2024-01-04\ntags = [\"climate  policy\"]\n+++\nD.\n",
        );
    let text = report(&t);
    assert!(!text.to_lowercase().contains("climate"), "{text}");
    assert!(
        text.contains("the tags `c` and `C++` would share one page, /tags/c/"),
        "{text}"
    );
    assert!(text.contains("content/articles/a.md:4:10"), "{text}");
    assert!(text.contains("content/articles/b.md:4:10"), "{text}");
    insta::assert_snapshot!(text);
}

const MOVED: &str = "+++\ntitle = \"Canal <reopens>\"\ndate = 2024-01-01\naliases = [\"/2019/old-title/\", \"/old.html\"]\n+++\nBody.\n";

#[test]
fn an_alias_writes_a_redirect_page_to_the_article() {
    let t = SiteTest::new().file("content/articles/canal.md", MOVED);
    let built = t.build();
    for path in ["2019/old-title/index.html", "old.html"] {
        let p = built.html(path);
        assert_eq!(
            p.attr("link[rel=canonical]", "href"),
            "https://t.example.org/articles/canal/"
        );
        assert_eq!(
            p.attr("meta[http-equiv=refresh]", "content"),
            "0; url=/articles/canal/"
        );
        assert_eq!(p.attr("body a", "href"), "/articles/canal/");
        assert_eq!(p.text("body a"), "Canal <reopens>");
    }
    // Redirects are not pages of the sitemap.
    assert!(!built.read("sitemap.xml").contains("old-title"));
}

#[test]
fn an_alias_under_a_base_path_redirects_behind_it() {
    let t = SiteTest::new()
        .file(
            "gloss.toml",
            "title = \"T\"\nbase_url = \"https://example.org/news/\"\n",
        )
        .file("content/articles/canal.md", MOVED);
    let built = t.build();
    let p = built.html("2019/old-title/index.html");
    assert_eq!(
        p.attr("meta[http-equiv=refresh]", "content"),
        "0; url=/news/articles/canal/"
    );
    assert_eq!(
        p.attr("link[rel=canonical]", "href"),
        "https://example.org/news/articles/canal/"
    );
}

#[test]
fn aliases_that_climb_or_clash_are_errors_naming_both_files() {
    let t = SiteTest::new()
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nA.\n")
        .file("content/articles/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\naliases = [\"/about/\", \"/../../etc/\", \"/shared/\"]\n+++\nA.\n")
        .file("content/articles/b.md", "+++\ntitle = \"B\"\ndate = 2024-01-02\naliases = [\"/shared/\", \"/articles/a/\"]\n+++\nB.\n");
    let text = report(&t);
    assert!(
        text.contains("the alias `../../etc` is not a safe path: it climbs out of its folder"),
        "{text}"
    );
    assert!(text.contains("content/articles/a.md:4:24"), "{text}");
    assert!(
        text.contains("two sources for `about/index.html`"),
        "{text}"
    );
    assert!(
        text.contains("two sources for `shared/index.html`"),
        "{text}"
    );
    assert!(
        text.contains("two sources for `articles/a/index.html`"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn a_base_url_without_a_scheme_on_the_command_line_is_a_usage_error() {
    let t = SiteTest::new().file("content/articles/hello.md", ARTICLE);
    for bad in [
        "example.org/news",
        "ftp://example.org/",
        "https://example.org/a b/",
        "https://example.org/../x",
    ] {
        let out = t.run(&["build", "--base-url", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--base-url"), "{bad}: {err}");
        assert!(!t.out().exists(), "{bad}");
    }
    let out = t.run(&["build", "--base-url", "https://example.org/news/"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = std::fs::read_to_string(t.out().join("index.html")).unwrap();
    assert!(
        home.contains("<link rel=\"canonical\" href=\"https://example.org/news/\">"),
        "{home}"
    );
}

#[test]
fn check_reports_root_relative_links_that_miss_the_base_path() {
    let t = SiteTest::new()
        .file("gloss.toml", "title = \"T\"\nbase_url = \"https://example.org/news/\"\n")
        .file("content/articles/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nSee [b](/articles/b/), [b again](/news/articles/b/) and [also](../b/).\n")
        .file("content/articles/b.md", "+++\ntitle = \"B\"\ndate = 2024-01-02\n+++\nB.\n");
    let r = gloss::check(&t.options()).expect_err("one link leaves the site");
    let text = t.report_text(&r);
    assert_eq!(r.error_count(), 1, "{text}");
    assert!(
        text.contains("link to `/articles/b/` leaves the site: it is served from `/news/`"),
        "{text}"
    );
    assert!(
        text.contains("write the address behind the base path, `/news/articles/b/`"),
        "{text}"
    );
}
