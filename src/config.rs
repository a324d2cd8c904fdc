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

/// How content's Markdown is rendered (`[markdown]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Trust raw HTML in content and pass it through as written (Hugo's
    /// `markup.goldmark.renderer.unsafe`). Off by default: raw HTML is
    /// sanitized, see docs/security.md.
    pub unsafe_html: bool,
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
    #[serde(default)]
    pub markdown: MarkdownConfig,
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
    "markdown",
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
                config.base_url = config.base_url.trim_end_matches('/').to_string();
                if !(config.base_url.starts_with("http://")
                    || config.base_url.starts_with("https://"))
                {
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
                            .help("write it in full, e.g. `base_url = \"https://example.org/\"`"),
                    );
                    return None;
                }
                if let Some(problem) = crate::url_safety::base_url_problem(&config.base_url) {
                    diags.push(
                        Diagnostic::error(format!("`base_url` is not a usable URL: {problem}"))
                            .at(frontmatter::find_key(
                                id,
                                sources,
                                0,
                                text.len(),
                                "base_url",
                            ))
                            .label("here")
                            .help("percent-encode the character (a space is `%20`, `\"` is `%22`) or remove it"),
                    );
                    return None;
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

    /// A full URL for a site path such as `/articles/x/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// The `gloss.toml` that `gloss init` writes.
pub fn starter_config(title: &str) -> String {
    format!(
        "title = {title:?}\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\ndescription = \"\"\nauthors = []\n\n[glossary]\nlink = \"first\"\n"
    )
}
