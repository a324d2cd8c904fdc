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
