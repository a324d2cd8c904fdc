//! Speakers and outlet attributions: takes the document and its quotations,
//! returns who said each quotation (by which rule, and whether the rule was
//! sure), the people and organisations named along the way, and source notes
//! for attributions to outlets and reports.
//!
//! One pass over the blocks in order, so "the most recent person" means the
//! most recent before the quotation. The rules, tried in this order:
//! a speech verb right after the quotation (`," said Mara Lind` / `," she
//! said`), a speech verb before it in its sentence (`Lind said: "`, with
//! `According to X,`), the second half of a split quotation, a continuation
//! (a quotation carried over a paragraph break, or a paragraph that is only a
//! quotation right after a quoted one). A pronoun goes to the most recent
//! person (or, for "it", organisation) that fits; "the minister" to the most
//! recent person with that role. Anything a rule is not sure of carries the
//! reason, so the draft can say so beside the quote.

use super::document::{Block, BlockKind, Document};
use super::names::{self, NameRun};
use super::quotes::{self, Quote};
use super::Glossary;
use crate::content::Kind;
use serde::Serialize;

const VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "reported",
    "noted",
    "notes",
    "wrote",
    "writes",
    "asked",
    "asks",
    "explained",
    "explains",
    "warned",
    "warns",
    "argued",
    "argues",
    "insisted",
    "insists",
    "stated",
    "states",
    "replied",
    "continued",
    "recalled",
    "recalls",
    "acknowledged",
    "admitted",
    "admits",
    "declared",
    "announced",
    "claimed",
    "claims",
    "conceded",
    "stressed",
    "urged",
    "cautioned",
    "observed",
    "remarked",
    "concluded",
    "confirmed",
    "confirms",
    "complained",
    "joked",
    "answered",
    "responded",
    "testified",
];

/// Which rule attributed a quotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// `"…," said Mara Lind` or `"…," Lind said`.
    SpeechVerbAfter,
    /// `Lind said: "…"`, `Lind said the plan was "…"`.
    SpeechVerbBefore,
    /// `According to Lind, "…"`.
    AccordingTo,
    /// `"…," she said` / `she said, "…"`: a pronoun, to the most recent fitting person.
    Pronoun,
    /// `"…," the minister said`: the most recent person with that role.
    Role,
    /// The second half of `"…," she said, "…"`.
    SplitQuote,
    /// A quotation carried over a paragraph break, or a quoted paragraph after a quoted one.
    Continuation,
    /// A block quotation with a `— Name` line or a lead-in ending in a colon.
    BlockQuote,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SpeechVerbAfter => "speech-verb-after",
            Rule::SpeechVerbBefore => "speech-verb-before",
            Rule::AccordingTo => "according-to",
            Rule::Pronoun => "pronoun",
            Rule::Role => "role",
            Rule::SplitQuote => "split-quote",
            Rule::Continuation => "continuation",
            Rule::BlockQuote => "block-quote",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gender {
    Female,
    Male,
}

/// A person or organisation named in the article.
#[derive(Clone, Debug)]
pub struct Party {
    /// The fullest name the text gave ("Mara Lind", not "Lind").
    pub name: String,
    /// `None` for a name of unknown kind (a place, say): never a speaker.
    pub kind: Option<Kind>,
    /// The glossary entry it matched, if any.
    pub id: Option<String>,
    /// "hydrologist at the Coastal Research Institute", from an appositive or a title.
    pub role: Option<String>,
    /// Shorter forms the text used ("Lind", an acronym).
    pub aliases: Vec<String>,
    /// Why it is taken to be a person or organisation (for the report).
    pub evidence: Vec<&'static str>,
    /// The sentence of its first mention.
    pub sentence: String,
    pub mentions: usize,
    /// Quoted at least once.
    pub is_speaker: bool,
    /// Named as an outlet (`told Reuters`): a source, not a glossary entry.
    pub is_outlet: bool,
    gender: Option<Gender>,
}

/// Who said a quotation.
#[derive(Clone, Debug)]
pub struct Attribution {
    pub quote: Quote,
    /// Index into [`Attributed::parties`]; `None`: no rule found a speaker.
    pub speaker: Option<usize>,
    pub rule: Option<Rule>,
    /// Why the attribution is unsure, when it is.
    pub unsure: Option<String>,
    /// The outlet the quotation was given to (`told Reuters`), an index into `notes`.
    pub outlet: Option<usize>,
}

/// An attribution to an outlet or a report: a source note to be.
#[derive(Clone, Debug)]
pub struct OutletNote {
    pub block: usize,
    /// Byte range of the anchor in the block's text.
    pub start: usize,
    pub end: usize,
    /// "told Reuters", "the Harbour Gazette reported".
    pub anchor: String,
    pub publisher: String,
}

#[derive(Clone, Debug, Default)]
pub struct Attributed {
    pub parties: Vec<Party>,
    pub quotes: Vec<Attribution>,
    pub notes: Vec<OutletNote>,
}

/// State of the pass: who has been named, most recent last.
struct Pass<'a> {
    glossary: &'a Glossary,
    parties: Vec<Party>,
    recent: Vec<usize>,
}

fn is_verb(w: &str) -> bool {
    VERBS.contains(&w)
}

fn pronoun(w: &str) -> Option<&'static str> {
    match w {
        "he" | "He" => Some("he"),
        "she" | "She" => Some("she"),
        "they" | "They" => Some("they"),
        "it" | "It" => Some("it"),
        _ => None,
    }
}

/// The sentence of `text` around byte offset `at`.
pub fn sentence_at(text: &str, at: usize) -> String {
    let ends = sentence_ends(text);
    let start = ends.iter().rev().find(|&&e| e <= at).copied().unwrap_or(0);
    let end = ends
        .iter()
        .find(|&&e| e > at)
        .copied()
        .unwrap_or(text.len());
    text[start..end].trim().to_string()
}

/// Byte offsets where a sentence starts: after `. `, `? `, `! ` (a closing
/// quote mark may sit between), not after a title abbreviation.
fn sentence_ends(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '?' | '!') {
            let mut j = i + 1;
            while j < b.len() && (b[j] == b'"' || text[j..].starts_with('”')) {
                j += if b[j] == b'"' { 1 } else { '”'.len_utf8() };
            }
            if j < b.len() && b[j] == b' ' {
                let before = &text[..i];
                let word = before.rsplit(' ').next().unwrap_or("");
                if c == '.'
                    && [
                        "Mr", "Ms", "Mrs", "Dr", "St", "Prof", "Gen", "Sen", "Rev", "Jr",
                    ]
                    .contains(&word)
                {
                    continue;
                }
                out.push(j + 1);
            }
        }
    }
    out
}

/// Where the clause holding a speech verb is, in a stretch of text outside quotes.
struct Clause {
    /// Byte range of the verb in the frame.
    verb: (usize, usize),
}

fn find_verb(
    frame: &str,
    words: &[(usize, usize)],
    from_word: usize,
    max_words: usize,
) -> Option<Clause> {
    for (k, &(s, e)) in words.iter().enumerate().skip(from_word).take(max_words) {
        let w = &frame[s..e];
        if is_verb(w) {
            return Some(Clause { verb: (s, e) });
        }
        if w.eq_ignore_ascii_case("according") && frame[e..].starts_with(" to ") {
            return Some(Clause { verb: (s, e + 3) });
        }
        let _ = k;
    }
    None
}

/// The subject of a clause, as written.
#[derive(Clone, Debug)]
enum Subject {
    Pronoun(&'static str),
    /// A name run (offsets in the frame).
    Name(NameRun),
    /// "the minister", "a spokesperson for the Ministry of Water".
    Description(String),
}

impl<'a> Pass<'a> {
    /// The party `name` refers to: an earlier one by full name or alias (a
    /// surname alone counts), else a new one.
    fn party_for(&mut self, name: &str, kind_hint: Option<Kind>) -> usize {
        if let Some(i) = self
            .parties
            .iter()
            .position(|p| p.name == name || p.aliases.iter().any(|a| a == name))
        {
            return i;
        }
        // A surname (or a shorter tail) of a known person.
        if !name.contains(' ') {
            if let Some(i) = self.parties.iter().rposition(|p| {
                p.kind != Some(Kind::Organisation)
                    && !is_place(&p.name)
                    && p.name.rsplit(' ').next() == Some(name)
                    && p.name != name
            }) {
                self.parties[i].aliases.push(name.to_string());
                return i;
            }
        }
        // A longer form of a name seen first alone ("Lind", then "Mara Lind").
        if name.contains(' ') {
            let last = name.rsplit(' ').next().unwrap_or(name);
            if let Some(i) = self
                .parties
                .iter()
                .position(|p| p.name == last && p.kind != Some(Kind::Organisation))
            {
                let short = std::mem::replace(&mut self.parties[i].name, name.to_string());
                self.parties[i].aliases.push(short);
                return i;
            }
        }
        let known = self.glossary.find(name);
        let kind = known
            .map(|k| k.kind)
            .or(kind_hint)
            .or_else(|| guess_kind(name));
        let mut evidence = Vec::new();
        if known.is_some() {
            evidence.push("glossary");
        }
        self.parties.push(Party {
            name: name.to_string(),
            kind,
            id: known.map(|k| k.id.clone()),
            role: None,
            aliases: Vec::new(),
            evidence,
            sentence: String::new(),
            mentions: 0,
            is_speaker: false,
            is_outlet: false,
            gender: None,
        });
        self.parties.len() - 1
    }

    /// Records a mention of `run` in `text` (a block's text; `run` in its
    /// offsets): kind, role and gender from what surrounds it.
    fn mention(&mut self, text: &str, run: &NameRun) -> Option<usize> {
        let (title, name) = names::split_title(&run.text);
        if name.is_empty() {
            return None;
        }
        let name_start = run.start + (run.text.len() - name.len());
        let before = &text[..run.start];
        let prev_words: Vec<&str> = before
            .split_whitespace()
            .rev()
            .take(3)
            .map(|w| w.trim_end_matches(','))
            .collect();
        let lower_role: Vec<&str> = prev_words
            .iter()
            .take_while(|w| w.chars().all(|c| c.is_lowercase() || c == '-') && !w.is_empty())
            .copied()
            .collect();
        let role_word = lower_role.iter().any(|w| names::ROLES.contains(w))
            && lower_role.first().is_some_and(|w| names::ROLES.contains(w));
        let appositive = appositive(&text[run.end..]);
        let is_org = names::has_org_word(name) || names::is_acronym(name);
        let person_evidence = !title.is_empty() || role_word || (appositive.is_some() && !is_org);
        let hint = if is_org {
            Some(Kind::Organisation)
        } else if person_evidence {
            Some(Kind::Person)
        } else {
            None
        };
        let i = self.party_for(name, hint);
        let p = &mut self.parties[i];
        if p.kind.is_none() && hint.is_some() {
            p.kind = hint;
        }
        if p.sentence.is_empty() {
            p.sentence = sentence_at(text, name_start);
        }
        p.mentions += 1;
        if !title.is_empty() {
            push_unique(&mut p.evidence, "title");
            if p.role.is_none() && !matches!(title, "Mr" | "Ms" | "Mrs" | "Miss" | "Dr") {
                p.role = Some(title.to_string());
            }
            match title.split(' ').next_back() {
                Some("Mr") | Some("Sir") | Some("Lord") => p.gender = Some(Gender::Male),
                Some("Ms") | Some("Mrs") | Some("Miss") | Some("Dame") | Some("Lady") => {
                    p.gender = Some(Gender::Female)
                }
                _ => {}
            }
        }
        if role_word {
            push_unique(&mut p.evidence, "role before the name");
            if p.role.is_none() {
                let mut r: Vec<&str> = lower_role.clone();
                r.reverse();
                p.role = Some(r.join(" "));
            }
        }
        if let Some(a) = appositive {
            if !is_org {
                push_unique(&mut p.evidence, "appositive");
            }
            if p.role.is_none() {
                p.role = Some(a);
            }
        }
        // An acronym in brackets after an organisation is its alias.
        if is_org {
            let rest = &text[run.end..];
            if let Some(inner) = rest
                .strip_prefix(" (")
                .and_then(|r| r.split_once(')'))
                .map(|(a, _)| a)
            {
                if names::is_acronym(inner) && !p.aliases.iter().any(|a| a == inner) {
                    p.aliases.push(inner.to_string());
                }
            }
        }
        self.recent.retain(|&r| r != i);
        self.recent.push(i);
        Some(i)
    }

    /// The most recent party a pronoun can mean, and why the choice is unsure, if it is.
    fn resolve_pronoun(&mut self, p: &str) -> Option<(usize, Option<String>)> {
        // A two-word name of no known kind that is not a place is most
        // likely a person ("Tomas Berg, who runs a ferry service").
        let person = |party: &Party| {
            party.kind == Some(Kind::Person)
                || (party.kind.is_none()
                    && !party.is_outlet
                    && party.name.contains(' ')
                    && !is_place(&party.name))
        };
        let fits = |party: &Party| match p {
            "he" => person(party) && party.gender != Some(Gender::Female),
            "she" => person(party) && party.gender != Some(Gender::Male),
            "it" => party.kind == Some(Kind::Organisation) && !party.is_outlet,
            _ => party.kind.is_some() && !party.is_outlet,
        };
        let mut fitting = self
            .recent
            .iter()
            .rev()
            .copied()
            .filter(|&i| fits(&self.parties[i]));
        let chosen = fitting.next()?;
        let other = fitting.next();
        let mut unsure = None;
        if let Some(o) = other {
            if self.parties[chosen].gender.is_none() && person(&self.parties[o]) && p != "it" {
                unsure = Some(format!(
                    "\"{p}\" taken as the most recently named person, {}; {} was named before",
                    self.parties[chosen].name, self.parties[o].name
                ));
            }
        }
        let g = match p {
            "he" => Some(Gender::Male),
            "she" => Some(Gender::Female),
            _ => None,
        };
        if g.is_some() && self.parties[chosen].gender.is_none() {
            self.parties[chosen].gender = g;
        }
        Some((chosen, unsure))
    }

    /// "the minister": the most recent person whose role has that word; "the
    /// ministry": the most recent organisation whose name has it; "a
    /// spokesperson for the Ministry of Water": that organisation.
    fn resolve_description(
        &mut self,
        text: &str,
        frame_offset: usize,
        d: &str,
    ) -> Option<(usize, Option<String>)> {
        let runs = names::name_runs(d);
        if let Some(org) = runs.iter().find(|r| names::has_org_word(&r.text)) {
            // Where the description sits in the block, to read around the name.
            let i = match text.get(frame_offset..).and_then(|t| t.find(d)) {
                Some(at) => {
                    let base = frame_offset + at;
                    let shifted = NameRun {
                        start: org.start + base,
                        end: org.end + base,
                        text: org.text.clone(),
                    };
                    self.mention(text, &shifted)?
                }
                None => self.party_for(&org.text, Some(Kind::Organisation)),
            };
            let head = d.split(' ').find(|w| names::ROLES.contains(w));
            let unsure =
                head.map(|h| format!("spoken for {} by an unnamed {h}", self.parties[i].name));
            return Some((i, unsure));
        }
        let words: Vec<&str> = d.split(' ').collect();
        for w in words.iter().rev() {
            let lw = w.to_lowercase();
            if names::ROLES.contains(&lw.as_str()) {
                let found = self.recent.iter().rev().copied().find(|&i| {
                    let p = &self.parties[i];
                    p.kind == Some(Kind::Person)
                        && p.role
                            .as_deref()
                            .is_some_and(|r| r.to_lowercase().split(' ').any(|x| x == lw))
                });
                return found.map(|i| (i, None));
            }
            let cap = capitalise(&lw);
            let found = self.recent.iter().rev().copied().find(|&i| {
                let p = &self.parties[i];
                p.kind == Some(Kind::Organisation) && p.name.split(' ').any(|x| x == cap)
            });
            if found.is_some() {
                return found.map(|i| (i, None));
            }
        }
        None
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn push_unique(v: &mut Vec<&'static str>, s: &'static str) {
    if !v.contains(&s) {
        v.push(s);
    }
}

const PLACE_WORDS: &[&str] = &[
    "Port", "Bay", "River", "Street", "Road", "Avenue", "Island", "Islands", "North", "South",
    "East", "West", "New", "San", "Santa", "Saint", "St", "Lake", "Mount", "City", "County",
    "Province", "Valley", "Harbour", "Harbor", "Square", "Bridge", "Coast", "Beach", "Park",
    "Hill", "Hills", "Bridge", "Canal", "Sea", "Ocean", "Gulf", "Strait", "Cape", "Point", "Quay",
    "Dam", "Station", "Airport",
];

/// The kind a name has by its words alone: organisation words and acronyms;
/// a place word makes it no kind (places are neither).
fn guess_kind(name: &str) -> Option<Kind> {
    if names::has_org_word(name) || names::is_acronym(name) {
        Some(Kind::Organisation)
    } else {
        None
    }
}

/// Whether a name looks like a place ("Port Aldric", "North Quay").
pub fn is_place(name: &str) -> bool {
    name.split(' ').any(|w| PLACE_WORDS.contains(&w))
}

/// The appositive right after a name: `, a hydrologist at the Coastal
/// Research Institute,` gives "hydrologist at the Coastal Research Institute".
fn appositive(rest: &str) -> Option<String> {
    let r = rest.strip_prefix(", ")?;
    let end = r
        .find([',', '.', ';', '"', '“', '”', '('])
        .unwrap_or(r.len());
    if !r[end..].starts_with(',') && !r[end..].starts_with('.') && end != r.len() {
        return None;
    }
    let phrase = r[..end].trim();
    let first = phrase.split(' ').next()?;
    let words = phrase.split_whitespace().count();
    if words == 0
        || words > 12
        || phrase
            .split(' ')
            .any(|w| is_verb(w) || pronoun(w).is_some())
    {
        return None;
    }
    let starts_ok = matches!(first, "a" | "an" | "the" | "who" | "aged")
        || first.chars().all(|c| c.is_ascii_digit())
        || names::ROLES.contains(&first)
        || phrase.split(' ').any(|w| names::ROLES.contains(&w));
    if !starts_ok || first == "who" {
        return None;
    }
    let phrase = phrase
        .strip_prefix("a ")
        .or_else(|| phrase.strip_prefix("an "))
        .unwrap_or(phrase);
    Some(phrase.to_string())
}

/// The subject left of a verb at `verb_start` in `frame`.
fn subject_left(frame: &str, verb_start: usize) -> Option<Subject> {
    let left = frame[..verb_start].trim_end();
    let last = left.rsplit(' ').next().unwrap_or("");
    if let Some(p) = pronoun(last) {
        return Some(Subject::Pronoun(p));
    }
    let runs = names::name_runs(left);
    if left.ends_with(',') {
        // "Name, a hydrologist at X, told" / "X, which runs the port, said":
        // the first name followed by a comma clause.
        if let Some(r) = runs.iter().find(|r| left[r.end..].starts_with(", ")) {
            return Some(Subject::Name(r.clone()));
        }
        // "The association's chairwoman, Petra Holm, said".
        if let Some(r) = runs.last() {
            if r.end + 1 == left.len() && left[..r.start].ends_with(", ") {
                return Some(Subject::Name(r.clone()));
            }
        }
    }
    if let Some(r) = runs.last() {
        if r.end == left.len() {
            return Some(Subject::Name(r.clone()));
        }
    }
    // A description: up to seven words from a determiner.
    let ws: Vec<&str> = left.split(' ').collect();
    for k in (ws.len().saturating_sub(7)..ws.len()).rev() {
        if matches!(ws[k], "the" | "The" | "a" | "A" | "an" | "An") {
            let d = ws[k..].join(" ");
            if !d.contains([',', '.', '"', '“', '”']) {
                return Some(Subject::Description(d));
            }
        }
    }
    None
}

/// The subject right of a verb ending at `verb_end` (`said Mara Lind, a …`).
fn subject_right(frame: &str, verb_end: usize) -> Option<Subject> {
    let right = frame[verb_end..].trim_start();
    let offset = frame.len() - right.len();
    let first = right.split([' ', ',', '.']).next().unwrap_or("");
    if let Some(p) = pronoun(first) {
        return Some(Subject::Pronoun(p));
    }
    let runs = names::name_runs(right);
    if let Some(r) = runs.first() {
        let lead = &right[..r.start];
        if lead.is_empty() {
            let shifted = NameRun {
                start: r.start + offset,
                end: r.end + offset,
                text: r.text.clone(),
            };
            return Some(Subject::Name(shifted));
        }
    }
    if right.starts_with("the ") || right.starts_with("a ") || right.starts_with("an ") {
        let end = right.find([',', '.', ';']).unwrap_or(right.len());
        let d = right[..end].trim();
        if d.split(' ').count() <= 8 {
            return Some(Subject::Description(d.to_string()));
        }
    }
    None
}

/// Outlet attributions in `frame` (offsets in the frame).
fn outlets(frame: &str, pass: &Pass) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let is_person = |name: &str| {
        pass.parties.iter().any(|p| {
            p.kind == Some(Kind::Person) && (p.name == name || p.aliases.iter().any(|a| a == name))
        }) || pass
            .glossary
            .find(name)
            .is_some_and(|e| e.kind == Kind::Person)
            || !names::split_title(name).0.is_empty()
    };
    let runs = names::name_runs(frame);
    for r in &runs {
        let before = &frame[..r.start];
        let after = &frame[r.end..];
        let the = ["the ", "The "]
            .iter()
            .find(|t| before.ends_with(*t))
            .map(|t| t.len())
            .unwrap_or(0);
        let lead = &before[..before.len() - the];
        if is_person(&r.text) || (is_place(&r.text) && !names::has_media_word(&r.text)) {
            continue;
        }
        let media = names::has_media_word(&r.text)
            || names::is_acronym(&r.text)
            || !names::has_org_word(&r.text);
        // told Reuters / told the Harbour Gazette
        if lead.ends_with("told ") && media {
            let s = lead.len() - "told ".len();
            out.push((s, r.end, r.text.clone()));
            continue;
        }
        for p in [
            "according to a report by ",
            "according to a report in ",
            "according to a report from ",
            "According to a report by ",
            "According to a report in ",
            "in a report by ",
            "a report by ",
            "a report in ",
            "in an interview with ",
            "reporting by ",
        ] {
            if lead.ends_with(p) {
                let s = lead.len() - p.len();
                out.push((s, r.end, r.text.clone()));
                break;
            }
        }
        if out.last().is_some_and(|o| o.1 == r.end) {
            continue;
        }
        // the Harbour Gazette reported / Reuters reported
        if (after.starts_with(" reported") || after.starts_with(" reports"))
            && (media || names::has_media_word(&r.text))
        {
            let s = r.start - the;
            let verb = if after.starts_with(" reported") {
                " reported"
            } else {
                " reports"
            };
            out.push((s, r.end + verb.len(), r.text.clone()));
            continue;
        }
        // according to the Harbour Gazette (an outlet, not a person)
        if (lead.ends_with("according to ") || lead.ends_with("According to "))
            && names::has_media_word(&r.text)
        {
            let s = lead.len() - "according to ".len();
            out.push((s, r.end, r.text.clone()));
        }
    }
    out
}

/// Attributes every quotation in `found` and collects parties and notes.
pub fn attribute(doc: &Document, found: &[Quote], glossary: &Glossary) -> Attributed {
    let mut pass = Pass {
        glossary,
        parties: Vec::new(),
        recent: Vec::new(),
    };
    let mut out_quotes: Vec<Attribution> = Vec::new();
    let mut notes: Vec<OutletNote> = Vec::new();
    for (bi, block) in doc.blocks.iter().enumerate() {
        let text = &block.text;
        let qs: Vec<&Quote> = found.iter().filter(|q| q.block == bi).collect();
        // The frames: text outside the quotations.
        let mut frames = Vec::new();
        let mut at = 0;
        for q in &qs {
            frames.push((at, q.before.max(at)));
            at = q.after;
        }
        frames.push((at, text.len()));
        // Outlets first, so their names are not taken for speakers.
        let mut outlet_spans = Vec::new();
        for &(fs, fe) in &frames {
            for (s, e, publisher) in outlets(&text[fs..fe], &pass) {
                let anchor = text[fs + s..fs + e].to_string();
                notes.push(OutletNote {
                    block: bi,
                    start: fs + s,
                    end: fs + e,
                    anchor,
                    publisher: publisher.clone(),
                });
                outlet_spans.push((fs + s, fs + e, notes.len() - 1));
                let i = pass.party_for(&publisher, Some(Kind::Organisation));
                pass.parties[i].is_outlet = true;
                pass.parties[i].mentions += 1;
                if pass.parties[i].sentence.is_empty() {
                    pass.parties[i].sentence = sentence_at(text, fs + s);
                }
            }
        }
        let in_outlet = |s: usize| outlet_spans.iter().any(|&(a, b, _)| s >= a && s < b);
        let register = |pass: &mut Pass, from: usize, to: usize| {
            for r in names::name_runs(&text[from..to]) {
                let shifted = NameRun {
                    start: r.start + from,
                    end: r.end + from,
                    text: r.text,
                };
                if !in_outlet(shifted.start) {
                    pass.mention(text, &shifted);
                }
            }
        };
        if qs.is_empty() {
            register(&mut pass, 0, text.len());
            continue;
        }
        for (k, q) in qs.iter().enumerate() {
            let (fs, fe) = frames[k];
            register(&mut pass, fs, fe);
            let (afs, afe) = frames[k + 1];
            let mut result: Option<(usize, Rule, Option<String>)> = None;
            let mut outlet = None;
            // 1. After the quotation.
            let after = &text[afs..afe];
            let after_sentence_end = sentence_ends(after).first().copied().unwrap_or(after.len());
            let after_s = &after[..after_sentence_end];
            let quote_closes_open = q.text.ends_with([',', '?', '!'])
                || text[q.end..q.after].contains([',', '?', '!', '—'])
                || after_s.starts_with([',', '—']);
            if !q.is_block && (quote_closes_open || after_s.split_whitespace().count() <= 6) {
                let ws = names::words(after_s);
                if let Some(c) = find_verb(after_s, &ws, 0, 8) {
                    let first_word = ws.first().map(|w| w.0) == Some(c.verb.0);
                    let subject = if first_word {
                        subject_right(after_s, c.verb.1)
                    } else {
                        subject_left(after_s, c.verb.0)
                    };
                    if let Some(s) = subject {
                        result = self_resolve(&mut pass, text, afs, s, Rule::SpeechVerbAfter);
                        outlet = outlet_spans
                            .iter()
                            .find(|&&(a, _, _)| a >= afs + c.verb.0 && a < afs + after_sentence_end)
                            .map(|o| o.2);
                    }
                }
            }
            // 2. Before it, in its sentence: the split quote's second half, or a lead-in.
            // The second half of a split quotation: the text between the two
            // halves is an attribution (`," she said. "`), already used.
            if result.is_none() && !q.is_block && k > 0 {
                let between = &text[fs..q.before.max(fs)];
                let ws = names::words(between);
                let tail_start = sentence_ends(between).last().copied().unwrap_or(0);
                let tail_has_verb = find_verb(
                    &between[tail_start..],
                    &names::words(&between[tail_start..]),
                    0,
                    40,
                )
                .is_some();
                if let Some((prev, sp)) = out_quotes.last().and_then(|p| Some((p, p.speaker?))) {
                    if prev.quote.block == bi
                        && find_verb(between, &ws, 0, 8).is_some()
                        && (tail_start == 0 || !tail_has_verb)
                        && ws.len() <= 14
                    {
                        result = Some((sp, Rule::SplitQuote, prev.unsure.clone()));
                        outlet = prev.outlet;
                    }
                }
            }
            if result.is_none() && !q.is_block {
                let before = &text[fs..q.before.max(fs)];
                let sent_start = sentence_ends(before).last().copied().unwrap_or(0);
                let before_s = &before[sent_start..];
                let ws = names::words(before_s);
                if let Some(c) = find_verb(before_s, &ws, 0, 40) {
                    let according = before_s[c.verb.0..].to_lowercase().starts_with("according");
                    let subject = if according {
                        subject_right(before_s, c.verb.1)
                    } else {
                        subject_left(before_s, c.verb.0)
                            .or_else(|| subject_right(before_s, c.verb.1))
                    };
                    let split = k > 0 && fs == qs[k - 1].after && sent_start == 0;
                    let rule = if split {
                        Rule::SplitQuote
                    } else if according {
                        Rule::AccordingTo
                    } else {
                        Rule::SpeechVerbBefore
                    };
                    if split {
                        // The second half says the same as the first.
                        if let Some((prev, sp)) =
                            out_quotes.last().and_then(|p| Some((p, p.speaker?)))
                        {
                            if prev.quote.block == bi {
                                result = Some((sp, Rule::SplitQuote, prev.unsure.clone()));
                                outlet = prev.outlet;
                            }
                        }
                    }
                    if result.is_none() {
                        if let Some(s) = subject {
                            result = self_resolve(&mut pass, text, fs + sent_start, s, rule);
                            if split {
                                if let Some(r) = result.as_mut() {
                                    r.1 = Rule::SplitQuote;
                                }
                            }
                            outlet = outlet_spans
                                .iter()
                                .find(|&&(a, _, _)| a >= fs + sent_start && a < q.before)
                                .map(|o| o.2);
                        }
                    }
                }
            }
            // 3. A block quotation: its dash line, or the lead-in of the block before it.
            if result.is_none() && q.is_block {
                if let Some(d) = quotes::attribution_dash(text) {
                    let name = text[d..].trim_start_matches([' ', '—', '–', '-']).trim();
                    if let Some(r) = names::name_runs(name).into_iter().next() {
                        let off = text.len() - name.len();
                        let shifted = NameRun {
                            start: r.start + off,
                            end: r.end + off,
                            text: r.text,
                        };
                        if let Some(i) = pass.mention(text, &shifted) {
                            result = Some((i, Rule::BlockQuote, None));
                        }
                    }
                } else if bi > 0 && doc.blocks[bi - 1].text.ends_with(':') {
                    let lead = &doc.blocks[bi - 1].text;
                    let ws = names::words(lead);
                    let s0 = sentence_ends(lead).last().copied().unwrap_or(0);
                    let lead_s = &lead[s0..];
                    let wsl = names::words(lead_s);
                    let _ = ws;
                    if let Some(c) = find_verb(lead_s, &wsl, 0, 60) {
                        if let Some(s) = subject_left(lead_s, c.verb.0) {
                            result = self_resolve(&mut pass, lead, s0, s, Rule::BlockQuote)
                                .map(|(i, _, u)| (i, Rule::BlockQuote, u));
                        }
                    }
                }
            }
            // 4. Continuation.
            if result.is_none() {
                let prev = out_quotes.last().filter(|p| p.speaker.is_some());
                if let Some(prev) = prev {
                    let frame_empty = text[frames[k].0..frames[k].1].trim().is_empty()
                        && after.trim().trim_matches(['.', ',']).is_empty();
                    if q.continues {
                        result = Some((
                            prev.speaker.expect("checked"),
                            Rule::Continuation,
                            prev.unsure.clone(),
                        ));
                    } else if prev.quote.block + 1 == bi && frame_empty && k == 0 {
                        result = Some((
                            prev.speaker.expect("checked"),
                            Rule::Continuation,
                            Some("a quoted paragraph with no attribution, taken as the previous speaker's".into()),
                        ));
                    } else if q.is_block && prev.quote.block + 1 >= bi {
                        result = Some((
                            prev.speaker.expect("checked"),
                            Rule::Continuation,
                            Some("a block quotation with no attribution, taken as the previous speaker's".into()),
                        ));
                    }
                }
            }
            if let Some((i, _, _)) = result {
                pass.parties[i].is_speaker = true;
                if pass.parties[i].kind.is_none() {
                    pass.parties[i].kind = Some(Kind::Person);
                }
                push_unique(&mut pass.parties[i].evidence, "quoted");
                pass.recent.retain(|&r| r != i);
                pass.recent.push(i);
            }
            out_quotes.push(Attribution {
                quote: (*q).clone(),
                speaker: result.as_ref().map(|r| r.0),
                rule: result.as_ref().map(|r| r.1),
                unsure: result.and_then(|r| r.2),
                outlet,
            });
        }
        let (ls, le) = frames[qs.len()];
        register(&mut pass, ls, le);
    }
    let _ = Block::plain;
    let _ = BlockKind::Paragraph;
    Attributed {
        parties: pass.parties,
        quotes: out_quotes,
        notes,
    }
}

/// Resolves a subject found in the frame at `frame_offset` of `text`.
fn self_resolve(
    pass: &mut Pass,
    text: &str,
    frame_offset: usize,
    s: Subject,
    named_rule: Rule,
) -> Option<(usize, Rule, Option<String>)> {
    match s {
        Subject::Pronoun(p) => pass.resolve_pronoun(p).map(|(i, u)| (i, Rule::Pronoun, u)),
        Subject::Name(r) => {
            let shifted = NameRun {
                start: r.start + frame_offset,
                end: r.end + frame_offset,
                text: r.text,
            };
            let i = pass.mention(text, &shifted)?;
            if pass.parties[i].is_outlet {
                return None;
            }
            Some((i, named_rule, None))
        }
        Subject::Description(d) => {
            pass.resolve_description(text, frame_offset, &d)
                .map(|(i, u)| {
                    (
                        i,
                        if named_rule == Rule::SpeechVerbAfter
                            || named_rule == Rule::SpeechVerbBefore
                        {
                            Rule::Role
                        } else {
                            named_rule
                        },
                        u,
                    )
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::{Block, BlockKind};

    fn run(paras: &[&str]) -> Vec<(String, Option<String>, Option<Rule>)> {
        let doc = Document {
            blocks: paras
                .iter()
                .map(|p| Block::plain(BlockKind::Paragraph, p))
                .collect(),
            ..Document::default()
        };
        let q = quotes::find(&doc.blocks);
        let a = attribute(&doc, &q, &Glossary::default());
        a.quotes
            .iter()
            .map(|x| {
                (
                    x.quote.text.clone(),
                    x.speaker.map(|i| a.parties[i].name.clone()),
                    x.rule,
                )
            })
            .collect()
    }

    #[test]
    fn speech_verb_after_with_name_pronoun_and_split() {
        let got = run(&[
            "Mara Lind, a hydrologist at the Coastal Research Institute, studies the tide.",
            "“The sea wall was built for a gentler century,” she said. “It will not hold.”",
            "“We have the money,” said Tomas Berg, the city's finance director.",
        ]);
        assert_eq!(got[0].1.as_deref(), Some("Mara Lind"));
        assert_eq!(got[0].2, Some(Rule::Pronoun));
        assert_eq!(got[1].1.as_deref(), Some("Mara Lind"));
        assert_eq!(got[1].2, Some(Rule::SplitQuote));
        assert_eq!(got[2].1.as_deref(), Some("Tomas Berg"));
        assert_eq!(got[2].2, Some(Rule::SpeechVerbAfter));
    }

    #[test]
    fn a_surname_is_the_person_named_in_full_before() {
        let got = run(&[
            "Mara Lind, a hydrologist, told reporters the wall was old.",
            "Lind said: “Nobody has checked it in thirty years.”",
        ]);
        assert_eq!(got[0].1.as_deref(), Some("Mara Lind"));
        assert_eq!(got[0].2, Some(Rule::SpeechVerbBefore));
    }
}
