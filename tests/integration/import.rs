//! `gloss import`: fixtures of original news-style writing (plain text, a
//! saved HTML page, Markdown), each with the annotations a careful writer
//! would make beside it in `expected.toml`. The importer is scored against
//! them (precision and recall per kind, printed), every draft must build
//! with `--drafts`, and bad input must fail with a clear error and exit 1.

use crate::support::SiteTest;
use gloss::import::{self, Glossary};
use std::path::{Path, PathBuf};

/// The first three were written beside the rules; `clinic-closure` was
/// written after them and scored without tuning (docs/import.md).
const CASES: &[&str] = &[
    "harbour-wall",
    "rail-strike",
    "council-vote",
    "clinic-closure",
];

fn case_dir(case: &str) -> PathBuf {
    crate::support::fixtures().join("import").join(case)
}

fn input_of(case: &str) -> PathBuf {
    let dir = case_dir(case);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().is_some_and(|s| s == "input"))
        .unwrap_or_else(|| panic!("{case} has no input file"))
}

/// A site holding the case's glossary entries, if it has any.
fn site_for(case: &str) -> SiteTest {
    let mut site = SiteTest::new();
    let g = case_dir(case).join("glossary");
    if g.is_dir() {
        for e in std::fs::read_dir(g).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            site = site.file(
                &format!("content/glossary/{name}"),
                &std::fs::read_to_string(&p).unwrap(),
            );
        }
    }
    site
}

fn imported(case: &str, site: &SiteTest) -> import::Imported {
    let path = input_of(case);
    let bytes = std::fs::read(&path).unwrap();
    import::import(&path, &bytes, &Glossary::load(&site.root))
        .unwrap_or_else(|e| panic!("{case}: {e}"))
}

fn expected(case: &str) -> toml::Table {
    let text = std::fs::read_to_string(case_dir(case).join("expected.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn list<'a>(t: &'a toml::Table, key: &str) -> Vec<&'a toml::Table> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_table()).collect())
        .unwrap_or_default()
}

fn s<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

/// True positives, found, expected: of one kind, over every fixture.
#[derive(Default, Debug, Clone, Copy)]
struct Score {
    tp: usize,
    found: usize,
    expected: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.tp as f64 / self.found as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.tp as f64 / self.expected as f64
        }
    }
}

/// Matches two multisets: each expected item counts once.
fn score(found: Vec<String>, expected: Vec<String>, misses: &mut Vec<String>, what: &str) -> Score {
    let mut left = expected.clone();
    let mut tp = 0;
    for f in &found {
        if let Some(i) = left.iter().position(|e| e == f) {
            left.remove(i);
            tp += 1;
        } else {
            misses.push(format!("{what}: found but not expected: {f}"));
        }
    }
    for e in &left {
        misses.push(format!("{what}: expected but not found: {e}"));
    }
    Score {
        tp,
        found: found.len(),
        expected: expected.len(),
    }
}

fn add(a: &mut Score, b: Score) {
    a.tp += b.tp;
    a.found += b.found;
    a.expected += b.expected;
}

#[test]
fn precision_and_recall_over_the_fixtures_are_above_their_floors() {
    let (mut quotes, mut speakers, mut notes, mut entities) = (
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
    );
    let mut misses = Vec::new();
    for case in CASES {
        let site = site_for(case);
        let got = imported(case, &site).report;
        let want = expected(case);
        let wq = list(&want, "quotes");
        add(
            &mut quotes,
            score(
                got.quotes.iter().map(|q| fold(&q.text)).collect(),
                wq.iter().map(|q| fold(s(q, "text"))).collect(),
                &mut misses,
                &format!("{case} quote"),
            ),
        );
        // A speaker is right when the quote is expected and its speaker's
        // name or id is the expected one. Unattributed quotes are not counted
        // as found (they are left commented out for the writer).
        let found_speakers: Vec<String> = got
            .quotes
            .iter()
            .filter(|q| q.speaker.is_some())
            .map(|q| {
                let text = fold(&q.text);
                let expected = wq
                    .iter()
                    .find(|w| fold(s(w, "text")) == text)
                    .map(|w| s(w, "speaker"));
                let matches = expected.is_some_and(|e| {
                    Some(e) == q.speaker.as_deref() || Some(e) == q.speaker_id.as_deref()
                });
                let who = if matches {
                    expected.unwrap().to_string()
                } else {
                    q.speaker.clone().unwrap()
                };
                format!("{text} — {who}")
            })
            .collect();
        add(
            &mut speakers,
            score(
                found_speakers,
                wq.iter()
                    .map(|q| format!("{} — {}", fold(s(q, "text")), s(q, "speaker")))
                    .collect(),
                &mut misses,
                &format!("{case} speaker"),
            ),
        );
        add(
            &mut notes,
            score(
                got.notes.iter().map(|n| n.publisher.clone()).collect(),
                list(&want, "notes")
                    .iter()
                    .map(|n| s(n, "publisher").to_string())
                    .collect(),
                &mut misses,
                &format!("{case} note"),
            ),
        );
        add(
            &mut entities,
            score(
                got.entities
                    .iter()
                    .map(|e| format!("{} ({})", e.name, e.kind))
                    .collect(),
                list(&want, "entities")
                    .iter()
                    .map(|e| format!("{} ({})", s(e, "name"), s(e, "kind")))
                    .collect(),
                &mut misses,
                &format!("{case} entity"),
            ),
        );
    }
    eprintln!("import scores over {} fixtures:", CASES.len());
    for (kind, sc) in [
        ("quotes", quotes),
        ("speakers", speakers),
        ("notes", notes),
        ("entities", entities),
    ] {
        eprintln!(
            "  {kind:<9} precision {:.2} recall {:.2} ({} right of {} found, {} expected)",
            sc.precision(),
            sc.recall(),
            sc.tp,
            sc.found,
            sc.expected
        );
    }
    for m in &misses {
        eprintln!("  {m}");
    }
    // Floors (docs/import.md, "How well it does"): quotes are found by
    // punctuation and must be near perfect; speakers and entities come from
    // rules and may miss what a rule does not cover, but a wrong entry costs
    // the writer more than a missing one, so precision has the higher floor.
    // The recall floors sit under what the held-out fixture scored
    // (clinic-closure missed a three-word quote, a "was blunt:" lead-in, an
    // outlet named like a place and "figures published by").
    let floors = [
        ("quotes", quotes, 0.95, 0.9),
        ("speakers", speakers, 0.9, 0.8),
        ("notes", notes, 0.9, 0.7),
        ("entities", entities, 0.9, 0.8),
    ];
    for (kind, sc, p, r) in floors {
        assert!(
            sc.precision() >= p,
            "{kind} precision {:.2} is below {p}",
            sc.precision()
        );
        assert!(
            sc.recall() >= r,
            "{kind} recall {:.2} is below {r}",
            sc.recall()
        );
    }
}

#[test]
fn metadata_and_furniture_come_out_of_each_fixture() {
    for case in CASES {
        let site = site_for(case);
        let got = imported(case, &site).report;
        let want = expected(case);
        assert_eq!(
            got.meta.title.as_deref(),
            Some(s(&want, "title")),
            "{case} title"
        );
        assert_eq!(
            got.meta.date.as_deref(),
            Some(s(&want, "date")),
            "{case} date"
        );
        let authors: Vec<&str> = want["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(got.meta.authors, authors, "{case} authors");
        if let Some(c) = want.get("canonical") {
            assert_eq!(
                got.meta.canonical.as_deref(),
                c.as_str(),
                "{case} canonical"
            );
        }
        let removed: Vec<&str> = want["furniture"]["removed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for r in removed {
            assert!(
                got.furniture.iter().any(|f| f.text.starts_with(r)),
                "{case}: `{r}` was not listed as removed; removed: {:#?}",
                got.furniture
            );
        }
        // Nothing quoted was thrown away as furniture.
        for q in list(&want, "quotes") {
            let t = fold(s(q, "text"));
            assert!(
                !got.furniture.iter().any(|f| fold(&f.text).contains(&t)),
                "{case}: a quote was removed as furniture: {t}"
            );
        }
    }
}

#[test]
fn every_imported_draft_builds_with_drafts_through_the_real_binary() {
    for case in CASES {
        let site = site_for(case);
        // What the import will write, computed before it writes (afterwards
        // its own draft entries are in the glossary).
        let got = imported(case, &site);
        assert!(!got.report.entities.is_empty());
        let input = input_of(case);
        let out = site.run(&["import", input.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{case}: import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            site.root.join(&got.draft.article.path).is_file(),
            "{case}: no article written"
        );
        let build = site.run(&["build", "--drafts"]);
        assert!(
            build.status.success(),
            "{case}: the draft does not build:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
        // Each quote the importer attributed is in the quote index.
        let slug = &got.draft.slug;
        let page = std::fs::read_to_string(site.out().join(format!("articles/{slug}/index.html")))
            .unwrap();
        let attributed = got
            .report
            .quotes
            .iter()
            .filter(|q| q.speaker_id.is_some())
            .count();
        assert!(attributed > 0);
        assert!(
            page.matches("id=\"q-").count() >= attributed,
            "{case}: {} quote anchors for {attributed} quotes",
            page.matches("id=\"q-").count()
        );
        // Without --drafts, neither the article nor the proposed entries are built.
        let published = site.run(&["build"]);
        assert!(
            published.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&published.stderr)
        );
        assert!(!site
            .out()
            .join(format!("articles/{slug}/index.html"))
            .exists());
        for e in &got.report.entities {
            assert!(
                !site
                    .out()
                    .join(format!("glossary/{}/index.html", e.id))
                    .exists(),
                "{case}: draft entry {} was published",
                e.id
            );
        }
    }
}

#[test]
fn names_the_glossary_covers_are_linked_by_id_not_proposed_again() {
    let site = site_for("council-vote");
    let got = imported("council-vote", &site).report;
    assert!(got
        .quotes
        .iter()
        .any(|q| q.speaker_id.as_deref() == Some("jonas-pell")));
    assert!(
        !got.entities.iter().any(|e| e.name.contains("Pell")),
        "{:?}",
        got.entities
    );
    assert!(got.known.iter().any(|k| k.id == "jonas-pell"));
}

#[test]
fn dry_run_prints_the_draft_and_writes_nothing() {
    let site = site_for("harbour-wall");
    let input = input_of("harbour-wall");
    let out = site.run(&["import", input.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("[[quotes]]") && stdout.contains("draft = true"),
        "{stdout}"
    );
    assert!(
        !site.root.join("content/glossary").exists()
            || std::fs::read_dir(site.root.join("content/glossary"))
                .unwrap()
                .next()
                .is_none()
    );
    assert_eq!(
        std::fs::read_dir(site.root.join("content/articles"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn json_report_lists_quotes_rules_notes_entities_and_furniture() {
    let site = site_for("harbour-wall");
    let input = input_of("harbour-wall");
    let out = site.run(&[
        "import",
        input.to_str().unwrap(),
        "--dry-run",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
    let q = &v["quotes"][0];
    assert_eq!(q["speaker"], "Mara Lind");
    assert_eq!(q["rule"], "pronoun");
    assert!(v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["publisher"] == "Reuters"));
    assert!(v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "Ilse Varga" && e["kind"] == "person"));
    assert!(v["furniture"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["reason"] == "comment form"));
}

#[test]
fn an_import_never_writes_over_an_existing_file() {
    let site = site_for("harbour-wall");
    let got = imported("harbour-wall", &site);
    let article = site.root.join(&got.draft.article.path);
    std::fs::write(&article, "mine").unwrap();
    let input = input_of("harbour-wall");
    let out = site.run(&["import", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&article).unwrap(), "mine");
    // An entry file that exists is skipped, the rest written.
    std::fs::remove_file(&article).unwrap();
    let entry = site.root.join("content/glossary/tomas-berg.md");
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    let mine = "+++\nname = \"Tomas Berg\"\nkind = \"person\"\n+++\nFerry captain.\n";
    std::fs::write(&entry, mine).unwrap();
    let out = site.run(&["import", input.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), mine);
    assert!(site.root.join("content/glossary/mara-lind.md").is_file());
}

#[test]
fn placeholders_build_as_a_draft_with_a_warning_and_fail_when_published() {
    let site = SiteTest::new();
    let input = site.root.join("untitled.txt");
    std::fs::write(&input, "\"We will open the bridge in June,\" said Mayor Jonas Pell on Monday.\n\nThe council agreed.\n").unwrap();
    let out = site.run(&["import", input.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let article = site.root.join("content/articles/untitled.md");
    let text = std::fs::read_to_string(&article).unwrap();
    assert!(
        text.contains("date = 0001-01-01") && text.contains("title = \"REPLACE:"),
        "{text}"
    );
    let build = site.run(&["build", "--drafts"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(
        String::from_utf8_lossy(&build.stderr).contains("placeholder"),
        "no warning: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    std::fs::write(&article, text.replace("draft = true", "draft = false")).unwrap();
    let published = site.run(&["build", "--drafts"]);
    assert_eq!(published.status.code(), Some(1));
    let err = String::from_utf8_lossy(&published.stderr);
    assert!(
        err.contains("the title is still the placeholder")
            && err.contains("the date is still the placeholder"),
        "{err}"
    );
}

fn import_fails(name: &str, bytes: &[u8], says: &str) {
    let site = SiteTest::new();
    let input = site.root.join(name);
    std::fs::write(&input, bytes).unwrap();
    let out = site.run(&["import", input.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name}: {err}");
    assert!(
        err.contains(says) && err.contains(name) && err.contains("help:"),
        "{name}: {err}"
    );
    assert_eq!(
        std::fs::read_dir(site.root.join("content/articles"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn bad_input_is_a_clear_error_with_exit_1() {
    import_fails("empty.txt", b"  \n\n", "the file is empty");
    import_fails(
        "photo.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "not a text file",
    );
    import_fails(
        "front.html",
        b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><footer>\xc2\xa9 2026 Example</footer></body></html>",
        "found no article text",
    );
    import_fails("story.docx", b"some text", "unknown extension `.docx`");
    import_fails("story.htmll", b"<p>x</p>", "did you mean `.html`?");
}

#[test]
fn a_title_with_quotes_backslashes_and_a_new_line_round_trips_through_the_draft() {
    let site = SiteTest::new();
    let title = "Mayor says \"no\" to C:\\roads\\ plan\u{7f}\nand then \u{2028} more";
    let html = format!(
        "<html><head><script type=\"application/ld+json\">{}</script></head><body><article><p>The mayor rejected the plan for the ring road on Monday, after a long and heated debate in the chamber.</p></article></body></html>",
        serde_json::json!({"@type": "NewsArticle", "headline": title, "datePublished": "2026-01-02"})
    );
    let got = import::import(
        Path::new("t.html"),
        html.as_bytes(),
        &Glossary::load(&site.root),
    )
    .unwrap();
    let text = &got.draft.article.text;
    let fm = text
        .strip_prefix("+++\n")
        .unwrap()
        .split("\n+++\n")
        .next()
        .unwrap();
    let parsed: toml::Table = toml::from_str(fm).unwrap();
    // JSON-LD text is white-space folded, as every text import reads.
    assert_eq!(
        parsed["title"].as_str().unwrap(),
        "Mayor says \"no\" to C:\\roads\\ plan\u{7f} and then more"
    );
}
