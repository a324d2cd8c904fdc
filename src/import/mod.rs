//! Import: a raw article (plain text, a saved HTML page or Markdown) becomes
//! an annotated draft.
//!
//! Data flows one way:
//! input bytes → [`document::Document`] (metadata, blocks of plain text, the
//! page furniture taken out) → [`quotes`] (quotations and where they sit) →
//! [`speakers`] (who said each, by which rule; attributions to outlets as
//! source notes) → [`entities`] (people and organisations worth a glossary
//! entry) → [`draft`] (the article's and the entries' file text) and a
//! [`report::Report`] of everything found and removed.
//!
//! Nothing here touches the file system but [`write`]: [`import`] is a pure
//! function of the input's bytes and the glossary it is matched against, so
//! `--dry-run` and the tests see exactly what would be written.

pub mod document;
pub mod draft;
pub mod entities;
pub mod html;
pub mod markdown;
pub mod names;
pub mod quotes;
pub mod report;
pub mod speakers;
pub mod text;

use crate::content::Kind;
use std::path::{Path, PathBuf};

/// What kind of file is imported, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Markdown,
}

const EXTENSIONS: &[(&str, Format)] = &[
    ("txt", Format::Text),
    ("text", Format::Text),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("md", Format::Markdown),
    ("markdown", Format::Markdown),
];

impl Format {
    /// The format named by `path`'s extension, or an error naming the closest
    /// known extension.
    pub fn from_path(path: &Path) -> Result<Format, ImportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let known: Vec<&str> = EXTENSIONS.iter().map(|(e, _)| *e).collect();
        match ext {
            Some(e) => EXTENSIONS
                .iter()
                .find(|(k, _)| *k == e)
                .map(|(_, f)| *f)
                .ok_or_else(|| {
                    let mut help = "gloss import reads plain text (.txt), HTML (.html, .htm) and Markdown (.md)".to_string();
                    if let Some(c) = crate::diagnostics::closest(&e, known.iter().copied()) {
                        help = format!("did you mean `.{c}`? {help}");
                    }
                    ImportError::new(
                        format!("{}: unknown extension `.{e}`", path.display()),
                        help,
                    )
                }),
            None => Err(ImportError::new(
                format!("{}: the file has no extension, so its format is unknown", path.display()),
                "rename it to end in .txt, .html or .md",
            )),
        }
    }
}

/// Why an import could not start: a message naming the file and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub message: String,
    pub help: String,
}

impl ImportError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> ImportError {
        ImportError {
            message: message.into(),
            help: help.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}\nhelp: {}", self.message, self.help)
    }
}

/// One existing glossary entry, as import matches names against it.
#[derive(Clone, Debug)]
pub struct KnownEntry {
    pub id: String,
    pub kind: Kind,
    /// The name and every alias.
    pub names: Vec<String>,
}

/// The site's glossary: every entry's id, name and aliases.
#[derive(Clone, Debug, Default)]
pub struct Glossary {
    pub entries: Vec<KnownEntry>,
}

impl Glossary {
    /// The glossary of the site at `root`, drafts included (a draft entry
    /// still covers its names). Entries that do not parse are skipped: the
    /// build reports them.
    pub fn load(root: &Path) -> Glossary {
        let mut diags = crate::diagnostics::Diagnostics::default();
        let content =
            crate::content::load(root, true, crate::source::SourceMap::default(), &mut diags);
        let mut entries: Vec<KnownEntry> = content
            .entries
            .iter()
            .map(|e| KnownEntry {
                id: e.id.clone(),
                kind: e.front.kind,
                names: std::iter::once(e.front.name.clone())
                    .chain(e.front.aliases.iter().cloned())
                    .collect(),
            })
            .collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        Glossary { entries }
    }

    /// The entry one of whose names is exactly `name`.
    pub fn find(&self, name: &str) -> Option<&KnownEntry> {
        self.entries
            .iter()
            .find(|e| e.names.iter().any(|n| n == name))
    }

    /// Whether `id` is taken.
    pub fn has_id(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }
}

/// Everything an import found and the files it would write.
#[derive(Clone, Debug)]
pub struct Imported {
    pub report: report::Report,
    pub draft: draft::Draft,
}

/// Reads `bytes` (the content of `path`) as `format` and builds the draft.
/// Fails on an empty or binary file and on a page with no article text.
pub fn import(path: &Path, bytes: &[u8], glossary: &Glossary) -> Result<Imported, ImportError> {
    let format = Format::from_path(path)?;
    let text = check_text(path, bytes)?;
    let doc = match format {
        Format::Text => text::parse(text),
        Format::Html => html::parse(text).map_err(|why| {
            ImportError::new(
                format!("{}: found no article text ({why})", path.display()),
                "save the article's own page (not a front page or a search result), or paste its text into a .txt file",
            )
        })?,
        Format::Markdown => markdown::parse(text),
    };
    if doc.blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err(ImportError::new(
            format!("{}: found no article text", path.display()),
            "everything in the file was page furniture (menus, share buttons, comment forms); check that it is the article",
        ));
    }
    let found = quotes::find(&doc.blocks);
    let attributed = speakers::attribute(&doc, &found, glossary);
    let candidates = entities::find(&doc, &attributed, glossary);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("imported");
    let file_name = path
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("imported");
    let draft = draft::build(&doc, &attributed, &candidates, file_name, stem);
    let report = report::Report::new(path, &doc, &attributed, &draft);
    Ok(Imported { report, draft })
}

/// The input as text: not empty, not binary, UTF-8.
fn check_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::new(
            format!("{}: the file is empty", path.display()),
            "import a file that holds the article's text",
        ));
    }
    let binary = || {
        ImportError::new(
            format!("{}: this is not a text file (it holds binary data)", path.display()),
            "import the article as plain text, HTML or Markdown; for a PDF or a word-processor file, save it as text first",
        )
    };
    if bytes.contains(&0) {
        return Err(binary());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| binary())?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// What [`write`] did with each file.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Written {
    pub path: String,
    /// `written`, or `skipped: <why>`.
    pub outcome: String,
}

/// Writes the draft under `root`: the article (an error if its file exists:
/// nothing is written then) and each proposed entry whose file does not
/// exist yet (one that does is skipped, never overwritten).
pub fn write(root: &Path, draft: &draft::Draft) -> Result<Vec<Written>, ImportError> {
    let article = root.join(&draft.article.path);
    if article.exists() {
        return Err(ImportError::new(
            format!("{} already exists; nothing was written", article.display()),
            "rename or remove it, or run with --dry-run to see the draft without writing it",
        ));
    }
    let mut written = Vec::new();
    let mut put = |rel: &str, text: &str| -> Result<(), ImportError> {
        let path: PathBuf = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                ImportError::new(
                    format!("cannot create {}: {e}", dir.display()),
                    "check the folder's permissions",
                )
            })?;
        }
        // `create_new`: a file that appeared since the check is still not overwritten.
        use std::io::Write;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes()).map_err(|e| {
                    ImportError::new(
                        format!("cannot write {}: {e}", path.display()),
                        "check the disk and the folder's permissions",
                    )
                })?;
                written.push(Written {
                    path: rel.to_string(),
                    outcome: "written".into(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => written.push(Written {
                path: rel.to_string(),
                outcome: "skipped: the file exists".into(),
            }),
            Err(e) => {
                return Err(ImportError::new(
                    format!("cannot write {}: {e}", path.display()),
                    "check the folder's permissions",
                ))
            }
        }
        Ok(())
    };
    put(&draft.article.path, &draft.article.text)?;
    for entry in &draft.entries {
        put(&entry.path, &entry.text)?;
    }
    Ok(written)
}
