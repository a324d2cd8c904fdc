//! No input makes gloss panic: random front matter and bodies, built through
//! the whole pipeline, end in a site or in a report, never in a crash.

use crate::support::*;
use proptest::prelude::*;

/// Pieces that exercise the parsers and the annotation resolver: front-matter
/// keys (valid and not), TOML and Markdown syntax, quotes, dashes, non-ASCII.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title = \"T\"\n".to_string()),
        Just("date = 2024-01-01\n".to_string()),
        Just("date = \"2024-13-45\"\n".to_string()),
        Just("[[notes]]\nanchor = \"a\"\ntext = \"n\"\n".to_string()),
        Just("[[quotes]]\nanchor = \"b\"\nspeaker = \"p\"\n".to_string()),
        Just("[[sources]]\nid = \"s\"\ntitle = \"S\"\nurl = \"javascript:x\"\n".to_string()),
        Just("[[entities]]\nid = \"p\"\nname = \"P a\"\nkind = \"person\"\n".to_string()),
        Just("occurrence = 0\n".to_string()),
        Just("+++\n".to_string()),
        Just("---\n".to_string()),
        Just("[^s]".to_string()),
        Just("[x](@p)".to_string()),
        Just("*a* **b** `c`".to_string()),
        Just("\n\n## P a\n".to_string()),
        Just("“a” — ‘b’…".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_front_matter_or_body_makes_the_build_panic(
        front in prop::collection::vec(piece(), 0..8),
        body in prop::collection::vec(piece(), 0..10),
    ) {
        let text = format!("+++\n{}+++\n{}", front.concat(), body.concat());
        let t = SiteTest::new()
            .file("content/glossary/p.md", "+++\nname = \"P\"\nkind = \"person\"\n+++\n")
            .file("content/articles/x.md", &text);
        // Either outcome is fine; a panic fails the test.
        let _ = gloss::render_site(&t.options());
    }
}

/// Issue 12's "bad input costs more than linear time": each case is held
/// to what it costs, counted, not timed (the times are in bench/README.md).
mod bad_input {
    use super::*;

    fn article(front: &str, body: &str) -> String {
        format!("+++\ntitle = \"Case\"\ndate = 2024-01-01\n{front}+++\n{body}\n")
    }

    #[test]
    fn a_code_line_too_long_to_highlight_is_shown_escaped_with_a_warning() {
        let line = "let s = \"<script>alert(1)</script>\"; ".repeat(200);
        assert!(line.len() > gloss::markdown::MAX_HIGHLIGHT_LINE);
        let t = SiteTest::new().file(
            "content/articles/code.md",
            &article(
                "",
                &format!("Some code:\n\n```rust\nfn main() {{}}\n{line}\n```\n"),
            ),
        );
        let site = t.build();
        let warnings = gloss::render_site(&t.options()).unwrap().stats.warnings;
        assert!(
            warnings.contains("line 2 of this code block is 7400 bytes long"),
            "{warnings}"
        );
        assert!(
            warnings.contains("content/articles/code.md:7:1"),
            "{warnings}"
        );
        let page = site.html("articles/code/index.html");
        assert_eq!(page.count("pre.code[data-lang=rust] code"), 1);
        assert_eq!(page.count("pre.code span"), 0, "not highlighted");
        assert_eq!(page.count("article script, main script"), 0);
        let code = page.text("pre.code code");
        // Shown whole, and as text: the markup in it is escaped.
        assert!(code.starts_with("fn main() {} let s = \"<script>alert(1)</script>\";"));
        assert_eq!(code.matches("<script>alert(1)</script>").count(), 200);
    }

    #[test]
    fn short_code_lines_are_still_highlighted_without_a_warning() {
        let t = SiteTest::new().file(
            "content/articles/code.md",
            &article("", "```rust\nfn main() {}\n```\n"),
        );
        let site = t.build();
        assert!(site.html("articles/code/index.html").count("pre.code span") > 0);
        let warnings = gloss::render_site(&t.options()).unwrap().stats.warnings;
        assert!(!warnings.contains("highlighting"), "{warnings}");
    }

    /// Errors of one kind past the first few are counted, not rendered: the
    /// report stays the size of a few errors, and still names every place.
    #[test]
    fn thousands_of_unknown_mentions_are_reported_once_with_a_count() {
        let body: Vec<String> = (0..2000)
            .map(|i| format!("Said [x](@nope-{i}) today."))
            .collect();
        let t = SiteTest::new()
            .file(
                "content/glossary/nope.md",
                "+++\nname = \"Nope\"\nkind = \"person\"\n+++\nX.\n",
            )
            .file("content/articles/m.md", &article("", &body.join(" ")));
        let r = t.build_err();
        assert_eq!(r.error_count(), 2000);
        let text = r.rendered();
        let shown = gloss::diagnostics::SHOWN_PER_KIND;
        assert_eq!(
            text.matches("error: unknown glossary id").count(),
            shown,
            "{text}"
        );
        assert_eq!(
            text.matches("did you mean `nope`?").count(),
            shown,
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "{} more like this, not shown: content/articles/m.md:5:",
                2000 - shown
            )),
            "{text}"
        );
        // Each error shown prints its line (here the whole body): the report
        // is the size of that, not 2,000 times it.
        let line = body.join(" ").len();
        assert!(
            text.len() < (shown + 1) * line + 10_000,
            "{} bytes",
            text.len()
        );
    }

    #[test]
    fn a_glossary_whose_entries_alias_each_other_is_reported_once_per_kind() {
        let n = 40;
        let mut t = SiteTest::new();
        for i in 0..n {
            let aliases: Vec<String> = (0..n)
                .filter(|&j| j != i)
                .map(|j| format!("\"Name {j}\""))
                .collect();
            t = t.file(
                &format!("content/glossary/e{i:02}.md"),
                &format!(
                    "+++\nname = \"Name {i}\"\nkind = \"person\"\naliases = [{}]\n+++\nX.\n",
                    aliases.join(", ")
                ),
            );
        }
        let r = t.build_err();
        // Every clash is still found, and each one's place is in the report's items.
        assert_eq!(r.error_count(), n * (n - 1) / 2 + n * (n - 1) / 2);
        let text = r.rendered();
        assert_eq!(
            text.matches("belongs to two glossary entries").count(),
            3,
            "{text}"
        );
        assert!(
            text.contains(&format!("{} more like this", r.error_count() - 3)),
            "{text}"
        );
    }

    #[test]
    fn yaml_nested_forty_thousand_deep_is_refused_where_it_gets_too_deep() {
        let deep = format!(
            "---\ntitle: Deep\ndate: 2024-01-01\ntags: {}{}\n---\nBody.\n",
            "[".repeat(40_000),
            "]".repeat(40_000)
        );
        let t = SiteTest::new().file("content/articles/deep.md", &deep);
        let text = t.report_text(&t.build_err());
        assert!(
            text.contains("collections nested more than 64 deep"),
            "{text}"
        );
        assert!(text.contains("content/articles/deep.md:4:71"), "{text}");
    }
}

/// The fuzz target over the whole pipeline: random but well-formed-looking
/// sites (glossary entries, articles with TOML or YAML front matter, notes,
/// quotes, sources and mentions whose anchors and ids mostly exist), built
/// twice. Checked: no panic; every error names a place inside its file; and
/// the same input gives the same output, byte for byte, or the same report.
///
/// 24 cases by default (a few seconds of `cargo test` on two cores); more
/// with `PROPTEST_CASES=5000 cargo test --test integration fuzz`.
mod fuzz {
    use super::*;
    use std::collections::BTreeMap;

    const WORDS: &[&str] = &[
        "the", "harbour", "board", "met", "on", "Monday", "and", "said", "“no”", "—", "budget",
        "x", "é", "<b>", "&", "Ann Lee", "Lee", "Cat Co", "ferry's",
    ];
    const IDS: &[&str] = &["ann-lee", "cat-co", "bob", "nope"];

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => "[a-z]{1,6}",
            1 => "\\PC{1,3}",
        ]
    }

    fn phrase(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(word(), 1..max).prop_map(|w| w.join(" "))
    }

    /// A Markdown block of the body.
    fn block() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => phrase(14).prop_map(|p| format!("{p}.\n")),
            1 => (phrase(4), prop::sample::select(IDS)).prop_map(|(p, id)| format!("Said [{p}](@{id}) today.\n")),
            1 => phrase(4).prop_map(|p| format!("## {p}\n")),
            1 => phrase(5).prop_map(|p| format!("- *{p}* and `{p}`\n- [^src]\n")),
            1 => (prop::sample::select(&["rust", "python", "", "nosuchlang"][..]), phrase(6))
                .prop_map(|(l, p)| format!("```{l}\nfn f() {{ \"{p}\" < 1 }}\n```\n")),
            1 => phrase(4).prop_map(|p| format!("> {p} [link](https://e.example/{p})\n")),
        ]
    }

    /// An annotation: kind, anchor (often words of the body), id, extras.
    #[derive(Clone, Debug)]
    struct Ann {
        quote: bool,
        anchor: String,
        speaker: &'static str,
        occurrence: Option<usize>,
        prefix: String,
        text: String,
        /// Take the anchor from the body instead: where and how many words.
        pick: Option<(usize, usize)>,
    }

    fn ann() -> impl Strategy<Value = Ann> {
        (
            any::<bool>(),
            phrase(4),
            prop::sample::select(IDS),
            prop::option::of(0usize..4),
            prop_oneof![3 => Just(String::new()), 1 => phrase(2)],
            prop_oneof![1 => Just(String::new()), 3 => phrase(3)],
            prop_oneof![1 => Just(None), 3 => (0usize..200, 1usize..5).prop_map(Some)],
        )
            .prop_map(
                |(quote, anchor, speaker, occurrence, prefix, text, pick)| Ann {
                    quote,
                    anchor,
                    speaker,
                    occurrence,
                    prefix,
                    text,
                    pick,
                },
            )
    }

    #[derive(Clone, Debug)]
    struct Article {
        yaml: bool,
        title: String,
        date: &'static str,
        anns: Vec<Ann>,
        source_url: &'static str,
        body: Vec<String>,
    }

    fn article() -> impl Strategy<Value = Article> {
        (
            any::<bool>(),
            prop_oneof![4 => phrase(3), 1 => Just(String::new())],
            prop::sample::select(&["2024-01-01", "2024-02-30", "2024-01-01T10:00:00Z", "soon"][..]),
            prop::collection::vec(ann(), 0..5),
            prop::sample::select(&["https://s.example/", "javascript:alert(1)", ""][..]),
            prop::collection::vec(block(), 1..8),
        )
            .prop_map(|(yaml, title, date, anns, source_url, body)| Article {
                yaml,
                title,
                date,
                anns,
                source_url,
                body,
            })
    }

    /// TOML and YAML both read JSON's double-quoted strings.
    fn q(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    impl Article {
        /// The anchor `a` asks for: its own words, or words of the body.
        fn anchor(&self, a: &Ann) -> String {
            let Some((at, n)) = a.pick else {
                return a.anchor.clone();
            };
            let body = self.body.concat();
            let words: Vec<&str> = body
                .split_whitespace()
                .filter(|w| !w.contains(['*', '`', '[', ']', '#', '(', ')', '>', '{', '}', '"']))
                .collect();
            if words.is_empty() {
                return a.anchor.clone();
            }
            let at = at % words.len();
            words[at..(at + n).min(words.len())].join(" ")
        }

        fn file(&self) -> String {
            let body = self.body.concat();
            let mut fm = String::new();
            if self.yaml {
                fm.push_str(&format!(
                    "title: {}\ndate: {}\n",
                    q(&self.title),
                    q(self.date)
                ));
                fm.push_str(&format!(
                    "sources:\n  - id: src\n    title: S\n    url: {}\n",
                    q(self.source_url)
                ));
                for (key, quote) in [("notes", false), ("quotes", true)] {
                    let anns: Vec<&Ann> = self.anns.iter().filter(|a| a.quote == quote).collect();
                    if anns.is_empty() {
                        continue;
                    }
                    fm.push_str(&format!("{key}:\n"));
                    for a in anns {
                        fm.push_str(&format!("  - anchor: {}\n", q(&self.anchor(a))));
                        self.extras(&mut fm, a, "    ", ": ");
                    }
                }
                return format!("---\n{fm}---\n{body}");
            }
            fm.push_str(&format!(
                "title = {}\ndate = {}\n",
                q(&self.title),
                q(self.date)
            ));
            fm.push_str(&format!(
                "[[sources]]\nid = \"src\"\ntitle = \"S\"\nurl = {}\n",
                q(self.source_url)
            ));
            for a in &self.anns {
                let key = if a.quote { "quotes" } else { "notes" };
                fm.push_str(&format!("[[{key}]]\nanchor = {}\n", q(&self.anchor(a))));
                self.extras(&mut fm, a, "", " = ");
            }
            format!("+++\n{fm}+++\n{body}")
        }

        fn extras(&self, fm: &mut String, a: &Ann, indent: &str, eq: &str) {
            if a.quote {
                fm.push_str(&format!("{indent}speaker{eq}{}\n", q(a.speaker)));
            } else {
                fm.push_str(&format!("{indent}text{eq}{}\n", q(&a.text)));
            }
            if let Some(n) = a.occurrence {
                fm.push_str(&format!("{indent}occurrence{eq}{n}\n"));
            }
            if !a.prefix.is_empty() {
                fm.push_str(&format!("{indent}prefix{eq}{}\n", q(&a.prefix)));
            }
        }
    }

    /// Glossary entries: an id, a name, aliases that may clash, affiliations.
    fn entries(
    ) -> impl Strategy<Value = Vec<(&'static str, String, Vec<String>, Vec<&'static str>)>> {
        prop::collection::vec(
            (
                prop::sample::select(&IDS[..3]),
                prop_oneof![
                    prop::sample::select(&["Ann Lee", "Cat Co", "Bob"][..])
                        .prop_map(str::to_string),
                    phrase(2)
                ],
                prop::collection::vec(
                    prop::sample::select(&["Lee", "Cat Co", "Ann", "x"][..])
                        .prop_map(str::to_string),
                    0..3,
                ),
                prop::collection::vec(prop::sample::select(IDS), 0..2),
            ),
            0..4,
        )
    }

    fn site(
        entries: &[(&'static str, String, Vec<String>, Vec<&'static str>)],
        articles: &[Article],
    ) -> SiteTest {
        let mut t = SiteTest::new();
        for (i, (id, name, aliases, affiliation)) in entries.iter().enumerate() {
            // The same id twice is a clash to report, not a file to overwrite.
            let file = if i == 0 {
                id.to_string()
            } else {
                format!("{id}-{i}")
            };
            let list = |v: &[String]| v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
            let aff: Vec<String> = affiliation.iter().map(|s| s.to_string()).collect();
            t = t.file(
                &format!("content/glossary/{file}.md"),
                &format!(
                    "+++\nname = {}\nkind = \"person\"\naliases = [{}]\naffiliation = [{}]\n+++\nAbout {}.\n",
                    q(name),
                    list(aliases),
                    list(&aff),
                    name
                ),
            );
        }
        for (i, a) in articles.iter().enumerate() {
            t = t.file(&format!("content/articles/a{i}.md"), &a.file());
        }
        t
    }

    fn render(t: &SiteTest) -> Result<BTreeMap<String, gloss::OutputFile>, String> {
        let opts = gloss::BuildOptions {
            search_index: false,
            ..t.options()
        };
        match gloss::render_site(&opts) {
            Ok(site) => Ok(site.files),
            Err(report) => {
                for item in &report.items {
                    if item.file.is_empty() {
                        continue;
                    }
                    let text = std::fs::read_to_string(t.root.join(&item.file))
                        .unwrap_or_else(|e| panic!("{}: {e}\n{}", item.file, report.rendered()));
                    let lines = text.split('\n').count();
                    assert!(
                        item.line >= 1 && item.line <= lines && item.column >= 1,
                        "{}:{}:{} is outside the file ({lines} lines): {}\n{}",
                        item.file,
                        item.line,
                        item.column,
                        item.diagnostic.message,
                        report.rendered()
                    );
                    let line = text.split('\n').nth(item.line - 1).unwrap_or("");
                    assert!(
                        item.column <= line.chars().count() + 1,
                        "{}:{}:{} is past the end of its line: {}",
                        item.file,
                        item.line,
                        item.column,
                        item.diagnostic.message
                    );
                }
                Err(report.rendered().to_string())
            }
        }
    }

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

        #[test]
        fn any_site_builds_or_reports_in_place_and_the_same_every_time(
            entries in entries(),
            articles in prop::collection::vec(article(), 1..4),
        ) {
            let t = site(&entries, &articles);
            let first = render(&t);
            let second = render(&t);
            prop_assert!(first == second, "two builds of one site differ");
        }
    }
}
