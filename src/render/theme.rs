//! The theme: built-in templates and static files embedded in the binary,
//! overridden file by file by the site's own `templates/` and `static/`.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::routes::{self, Base};
use crate::source::{display_name, SourceFile, SourceId, SourceMap, Span};
use crate::OutputFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// Built-in file names, for tests and `gloss init`.
pub fn builtin_templates() -> impl Iterator<Item = &'static str> {
    builtin::TEMPLATES.iter().map(|(n, _)| *n)
}

/// The built-in theme's files, as `(path, bytes)` with paths such as
/// `templates/base.html` and `static/gloss.css`, sorted: what
/// `gloss theme export` writes.
pub fn builtin_files() -> impl Iterator<Item = (String, &'static [u8])> {
    let templates = builtin::TEMPLATES
        .iter()
        .map(|(n, t)| (format!("templates/{n}"), t.as_bytes()));
    let statics = builtin::STATIC
        .iter()
        .map(|(n, b)| (format!("static/{n}"), *b));
    templates.chain(statics)
}

/// Where a template came from: the binary, or a file of the site's.
enum Origin {
    Builtin,
    Site(SourceId),
}

pub struct Theme {
    tera: tera::Tera,
    origins: BTreeMap<String, Origin>,
    /// The site's static files, by output path.
    site_static: BTreeMap<String, PathBuf>,
    /// The site's template texts, for error positions.
    texts: BTreeMap<SourceId, String>,
    /// Hidden files and folders of static/ left out, as `static/.env` and
    /// `static/.git/`, sorted.
    skipped_hidden: Vec<String>,
}

/// URL paths of the theme's hashed assets.
pub struct Assets {
    pub stylesheet: String,
    pub script: String,
    pub highlight_css: String,
}

/// The template files the renderer needs. A site may override any of them.
pub const REQUIRED: &[&str] = &[
    "home.html",
    "article.html",
    "page.html",
    "tags.html",
    "tag.html",
    "quotes.html",
    "glossary.html",
    "entry.html",
    "sources.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
];

impl Theme {
    /// Loads the built-in theme, then the site's overrides from `root`.
    /// Template syntax errors are diagnostics with the file and line.
    ///
    /// Hidden files and folders of static/ (a name starting with `.`) are
    /// skipped unless `include_hidden` lists their path under static/:
    /// `static/.env` and `static/.git/` were published (issue 12), while
    /// hidden files of content/ never were. Inside a listed folder, a hidden
    /// name must be listed too (`.well-known/.x`).
    pub fn load(
        root: &Path,
        include_hidden: &[String],
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Option<Theme> {
        let mut texts = BTreeMap::new();
        let mut templates: BTreeMap<String, String> = builtin::TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut origins: BTreeMap<String, Origin> = templates
            .keys()
            .map(|n| (n.clone(), Origin::Builtin))
            .collect();
        let dir = root.join("templates");
        if dir.is_dir() {
            for e in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if !e.file_type().is_file() {
                    continue;
                }
                let name = display_name(&dir, e.path());
                match std::fs::read_to_string(e.path()) {
                    Ok(text) => {
                        let id = sources.add(SourceFile::new(
                            format!("templates/{name}"),
                            e.path().to_path_buf(),
                            text.clone(),
                        ));
                        texts.insert(id, text.clone());
                        templates.insert(name.clone(), text);
                        origins.insert(name, Origin::Site(id));
                    }
                    Err(err) => diags.push(Diagnostic::error(format!(
                        "cannot read templates/{name}: {err}"
                    ))),
                }
            }
        }
        let mut site_static = BTreeMap::new();
        let mut skipped_hidden = Vec::new();
        let sdir = root.join("static");
        if sdir.is_dir() {
            let walk = walkdir::WalkDir::new(&sdir)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    let hidden =
                        e.depth() > 0 && e.file_name().as_encoded_bytes().starts_with(b".");
                    if !hidden {
                        return true;
                    }
                    let name = display_name(&sdir, e.path());
                    let listed = include_hidden.iter().any(|l| l.trim_matches('/') == name);
                    if !listed {
                        let slash = if e.file_type().is_dir() { "/" } else { "" };
                        skipped_hidden.push(format!("static/{name}{slash}"));
                    }
                    listed
                });
            for e in walk.filter_map(Result::ok) {
                if e.file_type().is_file() {
                    site_static.insert(display_name(&sdir, e.path()), e.into_path());
                }
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaper also escapes `/`, which makes every URL unreadable.
        tera.set_escape_fn(escape_for_tera);
        tera.register_filter("headline", Headline);
        tera.register_filter("smart", Smart);
        let mut theme = Theme {
            tera: tera::Tera::default(),
            origins,
            site_static,
            texts,
            skipped_hidden,
        };
        // Parse one at a time first, so each syntax error names its own file.
        let mut ok = true;
        for (name, text) in &templates {
            if let Err(e) = tera::Template::new(name, None, text) {
                ok = false;
                diags.push(theme.parse_error(name, text, &e));
            }
        }
        if !ok {
            return None;
        }
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diags.push(
                Diagnostic::error(format!("the templates do not fit together: {}", chain(&e)))
                    .help("check `{% extends %}` and `{% include %}` names"),
            );
            return None;
        }
        // Tera would follow these until the stack overflows (issue 12).
        let cycles = super::cycles::find(&tera);
        for c in &cycles {
            diags.push(theme.cycle_error(c, &templates));
        }
        if !cycles.is_empty() {
            return None;
        }
        for name in REQUIRED {
            if !templates.contains_key(*name) {
                diags.push(
                    Diagnostic::error(format!("template `{name}` is missing"))
                        .help("the built-in theme provides it; did a site template remove it?"),
                );
                ok = false;
            }
        }
        theme.tera = tera;
        ok.then_some(theme)
    }

    /// The fingerprint of the site's own templates (the built-in ones are
    /// part of the binary, which a cache keys on by its version).
    pub fn fingerprint(&self) -> crate::hash::Fingerprint {
        let mut f = crate::hash::FingerprintBuilder::default();
        for (name, origin) in &self.origins {
            f.add(name).add(&matches!(origin, Origin::Site(_)));
        }
        for text in self.texts.values() {
            f.bytes(text.as_bytes());
        }
        f.finish()
    }

    /// The fingerprint of what rendering template `name` reads of the
    /// theme: its text and those of the templates it extends or imports
    /// macros from, transitively (what a build cache keys a page on, so that
    /// an edit of `entry.html` leaves the article pages cached). When one of
    /// them may include another (`include` anywhere in its text), every
    /// template's, as [`Theme::fingerprint`].
    pub fn template_fingerprint(&self, name: &str) -> crate::hash::Fingerprint {
        let text = |n: &str| -> Option<&str> {
            match self.origins.get(n)? {
                Origin::Site(id) => self.texts.get(id).map(String::as_str),
                Origin::Builtin => builtin::TEMPLATES
                    .iter()
                    .find(|(b, _)| *b == n)
                    .map(|(_, t)| *t),
            }
        };
        let mut f = crate::hash::FingerprintBuilder::default();
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(n) = todo.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            let (Some(t), Ok(parsed)) = (text(&n), self.tera.get_template(&n)) else {
                f.add(&n).add(&false);
                continue;
            };
            if t.contains("include") {
                f.bytes(&self.fingerprint().0.to_le_bytes());
                return f.finish();
            }
            f.add(&n)
                .add(&matches!(self.origins.get(&n), Some(Origin::Site(_))));
            f.bytes(t.as_bytes());
            todo.extend(parsed.parents.iter().cloned());
            todo.extend(
                parsed
                    .imported_macro_files
                    .iter()
                    .map(|(file, _)| file.clone()),
            );
        }
        f.finish()
    }

    /// Hidden files and folders of static/ that were not published.
    pub fn skipped_hidden(&self) -> &[String] {
        &self.skipped_hidden
    }

    pub fn tera(&self) -> &tera::Tera {
        &self.tera
    }

    fn parse_error(&self, name: &str, text: &str, e: &tera::Error) -> Diagnostic {
        let msg = chain(e);
        // Tera's parse errors carry "--> LINE:COL".
        let pos = msg.split("--> ").nth(1).and_then(|rest| {
            let mut it = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some((
                it.next()?.parse::<usize>().ok()?,
                it.next()?.parse::<usize>().ok()?,
            ))
        });
        let detail = msg
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.contains('|') && !l.contains("-->"))
            .unwrap_or("")
            .trim()
            .to_string();
        let mut d = Diagnostic::error(format!("syntax error in template `{name}`: {detail}"));
        if let (Some(Origin::Site(id)), Some((line, col))) = (self.origins.get(name), pos) {
            let offset = offset_of(text, line, col);
            d = d.at(Span::new(*id, offset, offset + 1)).label("here");
        } else if let Some((line, col)) = pos {
            d = d.note(format!(
                "at line {line}, column {col} of the built-in `{name}`"
            ));
        }
        d.help("see the Tera documentation for template syntax")
    }

    fn cycle_error(
        &self,
        c: &super::cycles::Cycle,
        templates: &BTreeMap<String, String>,
    ) -> Diagnostic {
        use super::cycles::CycleKind;
        let (message, help) = match c.kind {
            CycleKind::Include => (
                format!("template `{}` includes itself: {}", c.template, c.path),
                "an include cycle never ends: remove one of these includes (a macro can render what the templates share)",
            ),
            CycleKind::Macro => (
                format!("macro `{}` in `{}` calls itself on every call: {}", c.needle, c.template, c.path),
                "a macro that calls itself needs a condition that stops it, e.g. `{% if depth > 0 %}...{% endif %}`",
            ),
        };
        let mut d = Diagnostic::error(message);
        let text = templates.get(&c.template).map_or("", String::as_str);
        let needle = match c.kind {
            CycleKind::Include => [format!("\"{}\"", c.needle), format!("'{}'", c.needle)],
            CycleKind::Macro => [format!("::{}(", c.needle), format!(":: {}(", c.needle)],
        };
        let at = needle.iter().find_map(|n| text.find(n.as_str()));
        match (self.origins.get(&c.template), at) {
            (Some(Origin::Site(id)), Some(at)) => {
                d = d
                    .at(Span::new(*id, at, at + needle[0].len()))
                    .label("the cycle closes here");
            }
            (Some(Origin::Site(id)), None) => d = d.at(Span::new(*id, 0, 0)),
            _ => d = d.note(format!("in the built-in `{}`", c.template)),
        }
        d.help(help)
    }

    /// A render error as a diagnostic, placed in the template that holds
    /// the mistake (a typo in `base.html` fails every page that extends it,
    /// and is reported once, there), with the closest variable the page's
    /// context has.
    pub fn render_error(&self, name: &str, e: &tera::Error, context: &tera::Context) -> Diagnostic {
        let msg = chain(e);
        let var = msg
            .split("Variable `")
            .nth(1)
            .and_then(|r| r.split('`').next())
            .map(str::to_string);
        let detail = msg.lines().last().unwrap_or(&msg).trim().to_string();
        let Some(var) = var else {
            let mut d = Diagnostic::error(format!("template `{name}` failed: {detail}"));
            if let Some(Origin::Site(id)) = self.origins.get(name) {
                d = d
                    .at(Span::new(*id, 0, 0))
                    .label("while rendering this template");
            }
            return d.help(
                "run `gloss theme export` to see the built-in templates this one can follow",
            );
        };
        // The template itself, then what it extends, then what it includes:
        // the first site template whose text names the variable.
        let mut chain_names = vec![name.to_string()];
        if let Ok(t) = self.tera.get_template(name) {
            chain_names.extend(t.parents.iter().cloned());
        }
        let mut others: Vec<&String> = self.origins.keys().collect();
        others.retain(|n| !chain_names.contains(n));
        let found =
            chain_names
                .iter()
                .chain(others.into_iter())
                .find_map(|n| match self.origins.get(n) {
                    Some(Origin::Site(id)) => {
                        let text = self.texts.get(id)?;
                        find_variable(text, &var).map(|at| (n.clone(), *id, at))
                    }
                    _ => None,
                });
        let mut d = match &found {
            Some((n, id, at)) => {
                Diagnostic::error(format!("template `{n}`: `{var}` is not defined"))
                    .at(Span::new(*id, *at, *at + var.len()))
                    .label("not in the template's context")
            }
            None => Diagnostic::error(format!("template `{name}` failed: {detail}")),
        };
        let json = context.clone().into_json();
        let mut known = Vec::new();
        variables(&json, "", 0, &mut known);
        if let Some(best) = crate::diagnostics::closest(&var, known.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{best}`?"));
        }
        let (head, _) = var.split_once('.').unwrap_or((&var, ""));
        if let Some(serde_json::Value::Object(fields)) = json.get(head) {
            let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            keys.sort_unstable();
            d = d.note(format!("`{head}` has: {}", keys.join(", ")));
        }
        d.help("run `gloss theme export` to write the built-in templates into the site and see the variables each one uses")
    }

    /// Adds the static files (the theme's, overridden by the site's) and the
    /// highlight stylesheet to `files`, and returns the hashed asset URLs.
    pub fn assets(
        &self,
        config: &Config,
        files: &mut BTreeMap<String, OutputFile>,
        diags: &mut Diagnostics,
    ) -> Assets {
        let mut stat: BTreeMap<String, OutputFile> = builtin::STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), OutputFile::Bytes((*b).into())))
            .collect();
        for (n, p) in &self.site_static {
            stat.insert(n.clone(), OutputFile::Copy(p.clone()));
        }
        let base = config.base();
        let mut hashed = |name: &str, stat: &mut BTreeMap<String, OutputFile>| -> String {
            let Some(file) = stat.remove(name) else {
                return String::new();
            };
            let mut bytes = match file {
                OutputFile::Bytes(b) => b,
                OutputFile::Copy(p) => std::fs::read(&p).unwrap_or_default().into(),
            };
            if name == "gloss.js" && !base.path().is_empty() {
                bytes = under_base_path(&bytes, &base).into();
            }
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let out = format!("{stem}.{}.{ext}", crate::hash::content_hash(&bytes));
            files.insert(out.clone(), OutputFile::Bytes(bytes));
            base.href(&routes::asset(&out)).into()
        };
        let stylesheet = hashed("gloss.css", &mut stat);
        let script = hashed("gloss.js", &mut stat);
        files.extend(stat);
        let css = match crate::markdown::highlight_css(&config.highlight_theme) {
            Ok(css) => css,
            Err(names) => {
                let mut d = Diagnostic::error(format!(
                    "unknown highlight_theme `{}`",
                    config.highlight_theme
                ));
                d = d.suggest(&config.highlight_theme, names.iter().map(String::as_str));
                diags.push(d.note(format!("available: {}", names.join(", "))));
                String::new()
            }
        };
        let name = format!(
            "highlight.{}.css",
            crate::hash::content_hash(css.as_bytes())
        );
        files.insert(name.clone(), OutputFile::Bytes(css.into_bytes().into()));
        Assets {
            stylesheet,
            script,
            highlight_css: base.href(&routes::asset(&name)).into(),
        }
    }

    /// The site's static files, by output path (they are copied to the
    /// output root as they are), for the clash check.
    pub fn site_static(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.site_static
            .iter()
            .map(|(n, p)| (n.as_str(), p.as_path()))
    }

    /// Makes the `url(path="/quotes/")` function available to templates: the
    /// href of a site path behind the base path (`/news/quotes/` for a site
    /// served from `/news/`). Text that is not an absolute path comes back as
    /// it is, so `url(path=page.url)` is harmless.
    pub fn register_urls(&mut self, base: &Base) {
        let base = base.clone();
        self.tera.register_function(
            "url",
            move |args: &std::collections::HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
                match args.get("path").and_then(tera::Value::as_str) {
                    Some(path) => Ok(tera::Value::String(base.href_of_text(path))),
                    None => Err(tera::Error::msg(
                        "`url` takes a site path: `url(path=\"/quotes/\")`",
                    )),
                }
            },
        );
    }
}

/// The built-in script with its absolute site paths (the Pagefind bundle,
/// `/pagefind/`) moved under the base path. Only for a site with a base
/// path, so that the script, and so every page naming its hash, is byte for
/// byte what it was for a site at the root of its host.
fn under_base_path(js: &[u8], base: &Base) -> Vec<u8> {
    let text = String::from_utf8_lossy(js);
    let bundle = base.href(&routes::pagefind());
    text.replace("\"/pagefind/", &format!("\"{bundle}"))
        .into_bytes()
}

/// Where `var` is written in a template as a whole name (not inside a
/// longer one), in `{{ }}` or `{% %}`.
fn find_variable(text: &str, var: &str) -> Option<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    text.match_indices(var).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + var.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(|c| is_name(c) && c != '.')
    })
}

/// The dotted names a context offers (`site.title`, `page.date`), three
/// levels deep, for "did you mean".
fn variables(v: &serde_json::Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    let serde_json::Value::Object(map) = v else {
        return;
    };
    for (k, child) in map {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if depth < 2 {
            variables(child, &name, depth + 1, out);
        }
        out.push(name);
    }
}

/// The `headline` filter: the text escaped, with each short hyphenated word
/// ("COVID-19", "Jean-Luc") kept on one line. Headlines are balanced
/// (`text-wrap: balance`), and a browser may break a line after any hyphen,
/// so a balanced title would otherwise end a line with "COVID-". The word
/// is wrapped in `<span class="nobr">` rather than given a non-breaking
/// hyphen, so that the text copied, searched and read aloud is the title as
/// written. Words longer than [`NOBR_MAX`] characters may still break: on a
/// phone, a long compound kept whole would overflow the line.
struct Headline;

/// The longest hyphenated word the `headline` filter keeps on one line.
const NOBR_MAX: usize = 20;

impl tera::Filter for Headline {
    fn filter(
        &self,
        value: &tera::Value,
        _args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let text = match value {
            tera::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Ok(tera::Value::String(headline(&text)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// The `smart` filter: plain text with the body's smart punctuation
/// (curly quotes and apostrophes, dashes, `…`), for the glossary text
/// templates print as written: aliases and link titles.
struct Smart;

impl tera::Filter for Smart {
    fn filter(
        &self,
        value: &tera::Value,
        _args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        Ok(match value {
            tera::Value::String(s) => {
                tera::Value::String(crate::glossary::smart_punctuation(s).into_owned())
            }
            other => other.clone(),
        })
    }
}

/// See [`Headline`].
fn headline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let inner = word.trim_matches(|c: char| !c.is_alphanumeric());
        let hyphenated = inner.contains('-')
            && inner.chars().count() <= NOBR_MAX
            && inner
                .split('-')
                .all(|part| !part.is_empty() && part.chars().all(char::is_alphanumeric));
        if hyphenated {
            out.push_str("<span class=\"nobr\">");
            out.push_str(&escape_for_tera(word));
            out.push_str("</span>");
        } else {
            out.push_str(&escape_for_tera(word));
        }
        let space_end = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        out.push_str(&escape_for_tera(&after[..space_end]));
        rest = &after[space_end..];
    }
    out
}

fn escape_for_tera(s: &str) -> String {
    crate::markdown::escape(s)
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push('\n');
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(0, |(b, _)| b);
        }
        off += l.len();
    }
    off.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headlines_keep_short_hyphenated_words_whole_and_escape_the_rest() {
        assert_eq!(
            headline("Hospitals brace for COVID-19, again"),
            "Hospitals brace for <span class=\"nobr\">COVID-19,</span> again"
        );
        assert_eq!(
            headline("<b>Jean-Luc</b> & a well-known-but-very-long-compound"),
            "&lt;b&gt;Jean-Luc&lt;/b&gt; &amp; a well-known-but-very-long-compound"
        );
        assert_eq!(headline("A - B -- C"), "A - B -- C");
        assert_eq!(
            headline("Jean-Luc  Picard"),
            "<span class=\"nobr\">Jean-Luc</span>  Picard"
        );
    }
}
