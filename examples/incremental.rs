//! Times what `gloss serve` does on a save: a full `Session::build` of the site at argv[1], then
//! argv[2] (default 20) updates, each after editing one article's paragraph (the first article of
//! `content/articles/`, the text toggled between two versions), and reports the median update.
//! With `--check`, compares the last update's whole map to a fresh full build. `--kind=title`
//! edits the article's title instead, `--kind=glossary` the role of the first glossary entry
//! that has one (the edits of bench/serve-edit.sh).
//!
//!     cargo run --release --example incremental -- SITE [RUNS] [--check] [--kind=KIND]

use gloss::incremental::{Mode, Session};
use gloss::{BuildOptions, OutputFile};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let kind = args
        .iter()
        .find_map(|a| a.strip_prefix("--kind="))
        .unwrap_or("paragraph")
        .to_string();
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: incremental SITE [RUNS] [--check]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let opts = BuildOptions {
        root: root.clone(),
        output: None,
        drafts: false,
        base_url: Some("http://127.0.0.1:4170".into()),
        search_index: false,
    };
    let started = Instant::now();
    let (mut session, first) = match Session::build(&opts) {
        Ok(s) => s,
        Err(r) => {
            eprint!("{}", r.rendered());
            return ExitCode::FAILURE;
        }
    };
    let full = started.elapsed();
    println!(
        "full Session::build: {} ms ({} articles, {} files)",
        full.as_millis(),
        first.stats.articles,
        first.files.len()
    );

    let mut articles: Vec<PathBuf> = std::fs::read_dir(root.join("content/articles"))
        .expect("content/articles")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    articles.sort();
    let glossary_entry = || -> Option<PathBuf> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join("content/glossary"))
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        entries.sort();
        entries.into_iter().find(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.starts_with("role = \"")))
        })
    };
    let article = &match kind.as_str() {
        "glossary" => match glossary_entry() {
            Some(entry) => entry,
            None => {
                eprintln!("no glossary entry with a role");
                return ExitCode::from(2);
            }
        },
        "paragraph" | "title" => articles[0].clone(),
        other => {
            eprintln!("unknown --kind={other}");
            return ExitCode::from(2);
        }
    };
    let original = std::fs::read_to_string(article).expect("article");
    // The first `key = "..."` line with a marker before its closing quote.
    let marked = |key: &str, run: usize| -> String {
        let mut done = false;
        let mut out = String::with_capacity(original.len() + 16);
        for line in original.split_inclusive('\n') {
            let bare = line.trim_end_matches('\n');
            if !done && bare.starts_with(&format!("{key} = \"")) && bare.ends_with('"') {
                out.push_str(&bare[..bare.len() - 1]);
                out.push_str(&format!(" edit {run}\"\n"));
                done = true;
            } else {
                out.push_str(line);
            }
        }
        out
    };
    let mut times: Vec<Duration> = Vec::new();
    let mut last: Option<gloss::RenderedSite> = None;
    for run in 0..runs {
        let text = if run % 2 == 0 {
            match kind.as_str() {
                "title" => marked("title", run),
                "glossary" => marked("role", run),
                _ => format!("{original}\nOne more paragraph, edit {run}.\n"),
            }
        } else {
            original.clone()
        };
        std::fs::write(article, text).expect("write");
        let started = Instant::now();
        match session.update(std::slice::from_ref(article)) {
            Ok(site) => last = Some(site),
            Err(r) => {
                eprint!("{}", r.rendered());
                return ExitCode::FAILURE;
            }
        }
        times.push(started.elapsed());
        if !matches!(session.last_mode(), Mode::Incremental { .. }) {
            eprintln!(
                "update {run} was not incremental: {:?}",
                session.last_mode()
            );
            return ExitCode::FAILURE;
        }
    }
    times.sort();
    if let Some(site) = &last {
        let t = &site.stats.timings;
        println!(
            "last update: read+parse {} ms, resolve {} ms, render+merge {} ms",
            t.load.as_millis(),
            t.resolve.as_millis(),
            t.render.as_millis()
        );
    }
    println!(
        "{kind} update: median {} ms, min {} ms, max {} ms ({runs} runs)",
        times[times.len() / 2].as_millis(),
        times[0].as_millis(),
        times[times.len() - 1].as_millis()
    );

    let mut status = ExitCode::SUCCESS;
    if check {
        let site = last.expect("at least one run");
        let full = gloss::render_site(&opts).expect("full build");
        let bytes = |f: &OutputFile| match f {
            OutputFile::Bytes(b) => b.to_vec(),
            OutputFile::Copy(p) => std::fs::read(p).unwrap_or_default(),
        };
        let same = site.files.len() == full.files.len()
            && site
                .files
                .iter()
                .zip(&full.files)
                .all(|((p, a), (q, b))| p == q && bytes(a) == bytes(b));
        println!("equal to a full build: {same}");
        if !same {
            status = ExitCode::FAILURE;
        }
    }
    std::fs::write(article, original).expect("restore");
    status
}
