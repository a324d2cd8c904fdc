//! Bad input: every case gets a clear message with file, line and column,
//! and the whole report is pinned as a snapshot.

use crate::support::*;

const GLOSSARY: &[(&str, &str)] = &[
    ("content/glossary/john-kirby.md", "+++\nname = \"John Kirby\"\nkind = \"person\"\naliases = [\"Kirby\"]\naffiliation = [\"pentagon\"]\n+++\nSpokesman.\n"),
    ("content/glossary/pentagon.md", "+++\nname = \"Pentagon\"\nkind = \"organisation\"\n+++\nThe US defence department.\n"),
];

fn site_with(article: &str) -> SiteTest {
    let mut t = SiteTest::new();
    for (p, text) in GLOSSARY {
        t = t.file(p, text);
    }
    t.file("content/articles/story.md", article)
}

fn report(t: &SiteTest) -> String {
    let r = t.build_err();
    t.report_text(&r)
}

macro_rules! error_case {
    ($name:ident, $site:expr, $($needle:expr),+) => {
        #[test]
        fn $name() {
            let t = $site;
            let text = report(&t);
            $( assert!(text.contains($needle), "expected {:?} in:\n{}", $needle, text); )+
            insta::assert_snapshot!(stringify!($name), text);
        }
    };
}

error_case!(
    malformed_toml_front_matter_points_at_the_line_and_column,
    site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\ntags = [\"a\",\n+++\nBody.\n"),
    "content/articles/story.md:4:13",
    "unclosed array"
);

error_case!(
    malformed_yaml_front_matter_points_at_the_line,
    site_with("---\ntitle: Story\ndate: 2024-01-01\ntags: [a, b\n---\nBody.\n"),
    "content/articles/story.md:"
);

error_case!(
    missing_title_is_reported,
    site_with("+++\ndate = 2024-01-01\n+++\nBody.\n"),
    "`title` is required",
    "content/articles/story.md:1:1"
);

error_case!(
    empty_title_is_reported,
    site_with("+++\ntitle = \"  \"\ndate = 2024-01-01\n+++\nBody.\n"),
    "content/articles/story.md:2:1",
    "title is empty"
);

error_case!(
    a_date_that_does_not_exist_is_reported,
    site_with("+++\ntitle = \"Story\"\ndate = \"2024-02-30\"\n+++\nBody.\n"),
    "content/articles/story.md:3:8",
    "February 2024 has 29 days"
);

error_case!(
    unknown_front_matter_key_suggests_the_closest,
    site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\nsumary = \"x\"\n+++\nBody.\n"),
    "content/articles/story.md:4:1",
    "did you mean `summary`?"
);

error_case!(
    unknown_key_in_a_note_suggests_the_closest,
    site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\n[[notes]]\nanchr = \"Body\"\ntext = \"x\"\n+++\nBody.\n"),
    "did you mean `anchor`?"
);

error_case!(
    unknown_config_key_suggests_the_closest,
    SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://x.org/\"\npaginte = 5\n"
    ),
    "gloss.toml:3:1",
    "did you mean `paginate`?"
);

error_case!(
    two_articles_with_one_slug_name_both_files,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\nslug = \"same\"\n+++\nA.\n").file(
        "content/articles/other.md",
        "+++\ntitle = \"B\"\ndate = 2024-01-02\nslug = \"same\"\n+++\nB.\n"
    ),
    "content/articles/other.md",
    "content/articles/story.md",
    "two articles have the slug `same`"
);

error_case!(
    template_syntax_error_names_the_template_and_line,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n")
        .file("templates/page.html", "<p>\n{% if %}\n</p>\n"),
    "templates/page.html:2:"
);

error_case!(
    template_with_an_undefined_variable_names_it,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n")
        .file("templates/404.html", "<p>\n{{ site.titel }}\n</p>\n"),
    "templates/404.html:2:",
    "site.titel"
);

error_case!(
    missing_content_folder_is_reported,
    {
        let t = SiteTest::new();
        std::fs::remove_dir_all(t.root.join("content")).unwrap();
        t
    },
    "no content folder"
);

#[test]
fn a_non_utf8_file_is_reported_with_its_position() {
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n");
    std::fs::write(
        t.root.join("content/articles/latin1.md"),
        b"+++\ntitle = \"Caf\xe9\"\n+++\n",
    )
    .unwrap();
    let text = report(&t);
    assert!(text.contains("content/articles/latin1.md:2:13"), "{text}");
    assert!(text.contains("not valid UTF-8"), "{text}");
}

#[test]
fn every_error_of_a_build_is_reported_at_once() {
    let t = site_with("+++\ntitle = \"\"\ndate = 2024-01-01\n+++\nA.\n")
        .file(
            "content/articles/b.md",
            "+++\ntitle = \"B\"\ndate = \"yesterday\"\n+++\nB.\n",
        )
        .file(
            "content/articles/c.md",
            "+++\ntitle = \"C\"\ndate = 2024-01-01\ncolour = 1\n+++\nC.\n",
        );
    let r = t.build_err();
    assert_eq!(r.error_count(), 3, "{}", r.rendered());
    // Sorted by file, so the report is the same on every run.
    let files: Vec<&str> = r.items.iter().map(|i| i.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "content/articles/b.md",
            "content/articles/c.md",
            "content/articles/story.md"
        ]
    );
}

#[test]
fn the_binary_exits_with_one_and_prints_rustc_style_diagnostics() {
    let t = site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\nsumary = \"x\"\n+++\nBody.\n");
    let out = t.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: invalid front matter"), "{err}");
    assert!(err.contains("┌─ content/articles/story.md:4:1"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!t.out().exists());
}

const ANNOTATED: &str = "+++\ntitle = \"Story\"\ndate = 2024-01-01\n\n[[sources]]\nid = \"wsj\"\ntitle = \"Report\"\nurl = \"https://wsj.example.com/a\"\n";

error_case!(
    an_anchor_that_matches_nothing_shows_the_closest_passage,
    site_with(&format!("{ANNOTATED}[[notes]]\nanchor = \"the Wall Street Journal reportd\"\nsource = \"wsj\"\n+++\nAs the Wall Street Journal reported on Monday, talks stalled.\n")),
    "content/articles/story.md:10:11",
    "matches nothing",
    "closest passage is “the Wall Street Journal reported"
);

error_case!(
    an_anchor_that_matches_twice_lists_both_places,
    site_with(&format!("{ANNOTATED}[[notes]]\nanchor = \"talks\"\nsource = \"wsj\"\n+++\nThe talks stalled. Then talks resumed.\n")),
    "matches 2 places",
    "occurrence = N"
);

error_case!(
    an_unknown_speaker_suggests_the_closest_id,
    site_with(&format!("{ANNOTATED}[[quotes]]\nanchor = \"We are done\"\nspeaker = \"john-kirbi\"\n+++\n\"We are done,\" he said.\n")),
    "unknown speaker `john-kirbi`",
    "did you mean `john-kirby`?"
);

error_case!(
    an_unknown_source_suggests_the_closest_id,
    site_with(&format!(
        "{ANNOTATED}[[notes]]\nanchor = \"talks\"\nsource = \"wjs\"\n+++\nThe talks stalled.\n"
    )),
    "unknown source `wjs`",
    "did you mean `wsj`?"
);

error_case!(
    an_unknown_affiliation_suggests_the_closest_id,
    SiteTest::new()
        .file(
            "content/glossary/a.md",
            "+++\nname = \"A Person\"\nkind = \"person\"\naffiliation = [\"pentagn\"]\n+++\n"
        )
        .file(
            "content/glossary/pentagon.md",
            "+++\nname = \"Pentagon\"\nkind = \"organisation\"\n+++\n"
        ),
    "content/glossary/a.md:4:17",
    "did you mean `pentagon`?"
);

error_case!(
    two_entries_with_one_id_are_reported,
    site_with(&format!("{ANNOTATED}[[entities]]\nid = \"pentagon\"\nname = \"The Pentagon building\"\nkind = \"organisation\"\n+++\nText.\n")),
    "glossary id `pentagon` is defined twice"
);

error_case!(
    one_alias_for_two_entries_is_reported,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n").file(
        "content/glossary/kirby-smart.md",
        "+++\nname = \"Kirby Smart\"\nkind = \"person\"\naliases = [\"Kirby\"]\n+++\n"
    ),
    "the name `Kirby` belongs to two glossary entries"
);

error_case!(
    a_note_with_neither_text_nor_source_is_reported,
    site_with(&format!(
        "{ANNOTATED}[[notes]]\nanchor = \"talks\"\n+++\nThe talks stalled.\n"
    )),
    "a note needs `text` or a `source`"
);

error_case!(
    a_dangerous_url_scheme_in_a_source_is_refused,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n[[sources]]\nid = \"x\"\ntitle = \"X\"\nurl = \"javascript:alert(1)\"\n+++\nA.\n"),
    "content/articles/story.md:7:8",
    "scheme is not allowed"
);

error_case!(
    a_dangerous_link_in_the_body_is_refused,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nClick [here](data:text/html,hi).\n"),
    "content/articles/story.md:5:7",
    "scheme is not allowed"
);

/// `gloss check` follows every link into the site: a page that is not
/// built or an id that is not on its page is an error where the link is
/// written, with the closest address or id the site has; links that work,
/// relative ones too, and links that leave the site pass.
#[test]
fn check_reports_links_into_the_site_that_lead_nowhere() {
    let body = "\
See [John Kirby](/glossary/john-kirby/) and [the other story](../other/#why).
Read [the glosary](/glossary/jon-kirby/) and [a missing part](../other/#wyh).
Also [the wire](https://wire.example.org/x) and [us](mailto:desk@example.org).
";
    let t = site_with(&format!(
        "+++\ntitle = \"Story\"\ndate = 2024-01-01\n+++\n{body}"
    ))
    .file(
        "content/articles/other.md",
        "+++\ntitle = \"Other\"\ndate = 2024-01-02\n+++\n## Why\n\nBecause.\n",
    );
    // The build follows them too (issue 13), and writes nothing.
    assert_eq!(t.run(&["build"]).status.code(), Some(1));
    assert!(!t.out().exists());

    let out = t.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("link to `/glossary/jon-kirby/`: the site has no such page"),
        "{err}"
    );
    assert!(err.contains("┌─ content/articles/story.md:6:6"), "{err}");
    assert!(
        err.contains("did you mean `/glossary/john-kirby/`?"),
        "{err}"
    );
    assert!(
        err.contains("link to `../other/#wyh`: that page has no `#wyh`"),
        "{err}"
    );
    assert!(err.contains("did you mean `#why`?"), "{err}");
    assert_eq!(err.matches("error: link to").count(), 2, "{err}");
    assert!(err.contains("error: check failed with 2 errors"), "{err}");

    // Fixed, the check passes.
    let fixed = body
        .replace("/glossary/jon-kirby/", "/glossary/john-kirby/")
        .replace("#wyh", "#why");
    let t = t.file(
        "content/articles/story.md",
        &format!("+++\ntitle = \"Story\"\ndate = 2024-01-01\n+++\n{fixed}"),
    );
    let out = t.run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Every front-matter error of a file at once (issue 12, "Writers' mistakes").

#[test]
fn every_front_matter_error_of_a_file_is_reported_at_its_own_key() {
    let t = site_with(concat!(
        "+++\n",
        "title = \"Story\"\n",
        "date = 2024-01-01\n",
        "sumary = \"x\"\n",
        "updated = \"2024-02-30\"\n",
        "colour = \"red\"\n",
        "[[notes]]\n",
        "anchr = \"Body\"\n",
        "text = \"x\"\n",
        "+++\nBody.\n"
    ));
    let r = t.build_err();
    let places: Vec<(usize, usize)> = r.items.iter().map(|i| (i.line, i.column)).collect();
    assert_eq!(
        places,
        [(4, 1), (5, 11), (6, 1), (8, 1)],
        "{}",
        r.rendered()
    );
    let text = t.report_text(&r);
    assert!(text.contains("did you mean `summary`?"), "{text}");
    assert!(text.contains("did you mean `anchor`?"), "{text}");
    assert!(text.contains("February 2024 has 29 days"), "{text}");
    insta::assert_snapshot!(text);
}

error_case!(
    a_missing_date_says_it_is_required_and_how_to_write_it,
    site_with("+++\ntitle = \"Story\"\n+++\nBody.\n"),
    "`date` is required",
    "content/articles/story.md:1:1",
    "YYYY-MM-DD"
);

error_case!(
    a_missing_key_of_a_note_names_the_note,
    site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\n[[notes]]\ntext = \"x\"\n+++\nBody.\n"),
    "`anchor` is required in each `[[notes]]`",
    "content/articles/story.md:4:1"
);

error_case!(
    a_time_out_of_range_is_an_error_at_its_value,
    site_with("+++\ntitle = \"Story\"\ndate = \"2024-01-01T25:61:00Z\"\n+++\nBody.\n"),
    "content/articles/story.md:3:8",
    "hours run from 00 to 23"
);

error_case!(
    an_offset_out_of_range_is_an_error_at_its_value,
    site_with("+++\ntitle = \"Story\"\ndate = \"2024-01-01T10:00:00+99:99\"\n+++\nBody.\n"),
    "content/articles/story.md:3:8",
    "offsets run from -23:59 to +23:59"
);

#[test]
fn every_unknown_config_key_is_reported_in_one_run() {
    let t = SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://x.org/\"\npaginte = 5\nlangauge = \"en\"\n",
    );
    let text = report(&t);
    assert!(text.contains("gloss.toml:3:1"), "{text}");
    assert!(text.contains("gloss.toml:4:1"), "{text}");
    assert!(text.contains("did you mean `language`?"), "{text}");
}

error_case!(
    a_key_after_the_glossary_table_says_it_was_read_as_part_of_it,
    SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\nbase_url = \"https://x.org/\"\n\n[glossary]\nlink = \"all\"\nsearch = false\n"
    ),
    "gloss.toml:6:1",
    "read as `glossary.search`",
    "move `search = ...` above the `[glossary]` line"
);

error_case!(
    a_bad_base_url_after_a_multiline_string_is_reported_at_its_own_line,
    SiteTest::new().file(
        "gloss.toml",
        "title = \"T\"\ndescription = \"\"\"\nbase_url = \\\"x\\\"\n\"\"\"\nbase_url = \"example.org\"\n"
    ),
    "gloss.toml:5:1",
    "must be an absolute http(s) URL"
);

#[test]
fn a_non_utf8_config_is_reported_at_the_first_bad_byte() {
    let t = SiteTest::new();
    std::fs::write(
        t.root.join("gloss.toml"),
        b"title = \"T\"\nbase_url = \"https://x.org/\"\ndescription = \"caf\xe9\"\n",
    )
    .unwrap();
    let text = report(&t);
    assert!(text.contains("gloss.toml:3:19"), "{text}");
    assert!(text.contains("not valid UTF-8"), "{text}");
}

// Template errors once, where they are (issue 12).

#[test]
fn a_typo_in_base_html_is_one_error_at_its_line_with_the_closest_variable() {
    // Outside any block, so every page that extends base.html renders it.
    let needle = "<meta property=\"og:site_name\" content=\"{{ site.title }}\">";
    let builtin = include_str!("../../templates/base.html");
    let at = builtin.find(needle).unwrap() + needle.find("site.title").unwrap();
    let line = builtin[..at].matches('\n').count() + 1;
    let column = at - builtin[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    let base = builtin.replacen(needle, &needle.replace("site.title", "site.titel"), 1);
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n")
        .file("templates/base.html", &base);
    let r = t.build_err();
    assert_eq!(r.error_count(), 1, "{}", r.rendered());
    let text = t.report_text(&r);
    assert!(
        text.contains(&format!("templates/base.html:{line}:{column}")),
        "{text}"
    );
    assert!(text.contains("did you mean `site.title`?"), "{text}");
    assert!(text.contains("gloss theme export"), "{text}");
    assert!(!text.contains("docs/templates.md"), "{text}");
    insta::assert_snapshot!(text);
}

error_case!(
    a_template_that_includes_itself_is_an_error_not_a_crash,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n").file(
        "templates/404.html",
        "<p>\n{% include \"404.html\" %}\n</p>\n"
    ),
    "templates/404.html:2:12",
    "includes itself"
);

error_case!(
    a_macro_that_always_calls_itself_is_an_error_not_a_crash,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n").file(
        "templates/404.html",
        "{% macro down(n) %}\n{{ self::down(n=n) }}\n{% endmacro down %}\n<p>{{ self::down(n=1) }}</p>\n"
    ),
    "templates/404.html:2:",
    "calls itself on every call"
);

// Checks in the build (issue 13).

error_case!(
    an_undefined_footnote_label_is_an_error_with_the_closest_label,
    site_with(concat!(
        "+++\ntitle = \"A\"\ndate = 2024-01-01\n",
        "[[sources]]\nid = \"reuters\"\ntitle = \"Wire\"\n+++\n",
        "The minister resigned.[^reutres] `[^code]` is not a reference.\n"
    )),
    "content/articles/story.md:8:23",
    "did you mean `[^reuters]`?"
);

error_case!(
    a_broken_link_fails_the_build_not_only_the_check,
    site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nSee [Kirby](/glossary/john-kirbi/) and [the top](#nowhere).\n"),
    "content/articles/story.md:5:5",
    "did you mean `/glossary/john-kirby/`?",
    "that page has no `#nowhere`"
);

#[test]
fn a_build_with_a_broken_link_leaves_the_previous_output_as_it_was() {
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n");
    t.build();
    let before = snapshot_dir(&t.out());
    let t = t.file(
        "content/articles/story.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nSee [x](/nowhere/).\n",
    );
    t.build_err();
    assert_eq!(before, snapshot_dir(&t.out()));
}

#[test]
fn check_reports_json_for_ci() {
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\nsumary = \"x\"\n+++\nA.\n");
    let o = t.run(&["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"]["file"], "content/articles/story.md");
    assert_eq!(d["location"]["line"], 4);
    assert_eq!(d["location"]["column"], 1);
    assert_eq!(d["help"][0], "did you mean `summary`?");
}

/// Issue 16: the text summary says "1 draft skipped; use --drafts to
/// include it", but the JSON for CI said nothing of drafts.
#[test]
fn check_json_says_how_many_drafts_were_skipped() {
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n").file(
        "content/articles/wip.md",
        "+++\ntitle = \"W\"\ndate = 2024-01-02\ndraft = true\n+++\nW.\n",
    );
    let o = t.run(&["check", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["drafts_skipped"], 1);
    assert_eq!(
        v["drafts_line"],
        "1 draft skipped; use --drafts to include it"
    );
    let o = t.run(&["check", "--format", "json", "--drafts"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["drafts_skipped"], 0);
    assert!(v.get("drafts_line").is_none(), "{v}");
}

#[test]
fn deny_warnings_fails_build_and_check_on_a_warning() {
    // The glossary's entries are never mentioned: a warning.
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n");
    let o = t.run(&["check"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning"));
    let o = t.run(&["check", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
    let o = t.run(&["build", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!t.out().exists(), "nothing is written");
    let o = t.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"], 1);
}

#[test]
fn the_summary_counts_in_words_that_agree() {
    let t = SiteTest::new().file(
        "content/articles/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n",
    );
    let o = t.run(&["build"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(": 1 article, 0 notes, 0 quotes, 0 glossary entries"),
        "{err}"
    );
}

#[test]
fn a_broken_link_in_a_template_fails_the_build() {
    let t = site_with("+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nA.\n").file(
        "templates/404.html",
        "<p><a href=\"/glosary/\">Glossary</a> <a href=\"/quotes/#nope\">q</a></p>\n",
    );
    let text = report(&t);
    assert!(text.contains("link to `/glosary/`"), "{text}");
    assert!(text.contains("on `/404.html`, from its template"), "{text}");
    assert!(text.contains("did you mean `/glossary/`?"), "{text}");
    assert!(text.contains("that page has no `#nope`"), "{text}");
}

// Positions from the parser, not from searching the text (issue 14): a value
// written with escapes, or written twice, is reported where it is.

#[test]
fn an_escaped_toml_string_is_reported_at_its_own_line_and_column() {
    let t = site_with(concat!(
        "+++\n",
        "title = \"Story\"\n",
        "date = 2024-01-01\n",
        "[[notes]]\n",
        "anchor = \"Body\"\n",
        "text = \"x\"\n",
        "[[notes]]\n",
        "anchor = \"the \\\"lost\\\" words\"\n",
        "text = \"y\"\n",
        "+++\nBody.\n"
    ));
    let r = t.build_err();
    let places: Vec<(usize, usize)> = r.items.iter().map(|i| (i.line, i.column)).collect();
    assert_eq!(places, [(8, 11)], "{}", r.rendered());
    insta::assert_snapshot!(t.report_text(&r));
}

#[test]
fn a_repeated_value_is_reported_at_the_copy_that_is_wrong() {
    // The second note's anchor is the first note's, and the first note's
    // text starts with it: searching the text found that text.
    let t = site_with(concat!(
        "---\n",
        "title: Story\n",
        "date: 2024-01-01\n",
        "notes:\n",
        "  - anchor: Body\n",
        "    text: Body text, explained\n",
        "  - anchor: Body\n",
        "    text: \"\"\n",
        "---\nBody.\n"
    ));
    let r = t.build_err();
    let places: Vec<(usize, usize)> = r.items.iter().map(|i| (i.line, i.column)).collect();
    assert_eq!(places, [(7, 13)], "{}", r.rendered());
    let text = t.report_text(&r);
    assert!(text.contains("a note needs `text` or a `source`"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn every_yaml_front_matter_error_of_a_file_is_reported_at_its_own_key() {
    let t = site_with(concat!(
        "---\n",
        "date: 2024-02-30\n",
        "draft: maybe\n",
        "sumary: x\n",
        "tags: [a, b]\n",
        "---\nBody.\n"
    ));
    let r = t.build_err();
    let mut places: Vec<(usize, usize)> = r.items.iter().map(|i| (i.line, i.column)).collect();
    places.sort();
    assert_eq!(places, [(1, 1), (2, 7), (3, 8), (4, 1)], "{}", r.rendered());
    let text = t.report_text(&r);
    assert!(text.contains("`title` is required"), "{text}");
    assert!(text.contains("e.g. `title: \"Canal reopens\"`"), "{text}");
    assert!(text.contains("February 2024 has 29 days"), "{text}");
    assert!(text.contains("expected a boolean"), "{text}");
    assert!(text.contains("did you mean `summary`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn yaml_glossary_entries_and_pages_report_every_error_too() {
    let t = site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\n+++\nBody.\n")
        .file(
            "content/glossary/jane-doe.md",
            "---\nname: Jane Doe\nkind: robot\nrol: Mayor\n---\nThe mayor.\n",
        )
        .file(
            "content/about.md",
            "---\nslug: about\ndarft: true\n---\nAbout us.\n",
        );
    let r = t.build_err();
    let mut places: Vec<(String, usize, usize)> = r
        .items
        .iter()
        .map(|i| (i.file.clone(), i.line, i.column))
        .collect();
    places.sort();
    let at = |f: &str, l, c| (f.to_string(), l, c);
    assert_eq!(
        places,
        [
            at("content/about.md", 1, 1),
            at("content/about.md", 3, 1),
            at("content/glossary/jane-doe.md", 3, 7),
            at("content/glossary/jane-doe.md", 4, 1),
        ],
        "{}",
        r.rendered()
    );
    let text = t.report_text(&r);
    assert!(text.contains("did you mean `role`?"), "{text}");
    assert!(text.contains("did you mean `draft`?"), "{text}");
    insta::assert_snapshot!(text);
}

// Footnotes: a plain page's undefined label is an error, as an article's is.

#[test]
fn an_undefined_footnote_in_a_plain_page_is_an_error_with_the_closest_label() {
    let t = site_with("+++\ntitle = \"Story\"\ndate = 2024-01-01\n+++\nBody.\n").file(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nWe cite our sources.[^typo]\n\n[^type]: How we work.\n",
    );
    let r = t.build_err();
    let places: Vec<(String, usize, usize)> = r
        .items
        .iter()
        .map(|i| (i.file.clone(), i.line, i.column))
        .collect();
    assert_eq!(
        places,
        [("content/about.md".to_string(), 4, 21)],
        "{}",
        r.rendered()
    );
    let text = t.report_text(&r);
    assert!(text.contains("did you mean `[^type]`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_note_on_the_words_of_a_quote_written_above_it_is_reported_at_the_note() {
    let t = site_with(concat!(
        "+++\n",
        "title = \"Story\"\n",
        "date = 2024-01-01\n",
        "[[quotes]]\n",
        "anchor = \"We are done\"\n",
        "speaker = \"john-kirby\"\n",
        "[[notes]]\n",
        "anchor = \"We are done\"\n",
        "+++\n\"We are done,\" said John Kirby.\n"
    ));
    let r = t.build_err();
    let places: Vec<(usize, usize)> = r.items.iter().map(|i| (i.line, i.column)).collect();
    assert_eq!(places, [(8, 11)], "{}", r.rendered());
    insta::assert_snapshot!(t.report_text(&r));
}
