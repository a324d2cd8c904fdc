//! The build cache (`.gloss/cache`, issue 15): after every kind of edit, a
//! build that reads the cache writes the very site a clean build of the
//! edited site writes (`--no-cache`, in a fresh folder), every path and
//! every byte; and it did read the cache (its counts say how much came from
//! it), so none of these tests passes with the cache off.

use crate::support::{snapshot_dir, SiteTest};
use gloss::cache::CacheStats;
use gloss::BuildOptions;
use std::path::{Path, PathBuf};

const FERRY: &str = "content/articles/ferry-timetable.md";
const BUDGET: &str = "content/articles/budget-vote.md";
const MARA: &str = "content/glossary/mara-lind.md";
const TOM: &str = "content/glossary/tom-okafor.md";

/// The `basic` fixture with search shards of two records, so that its
/// search index has several shards to reuse or not.
struct Cached {
    site: SiteTest,
}

fn build(opts: &BuildOptions, use_cache: bool) -> gloss::BuildStats {
    gloss::build_cached(
        opts,
        false,
        &mut |_| {},
        &gloss::progress::Silent,
        use_cache,
    )
    .unwrap_or_else(|r| panic!("build failed:\n{}", r.rendered()))
}

/// Copies the site's sources (not its output, not `.gloss/`) into `to`.
fn copy_sources(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with("public") || rel.starts_with(".gloss") {
            continue;
        }
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

impl Cached {
    fn new() -> Cached {
        let site = SiteTest::fixture("basic");
        let config = site.root.join("gloss.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}search_records_per_shard = 2\n")).unwrap();
        let c = Cached { site };
        let first = c.build();
        assert_eq!(first.pages_cached, 0, "{first:?}");
        assert_eq!(first.shards_cached, 0, "{first:?}");
        assert!(
            first.shards >= 4,
            "the fixture needs several shards: {first:?}"
        );
        c
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.site.root.join(rel)
    }

    fn edit(&self, rel: &str, edit: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap_or_default();
        let edited = edit(text.clone());
        assert_ne!(text, edited, "the edit of {rel} changed nothing");
        std::fs::create_dir_all(self.path(rel).parent().unwrap()).unwrap();
        std::fs::write(self.path(rel), edited).unwrap();
    }

    /// A build with the cache, which must equal a clean build of the same
    /// sources; what came from the cache.
    fn build(&self) -> CacheStats {
        let stats = build(&self.site.options(), true);
        let cache = stats.cache.expect("a cached build reports its cache");
        let fresh = tempfile::tempdir().unwrap();
        let root = fresh.path().join("site");
        copy_sources(&self.site.root, &root);
        let opts = BuildOptions {
            root: root.clone(),
            ..self.site.options()
        };
        let clean = build(&opts, false);
        assert!(clean.cache.is_none());
        assert!(
            !root.join(".gloss/cache").exists(),
            "--no-cache wrote a cache"
        );
        let (got, want) = (
            snapshot_dir(&self.site.out()),
            snapshot_dir(&root.join("public")),
        );
        let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            paths(&got),
            paths(&want),
            "the cached build wrote other files"
        );
        for ((path, got), (_, want)) in got.iter().zip(&want) {
            assert!(
                got == want,
                "{path} differs from a clean build:\n--- cached\n{}\n--- clean\n{}",
                String::from_utf8_lossy(got),
                String::from_utf8_lossy(want)
            );
        }
        assert_eq!(stats.pages, clean.pages);
        assert_eq!(stats.files, clean.files);
        assert_eq!(stats.warnings, clean.warnings);
        // Every article's own page is looked up, and kept or made again.
        assert_eq!(cache.article_pages, stats.articles, "{cache:?}");
        assert!(cache.article_pages_kept <= cache.pages_cached, "{cache:?}");
        cache
    }

    /// A build after an edit of one article's own text: most pages and
    /// search shards come from the cache, not all.
    fn build_after_local_edit(&self) -> CacheStats {
        let c = self.build();
        assert!(c.pages_cached > 0 && c.pages_cached < c.pages, "{c:?}");
        assert!(c.shards_cached > 0, "{c:?}");
        // Only the edited article's page is made again; the others are
        // kept in the output, neither rendered nor hashed.
        assert_eq!(c.article_pages_kept, c.article_pages - 1, "{c:?}");
        c
    }
}

#[test]
fn cache_rebuild_with_no_change_reads_every_page_and_shard_from_the_cache() {
    let c = Cached::new();
    let again = c.build();
    assert_eq!(again.pages_cached, again.pages, "{again:?}");
    assert_eq!(again.article_pages_kept, again.article_pages, "{again:?}");
    assert_eq!(again.shards_cached, again.shards, "{again:?}");
}

#[test]
fn cache_rebuild_equals_a_clean_build_after_each_edit_of_one_article() {
    let c = Cached::new();
    // A paragraph: the article's page, its feeds, one article shard.
    c.edit(FERRY, |t| {
        t.replace("A footnote for readers.", "A longer footnote for readers.")
    });
    let s = c.build_after_local_edit();
    assert!(s.shards_cached >= s.shards - 2, "{s:?}");
    // A new quote (the quote index, the speaker's entry page).
    c.edit(FERRY, |t| {
        t.replace(
            "speaker = \"harbour-board\"\n+++",
            "speaker = \"harbour-board\"\n\n[[quotes]]\nanchor = \"asked the board to reconsider\"\nspeaker = \"mara-lind\"\n+++",
        )
    });
    c.build_after_local_edit();
    // Tags (tag pages and their feeds appear and disappear).
    c.edit(FERRY, |t| {
        t.replace(
            "tags = [\"transport\"]",
            "tags = [\"ferries\", \"Council\"]",
        )
    });
    c.build_after_local_edit();
    // The date: the home page's order, the feeds, the shards' order.
    c.edit(FERRY, |t| {
        t.replace("date = 2024-04-10", "date = 2024-01-02")
    });
    c.build_after_local_edit();
    // The slug: the old pages must disappear.
    c.edit(FERRY, |t| {
        t.replace("tags = [", "slug = \"ferry-cuts\"\ntags = [")
    });
    c.build_after_local_edit();
    // The title.
    c.edit(FERRY, |t| {
        t.replace("Ferry timetable changes in May", "Fewer ferries from May")
    });
    c.build_after_local_edit();
    // Another article, then back to the first.
    c.edit(BUDGET, |t| {
        t.replace("date = 2024-03-05", "date = 2024-05-05")
    });
    c.build_after_local_edit();
    c.edit(FERRY, |t| t.replace("slug = \"ferry-cuts\"\n", ""));
    c.build_after_local_edit();
    // What other pages show of an article: the words around a mention
    // (the entry page), a note's text, a quote's context.
    c.edit(BUDGET, |t| {
        t.replace("told the chamber", "told the packed chamber")
    });
    c.build_after_local_edit();
    c.edit(BUDGET, |t| {
        t.replace("The roll call is on page 3.", "The roll call is on page 4.")
    });
    c.build_after_local_edit();
    c.edit(BUDGET, |t| {
        t.replace(
            "context = \"Council debate\"",
            "context = \"Late-night council debate\"",
        )
    });
    c.build_after_local_edit();
    // An alias: its redirect page appears, then goes.
    c.edit(FERRY, |t| {
        t.replace("tags = [", "aliases = [\"old-ferry\"]\ntags = [")
    });
    c.build();
    c.edit(FERRY, |t| t.replace("aliases = [\"old-ferry\"]\n", ""));
    c.build();
}

#[test]
fn cache_rebuild_equals_a_clean_build_after_drafts_new_deleted_and_renamed_files() {
    let c = Cached::new();
    c.edit(FERRY, |t| t.replace("tags = [", "draft = true\ntags = ["));
    c.build();
    c.edit(FERRY, |t| t.replace("draft = true\n", ""));
    c.build();
    // A new article, the newest: it lands in the last article shard, so
    // every other shard comes from the cache. Its only note is a footnote,
    // so a rebuild writes its body at its page, not when it is resolved.
    c.edit("content/articles/new-piece.md", |_| {
        "+++\ntitle = \"New piece\"\ndate = 2024-06-01\n+++\nMara Lind spoke.[^1]\n\n[^1]: On Monday.\n".into()
    });
    let s = c.build();
    assert_eq!(s.shards_cached, s.shards - 1, "{s:?}");
    assert!(s.pages_cached > 0, "{s:?}");
    c.edit("content/articles/new-piece.md", |t| {
        t.replace("On Monday.", "On Tuesday.")
    });
    let s = c.build_after_local_edit();
    assert_eq!(s.shards_cached, s.shards - 1, "{s:?}");
    // Renamed: its slug and every page listing it change.
    std::fs::rename(
        c.path("content/articles/new-piece.md"),
        c.path("content/articles/newer-piece.md"),
    )
    .unwrap();
    c.build();
    std::fs::remove_file(c.path("content/articles/newer-piece.md")).unwrap();
    c.build();
    // A plain page deleted.
    std::fs::remove_file(c.path("content/about.md")).unwrap();
    c.build();
}

#[test]
fn cache_config_template_theme_and_glossary_edits_invalidate_what_reads_them() {
    let c = Cached::new();
    // The site's title is on every page, in no search record.
    c.edit("gloss.toml", |t| {
        t.replace("Harbour Gazette", "The Harbour Gazette")
    });
    let s = c.build();
    assert_eq!(s.pages_cached, 0, "{s:?}");
    assert_eq!(s.shards_cached, s.shards, "{s:?}");
    // A template of the site's own, then an edit of it.
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/404.html"))
            .unwrap();
    c.edit("templates/404.html", |_| {
        builtin.replace("Page not found", "Nothing here")
    });
    // Only the page of that template is made again.
    let s = c.build();
    assert_eq!(s.pages_cached, s.pages - 1, "{s:?}");
    assert_eq!(s.shards_cached, s.shards, "{s:?}");
    c.edit("templates/404.html", |t| {
        t.replace("Nothing here", "Nothing at all here")
    });
    let s = c.build();
    assert_eq!(s.pages_cached, s.pages - 1, "{s:?}");
    // The template every page extends: all but the feeds and the sitemap.
    let base =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/base.html"))
            .unwrap();
    c.edit("templates/base.html", |_| format!("{base}\n"));
    let s = c.build();
    assert!(s.pages_cached > 0, "{s:?}");
    assert_eq!(s.pages_cached, s.pages - html_pages(&c), "{s:?}");
    assert_eq!(s.article_pages_kept, 0, "{s:?}");
    // The theme's stylesheet: its hashed name is on every page.
    c.edit("static/gloss.css", |_| "body { color: #123; }\n".into());
    let s = c.build();
    assert_eq!(s.pages_cached, 0, "{s:?}");
    assert_eq!(s.shards_cached, s.shards, "{s:?}");
    // A glossary entry's description: its page, its search record, and the
    // pages that show it; not every page.
    c.edit(MARA, |t| {
        t.replace("Mayor since 2021.", "Mayor since 2020.")
    });
    let s = c.build();
    assert!(s.pages_cached > 0 && s.pages_cached < s.pages, "{s:?}");
    assert!(s.shards_cached > 0 && s.shards_cached < s.shards, "{s:?}");
    // A new glossary entry (every article may now name it).
    c.edit("content/glossary/ferry-union.md", |_| {
        "+++\nname = \"Ferry Union\"\nkind = \"organisation\"\n+++\nThe crews' union.\n".into()
    });
    c.build();
    std::fs::remove_file(c.path("content/glossary/ferry-union.md")).unwrap();
    c.build();
}

#[test]
fn cache_article_pages_are_made_again_exactly_when_what_they_are_made_from_changes() {
    let c = Cached::new();
    let kept = |s: CacheStats| (s.article_pages, s.article_pages_kept);
    // An entry's role: the page of the one article that names him is made
    // again, not the other's (each build equals a clean one, see `build`).
    c.edit(TOM, |t| {
        t.replace("Opposition councillor", "Councillor for the opposition")
    });
    assert_eq!(kept(c.build()), (2, 1));
    // A new alias changes the glossary's shape (what every mention links).
    c.edit(TOM, |t| {
        t.replace("\"Okafor\"]", "\"Okafor\", \"T. Okafor\"]")
    });
    assert_eq!(kept(c.build()), (2, 0));
    // The article template: every article's page.
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html"),
    )
    .unwrap();
    c.edit("templates/article.html", |_| format!("{builtin}\n"));
    assert_eq!(kept(c.build()), (2, 0));
    assert_eq!(kept(c.build()), (2, 2));
    // Saved again as it was (a new time, the same text): kept.
    let text = std::fs::read(c.path(FERRY)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(c.path(FERRY), &text).unwrap();
    assert_eq!(kept(c.build()), (2, 2));
    // A page edited by hand in the output is written again.
    let page = c.site.out().join("articles/ferry-timetable/index.html");
    let mut html = std::fs::read_to_string(&page).unwrap();
    html.push_str("<!-- mine -->\n");
    std::fs::write(&page, html).unwrap();
    assert_eq!(kept(c.build()), (2, 1));
    // So is one deleted from the output.
    std::fs::remove_file(&page).unwrap();
    assert_eq!(kept(c.build()), (2, 1));
    // An edit built with --no-cache, then undone: the output holds the
    // edited page, not the one the cache knows for the text as it is now.
    let text = std::fs::read_to_string(c.path(FERRY)).unwrap();
    c.edit(FERRY, |t| t.replace("Times are local.", "Times are UTC."));
    build(&c.site.options(), false);
    std::fs::write(c.path(FERRY), text).unwrap();
    assert_eq!(kept(c.build()), (2, 1));
}

/// How many `.html` files of the output are rendered from templates (all
/// but the alias redirects, which this fixture has none of).
fn html_pages(c: &Cached) -> usize {
    snapshot_dir(&c.site.out())
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .count()
}

/// The objects of the cache, by path.
fn objects(c: &Cached) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(c.path(".gloss/cache/objects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn cache_left_by_a_killed_build_is_never_trusted_half_written() {
    let c = Cached::new();
    let all = {
        let s = c.build();
        s.pages + s.shards
    };
    let cached = |s: CacheStats| s.pages_cached + s.shards_cached;
    // One entry cut short, one with a byte changed: two misses, the rest hits.
    let files = objects(&c);
    let cut = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &cut[..cut.len() / 2]).unwrap();
    let mut bad = std::fs::read(&files[1]).unwrap();
    bad[0] ^= 0x20;
    std::fs::write(&files[1], bad).unwrap();
    // Left under temporary names, as by a build killed while writing them.
    let tmp_object = c.path(".gloss/cache/objects/0123456789abcdef0123456789abcdef.tmp-99-0");
    let tmp_manifest = c.path(".gloss/cache/manifest.tmp-99");
    std::fs::write(&tmp_object, b"half").unwrap();
    std::fs::write(&tmp_manifest, b"gloss build cache 1\npage").unwrap();
    let s = c.build();
    assert_eq!(cached(s), all - 2, "{s:?}");
    assert!(
        !tmp_object.exists() && !tmp_manifest.exists(),
        "leftovers stay"
    );
    assert_eq!(
        cached(c.build()),
        all,
        "the bad entries were not written again"
    );
    // No manifest (killed before it was written): nothing is trusted, and
    // the entries it would have named are written again.
    std::fs::remove_file(c.path(".gloss/cache/manifest")).unwrap();
    assert_eq!(cached(c.build()), 0);
    assert_eq!(cached(c.build()), all);
    // A manifest cut mid-line is no manifest.
    let manifest = c.path(".gloss/cache/manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, &text[..text.len() - 5]).unwrap();
    assert_eq!(cached(c.build()), 0);
    // Entries the manifest names, gone: misses (but for the articles' own
    // pages, which the output holds, not the cache's objects).
    for f in objects(&c) {
        std::fs::remove_file(f).unwrap();
    }
    let s = c.build();
    assert_eq!(cached(s), s.article_pages_kept, "{s:?}");
    // Every object left is one the manifest names.
    let listed = std::fs::read_to_string(&manifest).unwrap().lines().count() - 2;
    assert!(objects(&c).len() <= listed, "unlisted objects are kept");
}

#[test]
fn cache_failed_build_keeps_the_previous_manifest() {
    let c = Cached::new();
    let manifest = std::fs::read(c.path(".gloss/cache/manifest")).unwrap();
    c.edit(FERRY, |t| t.replace("date = 2024-04-10", "date = \"soon\""));
    assert!(gloss::build_cached(
        &c.site.options(),
        false,
        &mut |_| {},
        &gloss::progress::Silent,
        true
    )
    .is_err());
    assert_eq!(
        std::fs::read(c.path(".gloss/cache/manifest")).unwrap(),
        manifest
    );
    c.edit(FERRY, |t| t.replace("date = \"soon\"", "date = 2024-04-10"));
    let s = c.build();
    assert_eq!(s.pages_cached, s.pages, "{s:?}");
}

#[test]
fn cache_build_summary_no_cache_and_clean_through_the_binary() {
    let site = SiteTest::fixture("basic");
    let out = site.run(&["build", "--no-cache"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("from the cache"), "{err}");
    assert!(!site.root.join(".gloss/cache").exists());
    site.run(&["build"]);
    let out = site.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let summary: Vec<&str> = err.lines().filter(|l| l.starts_with("wrote ")).collect();
    assert_eq!(summary.len(), 1, "the summary is one line: {err}");
    let line = summary[0]
        .split_once("; from the cache: ")
        .unwrap_or_else(|| panic!("no cache clause in:\n{err}"))
        .1;
    // "...; from the cache: N of N files made from templates, M of M search shards"
    let n: Vec<&str> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(n.len(), 4, "{line}");
    let n: Vec<usize> = n.iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!((n[0], n[2]), (n[1], n[3]), "{line}");
    assert!(
        line.contains("files made from templates") && line.contains("search shard"),
        "{line}"
    );
    // `gloss clean` removes the cache, and only the cache.
    let out = site.run(&["clean"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed the build cache"));
    assert!(!site.root.join(".gloss/cache").exists());
    assert!(site.root.join("public/index.html").exists());
    assert!(site.root.join(".gloss/build.lock").exists());
    let out = site.run(&["clean"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no build cache"));
    // A file gloss did not put there: nothing is removed.
    site.run(&["build"]);
    let mine = site.root.join(".gloss/cache/notes.txt");
    std::fs::write(&mine, "mine").unwrap();
    let out = site.run(&["clean"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gloss did not write there"), "{err}");
    assert!(mine.exists() && site.root.join(".gloss/cache/manifest").exists());
}
