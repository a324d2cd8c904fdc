//! Text-quote anchoring, as the W3C Web Annotation `TextQuoteSelector` does
//! it: an exact text with optional prefix and suffix, matched against the
//! reader's text. Matching folds what writers cannot see or type alike:
//! straight and curly quotes, the dashes, and runs of white space.

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

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => "'",
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => "-",
        '…' => "...",
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => "",
        _ => return None,
    })
}

/// The bytes that fold to themselves: ASCII but for white space and the
/// backtick (a quote mark to writers who cannot type one).
const COPIED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = !matches!(b as u8, b'\t'..=b'\r' | b' ' | b'`');
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
pub struct Quote {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub occurrence: Option<usize>,
}

impl Quote {
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
pub fn resolve(folded: &Folded, quote: &Quote) -> Result<Range<usize>, AnchorError> {
    let exact = fold(&quote.exact);
    if exact.is_empty() {
        return Err(AnchorError::Empty);
    }
    let prefix = fold(&quote.prefix);
    let suffix = fold(&quote.suffix);
    let hay = folded.text.as_str();
    let mut all = Vec::new();
    let finder = memchr::memmem::Finder::new(exact.as_bytes());
    let mut from = 0;
    while let Some(i) = finder.find(&hay.as_bytes()[from..]) {
        let start = from + i;
        all.push(start..start + exact.len());
        // Step one character, so overlapping matches are found too.
        from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
    }
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

/// The passage of the text most like `exact`, by word windows of the same
/// length (only computed on the error path).
fn closest_passage(folded: &Folded, exact: &str) -> Option<Range<usize>> {
    let hay = &folded.text;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(hay.match_indices(' ').map(|(i, _)| i + 1))
        .filter(|&i| i < hay.len())
        .collect();
    let mut best: Option<(f64, Range<usize>)> = None;
    for &s in &starts {
        // A window as long as the anchor, widened to the end of its last word.
        let mut e = (s + exact.len()).min(hay.len());
        while !hay.is_char_boundary(e) {
            e += 1;
        }
        e = hay[e..].find(' ').map_or(hay.len(), |i| e + i);
        let score = strsim::normalized_levenshtein(&hay[s..e], exact);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, s..e));
        }
    }
    best.filter(|(score, _)| *score >= 0.5)
        .map(|(_, r)| folded.original(r))
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
pub fn describe(text: &str, folded: &Folded, range: Range<usize>, exact_is_unique: bool) -> Quote {
    let exact = text[range.clone()].to_string();
    let prefix_start = text[..range.start]
        .char_indices()
        .rev()
        .nth(31)
        .map_or(0, |(i, _)| i);
    let prefix = text[prefix_start..range.start].to_string();
    let suffix: String = text[range.end..].chars().take(32).collect();
    let mut quote = Quote {
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
            &Quote {
                exact: exact.into(),
                ..Quote::default()
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
    fn several_matches_are_ambiguous_until_prefix_or_occurrence_picks_one() {
        let text = "the ship moved. Then the ship stopped.";
        assert!(
            matches!(find(text, "the ship"), Err(AnchorError::Ambiguous { matches }) if matches.len() == 2)
        );
        let folded = Folded::new(text);
        let q = Quote {
            exact: "the ship".into(),
            prefix: "Then".into(),
            ..Quote::default()
        };
        assert_eq!(resolve(&folded, &q).unwrap(), 21..29);
        let q = Quote {
            exact: "the ship".into(),
            occurrence: Some(2),
            ..Quote::default()
        };
        assert_eq!(resolve(&folded, &q).unwrap(), 21..29);
        let q = Quote {
            exact: "the ship".into(),
            occurrence: Some(3),
            ..Quote::default()
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
            let bare = Quote { exact: text[s..e].to_string(), ..Quote::default() };
            if resolve(&folded, &bare) == Ok(s..e) {
                prop_assert_eq!(describe(&text, &folded, s..e, true), quote);
            }
        }

        /// The sparse map gives, for every span of folded text, the same
        /// original range as the plain one entry per folded byte would.
        #[test]
        fn the_folded_map_agrees_with_one_entry_per_byte(
            parts in prop::collection::vec("[ab]{1,2}| |  |\n|\t \n|’|“|—|…|é|\u{200b}|`|\\.", 0..40),
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
        let mut in_space = false;
        for (i, c) in original.char_indices() {
            let range = (i as u32, (i + c.len_utf8()) as u32);
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
