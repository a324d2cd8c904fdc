//! `gloss.toml` -> [`Config`]: validated, defaults applied, unknown keys refused
//! with the closest valid key suggested.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, TomlProblem};
use crate::source::{SourceId, SourceMap, Span};
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
    /// How many records (articles, entries, quotes) one search shard holds:
    /// the indexer's memory is bounded by a shard (src/search.rs).
    #[serde(default = "default_records_per_shard")]
    pub search_records_per_shard: usize,
    #[serde(default)]
    pub glossary: GlossaryConfig,
    /// Hidden files and folders of static/ to publish, by their path under
    /// static/ (`".well-known"`, `"docs/.nojekyll"`). Every other hidden
    /// file or folder there (`.env`, `.git/`) is skipped, as in content/.
    #[serde(default)]
    pub include_hidden: Vec<String>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
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
    "search_records_per_shard",
    "glossary",
    "include_hidden",
    "markdown",
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
fn default_records_per_shard() -> usize {
    2_500
}
fn default_theme() -> String {
    "InspiredGitHub".into()
}

impl Config {
    /// Parses `gloss.toml` already registered as `id`. Returns `None` (with
    /// diagnostics) when it is unusable.
    pub fn parse(id: SourceId, sources: &SourceMap, diags: &mut Diagnostics) -> Option<Config> {
        let text = sources.get(id).text();
        match frontmatter::toml_all::<Config>(text) {
            Ok((mut config, keys)) => {
                // The specific problem (a quote, a space) first, then the shape.
                if let Some(problem) = crate::url_safety::base_url_problem(&config.base_url) {
                    diags.push(
                        Diagnostic::error(format!("`base_url` is not a usable URL: {problem}"))
                            .at(keys
                                .iter()
                                .find(|(k, _)| k == "base_url")
                                .map(|(_, r)| Span::new(id, r.start, r.end))
                                .unwrap_or_else(|| {
                                    frontmatter::find_key(id, sources, 0, text.len(), "base_url")
                                }))
                            .label("here")
                            .help("percent-encode the character (a space is `%20`, `\"` is `%22`) or remove it"),
                    );
                    return None;
                }
                match crate::routes::check_base_url(&config.base_url) {
                    Ok(url) => config.base_url = url,
                    Err(why) => {
                        let span = keys
                            .iter()
                            .find(|(k, _)| k == "base_url")
                            .map(|(_, r)| Span::new(id, r.start, r.end))
                            .unwrap_or_else(|| {
                                frontmatter::find_key(id, sources, 0, text.len(), "base_url")
                            });
                        diags.push(
                            Diagnostic::error("`base_url` must be an absolute http(s) URL")
                                .at(span)
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
                if !config.deploy.validate(id, diags) {
                    return None;
                }
                Some(config)
            }
            Err(problems) => {
                for p in problems {
                    diags.push(config_problem(p, id, text));
                }
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

/// One problem of gloss.toml as a diagnostic.
fn config_problem(p: TomlProblem, id: SourceId, text: &str) -> Diagnostic {
    let span = match &p.span {
        Some(r) => Span::new(id, r.start, r.end.max(r.start + 1)),
        None => Span::new(id, 0, 0),
    };
    if let Some(field) = &p.missing {
        return Diagnostic::error(format!("`{field}` is required in gloss.toml"))
            .at(Span::new(id, 0, text.lines().next().map_or(0, str::len)))
            .label(format!("gloss.toml has no `{field}`"))
            .help(match field.as_str() {
                "base_url" => "add the site's address, e.g. `base_url = \"https://example.org/\"`",
                _ => "add the site's title, e.g. `title = \"The Ledger\"`",
            });
    }
    let mut d = Diagnostic::error(format!("invalid gloss.toml: {}", p.message))
        .at(span)
        .label("here");
    let Some(field) = &p.unknown else {
        return d;
    };
    match p.table.first().map(String::as_str) {
        Some("glossary") if CONFIG_KEYS.contains(&field.as_str()) => {
            d = d
                .label(format!("read as `glossary.{field}`"))
                .note(format!(
                    "`{field}` comes after the `[glossary]` header, so TOML reads it as part of that table"
                ))
                .help(format!(
                    "move `{field} = ...` above the `[glossary]` line to set the site's `{field}`"
                ));
        }
        Some("glossary") => {
            d = d
                .suggest(field, GLOSSARY_KEYS.iter().copied())
                .note(format!(
                    "valid keys in `[glossary]`: {}",
                    GLOSSARY_KEYS.join(", ")
                ));
        }
        Some("deploy") => {
            d = match crate::deploy::target::credential_help(field) {
                Some(help) => d.help(help),
                None => d.suggest(
                    field,
                    expected_keys(&p.message).unwrap_or(CONFIG_KEYS.to_vec()),
                ),
            };
        }
        _ => d = d.suggest(field, CONFIG_KEYS.iter().copied()),
    }
    d
}

/// The keys accepted in `[glossary]`.
pub const GLOSSARY_KEYS: &[&str] = &["link", "case_sensitive"];

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
            (
                "unknown field `brnach`, expected one of `name`, `git`, `branch`",
                Some(&["name", "git", "branch"]),
            ),
            (
                "unknown field `target`, expected `targets`",
                Some(&["targets"]),
            ),
            ("unknown field `x`, expected `a` or `b`", Some(&["a", "b"])),
            ("invalid type: integer", None),
        ];
        for (msg, want) in table {
            assert_eq!(expected_keys(msg).as_deref(), *want, "{msg}");
        }
    }
}
