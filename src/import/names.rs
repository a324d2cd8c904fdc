//! Names in running text: runs of capitalised words ("Mara Lind", "Ministry
//! of Water"), split into a title and a name ("Water Minister Ilse Varga"),
//! and the word lists that tell people, organisations and outlets apart.
//!
//! Takes a string, returns byte ranges into it; no state.

/// A run of capitalised words, with connectors ("of", "for", "de") inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRun {
    /// Byte range in the text searched.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Words that lead a sentence or a clause but are not names.
const STOPWORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "But",
    "And",
    "Or",
    "In",
    "On",
    "At",
    "For",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "When",
    "While",
    "After",
    "Before",
    "As",
    "If",
    "Last",
    "Next",
    "By",
    "With",
    "From",
    "Of",
    "To",
    "Our",
    "His",
    "Her",
    "Their",
    "Its",
    "Some",
    "Many",
    "Most",
    "One",
    "Two",
    "Three",
    "Still",
    "Yet",
    "So",
    "Now",
    "Then",
    "There",
    "Here",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "Asked",
    "According",
    "Earlier",
    "Later",
    "Since",
    "Until",
    "Under",
    "Over",
    "Despite",
    "Although",
    "Though",
    "Instead",
    "Meanwhile",
    "Other",
    "Others",
    "Both",
    "Each",
    "Every",
    "No",
    "Not",
    "Only",
    "Even",
    "Also",
    "My",
    "Your",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Speaking",
    "Like",
    "Unlike",
    "Among",
    "About",
    "Around",
    "During",
    "Once",
    "Few",
    "Several",
    "Such",
    "All",
    "Any",
    "Just",
    "More",
    "Less",
    "Yes",
    "Well",
];

/// Days (and, with [`crate::frontmatter::MONTHS`], months): capitalised,
/// never names.
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn is_calendar_word(w: &str) -> bool {
    WEEKDAYS.contains(&w) || crate::frontmatter::MONTHS.contains(&w)
}

const CONNECTORS: &[&str] = &[
    "of", "for", "and", "the", "de", "van", "von", "der", "del", "da", "al", "bin", "du", "le",
    "la",
];

/// Title words written capitalised before a name ("Water Minister Ilse Varga").
pub const TITLES: &[&str] = &[
    "Mr",
    "Ms",
    "Mrs",
    "Miss",
    "Dr",
    "Prof",
    "Professor",
    "Minister",
    "President",
    "Director",
    "Chief",
    "Mayor",
    "Senator",
    "Governor",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Secretary",
    "Commissioner",
    "Inspector",
    "Captain",
    "Judge",
    "Ambassador",
    "Leader",
    "Premier",
    "Chancellor",
    "Councillor",
    "Councilor",
    "General",
    "Colonel",
    "Sergeant",
    "Officer",
    "Superintendent",
    "Deputy",
    "Justice",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Rev",
    "Father",
    "Sister",
    "Executive",
    "Manager",
    "Editor",
    "Coach",
    "Fellow",
];

/// Role words written in lower case before a name ("spokesperson Jonas Pell",
/// "senior fellow Dana Ooi") or after "the" in place of one ("the minister").
pub const ROLES: &[&str] = &[
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "leader",
    "fellow",
    "minister",
    "director",
    "chief",
    "mayor",
    "president",
    "professor",
    "researcher",
    "analyst",
    "economist",
    "official",
    "chairman",
    "chairwoman",
    "chair",
    "secretary",
    "executive",
    "founder",
    "lawyer",
    "resident",
    "farmer",
    "engineer",
    "scientist",
    "hydrologist",
    "manager",
    "editor",
    "engineer",
    "teacher",
    "student",
    "nurse",
    "doctor",
    "captain",
    "commissioner",
    "inspector",
    "councillor",
    "councilor",
    "senator",
    "governor",
    "ambassador",
    "judge",
    "officer",
    "worker",
    "owner",
    "activist",
    "campaigner",
    "organiser",
    "organizer",
    "coordinator",
    "head",
    "adviser",
    "advisor",
    "consultant",
    "historian",
    "author",
    "architect",
    "planner",
    "biologist",
    "ecologist",
    "geologist",
    "physician",
    "surgeon",
    "pilot",
    "driver",
    "fisherman",
    "fisherwoman",
    "shopkeeper",
    "pensioner",
    "volunteer",
    "deputy",
    "treasurer",
    "auditor",
    "prosecutor",
    "attorney",
    "superintendent",
    "principal",
    "dean",
    "partner",
    "member",
    "representative",
    "negotiator",
    "trader",
    "broker",
    "strategist",
    "specialist",
    "expert",
];

/// Words that make a name an organisation's.
const ORG_WORDS: &[&str] = &[
    "Ministry",
    "Institute",
    "Department",
    "Agency",
    "Party",
    "Forces",
    "Council",
    "Authority",
    "University",
    "College",
    "Company",
    "Corporation",
    "Corp",
    "Inc",
    "Ltd",
    "Bank",
    "Association",
    "Union",
    "Committee",
    "Commission",
    "Group",
    "Foundation",
    "Office",
    "Service",
    "Services",
    "Board",
    "Court",
    "Police",
    "Army",
    "Navy",
    "Fund",
    "Trust",
    "Centre",
    "Center",
    "League",
    "Alliance",
    "Federation",
    "Organisation",
    "Organization",
    "Society",
    "Network",
    "Coalition",
    "Movement",
    "Guard",
    "Parliament",
    "Assembly",
    "Senate",
    "Bureau",
    "School",
    "Hospital",
    "Airlines",
    "Airways",
    "Holdings",
    "Partners",
    "Labs",
    "Laboratory",
    "Industries",
    "Cooperative",
    "Co-operative",
    "Observatory",
    "Port Authority",
    "Utilities",
    "Utility",
    "Federation",
    "Club",
    "Church",
    "Museum",
    "Library",
    "Chamber",
    "Exchange",
    "Secretariat",
];

/// Words that make an organisation an outlet (a publisher of news).
const MEDIA_WORDS: &[&str] = &[
    "Times",
    "Gazette",
    "Herald",
    "Post",
    "News",
    "Journal",
    "Tribune",
    "Wire",
    "Radio",
    "Television",
    "TV",
    "Press",
    "Chronicle",
    "Guardian",
    "Observer",
    "Courier",
    "Telegraph",
    "Monitor",
    "Review",
    "Daily",
    "Weekly",
    "Broadcasting",
    "Mail",
    "Express",
    "Record",
    "Today",
    "Bulletin",
    "Dispatch",
    "Reuters",
    "Bloomberg",
];

/// Acronyms that are not organisations.
const NOT_ORG_ACRONYMS: &[&str] = &[
    "CEO", "CFO", "GDP", "TV", "AM", "PM", "US", "UK", "USA", "OK", "ID", "PDF", "AI", "COVID",
    "PhD", "MP", "MPs", "FAQ", "UTC", "GMT", "DIY", "II", "III", "IV", "NB",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' || c == '.'
}

/// Words of `s` with their byte ranges; a trailing `.` and a possessive
/// `'s` are not part of the word (they still end a name run).
pub fn words(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(i),
            (Some(st), false) => {
                let mut end = i;
                let w = &s[st..end];
                let trimmed = w.trim_end_matches(['.', '-', '\'', '’']);
                end = st + trimmed.len();
                if end > st {
                    out.push((st, end));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The word with a possessive `'s` taken off, and whether it had one.
fn strip_possessive(w: &str) -> (&str, bool) {
    for p in ["'s", "’s"] {
        if let Some(x) = w.strip_suffix(p) {
            return (x, true);
        }
    }
    (w, false)
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `w` is an acronym (two to six capitals, digits allowed).
pub fn is_acronym(w: &str) -> bool {
    let n = w.chars().count();
    (2..=6).contains(&n)
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && w.chars().filter(char::is_ascii_uppercase).count() >= 2
        && !NOT_ORG_ACRONYMS.contains(&w)
}

/// Every maximal run of capitalised words in `s`, leading stopwords and
/// calendar-only runs left out.
pub fn name_runs(s: &str) -> Vec<NameRun> {
    let ws = words(s);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let (st, en) = ws[i];
        let (w, possessive) = strip_possessive(&s[st..en]);
        if !is_capitalised(w) || (STOPWORDS.contains(&w) && !possessive) {
            i += 1;
            continue;
        }
        let mut toks = vec![(st, st + w.len())];
        let mut j = i + 1;
        let mut ended = possessive;
        while !ended && j < ws.len() {
            let (prev_end, (ns, ne)) = (toks.last().expect("a run has a word").1, ws[j]);
            // Words of one name are separated by one space, nothing else.
            if &s[prev_end..ns] != " " {
                break;
            }
            let (nw, poss) = strip_possessive(&s[ns..ne]);
            if is_capitalised(nw) {
                toks.push((ns, ns + nw.len()));
                ended = poss;
                j += 1;
                continue;
            }
            // A connector joins only when a capitalised word follows it.
            if CONNECTORS.contains(&nw) {
                let mut k = j;
                let mut ok = false;
                while k < ws.len() && k < j + 2 && CONNECTORS.contains(&&s[ws[k].0..ws[k].1]) {
                    k += 1;
                    if k < ws.len()
                        && &s[ws[k - 1].1..ws[k].0] == " "
                        && is_capitalised(&s[ws[k].0..ws[k].1])
                    {
                        ok = true;
                        break;
                    }
                }
                if ok {
                    let (cs, ce) = ws[k];
                    let (cw, poss) = strip_possessive(&s[cs..ce]);
                    toks.push((cs, cs + cw.len()));
                    ended = poss;
                    j = k + 1;
                    continue;
                }
            }
            break;
        }
        let (a, b) = (toks[0].0, toks.last().expect("a run has a word").1);
        let text = s[a..b].to_string();
        let all_calendar = text.split(' ').all(is_calendar_word);
        if !all_calendar {
            runs.push(NameRun {
                start: a,
                end: b,
                text,
            });
        }
        i = j.max(i + 1);
    }
    runs
}

/// Whether a name holds an organisation word.
pub fn has_org_word(name: &str) -> bool {
    name.split([' ', '-']).any(|w| ORG_WORDS.contains(&w)) || has_media_word(name)
}

/// Whether a name holds a media word ("Harbour Gazette", "Reuters").
pub fn has_media_word(name: &str) -> bool {
    name.split(' ').any(|w| MEDIA_WORDS.contains(&w))
}

/// Splits "Water Minister Ilse Varga" into ("Water Minister", "Ilse Varga"):
/// everything up to the last title word is the title. A run with no title
/// word has an empty title; a run that is all title has an empty name.
pub fn split_title(run: &str) -> (&str, &str) {
    let words: Vec<&str> = run.split(' ').collect();
    match words.iter().rposition(|w| TITLES.contains(w)) {
        Some(i) if !has_org_word(run) => {
            let title_len: usize = words[..=i].iter().map(|w| w.len() + 1).sum();
            let title = &run[..title_len - 1];
            let name = run.get(title_len..).unwrap_or("");
            (title, name)
        }
        _ => ("", run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        name_runs(s).into_iter().map(|r| r.text).collect()
    }

    #[test]
    fn name_runs_join_capitalised_words_and_connectors() {
        assert_eq!(
            texts("The Ministry of Water said Mara Lind's team met on Monday in Port Aldric."),
            ["Ministry of Water", "Mara Lind", "Port Aldric"]
        );
        assert_eq!(texts("But Lind, a hydrologist, said so."), ["Lind"]);
        assert_eq!(texts("the Bank of the North"), ["Bank of the North"]);
        assert_eq!(texts("it was cold and Windy"), ["Windy"]);
    }

    #[test]
    fn titles_are_split_from_names() {
        assert_eq!(
            split_title("Water Minister Ilse Varga"),
            ("Water Minister", "Ilse Varga")
        );
        assert_eq!(split_title("Mara Lind"), ("", "Mara Lind"));
        assert_eq!(split_title("Dr Amal Haddad"), ("Dr", "Amal Haddad"));
        assert_eq!(split_title("Minister"), ("Minister", ""));
    }
}
