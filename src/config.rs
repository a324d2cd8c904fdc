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
    /// `[[deploy.targets]]`: where `gloss deploy` publishes (src/deploy/target.rs).
    #[serde(default)]
    pub deploy: crate::deploy::target::DeployConfig,
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
    "deploy",
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
                if config.paginate == 0 {
                    config.paginate = default_paginate();
                }
                if !config.deploy.validate(id, diags) {
                    return None;
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
                    d = match crate::deploy::target::credential_help(&field) {
                        Some(help) => d.help(help),
                        None => d.suggest(&field, expected_keys(&msg).unwrap_or(CONFIG_KEYS.to_vec())),
                    };
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

/// The keys serde lists after "expected one of" for an unknown key in a
/// nested table (`[[deploy.targets]]`), so the suggestion comes from the
/// table the key was written in rather than from the top level.
fn expected_keys(msg: &str) -> Option<Vec<&str>> {
    let list = msg.split_once(", expected ")?.1;
    let list = list.strip_prefix("one of ").unwrap_or(list);
    Some(
        list.split(", ")
            .flat_map(|k| k.split(" or "))
            .map(|k| k.trim().trim_matches('`'))
            .collect(),
    )
}

/// The `gloss.toml` that `gloss init` writes.
pub fn starter_config(title: &str) -> String {
    format!(
        "title = {title:?}\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\ndescription = \"\"\nauthors = []\n\n[glossary]\nlink = \"first\"\n"
    )
}

#[cfg(test)]
mod deploy_key_tests {
    use super::expected_keys;

    #[test]
    fn suggestions_come_from_the_table_the_key_was_written_in() {
        let table: &[(&str, Option<&[&str]>)] = &[
            ("unknown field `brnach`, expected one of `name`, `git`, `branch`", Some(&["name", "git", "branch"])),
            ("unknown field `target`, expected `targets`", Some(&["targets"])),
            ("unknown field `x`, expected `a` or `b`", Some(&["a", "b"])),
            ("invalid type: integer", None),
        ];
        for (msg, want) in table {
            assert_eq!(expected_keys(msg).as_deref(), *want, "{msg}");
        }
    }
}
