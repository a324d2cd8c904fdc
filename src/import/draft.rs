//! The draft: takes the document and the findings, returns the text of the
//! article file (front matter with every suggestion, then the body) and of
//! each proposed glossary entry. TOML strings are written by the `toml`
//! crate, so any title (quotes, backslashes, new lines) round-trips.
//!
//! Placeholders: a title the input did not give is `REPLACE: …`, a date is
//! `0001-01-01`, a source's title is `REPLACE: …`. The build warns about them
//! in a draft and refuses them in a published article
//! ([`crate::content::placeholder`]).

use super::document::Document;
use super::entities::Entities;
use super::speakers::Attributed;
use crate::content::{slugify, PLACEHOLDER, PLACEHOLDER_DATE};
use std::collections::BTreeMap;
use std::fmt::Write;

/// One file to write, relative to the site root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDraft {
    pub path: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Draft {
    pub slug: String,
    pub article: FileDraft,
    pub entries: Vec<FileDraft>,
    /// The front-matter fields left as placeholders.
    pub placeholders: Vec<String>,
    /// Source id per note, in note order.
    pub note_sources: Vec<String>,
    /// Speaker id per quote (`None`: unattributed, left commented out).
    pub quote_speakers: Vec<Option<String>>,
    pub entities: Entities,
}

/// A TOML basic string, escaped by the `toml` crate.
pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// Text safe inside a TOML comment: one line, no control characters.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Folds what anchor matching treats as equal: quote marks, dashes.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '“' | '”' | '„' => '"',
            '‘' | '’' => '\'',
            '–' | '—' => '-',
            c => c,
        })
        .collect()
}

fn count(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    hay.match_indices(needle).count()
}

/// The 1-based occurrence of the anchor ending at `end` in block `block`,
/// and how many there are in all.
fn occurrence(doc: &Document, block: usize, end: usize, anchor: &str) -> (usize, usize) {
    let a = fold(anchor);
    let mut before = 0;
    let mut total = 0;
    for (i, b) in doc.blocks.iter().enumerate() {
        let n = count(&fold(&b.text), &a);
        total += n;
        if i < block {
            before += n;
        } else if i == block {
            before += count(&fold(&b.text[..end.min(b.text.len())]), &a);
        }
    }
    (before.max(1), total)
}

/// The draft of `doc`: `file` (the input's name) is quoted in comments, `stem`
/// names the article when the input has no title.
pub fn build(
    doc: &Document,
    found: &Attributed,
    entities: &Entities,
    file: &str,
    stem: &str,
) -> Draft {
    let mut fm = String::new();
    let mut placeholders = Vec::new();
    let _ = writeln!(
        fm,
        "# Imported by `gloss import` from {}. Every suggestion below can be",
        comment(file)
    );
    let _ = writeln!(
        fm,
        "# accepted, fixed or deleted; `gloss build --drafts` builds the draft as it is."
    );
    let title = match &doc.meta.title {
        Some(t) => t.clone(),
        None => {
            placeholders.push("title".to_string());
            format!(
                "{PLACEHOLDER} the title (none was found in {})",
                comment(file)
            )
        }
    };
    let _ = writeln!(fm, "title = {}", toml_str(&title));
    match &doc.meta.date {
        Some(d) => {
            let _ = writeln!(fm, "date = {d}");
        }
        None => {
            placeholders.push("date".to_string());
            let _ = writeln!(
                fm,
                "date = {PLACEHOLDER_DATE}  # {PLACEHOLDER} no date was found in the input"
            );
        }
    }
    if !doc.meta.authors.is_empty() {
        let _ = writeln!(fm, "authors = {}", toml_list(&doc.meta.authors));
    }
    let _ = writeln!(fm, "draft = true");
    if let Some(url) = &doc.meta.canonical {
        let _ = writeln!(fm, "# Original: {}", comment(url));
    }

    // Sources: one per publisher, in order of first note.
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut note_sources = Vec::new();
    for n in &found.notes {
        let base = slugify(&n.publisher);
        let id = match sources.iter().find(|(_, p)| **p == n.publisher) {
            Some((id, _)) => id.clone(),
            None => {
                let mut id = base.clone();
                let mut k = 2;
                while sources.contains_key(&id) {
                    id = format!("{base}-{k}");
                    k += 1;
                }
                sources.insert(id.clone(), n.publisher.clone());
                order.push(id.clone());
                id
            }
        };
        note_sources.push(id);
    }
    for id in &order {
        let publisher = &sources[id];
        let _ = writeln!(fm, "\n[[sources]]");
        let _ = writeln!(fm, "id = {}", toml_str(id));
        let _ = writeln!(
            fm,
            "title = {}",
            toml_str(&format!("{PLACEHOLDER} the title of the {publisher} piece"))
        );
        let _ = writeln!(fm, "publisher = {}", toml_str(publisher));
        let _ = writeln!(fm, "url = \"\"  # {PLACEHOLDER} the piece's address");
    }
    for (n, source) in found.notes.iter().zip(&note_sources) {
        let _ = writeln!(fm, "\n[[notes]]");
        let _ = writeln!(fm, "anchor = {}", toml_str(&n.anchor));
        let (occ, total) = occurrence(doc, n.block, n.end, &n.anchor);
        if total > 1 {
            let _ = writeln!(fm, "occurrence = {occ}");
        }
        let _ = writeln!(fm, "source = {}", toml_str(source));
    }
    let mut quote_speakers = Vec::new();
    for q in &found.quotes {
        let speaker = q.speaker.and_then(|i| entities.ids[i].clone());
        quote_speakers.push(speaker.clone());
        let (occ, total) = occurrence(doc, q.quote.block, q.quote.end, &q.quote.text);
        let mut lines = String::new();
        let _ = writeln!(lines, "anchor = {}", toml_str(&q.quote.text));
        if total > 1 {
            let _ = writeln!(lines, "occurrence = {occ}");
        }
        match &speaker {
            Some(id) => {
                let _ = writeln!(lines, "speaker = {}", toml_str(id));
                if let Some(o) = q.outlet {
                    let _ = writeln!(lines, "source = {}", toml_str(&note_sources[o]));
                }
                let rule = q.rule.map(|r| r.as_str()).unwrap_or("none");
                let _ = writeln!(fm, "\n# speaker by rule: {rule}");
                if let Some(u) = &q.unsure {
                    let _ = writeln!(fm, "# UNSURE: {}; check the speaker", comment(u));
                }
                let _ = writeln!(fm, "[[quotes]]");
                fm.push_str(&lines);
            }
            None => {
                let _ = writeln!(fm, "\n# UNSURE: no rule found who said this; set `speaker` to a glossary id and uncomment");
                let _ = writeln!(fm, "# [[quotes]]");
                for l in lines.lines() {
                    let _ = writeln!(fm, "# {l}");
                }
                let _ = writeln!(fm, "# speaker = \"\"");
            }
        }
    }
    let body: Vec<&str> = doc.blocks.iter().map(|b| b.markdown.as_str()).collect();
    let text = format!("+++\n{fm}+++\n{}\n", body.join("\n\n"));
    let slug = match &doc.meta.title {
        Some(t) => slugify(t),
        None => slugify(stem),
    };
    let entries = entities
        .candidates
        .iter()
        .map(|c| {
            let mut e = String::new();
            let _ = writeln!(e, "+++");
            let _ = writeln!(
                e,
                "# Proposed by `gloss import` from {} ({}).",
                comment(file),
                c.evidence.join(", ")
            );
            let _ = writeln!(e, "# Found in: {}", comment(&c.sentence));
            let _ = writeln!(e, "name = {}", toml_str(&c.name));
            let _ = writeln!(e, "kind = \"{}\"", c.kind.as_str());
            if !c.aliases.is_empty() {
                let _ = writeln!(e, "aliases = {}", toml_list(&c.aliases));
            }
            if let Some(r) = &c.role {
                let _ = writeln!(e, "role = {}", toml_str(r));
            }
            let _ = writeln!(e, "draft = true");
            let _ = writeln!(e, "+++");
            let _ = writeln!(
                e,
                "{}",
                super::document::escape_markdown(&format!(
                    "{PLACEHOLDER} one sentence about {}.",
                    c.name
                ))
            );
            FileDraft {
                path: format!("content/glossary/{}.md", c.id),
                text: e,
            }
        })
        .collect();
    Draft {
        article: FileDraft {
            path: format!("content/articles/{slug}.md"),
            text,
        },
        slug,
        entries,
        placeholders,
        note_sources,
        quote_speakers,
        entities: entities.clone(),
    }
}
