//! Incremental rebuilds (`serve`): after every kind of edit, the site a
//! `Session` updates to equals a fresh full build of the edited site, every
//! path and every byte (STYLE 2.9).

use crate::support::SiteTest;
use gloss::incremental::{Mode, Session};
use gloss::{BuildOptions, OutputFile, RenderedSite};
use std::collections::BTreeMap;
use std::path::PathBuf;

struct Edits {
    site: SiteTest,
    opts: BuildOptions,
    session: Session,
}

fn bytes(file: &OutputFile) -> Vec<u8> {
    match file {
        OutputFile::Bytes(b) => b.to_vec(),
        OutputFile::Copy(p) => std::fs::read(p).unwrap(),
    }
}

fn contents(files: &BTreeMap<String, OutputFile>) -> BTreeMap<String, Vec<u8>> {
    files.iter().map(|(k, v)| (k.clone(), bytes(v))).collect()
}

impl Edits {
    fn new(search_index: bool) -> Edits {
        Edits::of(SiteTest::fixture("basic"), search_index)
    }

    fn of(site: SiteTest, search_index: bool) -> Edits {
        let opts = BuildOptions {
            search_index,
            ..site.options()
        };
        let (session, first) = Session::build(&opts).unwrap_or_else(|r| panic!("{}", r.rendered()));
        assert_eq!(session.last_mode(), Mode::Full);
        let edits = Edits {
            site,
            opts,
            session,
        };
        edits.assert_equals_full_build(&first);
        edits
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.site.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_default()
    }

    /// Rewrites `rel` with `edit` applied and updates the session.
    fn edit(
        &mut self,
        rel: &str,
        edit: impl FnOnce(String) -> String,
    ) -> Result<RenderedSite, String> {
        let text = edit(self.read(rel));
        std::fs::write(self.path(rel), text).unwrap();
        self.session
            .update(&[self.path(rel)])
            .map_err(|r| r.rendered().to_string())
    }

    /// `edit`, expecting success and a site equal to a full build.
    fn check(&mut self, rel: &str, edit: impl FnOnce(String) -> String) -> Mode {
        let site = self
            .edit(rel, edit)
            .unwrap_or_else(|r| panic!("update failed:\n{r}"));
        self.assert_equals_full_build(&site);
        self.session.last_mode()
    }

    fn assert_equals_full_build(&self, site: &RenderedSite) {
        let full = gloss::render_site(&self.opts).unwrap_or_else(|r| panic!("{}", r.rendered()));
        let (got, want) = (contents(&site.files), contents(&full.files));
        let got_paths: Vec<&String> = got.keys().collect();
        let want_paths: Vec<&String> = want.keys().collect();
        assert_eq!(
            got_paths, want_paths,
            "the updated site has other files than a full build"
        );
        for (path, bytes) in &want {
            assert!(
                got[path] == *bytes,
                "{path} differs from a full build:\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(&got[path]),
                String::from_utf8_lossy(bytes)
            );
        }
        assert_eq!(site.stats.pages, full.stats.pages);
        assert_eq!(site.stats.files, full.stats.files);
        assert_eq!(site.stats.warnings, full.stats.warnings);
    }
}

const FERRY: &str = "content/articles/ferry-timetable.md";
const BUDGET: &str = "content/articles/budget-vote.md";

fn incremental(mode: Mode) -> bool {
    matches!(mode, Mode::Incremental { .. })
}

#[test]
fn incremental_paragraph_edit_takes_the_fast_path_and_equals_a_full_build() {
    let mut e = Edits::new(false);
    let mode = e.check(FERRY, |t| {
        t.replace("A footnote for readers.", "A longer footnote for readers.")
    });
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    assert!(e.session.last_update_was_incremental());
}

#[test]
fn incremental_edits_of_one_article_equal_a_full_build_after_each() {
    let mut e = Edits::new(false);
    // A new quote (the quote index, the speaker's entry page).
    let mode = e.check(FERRY, |t| {
        t.replace(
            "speaker = \"harbour-board\"\n+++",
            "speaker = \"harbour-board\"\n\n[[quotes]]\nanchor = \"asked the board to reconsider\"\nspeaker = \"mara-lind\"\n+++",
        )
    });
    assert!(incremental(mode), "{mode:?}");
    // Tags (tag pages and their feeds appear and disappear).
    let mode = e.check(FERRY, |t| {
        t.replace(
            "tags = [\"transport\"]",
            "tags = [\"ferries\", \"Council\"]",
        )
    });
    assert!(incremental(mode), "{mode:?}");
    // The date: the home page's order and the feeds change.
    let mode = e.check(FERRY, |t| {
        t.replace("date = 2024-04-10", "date = 2024-01-02")
    });
    assert!(incremental(mode), "{mode:?}");
    // The slug: the old pages must disappear.
    let mode = e.check(FERRY, |t| {
        t.replace("tags = [", "slug = \"ferry-cuts\"\ntags = [")
    });
    assert!(incremental(mode), "{mode:?}");
    assert!(e.session.last_update_was_incremental());
    // The title.
    let mode = e.check(FERRY, |t| {
        t.replace("Ferry timetable changes in May", "Fewer ferries from May")
    });
    assert!(incremental(mode), "{mode:?}");
    // Another article, then back to the first.
    let mode = e.check(BUDGET, |t| {
        t.replace("date = 2024-03-05", "date = 2024-05-05")
    });
    assert!(incremental(mode), "{mode:?}");
    let mode = e.check(FERRY, |t| t.replace("slug = \"ferry-cuts\"\n", ""));
    assert!(incremental(mode), "{mode:?}");
}

#[test]
fn incremental_draft_toggle_equals_a_full_build() {
    let mut e = Edits::new(false);
    e.check(FERRY, |t| t.replace("tags = [", "draft = true\ntags = ["));
    e.check(FERRY, |t| t.replace("draft = true\n", ""));
    // Back to the fast path once the article is loaded again.
    let mode = e.check(FERRY, |t| {
        t.replace("two fewer sailings a day", "two fewer sailings each day")
    });
    assert!(incremental(mode), "{mode:?}");
}

#[test]
fn incremental_broken_front_matter_fails_then_its_fix_equals_a_full_build() {
    let mut e = Edits::new(false);
    let err = e
        .edit(FERRY, |t| t.replace("date = 2024-04-10", "date = \"soon\""))
        .expect_err("a broken date must fail the update");
    assert!(err.contains("ferry-timetable.md"), "{err}");
    // An edit elsewhere does not hide the error still on disk.
    let err = e
        .edit(BUDGET, |t| {
            t.replace("seven votes to four", "seven votes to four.")
        })
        .expect_err("the broken article is still broken");
    assert!(err.contains("ferry-timetable.md"), "{err}");
    let mode = e.check(FERRY, |t| t.replace("date = \"soon\"", "date = 2024-04-11"));
    assert!(incremental(mode), "{mode:?}");
    // An anchor that is not in the text fails at resolution; fixed, equal again.
    e.edit(FERRY, |t| {
        t.replace(
            "anchor = \"two fewer sailings\"",
            "anchor = \"three fewer sailings\"",
        )
    })
    .expect_err("an anchor that is not in the text");
    e.check(FERRY, |t| {
        t.replace("three fewer sailings", "two fewer sailings")
    });
}

#[test]
fn incremental_glossary_template_and_new_files_equal_a_full_build() {
    let mut e = Edits::new(false);
    // An entry's description changed: no article is resolved again
    // (issue 15), and the pages that show it are rendered again.
    let mode = e.check("content/glossary/mara-lind.md", |t| {
        t.replace("Mayor since 2021.", "Mayor since 2020.")
    });
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    std::fs::create_dir_all(e.path("templates")).unwrap();
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/404.html"),
    )
    .unwrap();
    std::fs::write(e.path("templates/404.html"), &template).unwrap();
    let mode = e.check("templates/404.html", |t| {
        t.replace("Page not found", "Nothing here")
    });
    assert_eq!(mode, Mode::Full);
    let mode = e.check("content/articles/new-piece.md", |_| {
        "+++\ntitle = \"New piece\"\ndate = 2024-06-01\n+++\nMara Lind spoke.\n".into()
    });
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    // `[[entities]]` define glossary entries: every article again.
    let mode = e.check(FERRY, |t| {
        t.replace(
            "+++\nFrom May",
            "\n[[entities]]\nid = \"ferry-union\"\nname = \"Ferry Union\"\nkind = \"organisation\"\n+++\nFrom May",
        )
    });
    assert_eq!(mode, Mode::Incremental { articles: 3 });
    let mode = e.check("content/articles/new-piece.md", |t| {
        t.replace("spoke", "spoke twice")
    });
    assert!(incremental(mode), "{mode:?}");
}

#[test]
fn incremental_update_with_the_search_index_equals_a_full_build() {
    let mut e = Edits::new(true);
    let mode = e.check(FERRY, |t| {
        t.replace("Times are local.", "Times are local time.")
    });
    assert!(incremental(mode), "{mode:?}");
}

#[test]
fn incremental_edits_that_change_only_what_other_pages_show_are_caught() {
    // Each edit leaves the listings alone except for one thing another page
    // shows: the fast path must notice it and still equal a full build.
    let mut e = Edits::new(false);
    let art = "content/articles/budget-vote.md";
    // The sentence around a mention (the entry page's keyword in context).
    let mode = e.check(art, |t| {
        t.replace("told the chamber", "told the packed chamber")
    });
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    // A note's text (the sources index lists notes by number only; the
    // article page and feed show the text).
    e.check(art, |t| {
        t.replace("The roll call is on page 3.", "The roll call is on page 4.")
    });
    // A quote's context (the quote index and the speaker's page).
    e.check(art, |t| {
        t.replace(
            "context = \"Council debate\"",
            "context = \"Late-night council debate\"",
        )
    });
    // A paragraph with no names at all: only the article and the feeds change.
    e.check(art, |t| {
        t.replace("which meets in April", "which meets again in April")
    });
}

/// An edit that gives its article another's slug, or one of its quotes
/// another quote's id, fails with the very report a full build gives; the
/// fast path finds such clashes without hashing every id of the site.
#[test]
fn incremental_clashing_slugs_and_quote_ids_fail_like_a_full_build() {
    let mut e = Edits::new(false);
    let full_report = |e: &Edits| {
        gloss::render_site(&e.opts)
            .map(|_| ())
            .expect_err("a full build fails too")
            .rendered()
            .to_string()
    };
    let err = e
        .edit(FERRY, |t| {
            t.replace("tags = [", "slug = \"budget-vote\"\ntags = [")
        })
        .expect_err("two articles with one slug");
    assert!(
        err.contains("two articles have the slug `budget-vote`"),
        "{err}"
    );
    assert_eq!(err, full_report(&e));
    e.check(FERRY, |t| t.replace("slug = \"budget-vote\"\n", ""));

    let full = gloss::render_site(&e.opts).unwrap_or_else(|r| panic!("{}", r.rendered()));
    let quotes: serde_json::Value =
        serde_json::from_slice(&bytes(&full.files["quotes.json"])).unwrap();
    let budget_quote = quotes["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["url"].as_str().unwrap().contains("/budget-vote/"))
        .map(|q| q["id"].as_str().unwrap().to_string())
        .expect("the budget article has quotes");
    let err = e
        .edit(FERRY, |t| {
            t.replace(
                "speaker = \"harbour-board\"",
                &format!("speaker = \"harbour-board\"\nid = \"{budget_quote}\""),
            )
        })
        .expect_err("two quotes with one id");
    assert!(err.contains("two quotes have the id"), "{err}");
    assert_eq!(err, full_report(&e));
    let mode = e.check(FERRY, |t| {
        t.replace(&format!("\nid = \"{budget_quote}\""), "")
    });
    assert!(incremental(mode), "{mode:?}");
}

/// `sed -i` and some editors save through a temporary file in the same
/// folder, renamed over the real one: the watcher reports both paths. The
/// temporary one is gone and no build read it, so the update stays on the
/// fast path; an article that is gone is another matter.
#[test]
fn incremental_temporary_files_that_came_and_went_are_ignored() {
    let mut e = Edits::new(false);
    let temp = e.path("content/articles/sedX1b2c3");
    std::fs::write(&temp, "half a save").unwrap();
    let text = e.read(FERRY).replace(
        "two fewer sailings a day",
        "two fewer sailings a day, from May",
    );
    std::fs::rename(&temp, e.path(FERRY)).unwrap();
    std::fs::write(e.path(FERRY), text).unwrap();
    let site = e
        .session
        .update(&[temp.clone(), e.path(FERRY)])
        .unwrap_or_else(|r| panic!("{}", r.rendered()));
    e.assert_equals_full_build(&site);
    assert!(
        incremental(e.session.last_mode()),
        "{:?}",
        e.session.last_mode()
    );

    // Only temporary files: nothing to rebuild, and still the same site.
    let site = e.session.update(&[temp]).unwrap();
    e.assert_equals_full_build(&site);
    assert_eq!(e.session.last_mode(), Mode::Incremental { articles: 0 });

    // An article moved out of content/ is gone from the site; nothing is
    // resolved again.
    let outside = e.site.root.join("budget-vote.md.bak");
    std::fs::rename(e.path(BUDGET), &outside).unwrap();
    let site = e.session.update(&[e.path(BUDGET)]).unwrap();
    e.assert_equals_full_build(&site);
    assert_eq!(e.session.last_mode(), Mode::Incremental { articles: 0 });
    assert!(!site.files.contains_key("articles/budget-vote/index.html"));
}

/// An older third article for the basic fixture: with `paginate = 1` the
/// site then has three home pages, and `transport` two articles.
const QUAY: &str = "content/articles/quay-repairs.md";
const QUAY_TEXT: &str = "+++\ntitle = \"Quay repairs start\"\ndate = 2024-02-01\ntags = [\"transport\"]\n+++\nWork on the north quay starts on Monday.\n";

/// Rendered by the last update, as sorted paths.
fn rendered(e: &Edits) -> Vec<&str> {
    let mut v: Vec<&str> = e
        .session
        .last_rendered()
        .iter()
        .map(String::as_str)
        .collect();
    v.sort();
    v
}

#[test]
fn incremental_listing_edits_render_only_the_pages_whose_inputs_changed() {
    let site = SiteTest::fixture("basic").file(QUAY, QUAY_TEXT);
    let mut e = Edits::of(site, false);
    let all = e.session.last_rendered().len();
    let article = "articles/budget-vote/index.html";

    // A title: the article, the one home page and the tag pages and feeds
    // that list it, and the pages that name it (its entries, the quote and
    // source indexes); not the other home pages, tags or articles.
    let mode = e.check(BUDGET, |t| {
        t.replace(
            "title = \"Council passes the harbour budget\"",
            "title = \"Council passes the harbour budget, 7-4\"",
        )
    });
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    let got = rendered(&e);
    for path in [
        article,
        "page/2/index.html",
        "tags/council/index.html",
        "tags/budget/index.html",
        "tags/budget/atom.xml",
        "atom.xml",
        "quotes/index.html",
        "sources/index.html",
        "glossary/tom-okafor/index.html",
    ] {
        assert!(got.contains(&path), "{path} not rendered: {got:?}");
    }
    for path in [
        "index.html",
        "page/3/index.html",
        "tags/transport/index.html",
        "tags/index.html",
        "articles/ferry-timetable/index.html",
        "articles/quay-repairs/index.html",
        "glossary/index.html",
        "sitemap.xml",
        "404.html",
    ] {
        assert!(!got.contains(&path), "{path} rendered again: {got:?}");
    }
    assert!(
        got.len() < all / 2,
        "{} of {all} rendered: {got:?}",
        got.len()
    );

    // A date that makes the oldest article the newest: every home page
    // shifts, the sitemap's lastmod changes; the budget's page does not.
    e.check(QUAY, |t| t.replace("2024-02-01", "2024-05-01"));
    let got = rendered(&e);
    for path in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "sitemap.xml",
        "tags/transport/index.html",
        "articles/quay-repairs/index.html",
    ] {
        assert!(got.contains(&path), "{path} not rendered: {got:?}");
    }
    for path in [article, "tags/council/index.html", "quotes/index.html"] {
        assert!(!got.contains(&path), "{path} rendered again: {got:?}");
    }

    // A new tag: its page and feed appear, the tag list counts it; the other
    // tags' pages stay as they were.
    e.check(QUAY, |t| {
        t.replace(
            "tags = [\"transport\"]",
            "tags = [\"transport\", \"works\"]",
        )
    });
    let got = rendered(&e);
    for path in [
        "tags/works/index.html",
        "tags/works/atom.xml",
        "tags/index.html",
    ] {
        assert!(got.contains(&path), "{path} not rendered: {got:?}");
    }
    for path in ["tags/council/index.html", article, "page/3/index.html"] {
        assert!(!got.contains(&path), "{path} rendered again: {got:?}");
    }

    // A quote's context: the quote index and the speaker's page, not the
    // home pages (a summary shows no quote text).
    e.check(BUDGET, |t| {
        t.replace(
            "context = \"Council debate\"",
            "context = \"Late-night council debate\"",
        )
    });
    let got = rendered(&e);
    assert!(got.contains(&"quotes/index.html"), "{got:?}");
    for path in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "sitemap.xml",
    ] {
        assert!(!got.contains(&path), "{path} rendered again: {got:?}");
    }

    // Removing the tag again removes its pages, as a full build has none.
    e.check(QUAY, |t| {
        t.replace(
            "tags = [\"transport\", \"works\"]",
            "tags = [\"transport\"]",
        )
    });
    assert!(!e
        .session
        .last_rendered()
        .iter()
        .any(|p| p.starts_with("tags/works/")));
}

#[test]
fn incremental_alias_edits_take_the_fast_path_and_add_or_remove_the_redirect() {
    let mut e = Edits::new(false);
    let add = |t: String| {
        t.replace(
            "tags = [\"transport\"]",
            "tags = [\"transport\"]\naliases = [\"/2024/ferry/\"]",
        )
    };
    let mode = e.check(FERRY, add);
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    assert!(
        e.session
            .last_rendered()
            .iter()
            .any(|p| p == "2024/ferry/index.html"),
        "{:?}",
        e.session.last_rendered()
    );
    // The redirect shows the article's title: a title edit renders it again.
    e.check(FERRY, |t| {
        t.replace("Ferry timetable changes in May", "Ferry timetable changes")
    });
    assert!(e
        .session
        .last_rendered()
        .iter()
        .any(|p| p == "2024/ferry/index.html"));
    // Removed, the redirect is gone, as in a full build.
    let mode = e.check(FERRY, |t| t.replace("\naliases = [\"/2024/ferry/\"]", ""));
    assert_eq!(mode, Mode::Incremental { articles: 1 });
}

#[test]
fn incremental_plan_lists_every_file_a_full_build_writes() {
    let e = Edits::new(false);
    let full = gloss::render_site(&e.opts).unwrap_or_else(|r| panic!("{}", r.rendered()));
    let mut planned: Vec<&str> = e
        .session
        .last_rendered()
        .iter()
        .map(String::as_str)
        .collect();
    planned.sort();
    let written: Vec<&str> = full.files.keys().map(String::as_str).collect();
    assert_eq!(planned, written);
    assert_eq!(full.stats.rendered, written.len());
}

// The memoized pipeline (issue 14): every kind of content edit is loaded,
// resolved and rendered by the same stages as a full build, reusing what
// did not change, and still equals a full build byte for byte.

/// An article that sorts first in the walk of `content/articles/`, so that
/// adding or removing it shifts every other article's index.
const FIRST: &str = "content/articles/aaa-harbour-notes.md";
const FIRST_TEXT: &str = "+++\ntitle = \"Harbour notes\"\ndate = 2024-01-15\ntags = [\"harbour\"]\n+++\nThe quay lights were fixed.\n";

/// The pages every edit below must leave alone: the other articles'.
fn assert_not_rendered(e: &Edits, paths: &[&str]) {
    let got = rendered(e);
    for path in paths {
        assert!(!got.contains(path), "{path} rendered again: {got:?}");
    }
}

#[test]
fn memo_new_article_is_the_only_one_resolved_and_other_articles_are_not_rendered() {
    let mut e = Edits::new(false);
    let mode = e.check(FIRST, |_| FIRST_TEXT.into());
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    let got = rendered(&e);
    for path in [
        "articles/aaa-harbour-notes/index.html",
        "tags/harbour/index.html",
        "tags/index.html",
    ] {
        assert!(got.contains(&path), "{path} not rendered: {got:?}");
    }
    // Every other article moved one place in the content, not on the site.
    assert_not_rendered(
        &e,
        &[
            "articles/budget-vote/index.html",
            "articles/ferry-timetable/index.html",
            "tags/transport/index.html",
            "quotes/index.html",
        ],
    );
}

#[test]
fn memo_deleted_article_resolves_nothing_and_its_pages_are_gone() {
    let site = SiteTest::fixture("basic").file(FIRST, FIRST_TEXT);
    let mut e = Edits::of(site, false);
    std::fs::remove_file(e.path(FIRST)).unwrap();
    let site = e
        .session
        .update(&[e.path(FIRST)])
        .unwrap_or_else(|r| panic!("{}", r.rendered()));
    e.assert_equals_full_build(&site);
    assert_eq!(e.session.last_mode(), Mode::Incremental { articles: 0 });
    assert!(!site
        .files
        .contains_key("articles/aaa-harbour-notes/index.html"));
    assert!(!site.files.contains_key("tags/harbour/index.html"));
    assert!(rendered(&e).contains(&"tags/index.html"));
    assert_not_rendered(
        &e,
        &[
            "articles/budget-vote/index.html",
            "articles/ferry-timetable/index.html",
            "tags/transport/index.html",
        ],
    );
}

#[test]
fn memo_renamed_article_moves_its_pages_and_resolves_only_it() {
    let mut e = Edits::new(false);
    let renamed = e.path("content/articles/ferry-changes.md");
    std::fs::rename(e.path(FERRY), &renamed).unwrap();
    let site = e
        .session
        .update(&[e.path(FERRY), renamed])
        .unwrap_or_else(|r| panic!("{}", r.rendered()));
    e.assert_equals_full_build(&site);
    assert_eq!(e.session.last_mode(), Mode::Incremental { articles: 1 });
    assert!(site.files.contains_key("articles/ferry-changes/index.html"));
    assert!(!site
        .files
        .contains_key("articles/ferry-timetable/index.html"));
    assert_not_rendered(&e, &["articles/budget-vote/index.html"]);
}

#[test]
fn memo_entities_edit_resolves_every_article_again_without_a_full_build() {
    let mut e = Edits::new(false);
    let mode = e.check(FERRY, |t| {
        t.replace(
            "+++\nFrom May",
            "\n[[entities]]\nid = \"ferry-union\"\nname = \"Ferry Union\"\nkind = \"organisation\"\n+++\nFrom May the Ferry Union said",
        )
    });
    // The glossary changed: every article is resolved against the new one.
    assert_eq!(mode, Mode::Incremental { articles: 2 });
    assert!(rendered(&e).contains(&"glossary/ferry-union/index.html"));
    // With the glossary as it is now, a paragraph edit resolves one again.
    let mode = e.check(FERRY, |t| t.replace("Times are local.", "Local times."));
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    // Removed, the entry's page is gone.
    let mode = e.check(FERRY, |t| {
        t.replace(
            "\n[[entities]]\nid = \"ferry-union\"\nname = \"Ferry Union\"\nkind = \"organisation\"\n",
            "",
        )
    });
    assert_eq!(mode, Mode::Incremental { articles: 2 });
    assert!(!e
        .session
        .last_rendered()
        .iter()
        .any(|p| p.starts_with("glossary/ferry-union/")));
}

#[test]
fn memo_draft_toggle_takes_the_article_out_and_back_without_a_full_build() {
    let mut e = Edits::new(false);
    let mode = e.check(FERRY, |t| t.replace("tags = [", "draft = true\ntags = ["));
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    let mode = e.check(FERRY, |t| t.replace("draft = true\n", ""));
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    assert_not_rendered(&e, &["articles/budget-vote/index.html"]);
}

/// An article folder: `index.md` with an image beside it.
const BUNDLE: &str = "content/articles/harbour/index.md";
const BUNDLE_TEXT: &str = "+++\ntitle = \"Harbour works\"\ndate = 2024-02-20\nimage = \"photo.jpg\"\n+++\nThe crane arrives on Monday.\n";

#[test]
fn memo_bundle_slug_change_and_moved_folder_move_its_files() {
    let site = SiteTest::fixture("basic")
        .file(BUNDLE, BUNDLE_TEXT)
        .file("content/articles/harbour/photo.jpg", "not really a jpeg");
    let mut e = Edits::of(site, false);
    let mode = e.check(BUNDLE, |t| {
        t.replace("image =", "slug = \"harbour-works\"\nimage =")
    });
    assert_eq!(mode, Mode::Incremental { articles: 1 });
    let files = &e.session.last_rendered();
    assert!(files
        .iter()
        .any(|p| p == "articles/harbour-works/photo.jpg"));

    // The folder moved: the same slug, so the same output paths, but the
    // files come from the new folder (the old one is gone).
    let (from, to) = (
        e.path("content/articles/harbour"),
        e.path("content/articles/quay"),
    );
    std::fs::rename(&from, &to).unwrap();
    let site = e
        .session
        .update(&[from, to])
        .unwrap_or_else(|r| panic!("{}", r.rendered()));
    e.assert_equals_full_build(&site);
    assert_eq!(e.session.last_mode(), Mode::Incremental { articles: 1 });
    assert_not_rendered(&e, &["articles/budget-vote/index.html"]);
}

#[test]
fn memo_a_file_removed_beside_an_article_is_seen_by_its_image_check() {
    let photo = "content/articles/harbour/photo.jpg";
    let site = SiteTest::fixture("basic")
        .file(BUNDLE, BUNDLE_TEXT)
        .file(photo, "a photo");
    let mut e = Edits::of(site, false);
    // Only the image is reported: the article's text did not change, but
    // what its folder holds did.
    std::fs::remove_file(e.path(photo)).unwrap();
    let err = e
        .session
        .update(&[e.path(photo)])
        .map(|_| ())
        .expect_err("photo.jpg is gone");
    assert!(err.rendered().contains("photo.jpg"), "{}", err.rendered());
    let mode = e.check(photo, |_| "the photo again".into());
    assert_eq!(mode, Mode::Incremental { articles: 1 });
}

#[test]
fn memo_plain_page_edit_renders_the_page_and_resolves_no_article() {
    let mut e = Edits::new(false);
    let mode = e.check("content/about.md", |t| format!("{t}\nOne more line.\n"));
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    assert!(
        rendered(&e).contains(&"about/index.html"),
        "{:?}",
        rendered(&e)
    );
    assert_not_rendered(&e, &["articles/budget-vote/index.html", "index.html"]);
}

#[test]
fn memo_glossary_role_and_description_edits_resolve_no_article_and_render_what_shows_them() {
    let mut e = Edits::new(false);
    const TOM: &str = "content/glossary/tom-okafor.md";
    let mode = e.check(TOM, |t| {
        t.replace("Opposition councillor", "Opposition leader")
    });
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    let got = rendered(&e);
    for path in [
        "glossary/tom-okafor/index.html",
        "glossary/index.html",
        // Quotes him, so shows his role.
        "articles/budget-vote/index.html",
    ] {
        assert!(got.contains(&path), "{path} not rendered: {got:?}");
    }
    // Neither mentions nor quotes him.
    assert_not_rendered(&e, &["articles/ferry-timetable/index.html"]);
    let mode = e.check(TOM, |t| t.replace("east ward", "west ward"));
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    assert!(rendered(&e).contains(&"glossary/tom-okafor/index.html"));
    assert_not_rendered(&e, &["articles/ferry-timetable/index.html"]);
    // Back as it was, and a paragraph edit after it resolves one article.
    let mode = e.check(TOM, |t| {
        t.replace("Opposition leader", "Opposition councillor")
            .replace("west ward", "east ward")
    });
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    let mode = e.check(FERRY, |t| t.replace("Times are local.", "Local times."));
    assert_eq!(mode, Mode::Incremental { articles: 1 });
}

#[test]
fn memo_glossary_alias_and_name_edits_resolve_every_article_again() {
    let mut e = Edits::new(false);
    const BOARD: &str = "content/glossary/harbour-board.md";
    // "the board" is in the ferry article: it becomes a mention.
    let mode = e.check(BOARD, |t| {
        t.replace("role =", "aliases = [\"the board\"]\nrole =")
    });
    assert_eq!(mode, Mode::Incremental { articles: 2 });
    let mode = e.check(BOARD, |t| t.replace("aliases = [\"the board\"]\n", ""));
    assert_eq!(mode, Mode::Incremental { articles: 2 });
    let mode = e.check(BOARD, |t| {
        t.replace("name = \"Harbour Board\"", "name = \"Harbour Trust\"")
    });
    assert_eq!(mode, Mode::Incremental { articles: 2 });
}

/// The index (quotes by date and speaker, sources merged and sorted, the
/// glossary's counts) is kept by an update that leaves what it is built from
/// as it was; each of these edits changes one such thing and must show.
#[test]
fn memo_index_is_built_again_when_what_it_is_built_from_changes() {
    let mut e = Edits::new(false);
    // When a quote was said: the quote index's order.
    e.check(BUDGET, |t| {
        t.replacen("said = 2024-03-04", "said = 2023-01-09", 1)
    });
    // A source's title: the sources index's order.
    e.check(BUDGET, |t| {
        t.replace("Evening bulletin", "Afternoon bulletin")
    });
    // A quote's speaker: both speakers' quotes and counts.
    e.check(BUDGET, |t| {
        t.replace(
            "anchor = \"a blank cheque\"\nspeaker = \"tom-okafor\"",
            "anchor = \"a blank cheque\"\nspeaker = \"mara-lind\"",
        )
    });
    // A new mention in the body: the entry's mentions and counts.
    e.check(BUDGET, |t| {
        t.replace(
            "Lind said she expected",
            "Okafor and Lind said they expected",
        )
    });
    // The date: a new order of the articles, so new positions.
    e.check(BUDGET, |t| {
        t.replace("date = 2024-03-05", "date = 2024-06-05")
    });
    // A title and a tag keep the index, and still equal a full build.
    e.check(BUDGET, |t| {
        t.replace("harbour budget\"", "harbour budget again\"")
    });
    e.check(BUDGET, |t| {
        t.replace("\"budget\"]", "\"budget\", \"harbour\"]")
    });
}

/// An entry's role shows on its own page, on its members' pages (as their
/// affiliation) and on its affiliations' pages (as a member): an update
/// that compares only the pages that may show the edited entry must still
/// render those.
#[test]
fn memo_glossary_role_edit_renders_the_pages_of_its_members_and_affiliations() {
    let mut e = Edits::new(false);
    const COUNCIL: &str = "content/glossary/harbour-town-council.md";
    let mode = e.check(COUNCIL, |t| {
        t.replace("Local authority", "The local authority")
    });
    assert_eq!(mode, Mode::Incremental { articles: 0 });
    let got = rendered(&e);
    for path in [
        "glossary/harbour-town-council/index.html",
        "glossary/mara-lind/index.html",
        "glossary/tom-okafor/index.html",
    ] {
        assert!(got.contains(&path), "{path} not rendered: {got:?}");
    }
    assert_not_rendered(&e, &["glossary/harbour-board/index.html"]);
    const MARA: &str = "content/glossary/mara-lind.md";
    e.check(MARA, |t| t.replace("Mayor of Harbour Town", "Mayor"));
    assert!(rendered(&e).contains(&"glossary/harbour-town-council/index.html"));
    assert_not_rendered(&e, &["glossary/tom-okafor/index.html"]);
}
