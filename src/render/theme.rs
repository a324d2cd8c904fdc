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

    /// A render error as a diagnostic: the template, and the line of the
    /// variable it names when Tera names one.
    pub fn render_error(&self, name: &str, e: &tera::Error) -> Diagnostic {
        let msg = chain(e);
        let var = msg
            .split("Variable `")
            .nth(1)
            .and_then(|r| r.split('`').next())
            .map(str::to_string);
        let mut d = Diagnostic::error(format!(
            "template `{name}` failed: {}",
            msg.lines().last().unwrap_or(&msg).trim()
        ));
        if let Some(Origin::Site(id)) = self.origins.get(name) {
            let text = self.texts.get(id).map_or("", String::as_str);
            let at = var.as_deref().and_then(|v| text.find(v)).unwrap_or(0);
            d = d
                .at(Span::new(*id, at, at + var.as_ref().map_or(0, String::len)))
                .label("used here");
        }
        if let Some(v) = var {
            d = d.help(format!("`{v}` is not in this template's context: see docs/templates.md for the fields each template receives"));
        }
        d
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
            let out = format!("{stem}.{}.{ext}", super::content_hash(&bytes));
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
        let name = format!("highlight.{}.css", super::content_hash(css.as_bytes()));
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
