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
    assert!(site.exists("favicon.ico"), "the other icon stays the theme's");
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
