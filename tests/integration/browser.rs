//! The reader's experience in a real browser: builds the demo site (the
//! repository root) and runs `tests/browser/run.mjs` over it, which opens every
//! page type in headless Chromium at 1280 px and 375 px (axe-core, console and
//! network, sidenote placement, note and glossary-card interaction, quote
//! links) and runs the Nu Html Checker over every HTML file.
//!
//! Needs `/usr/bin/chromium`, `node` and `java` (`.ci/run` installs them). Where
//! one is missing the test is skipped with a message, except under `CI`, where
//! it fails: CI must never pass by skipping.

use gloss::BuildOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn has_command(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// What the browser tests need and this machine lacks.
fn missing_tools() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push("chromium (/usr/bin/chromium: apt-get install chromium)");
    }
    if !has_command("node", "--version") {
        missing.push("node");
    }
    if !has_command("npm", "--version") {
        missing.push("npm");
    }
    if !has_command("java", "-version") {
        missing.push("java (apt-get install default-jre-headless)");
    }
    missing
}

/// Installs the Node packages from the lock file if they are not there yet.
fn ensure_node_modules(dir: &Path) {
    let ready = [
        "playwright-core",
        "axe-core",
        "vnu-jar",
        "@apache-annotator/dom",
        "esbuild",
    ]
    .iter()
    .all(|p| {
        dir.join("node_modules")
            .join(p)
            .join("package.json")
            .exists()
    });
    if ready {
        return;
    }
    // --ignore-scripts: vnu-jar's install script would fetch a Java runtime;
    // the machine's java is used instead.
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .expect("run npm ci");
    assert!(
        out.status.success(),
        "npm ci in {} failed:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn demo_site_in_a_real_browser() {
    let missing = missing_tools();
    if !missing.is_empty() {
        let msg = format!("browser tests need: {}", missing.join(", "));
        if std::env::var_os("CI").is_some() {
            panic!("{msg} (CI is set: run .ci/run, which installs them)");
        }
        // Straight to stderr: the test harness would swallow eprintln! of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED demo_site_in_a_real_browser: {msg}"
        );
        return;
    }

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let opts = BuildOptions {
        root: root.clone(),
        output: Some(out.clone()),
        drafts: false,
        base_url: None,
        search_index: true,
    };
    if let Err(report) = gloss::build(&opts) {
        panic!("the demo site does not build:\n{}", report.rendered());
    }

    let browser_dir = root.join("tests/browser");
    ensure_node_modules(&browser_dir);

    let run = Command::new("node")
        .arg(browser_dir.join("run.mjs"))
        .arg(&out)
        .current_dir(&root)
        .output()
        .expect("run node tests/browser/run.mjs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    // The closing line (counts and time) is worth seeing even when it passes.
    if let Some(last) = stdout.lines().rev().find(|l| l.starts_with("browser: ")) {
        let total = stdout
            .lines()
            .find(|l| l.starts_with("total "))
            .unwrap_or("");
        let _ = writeln!(
            std::io::stderr(),
            "demo_site_in_a_real_browser: browser check runs {} ({total})",
            &last["browser: ".len()..]
        );
    }
    assert!(
        run.status.success(),
        "the browser tests failed ({}); output above, screenshots in target/browser-screenshots/",
        run.status
    );
}

/// A site of 45 articles in shards of 9 records: five Pagefind bundles.
/// The search page starts from the newest and reaches back by itself at
/// most three bundles, so an article of the newest bundle is found at once
/// and one of the oldest after one press of "Search older articles"; a word
/// of every article ("harbour") fills a page of results from the three
/// newest bundles, the older ones fetched only when the reader asks for
/// them (run.mjs `--search-shards`).
#[test]
fn search_finds_articles_in_the_first_and_the_last_shard() {
    let missing = missing_tools();
    if !missing.is_empty() {
        let msg = format!("browser tests need: {}", missing.join(", "));
        if std::env::var_os("CI").is_some() {
            panic!("{msg} (CI is set: run .ci/run, which installs them)");
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED search_finds_articles_in_the_first_and_the_last_shard: {msg}"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("src");
    std::fs::create_dir_all(site.join("content/articles")).unwrap();
    std::fs::write(
        site.join("gloss.toml"),
        "title = \"Shards\"\nbase_url = \"https://shards.example.org/\"\nsearch_records_per_shard = 9\n",
    )
    .unwrap();
    for i in 0..45u8 {
        // A word of its own in each title ("Quaysidebc"), longer than any
        // other word of it, so a query for it finds this article alone.
        let word = format!(
            "Quayside{}{}",
            (b'a' + i / 26) as char,
            (b'a' + i % 26) as char
        );
        std::fs::write(
            site.join(format!("content/articles/{}.md", word.to_lowercase())),
            format!(
                "+++\ntitle = \"The {word} report\"\ndate = 2024-{:02}-{:02}\n+++\nA story about the {word} and the harbour.\n",
                1 + i / 28,
                1 + i % 28
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    let opts = BuildOptions {
        root: site,
        output: Some(out.clone()),
        drafts: false,
        base_url: None,
        search_index: true,
    };
    if let Err(report) = gloss::build(&opts) {
        panic!("the shard fixture does not build:\n{}", report.rendered());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    ensure_node_modules(&browser_dir);
    let run = Command::new("node")
        .arg(browser_dir.join("run.mjs"))
        .arg(&out)
        .arg("--search-shards")
        .args(["--common-word", "harbour"])
        .current_dir(&root)
        .output()
        .expect("run node tests/browser/run.mjs --search-shards");
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&run.stderr));
    for line in stdout.lines().filter(|l| l.contains(" fetched ")) {
        let _ = writeln!(std::io::stderr(), "search shards: {line}");
    }
    assert!(
        run.status.success(),
        "the search shard check failed ({}); output above",
        run.status
    );
}

/// Issue 16: every exported `TextQuoteSelector` re-anchors under a strict
/// matcher, on the fixture sites as on the demo. Each site with notes or
/// quotes (the `basic` and raw-HTML fixtures, the nesting scenarios of
/// `nesting.rs`: a name in a note, a note across a mention, a note over a
/// quote, overlapping notes, and the footnote numbering of
/// `annotations.rs`, whose sidenotes and numbers are in the page's text) is
/// built behind a base path of its own into one folder, and run.mjs
/// `--selectors-only` runs Apache Annotator's matcher over every selector
/// of every `annotations.jsonld` in it: each must match exactly once, its
/// exact. The count it reports must be the count the files hold, so that
/// no site is skipped unseen.
#[test]
fn every_fixture_selector_matches_exactly_once_in_the_browser() {
    let missing = missing_tools();
    if !missing.is_empty() {
        let msg = format!("browser tests need: {}", missing.join(", "));
        if std::env::var_os("CI").is_some() {
            panic!("{msg} (CI is set: run .ci/run, which installs them)");
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED every_fixture_selector_matches_exactly_once_in_the_browser: {msg}"
        );
        return;
    }
    let mut sites = vec![
        ("basic", crate::support::SiteTest::fixture("basic")),
        (
            "raw-html",
            crate::support::SiteTest::fixture("security/raw-html"),
        ),
        (
            "footnotes",
            crate::support::SiteTest::new()
                .file("content/articles/one.md", crate::annotations::ONE_NUMBERING),
        ),
    ];
    sites.extend(crate::nesting::scenario_sites());
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (mut files, mut selectors) = (0usize, 0usize);
    for (name, site) in &sites {
        let mut opts = site.options();
        opts.output = Some(out.join(name));
        opts.base_url = Some(format!("https://fixtures.example.org/{name}/"));
        opts.search_index = false;
        if let Err(report) = gloss::build(&opts) {
            panic!("fixture {name} does not build:\n{}", report.rendered());
        }
        let mut found = 0;
        for (path, bytes) in crate::support::snapshot_dir(&out.join(name)) {
            if path.ends_with("annotations.jsonld") {
                let coll: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let items = coll["first"]["items"].as_array().unwrap();
                selectors += items
                    .iter()
                    .filter(|i| i["target"]["selector"].is_object())
                    .count();
                files += 1;
                found += 1;
            }
        }
        assert!(found > 0, "fixture {name} has no annotations.jsonld");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    ensure_node_modules(&browser_dir);
    let run = Command::new("node")
        .arg(browser_dir.join("run.mjs"))
        .arg(&out)
        .arg("--selectors-only")
        .current_dir(&root)
        .output()
        .expect("run node tests/browser/run.mjs --selectors-only");
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&run.stderr));
    assert!(
        run.status.success(),
        "the strict-selector check of the fixtures failed ({}); output above",
        run.status
    );
    let want = format!("- selectors: {selectors} selectors in {files} annotations.jsonld checked");
    assert!(stdout.contains(&want), "want {want:?} in the output above");
    let _ = writeln!(
        std::io::stderr(),
        "every_fixture_selector_matches_exactly_once_in_the_browser: {selectors} selectors in {files} files, {} sites",
        sites.len()
    );
}
