//! git targets: the built site -> one new commit on a branch of a remote
//! (GitHub Pages' `gh-pages`, or any git host), pushed.
//!
//! Takes the site's files and a [`GitTarget`]; returns the [`Plan`] (files
//! added, changed and removed against the branch's tip) and the pushed commit.
//! One deploy makes at most one commit, on top of the remote's tip, so the
//! branch keeps its history; a site that did not change makes none. The tree
//! always carries `.nojekyll` (GitHub Pages would otherwise run Jekyll over the
//! site and drop every `_`-prefixed file) and, with `cname`, a `CNAME` file.
//! Without `--delete`, files on the branch that the site no longer has are
//! carried over from the previous commit, as S3 keeps such objects.
//!
//! # Why the `git` program, and not a git crate
//!
//! Publishing means fetching from and pushing to the user's remote, and only
//! their own `git` knows how they reach it: ssh keys and agents,
//! `credential.helper`, `url.<base>.insteadOf`, proxies, signing. That is why
//! ghp-import and most Pages tools shell out. A crate can do the object work
//! (git2's vendored libgit2, or gix), but then the fetch and the push, the two
//! steps that fail in practice, would still go through `git` (gix cannot push
//! yet; libgit2's transports ignore the user's ssh and credential set-up), and
//! gloss would carry a second git implementation, a C library build of a
//! minute on two cores, whose reading of the repository can differ from the
//! user's git. What we need from git beyond the transfer is five plumbing
//! commands (`read-tree`, `add`, `write-tree`, `commit-tree`, `diff-tree`):
//! git's stable, documented interface for scripts, so this module holds no
//! git logic of its own (no object formats, no hashing, no packing). The cost
//! is that `git` must be installed, which anyone publishing to a git remote
//! has; a missing `git` is a clear error.
//!
//! The work happens in a bare repository cached at
//! `<site>/.gloss/deploy/<target>.git` (fetches are incremental; CI keeps it
//! with the build cache) with a private index file, so the user's own
//! repository, its index and its work tree are never touched.

use super::{LocalFile, Outcome, Plan, PublishOptions, Reporter};
use crate::deploy::target::GitTarget;
use crate::diagnostics::{Diagnostic, Report};
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the remote's tip is kept in the cache repository.
const REMOTE_REF: &str = "refs/gloss/remote";
/// Files gloss adds to every git deploy.
const NOJEKYLL: &str = ".nojekyll";
const CNAME: &str = "CNAME";

pub fn publish(
    root: &Path,
    out: &Path,
    name: &str,
    target: &GitTarget,
    files: &[LocalFile],
    opts: &PublishOptions,
    reporter: &Reporter,
) -> Result<Outcome, Report> {
    let remote = remote_for_git(root, &target.remote);
    let cache = root.join(".gloss/deploy").join(format!("{name}.git"));
    let repo = Repo::open(&cache).map_err(Report::single)?;
    let branch = format!("refs/heads/{}", target.branch);

    reporter.line(&format!(
        "fetching {} from {}",
        target.branch, target.remote
    ));
    let listed = repo
        .run(["ls-remote", "--heads", remote.as_str(), branch.as_str()], None)
        .map_err(|e| {
            Report::single(
                Diagnostic::error(format!("cannot reach the git remote `{}`", target.remote))
                    .note(e.trim_end().to_string())
                    .help(format!(
                        "check `git = \"{}\"` of deploy target `{name}` in gloss.toml, and that `git ls-remote {}` works from this machine",
                        target.remote, target.remote
                    )),
            )
        })?;
    let parent = if listed.trim().is_empty() {
        None
    } else {
        let refspec = format!("+{branch}:{REMOTE_REF}");
        repo.run(
            [
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                remote.as_str(),
                refspec.as_str(),
            ],
            None,
        )
        .map_err(|e| {
            git_failed(
                &format!("fetching {} from `{}`", target.branch, target.remote),
                &e,
            )
        })?;
        Some(
            repo.rev_parse(REMOTE_REF)
                .map_err(|e| git_failed("reading the fetched branch", &e))?,
        )
    };

    // The new tree: the previous tip's files (kept unless --delete), then
    // the site's files over them.
    let index = cache.join("gloss-index");
    let _ = std::fs::remove_file(&index);
    let with_index = Some(index.as_path());
    match (&parent, opts.delete) {
        (Some(p), false) => repo.run(["read-tree", p.as_str()], with_index),
        _ => repo.run(["read-tree", "--empty"], with_index),
    }
    .map_err(|e| git_failed("preparing the index", &e))?;
    let work_tree = format!("--work-tree={}", out.display());
    repo.run(
        [
            work_tree.as_str(),
            "add",
            "--force",
            "--ignore-removal",
            "--",
            ".",
        ],
        with_index,
    )
    .map_err(|e| git_failed(&format!("adding {} to the index", out.display()), &e))?;
    // The output folder's marker is gloss's, not the site's.
    repo.run(
        [
            work_tree.as_str(),
            "rm",
            "--cached",
            "--quiet",
            "--ignore-unmatch",
            "--",
            crate::output::MARKER,
        ],
        with_index,
    )
    .map_err(|e| git_failed("preparing the index", &e))?;
    let mut extra = vec![(NOJEKYLL, String::new())];
    if let Some(c) = &target.cname {
        extra.push((CNAME, format!("{c}\n")));
    }
    for (path, text) in &extra {
        let blob = repo
            .run_with_input(["hash-object", "-w", "--stdin"], text.as_bytes())
            .map_err(|e| git_failed("writing .nojekyll", &e))?;
        let info = format!("100644,{},{path}", blob.trim());
        repo.run(
            [
                work_tree.as_str(),
                "update-index",
                "--add",
                "--cacheinfo",
                info.as_str(),
            ],
            with_index,
        )
        .map_err(|e| git_failed("preparing the index", &e))?;
    }
    let tree = repo
        .run(["write-tree"], with_index)
        .map_err(|e| git_failed("writing the tree", &e))?
        .trim()
        .to_string();
    let _ = std::fs::remove_file(&index);

    let plan = plan(&repo, parent.as_deref(), &tree, files, &extra)?;
    if plan.is_empty() {
        return Ok(Outcome {
            plan,
            done: format!("nothing to do: {} already has this site", target.branch),
        });
    }
    if opts.dry_run {
        return Ok(Outcome {
            plan,
            done: "dry run: nothing was committed or pushed".into(),
        });
    }

    let message = commit_message(root);
    let mut args = vec!["commit-tree".to_string(), tree.clone()];
    if let Some(p) = &parent {
        args.extend(["-p".to_string(), p.clone()]);
    }
    args.extend(["-F".to_string(), "-".to_string()]);
    let commit = repo
        .run_with_input(&args, message.as_bytes())
        .map_err(|e| git_failed("making the commit", &e))?
        .trim()
        .to_string();

    reporter.line(&format!("pushing {} to {}", short(&commit), target.branch));
    let refspec = format!("{commit}:{branch}");
    repo.run(["push", "--quiet", remote.as_str(), refspec.as_str()], None)
    .map_err(|e| {
        Report::single(
            Diagnostic::error(format!(
                "the git remote `{}` refused the push to {}",
                target.remote, target.branch
            ))
            .note(e.trim_end().to_string())
            .help("the remote was not changed; if someone else deployed meanwhile, run `gloss deploy` again (it builds on their commit), otherwise check your access to the remote and its hooks"),
        )
    })?;
    // Only now is the remote's tip ours (a failed update here is harmless:
    // the next deploy fetches it again).
    let _ = repo.run(["update-ref", REMOTE_REF, commit.as_str()], None);
    Ok(Outcome {
        plan,
        done: format!(
            "pushed {} to {} of {}",
            short(&commit),
            target.branch,
            target.remote
        ),
    })
}

/// What the new tree changes against the parent's, with sizes from the site.
fn plan(
    repo: &Repo,
    parent: Option<&str>,
    tree: &str,
    files: &[LocalFile],
    extra: &[(&str, String)],
) -> Result<Plan, Report> {
    let size_of = |key: &str| -> u64 {
        files
            .binary_search_by(|f| f.key.as_str().cmp(key))
            .map(|i| files[i].size)
            .unwrap_or_else(|_| {
                extra
                    .iter()
                    .find(|(p, _)| *p == key)
                    .map_or(0, |(_, t)| t.len() as u64)
            })
    };
    let mut plan = Plan::default();
    let new_paths = repo
        .run(["ls-tree", "-r", "-z", "--name-only", tree], None)
        .map_err(|e| git_failed("listing the tree", &e))?;
    let new_paths: BTreeSet<&str> = new_paths.split('\0').filter(|p| !p.is_empty()).collect();
    let changed = match parent {
        Some(p) => repo
            .run(
                [
                    "diff-tree",
                    "-r",
                    "-z",
                    "--no-renames",
                    "--name-status",
                    p,
                    tree,
                ],
                None,
            )
            .map_err(|e| git_failed("comparing with the branch", &e))?,
        None => String::new(),
    };
    let mut touched = BTreeSet::new();
    let mut fields = changed.split('\0').filter(|f| !f.is_empty());
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        touched.insert(path.to_string());
        match status {
            "A" => plan.adds.push((path.to_string(), size_of(path))),
            "D" => plan.deletes.push(path.to_string()),
            _ => plan.updates.push((path.to_string(), size_of(path))),
        }
    }
    if parent.is_none() {
        plan.adds = new_paths
            .iter()
            .map(|p| (p.to_string(), size_of(p)))
            .collect();
    }
    let site: BTreeSet<&str> = files
        .iter()
        .map(|f| f.key.as_str())
        .chain(extra.iter().map(|(p, _)| *p))
        .collect();
    plan.kept = new_paths.iter().filter(|p| !site.contains(*p)).count();
    plan.unchanged = new_paths
        .iter()
        .filter(|p| site.contains(*p) && !touched.contains(**p) && parent.is_some())
        .count();
    plan.adds.sort();
    plan.updates.sort();
    plan.deletes.sort();
    Ok(plan)
}

/// "Deploy 3f2a1c9d0e12 (source subject)" when the site folder is a git
/// work tree, so the published commit names the source it was built from.
fn commit_message(root: &Path) -> String {
    let source = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["log", "-1", "--format=%H%x00%s"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let s = String::from_utf8_lossy(&o.stdout).trim().to_string();
            let (sha, subject) = s.split_once('\0')?;
            Some((sha.to_string(), subject.to_string()))
        });
    let version = env!("CARGO_PKG_VERSION");
    match source {
        Some((sha, subject)) => {
            let dirty = Command::new("git")
                .arg("-C")
                .arg(root)
                .args(["status", "--porcelain", "--untracked-files=no"])
                .env_remove("GIT_DIR")
                .env_remove("GIT_WORK_TREE")
                .env_remove("GIT_INDEX_FILE")
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .map(|o| !o.stdout.is_empty())
                .unwrap_or(false);
            format!(
                "Deploy {}{}\n\nBuilt by gloss {version} from {sha}{}:\n{subject}\n",
                short(&sha),
                if dirty {
                    " with uncommitted changes"
                } else {
                    ""
                },
                if dirty {
                    " plus uncommitted changes"
                } else {
                    ""
                },
            )
        }
        None => format!("Deploy site\n\nBuilt by gloss {version}.\n"),
    }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// A relative local path in gloss.toml is relative to the site folder, not
/// to wherever gloss runs; URLs and `host:path` remotes pass through.
fn remote_for_git(root: &Path, remote: &str) -> String {
    let is_url = remote.contains("://");
    let is_scp = remote
        .split_once(':')
        .is_some_and(|(host, _)| !host.contains('/') && host.len() > 1);
    let path = Path::new(remote);
    if is_url || is_scp || path.is_absolute() {
        remote.to_string()
    } else {
        root.join(path).display().to_string()
    }
}

fn git_failed(what: &str, stderr: &str) -> Report {
    Report::single(
        Diagnostic::error(format!("git failed while {what}"))
            .note(stderr.trim_end().to_string())
            .help("the remote was not changed; run with the same command again, and report this if it persists"),
    )
}

/// The cache repository and how to run git in it.
struct Repo {
    git_dir: PathBuf,
    /// An identity for commits when the user has none configured (CI).
    identity: Option<(&'static str, &'static str)>,
}

impl Repo {
    fn open(git_dir: &Path) -> Result<Repo, Diagnostic> {
        let version = Command::new("git")
            .arg("--version")
            .stdin(Stdio::null())
            .output();
        if !version.is_ok_and(|o| o.status.success()) {
            return Err(Diagnostic::error("git targets need the `git` program, and it was not found")
                .help("install git (gloss uses it so your ssh keys and credential helpers apply), or deploy to an S3 target"));
        }
        let mut repo = Repo {
            git_dir: git_dir.to_path_buf(),
            identity: None,
        };
        if !git_dir.join("HEAD").is_file() {
            std::fs::create_dir_all(git_dir).map_err(|e| {
                Diagnostic::error(format!("cannot create {}: {e}", git_dir.display()))
            })?;
            repo.run(["init", "--quiet", "--bare"], None).map_err(|e| {
                Diagnostic::error(format!("git init failed in {}", git_dir.display())).note(e)
            })?;
        }
        let configured = |key: &str| {
            repo.run(["config", key], None)
                .is_ok_and(|v| !v.trim().is_empty())
        };
        if !(configured("user.name") && configured("user.email")) {
            repo.identity = Some(("gloss", "gloss@localhost"));
        }
        Ok(repo)
    }

    fn command<I, S>(&self, args: I, index: Option<&Path>) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new("git");
        cmd.arg(format!("--git-dir={}", self.git_dir.display()))
            // Publish the bytes as built: no line-ending conversion from the
            // user's global config.
            .args(["-c", "core.autocrlf=false", "-c", "core.safecrlf=false"])
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(i) = index {
            cmd.env("GIT_INDEX_FILE", i);
        }
        if let Some((name, email)) = self.identity {
            cmd.env("GIT_AUTHOR_NAME", name)
                .env("GIT_AUTHOR_EMAIL", email)
                .env("GIT_COMMITTER_NAME", name)
                .env("GIT_COMMITTER_EMAIL", email);
        }
        cmd
    }

    /// Runs git, returning stdout, or stderr when it fails.
    fn run<I, S>(&self, args: I, index: Option<&Path>) -> Result<String, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let out = self
            .command(args, index)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        finish(out)
    }

    fn run_with_input<I, S>(&self, args: I, input: &[u8]) -> Result<String, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = self
            .command(args, None)
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input)
                .map_err(|e| format!("cannot write to git: {e}"))?;
        }
        finish(
            child
                .wait_with_output()
                .map_err(|e| format!("git failed: {e}"))?,
        )
    }

    fn rev_parse(&self, rev: &str) -> Result<String, String> {
        Ok(self
            .run(
                [
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    format!("{rev}^{{commit}}").as_str(),
                ],
                None,
            )?
            .trim()
            .to_string())
    }
}

fn finish(out: std::process::Output) -> Result<String, String> {
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        Err(if err.trim().is_empty() {
            format!("git exited with {}", out.status)
        } else {
            err
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_remotes_are_relative_to_the_site() {
        let root = Path::new("/site");
        assert_eq!(remote_for_git(root, "../pages.git"), "/site/../pages.git");
        assert_eq!(remote_for_git(root, "/srv/pages.git"), "/srv/pages.git");
        assert_eq!(
            remote_for_git(root, "git@github.com:org/site.git"),
            "git@github.com:org/site.git"
        );
        assert_eq!(
            remote_for_git(root, "https://example.org/site.git"),
            "https://example.org/site.git"
        );
    }
}
