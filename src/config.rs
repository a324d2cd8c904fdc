//! `gloss.toml` -> [`Config`]: validated, defaults applied, unknown keys refused
//! with the closest valid key suggested.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, toml_error_span, unknown_field};
use crate::source::{SourceId, SourceMap};
use serde::Deserialize;

/// How often a glossary name is linked in one article.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    /// Every mention.
    All,
    /// The first mention of each entry in each article (the default).
    #[default]
    First,
    /// None: only explicit `[text](@id)` mentions link.
    None,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GlossaryConfig {
    pub link: LinkMode,
    pub case_sensitive: bool,
}

impl Default for GlossaryConfig {
    fn default() -> Self {
        GlossaryConfig {
            link: LinkMode::First,
            case_sensitive: true,
        }
    }
}

/// The site configuration. Every key has a default except `title` and `base_url`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Stored without a trailing slash.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default = "yes")]
    pub feed: bool,
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    #[serde(default = "default_theme")]
    pub highlight_theme: String,
    #[serde(default = "yes")]
    pub search: bool,
    #[serde(default)]
    pub glossary: GlossaryConfig,
    /// Hidden files and folders of static/ to publish, by their path under
    /// static/ (`".well-known"`, `"docs/.nojekyll"`). Every other hidden
    /// file or folder there (`.env`, `.git/`) is skipped, as in content/.
    #[serde(default)]
    pub include_hidden: Vec<String>,
}

/// The keys accepted at the top level, for suggestions.
pub const CONFIG_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "description",
    "authors",
    "feed",
    "paginate",
    "highlight_theme",
    "search",
    "glossary",
    "include_hidden",
];

fn default_language() -> String {
    "en".into()
}
fn yes() -> bool {
    true
}
fn default_paginate() -> usize {
    10
}
fn default_theme() -> String {
    "InspiredGitHub".into()
}

impl Config {
    /// Parses `gloss.toml` already registered as `id`. Returns `None` (with
    /// diagnostics) when it is unusable.
    pub fn parse(id: SourceId, sources: &SourceMap, diags: &mut Diagnostics) -> Option<Config> {
        let text = &sources.get(id).text;
        match toml::from_str::<Config>(text) {
            Ok(mut config) => {
                match crate::routes::check_base_url(&config.base_url) {
                    Ok(url) => config.base_url = url,
                    Err(why) => {
                        diags.push(
                            Diagnostic::error("`base_url` must be an absolute http(s) URL")
                                .at(frontmatter::find_key(
                                    id,
                                    sources,
                                    0,
                                    text.len(),
                                    "base_url",
                                ))
                                .label("not an absolute URL")
                                .note(why)
                                .help("write it in full, e.g. `base_url = \"https://example.org/\"` or `\"https://example.org/news/\"` for a site served from /news/"),
                        );
                        return None;
                    }
                }
                if config.paginate == 0 {
                    config.paginate = default_paginate();
                }
                Some(config)
            }
            Err(e) => {
                let span = toml_error_span(&e, id, 0);
                let msg = e.message().to_string();
                let mut d = Diagnostic::error(format!("invalid gloss.toml: {msg}"))
                    .at(span)
                    .label("here");
                if let Some((field, _)) = unknown_field(&msg) {
                    d = d.suggest(&field, CONFIG_KEYS.iter().copied());
                }
                diags.push(d);
                None
            }
        }
    }

    /// Where the site is served: the origin and the path of `base_url`.
    pub fn base(&self) -> crate::routes::Base {
        crate::routes::Base::new(&self.base_url)
    }

    /// A full URL for a site path such as `/articles/x/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Checks a `--base-url` given on the command line exactly as `base_url` in
/// gloss.toml is checked (clap calls it, so a bad value is a usage error).
pub fn parse_base_url(url: &str) -> Result<String, String> {
    crate::routes::check_base_url(url)
}

/// The `gloss.toml` that `gloss init` writes.
pub fn starter_config(title: &str) -> String {
    format!(
        "title = {title:?}\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\ndescription = \"\"\nauthors = []\n\n[glossary]\nlink = \"first\"\n"
    )
}
