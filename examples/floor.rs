//! The benchmark floor: the least work any Markdown site generator must do for a gloss site.
//!
//! Reads every `content/articles/*.md` of the site at argv[1], strips the front matter, renders each
//! body with bare pulldown-cmark (tables, footnotes, strikethrough, task lists, smart punctuation)
//! in parallel with rayon, and writes each page to `OUT/<name>/index.html` (argv[2]). No
//! templates, no front-matter parsing, no highlighting, no glossary: whatever gloss spends above
//! this is the cost of its features.
//!
//!     cargo run --release --example floor -- SITE OUT

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;

/// The body after a `+++` (TOML) or `---` (YAML) front matter block; the whole text if none.
fn strip_front_matter(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for fence in ["+++", "---"] {
        let Some(rest) = text.strip_prefix(fence) else {
            continue;
        };
        let Some(rest) = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'))
        else {
            continue;
        };
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end_matches(['\r', '\n']) == fence {
                return &rest[offset + line.len()..];
            }
            offset += line.len();
        }
        return text; // unterminated: treat the whole file as the body
    }
    text
}

fn render(src: &Path, out_dir: &Path, options: Options) -> std::io::Result<()> {
    let text = fs::read_to_string(src)?;
    let body = strip_front_matter(&text);
    let mut page = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut page, Parser::new_ext(body, options));
    let name = src.file_stem().expect("a .md file has a stem");
    let dir = out_dir.join(name);
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("index.html"), page)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: floor SITE OUT");
        return ExitCode::from(2);
    }
    let articles = Path::new(&args[1]).join("content").join("articles");
    let out_dir = PathBuf::from(&args[2]);

    let entries = match fs::read_dir(&articles) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("floor: cannot read {}: {e}", articles.display());
            return ExitCode::FAILURE;
        }
    };
    let files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md") && p.file_name() != Some("_index.md".as_ref())
        })
        .collect();

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;

    if let Err(e) = fs::create_dir_all(&out_dir) {
        eprintln!("floor: cannot create {}: {e}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let failures: Vec<String> = files
        .par_iter()
        .filter_map(|p| {
            render(p, &out_dir, options)
                .err()
                .map(|e| format!("{}: {e}", p.display()))
        })
        .collect();
    for f in &failures {
        eprintln!("floor: {f}");
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::strip_front_matter;

    #[test]
    fn strips_toml_and_yaml() {
        assert_eq!(
            strip_front_matter("+++\ntitle = \"x\"\n+++\nBody\n"),
            "Body\n"
        );
        assert_eq!(strip_front_matter("---\ntitle: x\n---\r\nBody"), "Body");
        assert_eq!(strip_front_matter("No front matter"), "No front matter");
        assert_eq!(strip_front_matter("+++\nunterminated"), "+++\nunterminated");
    }
}
