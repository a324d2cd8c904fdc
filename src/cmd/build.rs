//! `gloss build` and `gloss check`: the library's build (or check), its
//! summary line, its report.

use super::{count, find_root, print_report};
use gloss::cli::{BuildArgs, Cli};
use gloss::BuildOptions;
use std::time::Instant;

pub(crate) fn run(cli: &Cli, args: &BuildArgs, write: bool) -> Result<(), u8> {
    let root = find_root(cli)?;
    let opts = BuildOptions {
        root: root.clone(),
        output: args.output.clone(),
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        // `check` needs every page, not the search index.
        search_index: write,
    };
    let started = Instant::now();
    let quiet = cli.quiet;
    let result = if write {
        let shown = super::progress::for_build(quiet);
        gloss::build_cached(
            &opts,
            args.deny_warnings,
            &mut |waiting| {
                if !quiet {
                    eprintln!("{waiting}");
                }
            },
            shown.progress(),
            !args.no_cache,
        )
    } else {
        gloss::check_checked(&opts, args.deny_warnings)
    };
    if args.format == "json" {
        let items = match &result {
            Ok(stats) => stats.warning_items.as_slice(),
            Err(report) => report.items.as_slice(),
        };
        let mut json = gloss::diagnostics::to_json(items);
        // The summary's drafts line, so that drafts do not vanish from CI
        // either (docs/diagnostics.md).
        if let Ok(stats) = &result {
            json["drafts_skipped"] = stats.drafts_skipped.into();
            if write {
                json["files"] = stats.files.into();
                json["files_written"] = stats.written.into();
            }
            if let Some(line) = stats.drafts_line() {
                json["drafts_line"] = line.into();
            }
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&json).expect("a JSON value prints")
        );
        return if result.is_ok() { Ok(()) } else { Err(1) };
    }
    match result {
        Ok(stats) => {
            if !cli.quiet {
                eprint!("{}", stats.warnings);
                if cli.verbose {
                    if !stats.skipped_hidden.is_empty() {
                        eprintln!(
                            "skipped hidden files in static/ (list them in `include_hidden` in gloss.toml to publish them): {}",
                            stats.skipped_hidden.join(", ")
                        );
                    }
                    let t = &stats.timings;
                    eprintln!(
                        "time: load {:.2?}, resolve {:.2?}, render and write {:.2?}, check links {:.2?}",
                        t.load, t.resolve, t.render, t.links
                    );
                    for tt in &t.templates {
                        eprintln!(
                            "  {:<16} {:>6} page{} {:>9.2?} (summed over threads)",
                            tt.template,
                            tt.pages,
                            if tt.pages == 1 { " " } else { "s" },
                            tt.total
                        );
                    }
                }
                let what = if write {
                    format!(
                        "wrote {} ({}) to {}",
                        count(stats.pages, "page", "pages"),
                        count(stats.files, "file", "files"),
                        gloss::output_dir(&opts).display()
                    )
                } else {
                    "checked".to_string()
                };
                // One summary line (progress.rs's tests hold it to one): the
                // cache's share is its last clause.
                let cached = stats
                    .cache
                    .as_ref()
                    .map(|c| format!("; {}", cache_line(c)))
                    .unwrap_or_default();
                eprintln!(
                    "{what}: {}, {}, {}, {} in {:.2?}{cached}",
                    count(stats.articles, "article", "articles"),
                    count(stats.notes, "note", "notes"),
                    count(stats.quotes, "quote", "quotes"),
                    count(stats.entries, "glossary entry", "glossary entries"),
                    started.elapsed()
                );
                if let Some(line) = stats.drafts_line() {
                    eprintln!("{line}");
                }
            }
            Ok(())
        }
        Err(report) => {
            print_report(&report);
            let n = report.error_count();
            eprintln!(
                "error: {} failed with {n} error{}; nothing was written",
                if write { "build" } else { "check" },
                if n == 1 { "" } else { "s" }
            );
            Err(1)
        }
    }
}

/// What the summary says of the build cache: `from the cache: 11107 of 11108
/// files made from templates, 3 of 4 search shards` (the files made from
/// templates are the pages, feeds and sitemap; an article's own page counts
/// as from the cache when the output kept it as it was).
fn cache_line(c: &gloss::cache::CacheStats) -> String {
    let mut line = format!(
        "from the cache: {} of {}",
        c.pages_cached,
        count(
            c.pages,
            "file made from templates",
            "files made from templates"
        )
    );
    if c.shards > 0 {
        line.push_str(&format!(
            ", {} of {}",
            c.shards_cached,
            count(c.shards, "search shard", "search shards")
        ));
    }
    line
}
