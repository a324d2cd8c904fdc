//! Text-quote anchoring, as the W3C Web Annotation `TextQuoteSelector` does
//! it: an exact text with optional prefix and suffix, matched against the
//! reader's text. Matching folds what writers cannot see or type alike:
//! straight and curly quotes, the dashes, and runs of white space.
//! [`FOLDING`] says it in the words the error messages use.

use std::collections::HashMap;
use std::ops::Range;

/// The reader's text folded for matching, with a map back to the original.
pub struct Folded {
    pub text: String,
    /// Where folding changed the text, in order; between two pieces the
    /// text is the original's, byte for byte. Most of an article is copied
    /// as it is, so the map is a few dozen pieces, not one entry per byte.
    pieces: Vec<Piece>,
}

/// A stretch of folded text that differs from the original: a run of white
/// space folded to one space, or a character folded to its plain form.
#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Its start in the folded text, and its length there (0 for characters
    /// that fold to nothing).
    folded: u32,
    folded_len: u32,
    /// The original byte range it came from.
    orig: u32,
    orig_end: u32,
}

/// What matching treats as equal, for help lines and the format docs.
pub const FOLDING: &str = "straight and curly quotes match each other, `-`, `--` and `---` match \
any hyphen or dash (smart punctuation makes `--` an en dash and `---` an em dash), `...` matches \
`…`, and any run of white space matches one space";

/// Hyphens and dashes: a run of them folds to one `-`, so that `--` and
/// `---` as typed in the Markdown match the en and em dash that smart
/// punctuation makes of them.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−')
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => "'",
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
        '…' => "...",
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => "",
        _ => return None,
    })
}

/// The bytes that fold to themselves: ASCII but for white space, the
/// backtick (a quote mark to writers who cannot type one) and the hyphen
/// (one of a run of dashes).
const COPIED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = !matches!(b as u8, b'\t'..=b'\r' | b' ' | b'`' | b'-');
        b += 1;
    }
    t
};

/// Folds `s`; white space runs become one space and are trimmed at both ends.
pub fn fold(s: &str) -> String {
    Folded::new(s).text.trim().to_string()
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut pieces = Vec::new();
        // The original's bytes from `copied` on are not in `text` yet: they
        // are copied whole when a piece or the end is reached.
        let mut copied = 0;
        let mut space_from: Option<usize> = None;
        let mut piece =
            |text: &mut String, copied: &mut usize, from: usize, to: usize, rep: &str| {
                text.push_str(&original[*copied..from]);
                pieces.push(Piece {
                    folded: text.len() as u32,
                    folded_len: rep.len() as u32,
                    orig: from as u32,
                    orig_end: to as u32,
                });
                text.push_str(rep);
                *copied = to;
            };
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Plain ASCII, most of any text, folds to itself: skip over it.
            if COPIED[bytes[i] as usize] && space_from.is_none() {
                i += 1;
                while i < bytes.len() && COPIED[bytes[i] as usize] {
                    i += 1;
                }
                continue;
            }
            let (c, len) = match bytes[i] {
                b if b.is_ascii() => (b as char, 1),
                _ => {
                    let c = original[i..].chars().next().unwrap_or(' ');
                    (c, c.len_utf8())
                }
            };
            if c.is_whitespace() {
                space_from.get_or_insert(i);
                i += len;
                continue;
            }
            if let Some(from) = space_from.take() {
                // One plain space folds to itself.
                if &original[from..i] != " " {
                    piece(&mut text, &mut copied, from, i, " ");
                }
            }
            if is_dash(c) {
                let run = original[i..]
                    .char_indices()
                    .find(|&(_, d)| !is_dash(d))
                    .map_or(original.len(), |(k, _)| i + k);
                // One plain hyphen folds to itself.
                if &original[i..run] != "-" {
                    piece(&mut text, &mut copied, i, run, "-");
                }
                i = run;
                continue;
            }
            if let Some(rep) = fold_char(c) {
                piece(&mut text, &mut copied, i, i + len, rep);
            }
            i += len;
        }
        if let Some(from) = space_from {
            if &original[from..] != " " {
                piece(&mut text, &mut copied, from, original.len(), " ");
            }
        }
        text.push_str(&original[copied..]);
        Folded { text, pieces }
    }

    /// The original byte range of folded bytes `r` (non-empty).
    pub fn original(&self, r: Range<usize>) -> Range<usize> {
        let first = self.locate(r.start);
        let last = self.locate(r.end - 1);
        first.start..last.end
    }

    /// The original byte range of the character folded byte `at` belongs to
    /// (for a character copied as it is, just the byte's own position).
    fn locate(&self, at: usize) -> Range<usize> {
        let at = at as u32;
        let n = self.pieces.partition_point(|p| p.folded <= at);
        let Some(p) = n.checked_sub(1).map(|k| self.pieces[k]) else {
            return at as usize..at as usize + 1;
        };
        if at < p.folded + p.folded_len {
            return p.orig as usize..p.orig_end as usize;
        }
        let o = (p.orig_end + (at - p.folded - p.folded_len)) as usize;
        o..o + 1
    }
}

/// What an anchor is looking for: the W3C TextQuoteSelector plus a 1-based
/// occurrence for writers who prefer counting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextQuoteSelector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub occurrence: Option<usize>,
}

impl TextQuoteSelector {
    /// The exact text alone, with nothing to tell several matches apart:
    /// when such a quote resolves, its text occurs once.
    pub fn is_bare(&self) -> bool {
        self.prefix.is_empty() && self.suffix.is_empty() && self.occurrence.is_none()
    }
}

/// Why an anchor did not resolve to exactly one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnchorError {
    Empty,
    /// Nothing matched; the closest passage of the text, if any is close.
    NotFound {
        closest: Option<Range<usize>>,
    },
    /// Several places matched (original ranges).
    Ambiguous {
        matches: Vec<Range<usize>>,
    },
    /// `occurrence` is larger than the number of matches.
    NoSuchOccurrence {
        wanted: usize,
        found: usize,
    },
}

/// Finds `quote` in the folded text; returns the range in the original text.
pub fn resolve(folded: &Folded, quote: &TextQuoteSelector) -> Result<Range<usize>, AnchorError> {
    let exact = fold(&quote.exact);
    let hay = folded.text.as_str();
    let mut all = Vec::new();
    if !exact.is_empty() {
        let finder = memchr::memmem::Finder::new(exact.as_bytes());
        let mut from = 0;
        while let Some(i) = finder.find(&hay.as_bytes()[from..]) {
            let start = from + i;
            all.push(start);
            // Step one character, so overlapping matches are found too.
            from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    resolve_among(folded, quote, &all)
}

/// Where each of `quotes` occurs in the folded text (start offsets of every
/// match of its folded exact text, overlapping ones included): one pass
/// over the text for all of them. Searching the text once per anchor cost
/// anchors × text, quadratic in an article of 10,000 notes (issue 12).
pub fn find_all(folded: &Folded, quotes: &[&TextQuoteSelector]) -> Occurrences {
    let exacts: Vec<String> = quotes.iter().map(|q| fold(&q.exact)).collect();
    // One pattern per distinct non-empty text; anchors that repeat share it.
    let mut patterns: Vec<&str> = Vec::new();
    let mut pattern_of: HashMap<&str, usize> = HashMap::new();
    let which: Vec<Option<usize>> = exacts
        .iter()
        .map(|e| {
            (!e.is_empty()).then(|| {
                *pattern_of.entry(e.as_str()).or_insert_with(|| {
                    patterns.push(e.as_str());
                    patterns.len() - 1
                })
            })
        })
        .collect();
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    if !patterns.is_empty() {
        let ac = aho_corasick::AhoCorasick::new(&patterns).expect("anchors build an automaton");
        for m in ac.find_overlapping_iter(folded.text.as_str()) {
            starts[m.pattern().as_usize()].push(m.start());
        }
    }
    Occurrences { starts, which }
}

/// What [`find_all`] found: anchors with the same text share their list.
pub struct Occurrences {
    starts: Vec<Vec<usize>>,
    which: Vec<Option<usize>>,
}

impl Occurrences {
    /// The match starts of the `k`th quote given to [`find_all`].
    pub fn of(&self, k: usize) -> &[usize] {
        self.which[k].map_or(&[], |p| &self.starts[p])
    }
}

/// [`resolve`], given the start of every match of the quote's exact text
/// (from [`find_all`]), in order.
pub fn resolve_among(
    folded: &Folded,
    quote: &TextQuoteSelector,
    starts: &[usize],
) -> Result<Range<usize>, AnchorError> {
    let exact = fold(&quote.exact);
    if exact.is_empty() {
        return Err(AnchorError::Empty);
    }
    let prefix = fold(&quote.prefix);
    let suffix = fold(&quote.suffix);
    let hay = folded.text.as_str();
    let all: Vec<Range<usize>> = starts.iter().map(|&s| s..s + exact.len()).collect();
    if all.is_empty() {
        return Err(AnchorError::NotFound {
            closest: closest_passage(folded, &exact),
        });
    }
    let fits = |r: &Range<usize>| {
        let before = hay[..r.start].trim_end();
        let after = hay[r.end..].trim_start();
        before.ends_with(&prefix) && after.starts_with(&suffix)
    };
    let matches: Vec<Range<usize>> = all.into_iter().filter(fits).collect();
    match (quote.occurrence, matches.len()) {
        (_, 0) => Err(AnchorError::NotFound { closest: None }),
        (Some(n), found) if n == 0 || n > found => {
            Err(AnchorError::NoSuchOccurrence { wanted: n, found })
        }
        (Some(n), _) => Ok(folded.original(matches[n - 1].clone())),
        (None, 1) => Ok(folded.original(matches[0].clone())),
        (None, _) => Err(AnchorError::Ambiguous {
            matches: matches.into_iter().map(|r| folded.original(r)).collect(),
        }),
    }
}

/// The passage of the text most like `exact` (only computed on the error
/// path), or `None` when nothing is close enough to be a likely typo.
fn closest_passage(folded: &Folded, exact: &str) -> Option<Range<usize>> {
    closest_passage_counted(&folded.text, exact)
        .0
        .map(|r| folded.original(r))
}

/// How many candidate places the closest-passage search compares in full.
const CANDIDATES: usize = 8;
/// How far (in characters) an alignment may drift from its seed's diagonal:
/// the words the anchor gained or lost against the text, summed. Beyond it
/// the comparison counts the rest as changed (a worse score, still an answer).
const DRIFT: usize = 48;
/// Votes within this many bytes of each other count for one place.
const BUCKET: i64 = 16;

/// [`closest_passage`] on folded text, with the number of steps it took
/// (seed votes plus alignment cells), which tests hold to linear growth.
///
/// Comparing the anchor with every window of the text, as this first did,
/// costs text × anchor² (18.6 s for a 300-word anchor in a 10,000-word
/// article, issue 12). Instead: the anchor's words that also occur in the
/// text, rarest first and within a budget linear in the input, vote for the
/// place the anchor would start at if the word were where it belongs
/// (seed-and-extend, as BLAST does); the few places with the most votes are
/// then aligned with the anchor in a band of [`DRIFT`] characters around
/// their diagonal. So it may miss the very best passage (when the words it
/// shares with the text are all common, or the anchor drifts far), but it
/// finds one whenever a likely one shares a word with the anchor.
pub fn closest_passage_counted(hay: &str, exact: &str) -> (Option<Range<usize>>, usize) {
    let mut steps = 0;
    let budget = hay.len() + exact.len() + 256;
    let mut votes = vote(words(hay), words(exact), budget, &mut steps);
    if votes.is_empty() {
        // No word in common (a short anchor whose every word has a typo):
        // runs of three characters seed it instead.
        votes = vote(trigrams(hay), trigrams(exact), budget, &mut steps);
    }
    let mut ranked: Vec<(usize, i64)> = votes
        .keys()
        .map(|&b| {
            let near = |b: i64| votes.get(&b).copied().unwrap_or(0);
            (near(b - 1) + near(b) + near(b + 1), b)
        })
        .collect();
    steps += ranked.len();
    // Most votes first, then the earliest place: the same order every run.
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let exact_chars: Vec<char> = exact.chars().collect();
    let mut best: Option<(f64, Range<usize>)> = None;
    for &(_, bucket) in ranked.iter().take(CANDIDATES) {
        let diagonal = bucket * BUCKET;
        let (found, cells) = align(hay, &exact_chars, diagonal);
        steps += cells;
        let Some((distance, mut r)) = found else {
            continue;
        };
        // A passage neither starts nor ends with the space between words.
        if hay[r.clone()].starts_with(' ') {
            r.start += 1;
        }
        if r.end > r.start && hay[r.clone()].ends_with(' ') {
            r.end -= 1;
        }
        // Widen to whole words, counting what widening adds as changes.
        let s = hay[..r.start].rfind(' ').map_or(0, |i| i + 1);
        let e = hay[r.end..].find(' ').map_or(hay.len(), |i| r.end + i);
        let added = hay[s..r.start].chars().count() + hay[r.end..e].chars().count();
        let len = hay[s..e].chars().count().max(exact_chars.len());
        let score = 1.0 - (distance + added) as f64 / len as f64;
        if best
            .as_ref()
            .is_none_or(|(b, br)| score > *b || (score == *b && s < br.start))
        {
            best = Some((score, s..e));
        }
    }
    let found = best
        .filter(|(score, r)| *score >= 0.5 && !r.is_empty())
        .map(|(_, r)| r);
    (found, steps)
}

/// The keys of `text`'s words (letters and digits, lowercased) with the
/// byte offset each word starts at.
fn words(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for w in text.split(' ') {
        let k: String = w
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if !k.is_empty() {
            out.push((k, at));
        }
        at += w.len() + 1;
    }
    out
}

/// Every run of three characters of `text`, lowercased, with its offset.
fn trigrams(text: &str) -> Vec<(String, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    chars
        .windows(3)
        .map(|w| (w.iter().flat_map(|c| c.1.to_lowercase()).collect(), w[0].0))
        .collect()
}

/// Votes for diagonals (text offset minus anchor offset, in buckets of
/// [`BUCKET`] bytes): each key the anchor shares with the text votes once
/// for each place it has there, rarest keys first, until `budget` votes.
fn vote(
    hay: Vec<(String, usize)>,
    exact: Vec<(String, usize)>,
    budget: usize,
    steps: &mut usize,
) -> HashMap<i64, usize> {
    *steps += hay.len() + exact.len();
    let mut places: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, at) in hay {
        places.entry(k).or_default().push(at);
    }
    let mut seeds: Vec<(usize, usize, &Vec<usize>)> = exact
        .iter()
        .filter_map(|(k, at)| places.get(k).map(|p| (p.len(), *at, p)))
        .collect();
    // Rarest first; ties by place in the anchor, so every run is the same.
    seeds.sort_by_key(|&(n, at, _)| (n, at));
    let mut votes: HashMap<i64, usize> = HashMap::new();
    let mut cast = 0;
    for (n, at_exact, p) in seeds {
        if cast + n > budget && cast > 0 {
            break;
        }
        for &at_hay in p {
            let d = at_hay as i64 - at_exact as i64;
            *votes.entry(d.div_euclid(BUCKET)).or_default() += 1;
        }
        cast += n;
    }
    *steps += cast;
    votes
}

/// The best alignment of all of `exact` with some stretch of `hay` starting
/// near byte `diagonal` (edit distance, free start and end in `hay`), within
/// a band of [`DRIFT`] characters each way. Returns the distance and the
/// stretch, and the cells computed (`exact` × the band).
fn align(hay: &str, exact: &[char], diagonal: i64) -> (Option<(usize, Range<usize>)>, usize) {
    // The window of the text the band can reach, as characters with their
    // byte offsets: DRIFT before the diagonal to DRIFT past its end.
    let mut from = diagonal.max(0) as usize;
    let mut before = 0;
    while from > 0 && before < DRIFT {
        from -= 1;
        while !hay.is_char_boundary(from) {
            from -= 1;
        }
        before += 1;
    }
    if from >= hay.len() {
        return (None, 0);
    }
    let window: Vec<(usize, char)> = hay[from..]
        .char_indices()
        .take(exact.len() + before + DRIFT + 1)
        .map(|(i, c)| (from + i, c))
        .collect();
    let width = 2 * DRIFT + 1;
    // Row i, slot k is exact[..i] aligned to end at window[j] with j = i + k +
    // before - DRIFT; each cell holds (distance, the window index it started at).
    let offset = before as i64 - DRIFT as i64;
    let col = |i: usize, k: usize| i as i64 + k as i64 + offset;
    const FAR: usize = usize::MAX / 4;
    let mut prev: Vec<(usize, usize)> = (0..width)
        .map(|k| {
            let j = col(0, k);
            if j >= 0 && (j as usize) <= window.len() {
                (0, j as usize)
            } else {
                (FAR, 0)
            }
        })
        .collect();
    let mut cur = vec![(FAR, 0); width];
    let mut cells = 0;
    for (i, &a) in exact.iter().enumerate() {
        let i = i + 1;
        for k in 0..width {
            cells += 1;
            let j = col(i, k);
            if j < 0 || j as usize > window.len() {
                cur[k] = (FAR, 0);
                continue;
            }
            let j = j as usize;
            // Diagonal: prev row, same slot; from above (a char of `exact`
            // dropped): prev row, slot k + 1; from the left (a char of the
            // text added): this row, slot k - 1.
            let mut cell = (FAR, 0);
            if j >= 1 {
                let (d, s) = prev[k];
                let cost = usize::from(window[j - 1].1 != a);
                cell = (d + cost, s);
            }
            if k + 1 < width {
                let (d, s) = prev[k + 1];
                if d + 1 < cell.0 {
                    cell = (d + 1, s);
                }
            }
            if k >= 1 {
                let (d, s) = cur[k - 1];
                if d + 1 < cell.0 {
                    cell = (d + 1, s);
                }
            }
            cur[k] = cell;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let best = (0..width)
        .filter_map(|k| {
            let j = col(exact.len(), k);
            let (d, s) = prev[k];
            (j >= 0 && (j as usize) <= window.len() && d < FAR && (j as usize) > s)
                .then_some((d, s, j as usize))
        })
        .min_by_key(|&(d, s, _)| (d, s));
    // Index j is the place before window[j]; the window's end, past its last.
    let end = window.last().map_or(from, |&(b, c)| b + c.len_utf8());
    let byte = |j: usize| window.get(j).map_or(end, |&(b, _)| b);
    (best.map(|(d, s, j)| (d, byte(s)..byte(j))), cells)
}

/// A selector that finds exactly `range` of `text`: the exact text, up to 32
/// characters on each side, and an occurrence when that is still not enough.
/// The inverse of [`resolve`]; used for the W3C annotation export.
/// `folded` must be `Folded::new(text)` (passed in, as it is costly).
///
/// `exact_is_unique` says the caller knows the exact text occurs once (its
/// own selector, with no prefix, suffix or occurrence, resolved): then no
/// occurrence can be needed, and the selector is not resolved again to find
/// out. Most anchors are written that way, and the check costs a search.
pub fn describe(
    text: &str,
    folded: &Folded,
    range: Range<usize>,
    exact_is_unique: bool,
) -> TextQuoteSelector {
    let exact = text[range.clone()].to_string();
    let prefix_start = text[..range.start]
        .char_indices()
        .rev()
        .nth(31)
        .map_or(0, |(i, _)| i);
    let prefix = text[prefix_start..range.start].to_string();
    let suffix: String = text[range.end..].chars().take(32).collect();
    let mut quote = TextQuoteSelector {
        exact,
        prefix,
        suffix,
        occurrence: None,
    };
    if exact_is_unique {
        return quote;
    }
    if let Err(AnchorError::Ambiguous { matches }) = resolve(folded, &quote) {
        quote.occurrence = matches.iter().position(|m| *m == range).map(|i| i + 1);
    }
    quote
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn find(text: &str, exact: &str) -> Result<Range<usize>, AnchorError> {
        resolve(
            &Folded::new(text),
            &TextQuoteSelector {
                exact: exact.into(),
                ..TextQuoteSelector::default()
            },
        )
    }

    #[test]
    fn curly_quotes_dashes_and_spaces_match_their_plain_forms() {
        let text = "He said “we don’t know” — twice,\n  then left.";
        let r = find(text, "\"we don't know\" - twice, then").unwrap();
        assert_eq!(&text[r], "“we don’t know” — twice,\n  then");
    }

    #[test]
    fn dashes_as_typed_match_what_smart_punctuation_makes_of_them() {
        let text = "Kabul – the capital — fell; “COVID-19” … spread.";
        let r = find(text, "Kabul -- the capital --- fell").unwrap();
        assert_eq!(&text[r], "Kabul – the capital — fell");
        let r = find(text, "\"COVID-19\" ... spread").unwrap();
        assert_eq!(&text[r], "“COVID-19” … spread");
        // And the other way round: dashes typed in a plain-text body.
        let text = "the former head -- and then --- nothing";
        let r = find(text, "head – and then — nothing").unwrap();
        assert_eq!(&text[r], "head -- and then --- nothing");
    }

    #[test]
    fn a_run_of_dashes_folds_to_one_hyphen_mapped_back_whole() {
        let folded = Folded::new("a --- b–c-d");
        assert_eq!(folded.text, "a - b-c-d");
        assert_eq!(folded.original(2..3), 2..5);
        assert_eq!(folded.original(5..6), 7..10);
        assert_eq!(fold("x -- y"), "x - y");
    }

    #[test]
    fn several_matches_are_ambiguous_until_prefix_or_occurrence_picks_one() {
        let text = "the ship moved. Then the ship stopped.";
        assert!(
            matches!(find(text, "the ship"), Err(AnchorError::Ambiguous { matches }) if matches.len() == 2)
        );
        let folded = Folded::new(text);
        let q = TextQuoteSelector {
            exact: "the ship".into(),
            prefix: "Then".into(),
            ..TextQuoteSelector::default()
        };
        assert_eq!(resolve(&folded, &q).unwrap(), 21..29);
        let q = TextQuoteSelector {
            exact: "the ship".into(),
            occurrence: Some(2),
            ..TextQuoteSelector::default()
        };
        assert_eq!(resolve(&folded, &q).unwrap(), 21..29);
        let q = TextQuoteSelector {
            exact: "the ship".into(),
            occurrence: Some(3),
            ..TextQuoteSelector::default()
        };
        assert_eq!(
            resolve(&folded, &q),
            Err(AnchorError::NoSuchOccurrence {
                wanted: 3,
                found: 2
            })
        );
    }

    #[test]
    fn a_near_miss_reports_the_closest_passage() {
        let text = "The canal authority said the vessel was refloated on Monday.";
        match find(text, "the vessel was re-floated on monday") {
            Err(AnchorError::NotFound { closest: Some(r) }) => {
                assert!(text[r].starts_with("the vessel was refloated"))
            }
            other => panic!("{other:?}"),
        }
    }

    /// `words` words of text with a number in each sentence, as articles
    /// have; and an anchor of `anchor_words` of them from the middle, with
    /// one letter doubled (a typo).
    fn article_and_typo(words: usize, anchor_words: usize) -> (String, String) {
        let vocab = [
            "harbour", "council", "budget", "vote", "ferry", "board", "the", "a",
        ];
        let text: Vec<String> = (0..words)
            .map(|i| match i % 9 {
                8 => format!("n{i}."),
                _ => vocab[(i * 7 + i / 9) % vocab.len()].to_string(),
            })
            .collect();
        let start = words / 2;
        let mut anchor = text[start..start + anchor_words].to_vec();
        anchor[anchor_words / 2].push('x');
        (text.join(" "), anchor.join(" "))
    }

    #[test]
    fn a_long_anchor_with_a_typo_finds_its_passage() {
        let (text, anchor) = article_and_typo(10_000, 300);
        let (found, _) = closest_passage_counted(&text, &anchor);
        let found = found.expect("a passage");
        let wanted = anchor.replacen("x", "", 1);
        // The passage found is the anchor's own, give or take a word at the ends.
        assert!(text[found.clone()].contains(&wanted[20..wanted.len() - 20]));
        assert!(found.len() < wanted.len() + 40);
    }

    /// Regression test for issue 12: the search compared the anchor with a
    /// window at every word of the text, text × anchor² character steps.
    #[test]
    fn the_closest_passage_search_grows_linearly_with_text_and_anchor() {
        let (text, anchor) = article_and_typo(2_500, 75);
        let (found, small) = closest_passage_counted(&text, &anchor);
        assert!(found.is_some());
        let (text, anchor) = article_and_typo(10_000, 300);
        let (found, large) = closest_passage_counted(&text, &anchor);
        assert!(found.is_some());
        assert!(
            large <= 5 * small,
            "4× the input took {large} steps against {small}"
        );
        // And the cost is a small multiple of the input, not its square.
        assert!(large < 300 * (text.len() + anchor.len()), "{large}");
    }

    #[test]
    fn a_one_word_anchor_with_its_only_word_misspelt_still_finds_it() {
        let text = "The ship left on Monday with the cargo.";
        let (found, _) = closest_passage_counted(text, "Mondya");
        assert_eq!(&text[found.unwrap()], "Monday");
        let (found, _) = closest_passage_counted(text, "zzzzqqqq xxxx");
        assert_eq!(found, None);
    }

    proptest! {
        #[test]
        fn a_selector_described_from_a_span_resolves_to_that_span(
            words in prop::collection::vec("[a-c]{1,3}|“|”|—|,|\n", 1..60),
            a in 0usize..1000,
            b in 0usize..1000,
        ) {
            let text = words.join(" ");
            // Spans start and end on non-space characters, as anchors do.
            let bounds: Vec<usize> = text.char_indices().filter(|(_, c)| !c.is_whitespace()).map(|(i, _)| i).collect();
            prop_assume!(!bounds.is_empty());
            let s = bounds[a % bounds.len()];
            let e_char = bounds[b % bounds.len()].max(s);
            let e = e_char + text[e_char..].chars().next().unwrap().len_utf8();
            let folded = Folded::new(&text);
            let quote = describe(&text, &folded, s..e, false);
            prop_assert_eq!(resolve(&folded, &quote), Ok(s..e));
            // Where the exact text alone finds the span, the shortcut gives
            // the same selector.
            let bare = TextQuoteSelector { exact: text[s..e].to_string(), ..TextQuoteSelector::default() };
            if resolve(&folded, &bare) == Ok(s..e) {
                prop_assert_eq!(describe(&text, &folded, s..e, true), quote);
            }
        }

        /// Finding every anchor in one pass finds what searching for each
        /// alone finds.
        #[test]
        fn all_anchors_at_once_resolve_as_each_alone(
            words in prop::collection::vec("[ab]{1,2}|“|—|\n", 1..40),
            anchors in prop::collection::vec("[ab]{1,3}( [ab])?|a  b|", 1..6),
            occurrence in prop::option::of(0usize..3),
        ) {
            let text = words.join(" ");
            let folded = Folded::new(&text);
            let quotes: Vec<TextQuoteSelector> = anchors
                .iter()
                .map(|a| TextQuoteSelector { exact: a.clone(), occurrence, ..TextQuoteSelector::default() })
                .collect();
            let refs: Vec<&TextQuoteSelector> = quotes.iter().collect();
            let found = find_all(&folded, &refs);
            for (k, q) in quotes.iter().enumerate() {
                prop_assert_eq!(resolve_among(&folded, q, found.of(k)), resolve(&folded, q));
            }
        }

        /// The sparse map gives, for every span of folded text, the same
        /// original range as the plain one entry per folded byte would.
        #[test]
        fn the_folded_map_agrees_with_one_entry_per_byte(
            parts in prop::collection::vec("[ab]{1,2}| |  |\n|\t \n|’|“|—|–|-|--|…|é|\u{200b}|`|\\.", 0..40),
        ) {
            let original = parts.concat();
            let folded = Folded::new(&original);
            let (text, map) = byte_by_byte(&original);
            prop_assert_eq!(&folded.text, &text);
            let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            for (x, &a) in starts.iter().enumerate() {
                for &b in starts[x + 1..].iter().chain(std::iter::once(&text.len())) {
                    let want = map[a].0 as usize..map[b - 1].1 as usize;
                    prop_assert_eq!(folded.original(a..b), want, "{:?} in {:?}", &text[a..b], original);
                }
            }
        }
    }

    /// The map as it was first written: for every folded byte, the original
    /// character it came from.
    fn byte_by_byte(original: &str) -> (String, Vec<(u32, u32)>) {
        let (mut text, mut map) = (String::new(), Vec::new());
        let (mut in_space, mut in_dash) = (false, false);
        for (i, c) in original.char_indices() {
            let range = (i as u32, (i + c.len_utf8()) as u32);
            if is_dash(c) {
                if !in_dash {
                    text.push('-');
                    map.push(range);
                } else if let Some(last) = map.last_mut() {
                    last.1 = range.1;
                }
                (in_space, in_dash) = (false, true);
                continue;
            }
            in_dash = false;
            if c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    map.push(range);
                } else if let Some(last) = map.last_mut() {
                    last.1 = range.1;
                }
                in_space = true;
                continue;
            }
            in_space = false;
            let rep = fold_char(c).map_or_else(|| c.to_string(), str::to_string);
            text.push_str(&rep);
            map.extend(std::iter::repeat_n(range, rep.len()));
        }
        (text, map)
    }
}
