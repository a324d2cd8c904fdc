//! The one URL rule for everything content puts in a link or an image: a URL
//! may be relative (a path, `?query` or `#fragment`) or use `http:`, `https:`
//! or `mailto:`; anything else (`javascript:`, `data:`, `vbscript:`, `file:`
//! ...) is refused.
//!
//! A leaf: it takes a string and returns a verdict, and knows nothing of
//! files or spans; the stages that own a URL's position (resolve for front
//! matter and Markdown, config for `base_url`) turn a [`UrlProblem`] into a
//! diagnostic. The check reads a URL the way a browser would before it looks
//! for a scheme, so that disguised forms are caught: character references
//! (`&#106;avascript:`) are decoded, tabs and newlines anywhere are dropped,
//! leading and trailing spaces and control characters are trimmed, and case
//! is ignored. A URL that still holds a control character is refused
//! outright: no legitimate link needs one.

use std::fmt;

/// Why a URL is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// The URL names a scheme other than http, https and mailto (lowercased,
    /// as a browser reads it).
    Scheme(String),
    /// The URL holds a control character (other than the tabs and newlines
    /// a browser silently drops, which are dropped here too).
    ControlCharacter,
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlProblem::Scheme(s) => write!(f, "the `{s}:` scheme is not allowed"),
            UrlProblem::ControlCharacter => write!(f, "it contains a control character"),
        }
    }
}

/// What the help line of a refused URL says.
pub(crate) const HELP: &str =
    "use an http:, https: or mailto: URL, or a relative one (`/path`, `#fragment`)";

/// The schemes a URL from content may use.
pub(crate) const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Checks `url` against the rule in the module doc.
pub(crate) fn check(url: &str) -> Result<(), UrlProblem> {
    let decoded = decode_references(url);
    // Browsers drop ASCII tab and newline anywhere in a URL, and trim C0
    // controls and spaces at both ends (WHATWG URL, "basic URL parser").
    let cleaned: String = decoded
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c <= ' ');
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(UrlProblem::ControlCharacter);
    }
    let Some(end) = trimmed.find([':', '/', '?', '#']) else {
        return Ok(()); // a relative path
    };
    if !trimmed[end..].starts_with(':') {
        return Ok(()); // a relative path (with a colon later on, maybe)
    }
    let scheme = trimmed[..end].to_ascii_lowercase();
    if ALLOWED_SCHEMES.contains(&scheme.as_str()) {
        Ok(())
    } else {
        Err(UrlProblem::Scheme(scheme))
    }
}

/// The first line of the error for a refused URL: what holds it (`link`,
/// `image`, "source `x`'s `url`"), the URL, and why.
pub(crate) fn message(what: &str, url: &str, problem: &UrlProblem) -> String {
    // Control characters shown as escapes (`\t`, `\u{1}`), so the reader
    // sees what the check saw.
    let shown: String = url
        .chars()
        .take(120)
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("{what} `{shown}` is refused: {problem}")
}

/// What is wrong with a site's base URL, which every permalink starts with
/// and which is written into HTML, XML and JSON: it must pass [`check`], and
/// hold none of the characters a URL never holds unencoded (spaces, quotes,
/// `<`, `>`, a backtick, a backslash, controls), so that no output format's
/// quoting depends on it. (That it is absolute http(s) is the config's rule.)
pub(crate) fn base_url_problem(url: &str) -> Option<String> {
    if let Err(problem) = check(url) {
        return Some(problem.to_string());
    }
    url.chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\{}|^".contains(*c))
        .map(|c| {
            let shown = if c.is_control() || c.is_whitespace() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            };
            format!("it contains `{shown}`, which a URL cannot hold unencoded")
        })
}

/// Whether [`check`] passes `url`.
pub(crate) fn is_safe(url: &str) -> bool {
    check(url).is_ok()
}

/// `s` with its numeric character references (`&#106;`, `&#x6A;`, with or
/// without the `;`) and the named ones that spell URL syntax (`&colon;`,
/// `&Tab;`, `&NewLine;`, `&sol;`, `&quest;`, `&num;`, `&amp;`) decoded, as an
/// HTML parser would before the URL reached a browser's URL parser. Other
/// text is kept as it is.
fn decode_references(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match reference_at(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// The character a reference at the start of `s` (which starts with `&`)
/// stands for, and the reference's length in bytes.
fn reference_at(s: &str) -> Option<(char, usize)> {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (radix, digits_from) = match num.as_bytes().first() {
            Some(b'x' | b'X') => (16, 1),
            _ => (10, 0),
        };
        let digits = &num[digits_from..];
        let n = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if n == 0 {
            return None;
        }
        // Leading zeros are legal and unbounded (`&#0000106;`): fold while
        // the value stays in range rather than parse a number of any width.
        let value = digits[..n].chars().try_fold(0u32, |acc, d| {
            acc.checked_mul(radix)?.checked_add(d.to_digit(radix)?)
        });
        let c = value
            .and_then(char::from_u32)
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut len = 2 + digits_from + n;
        if s[len..].starts_with(';') {
            len += 1;
        }
        return Some((c, len));
    }
    const NAMED: [(&str, char); 8] = [
        ("colon;", ':'),
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("sol;", '/'),
        ("quest;", '?'),
        ("num;", '#'),
        ("amp;", '&'),
        ("nbsp;", '\u{a0}'),
    ];
    NAMED
        .iter()
        .find(|(name, _)| body.starts_with(name))
        .map(|(name, c)| (*c, 1 + name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_urls_and_relative_ones_pass() {
        for url in [
            "https://example.org/a?b#c",
            "http://example.org",
            "HTTPS://EXAMPLE.ORG",
            "mailto:desk@example.org",
            "/articles/x/",
            "../x.png",
            "x.png",
            "#sn-1",
            "?page=2",
            "//cdn.example.org/x.js",
            "/wiki/Talk:Page",
            "a/b:c",
            "",
            "Tom &amp; Jerry.html",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn other_schemes_are_refused_however_they_are_disguised() {
        let js = || Err(UrlProblem::Scheme("javascript".into()));
        let table: &[(&str, Result<(), UrlProblem>)] = &[
            ("javascript:alert(1)", js()),
            ("JaVaScRiPt:alert(1)", js()),
            ("  javascript:alert(1)", js()),
            ("\u{1}javascript:alert(1)", js()),
            ("java\tscript:alert(1)", js()),
            ("java\nscript:alert(1)", js()),
            ("jav&#x09;ascript:alert(1)", js()),
            ("&#106;avascript:alert(1)", js()),
            ("&#0000106avascript:alert(1)", js()),
            ("&#x6A;avascript:alert(1)", js()),
            ("javascript&colon;alert(1)", js()),
            ("java&Tab;script:alert(1)", js()),
            (
                "data:text/html;base64,PHNjcmlwdD4=",
                Err(UrlProblem::Scheme("data".into())),
            ),
            (
                "vbscript:msgbox(1)",
                Err(UrlProblem::Scheme("vbscript".into())),
            ),
            ("file:///etc/passwd", Err(UrlProblem::Scheme("file".into()))),
            ("java\u{0}script:x", Err(UrlProblem::ControlCharacter)),
            ("https://x.org/\u{7f}", Err(UrlProblem::ControlCharacter)),
        ];
        for (url, expected) in table {
            assert_eq!(&check(url), expected, "{url:?}");
        }
    }

    #[test]
    fn a_base_url_may_not_hold_quotes_spaces_or_brackets() {
        assert_eq!(base_url_problem("https://example.org/sub"), None);
        for bad in [
            "https://x.org/\"><script>",
            "https://x.org/a b",
            "https://x.org/<",
            "https://x.org/'",
        ] {
            assert!(base_url_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_huge_numeric_reference_is_a_replacement_character_not_a_panic() {
        assert_eq!(check("&#99999999999999999999;x:y").ok(), None);
        assert_eq!(check("&#99999999999999999999;"), Ok(()));
    }
}
