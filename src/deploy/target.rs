//! `[[deploy.targets]]` in gloss.toml -> [`DeployConfig`]: where `gloss deploy`
//! publishes, validated with positions in gloss.toml.
//!
//! Parsed as part of [`crate::config::Config`] (so `gloss build` and `gloss
//! check` refuse a broken target too), then checked by [`DeployConfig::validate`]:
//! each target is either a git remote or an `s3://` URL, names are unique, and
//! the keys of one kind are not set on the other. Credentials are never read
//! from here: a key that looks like one is refused with a pointer to the AWS
//! environment variables.
//!
//! This module is a leaf: it knows diagnostics and sources, not the rest of
//! the deploy stage, so the configuration can depend on it without a circle.

use crate::diagnostics::{closest, Diagnostic, Diagnostics};
use crate::source::{SourceId, Span};
use serde::Deserialize;
use toml::Spanned;

/// The `[deploy]` table.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    #[serde(default)]
    pub targets: Vec<TargetConfig>,
}

/// One `[[deploy.targets]]` entry as written. Every value keeps its span so a
/// problem found after parsing still points at gloss.toml line and column.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    pub name: Spanned<String>,
    /// A git remote: a URL, `user@host:path`, or a local path (relative to the site folder).
    pub git: Option<Spanned<String>>,
    /// The branch a git target publishes to. Default `gh-pages`.
    pub branch: Option<Spanned<String>>,
    /// Written as `CNAME` at the root of a git target's branch (GitHub Pages' custom domain).
    pub cname: Option<Spanned<String>>,
    /// `s3://bucket` or `s3://bucket/prefix`.
    pub url: Option<Spanned<String>>,
    /// The S3 endpoint, for storage other than AWS. Default: `AWS_ENDPOINT_URL`.
    pub endpoint: Option<Spanned<String>>,
    /// Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1`.
    pub region: Option<Spanned<String>>,
}

/// The keys of a target, for "did you mean" and for the error listing them.
pub const TARGET_KEYS: &[&str] = &[
    "name", "git", "branch", "cname", "url", "endpoint", "region",
];

/// Keys that would put a secret in gloss.toml (which is usually committed).
const CREDENTIAL_KEYS: &[&str] = &[
    "access_key",
    "access_key_id",
    "aws_access_key_id",
    "secret",
    "secret_key",
    "secret_access_key",
    "aws_secret_access_key",
    "session_token",
    "aws_session_token",
    "token",
    "password",
];

/// The help for a credential written into gloss.toml, if `key` names one.
pub fn credential_help(key: &str) -> Option<&'static str> {
    CREDENTIAL_KEYS.contains(&key.to_ascii_lowercase().as_str()).then_some(
        "credentials never go in gloss.toml (it is usually committed): set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY in the environment, or use a profile in ~/.aws/credentials \
         (AWS_PROFILE); see docs/deploy.md",
    )
}

/// A validated target: what `gloss deploy` acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetKind {
    Git(GitTarget),
    S3(S3Target),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitTarget {
    /// As written in gloss.toml; a relative local path is resolved against
    /// the site folder when the deploy runs.
    pub remote: String,
    pub branch: String,
    pub cname: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Target {
    /// As written, for messages.
    pub url: String,
    pub bucket: String,
    /// Without leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

impl DeployConfig {
    /// Checks every target, pushing one diagnostic per problem. Returns false
    /// when any is an error.
    pub fn validate(&self, id: SourceId, diags: &mut Diagnostics) -> bool {
        let before = diags.error_count();
        let at = |s: &std::ops::Range<usize>| Span::new(id, s.start, s.end.max(s.start + 1));
        let mut seen: Vec<&Spanned<String>> = Vec::new();
        for t in &self.targets {
            let name = t.name.get_ref();
            if !is_valid_name(name) {
                diags.push(
                    Diagnostic::error(format!("deploy target name `{name}` is not usable"))
                        .at(at(&t.name.span()))
                        .label("not a name")
                        .help("use letters, digits, `-` and `_`, e.g. `name = \"pages\"`"),
                );
            }
            if let Some(first) = seen.iter().find(|s| s.get_ref() == name) {
                diags.push(
                    Diagnostic::error(format!("two deploy targets are named `{name}`"))
                        .at(at(&t.name.span()))
                        .label("second target with this name")
                        .also(at(&first.span()), "first one here")
                        .help(
                            "give each target its own name; `gloss deploy --target NAME` picks one",
                        ),
                );
            }
            seen.push(&t.name);
            match (&t.git, &t.url) {
                (Some(g), Some(u)) => diags.push(
                    Diagnostic::error(format!(
                        "deploy target `{name}` has both `git` and `url`"
                    ))
                    .at(at(&u.span()))
                    .label("an S3 URL")
                    .also(at(&g.span()), "a git remote")
                    .help("a target publishes to one place: split it into two targets"),
                ),
                (None, None) => diags.push(
                    Diagnostic::error(format!(
                        "deploy target `{name}` says neither where nor how to publish"
                    ))
                    .at(at(&t.name.span()))
                    .label("this target")
                    .help("add `git = \"git@github.com:org/site.git\"` (a git remote or local path) or `url = \"s3://bucket/prefix\"`"),
                ),
                (Some(g), None) => {
                    if g.get_ref().starts_with('-') {
                        diags.push(
                            Diagnostic::error("`git` starts with `-`, which git would read as an option")
                                .at(at(&g.span()))
                                .label("not a remote")
                                .help("write a URL, `user@host:path`, or a path (`./-site.git` for a folder named so)"),
                        );
                    }
                    if g.get_ref().trim().is_empty() {
                        diags.push(
                            Diagnostic::error("`git` is empty")
                                .at(at(&g.span()))
                                .label("no remote")
                                .help("write a git remote URL or a local path, e.g. `git = \"../site.git\"`"),
                        );
                    }
                    for (key, v) in [("endpoint", &t.endpoint), ("region", &t.region)] {
                        if let Some(v) = v {
                            diags.push(
                                Diagnostic::error(format!("`{key}` is for S3 targets, and `{name}` is a git target"))
                                    .at(at(&v.span()))
                                    .label("not used by git")
                                    .help(format!("remove `{key}`, or make the target an S3 one with `url = \"s3://...\"`")),
                            );
                        }
                    }
                    if let Some(b) = &t.branch {
                        if let Err(why) = check_branch(b.get_ref()) {
                            diags.push(
                                Diagnostic::error(format!("`branch = \"{}\"` is not a usable branch name: {why}", b.get_ref()))
                                    .at(at(&b.span()))
                                    .label("this branch")
                                    .help("use a plain branch name such as `gh-pages`"),
                            );
                        }
                    }
                    if let Some(c) = &t.cname {
                        if !is_host_name(c.get_ref()) {
                            diags.push(
                                Diagnostic::error(format!("`cname = \"{}\"` is not a host name", c.get_ref()))
                                    .at(at(&c.span()))
                                    .label("expected a domain")
                                    .help("write the bare domain, without scheme or path: `cname = \"news.example.org\"`"),
                            );
                        }
                    }
                }
                (None, Some(u)) => {
                    for (key, v) in [("branch", &t.branch), ("cname", &t.cname)] {
                        if let Some(v) = v {
                            diags.push(
                                Diagnostic::error(format!("`{key}` is for git targets, and `{name}` is an S3 target"))
                                    .at(at(&v.span()))
                                    .label("not used by S3")
                                    .help(format!("remove `{key}`; a CDN in front of the bucket sets the domain")),
                            );
                        }
                    }
                    if let Err(why) = parse_s3_url(u.get_ref()) {
                        diags.push(
                            Diagnostic::error(format!("`url = \"{}\"` is not an S3 URL: {why}", u.get_ref()))
                                .at(at(&u.span()))
                                .label("expected s3://bucket/prefix")
                                .help("write `url = \"s3://my-bucket\"` or `url = \"s3://my-bucket/site\"`; the endpoint goes in `endpoint`"),
                        );
                    }
                    if let Some(e) = &t.endpoint {
                        let v = e.get_ref();
                        if !(v.starts_with("http://") || v.starts_with("https://")) || v.len() <= "https://".len() {
                            diags.push(
                                Diagnostic::error(format!("`endpoint = \"{v}\"` is not an http(s) URL"))
                                    .at(at(&e.span()))
                                    .label("expected https://...")
                                    .help("write it in full, e.g. `endpoint = \"https://s3.eu-central-1.example.com\"`"),
                            );
                        }
                    }
                }
            }
        }
        diags.error_count() == before
    }

    /// The targets, validated. Call after [`DeployConfig::validate`] passed.
    pub fn targets(&self) -> Vec<Target> {
        self.targets
            .iter()
            .filter_map(|t| {
                let kind = match (&t.git, &t.url) {
                    (Some(g), None) => TargetKind::Git(GitTarget {
                        remote: g.get_ref().clone(),
                        branch: t
                            .branch
                            .as_ref()
                            .map(|b| b.get_ref().clone())
                            .unwrap_or_else(|| "gh-pages".into()),
                        cname: t.cname.as_ref().map(|c| c.get_ref().clone()),
                    }),
                    (None, Some(u)) => {
                        let (bucket, prefix) = parse_s3_url(u.get_ref()).ok()?;
                        TargetKind::S3(S3Target {
                            url: u.get_ref().clone(),
                            bucket,
                            prefix,
                            endpoint: t.endpoint.as_ref().map(|e| e.get_ref().clone()),
                            region: t.region.as_ref().map(|r| r.get_ref().clone()),
                        })
                    }
                    _ => return None,
                };
                Some(Target {
                    name: t.name.get_ref().clone(),
                    kind,
                })
            })
            .collect()
    }
}

/// Picks the target `gloss deploy` publishes to: the named one, or the only
/// one. The error says what exists and, for a typo, the closest name.
pub fn select(targets: &[Target], wanted: Option<&str>) -> Result<Target, Diagnostic> {
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    match wanted {
        Some(w) => targets.iter().find(|t| t.name == w).cloned().ok_or_else(|| {
            let d = Diagnostic::error(format!("no deploy target named `{w}` in gloss.toml"));
            match (closest(w, names.iter().copied()), names.is_empty()) {
                (_, true) => d.help("add a `[[deploy.targets]]` table to gloss.toml (see docs/deploy.md)"),
                (Some(best), _) => d
                    .help(format!("did you mean `{best}`?"))
                    .note(format!("targets: {}", names.join(", "))),
                (None, _) => d.note(format!("targets: {}", names.join(", "))),
            }
        }),
        None => match targets {
            [only] => Ok(only.clone()),
            [] => Err(Diagnostic::error("gloss.toml has no deploy target").help(
                "add one, e.g.\n\n[[deploy.targets]]\nname = \"pages\"\ngit = \"git@github.com:org/site.git\"\n\n(see docs/deploy.md)",
            )),
            _ => Err(Diagnostic::error(format!(
                "gloss.toml has {} deploy targets; say which one",
                targets.len()
            ))
            .help(format!("pass --target NAME, one of: {}", names.join(", ")))),
        },
    }
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The part of git's ref-name rules a user is likely to break.
fn check_branch(b: &str) -> Result<(), &'static str> {
    if b.is_empty() {
        return Err("it is empty");
    }
    if b.starts_with('-') || b.starts_with('/') || b.ends_with('/') || b.ends_with('.') {
        return Err("it starts or ends with `-`, `/` or `.`");
    }
    if b.contains("..") || b.contains("//") || b.contains("@{") || b.ends_with(".lock") {
        return Err("git refuses `..`, `//`, `@{` and a `.lock` ending");
    }
    if b.chars()
        .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
    {
        return Err("git refuses spaces and any of ~ ^ : ? * [ \\");
    }
    Ok(())
}

fn is_host_name(h: &str) -> bool {
    h.contains('.')
        && !h.starts_with('.')
        && !h.ends_with('.')
        && h.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// `s3://bucket/prefix` -> (bucket, prefix without surrounding `/`).
pub fn parse_s3_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| "it does not start with `s3://`".to_string())?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    // S3's bucket naming rules (3 to 63 lowercase letters, digits, dots, hyphens).
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !bucket_ok {
        return Err(format!(
            "`{bucket}` is not a bucket name (3 to 63 lowercase letters, digits, `.` and `-`)"
        ));
    }
    let prefix = prefix.trim_matches('/');
    if prefix
        .split('/')
        .any(|seg| seg == "." || seg == ".." || (seg.is_empty() && !prefix.is_empty()))
    {
        return Err("its prefix has an empty, `.` or `..` segment".into());
    }
    if prefix.contains(['?', '#', '\\']) {
        return Err("its prefix has `?`, `#` or `\\` in it".into());
    }
    Ok((bucket.to_string(), prefix.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(name: &str) -> Target {
        Target {
            name: name.into(),
            kind: TargetKind::Git(GitTarget {
                remote: "x".into(),
                branch: "gh-pages".into(),
                cname: None,
            }),
        }
    }

    #[test]
    fn s3_urls_split_into_bucket_and_prefix() {
        let table: &[(&str, Result<(&str, &str), &str>)] = &[
            ("s3://site", Ok(("site", ""))),
            ("s3://site/", Ok(("site", ""))),
            ("s3://my.site-1/news/", Ok(("my.site-1", "news"))),
            ("s3://site/a/b", Ok(("site", "a/b"))),
            ("https://site/a", Err("does not start")),
            ("s3://Site/a", Err("not a bucket name")),
            ("s3://ab", Err("not a bucket name")),
            ("s3://site/a//b", Err("empty")),
            ("s3://site/../b", Err("`..`")),
        ];
        for (url, want) in table {
            let got = parse_s3_url(url);
            match (want, &got) {
                (Ok((b, p)), Ok((gb, gp))) => {
                    assert_eq!((*b, *p), (gb.as_str(), gp.as_str()), "{url}")
                }
                (Err(part), Err(msg)) => assert!(msg.contains(part), "{url}: {msg}"),
                _ => panic!("{url}: got {got:?}"),
            }
        }
    }

    #[test]
    fn an_unknown_target_name_suggests_the_closest() {
        let targets = [git("pages"), git("live")];
        let err = select(&targets, Some("pagse")).unwrap_err();
        assert_eq!(err.message, "no deploy target named `pagse` in gloss.toml");
        assert!(
            err.notes.iter().any(|h| h == "help: did you mean `pages`?"),
            "{err:?}"
        );
    }

    #[test]
    fn one_target_needs_no_name_and_two_do() {
        assert_eq!(select(&[git("pages")], None).unwrap().name, "pages");
        let err = select(&[git("pages"), git("live")], None).unwrap_err();
        assert!(
            err.notes.iter().any(|h| h.contains("pages, live")),
            "{err:?}"
        );
        assert!(select(&[], None).is_err());
    }

    #[test]
    fn branch_names_follow_git_rules() {
        assert!(check_branch("gh-pages").is_ok());
        assert!(check_branch("site/main").is_ok());
        for bad in ["", "a b", "a..b", "-x", "x.lock", "a:b"] {
            assert!(check_branch(bad).is_err(), "{bad}");
        }
    }
}
