//! User mistakes as values. Stages push [`Diagnostic`]s into a [`Diagnostics`]
//! collector and carry on, so one build reports every problem it can find.
//!
//! This is the only module that knows about the rendering crate
//! (codespan-reporting): swapping it touches this file alone.

use crate::source::{SourceMap, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the user's input.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` for problems with no file (a missing folder).
    pub span: Option<Span>,
    /// The short text under the carets.
    pub label: String,
    /// Secondary places ("first defined here", "matches here").
    pub secondary: Vec<(Span, String)>,
    /// Notes and help lines, printed after the source snippet.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            label: String::new(),
            secondary: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.notes.push(format!("help: {}", help.into()));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(format!("note: {}", note.into()));
        self
    }

    /// Adds "did you mean" help when one of `candidates` is close to `typed`.
    pub fn suggest<'a>(
        self,
        typed: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        self.suggested(closest(typed, candidates))
    }

    /// The "did you mean" help of [`Diagnostic::suggest`], for a suggestion
    /// the caller looked up (or cached) itself.
    pub fn suggested(self, best: Option<&str>) -> Diagnostic {
        match best {
            Some(best) => self.help(format!("did you mean `{best}`?")),
            None => self,
        }
    }
}

/// The candidate closest to `typed`, if any is close enough to be a likely typo.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(typed, c), c))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The problems of one build.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Freezes the collected problems into a report, sorted by file, line and
    /// column, then severity, so the report is the same on every run.
    pub fn into_report(self, sources: &SourceMap) -> Report {
        let mut items: Vec<ReportItem> = self
            .items
            .into_iter()
            .map(|d| ReportItem::new(d, sources))
            .collect();
        items.sort_by(|a, b| {
            (
                &a.file,
                a.line,
                a.column,
                a.diagnostic.severity,
                &a.diagnostic.message,
            )
                .cmp(&(
                    &b.file,
                    b.line,
                    b.column,
                    b.diagnostic.severity,
                    &b.diagnostic.message,
                ))
        });
        let rendered = render(&items, sources, false);
        let colored = render(&items, sources, true);
        Report {
            items,
            rendered,
            colored,
        }
    }
}

/// One diagnostic with its location resolved to file, line and column.
#[derive(Clone, Debug)]
pub struct ReportItem {
    pub diagnostic: Diagnostic,
    /// Relative to the site root; empty when the problem has no file.
    pub file: String,
    /// 1-based; 0 when the problem has no file.
    pub line: usize,
    /// 1-based, in characters; 0 when the problem has no file.
    pub column: usize,
}

impl ReportItem {
    fn new(diagnostic: Diagnostic, sources: &SourceMap) -> ReportItem {
        let (file, line, column) = match diagnostic.span {
            Some(span) => {
                let f = sources.get(span.source);
                let (l, c) = f.line_col(span.start as usize);
                (f.name.clone(), l, c)
            }
            None => (String::new(), 0, 0),
        };
        ReportItem {
            diagnostic,
            file,
            line,
            column,
        }
    }

    pub fn is_error(&self) -> bool {
        self.diagnostic.severity == Severity::Error
    }
}

/// Everything a build found wrong, resolved and rendered.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub items: Vec<ReportItem>,
    rendered: String,
    colored: String,
}

impl Report {
    /// A report with one problem that has no source location.
    pub fn single(d: Diagnostic) -> Report {
        let mut ds = Diagnostics::default();
        ds.push(d);
        ds.into_report(&SourceMap::default())
    }

    /// A report of items already resolved, with their rendering.
    pub fn from_items(items: Vec<ReportItem>, rendered: String) -> Report {
        Report {
            items,
            colored: rendered.clone(),
            rendered,
        }
    }

    /// The report as plain text, rustc-style.
    pub fn rendered(&self) -> &str {
        &self.rendered
    }

    /// The same with ANSI colours, for a terminal.
    pub fn colored(&self) -> &str {
        &self.colored
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|i| i.is_error()).count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }
}

/// How many problems of one kind a report shows in full; the rest are
/// counted and their places listed, in a note on the last one shown.
///
/// A glossary of 250 entries that alias each other made 62,250 errors, each
/// rendered with its snippet, in 19 s (issue 12): past the first few, more
/// of the same tells the writer nothing but where, so only where is said.
pub const SHOWN_PER_KIND: usize = 3;

/// Places listed in that note; past them, only the count.
const PLACES_LISTED: usize = 10;

/// What makes two problems "the same kind": their severity and their
/// message with everything it quotes (`…` and “…”) and every number taken
/// out, so `unknown source `wjs`` and `unknown source `nyt`` are one kind.
fn kind_of(d: &Diagnostic) -> (Severity, String) {
    let mut shape = String::with_capacity(d.message.len());
    let mut closing: Option<char> = None;
    let mut last_digit = false;
    for c in d.message.chars() {
        match closing {
            Some(end) if c == end => {
                closing = None;
                shape.push(c);
            }
            Some(_) => {}
            None => match c {
                '`' => {
                    closing = Some('`');
                    shape.push_str("`…");
                }
                '“' => {
                    closing = Some('”');
                    shape.push_str("“…");
                }
                c if c.is_ascii_digit() => {
                    if !last_digit {
                        shape.push('#');
                    }
                }
                c => shape.push(c),
            },
        }
        last_digit = closing.is_none() && c.is_ascii_digit();
    }
    (d.severity, shape)
}

/// For each item, whether the report shows it, and the note that counts
/// the ones of its kind left out (on the last one shown of a kind).
fn grouped(items: &[ReportItem]) -> Vec<(bool, Option<String>)> {
    let mut kinds: std::collections::HashMap<(Severity, String), Vec<usize>> =
        std::collections::HashMap::new();
    let mut rank = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let members = kinds.entry(kind_of(&item.diagnostic)).or_default();
        rank.push(members.len());
        members.push(i);
    }
    let mut out: Vec<(bool, Option<String>)> =
        rank.iter().map(|&r| (r < SHOWN_PER_KIND, None)).collect();
    for members in kinds.values() {
        let Some(rest) = members.get(SHOWN_PER_KIND..).filter(|r| !r.is_empty()) else {
            continue;
        };
        let places: Vec<String> = rest
            .iter()
            .take(PLACES_LISTED)
            .map(|&i| match &items[i] {
                ReportItem { file, .. } if file.is_empty() => "(no file)".to_string(),
                ReportItem {
                    file, line, column, ..
                } => format!("{file}:{line}:{column}"),
            })
            .collect();
        let more = match rest.len().saturating_sub(PLACES_LISTED) {
            0 => String::new(),
            n => format!(", and {n} more"),
        };
        out[members[SHOWN_PER_KIND - 1]].1 = Some(format!(
            "{} more like this, not shown: {}{more}",
            rest.len(),
            places.join(", ")
        ));
    }
    out
}

fn render(items: &[ReportItem], sources: &SourceMap, color: bool) -> String {
    // Only the files that diagnostics point into are handed to the renderer.
    let mut files = SimpleFiles::new();
    let mut ids = BTreeMap::new();
    let mut file_id = |span: Span| {
        *ids.entry(span.source).or_insert_with(|| {
            let f = sources.get(span.source);
            files.add(f.name.clone(), f.text().to_string())
        })
    };
    let mut prepared = Vec::new();
    for (item, (shown, omitted)) in items.iter().zip(grouped(items)) {
        if !shown {
            continue;
        }
        let d = &item.diagnostic;
        let mut notes = d.notes.clone();
        notes.extend(omitted.map(|n| format!("note: {n}")));
        let mut out = match d.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        }
        .with_message(&d.message)
        .with_notes(notes);
        let mut labels = Vec::new();
        if let Some(span) = d.span {
            labels.push(
                cs::Label::primary(file_id(span), span.start as usize..span.end as usize)
                    .with_message(&d.label),
            );
        }
        for (span, msg) in &d.secondary {
            labels.push(
                cs::Label::secondary(file_id(*span), span.start as usize..span.end as usize)
                    .with_message(msg),
            );
        }
        out = out.with_labels(labels);
        prepared.push(out);
    }
    let config = term::Config::default();
    let mut buf: Vec<u8> = Vec::new();
    for d in &prepared {
        if color {
            let mut w = term::termcolor::Ansi::new(&mut buf);
            let _ = term::emit_to_write_style(&mut w, &config, &files, d);
        } else {
            let _ = term::emit_to_io_write(&mut buf, &config, &files, d);
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The report as JSON for CI (`gloss check --format json`), one object per
/// problem, in report order; the schema is in docs/diagnostics.md.
pub fn to_json(items: &[ReportItem]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            let d = &item.diagnostic;
            let (mut help, mut notes) = (Vec::new(), Vec::new());
            for n in &d.notes {
                match n.strip_prefix("help: ") {
                    Some(h) => help.push(h.to_string()),
                    None => notes.push(n.strip_prefix("note: ").unwrap_or(n).to_string()),
                }
            }
            let location = (!item.file.is_empty()).then(|| {
                serde_json::json!({
                    "file": item.file,
                    "line": item.line,
                    "column": item.column,
                })
            });
            serde_json::json!({
                "severity": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                "message": d.message,
                "location": location,
                "label": d.label,
                "notes": notes,
                "help": help,
            })
        })
        .collect();
    let errors = items.iter().filter(|i| i.is_error()).count();
    serde_json::json!({
        "version": 1,
        "errors": errors,
        "warnings": items.len() - errors,
        "diagnostics": list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_of_one_kind_differ_only_in_what_they_quote_and_count() {
        let kind = |m: &str| kind_of(&Diagnostic::error(m)).1;
        assert_eq!(kind("unknown source `wjs`"), kind("unknown source `nyt-2`"));
        assert_eq!(
            kind("the closest passage is “a b” at line 3"),
            kind("the closest passage is “c” at line 12")
        );
        assert_ne!(kind("unknown source `wjs`"), kind("unknown speaker `wjs`"));
        assert_eq!(kind("line 12 is 4000 bytes"), "line # is # bytes");
        assert_ne!(
            kind_of(&Diagnostic::error("x")),
            kind_of(&Diagnostic::warning("x"))
        );
    }

    /// A report of many problems of one kind shows the first few in full
    /// and counts the rest, naming their places in order; other kinds are
    /// untouched.
    #[test]
    fn repeated_problems_are_shown_a_few_times_then_counted() {
        use crate::source::{SourceFile, SourceId};
        let mut sources = SourceMap::default();
        let text: String = (0..30).map(|i| format!("line {i}\n")).collect();
        let id: SourceId = sources.add(SourceFile::new("a.md".into(), "a.md".into(), text.clone()));
        let mut ds = Diagnostics::default();
        // Pushed in reverse: the report sorts them by place first.
        for i in (0..25).rev() {
            let at = text.find(&format!("line {i}\n")).unwrap();
            ds.push(Diagnostic::error(format!("unknown id `x{i}`")).at(Span::new(id, at, at + 4)));
        }
        ds.push(Diagnostic::error("something else").at(Span::new(id, 0, 1)));
        let report = ds.into_report(&sources);
        assert_eq!(report.error_count(), 26);
        let text = report.rendered();
        assert_eq!(
            text.matches("error: unknown id").count(),
            SHOWN_PER_KIND,
            "{text}"
        );
        assert_eq!(text.matches("error: something else").count(), 1);
        let note = format!(
            "{} more like this, not shown: a.md:4:1, a.md:5:1, a.md:6:1, a.md:7:1, a.md:8:1, a.md:9:1, a.md:10:1, a.md:11:1, a.md:12:1, a.md:13:1, and 12 more",
            25 - SHOWN_PER_KIND
        );
        assert!(text.contains(&note), "{text}");
        // Shown: the first three by place.
        assert!(text.contains("`x0`") && text.contains("`x2`") && !text.contains("`x3`"));
    }

    #[test]
    fn closest_finds_a_typo_and_ignores_unrelated_names() {
        let keys = ["title", "date", "summary", "tags"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("tag", keys), Some("tags"));
        assert_eq!(closest("zzzzzz", keys), None);
    }
}
