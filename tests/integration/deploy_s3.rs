//! `gloss deploy` to S3 targets, against a real Garage server that each test
//! starts on 127.0.0.1 (tests/s3/garage.sh). The bucket is inspected with
//! object_store directly, not through gloss: what a CDN would read.
//!
//! Garage is found through `GARAGE`, then PATH, then `~/.cargo/bin` (where
//! .ci/run installs it). Without it, a workstation with moto's server
//! (`pip install "moto[server]"`) runs the tests against that instead
//! (tests/s3/moto.sh; it checks no keys, so the refused-key case is skipped),
//! and one with neither says so and passes. In CI (`CI` set) Garage must be
//! there, and a test without it fails.

use crate::support::{snapshot_dir, SiteTest};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, GetOptions, ObjectStore, ObjectStoreExt, PutPayload};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn garage_binary() -> Option<PathBuf> {
    if let Ok(g) = std::env::var("GARAGE") {
        return Some(PathBuf::from(g));
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("garage"))
            .find(|p| p.is_file())
    });
    let home = std::env::var_os("HOME").map(PathBuf::from);
    on_path.or_else(|| {
        [
            home.map(|h| h.join(".cargo/bin/garage")),
            Some(PathBuf::from("/work/tools/garage/bin/garage")),
        ]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
    })
}

/// A running single-node Garage; stopped when dropped.
struct Garage {
    pid: i32,
    env: BTreeMap<String, String>,
    /// False for moto, which accepts any key.
    checks_credentials: bool,
    _dir: tempfile::TempDir,
}

impl Drop for Garage {
    fn drop(&mut self) {
        // SAFETY: kill(2) on a process this test started; no memory involved.
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn has_moto() -> bool {
    Command::new("python3")
        .args(["-c", "import moto.server, boto3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts Garage with `buckets`, or returns None (off CI) when it is not
/// installed. Off CI, a machine with moto but no Garage uses moto's server
/// (tests/s3/moto.sh) instead, which checks no credentials.
fn garage(buckets: &[&str]) -> Option<Garage> {
    let (script, bin) = match garage_binary() {
        Some(bin) => ("tests/s3/garage.sh", bin),
        None if std::env::var_os("CI").is_some() => {
            panic!(
                "garage is not installed; .ci/run installs it with `cargo install --locked garage`"
            )
        }
        None if has_moto() => {
            eprintln!("garage not found: using moto's S3 server instead");
            ("tests/s3/moto.sh", PathBuf::new())
        }
        None => {
            eprintln!("skipped: garage not found (set GARAGE, or `cargo install --locked garage`)");
            return None;
        }
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    // A free port is free only until someone else binds it: tests run in
    // parallel, each with its own server, so a start that finds its port
    // taken is tried again with new ones.
    let (dir, out) = {
        let mut tries = 0;
        loop {
            let dir = tempfile::tempdir().unwrap();
            let (s3_port, rpc_port) = loop {
                let (a, b) = (free_port(), free_port());
                if a != b {
                    break (a, b);
                }
            };
            let out = Command::new("bash")
                .arg(&script)
                .arg(dir.path())
                .arg(s3_port.to_string())
                .arg(rpc_port.to_string())
                .args(buckets)
                .env("GARAGE", &bin)
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            tries += 1;
            let in_use = String::from_utf8_lossy(&out.stderr).contains("Address already in use");
            if out.status.success() || !in_use || tries == 5 {
                break (dir, out);
            }
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let env: BTreeMap<String, String> = stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let pid = env.get("GARAGE_PID").and_then(|p| p.parse().ok());
    assert!(
        out.status.success() && pid.is_some(),
        "garage.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut env = env;
    env.remove("GARAGE_PID");
    let checks_credentials = env.remove("S3_SERVER").is_none();
    Some(Garage {
        pid: pid.unwrap(),
        env,
        checks_credentials,
        _dir: dir,
    })
}

fn site_with_target(target: &str) -> SiteTest {
    let site = SiteTest::fixture("basic");
    let config = std::fs::read_to_string(site.root.join("gloss.toml")).unwrap();
    std::fs::write(site.root.join("gloss.toml"), format!("{config}\n{target}")).unwrap();
    site
}

const LIVE: &str = "[[deploy.targets]]\nname = \"live\"\nurl = \"s3://news-site/news\"\n";

/// `gloss deploy` with the server's endpoint and key in the environment and
/// nothing of the machine's own AWS set-up (HOME points at the temp dir).
fn command(site: &SiteTest, garage: &Garage, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gloss"));
    cmd.arg("deploy")
        .args(args)
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .env("HOME", site.root.parent().unwrap());
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(&garage.env);
    cmd
}

fn deploy(site: &SiteTest, garage: &Garage, args: &[&str]) -> Output {
    command(site, garage, args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The keys `--verbose` reported sending.
fn sent(o: &Output) -> BTreeSet<String> {
    stderr(o)
        .lines()
        .filter_map(|l| l.strip_prefix("sent "))
        .filter(|l| !l.contains(" file"))
        .map(str::to_string)
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn bucket(garage: &Garage, name: &str) -> AmazonS3 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    AmazonS3Builder::new()
        .with_bucket_name(name)
        .with_endpoint(&garage.env["AWS_ENDPOINT_URL"])
        .with_region(&garage.env["AWS_REGION"])
        .with_access_key_id(&garage.env["AWS_ACCESS_KEY_ID"])
        .with_secret_access_key(&garage.env["AWS_SECRET_ACCESS_KEY"])
        .with_allow_http(true)
        .build()
        .unwrap()
}

/// Every object in the bucket: key -> (last modified, size).
fn objects(store: &AmazonS3) -> BTreeMap<String, (String, u64)> {
    use futures_util::TryStreamExt;
    let list: Vec<_> = runtime().block_on(store.list(None).try_collect()).unwrap();
    list.into_iter()
        .map(|o| {
            (
                o.location.to_string(),
                (o.last_modified.to_rfc3339(), o.size),
            )
        })
        .collect()
}

/// (Content-Type, Cache-Control, body) of one object.
fn object(store: &AmazonS3, key: &str) -> (String, String, Vec<u8>) {
    runtime().block_on(async {
        let got = store
            .get_opts(&ObjectPath::from(key), GetOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        let attr = |a: Attribute| {
            got.attributes
                .get(&a)
                .map(|v| {
                    let text: &str = v;
                    text.to_string()
                })
                .unwrap_or_default()
        };
        let (ct, cc) = (attr(Attribute::ContentType), attr(Attribute::CacheControl));
        (ct, cc, got.bytes().await.unwrap().to_vec())
    })
}

fn put(store: &AmazonS3, key: &str, text: &'static str) {
    runtime()
        .block_on(store.put(&ObjectPath::from(key), PutPayload::from(text)))
        .unwrap();
}

fn site_keys(site: &SiteTest) -> BTreeSet<String> {
    snapshot_dir(&site.out())
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k != ".gloss-output")
        .collect()
}

fn under(prefix: &str, keys: &BTreeMap<String, (String, u64)>) -> BTreeSet<String> {
    keys.keys()
        .filter_map(|k| k.strip_prefix(prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn s3_deploy_sends_the_site_with_types_and_cache_headers_then_only_what_changed() {
    let Some(garage) = garage(&["news-site"]) else {
        return;
    };
    let store = bucket(&garage, "news-site");
    // Objects beside the prefix are not the site's, even `news-old/`.
    put(&store, "news-old/index.html", "old desk");
    put(&store, "robots.txt", "User-agent: *");
    let site = site_with_target(LIVE);

    let first = deploy(&site, &garage, &["--verbose"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let keys = site_keys(&site);
    let listed = objects(&store);
    assert_eq!(under("news/", &listed), keys);
    assert_eq!(sent(&first), keys, "the first deploy sends every file once");
    assert!(
        stderr(&first).contains(&format!(
            "{} to add, 0 to update, 0 to delete, 0 unchanged",
            keys.len()
        )),
        "{}",
        stderr(&first)
    );

    let (ct, cc, body) = object(&store, "news/articles/ferry-timetable/index.html");
    assert_eq!(
        (ct.as_str(), cc.as_str()),
        ("text/html; charset=utf-8", "public, max-age=300")
    );
    assert_eq!(
        body,
        std::fs::read(site.out().join("articles/ferry-timetable/index.html")).unwrap()
    );
    let css = keys
        .iter()
        .find(|k| k.starts_with("gloss.") && k.ends_with(".css"))
        .expect("the theme's hashed stylesheet");
    let (ct, cc, _) = object(&store, &format!("news/{css}"));
    assert_eq!(
        (ct.as_str(), cc.as_str()),
        (
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable"
        )
    );
    for json in keys
        .iter()
        .filter(|k| k.ends_with(".json") && !k.starts_with("pagefind/"))
    {
        let (ct, cc, _) = object(&store, &format!("news/{json}"));
        assert_eq!(
            (ct.as_str(), cc.as_str()),
            ("application/json", "public, max-age=300"),
            "{json}"
        );
    }

    // One edited article: exactly the files whose bytes changed are sent,
    // and no other object is touched (its last-modified stays).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let before: BTreeMap<String, Vec<u8>> = snapshot_dir(&site.out()).into_iter().collect();
    let article = site.root.join("content/articles/ferry-timetable.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace(
            "asked the board to reconsider.",
            "asked the board to think again.",
        ),
    )
    .unwrap();
    let second = deploy(&site, &garage, &["--verbose"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let after: BTreeMap<String, Vec<u8>> = snapshot_dir(&site.out()).into_iter().collect();
    // New or different files (the search index's shards are content-hashed,
    // so an edit adds new ones; the old ones stay without --delete).
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    assert!(
        changed.contains("articles/ferry-timetable/index.html"),
        "{changed:?}"
    );
    assert!(changed.len() < keys.len() / 2, "{changed:?}");
    assert_eq!(sent(&second), changed);
    let relisted = objects(&store);
    let modified: BTreeSet<String> = relisted
        .iter()
        .filter(|(k, v)| listed.get(*k).map(|o| &o.0) != Some(&v.0))
        .filter_map(|(k, _)| k.strip_prefix("news/").map(str::to_string))
        .collect();
    assert_eq!(modified, changed, "only the changed objects were written");
    let added = changed.iter().filter(|k| !before.contains_key(*k)).count();
    assert!(
        stderr(&second).contains(&format!(
            "{added} to add, {} to update, 0 to delete",
            changed.len() - added
        )),
        "{}",
        stderr(&second)
    );

    // Nothing changed: nothing sent.
    let third = deploy(&site, &garage, &["--verbose"]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(sent(&third).is_empty());
    assert!(
        stderr(&third).contains("nothing to do"),
        "{}",
        stderr(&third)
    );
    assert_eq!(objects(&store), relisted);
    assert_eq!(object(&store, "news-old/index.html").2, b"old desk");
    assert_eq!(object(&store, "robots.txt").2, b"User-agent: *");
}

#[test]
fn s3_files_gone_from_the_site_are_kept_until_delete_and_dry_run_changes_nothing() {
    let Some(garage) = garage(&["news-site"]) else {
        return;
    };
    let store = bucket(&garage, "news-site");
    put(&store, "news-old/index.html", "old desk");
    let site = site_with_target(LIVE).file("static/old-report.pdf", "%PDF-1.4 old");
    assert!(deploy(&site, &garage, &[]).status.success());
    std::fs::remove_file(site.root.join("static/old-report.pdf")).unwrap();
    let article = site.root.join("content/articles/ferry-timetable.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("two fewer sailings a day", "two fewer sailings daily"),
    )
    .unwrap();
    let listed = objects(&store);

    // --dry-run: the plan on stdout, the bucket untouched.
    let dry = deploy(&site, &garage, &["--dry-run", "--delete"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let plan = String::from_utf8_lossy(&dry.stdout);
    assert!(
        plan.contains("update  articles/ferry-timetable/index.html ("),
        "{plan}"
    );
    assert!(plan.contains("delete  old-report.pdf"), "{plan}");
    assert!(
        stderr(&dry).contains("dry run: nothing was sent or deleted"),
        "{}",
        stderr(&dry)
    );
    assert_eq!(objects(&store), listed);

    // Without --delete the old file stays, and the summary says so.
    let kept = deploy(&site, &garage, &[]);
    assert!(kept.status.success(), "{}", stderr(&kept));
    assert!(
        stderr(&kept).contains("the site no longer has kept"),
        "{}",
        stderr(&kept)
    );
    assert_eq!(object(&store, "news/old-report.pdf").2, b"%PDF-1.4 old");

    let listed_before_delete = objects(&store);
    let deleted = deploy(&site, &garage, &["--delete", "--verbose"]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert!(
        stderr(&deleted).contains("deleted old-report.pdf"),
        "{}",
        stderr(&deleted)
    );
    // The old file, and the search shards the edit above replaced.
    let gone = listed_before_delete
        .keys()
        .filter_map(|k| k.strip_prefix("news/"))
        .filter(|k| !site.out().join(k).is_file())
        .count();
    assert!(gone >= 1);
    assert!(
        stderr(&deleted).contains(&format!("0 to add, 0 to update, {gone} to delete")),
        "{}",
        stderr(&deleted)
    );
    let after = objects(&store);
    assert!(!after.contains_key("news/old-report.pdf"));
    assert_eq!(under("news/", &after), site_keys(&site));
    assert!(
        after.contains_key("news-old/index.html"),
        "never anything outside the prefix"
    );
}

#[test]
fn s3_missing_bucket_credentials_and_endpoint_are_clear_errors() {
    let Some(garage) = garage(&["news-site"]) else {
        return;
    };
    let missing =
        site_with_target("[[deploy.targets]]\nname = \"live\"\nurl = \"s3://no-such-bucket\"\n");
    let out = deploy(&missing, &garage, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "bucket `no-such-bucket` does not exist at {}",
            garage.env["AWS_ENDPOINT_URL"]
        )),
        "{}",
        stderr(&out)
    );

    let site = site_with_target(LIVE);
    let out = command(&site, &garage, &[])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no credentials for S3 target `s3://news-site/news`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("AWS_ACCESS_KEY_ID"),
        "{}",
        stderr(&out)
    );

    // A profile file is read when the environment has no key.
    let home = site.root.parent().unwrap();
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        format!(
            "[desk]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            garage.env["AWS_ACCESS_KEY_ID"], garage.env["AWS_SECRET_ACCESS_KEY"]
        ),
    )
    .unwrap();
    let out = command(&site, &garage, &[])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_PROFILE", "desk")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    if garage.checks_credentials {
        let out = command(&site, &garage, &["--no-build"])
            .env("AWS_SECRET_ACCESS_KEY", "0".repeat(64))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("refused the credentials from the environment"),
            "{}",
            stderr(&out)
        );
    }

    let closed = format!("http://127.0.0.1:{}", free_port());
    let out = command(&site, &garage, &["--no-build"])
        .env("AWS_ENDPOINT_URL", &closed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("cannot reach {closed}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn s3_deploy_killed_midway_sends_pages_last_and_finishes_on_rerun_without_resending() {
    let Some(garage) = garage(&["news-site"]) else {
        return;
    };
    let store = bucket(&garage, "news-site");
    let mut site = site_with_target(LIVE);
    for i in 0..1500 {
        site = site.file(&format!("static/data/{i:04}.txt"), &format!("row {i}\n"));
    }
    site.build();
    let total = site_keys(&site);

    let mut child = command(&site, &garage, &["--no-build", "--verbose"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_sent = BTreeSet::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(key) = line.strip_prefix("sent ") {
            first_sent.insert(key.to_string());
            if first_sent.len() == 100 {
                child.kill().unwrap();
                break;
            }
        }
    }
    child.wait().unwrap();
    // A request the killed deploy had in flight can still complete at the
    // server after the kill: list until two listings agree, so that what
    // counts as "arrived" is what the rerun will find.
    let mut arrived = under("news/", &objects(&store));
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let again = under("news/", &objects(&store));
        if again == arrived {
            break;
        }
        arrived = again;
    }
    assert!(arrived.len() >= 100, "{}", arrived.len());
    assert!(arrived.len() < total.len(), "the deploy was stopped midway");
    assert!(
        !arrived.iter().any(|k| k.ends_with(".html")),
        "no page is live before its assets: {:?}",
        arrived
            .iter()
            .filter(|k| k.ends_with(".html"))
            .collect::<Vec<_>>()
    );

    let rerun = deploy(&site, &garage, &["--no-build", "--verbose"]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    let resent = sent(&rerun);
    assert!(
        resent.is_disjoint(&arrived),
        "what arrived is not sent again"
    );
    assert_eq!(resent.len() + arrived.len(), total.len());
    assert!(
        stderr(&rerun).contains(&format!(
            "{} to add, 0 to update, 0 to delete, {} unchanged",
            resent.len(),
            arrived.len()
        )),
        "{}",
        stderr(&rerun)
    );
    assert_eq!(under("news/", &objects(&store)), total);
}
