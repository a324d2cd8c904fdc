//! What `gloss build` prints while it works (issue 15): on a terminal it
//! shows its stages with bars; with piped output it prints only its summary,
//! except in CI logs, where a long build adds one line a stage; `--quiet`
//! prints nothing.

use crate::support::*;

/// A site of 1,000 short articles: over a thousand planned files, long work.
fn long_site() -> SiteTest {
    let mut site = SiteTest::new();
    for i in 0..1000 {
        site = site.file(
            &format!("content/articles/story-{i}.md"),
            &format!("+++\ntitle = \"Story {i}\"\ndate = 2024-01-01\n+++\nText {i}.\n"),
        );
    }
    site
}

/// Runs `gloss build` with piped output, `CI` set or not; returns stderr.
fn build_stderr(site: &SiteTest, ci: bool, args: &[&str]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"));
    command
        .arg("build")
        .args(args)
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .env_remove("CI");
    if ci {
        command.env("CI", "true");
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_build_with_piped_output_prints_only_its_summary() {
    let site = long_site();
    let err = build_stderr(&site, false, &[]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("wrote "), "{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn a_long_build_in_a_ci_log_prints_one_line_a_stage() {
    let site = long_site();
    let err = build_stderr(&site, true, &[]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].starts_with("gloss: rendering pages ("), "{err}");
    let stages: Vec<&str> = lines[1..3].to_vec();
    assert!(
        stages.contains(&"gloss: indexing search shards (1): done"),
        "{err}"
    );
    assert!(stages.contains(&"gloss: checking links"), "{err}");
    assert!(lines[3].starts_with("wrote "), "{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn a_quiet_build_in_a_ci_log_prints_nothing() {
    let site = long_site();
    assert_eq!(build_stderr(&site, true, &["--quiet"]), "");
}

#[test]
fn a_short_build_in_a_ci_log_prints_only_its_summary() {
    let site = SiteTest::fixture("basic");
    // The summary ends with the build's time, which varies.
    let without_time = |err: String| err.rsplit_once(" in ").unwrap().0.to_string();
    let plain = without_time(build_stderr(&site, false, &[]));
    assert_eq!(without_time(build_stderr(&site, true, &[])), plain);
    assert!(!plain.contains("gloss: "), "{plain}");
}
