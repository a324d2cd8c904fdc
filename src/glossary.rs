//! The people/organisation glossary: entries from `content/glossary/` and
//! articles' `[[entities]]`, checked across files, and the [`Linker`] that
//! finds their names in article text.

use crate::content::{Content, EntryFront, Kind, Layout, Link};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::Spans;
use crate::hash::{Fingerprint, FingerprintBuilder};
use crate::markdown::{self, UrlRef};
use crate::raw_html::RawHtml;
use crate::source::Span;
use crate::url_safety;
use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};
use std::collections::{BTreeMap, HashMap};

/// Index of an entry in [`Glossary::entries`] (sorted by id).
pub(crate) type EntryIdx = usize;

#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub aliases: Vec<String>,
    pub role: String,
    pub affiliations: Vec<EntryIdx>,
    pub wikidata: String,
    pub links: Vec<Link>,
    pub description_html: String,
    /// The first sentence of the description, plain text.
    pub summary: String,
    pub autolink: bool,
    /// Where the entry is defined (its file, or the article's entity).
    pub span: Span,
}

impl Entry {
    /// The entry's route (`/glossary/<id>/`); see [`crate::routes`].
    pub fn url(&self) -> crate::routes::Route {
        crate::routes::entry(&self.id)
    }

    /// The name as readers see it: with the smart punctuation of the body
    /// (`Lloyd's List` reads `Lloyd’s List`, beside the body's `Lloyd’s`).
    /// `name` stays as written, for matching, sorting and messages.
    pub fn display_name(&self) -> std::borrow::Cow<'_, str> {
        smart_punctuation(&self.name)
    }

    /// The role as readers see it, as [`Entry::display_name`].
    pub fn display_role(&self) -> std::borrow::Cow<'_, str> {
        smart_punctuation(&self.role)
    }
}

/// `text` (plain text, one line) with the smart punctuation Markdown bodies
/// get: curly quotes and apostrophes, `--` and `---` as en and em dashes,
/// `...` as `…`. pulldown-cmark does it, as for the body, so the two agree;
/// every other ASCII punctuation mark is escaped first so that nothing in
/// the text is read as Markdown. Text with nothing to change is returned as
/// it is, without parsing: most names.
pub(crate) fn smart_punctuation(text: &str) -> std::borrow::Cow<'_, str> {
    use pulldown_cmark::{Event, Options, Parser};
    if !text.contains(['\'', '"']) && !text.contains("--") && !text.contains("...") {
        return text.into();
    }
    // `\&` first: no line that starts with an escaped mark opens a list, a
    // heading or a block quote; its `&` is dropped from the result.
    let mut escaped = String::with_capacity(text.len() * 2 + 2);
    escaped.push_str("\\&");
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => escaped.push(' '),
            '\'' | '"' | '-' | '.' => escaped.push(c),
            c if c.is_ascii_punctuation() => {
                escaped.push('\\');
                escaped.push(c);
            }
            c => escaped.push(c),
        }
    }
    let mut out = String::with_capacity(text.len() + 8);
    for event in Parser::new_ext(&escaped, Options::ENABLE_SMART_PUNCTUATION) {
        if let Event::Text(t) = event {
            out.push_str(&t);
        }
    }
    match out.strip_prefix('&') {
        Some(rest) => rest.to_string().into(),
        None => text.into(),
    }
}

/// All entries, sorted by id.
#[derive(Debug, Default)]
pub struct Glossary {
    pub entries: Vec<Entry>,
    by_id: HashMap<String, EntryIdx>,
}

impl Glossary {
    pub fn get(&self, id: &str) -> Option<EntryIdx> {
        self.by_id.get(id).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.id.as_str())
    }

    /// Adds to `f` what an article is resolved against and its body
    /// written from: each entry's position, id, name, kind, aliases and
    /// whether it is linked automatically (the linker's names, the
    /// mentions' and quotes' links, the authors' entries). Not the roles,
    /// descriptions, links or spans, which only pages show (see
    /// [`Glossary::entry_prints`]): an edit of those resolves no article
    /// again (issue 15).
    pub(crate) fn add_shape(&self, f: &mut FingerprintBuilder) {
        f.bytes(&self.entries.len().to_le_bytes());
        for e in &self.entries {
            f.bytes(e.id.as_bytes())
                .bytes(e.name.as_bytes())
                .bytes(e.kind.as_str().as_bytes())
                .bytes(&[u8::from(e.autolink)])
                .bytes(&e.aliases.len().to_le_bytes());
            for alias in &e.aliases {
                f.bytes(alias.as_bytes());
            }
        }
    }

    /// The fingerprint of each entry, by position: everything in it but
    /// where it is defined. A span names its file by id, which another file
    /// coming or going before it shifts, and no page shows it; with it, a
    /// build cache would see every entry change when a file is added.
    pub(crate) fn entry_prints(&self) -> Vec<Fingerprint> {
        use std::io::Write as _;
        let nowhere = Span {
            source: crate::source::SourceId(0),
            start: 0,
            end: 0,
        };
        self.entries
            .iter()
            .map(|e| {
                let e = Entry {
                    span: nowhere,
                    ..e.clone()
                };
                let mut f = FingerprintBuilder::default();
                write!(f, "{e:?}").expect("a fingerprint takes any text");
                f.finish()
            })
            .collect()
    }
}

/// Collects entries from glossary files and every article's `[[entities]]`,
/// and checks ids, names, aliases, affiliations and URLs across them (raw
/// HTML in descriptions is handled as `raw_html` says).
pub(crate) fn build(content: &Content, raw_html: RawHtml, diags: &mut Diagnostics) -> Glossary {
    struct Raw<'a> {
        id: String,
        front: &'a EntryFront,
        span: Span,
        description: String,
        /// Where a description's Markdown starts: the body of a glossary
        /// file, or (`None`) a string in an article's front matter.
        description_at: Option<usize>,
        layout: Layout,
        /// Where the entry's keys are: its file's front matter, or
        /// `entities.<k>.` of an article's.
        spans: &'a Spans,
        prefix: String,
    }
    impl Raw<'_> {
        /// The span of the entry's value at `key` (`aliases.2`).
        fn at(&self, key: &str) -> Span {
            self.spans.value_or_parent(&format!("{}{key}", self.prefix))
        }
    }
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    let mut staged = Vec::new();
    for e in &content.entries {
        staged.push(Raw {
            id: e.id.clone(),
            front: &e.front,
            span: Span::file(e.layout.source),
            description: content.body(&e.layout).to_string(),
            description_at: Some(e.layout.body_start),
            layout: e.layout,
            spans: &e.spans,
            prefix: String::new(),
        });
    }
    for a in &content.articles {
        for (k, ent) in a.front.entities.iter().enumerate() {
            let id_text = ent.id.clone().unwrap_or_default();
            let span = a.spans.value_or_parent(&format!("entities.{k}.id"));
            if id_text.is_empty() {
                diags.push(
                    Diagnostic::error("an [[entities]] entry needs an `id`")
                        .at(span)
                        .help("add e.g. `id = \"jane-doe\"`: it is how quotes and mentions refer to the entry"),
                );
                continue;
            }
            staged.push(Raw {
                id: id_text,
                front: ent,
                span,
                description: ent.description.clone(),
                description_at: None,
                layout: a.layout,
                spans: &a.spans,
                prefix: format!("entities.{k}."),
            });
        }
    }
    for r in staged {
        if let Some(first) = raw.get(&r.id) {
            diags.push(
                Diagnostic::error(format!("glossary id `{}` is defined twice", r.id))
                    .at(r.span)
                    .label("defined again here")
                    .also(first.span, "first defined here")
                    .help("rename one of them: ids must be unique across the glossary and all articles' [[entities]]"),
            );
            continue;
        }
        raw.insert(r.id.clone(), r);
    }
    let ids: Vec<String> = raw.keys().cloned().collect();
    let by_id: HashMap<String, EntryIdx> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    let mut entries = Vec::with_capacity(raw.len());
    let mut names: BTreeMap<String, (EntryIdx, Span)> = BTreeMap::new();
    for (idx, r) in raw.values().enumerate() {
        let mut affiliations = Vec::new();
        for (j, aff) in r.front.affiliation.iter().enumerate() {
            let span = r.at(&format!("affiliation.{j}"));
            match by_id.get(aff) {
                Some(&i) if i != idx => affiliations.push(i),
                Some(_) => diags.push(
                    Diagnostic::error(format!("`{}` lists itself as an affiliation", r.id))
                        .at(span)
                        .label("here"),
                ),
                None => diags.push(
                    Diagnostic::error(format!("unknown affiliation `{aff}`"))
                        .at(span)
                        .label("no glossary entry has this id")
                        .suggest(aff, ids.iter().map(String::as_str))
                        .help(format!(
                            "create content/glossary/{aff}.md, or use an existing entry's id"
                        )),
                ),
            }
        }
        if r.front.name.trim().is_empty() {
            diags.push(
                Diagnostic::error(format!("glossary entry `{}` has an empty name", r.id))
                    .at(r.span)
                    .help("set `name = \"...\"`"),
            );
        }
        for (k, name) in std::iter::once(&r.front.name)
            .chain(&r.front.aliases)
            .enumerate()
        {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let span = match k {
                0 => r.at("name"),
                _ => r.at(&format!("aliases.{}", k - 1)),
            };
            if let Some((other, other_span)) = names.get(name) {
                if *other != idx {
                    diags.push(
                        Diagnostic::error(format!(
                            "the name `{name}` belongs to two glossary entries: `{}` and `{}`",
                            ids[*other], r.id
                        ))
                        .at(span)
                        .label("used here")
                        .also(*other_span, "and here")
                        .help("a name or alias must point to one entry; remove it from one of them, or write an explicit mention `[text](@id)`"),
                    );
                }
                continue;
            }
            names.insert(name.to_string(), (idx, span));
        }
        let description = markdown::render_block_with(&r.description, raw_html);
        check_description_urls(
            content,
            &r.layout,
            (r.spans, &r.prefix),
            r.description_at,
            &r.description,
            &description.urls,
            diags,
        );
        check_links(|i| r.at(&format!("links.{i}.url")), &r.front.links, diags);
        let (description_html, plain) = (description.html, description.plain);
        entries.push(Entry {
            id: r.id.clone(),
            name: r.front.name.trim().to_string(),
            kind: r.front.kind,
            aliases: r.front.aliases.clone(),
            role: r.front.role.clone(),
            affiliations,
            wikidata: r.front.wikidata.clone(),
            links: r.front.links.clone(),
            description_html,
            summary: first_sentence(&plain),
            autolink: r.front.autolink.unwrap_or(true),
            span: r.span,
        });
    }
    Glossary { entries, by_id }
}

/// The URL check on the links and images of an entry's description.
fn check_description_urls(
    content: &Content,
    layout: &Layout,
    (spans, prefix): (&Spans, &str),
    body_start: Option<usize>,
    description: &str,
    urls: &[UrlRef],
    diags: &mut Diagnostics,
) {
    if urls.is_empty() {
        return;
    }
    let mut ds = Vec::new();
    match body_start {
        Some(start) => crate::annotate::urls::check_markdown_urls(
            urls,
            |u| Span::new(layout.source, start + u.source.start, start + u.source.end),
            &mut ds,
        ),
        None => {
            let path = format!("{prefix}description");
            crate::annotate::urls::check_markdown_urls(
                urls,
                |u| crate::annotate::urls::locate_in_value(content, spans, &path, description, u),
                &mut ds,
            );
        }
    }
    diags.extend(ds);
}

/// The URL check on an entry's `links`: a refused URL is an error at it,
/// never a link silently left out.
fn check_links(url_at: impl Fn(usize) -> Span, links: &[Link], diags: &mut Diagnostics) {
    for (i, l) in links.iter().enumerate() {
        let span = url_at(i);
        if let Err(problem) = url_safety::check(&l.url) {
            diags.push(
                Diagnostic::error(url_safety::message(
                    &format!("the URL of link `{}`", l.title),
                    &l.url,
                    &problem,
                ))
                .at(span)
                .label("refused")
                .help(url_safety::HELP),
            );
        }
    }
}

fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let mut end = text.len();
    for (i, _) in text.match_indices(". ") {
        // Skip initials and abbreviations such as "U.S." or "Gen.".
        let word = text[..i].rsplit(' ').next().unwrap_or("");
        if word.len() > 3 || word.chars().all(|c| c.is_lowercase()) {
            end = i + 1;
            break;
        }
    }
    let s = text[..end].lines().next().unwrap_or("").trim();
    s.to_string()
}

/// One automaton over every name and alias of every entry that auto-links:
/// finding all mentions in a text costs one pass, whatever the glossary's size.
/// Cloning shares the automaton.
#[derive(Clone)]
pub(crate) struct Linker {
    automaton: Option<AhoCorasick>,
    /// The entry each pattern belongs to.
    owners: Vec<EntryIdx>,
}

/// A name found in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub entry: EntryIdx,
}

impl Linker {
    pub(crate) fn new(glossary: &Glossary, case_sensitive: bool) -> Linker {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, e) in glossary.entries.iter().enumerate() {
            if !e.autolink {
                continue;
            }
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                patterns.push(name.to_string());
                owners.push(i);
                // Smart punctuation turns the body's ' into ’: match both.
                if name.contains('\'') {
                    patterns.push(name.replace('\'', "’"));
                    owners.push(i);
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    // Anchored too: for the shorter name at a match's start.
                    .start_kind(StartKind::Both)
                    .ascii_case_insensitive(!case_sensitive)
                    // Not a DFA: for a 2,000-entry glossary, building one
                    // (twice, for both start kinds) took a tenth of a
                    // 10,000-article build, on one thread before any article
                    // resolves; the contiguous NFA builds in milliseconds
                    // and searches the articles about as fast.
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .expect("glossary names always build an automaton"),
            )
        };
        Linker { automaton, owners }
    }

    /// Every leftmost-longest match in `text` that stands on word boundaries.
    ///
    /// A name found inside a word does not hide one that starts later
    /// ("Donald Smith" in "McDonald Smith" leaves "Smith"), and a name that
    /// runs into a word gives way to the longest shorter one at the same
    /// place ("Kirby" in "Kirby Jrx", where "Kirby Jr" is also a name).
    pub(crate) fn find(&self, text: &str) -> Vec<Found> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(m) = ac.find(Input::new(text).range(at..)) {
            match whole_words(ac, text, m) {
                Some(m) => {
                    found.push(Found {
                        start: m.start(),
                        end: m.end(),
                        entry: self.owners[m.pattern().as_usize()],
                    });
                    at = m.end();
                }
                None => at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8),
            }
        }
        found
    }
}

/// `m`, or the longest name that starts where it does and ends sooner, if
/// one stands on word boundaries.
fn whole_words(
    ac: &AhoCorasick,
    text: &str,
    m: aho_corasick::Match,
) -> Option<aho_corasick::Match> {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    if is_word(text[..m.start()].chars().next_back()) {
        return None;
    }
    let mut m = m;
    while is_word(text[m.end()..].chars().next()) {
        let shorter = Input::new(text)
            .range(m.start()..m.end() - 1)
            .anchored(Anchored::Yes);
        m = ac.find(shorter)?;
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary(entries: &[(&str, &str, &[&str])]) -> Glossary {
        let entries: Vec<Entry> = entries
            .iter()
            .map(|(id, name, aliases)| Entry {
                id: id.to_string(),
                name: name.to_string(),
                kind: Kind::Person,
                aliases: aliases.iter().map(|s| s.to_string()).collect(),
                role: String::new(),
                affiliations: vec![],
                wikidata: String::new(),
                links: vec![],
                description_html: String::new(),
                summary: String::new(),
                autolink: true,
                span: Span::file(crate::source::SourceId(0)),
            })
            .collect();
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Glossary { entries, by_id }
    }

    #[test]
    fn names_get_the_smart_punctuation_of_the_body_and_nothing_else() {
        assert_eq!(smart_punctuation("Lloyd's List"), "Lloyd’s List");
        assert_eq!(
            smart_punctuation("Press secretary -- \"the voice\" of the *ministry*"),
            "Press secretary – “the voice” of the *ministry*"
        );
        assert_eq!(smart_punctuation("'Ndrangheta..."), "’Ndrangheta…");
        assert_eq!(smart_punctuation("1. FC Köln's <b>"), "1. FC Köln’s <b>");
        assert_eq!(smart_punctuation("# Not a heading's"), "# Not a heading’s");
        assert!(matches!(
            smart_punctuation("UK P&I Club"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_longest_name_wins_and_words_must_be_whole() {
        let g = glossary(&[
            (
                "kirby",
                "John Kirby",
                &["Kirby", "Pentagon spokesperson John Kirby"],
            ),
            ("pentagon", "Pentagon", &[]),
        ]);
        let linker = Linker::new(&g, true);
        let text = "Pentagon spokesperson John Kirby said. Kirbyson and the Pentagon.";
        let found = linker.find(text);
        let names: Vec<&str> = found.iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(names, ["Pentagon spokesperson John Kirby", "Pentagon"]);
        assert_eq!(found[0].entry, 0);
    }

    #[test]
    fn a_name_inside_a_word_hides_no_later_name() {
        let g = glossary(&[
            ("donald-smith", "Donald Smith", &[]),
            ("jane-smith", "Jane Smith", &["Smith"]),
        ]);
        let text = "McDonald Smith spoke.";
        let found = Linker::new(&g, true).find(text);
        let names: Vec<&str> = found.iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(names, ["Smith"]);
        assert_eq!(found[0].entry, 1);
    }

    #[test]
    fn a_name_that_runs_into_a_word_gives_way_to_a_shorter_one() {
        let g = glossary(&[
            ("us", "United States", &["United States Navy"]),
            ("kirby", "John Kirby", &["Kirby", "Kirby Jr"]),
        ]);
        let text = "The United States Navyman met Kirby Jrx, and Kirby Jr left.";
        let found = Linker::new(&g, true).find(text);
        let names: Vec<&str> = found.iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(names, ["United States", "Kirby", "Kirby Jr"]);
    }

    /// The names, by brute force: at each place where a word starts, the
    /// longest name there that also ends a word.
    fn reference(names: &[String], text: &str) -> Vec<(usize, usize)> {
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut out = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let best = names
                .iter()
                .filter(|n| text[at..].starts_with(n.as_str()))
                .map(|n| at + n.len())
                .filter(|&end| {
                    !is_word(text[..at].chars().next_back()) && !is_word(text[end..].chars().next())
                })
                .max();
            match best {
                Some(end) => {
                    out.push((at, end));
                    at = end;
                }
                None => at += text[at..].chars().next().map_or(1, char::len_utf8),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_linker_finds_what_brute_force_finds(
            names in proptest::collection::vec("[ab]{1,2}( [abé]{1,2})?", 1..6),
            words in proptest::collection::vec("[abé]{1,3}|’|,", 0..30),
        ) {
            let text = words.join(" ");
            let entries: Vec<(String, &str, &[&str])> =
                names.iter().enumerate().map(|(i, n)| (format!("e{i}"), n.as_str(), &[][..])).collect();
            let entries: Vec<(&str, &str, &[&str])> =
                entries.iter().map(|(id, n, a)| (id.as_str(), *n, *a)).collect();
            let found: Vec<(usize, usize)> = Linker::new(&glossary(&entries), true)
                .find(&text)
                .iter()
                .map(|f| (f.start, f.end))
                .collect();
            proptest::prop_assert_eq!(found, reference(&names, &text));
        }
    }

    #[test]
    fn first_sentence_skips_abbreviations() {
        assert_eq!(
            first_sentence("A U.S. Navy admiral. He spoke."),
            "A U.S. Navy admiral."
        );
        assert_eq!(first_sentence("One line only"), "One line only");
    }
}
