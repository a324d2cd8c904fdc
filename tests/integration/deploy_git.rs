//! `gloss deploy` to git targets, against real bare repositories on disk
//! (the remote a GitHub Pages site pushes to, without the network), and the
//! checks of `[[deploy.targets]]` and of the command that come before any
//! remote is touched.

use crate::support::{snapshot_dir, SiteTest};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs git in `dir` with a fixed identity, so tests do not depend on the
/// machine's git config.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The basic fixture as a git work tree with one commit, and an empty bare
/// repository beside it as its Pages remote.
fn site_with_remote(target: &str) -> (SiteTest, PathBuf) {
    let site = SiteTest::fixture("basic");
    let config = std::fs::read_to_string(site.root.join("gloss.toml")).unwrap();
    std::fs::write(site.root.join("gloss.toml"), format!("{config}\n{target}")).unwrap();
    std::fs::write(site.root.join(".gitignore"), "public/\n.gloss/\n").unwrap();
    let remote = site.root.parent().unwrap().join("pages.git");
    git(
        site.root.parent().unwrap(),
        &["init", "--quiet", "--bare", "pages.git"],
    );
    git(&site.root, &["init", "--quiet"]);
    git(&site.root, &["add", "-A"]);
    git(
        &site.root,
        &["commit", "--quiet", "-m", "Harbour Gazette sources"],
    );
    (site, remote)
}

const PAGES: &str = "[[deploy.targets]]\nname = \"pages\"\ngit = \"../pages.git\"\ncname = \"gazette.example.org\"\n";

pub fn deploy(site: &SiteTest, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("deploy")
        .args(args)
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn commits(remote: &Path, branch: &str) -> Vec<String> {
    git(remote, &["log", "--format=%H %s", branch])
        .lines()
        .map(str::to_string)
        .collect()
}

/// Paths whose bytes differ between two snapshots of the output folder.
/// Files of `after` that are new or different: what a deploy without
/// `--delete` sends (files gone from the site, such as the search index's
/// old content-hashed shards, stay on the remote).
fn changed(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)]) -> BTreeSet<String> {
    let a: std::collections::BTreeMap<_, _> = before.iter().cloned().collect();
    after
        .iter()
        .filter(|(k, v)| a.get(k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn git_deploy_adds_one_commit_of_the_changed_files_and_none_when_nothing_changed() {
    let (site, remote) = site_with_remote(PAGES);
    let first = deploy(&site, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let log = commits(&remote, "gh-pages");
    assert_eq!(log.len(), 1, "{log:?}");
    let source = git(&site.root, &["rev-parse", "HEAD"]);
    assert!(
        log[0].contains(&format!("Deploy {}", &source[..12])),
        "the commit names the source commit: {log:?}"
    );

    // The branch holds the built site, .nojekyll and CNAME, and not gloss's marker.
    let tree: BTreeSet<String> = git(&remote, &["ls-tree", "-r", "--name-only", "gh-pages"])
        .lines()
        .map(str::to_string)
        .collect();
    let built: BTreeSet<String> = snapshot_dir(&site.out())
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k != ".gloss-output")
        .chain([".nojekyll".to_string(), "CNAME".to_string()])
        .collect();
    assert_eq!(tree, built);
    assert_eq!(
        git(&remote, &["show", "gh-pages:CNAME"]),
        "gazette.example.org\n"
    );
    assert_eq!(git(&remote, &["show", "gh-pages:.nojekyll"]), "");

    // One edited article: one more commit, touching exactly the files whose
    // bytes changed in the build.
    let before = snapshot_dir(&site.out());
    let article = site.root.join("content/articles/ferry-timetable.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace(
            "asked the board to reconsider.",
            "asked the board to reconsider by June.",
        ),
    )
    .unwrap();
    let second = deploy(&site, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    let after = snapshot_dir(&site.out());
    let expected = changed(&before, &after);
    assert!(
        expected.contains("articles/ferry-timetable/index.html"),
        "{expected:?}"
    );
    let log = commits(&remote, "gh-pages");
    assert_eq!(log.len(), 2, "history is kept: {log:?}");
    let touched: BTreeSet<String> =
        git(&remote, &["diff", "--name-only", "gh-pages~1", "gh-pages"])
            .lines()
            .map(str::to_string)
            .collect();
    assert_eq!(touched, expected);
    let added = expected
        .iter()
        .filter(|k| !before.iter().any(|(b, _)| b == *k))
        .count();
    assert!(
        stderr(&second).contains(&format!(
            "{added} to add, {} to update, 0 to delete",
            expected.len() - added
        )),
        "{}",
        stderr(&second)
    );

    // Nothing changed: no commit.
    let third = deploy(&site, &[]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(
        stderr(&third).contains("nothing to do"),
        "{}",
        stderr(&third)
    );
    assert_eq!(commits(&remote, "gh-pages").len(), 2);
}

#[test]
fn git_dry_run_lists_the_plan_and_commits_nothing() {
    let (site, remote) = site_with_remote(PAGES);
    let out = deploy(&site, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("add     index.html ("), "{listing}");
    assert!(listing.contains("add     .nojekyll (0 B)"), "{listing}");
    assert!(stderr(&out).contains("dry run: nothing was committed or pushed"));
    assert!(git(&remote, &["branch", "--list"]).trim().is_empty());
}

#[test]
fn files_gone_from_the_site_stay_on_the_branch_unless_delete_is_given() {
    let (site, remote) = site_with_remote(PAGES);
    std::fs::create_dir_all(site.root.join("static")).unwrap();
    std::fs::write(site.root.join("static/old-report.pdf"), "%PDF-1.4 old").unwrap();
    assert!(deploy(&site, &[]).status.success());
    std::fs::remove_file(site.root.join("static/old-report.pdf")).unwrap();

    let kept = deploy(&site, &[]);
    assert!(kept.status.success(), "{}", stderr(&kept));
    assert!(
        stderr(&kept).contains("1 remote file the site no longer has kept"),
        "{}",
        stderr(&kept)
    );
    assert!(stderr(&kept).contains("nothing to do"), "{}", stderr(&kept));
    assert_eq!(
        git(&remote, &["show", "gh-pages:old-report.pdf"]),
        "%PDF-1.4 old"
    );

    let deleted = deploy(&site, &["--delete"]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert!(
        stderr(&deleted).contains("0 to add, 0 to update, 1 to delete"),
        "{}",
        stderr(&deleted)
    );
    let tree = git(&remote, &["ls-tree", "-r", "--name-only", "gh-pages"]);
    assert!(!tree.contains("old-report.pdf"), "{tree}");
    assert!(tree.contains("index.html"));
    assert_eq!(commits(&remote, "gh-pages").len(), 2);
}

#[test]
fn a_remote_that_rejects_the_push_is_an_error_and_keeps_its_branch() {
    let (site, remote) = site_with_remote(PAGES);
    assert!(deploy(&site, &[]).status.success());
    let tip = git(&remote, &["rev-parse", "gh-pages"]);
    let hook = remote.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'deploys are frozen until Monday' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let article = site.root.join("content/articles/ferry-timetable.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("two fewer sailings a day", "two fewer sailings daily"),
    )
    .unwrap();

    let out = deploy(&site, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the git remote `../pages.git` refused the push to gh-pages"),
        "{err}"
    );
    assert!(
        err.contains("deploys are frozen until Monday"),
        "git's own reason is shown: {err}"
    );
    assert_eq!(
        git(&remote, &["rev-parse", "gh-pages"]),
        tip,
        "the branch did not move"
    );
}

#[test]
fn a_remote_that_does_not_exist_is_a_clear_error() {
    let site = SiteTest::fixture("basic");
    let config = std::fs::read_to_string(site.root.join("gloss.toml")).unwrap();
    std::fs::write(
        site.root.join("gloss.toml"),
        format!("{config}\n[[deploy.targets]]\nname = \"pages\"\ngit = \"../nowhere.git\"\n"),
    )
    .unwrap();
    let out = deploy(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("cannot reach the git remote `../nowhere.git`"),
        "{err}"
    );
    assert!(
        err.contains("check `git = \"../nowhere.git\"` of deploy target `pages`"),
        "{err}"
    );
}

#[test]
fn a_failing_build_is_not_deployed_unless_forced() {
    let (site, remote) = site_with_remote(PAGES);
    assert!(deploy(&site, &[]).status.success());
    let tip = git(&remote, &["rev-parse", "gh-pages"]);
    let article = site.root.join("content/articles/ferry-timetable.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("speaker = \"harbour-board\"", "speaker = \"harbor-board\""),
    )
    .unwrap();

    let refused = deploy(&site, &[]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(
        err.contains("harbor-board"),
        "the build's own report is shown: {err}"
    );
    assert!(
        err.contains("not deploying to `pages`: the build failed"),
        "{err}"
    );
    assert_eq!(git(&remote, &["rev-parse", "gh-pages"]), tip);

    // --force publishes the output as last built: here, what is already live.
    let forced = deploy(&site, &["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("publishing"),
        "{}",
        stderr(&forced)
    );
    assert!(
        stderr(&forced).contains("nothing to do"),
        "{}",
        stderr(&forced)
    );
}

#[test]
fn no_build_publishes_the_output_folder_as_it_is_and_refuses_one_gloss_did_not_write() {
    let (site, remote) = site_with_remote(PAGES);
    let out = deploy(&site, &["--no-build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a site gloss built"),
        "{}",
        stderr(&out)
    );
    assert!(git(&remote, &["branch", "--list"]).trim().is_empty());
    site.build();
    let out = deploy(&site, &["--no-build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(commits(&remote, "gh-pages").len(), 1);
}

/// Bad `[[deploy.targets]]` tables and target names, each reported before
/// anything is built or sent.
mod config {
    use super::*;

    fn with_targets(targets: &str) -> SiteTest {
        SiteTest::fixture("basic").file(
            "gloss.toml",
            &format!("title = \"T\"\nbase_url = \"https://t.example.org/\"\n\n{targets}"),
        )
    }

    fn error_of(site: &SiteTest, args: &[&str]) -> String {
        let out = deploy(site, args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(!site.out().exists(), "nothing was built");
        stderr(&out)
    }

    #[test]
    fn an_unknown_target_name_suggests_the_closest() {
        let site = with_targets(&format!(
            "{PAGES}\n[[deploy.targets]]\nname = \"live\"\nurl = \"s3://news-site\"\n"
        ));
        let err = error_of(&site, &["--target", "pagse"]);
        assert!(
            err.contains("no deploy target named `pagse` in gloss.toml"),
            "{err}"
        );
        assert!(err.contains("did you mean `pages`?"), "{err}");
        let err = error_of(&site, &[]);
        assert!(err.contains("has 2 deploy targets; say which one"), "{err}");
        assert!(err.contains("--target NAME, one of: pages, live"), "{err}");
    }

    #[test]
    fn a_site_without_targets_says_how_to_add_one() {
        let err = error_of(&with_targets(""), &[]);
        assert!(err.contains("gloss.toml has no deploy target"), "{err}");
        assert!(err.contains("[[deploy.targets]]"), "{err}");
    }

    #[test]
    fn a_mistyped_key_is_reported_at_its_line_with_the_closest_target_key() {
        let site = with_targets(
            "[[deploy.targets]]\nname = \"pages\"\ngit = \"../p.git\"\nbrnach = \"main\"\n",
        );
        let err = error_of(&site, &[]);
        assert!(err.contains("unknown field `brnach`"), "{err}");
        assert!(err.contains("gloss.toml:7:1"), "{err}");
        assert!(err.contains("did you mean `branch`?"), "{err}");
        // `gloss build` refuses it too: the configuration is one file.
        let build = site.run(&["build"]);
        assert_eq!(build.status.code(), Some(1));
    }

    #[test]
    fn credentials_in_gloss_toml_are_refused_with_the_environment_variables_named() {
        let site = with_targets("[[deploy.targets]]\nname = \"live\"\nurl = \"s3://news-site\"\nsecret_access_key = \"abc\"\n");
        let err = error_of(&site, &[]);
        assert!(err.contains("gloss.toml:7:1"), "{err}");
        assert!(err.contains("credentials never go in gloss.toml"), "{err}");
        assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
    }

    #[test]
    fn each_wrong_value_is_reported_at_its_place() {
        let table: &[(&str, &str, &str)] = &[
            (
                "[[deploy.targets]]\nname = \"x\"\ngit = \"../p.git\"\nurl = \"s3://news-site\"\n",
                "has both `git` and `url`",
                "gloss.toml:7:7",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\n",
                "says neither where nor how to publish",
                "gloss.toml:5:8",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\nurl = \"https://news-site\"\n",
                "is not an S3 URL: it does not start with `s3://`",
                "gloss.toml:6:7",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\nurl = \"s3://News_Site/a\"\n",
                "`News_Site` is not a bucket name",
                "gloss.toml:6:7",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\ngit = \"../p.git\"\nbranch = \"gh pages\"\n",
                "is not a usable branch name",
                "gloss.toml:7:10",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\ngit = \"../p.git\"\ncname = \"https://news.example.org/\"\n",
                "is not a host name",
                "gloss.toml:7:9",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\ngit = \"../p.git\"\nregion = \"auto\"\n",
                "`region` is for S3 targets",
                "gloss.toml:7:10",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\nurl = \"s3://news-site\"\nendpoint = \"minio.local:9000\"\n",
                "is not an http(s) URL",
                "gloss.toml:7:12",
            ),
            (
                "[[deploy.targets]]\nname = \"x\"\ngit = \"../a.git\"\n\n[[deploy.targets]]\nname = \"x\"\ngit = \"../b.git\"\n",
                "two deploy targets are named `x`",
                "gloss.toml:9:8",
            ),
        ];
        for (targets, message, place) in table {
            let err = error_of(&with_targets(targets), &[]);
            assert!(err.contains(message), "{targets}\n{err}");
            assert!(err.contains(place), "{targets}\nwanted {place}:\n{err}");
        }
    }
}
