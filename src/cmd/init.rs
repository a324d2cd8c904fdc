//! `gloss init DIR`: a new site folder with a sample article and entry.

use std::path::{Path, PathBuf};

pub(crate) fn run(dir: &Path, quiet: bool) -> Result<(), u8> {
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
