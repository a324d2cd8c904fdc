//! Splitting a Markdown file into front matter and body, and deserializing
//! the front matter with errors placed in the file, not in the snippet
//! (positions relative to the snippet were zola#1133).

use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, SourceMap, Span};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::fmt;

/// The two front-matter syntaxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

/// Where the parts of a file are, in bytes from the start of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    pub format: Format,
    /// The front matter's text: `fm_start..fm_end`.
    pub fm_start: usize,
    pub fm_end: usize,
    /// The body starts here and runs to the end of the file.
    pub body_start: usize,
}

/// Finds the front matter. `None` when the file does not open with a fence;
/// `Err` with the fence's offset when the closing fence is missing.
pub fn split(text: &str) -> Result<Option<Split>, usize> {
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

/// Deserializes front matter found at `split` in file `id`.
pub fn parse<T: DeserializeOwned>(
    id: SourceId,
    sources: &SourceMap,
    split: Split,
    keys: &[&str],
) -> Result<T, Diagnostic> {
    let text = &sources.get(id).text[split.fm_start..split.fm_end];
    let (msg, span) = match split.format {
        Format::Toml => match toml::from_str::<T>(text) {
            Ok(v) => return Ok(v),
            Err(e) => (
                e.message().to_string(),
                toml_error_span(&e, id, split.fm_start),
            ),
        },
        Format::Yaml if too_deep_yaml(text).is_some() => {
            let at = split.fm_start + too_deep_yaml(text).unwrap_or(0);
            return Err(Diagnostic::error(format!(
                "invalid front matter: collections nested more than {MAX_YAML_DEPTH} deep"
            ))
            .at(Span::new(id, at, at + 1))
            .label("too deep from here")
            .help("front matter needs a few levels at most ([[notes]] is two): look for `[` or `{` left open"));
        }
        Format::Yaml => match serde_yaml_ng::from_str::<T>(text) {
            Ok(v) => return Ok(v),
            Err(e) => {
                let at = e.location().map_or(0, |l| l.index());
                let msg = e.to_string();
                // serde_yaml_ng appends " at line N column M": our report says it already.
                let msg = match msg.find(" at line ") {
                    Some(i) => msg[..i].to_string(),
                    None => msg,
                };
                (
                    msg,
                    Span::new(id, split.fm_start + at, split.fm_start + at + 1),
                )
            }
        },
    };
    let mut d = Diagnostic::error(format!("invalid front matter: {msg}"))
        .at(span)
        .label("here");
    if let Some((field, _)) = unknown_field(&msg) {
        d = d.suggest(&field, keys.iter().copied());
        d = d.note(format!("valid keys here: {}", keys.join(", ")));
    }
    if msg.starts_with("missing field") {
        d = d
            .label("front matter starts here")
            .help("add the key to the front matter, e.g. `title = \"...\"` (see docs/format.md)");
    }
    Err(d)
}

/// How deep YAML front matter may nest `[...]` and `{...}`.
///
/// The YAML parser under serde_yaml_ng rechecks every open level at each
/// token, so nesting costs the square of its depth (40,000 levels took
/// 2.1 s, issue 12) before serde's own recursion limit (128) refuses it.
/// Counting brackets first costs one pass.
pub const MAX_YAML_DEPTH: usize = 64;

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

/// The span a TOML error points at, moved into the file by `offset`.
pub fn toml_error_span(e: &toml::de::Error, id: SourceId, offset: usize) -> Span {
    match e.span() {
        Some(r) => Span::new(id, offset + r.start, offset + r.end.max(r.start + 1)),
        None => Span::new(id, offset, offset),
    }
}

/// Picks the field name out of serde's "unknown field `x`, expected ..." text.
pub fn unknown_field(msg: &str) -> Option<(String, ())> {
    let rest = msg.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    Some((rest[..end].to_string(), ()))
}

/// The span of the line that sets `key` in `start..end` of file `id`, for
/// problems found after deserializing (serde gives no positions for them).
pub fn find_key(id: SourceId, sources: &SourceMap, start: usize, end: usize, key: &str) -> Span {
    let text = &sources.get(id).text[start..end];
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

/// Finds where a string value appears in `start..end` of file `id`, searching
/// from `from`: how annotations learn their position in the front matter.
/// Falls back to `start` when the value is written with escapes.
pub fn find_value(
    id: SourceId,
    sources: &SourceMap,
    start: usize,
    end: usize,
    from: usize,
    value: &str,
) -> Span {
    let text = &sources.get(id).text;
    let from = from.clamp(start, end);
    if value.is_empty() {
        return Span::new(id, from, from);
    }
    // Prefer the value as a whole string (`"Kirby"`), so a short value is not
    // found inside a longer one (`"John Kirby"`); fall back to the bare text.
    let quoted = [format!("\"{value}\""), format!("'{value}'")];
    let search = |region: std::ops::Range<usize>| -> Option<Span> {
        for q in &quoted {
            if let Some(i) = text[region.clone()].find(q.as_str()) {
                let s = region.start + i + 1;
                return Some(Span::new(id, s, s + value.len()));
            }
        }
        text[region.clone()]
            .find(value)
            .map(|i| Span::new(id, region.start + i, region.start + i + value.len()))
    };
    search(from..end)
        .or_else(|| search(start..end))
        .unwrap_or(Span::new(id, from, from))
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

const MONTHS: [&str; 12] = [
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
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if day == 0 || day > days[month as usize - 1] {
            return Err(format!(
                "`{s}` has day {day}, but {} {year} has {} days",
                MONTHS[month as usize - 1],
                days[month as usize - 1]
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
            let ok_clock = clock.len() >= 5
                && clock
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.');
            let ok_offset =
                offset.eq_ignore_ascii_case("z") || (offset.len() == 6 && &offset[3..4] == ":");
            if !ok_clock || !ok_offset {
                return Err(format!(
                    "`{s}` has a time gloss cannot read: use RFC 3339, e.g. 2021-08-26T14:30:00Z"
                ));
            }
            let clock = if clock.len() == 5 {
                format!("{clock}:00")
            } else {
                clock[..8.min(clock.len())].to_string()
            };
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
        let text = match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected a date such as 2021-08-26"))?
        {
            Raw::Toml(dt) => dt.to_string(),
            Raw::Text(s) => s,
        };
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
