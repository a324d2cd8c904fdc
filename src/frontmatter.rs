//! Splitting a Markdown file into front matter and body, and deserializing
//! the front matter with errors placed in the file, not in the snippet
//! (positions relative to the snippet were zola#1133).

use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, SourceMap, Span};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

mod yaml;

/// The two front-matter syntaxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

/// Where the parts of a file are, in bytes from the start of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    pub format: Format,
    /// The front matter's text: `fm_start..fm_end`.
    pub fm_start: usize,
    pub fm_end: usize,
    /// The body starts here and runs to the end of the file.
    pub body_start: usize,
}

/// Finds the front matter. `None` when the file does not open with a fence;
/// `Err` with the fence's offset when the closing fence is missing.
pub(crate) fn split(text: &str) -> Result<Option<Split>, usize> {
    let text_trim = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_trim.len();
    let (format, fence) = if text_trim.starts_with("+++") {
        (Format::Toml, "+++")
    } else if text_trim.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Ok(None);
    };
    let first_nl = match text_trim.find('\n') {
        Some(i) => i,
        None => return Err(bom),
    };
    if text_trim[..first_nl].trim_end() != fence {
        return Ok(None);
    }
    let fm_start = bom + first_nl + 1;
    let mut pos = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Some(Split {
                format,
                fm_start,
                fm_end: pos,
                body_start: pos + line.len(),
            }));
        }
        pos += line.len();
    }
    Err(bom)
}

/// The keys accepted in each table of a document: `""` for the top level,
/// then the names of nested tables and arrays of tables (`"notes"`).
pub(crate) type KeyLists<'a> = &'a [(&'a str, &'a [&'a str])];

/// Where every key and value of a front matter is, from the parser, as
/// offsets in the file. Paths name keys and array elements with dots:
/// `title`, `tags.1`, `notes.3.anchor`, `entities.0.links.2.url`.
///
/// Positions found after deserializing (an unknown source, a bad slug) are
/// taken from here, so a value written with escapes, or written twice, is
/// placed where the parser read it, not where its text first appears.
#[derive(Clone, Debug, Default)]
pub struct Spans {
    source: Option<SourceId>,
    /// Path to (the key through the end of its value, the value alone).
    /// An array element has no key: both are the element.
    at: HashMap<String, (Range<usize>, Range<usize>)>,
    /// The front matter's start: where a path nothing wrote falls back to.
    start: usize,
}

impl Spans {
    /// The span from the key at `path` to the end of its value; `None` when
    /// the document does not set it.
    pub fn get(&self, path: &str) -> Option<Span> {
        let source = self.source?;
        let (k, _) = self.at.get(path)?;
        Some(Span::new(source, k.start, k.end))
    }

    /// The span of the value at `path`: a string's text inside its quotes
    /// (the quotes too when it is empty); `None` when the document does not
    /// set it.
    pub fn value(&self, path: &str) -> Option<Span> {
        let source = self.source?;
        let (_, v) = self.at.get(path)?;
        Some(Span::new(source, v.start, v.end))
    }

    /// The value at `path`, else the nearest enclosing value the document
    /// writes (`notes.3` for a `notes.3.text` left out), else the front
    /// matter's start: a place for a problem about a value that may have
    /// been defaulted.
    pub fn value_or_parent(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.value(p) {
                return s;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        let source = self.source.unwrap_or(SourceId(0));
        Span::new(source, self.start, self.start)
    }

    /// Where the text of the string `value`, found at `path`, starts in the
    /// file, when the value is written exactly as it reads (no escapes, no
    /// folded lines): then an offset inside the value maps to the file by
    /// adding it. `None` otherwise.
    pub fn verbatim(&self, sources: &SourceMap, path: &str, value: &str) -> Option<usize> {
        let (_, v) = self.at.get(path)?;
        let raw = sources.get(self.source?).text().get(v.clone())?;
        (raw == value).then_some(v.start)
    }

    /// Records `path`; `text` is the document, for finding a string's quotes.
    fn insert(&mut self, text: &str, path: String, key: Range<usize>, value: Range<usize>) {
        let value = inside_quotes(text, value);
        self.at.insert(path, (key, value));
    }

    /// The same spans, moved into the file by `off`.
    fn shifted(mut self, source: SourceId, off: usize) -> Spans {
        for (k, v) in self.at.values_mut() {
            *k = off + k.start..off + k.end;
            *v = off + v.start..off + v.end;
        }
        self.source = Some(source);
        self.start = off;
        self
    }
}

/// `value` without a string's quotes (`"`, `'`, `"""` or `'''`), unless
/// that leaves nothing to point at.
fn inside_quotes(text: &str, value: Range<usize>) -> Range<usize> {
    let Some(raw) = text.get(value.clone()) else {
        return value;
    };
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if raw.len() > 2 * q.len() && raw.starts_with(q) && raw.ends_with(q) {
            return value.start + q.len()..value.end - q.len();
        }
    }
    value
}

fn child(prefix: &str, step: impl fmt::Display) -> String {
    if prefix.is_empty() {
        step.to_string()
    } else {
        format!("{prefix}.{step}")
    }
}

/// One problem the TOML parser or deserializer found, with its place in
/// the document as the parser gave it.
#[derive(Clone, Debug)]
pub(crate) struct TomlProblem {
    /// serde's or the parser's message.
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
    /// The tables around the problem: `["notes"]` for a key of a `[[notes]]`.
    pub table: Vec<String>,
    /// Set for "missing field `x`".
    pub missing: Option<String>,
    /// Set for "unknown field `x`".
    pub unknown: Option<String>,
}

impl TomlProblem {
    fn syntax(message: String, span: Option<Range<usize>>) -> TomlProblem {
        TomlProblem {
            message,
            span,
            table: Vec::new(),
            missing: None,
            unknown: None,
        }
    }
}

/// A step from a table to one of its children.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// How many problems one document may report before the rest are left for
/// the next run (each costs one more deserialization of the document).
const MAX_PROBLEMS: usize = 50;

/// A parsed document the every-problem loop ([`all_problems`]) can search
/// and prune: TOML's tree and YAML's.
trait Tree: Clone {
    /// The path to the deepest key or element that holds `span`.
    fn locate(&self, span: &Range<usize>, path: &mut Vec<Step>);
    /// Takes the key or element at `path` out; `false` when nothing was there.
    fn remove(&mut self, path: &[Step]) -> bool;
}

/// Deserializes `tree` again and again, each time noting the problem serde
/// stopped at and taking its key out of the tree, until it deserializes:
/// every problem of a document in one run, each at the parser's span.
fn all_problems<D: Tree, T>(
    mut tree: D,
    root_span: Range<usize>,
    de: impl Fn(&D) -> Result<T, (String, Option<Range<usize>>)>,
) -> Result<T, Vec<TomlProblem>> {
    let mut problems: Vec<TomlProblem> = Vec::new();
    // (the table's path, key) of every key taken out, so that the "missing
    // field" that follows taking out a required key is not reported twice.
    let mut removed: Vec<(Vec<String>, String)> = Vec::new();
    loop {
        let (message, span) = match de(&tree) {
            Ok(v) if problems.is_empty() => return Ok(v),
            Ok(_) => return Err(problems),
            Err(e) => e,
        };
        let mut path = Vec::new();
        let missing = quoted_after(&message, "missing field `");
        let at_root = |s: &Range<usize>| *s == root_span || s.is_empty();
        match &span {
            // A key missing from the whole document: nothing to take out.
            Some(s) if missing.is_some() && at_root(s) => {}
            Some(s) => tree.locate(s, &mut path),
            None => {}
        }
        let names: Vec<String> = path
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.clone()),
                Step::Index(_) => None,
            })
            .collect();
        let unknown = quoted_after(&message, "unknown field `");
        // A missing field's span is its table: the path ends at that table.
        let (table_of, key_here) = match (&missing, path.last()) {
            (Some(_), _) => (names.clone(), None),
            (None, Some(Step::Key(k))) => (names[..names.len() - 1].to_vec(), Some(k.clone())),
            (None, _) => (names.clone(), None),
        };
        // Missing because it was taken out, or because it was misspelt (the
        // misspelling is reported already, with this key suggested).
        let repeat = missing.as_ref().is_some_and(|m| {
            removed.iter().any(|(t, k)| {
                *t == table_of && (k == m || crate::diagnostics::closest(k, [m.as_str()]).is_some())
            })
        });
        if !repeat {
            problems.push(TomlProblem {
                message,
                span,
                table: table_of.clone(),
                missing,
                unknown,
            });
        }
        if let Some(k) = key_here {
            removed.push((table_of, k));
        }
        if path.is_empty() || problems.len() >= MAX_PROBLEMS || !tree.remove(&path) {
            return Err(problems);
        }
    }
}

/// Deserializes `text` as TOML, reporting every problem at once (see
/// [`all_problems`]). Returns the top-level keys' spans, key through value.
pub(crate) fn toml_all<T: DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<(String, std::ops::Range<usize>)>), Vec<TomlProblem>> {
    let (v, spans) = toml_spanned::<T>(text)?;
    let mut keys: Vec<(String, Range<usize>)> = spans
        .at
        .into_iter()
        .filter(|(k, _)| !k.contains('.'))
        .map(|(k, (r, _))| (k, r))
        .collect();
    keys.sort_by_key(|(_, r)| r.start);
    Ok((v, keys))
}

/// [`toml_all`], with the spans of every key and value.
fn toml_spanned<T: DeserializeOwned>(text: &str) -> Result<(T, Spans), Vec<TomlProblem>> {
    use toml::de::DeTable;
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        return Err(syntax
            .into_iter()
            .map(|e| TomlProblem::syntax(e.message().to_string(), e.span()))
            .collect());
    }
    let mut spans = Spans::default();
    toml_spans(text, root.get_ref(), "", &mut spans);
    let root_span = root.span();
    let v = all_problems(root.into_inner(), root_span.clone(), |table| {
        let spanned = toml::Spanned::new(root_span.clone(), table.clone());
        T::deserialize(toml::de::Deserializer::from(spanned))
            .map_err(|e| (e.message().to_string(), e.span()))
    })?;
    Ok((v, spans))
}

fn toml_spans(text: &str, table: &toml::de::DeTable<'_>, prefix: &str, spans: &mut Spans) {
    for (k, v) in table.iter() {
        let path = child(prefix, k.get_ref());
        let (ks, vs) = (k.span(), v.span());
        spans.insert(text, path.clone(), ks.start..vs.end.max(ks.end), vs);
        toml_value_spans(text, v.get_ref(), &path, spans);
    }
}

fn toml_value_spans(text: &str, v: &toml::de::DeValue<'_>, path: &str, spans: &mut Spans) {
    use toml::de::DeValue;
    match v {
        DeValue::Table(t) => toml_spans(text, t, path, spans),
        DeValue::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                let p = child(path, i);
                spans.insert(text, p.clone(), e.span(), e.span());
                toml_value_spans(text, e.get_ref(), &p, spans);
            }
        }
        _ => {}
    }
}

fn holds(r: Range<usize>, span: &Range<usize>) -> bool {
    r.start <= span.start && span.end <= r.end
}

impl Tree for toml::de::DeTable<'_> {
    fn locate(&self, span: &Range<usize>, path: &mut Vec<Step>) {
        toml_tree::locate(self, span, path)
    }

    fn remove(&mut self, path: &[Step]) -> bool {
        toml_tree::remove(self, path)
    }
}

mod toml_tree {
    use super::{holds, Step};
    use std::ops::Range;
    use toml::de::{DeTable, DeValue};

    /// The deepest key or array element of `table` that holds `span`. An
    /// element of an array of tables spans only its `[[header]]`, so what
    /// holds a span is judged by everything inside it.
    pub(super) fn locate(table: &DeTable<'_>, span: &Range<usize>, path: &mut Vec<Step>) {
        for (k, v) in table.iter() {
            if holds(k.span(), span) {
                path.push(Step::Key(k.get_ref().to_string()));
                return;
            }
            if holds(v.span(), span) || inside(v.get_ref(), span) {
                path.push(Step::Key(k.get_ref().to_string()));
                descend(v.get_ref(), span, path);
                return;
            }
        }
    }

    /// Whether any key or value below `v` holds `span`.
    fn inside(v: &DeValue<'_>, span: &Range<usize>) -> bool {
        match v {
            DeValue::Array(a) => a
                .iter()
                .any(|e| holds(e.span(), span) || inside(e.get_ref(), span)),
            DeValue::Table(t) => t.iter().any(|(k, v)| {
                holds(k.span(), span) || holds(v.span(), span) || inside(v.get_ref(), span)
            }),
            _ => false,
        }
    }

    fn descend(v: &DeValue<'_>, span: &Range<usize>, path: &mut Vec<Step>) {
        match v {
            DeValue::Table(t) => locate(t, span, path),
            DeValue::Array(a) => {
                for (i, e) in a.iter().enumerate() {
                    if holds(e.span(), span) || inside(e.get_ref(), span) {
                        path.push(Step::Index(i));
                        descend(e.get_ref(), span, path);
                        return;
                    }
                }
            }
            _ => {}
        }
    }

    /// Takes the key or element at `path` out of `table`.
    pub(super) fn remove(table: &mut DeTable<'_>, path: &[Step]) -> bool {
        let Some((Step::Key(first), rest)) = path.split_first() else {
            return false;
        };
        if rest.is_empty() {
            let before = table.len();
            let mut kept = DeTable::new();
            for (k, v) in std::mem::take(table) {
                if k.get_ref() != first {
                    kept.insert(k, v);
                }
            }
            *table = kept;
            return table.len() < before;
        }
        let Some((_, v)) = table.iter_mut().find(|(k, _)| k.get_ref() == first) else {
            return false;
        };
        remove_in(v.get_mut(), rest)
    }

    fn remove_in(v: &mut DeValue<'_>, path: &[Step]) -> bool {
        match (v, path.split_first()) {
            (DeValue::Table(t), Some((Step::Key(_), _))) => remove(t, path),
            (DeValue::Array(a), Some((Step::Index(i), rest))) => {
                if rest.is_empty() {
                    let mut kept = toml::de::DeArray::new();
                    for (j, e) in a.iter().enumerate() {
                        if j != *i {
                            kept.push(e.clone());
                        }
                    }
                    *a = kept;
                    true
                } else {
                    a.get_mut(*i).is_some_and(|e| remove_in(e.get_mut(), rest))
                }
            }
            _ => false,
        }
    }
}

impl Tree for yaml::Node {
    fn locate(&self, span: &Range<usize>, path: &mut Vec<Step>) {
        match &self.value {
            yaml::Value::Map(entries) => {
                for (k, v) in entries {
                    if holds(k.span.clone(), span) {
                        path.push(Step::Key(yaml_key(k)));
                        return;
                    }
                    if holds(v.span.clone(), span) {
                        path.push(Step::Key(yaml_key(k)));
                        v.locate(span, path);
                        return;
                    }
                }
            }
            yaml::Value::Seq(items) => {
                for (i, e) in items.iter().enumerate() {
                    if holds(e.span.clone(), span) {
                        path.push(Step::Index(i));
                        e.locate(span, path);
                        return;
                    }
                }
            }
            yaml::Value::Scalar { .. } => {}
        }
    }

    fn remove(&mut self, path: &[Step]) -> bool {
        let Some((step, rest)) = path.split_first() else {
            return false;
        };
        match (&mut self.value, step) {
            (yaml::Value::Map(entries), Step::Key(key)) => {
                let Some(i) = entries.iter().position(|(k, _)| yaml_key(k) == *key) else {
                    return false;
                };
                if rest.is_empty() {
                    entries.remove(i);
                    true
                } else {
                    entries[i].1.remove(rest)
                }
            }
            (yaml::Value::Seq(items), Step::Index(i)) if *i < items.len() => {
                if rest.is_empty() {
                    items.remove(*i);
                    true
                } else {
                    items[*i].remove(rest)
                }
            }
            _ => false,
        }
    }
}

/// A mapping key's text (front matter's keys are scalars).
fn yaml_key(k: &yaml::Node) -> String {
    match &k.value {
        yaml::Value::Scalar { text, .. } => text.clone(),
        _ => String::new(),
    }
}

fn yaml_spans(text: &str, node: &yaml::Node, prefix: &str, spans: &mut Spans) {
    match &node.value {
        yaml::Value::Map(entries) => {
            for (k, v) in entries {
                let path = child(prefix, yaml_key(k));
                let end = v.span.end.max(k.span.end);
                spans.insert(text, path.clone(), k.span.start..end, v.span.clone());
                yaml_spans(text, v, &path, spans);
            }
        }
        yaml::Value::Seq(items) => {
            for (i, e) in items.iter().enumerate() {
                let path = child(prefix, i);
                spans.insert(text, path.clone(), e.span.clone(), e.span.clone());
                yaml_spans(text, e, &path, spans);
            }
        }
        yaml::Value::Scalar { .. } => {}
    }
}

/// Deserializes `text` as YAML, reporting every problem at once, as
/// [`toml_spanned`] does for TOML.
fn yaml_spanned<T: DeserializeOwned>(text: &str) -> Result<(T, Spans), Vec<TomlProblem>> {
    let root = yaml::parse(text)
        .map_err(|(message, at)| vec![TomlProblem::syntax(message, Some(at..at + 1))])?;
    let mut spans = Spans::default();
    yaml_spans(text, &root, "", &mut spans);
    let root_span = root.span.clone();
    let v = all_problems(root, root_span, |node| {
        T::deserialize(node).map_err(|e| (e.message, e.span))
    })?;
    Ok((v, spans))
}

/// Reads YAML text into any serde type, without front matter's checks:
/// for `gloss import`, which reads a Markdown file's front matter as data.
pub(crate) fn yaml_value<T: DeserializeOwned>(text: &str) -> Option<T> {
    if too_deep_yaml(text).is_some() {
        return None;
    }
    T::deserialize(&yaml::parse(text).ok()?).ok()
}

fn quoted_after(msg: &str, prefix: &str) -> Option<String> {
    let rest = &msg[msg.find(prefix)? + prefix.len()..];
    Some(rest[..rest.find('`')?].to_string())
}

/// Deserializes front matter found at `split` in file `id`, with every
/// problem of the file reported at once, TOML or YAML, and the spans of
/// every key and value. `keys` lists the keys of each table, for suggestions.
pub(crate) fn parse<T: DeserializeOwned>(
    id: SourceId,
    sources: &SourceMap,
    split: Split,
    keys: KeyLists<'_>,
) -> Result<(T, Spans), Vec<Diagnostic>> {
    let text = &sources.get(id).text()[split.fm_start..split.fm_end];
    let off = split.fm_start;
    let result = match split.format {
        Format::Toml => toml_spanned::<T>(text),
        Format::Yaml if too_deep_yaml(text).is_some() => {
            let at = split.fm_start + too_deep_yaml(text).unwrap_or(0);
            return Err(vec![Diagnostic::error(format!(
                "invalid front matter: collections nested more than {MAX_YAML_DEPTH} deep"
            ))
            .at(Span::new(id, at, at + 1))
            .label("too deep from here")
            .help("front matter needs a few levels at most ([[notes]] is two): look for `[` or `{` left open")]);
        }
        Format::Yaml => yaml_spanned::<T>(text),
    };
    let problems = match result {
        Ok((v, spans)) => return Ok((v, spans.shifted(id, off))),
        Err(problems) => problems,
    };
    // The opening fence: where a key missing from the whole front matter goes.
    let fence = Span::new(id, off.saturating_sub(4), off.saturating_sub(1));
    Err(problems
        .into_iter()
        .map(|p| front_matter_problem(p, id, text, off, fence, keys, split.format))
        .collect())
}

/// One problem of a front matter as a diagnostic.
fn front_matter_problem(
    p: TomlProblem,
    id: SourceId,
    text: &str,
    off: usize,
    fence: Span,
    keys: KeyLists<'_>,
    format: Format,
) -> Diagnostic {
    let span = p
        .span
        .clone()
        .map(|r| Span::new(id, off + r.start, off + r.end.max(r.start + 1)));
    let table = p.table.last().map_or("", String::as_str);
    let here: &[&str] = keys
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[][..], |(_, k)| *k);
    if let Some(field) = &p.missing {
        let (what, example) = required_example(field);
        let example = match format {
            Format::Toml => example,
            Format::Yaml => example.replacen(" = ", ": ", 1),
        };
        if p.table.is_empty() {
            return Diagnostic::error(format!("`{field}` is required"))
                .at(fence)
                .label(format!("this front matter has no `{field}`"))
                .help(format!("add {what}, e.g. `{example}`"));
        }
        let item = match format {
            Format::Toml => format!("`[[{table}]]`"),
            Format::Yaml => format!("item of `{table}`"),
        };
        // The item's first line: a YAML item spans all its keys.
        let first_line = p.span.as_ref().map(|r| {
            let end = text
                .get(r.clone())
                .and_then(|t| t.find('\n'))
                .map_or(r.end, |i| r.start + i);
            Span::new(id, off + r.start, off + end.max(r.start + 1))
        });
        return Diagnostic::error(format!("`{field}` is required in each {item}"))
            .at(first_line.unwrap_or(fence))
            .label(format!("this {item} has no `{field}`"))
            .help(format!("add {what}, e.g. `{example}`"));
    }
    let mut d = Diagnostic::error(format!("invalid front matter: {}", p.message))
        .at(span.unwrap_or(fence))
        .label("here");
    if let Some(field) = &p.unknown {
        d = d.suggest(field, here.iter().copied());
        if !here.is_empty() {
            d = d.note(format!("valid keys here: {}", here.join(", ")));
        }
    }
    d
}

/// How to write a required key, for the help line.
fn required_example(field: &str) -> (&'static str, String) {
    match field {
        "date" => (
            "the date it was published as YYYY-MM-DD (or RFC 3339 with a time)",
            "date = 2024-01-15".to_string(),
        ),
        "title" => ("a title", "title = \"Canal reopens\"".to_string()),
        "kind" => (
            "what the entry is, `person` or `organisation`",
            "kind = \"person\"".to_string(),
        ),
        other => ("the key", format!("{other} = \"...\"")),
    }
}

/// How deep YAML front matter may nest `[...]` and `{...}`.
///
/// The YAML parser under serde_yaml_ng, which gloss used before, rechecked
/// every open level at each token, so nesting cost the square of its depth
/// (40,000 levels took 2.1 s, issue 12). Counting brackets first costs one
/// pass, whatever the parser; block nesting is limited as the tree is built.
pub(crate) const MAX_YAML_DEPTH: usize = 64;

/// The offset in `text` of the bracket that opens level [`MAX_YAML_DEPTH`]
/// + 1, if any. Brackets inside quoted scalars and comments do not count;
/// a quote counts as one only where a scalar can start, so the apostrophe
/// of `don't` opens nothing.
fn too_deep_yaml(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let at_token_start = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':'
            );
        match quote {
            Some(b'"') if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' if at_token_start => quote = Some(b),
                b'#' if at_token_start => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The span of the line that sets `key` in `start..end` of file `id`, for
/// problems found after deserializing (serde gives no positions for them).
pub(crate) fn find_key(
    id: SourceId,
    sources: &SourceMap,
    start: usize,
    end: usize,
    key: &str,
) -> Span {
    let text = &sources.get(id).text()[start..end];
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                let s = start + pos + (line.len() - t.len());
                return Span::new(id, s, s + line.trim().len());
            }
        }
        pos += line.len();
    }
    Span::new(id, start, start)
}

/// A calendar date with an optional time of day, as written in front matter:
/// `2021-08-26` or RFC 3339 (`2021-08-26T14:30:00Z`). TOML dates and strings
/// are both accepted, so TOML and YAML front matter read the same.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// `HH:MM:SS` and the offset (`Z` or `+01:00`), when given.
    pub time: Option<(String, String)>,
}

/// How many days `month` (1 to 12) of `year` has, in the Gregorian calendar.
pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The months' English names, January first (dates in messages, and the
/// importer's reading of "26 August 2021").
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let help = "write dates as YYYY-MM-DD, e.g. 2021-08-26";
        let (date, rest) = s.split_at(s.len().min(10));
        let parts: Vec<&str> = date.split('-').collect();
        if parts.len() != 3
            || parts[0].len() != 4
            || parts[1].len() != 2
            || parts[2].len() != 2
            || !date.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        {
            return Err(format!("`{s}` is not a date: {help}"));
        }
        let year: u16 = parts[0].parse().map_err(|_| format!("bad year in `{s}`"))?;
        let month: u8 = parts[1]
            .parse()
            .map_err(|_| format!("bad month in `{s}`"))?;
        let day: u8 = parts[2].parse().map_err(|_| format!("bad day in `{s}`"))?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has month {month}: months run from 01 to 12"));
        }
        let days = days_in_month(u32::from(year), u32::from(month));
        if day == 0 || u32::from(day) > days {
            return Err(format!(
                "`{s}` has day {day}, but {} {year} has {} days",
                MONTHS[month as usize - 1],
                days
            ));
        }
        let time = if rest.is_empty() {
            None
        } else {
            let rest = rest
                .strip_prefix('T')
                .or_else(|| rest.strip_prefix(' '))
                .ok_or_else(|| format!("`{s}` is not a date: {help}"))?;
            let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "Z"),
            };
            let clock = check_clock(s, clock)?;
            check_offset(s, offset)?;
            Some((clock, offset.to_uppercase()))
        };
        Ok(Date {
            year,
            month,
            day,
            time,
        })
    }

    /// `2021-08-26`.
    pub fn ymd(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `26 August 2021`.
    pub fn display(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }

    /// RFC 3339, midnight UTC when no time was given (for feeds).
    pub fn rfc3339(&self) -> String {
        match &self.time {
            Some((clock, offset)) => format!("{}T{clock}{offset}", self.ymd()),
            None => format!("{}T00:00:00Z", self.ymd()),
        }
    }
}

/// `HH:MM` or `HH:MM:SS` (with an optional fraction, dropped), each part in
/// range; returned as `HH:MM:SS`.
fn check_clock(s: &str, clock: &str) -> Result<String, String> {
    let rfc = "use RFC 3339, e.g. 2021-08-26T14:30:00Z";
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let parts: Vec<&str> = whole.split(':').collect();
    let two_digits = |p: &&str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !(2..=3).contains(&parts.len())
        || !parts.iter().all(two_digits)
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (clock.contains('.') && (fraction.is_empty() || parts.len() != 3))
    {
        return Err(format!("`{s}` has a time gloss cannot read: {rfc}"));
    }
    let n = |i: usize| parts.get(i).map_or(0, |p| p.parse::<u8>().unwrap_or(99));
    let (h, m, sec) = (n(0), n(1), n(2));
    if h > 23 {
        return Err(format!("`{s}` has hour {h:02}: hours run from 00 to 23"));
    }
    if m > 59 {
        return Err(format!(
            "`{s}` has minute {m:02}: minutes run from 00 to 59"
        ));
    }
    if sec > 60 {
        return Err(format!(
            "`{s}` has second {sec:02}: seconds run from 00 to 59 (60 for a leap second)"
        ));
    }
    Ok(format!("{h:02}:{m:02}:{sec:02}"))
}

/// `Z`, or `+HH:MM` / `-HH:MM` with hours 00 to 23 and minutes 00 to 59.
fn check_offset(s: &str, offset: &str) -> Result<(), String> {
    if offset.eq_ignore_ascii_case("z") {
        return Ok(());
    }
    let bytes = offset.as_bytes();
    let digits = |r: std::ops::Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
    if bytes.len() != 6
        || !matches!(bytes[0], b'+' | b'-')
        || bytes[3] != b':'
        || !digits(1..3)
        || !digits(4..6)
    {
        return Err(format!(
            "`{s}` has an offset gloss cannot read: write `Z` for UTC or `+HH:MM` / `-HH:MM`, e.g. 2021-08-26T14:30:00+02:00"
        ));
    }
    let h: u8 = offset[1..3].parse().unwrap_or(99);
    let m: u8 = offset[4..6].parse().unwrap_or(99);
    if h > 23 || m > 59 {
        return Err(format!(
            "`{s}` has offset {offset}: offsets run from -23:59 to +23:59 (hours 00 to 23, minutes 00 to 59)"
        ));
    }
    Ok(())
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ymd())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let text = match Raw::deserialize(d).map_err(|e| {
            // Keep serde's "missing field": the report says what is required.
            if e.to_string().starts_with("missing field") {
                e
            } else {
                serde::de::Error::custom("expected a date such as 2021-08-26")
            }
        })? {
            Raw::Toml(dt) => dt.to_string(),
            Raw::Text(s) => s,
        };
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Front {
        #[serde(default)]
        #[expect(dead_code, reason = "read only for its span")]
        title: String,
        #[serde(default)]
        notes: Vec<std::collections::BTreeMap<String, String>>,
    }

    /// The text each path's value span covers.
    fn spanned(text: &str, spans: &Spans, path: &str) -> String {
        let (_, v) = &spans.at[path];
        text[v.clone()].to_string()
    }

    #[test]
    fn every_value_has_its_span_from_the_parser_in_toml_and_yaml() {
        let toml =
            "title = \"a \\\"b\\\"\"\n[[notes]]\nanchor = \"x\"\n[[notes]]\nanchor = \"x\"\n";
        let (f, spans) = toml_spanned::<Front>(toml).unwrap();
        assert_eq!(f.notes.len(), 2);
        assert_eq!(spanned(toml, &spans, "title"), "a \\\"b\\\"");
        let second = spans.at["notes.1.anchor"].1.start;
        assert_eq!(toml[..second].matches('\n').count(), 4, "the second `x`");

        let yaml = "title: 'a'\nnotes:\n  - anchor: x\n  - anchor: x\n";
        let (_, spans) = yaml_spanned::<Front>(yaml).unwrap();
        assert_eq!(spanned(yaml, &spans, "title"), "a");
        assert_eq!(spanned(yaml, &spans, "notes.1.anchor"), "x");
        assert_eq!(spans.at["notes.1.anchor"].1.start, yaml.rfind('x').unwrap());
    }

    #[test]
    fn yaml_block_nesting_is_limited_too() {
        let mut text = String::new();
        for depth in 0..MAX_YAML_DEPTH + 1 {
            text.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
        }
        text.push_str(&format!("{}end: 1\n", "  ".repeat(MAX_YAML_DEPTH + 1)));
        let (message, _) = yaml::parse(&text).unwrap_err();
        assert!(message.contains("nested more than 64 deep"), "{message}");
    }

    #[test]
    fn split_finds_toml_and_yaml_front_matter() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody").unwrap().unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!((s.fm_start, s.fm_end, s.body_start), (4, 16, 20));
        let s = split("---\ntitle: a\n---\nbody").unwrap().unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(split("no front matter"), Ok(None));
        assert_eq!(split("+++\ntitle = 1\n"), Err(0));
    }

    #[test]
    fn yaml_nesting_is_limited_before_the_parser_sees_it() {
        let deep = |n: usize| format!("tags: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(too_deep_yaml(&deep(MAX_YAML_DEPTH)), None);
        assert_eq!(
            too_deep_yaml(&deep(MAX_YAML_DEPTH + 1)),
            Some(6 + MAX_YAML_DEPTH)
        );
        assert_eq!(too_deep_yaml(&deep(40_000)), Some(6 + MAX_YAML_DEPTH));
        // Brackets in quoted scalars and comments are text.
        let quoted = format!(
            "a: \"{0}\"\nb: '{0}'\n# {0}\nc: don't {{x: [1]}}\n",
            "[".repeat(100)
        );
        assert_eq!(too_deep_yaml(&quoted), None);
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(
            Date::parse("2021-08-26").unwrap().display(),
            "26 August 2021"
        );
        assert!(Date::parse("2021-02-29").is_err());
        assert!(Date::parse("2020-02-29").is_ok());
        assert!(Date::parse("2021-13-01").is_err());
        assert!(Date::parse("26/08/2021").is_err());
        assert_eq!(
            Date::parse("2021-08-26T14:30:00+02:00").unwrap().rfc3339(),
            "2021-08-26T14:30:00+02:00"
        );
    }

    #[test]
    fn times_and_offsets_are_checked_against_the_clock() {
        let cases = [
            (
                "2024-01-01T25:61:00Z",
                Some("hour 25: hours run from 00 to 23"),
            ),
            (
                "2024-01-01T23:61:00Z",
                Some("minute 61: minutes run from 00 to 59"),
            ),
            ("2024-01-01T23:59:61Z", Some("second 61")),
            (
                "2024-01-01T12:00:00+99:99",
                Some("offset +99:99: offsets run from -23:59 to +23:59"),
            ),
            ("2024-01-01T12:00:00+02:60", Some("offsets run from")),
            (
                "2024-01-01T12:00:00+0200",
                Some("write `Z` for UTC or `+HH:MM`"),
            ),
            ("2024-01-01T1:00:00Z", Some("a time gloss cannot read")),
            ("2024-01-01T23:59:60Z", None),
            ("2024-01-01T12:00Z", None),
            ("2024-01-01T12:00:00.250-05:30", None),
        ];
        for (text, expected) in cases {
            match (Date::parse(text), expected) {
                (Ok(_), None) => {}
                (Err(e), Some(want)) => assert!(e.contains(want), "{text}: {e}"),
                (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
            }
        }
        assert_eq!(
            Date::parse("2024-01-01T12:00:00.250-05:30")
                .unwrap()
                .rfc3339(),
            "2024-01-01T12:00:00-05:30"
        );
    }
}
