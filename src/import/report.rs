//! The report: what an import found (quotes with their speaker and the rule
//! that found it, notes, entity candidates), what it took out (furniture) and
//! what the writer must replace, as text for people or JSON for tools.

use super::document::{Document, Furniture, Meta};
use super::draft::Draft;
use super::entities::Entities;
use super::speakers::Attributed;
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;

#[derive(Clone, Debug, Serialize)]
pub struct QuoteFound {
    pub text: String,
    /// The speaker's name as the text gives it.
    pub speaker: Option<String>,
    /// Its glossary id, existing or proposed.
    pub speaker_id: Option<String>,
    pub rule: Option<&'static str>,
    pub unsure: Option<String>,
    pub source: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteFound {
    pub anchor: String,
    pub publisher: String,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityFound {
    pub name: String,
    pub id: String,
    pub kind: &'static str,
    pub role: Option<String>,
    pub aliases: Vec<String>,
    pub evidence: Vec<&'static str>,
    pub sentence: String,
}

/// A name the text used that an existing glossary entry covers.
#[derive(Clone, Debug, Serialize)]
pub struct KnownFound {
    pub name: String,
    pub id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub input: String,
    pub article: String,
    pub entries: Vec<String>,
    pub meta: Meta,
    /// Front-matter fields left as placeholders to replace.
    pub placeholders: Vec<String>,
    pub quotes: Vec<QuoteFound>,
    pub notes: Vec<NoteFound>,
    pub entities: Vec<EntityFound>,
    pub known: Vec<KnownFound>,
    pub furniture: Vec<Furniture>,
}

impl Report {
    pub fn new(path: &Path, doc: &Document, a: &Attributed, draft: &Draft) -> Report {
        let e: &Entities = &draft.entities;
        let quotes = a
            .quotes
            .iter()
            .zip(&draft.quote_speakers)
            .map(|(q, id)| QuoteFound {
                text: q.quote.text.clone(),
                speaker: q.speaker.map(|i| a.parties[i].name.clone()),
                speaker_id: id.clone(),
                rule: q.rule.map(|r| r.as_str()),
                unsure: q.unsure.clone(),
                source: q.outlet.map(|o| draft.note_sources[o].clone()),
            })
            .collect();
        let notes = a
            .notes
            .iter()
            .zip(&draft.note_sources)
            .map(|(n, s)| NoteFound {
                anchor: n.anchor.clone(),
                publisher: n.publisher.clone(),
                source: s.clone(),
            })
            .collect();
        let entities = e
            .candidates
            .iter()
            .map(|c| EntityFound {
                name: c.name.clone(),
                id: c.id.clone(),
                kind: c.kind.as_str(),
                role: c.role.clone(),
                aliases: c.aliases.clone(),
                evidence: c.evidence.clone(),
                sentence: c.sentence.clone(),
            })
            .collect();
        let mut known: Vec<KnownFound> = a
            .parties
            .iter()
            .zip(&e.ids)
            .filter(|(p, _)| !e.candidates.iter().any(|c| c.name == p.name))
            .filter_map(|(p, id)| {
                Some(KnownFound {
                    name: p.name.clone(),
                    id: id.clone()?,
                })
            })
            .collect();
        known.dedup_by(|x, y| x.id == y.id);
        Report {
            input: path.display().to_string(),
            article: draft.article.path.clone(),
            entries: draft.entries.iter().map(|f| f.path.clone()).collect(),
            meta: doc.meta.clone(),
            placeholders: draft.placeholders.clone(),
            quotes,
            notes,
            entities,
            known,
            furniture: doc.furniture.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report is plain data")
    }

    /// For people: one section per kind of finding.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "import of {}", self.input);
        if !self.placeholders.is_empty() {
            let _ = writeln!(
                s,
                "warning: not found in the input, left as placeholders to replace: {}",
                self.placeholders.join(", ")
            );
        }
        let _ = writeln!(s, "\nquotes: {}", self.quotes.len());
        for q in &self.quotes {
            let who = match (&q.speaker, &q.speaker_id) {
                (Some(n), Some(id)) => format!("{n} ({id})"),
                (Some(n), None) => n.clone(),
                _ => "no speaker found (left commented out)".into(),
            };
            let _ = writeln!(s, "  “{}”", q.text);
            let _ = write!(s, "      {who}");
            if let Some(r) = q.rule {
                let _ = write!(s, ", by rule {r}");
            }
            if let Some(src) = &q.source {
                let _ = write!(s, ", source {src}");
            }
            let _ = writeln!(s);
            if let Some(u) = &q.unsure {
                let _ = writeln!(s, "      unsure: {u}");
            }
        }
        let _ = writeln!(s, "\nsource notes: {}", self.notes.len());
        for n in &self.notes {
            let _ = writeln!(
                s,
                "  “{}” → source {} ({}; title and url to fill in)",
                n.anchor, n.source, n.publisher
            );
        }
        let _ = writeln!(s, "\nproposed glossary entries: {}", self.entities.len());
        for e in &self.entities {
            let _ = write!(s, "  {} ({}, {})", e.name, e.id, e.kind);
            if let Some(r) = &e.role {
                let _ = write!(s, ": {r}");
            }
            let _ = writeln!(s, " [{}]", e.evidence.join(", "));
        }
        if !self.known.is_empty() {
            let _ = writeln!(s, "\nalready in the glossary: {}", self.known.len());
            for k in &self.known {
                let _ = writeln!(s, "  {} ({})", k.name, k.id);
            }
        }
        let _ = writeln!(s, "\nremoved: {}", self.furniture.len());
        for f in &self.furniture {
            let mut t: String = f.text.chars().take(70).collect();
            if t.len() < f.text.len() {
                t.push('…');
            }
            let _ = writeln!(s, "  [{}] {t}", f.reason);
        }
        s
    }
}
