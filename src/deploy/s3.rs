//! S3 targets: the built site -> objects under a bucket's prefix, sending only
//! what changed.
//!
//! Takes the site's files and an [`S3Target`]; returns the [`Plan`] it carried
//! out. One listing of the prefix tells what the bucket holds: an object
//! whose ETag is the MD5 of the local file is already there (S3, Garage, R2,
//! MinIO and the rest set a single-part upload's ETag to the MD5 of its bytes,
//! and gloss only makes single-part uploads), so no metadata request per file
//! is needed. Anything else is sent, in this order:
//!
//! 1. every file that is not a page (assets, feeds, JSON, images), so no page
//!    can go live before what it names;
//! 2. the HTML pages;
//! 3. with `--delete` only, the objects under the prefix the site no longer has.
//!
//! An interrupted deploy (killed, network lost) leaves each object either as
//! it was or as new, and the pages that were not sent still name assets that
//! exist; run again, and the listing skips everything that arrived.
//!
//! Each object gets its Content-Type (the same table the preview server uses)
//! and a Cache-Control: a year and `immutable` for files whose name carries a
//! content hash (the theme's `gloss.<hash>.css`, Pagefind's fragments), since
//! a new version gets a new name; five minutes for everything else (pages,
//! feeds, JSON), so a CDN in front picks up a deploy quickly.
//!
//! The S3 protocol and request signing are Apache Arrow's `object_store`
//! crate's. Credentials are the standard AWS ones, read here so that a
//! missing one is a clear error before any request: `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), else the profile
//! `AWS_PROFILE` (default `default`) in `~/.aws/credentials` or
//! `~/.aws/config`. gloss never asks the EC2 metadata service: a deploy
//! without credentials fails instead of waiting on an address that is not
//! there.

use super::{human_bytes, LocalFile, Outcome, Plan, PublishOptions, Reporter};
use crate::deploy::target::S3Target;
use crate::diagnostics::{Diagnostic, Report};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use md5::{Digest, Md5};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig,
};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// Uploads in flight at once: enough to hide a CDN-backed store's latency,
/// few enough not to trip its rate limits.
const CONCURRENCY: usize = 16;

/// Cache-Control of files whose name changes with their content.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of everything else: pages, feeds, JSON, unhashed static files.
pub const CACHE_SHORT: &str = "public, max-age=300";

pub fn publish(
    target: &S3Target,
    files: &[LocalFile],
    opts: &PublishOptions,
    reporter: &Reporter,
) -> Result<Outcome, Report> {
    let settings = Settings::from_env(target).map_err(Report::single)?;
    let store = settings.store(target).map_err(Report::single)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Report::single(Diagnostic::error(format!("cannot start the uploader: {e}")))
        })?;
    runtime.block_on(deploy(&store, target, &settings, files, opts, reporter))
}

async fn deploy(
    store: &AmazonS3,
    target: &S3Target,
    settings: &Settings,
    files: &[LocalFile],
    opts: &PublishOptions,
    reporter: &Reporter,
) -> Result<Outcome, Report> {
    reporter.line(&format!("listing {}", target.url));
    let remote = list(store, target, settings).await?;
    let hashes = hash_files(files).map_err(Report::single)?;
    let plan = plan(files, &hashes, &remote, opts.delete);
    if plan.is_empty() || opts.dry_run {
        let done = if plan.is_empty() {
            format!("nothing to do: {} already has this site", target.url)
        } else {
            "dry run: nothing was sent or deleted".into()
        };
        return Ok(Outcome { plan, done });
    }

    let by_key: BTreeMap<&str, &LocalFile> = files.iter().map(|f| (f.key.as_str(), f)).collect();
    let sends: Vec<&LocalFile> = plan
        .adds
        .iter()
        .chain(&plan.updates)
        .filter_map(|(k, _)| by_key.get(k.as_str()).copied())
        .collect();
    let (pages, assets): (Vec<&LocalFile>, Vec<&LocalFile>) =
        sends.into_iter().partition(|f| is_page(&f.key));
    let progress = Progress {
        files: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
        total_files: assets.len() + pages.len(),
        total_bytes: plan.bytes(),
    };
    for phase in [assets, pages] {
        stream::iter(phase)
            .map(|f| put(store, target, f, &progress, reporter))
            .buffer_unordered(CONCURRENCY)
            .try_collect::<()>()
            .await
            .map_err(|d| {
                let sent = progress.files.load(Ordering::Relaxed);
                Report::single(d.note(format!(
                    "{sent} of {} files were sent before this; the pages still name assets that exist",
                    progress.total_files
                )).help("run `gloss deploy` again: what arrived is not sent again"))
            })?;
    }
    stream::iter(&plan.deletes)
        .map(|k| async move {
            let path = object_path(target, k)?;
            store
                .delete(&path)
                .await
                .map_err(|e| request_failed(target, settings, "deleting", k, &e))?;
            reporter.file("deleted", k);
            Ok::<(), Diagnostic>(())
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<()>()
        .await
        .map_err(|d| {
            Report::single(
                d.help("every file was sent; run `gloss deploy --delete` again to finish removing"),
            )
        })?;

    let done = format!(
        "sent {} file{} ({}){} to {}",
        progress.total_files,
        if progress.total_files == 1 { "" } else { "s" },
        human_bytes(plan.bytes()),
        if plan.deletes.is_empty() {
            String::new()
        } else {
            format!(", deleted {}", plan.deletes.len())
        },
        target.url
    );
    Ok(Outcome { plan, done })
}

/// Counters of a running transfer.
struct Progress {
    files: AtomicUsize,
    bytes: AtomicU64,
    total_files: usize,
    total_bytes: u64,
}

async fn put(
    store: &AmazonS3,
    target: &S3Target,
    file: &LocalFile,
    progress: &Progress,
    reporter: &Reporter,
) -> Result<(), Diagnostic> {
    let bytes = std::fs::read(&file.path)
        .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", file.path.display())))?;
    let len = bytes.len() as u64;
    let mut attributes = Attributes::new();
    attributes.insert(
        Attribute::ContentType,
        crate::serve::content_type(&file.key).into(),
    );
    attributes.insert(Attribute::CacheControl, cache_control(&file.key).into());
    let options = PutOptions {
        attributes,
        ..PutOptions::default()
    };
    let path = object_path(target, &file.key)?;
    store
        .put_opts(&path, PutPayload::from(bytes), options)
        .await
        .map_err(|e| {
            Diagnostic::error(format!("could not send {} to {}", file.key, target.url))
                .note(first_line(&e.to_string()))
        })?;
    let done = progress.files.fetch_add(1, Ordering::Relaxed) + 1;
    let bytes = progress.bytes.fetch_add(len, Ordering::Relaxed) + len;
    reporter.file("sent", &file.key);
    reporter.progress(done, progress.total_files, bytes, progress.total_bytes);
    Ok(())
}

/// What the bucket holds under the prefix: key (relative to the prefix) ->
/// (size, ETag without quotes).
async fn list(
    store: &AmazonS3,
    target: &S3Target,
    settings: &Settings,
) -> Result<BTreeMap<String, (u64, String)>, Report> {
    let prefix = (!target.prefix.is_empty()).then(|| ObjectPath::from(target.prefix.as_str()));
    let objects: Vec<_> = store
        .list(prefix.as_ref())
        .try_collect()
        .await
        .map_err(|e| Report::single(listing_failed(target, settings, &e)))?;
    let strip = if target.prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", target.prefix)
    };
    Ok(objects
        .into_iter()
        .filter_map(|o| {
            // A listing by prefix only returns keys under it; the check keeps
            // a key outside it from ever reaching the delete list.
            let key = o
                .location
                .as_ref()
                .strip_prefix(strip.as_str())?
                .to_string();
            let etag = o
                .e_tag
                .unwrap_or_default()
                .trim_matches('"')
                .to_ascii_lowercase();
            Some((key, (o.size, etag)))
        })
        .collect())
}

/// MD5 of every local file (hex), in the order of `files`; on all cores.
fn hash_files(files: &[LocalFile]) -> Result<Vec<String>, Diagnostic> {
    files
        .par_iter()
        .map(|f| {
            let bytes = std::fs::read(&f.path)
                .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", f.path.display())))?;
            Ok(hex(&Md5::digest(&bytes)))
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares the site with the listing.
fn plan(
    files: &[LocalFile],
    hashes: &[String],
    remote: &BTreeMap<String, (u64, String)>,
    delete: bool,
) -> Plan {
    let mut plan = Plan::default();
    for (f, md5) in files.iter().zip(hashes) {
        match remote.get(&f.key) {
            None => plan.adds.push((f.key.clone(), f.size)),
            Some((size, etag)) if *size == f.size && etag == md5 => plan.unchanged += 1,
            Some(_) => plan.updates.push((f.key.clone(), f.size)),
        }
    }
    let local: std::collections::BTreeSet<&str> = files.iter().map(|f| f.key.as_str()).collect();
    let gone: Vec<String> = remote
        .keys()
        .filter(|k| !local.contains(k.as_str()))
        .cloned()
        .collect();
    if delete {
        plan.deletes = gone;
    } else {
        plan.kept = gone.len();
    }
    plan
}

/// Pages go last; everything they can name goes first.
fn is_page(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// Long and immutable for a name that carries a content hash, short otherwise.
pub fn cache_control(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let parts: Vec<&str> = name.split(['.', '_', '-']).collect();
    let before_extension = &parts[..parts.len().saturating_sub(1)];
    let hashed = !is_page(key)
        && before_extension.iter().any(|part| {
            part.len() >= 7
                && part.bytes().all(|b| b.is_ascii_hexdigit())
                && part.bytes().any(|b| b.is_ascii_digit())
        });
    if hashed {
        CACHE_IMMUTABLE
    } else {
        CACHE_SHORT
    }
}

fn object_path(target: &S3Target, key: &str) -> Result<ObjectPath, Diagnostic> {
    let full = if target.prefix.is_empty() {
        key.to_string()
    } else {
        format!("{}/{key}", target.prefix)
    };
    ObjectPath::parse(&full).map_err(|e| {
        Diagnostic::error(format!("`{key}` cannot be an object name: {e}"))
            .help("rename the file in static/ or the article's slug")
    })
}

/// Where and as whom to connect, from gloss.toml and the standard AWS
/// environment variables and files.
#[derive(Debug)]
struct Settings {
    endpoint: Option<String>,
    region: String,
    key_id: String,
    secret: String,
    token: Option<String>,
    /// Where the credentials came from, for messages.
    credentials_from: String,
}

impl Settings {
    fn from_env(target: &S3Target) -> Result<Settings, Diagnostic> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let profile_name = env("AWS_PROFILE")
            .or_else(|| env("AWS_DEFAULT_PROFILE"))
            .unwrap_or_else(|| "default".into());
        let home = env("HOME").map(PathBuf::from);
        let file = |var: &str, default: &str| {
            env(var)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(default)))
        };
        let credentials_file = file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
        let config_file = file("AWS_CONFIG_FILE", ".aws/config");
        let read = |p: &Option<PathBuf>, section: &str| {
            p.as_ref()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .map(|t| profile_section(&t, section))
                .unwrap_or_default()
        };
        let from_credentials = read(&credentials_file, &profile_name);
        let config_section = if profile_name == "default" {
            "default".to_string()
        } else {
            format!("profile {profile_name}")
        };
        let from_config = read(&config_file, &config_section);
        let profile = |k: &str| {
            from_credentials
                .get(k)
                .or_else(|| from_config.get(k))
                .cloned()
        };

        let (key_id, secret, token, credentials_from) = match (
            env("AWS_ACCESS_KEY_ID"),
            env("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(id), Some(secret)) => (
                id,
                secret,
                env("AWS_SESSION_TOKEN"),
                "the environment".to_string(),
            ),
            (Some(_), None) | (None, Some(_)) => {
                let missing = if env("AWS_ACCESS_KEY_ID").is_none() {
                    "AWS_ACCESS_KEY_ID"
                } else {
                    "AWS_SECRET_ACCESS_KEY"
                };
                return Err(Diagnostic::error(format!("{missing} is not set, and the other half of the key is"))
                        .help("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither to use a profile from ~/.aws/credentials"));
            }
            (None, None) => match (
                profile("aws_access_key_id"),
                profile("aws_secret_access_key"),
            ) {
                (Some(id), Some(secret)) => (
                    id,
                    secret,
                    profile("aws_session_token"),
                    format!("profile `{profile_name}`"),
                ),
                _ => {
                    return Err(Diagnostic::error(format!(
                            "no credentials for S3 target `{}`",
                            target.url
                        ))
                        .note(format!(
                            "looked in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and in profile `{profile_name}` of {}",
                            [&credentials_file, &config_file]
                                .iter()
                                .filter_map(|p| p.as_ref().map(|p| p.display().to_string()))
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ))
                        .help("export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a key with write access to the bucket), or name a profile with AWS_PROFILE; credentials never go in gloss.toml"));
                }
            },
        };
        let endpoint = target
            .endpoint
            .clone()
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| profile("endpoint_url"));
        let region = target
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| profile("region"))
            .unwrap_or_else(|| "us-east-1".into());
        Ok(Settings {
            endpoint,
            region,
            key_id,
            secret,
            token,
            credentials_from,
        })
    }

    fn store(&self, target: &S3Target) -> Result<AmazonS3, Diagnostic> {
        // reqwest is built without a default TLS provider (see Cargo.toml);
        // a second install attempt just reports the first, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let plain_http = self
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        let client = ClientOptions::new()
            .with_allow_http(plain_http)
            .with_connect_timeout(Duration::from_secs(10))
            .with_timeout(Duration::from_secs(300));
        // A refusing endpoint should fail in seconds, not after object_store's
        // default three minutes of retries.
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            ..RetryConfig::default()
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&target.bucket)
            .with_region(&self.region)
            .with_access_key_id(&self.key_id)
            .with_secret_access_key(&self.secret)
            .with_client_options(client)
            .with_retry(retry);
        if let Some(t) = &self.token {
            builder = builder.with_token(t);
        }
        if let Some(e) = &self.endpoint {
            builder = builder.with_endpoint(e);
        }
        builder.build().map_err(|e| {
            Diagnostic::error(format!("cannot set up S3 target `{}`", target.url))
                .note(first_line(&e.to_string()))
        })
    }

    fn where_(&self) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| format!("AWS ({})", self.region))
    }
}

/// The first listing is where a wrong bucket, key or endpoint shows.
fn listing_failed(target: &S3Target, settings: &Settings, e: &object_store::Error) -> Diagnostic {
    let text = e.to_string();
    let detail = first_line(&text);
    use object_store::Error as E;
    if matches!(e, E::NotFound { .. }) || text.contains("NoSuchBucket") {
        return Diagnostic::error(format!("bucket `{}` does not exist at {}", target.bucket, settings.where_()))
            .note(detail)
            .help("create the bucket first, or correct `url` (and `endpoint`) of the target in gloss.toml");
    }
    if matches!(e, E::Unauthenticated { .. } | E::PermissionDenied { .. })
        || [
            "AccessDenied",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "403 Forbidden",
        ]
        .iter()
        .any(|s| text.contains(s))
    {
        return Diagnostic::error(format!(
            "{} refused the credentials from {} for bucket `{}`",
            settings.where_(),
            settings.credentials_from,
            target.bucket
        ))
        .note(detail)
        .help("check the key and its secret, and that the key may list and write the bucket");
    }
    Diagnostic::error(format!("cannot reach {} for bucket `{}`", settings.where_(), target.bucket))
        .note(detail)
        .help("check `endpoint` in gloss.toml (or AWS_ENDPOINT_URL) and that the storage is running and reachable")
}

fn request_failed(
    target: &S3Target,
    settings: &Settings,
    what: &str,
    key: &str,
    e: &object_store::Error,
) -> Diagnostic {
    Diagnostic::error(format!(
        "{} failed {what} {key} in {}",
        settings.where_(),
        target.url
    ))
    .note(first_line(&e.to_string()))
}

/// object_store's errors nest their causes in one long line; the first
/// sentence-sized piece is what a user can act on, the rest stays readable.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s);
    if line.len() > 600 {
        format!(
            "{}...",
            &line[..line.char_indices().nth(600).map_or(line.len(), |(i, _)| i)]
        )
    } else {
        line.to_string()
    }
}

/// The `key = value` pairs of one `[section]` of an AWS shared credentials
/// or config file. The format is a small INI dialect (no quoting, `#` and
/// `;` comments, nested sub-sections indented under a key, which gloss does
/// not need and skips).
fn profile_section(text: &str, section: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            inside = name.split_whitespace().collect::<Vec<_>>().join(" ") == section;
            continue;
        }
        if inside && !line.starts_with([' ', '\t']) {
            if let Some((k, v)) = t.split_once('=') {
                out.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_cached_for_a_year_and_the_rest_briefly() {
        let table = [
            ("gloss.3fa1b2c4.css", CACHE_IMMUTABLE),
            ("highlight.0a1b2c3d.css", CACHE_IMMUTABLE),
            (
                "pagefind/fragment/en_5d3e2a17f.pf_fragment",
                CACHE_IMMUTABLE,
            ),
            ("pagefind/pagefind.js", CACHE_SHORT),
            ("index.html", CACHE_SHORT),
            ("articles/deadbeef12/index.html", CACHE_SHORT),
            ("atom.xml", CACHE_SHORT),
            ("quotes.json", CACHE_SHORT),
            ("images/harbour.jpg", CACHE_SHORT),
            // An all-letter word that happens to be hex is not a hash.
            ("fonts/acceded-facade.woff2", CACHE_SHORT),
        ];
        for (key, want) in table {
            assert_eq!(cache_control(key), want, "{key}");
        }
    }

    #[test]
    fn the_plan_sends_what_differs_and_deletes_only_when_asked() {
        let file = |k: &str, size: u64| LocalFile {
            key: k.into(),
            path: PathBuf::from(k),
            size,
        };
        let files = [file("a.css", 3), file("b.html", 4), file("c.html", 5)];
        let hashes = ["aa".to_string(), "bb".to_string(), "cc".to_string()];
        let remote: BTreeMap<String, (u64, String)> = [
            ("a.css".to_string(), (3, "aa".to_string())),
            ("b.html".to_string(), (4, "00".to_string())),
            ("old.html".to_string(), (9, "dd".to_string())),
        ]
        .into();
        let kept = plan(&files, &hashes, &remote, false);
        assert_eq!(kept.adds, vec![("c.html".to_string(), 5)]);
        assert_eq!(kept.updates, vec![("b.html".to_string(), 4)]);
        assert_eq!((kept.unchanged, kept.kept), (1, 1));
        assert!(kept.deletes.is_empty());
        let deleting = plan(&files, &hashes, &remote, true);
        assert_eq!(deleting.deletes, vec!["old.html".to_string()]);
        assert_eq!(deleting.kept, 0);
    }

    #[test]
    fn profiles_are_read_from_their_section_only() {
        let text = "[default]\naws_access_key_id = A\n\n[profile ci]\nregion = eu-west-1\naws_access_key_id=B\ns3 =\n  max_concurrent_requests = 4\n";
        assert_eq!(
            profile_section(text, "default")
                .get("aws_access_key_id")
                .unwrap(),
            "A"
        );
        let ci = profile_section(text, "profile ci");
        assert_eq!(ci.get("aws_access_key_id").unwrap(), "B");
        assert_eq!(ci.get("region").unwrap(), "eu-west-1");
        assert!(!ci.contains_key("max_concurrent_requests"));
    }
}
