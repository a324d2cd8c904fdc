//! The `gloss` binary: parse arguments, run the command, print diagnostics,
//! exit 0 on success, 1 on content errors, 2 on usage errors (clap's).

use clap::Parser;
use gloss::cli::{BuildArgs, Cli, Command, DeployArgs, ThemeCommand};
use gloss::BuildOptions;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// A build makes millions of short-lived strings and JSON values (Tera's
/// contexts above all) on every core at once, and glibc's allocator spent a
/// sixth of a build's time in malloc and free. mimalloc's per-thread heaps
/// take 5% off a plain 10,000-article build and 17% off an annotated one,
/// with peak memory within 5% (bench/README.md). Its transparent huge pages are
/// off (`no_thp`): with them the kernel spent 13 to 17% of a build zeroing
/// 2 MB pages, and peak memory grew by a quarter.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn run(cli: Cli) -> Result<(), u8> {
    match &cli.command {
        Command::Init { dir } => init(dir, cli.quiet),
        Command::New {
            kind,
            title,
            entry_kind,
            ..
        } if kind == "entry" => new_entry(&find_root(&cli)?, title, entry_kind.as_deref()),
        Command::New { title, .. } => new_article(&find_root(&cli)?, title),
        Command::Theme(ThemeCommand::Export { dir, force }) => {
            let target = match dir {
                Some(d) => d.clone(),
                None => find_root(&cli)?,
            };
            theme_export(&target, *force, cli.quiet)
        }
        Command::Build(args) => build(&cli, args, true),
        Command::Check(args) => build(&cli, args, false),
        Command::Import(args) => import(&find_root(&cli)?, args, cli.quiet),
        Command::Serve(args) => {
            let root = find_root(&cli)?;
            // The same message as `build`, not the watcher's error.
            gloss::check_root(&root).map_err(|report| {
                print_report(&report);
                1u8
            })?;
            gloss::serve::run(root, args, cli.quiet).map_err(|e| {
                eprintln!("error: {e}");
                1
            })
        }
        Command::Deploy(args) => deploy(&cli, args),
    }
}

/// `--root`, else the nearest folder upward holding gloss.toml.
fn find_root(cli: &Cli) -> Result<PathBuf, u8> {
    if let Some(r) = &cli.root {
        return Ok(r.clone());
    }
    let cwd = std::env::current_dir().map_err(|_| 1u8)?;
    for dir in cwd.ancestors() {
        if dir.join("gloss.toml").is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    eprintln!(
        "error: no gloss.toml in {} or any folder above it\nhelp: run gloss inside a site folder, pass --root DIR, or create a site with `gloss init DIR`",
        cwd.display()
    );
    Err(1)
}

fn print_report(report: &gloss::diagnostics::Report) {
    if std::io::stderr().is_terminal() {
        eprint!("{}", report.colored());
    } else {
        eprint!("{}", report.rendered());
    }
}

fn build(cli: &Cli, args: &BuildArgs, write: bool) -> Result<(), u8> {
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
        gloss::build_checked(&opts, args.deny_warnings, &mut |waiting| {
            if !quiet {
                eprintln!("{waiting}");
            }
        })
    } else {
        gloss::check_checked(&opts, args.deny_warnings)
    };
    if args.format == "json" {
        let items = match &result {
            Ok(stats) => stats.warning_items.as_slice(),
            Err(report) => report.items.as_slice(),
        };
        let json = gloss::diagnostics::to_json(items);
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
                eprintln!(
                    "{what}: {}, {}, {}, {} in {:.2?}",
                    count(stats.articles, "article", "articles"),
                    count(stats.notes, "note", "notes"),
                    count(stats.quotes, "quote", "quotes"),
                    count(stats.entries, "glossary entry", "glossary entries"),
                    started.elapsed()
                );
                if let Some(line) = drafts_line(stats.drafts_skipped) {
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

/// What the summary says of drafts left out, so that none vanishes without
/// a word: `1 draft skipped; use --drafts to include it`.
fn drafts_line(n: usize) -> Option<String> {
    (n > 0).then(|| {
        format!(
            "{} skipped; use --drafts to include {}",
            count(n, "draft", "drafts"),
            if n == 1 { "it" } else { "them" }
        )
    })
}

/// `1 article`, `2 articles`: the summary line counts in words that agree.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn init(dir: &Path, quiet: bool) -> Result<(), u8> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "error: {} exists and is not empty\nhelp: choose a new folder name",
            dir.display()
        );
        return Err(1);
    }
    let title = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "My site".into());
    let write = |path: PathBuf, text: &str| -> Result<(), u8> {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| {
                eprintln!("error: cannot create {}: {e}", p.display());
                1u8
            })?;
        }
        std::fs::write(&path, text).map_err(|e| {
            eprintln!("error: cannot write {}: {e}", path.display());
            1u8
        })
    };
    write(
        dir.join("gloss.toml"),
        &gloss::config::starter_config(&title),
    )?;
    // The output and the build lock (`.gloss/`) are not sources.
    write(dir.join(".gitignore"), "/public/\n/.gloss/\n")?;
    write(dir.join("content/articles/hello.md"), SAMPLE_ARTICLE)?;
    write(dir.join("content/glossary/ada-lovelace.md"), SAMPLE_ENTRY)?;
    if !quiet {
        eprintln!(
            "created a site in {}\nnext: cd {} && gloss build   (or gloss serve to preview)",
            dir.display(),
            dir.display()
        );
    }
    Ok(())
}

const SAMPLE_ARTICLE: &str = r#"+++
title = "Hello, annotated world"
date = 2024-01-15
tags = ["welcome"]

[[sources]]
id = "menabrea-1842"
title = "Sketch of the Analytical Engine"
publisher = "Bibliothèque universelle de Genève"
url = "https://en.wikisource.org/wiki/Sketch_of_the_Analytical_Engine"

[[notes]]
anchor = "the first published program"
source = "menabrea-1842"
text = "Note G of Lovelace's translation computes Bernoulli numbers."

[[quotes]]
anchor = "weaves algebraical patterns"
speaker = "ada-lovelace"
source = "menabrea-1842"
+++
This is your first gloss article. Ada Lovelace wrote what is often called
the first published program, and said the engine "weaves algebraical patterns".

Edit `content/articles/hello.md` and run `gloss build`.
"#;

const SAMPLE_ENTRY: &str = r#"+++
name = "Ada Lovelace"
kind = "person"
aliases = ["Lovelace"]
role = "Mathematician"
+++
English mathematician who wrote the notes on Babbage's Analytical Engine.
"#;

fn new_article(root: &Path, title: &str) -> Result<(), u8> {
    let slug = gloss::content::slugify(title);
    let path = root.join("content/articles").join(format!("{slug}.md"));
    if path.exists() {
        eprintln!(
            "error: {} already exists\nhelp: choose another title",
            path.display()
        );
        return Err(1);
    }
    let today = today();
    let text = format!(
        "+++\ntitle = {title:?}\ndate = {today}\ntags = []\ndraft = true\n\n# [[sources]]\n# id = \"\"\n# title = \"\"\n# url = \"\"\n+++\nWrite here.\n"
    );
    if let Some(p) = path.parent() {
        let _ = std::fs::create_dir_all(p);
    }
    std::fs::write(&path, text).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        1u8
    })?;
    println!("{}", path.display());
    Ok(())
}

/// `gloss new entry "Name"`: `content/glossary/<id>.md`, refusing to
/// replace a file or to reuse an id an entry already has.
fn new_entry(root: &Path, name: &str, kind: Option<&str>) -> Result<(), u8> {
    let id = gloss::content::slugify(name);
    let dir = root.join("content/glossary");
    let path = dir.join(format!("{id}.md"));
    // An entry's id is its file's stem, wherever it sits below glossary/.
    let taken = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_type().is_file()
                && e.path().extension().is_some_and(|x| x == "md")
                && e.path()
                    .file_stem()
                    .is_some_and(|s| gloss::content::slugify(&s.to_string_lossy()) == id)
        });
    if let Some(e) = taken {
        eprintln!(
            "error: the glossary already has an entry with the id `{id}`: {}\nhelp: edit that entry, or give the new one a name that makes a different id",
            e.path().display()
        );
        return Err(1);
    }
    let kind = match kind {
        Some("organisation" | "organization") => "organisation",
        _ => "person",
    };
    let role = if kind == "person" {
        "role = \"\"\n"
    } else {
        ""
    };
    let text = format!(
        "+++\nname = {name:?}\nkind = \"{kind}\"\naliases = []\n{role}+++\nWho {name} is, in a sentence or two.\n"
    );
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return Err(1);
    }
    // create_new: never replace a file, even one made since the check above.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", path.display());
        return Err(1);
    }
    println!("{}", path.display());
    Ok(())
}

/// `gloss theme export [DIR]`: the built-in templates and static files into
/// `DIR/templates` and `DIR/static`. A file that exists is left alone (and
/// listed) unless `force`.
fn theme_export(dir: &Path, force: bool, quiet: bool) -> Result<(), u8> {
    let mut written = 0;
    let mut skipped = Vec::new();
    for (rel, bytes) in gloss::render::theme::builtin_files() {
        let path = dir.join(&rel);
        if path.exists() && !force {
            skipped.push(rel);
            continue;
        }
        if let Some(p) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(p) {
                eprintln!("error: cannot create {}: {e}", p.display());
                return Err(1);
            }
        }
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Err(1);
        }
        written += 1;
    }
    if !quiet {
        eprintln!(
            "wrote {} of the built-in theme to {}",
            count(written, "file", "files"),
            dir.display()
        );
        if !skipped.is_empty() {
            eprintln!(
                "kept {} that already existed:",
                count(skipped.len(), "file", "files")
            );
            for s in &skipped {
                eprintln!("  {s}");
            }
            eprintln!("help: pass --force to replace them with the built-in versions");
        }
    }
    Ok(())
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

/// `gloss import`: the draft and the report; exit 1 on bad input.
fn import(root: &Path, args: &gloss::cli::ImportArgs, quiet: bool) -> Result<(), u8> {
    let fail = |e: gloss::import::ImportError| {
        eprintln!("{e}");
        1u8
    };
    let bytes = std::fs::read(&args.file).map_err(|e| {
        eprintln!(
            "error: cannot read {}: {e}\nhelp: check the path",
            args.file.display()
        );
        1u8
    })?;
    let glossary = gloss::import::Glossary::load(root);
    let imported = gloss::import::import(&args.file, &bytes, &glossary).map_err(fail)?;
    let json = args.format == "json";
    if args.dry_run {
        if json {
            println!("{}", imported.report.to_json());
        } else {
            println!("--- {}", imported.draft.article.path);
            print!("{}", imported.draft.article.text);
            for e in &imported.draft.entries {
                println!("--- {}", e.path);
                print!("{}", e.text);
            }
            eprint!("{}", imported.report.to_text());
            eprintln!("dry run: nothing was written");
        }
        return Ok(());
    }
    let written = gloss::import::write(root, &imported.draft).map_err(fail)?;
    if json {
        let mut v = serde_json::to_value(&imported.report).expect("a report is plain data");
        v["written"] = serde_json::to_value(&written).expect("plain data");
        println!("{}", serde_json::to_string_pretty(&v).expect("plain data"));
    } else if !quiet {
        eprint!("{}", imported.report.to_text());
        for w in &written {
            eprintln!("{}: {}", w.outcome, w.path);
        }
        eprintln!("next: edit the draft, then `gloss build --drafts` (or `gloss serve --drafts`)");
    }
    Ok(())
}

/// `gloss deploy`: the target is looked up first (a typo fails before a long
/// build), then the site is built by the very function `gloss build` runs,
/// then the output folder is published (src/deploy/).
fn deploy(cli: &Cli, args: &DeployArgs) -> Result<(), u8> {
    let root = find_root(cli)?;
    let target = gloss::deploy::find_target(&root, args.target.as_deref()).map_err(|report| {
        print_report(&report);
        1u8
    })?;
    let out = gloss::output_dir(&BuildOptions {
        root: root.clone(),
        output: args.build.output.clone(),
        drafts: args.build.drafts,
        base_url: args.build.base_url.clone(),
        search_index: true,
    });
    if !args.no_build && build(cli, &args.build, true).is_err() {
        if !args.force {
            eprintln!(
                "error: not deploying to `{}`: the build failed\nhelp: fix the errors above, or pass --force to publish {} as last built",
                target.name,
                out.display()
            );
            return Err(1);
        }
        eprintln!(
            "warning: the build failed; publishing {} as last built (--force)",
            out.display()
        );
    }
    let reporter =
        gloss::deploy::Reporter::new(cli.quiet, cli.verbose, std::io::stderr().is_terminal());
    let opts = gloss::deploy::PublishOptions {
        dry_run: args.dry_run,
        delete: args.delete,
    };
    match gloss::deploy::publish(&root, &out, &target, &opts, &reporter) {
        Ok(outcome) => {
            if args.dry_run {
                print!("{}", outcome.plan.listing());
            }
            if !cli.quiet {
                eprintln!("deploy {}: {}", target.name, outcome.plan.summary());
                eprintln!("{}", outcome.done);
            }
            Ok(())
        }
        Err(report) => {
            print_report(&report);
            eprintln!("error: deploy to `{}` failed", target.name);
            Err(1)
        }
    }
}
