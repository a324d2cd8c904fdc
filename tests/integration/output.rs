//! The output folder is never lost (issue 12): one build of a site at a
//! time, symbolic links followed to their target, hidden static files left
//! out, write failures that say what failed and leave the old site, and a
//! site folder that is not there reported alike by every command.

use crate::support::*;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longer than any build here takes; only turns a hang into a failure.
const HANG: Duration = Duration::from_secs(300);

fn gloss(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gloss"));
    command
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for `child`, killing it (and failing) if it runs past [`HANG`].
fn finish(mut child: Child) -> Output {
    let deadline = Instant::now() + HANG;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gloss did not finish in {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A site of `n` small articles, without search (Pagefind's indexing would
/// be most of the time and is not what these tests are about).
fn many_articles(n: usize) -> SiteTest {
    let mut t = SiteTest::new().file(
        "gloss.toml",
        &format!("{MINIMAL_CONFIG}search = false\npaginate = 50\n"),
    );
    for i in 0..n {
        t = t.file(
            &format!("content/articles/a{i:05}.md"),
            &format!(
                "+++\ntitle = \"Article {i}\"\ndate = 2024-01-{:02}\ntags = [\"t{}\"]\n+++\nBody of article {i}.\n",
                i % 28 + 1,
                i % 7
            ),
        );
    }
    t
}

// ---------------------------------------------------------------------------
// One build at a time

/// Regression test for issue 12: two builds at once left `public/` partial
/// (1,234 of 6,407 files) while one of them reported success.
#[test]
fn two_builds_started_together_both_succeed_and_leave_one_whole_site() {
    let t = many_articles(2000);
    let reference = t.run(&["build", "--quiet", "--output", "reference"]);
    assert!(reference.status.success(), "{}", stderr(&reference));

    let first = gloss(&t.root, &["build"]).spawn().expect("spawn");
    let second = gloss(&t.root, &["build"]).spawn().expect("spawn");
    let (first, second) = (finish(first), finish(second));
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        snapshot_dir(&t.out()) == snapshot_dir(&t.root.join("reference")),
        "public/ differs from a single build"
    );
    // Nothing left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&t.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gloss-staging") || n.contains("gloss-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A second build waits for the lock, says so and who holds it, and then
/// builds; while it waits it writes nothing.
#[test]
fn a_build_waits_for_the_one_holding_the_lock_and_says_so() {
    let t = SiteTest::fixture("basic");
    let lock =
        gloss::output::BuildLock::acquire(&t.root, &mut |_| panic!("nobody else holds the lock"))
            .expect("lock");
    let mut child = gloss(&t.root, &["build"]).spawn().expect("spawn");
    // Its first line says it waits; read it without waiting for the end.
    let mut err = child.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    let deadline = Instant::now() + HANG;
    while !String::from_utf8_lossy(&seen).contains('\n') {
        assert!(
            Instant::now() < deadline,
            "no message from the waiting build"
        );
        let mut byte = [0u8; 1];
        match std::io::Read::read(&mut err, &mut byte) {
            Ok(0) => break,
            Ok(_) => seen.push(byte[0]),
            Err(e) => panic!("{e}"),
        }
    }
    let line = String::from_utf8_lossy(&seen).into_owned();
    assert!(
        line.contains("another build of this site is running")
            && line.contains(&format!("process {}", std::process::id()))
            && line.contains("waiting"),
        "{line}"
    );
    assert!(!t.out().exists(), "the waiting build wrote public/");
    assert!(!t.root.join(".public.gloss-staging").exists());
    drop(lock);
    let output = finish(child);
    assert!(output.status.success());
    assert!(t.out().join("index.html").is_file());
}

/// A build killed while it holds the lock does not block the next one: the
/// lock is the kernel's and goes with its process.
#[test]
fn a_killed_build_leaves_no_lock_behind() {
    let t = many_articles(2000);
    let mut child = gloss(&t.root, &["build"]).spawn().expect("spawn");
    let lock_file = t.root.join(gloss::output::LOCK_FILE);
    let deadline = Instant::now() + HANG;
    // It writes its process id once it holds the lock.
    while std::fs::read_to_string(&lock_file)
        .unwrap_or_default()
        .trim()
        != child.id().to_string()
    {
        assert!(Instant::now() < deadline, "the build never took the lock");
        assert!(child.try_wait().unwrap().is_none(), "the build ended first");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let output = finish(gloss(&t.root, &["build"]).spawn().expect("spawn"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("waiting"), "{}", stderr(&output));
    assert!(t.out().join("index.html").is_file());
}

#[test]
fn init_ignores_the_output_and_the_lock_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = gloss(dir.path(), &["init", "site"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ignore = std::fs::read_to_string(dir.path().join("site/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/.gloss/"), "{ignore}");
    assert!(ignore.lines().any(|l| l == "/public/"), "{ignore}");
}

// ---------------------------------------------------------------------------
// Symbolic links

#[cfg(unix)]
#[test]
fn an_output_link_to_an_earlier_output_is_followed_and_kept() {
    let t = SiteTest::fixture("basic");
    let elsewhere = t.root.parent().unwrap().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let target = elsewhere.join("site-out");
    let o = t.run(&["build", "--output", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::os::unix::fs::symlink(&target, t.out()).unwrap();

    // A change, so that the new output can be told from the old.
    let t = t.file(
        "content/about.md",
        "+++\ntitle = \"About us now\"\n+++\nNew text.\n",
    );
    let o = t.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata(t.out()).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(t.out()).unwrap(), target);
    let o = t.run(&["build", "--quiet", "--output", "reference"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        snapshot_dir(&target) == snapshot_dir(&t.root.join("reference")),
        "the link's target is not the new site"
    );
    assert!(std::fs::read_to_string(target.join("about/index.html"))
        .unwrap()
        .contains("About us now"));
    // Through `--output` too, and nothing left beside the target.
    let link = t.root.join("via");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = t.run(&["build", "--output", "via"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let beside: Vec<_> = std::fs::read_dir(&elsewhere)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != ".site-out.gloss-record")
        .collect();
    // Beside the target: the target, and the record of what gloss wrote in it.
    assert_eq!(beside, ["site-out"]);
    assert!(elsewhere.join(".site-out.gloss-record").is_file());
}

#[cfg(unix)]
#[test]
fn an_output_link_to_a_folder_gloss_did_not_make_is_refused_and_left_alone() {
    let t = SiteTest::fixture("basic");
    let theirs = t.root.parent().unwrap().join("theirs");
    std::fs::create_dir_all(theirs.join("sub")).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    std::fs::write(theirs.join("sub/more.txt"), "mine too").unwrap();
    let before = snapshot_dir(&theirs);
    std::os::unix::fs::symlink(&theirs, t.out()).unwrap();
    let o = t.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("gloss did not create it"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot_dir(&theirs), before);
    assert!(std::fs::symlink_metadata(t.out())
        .unwrap()
        .file_type()
        .is_symlink());

    // A link to nowhere is refused too, saying so.
    std::fs::remove_file(t.out()).unwrap();
    std::os::unix::fs::symlink(t.root.join("gone"), t.out()).unwrap();
    let o = t.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("which does not exist"),
        "{}",
        stderr(&o)
    );
    assert!(!t.root.join("gone").exists());
}

#[test]
fn an_output_folder_gloss_did_not_make_is_refused_and_left_alone() {
    let t = SiteTest::fixture("basic")
        .file("public/precious.txt", "mine")
        .file("public/deep/er.txt", "mine too");
    let before = snapshot_dir(&t.out());
    let o = t.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("gloss did not create it"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot_dir(&t.out()), before);
}

// ---------------------------------------------------------------------------
// Hidden files in static/

/// Regression test for issue 12: `static/.env` and `static/.git/config`
/// were published.
#[test]
fn hidden_static_files_are_skipped_unless_listed_and_verbose_says_so() {
    let t = SiteTest::fixture("basic")
        .file(
            "gloss.toml",
            "title = \"T\"\nbase_url = \"https://t.example.org/\"\ninclude_hidden = [\".well-known\", \"docs/.nojekyll\"]\n",
        )
        .file("static/.env", "SECRET=1")
        .file("static/.git/config", "[core]")
        .file("static/docs/.nojekyll", "")
        .file("static/docs/.secret", "x")
        .file("static/.well-known/security.txt", "Contact: x")
        .file("static/.well-known/.inner", "x")
        .file("static/robots-extra.txt", "ok");
    let o = t.run(&["build", "--verbose"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = t.out();
    for published in [
        "robots-extra.txt",
        ".well-known/security.txt",
        "docs/.nojekyll",
    ] {
        assert!(out.join(published).is_file(), "{published} is missing");
    }
    for skipped in [".env", ".git", "docs/.secret", ".well-known/.inner"] {
        assert!(!out.join(skipped).exists(), "{skipped} was published");
    }
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("skipped hidden files in static/"))
        .unwrap_or_else(|| panic!("no line about skipped files: {err}"));
    for named in [
        "static/.env",
        "static/.git/",
        "static/docs/.secret",
        "static/.well-known/.inner",
    ] {
        assert!(line.contains(named), "{named} not named: {line}");
    }
    assert!(line.contains("include_hidden"), "{line}");
}

// ---------------------------------------------------------------------------
// Write failures

#[test]
fn a_file_where_the_output_folder_should_be_is_named_with_what_to_do() {
    let t = SiteTest::fixture("basic").file("blocker", "a file");
    let o = t.run(&["build", "--output", "blocker/public"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{} is a file, not a folder",
            t.root.join("blocker").display()
        )),
        "{err}"
    );
    assert!(err.contains("move that file away"), "{err}");
    assert_eq!(
        std::fs::read_to_string(t.root.join("blocker")).unwrap(),
        "a file"
    );

    // The output path itself a file: refused, the file kept.
    let o = t.run(&["build", "--output", "blocker"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("it is a file, not a folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(t.root.join("blocker")).unwrap(),
        "a file"
    );
}

#[test]
fn a_file_in_the_way_of_staging_fails_the_build_and_keeps_the_old_site() {
    let t = SiteTest::fixture("basic");
    t.build();
    let before = snapshot_dir(&t.out());
    let t = t.file(".public.gloss-staging", "someone's file");
    let o = t.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{} is in the way",
            t.root.join(".public.gloss-staging").display()
        )),
        "{err}"
    );
    assert!(err.contains("move it away"), "{err}");
    assert!(err.contains("is as it was"), "{err}");
    assert_eq!(snapshot_dir(&t.out()), before);
    assert_eq!(
        std::fs::read_to_string(t.root.join(".public.gloss-staging")).unwrap(),
        "someone's file"
    );
}

/// A folder gloss may not write to. Root may write anywhere, so this test
/// says so and checks nothing when run as root (the tests above fail the
/// same way for root).
#[cfg(unix)]
#[test]
fn a_read_only_output_parent_fails_the_build_and_keeps_the_old_site() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("skipped: root can write to read-only folders");
        return;
    }
    let t = SiteTest::fixture("basic");
    let parent = t.root.parent().unwrap().join("ro");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("public");
    let o = t.run(&["build", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot_dir(&out);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = t.run(&["build", "--output", out.to_str().unwrap()]);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("cannot write"), "{err}");
    assert!(err.contains("permissions"), "{err}");
    assert_eq!(snapshot_dir(&out), before);
}

// ---------------------------------------------------------------------------
// The site folder

/// Regression test for issue 12: `gloss serve --root /nonexistent` showed
/// the file watcher's raw error.
#[test]
fn serve_and_build_say_alike_that_the_site_folder_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nonexistent");
    let root = missing.to_str().unwrap();
    let expected = format!("the site folder {root} does not exist");
    for command in ["build", "serve", "check"] {
        let o = gloss(
            dir.path(),
            &["--root", root, command, "--port", "0"][..if command == "serve" { 5 } else { 3 }],
        )
        .stdin(Stdio::null())
        .spawn()
        .map(finish)
        .expect("run");
        assert_eq!(o.status.code(), Some(1), "{command}");
        let err = stderr(&o);
        assert!(err.contains(&expected), "{command}: {err}");
        assert!(err.contains("gloss init"), "{command}: {err}");
        assert!(!missing.exists(), "{command} created the site folder");
    }
    // A folder without gloss.toml: the file named, for both.
    std::fs::create_dir_all(&missing).unwrap();
    for command in ["build", "serve"] {
        let o = gloss(
            dir.path(),
            &["--root", root, command, "--port", "0"][..if command == "serve" { 5 } else { 3 }],
        )
        .stdin(Stdio::null())
        .spawn()
        .map(finish)
        .expect("run");
        assert_eq!(o.status.code(), Some(1), "{command}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "cannot read {}",
                missing.join("gloss.toml").display()
            )),
            "{command}: {err}"
        );
        assert!(!missing.join(".gloss").exists(), "{command} made .gloss/");
    }
}

// ---------------------------------------------------------------------------
// In-place commit (issue 15): a rebuild writes only the files that changed

fn build_in_place(t: &SiteTest) -> gloss::BuildStats {
    gloss::build_cached(
        &t.options(),
        false,
        &mut |_| {},
        &gloss::progress::Silent,
        true,
    )
    .unwrap_or_else(|r| panic!("build failed:\n{}", r.rendered()))
}

/// The tree a clean build (`--no-cache`, a fresh folder) writes.
fn clean_build(t: &SiteTest) -> Vec<(String, Vec<u8>)> {
    let reference = t.root.parent().unwrap().join("reference");
    let _ = std::fs::remove_dir_all(&reference);
    let opts = gloss::BuildOptions {
        output: Some(reference.clone()),
        ..t.options()
    };
    let stats = gloss::build_cached(&opts, false, &mut |_| {}, &gloss::progress::Silent, false)
        .unwrap_or_else(|r| panic!("build failed:\n{}", r.rendered()));
    assert_eq!(
        stats.written, stats.files,
        "a clean build writes every file"
    );
    snapshot_dir(&reference)
}

#[cfg(unix)]
fn identity(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.modified().unwrap())
}

#[cfg(unix)]
#[test]
fn in_place_rebuild_after_one_edit_writes_only_what_changed() {
    let t = SiteTest::fixture("basic");
    let first = build_in_place(&t);
    assert_eq!(
        first.written, first.files,
        "the first build writes everything"
    );
    let about = t.out().join("about/index.html");
    let before = identity(&about);
    let ferry = t.root.join("content/articles/ferry-timetable.md");
    let text = std::fs::read_to_string(&ferry).unwrap();
    std::fs::write(
        &ferry,
        format!("{text}\nOne more paragraph, added later.\n"),
    )
    .unwrap();
    let second = build_in_place(&t);
    assert!(
        second.written > 0 && second.written < second.files / 2,
        "wrote {} of {} files",
        second.written,
        second.files
    );
    assert_eq!(
        identity(&about),
        before,
        "an unchanged page was written again"
    );
    assert!(
        snapshot_dir(&t.out()) == clean_build(&t),
        "not a clean build's output"
    );
    // No change at all: nothing is written.
    let third = build_in_place(&t);
    assert_eq!(third.written, 0, "{third:?}");
    assert!(snapshot_dir(&t.out()) == clean_build(&t));
}

#[test]
fn in_place_rebuild_removes_a_deleted_articles_page_and_keeps_a_users_file() {
    let t = SiteTest::fixture("basic").file(
        "content/articles/short-lived.md",
        "+++\ntitle = \"Short lived\"\ndate = 2024-03-01\n+++\nA piece soon gone.\n",
    );
    build_in_place(&t);
    let page = walkdir::WalkDir::new(t.out())
        .into_iter()
        .map(Result::unwrap)
        .find(|e| e.path().to_string_lossy().contains("short-lived"))
        .expect("the article has a page")
        .into_path();
    std::fs::write(t.out().join("mine.txt"), "a user's file").unwrap();
    std::fs::remove_file(t.root.join("content/articles/short-lived.md")).unwrap();
    build_in_place(&t);
    assert!(!page.exists(), "{} is still there", page.display());
    assert_eq!(
        std::fs::read_to_string(t.out().join("mine.txt")).unwrap(),
        "a user's file"
    );
    std::fs::remove_file(t.out().join("mine.txt")).unwrap();
    assert!(
        snapshot_dir(&t.out()) == clean_build(&t),
        "not a clean build's output"
    );
}

#[test]
fn in_place_rebuild_rewrites_an_output_file_edited_by_hand() {
    let t = SiteTest::fixture("basic");
    build_in_place(&t);
    let about = t.out().join("about/index.html");
    std::fs::write(&about, "edited by hand").unwrap();
    let again = build_in_place(&t);
    assert_eq!(again.written, 1, "{again:?}");
    assert!(
        snapshot_dir(&t.out()) == clean_build(&t),
        "the hand edit was kept"
    );
}

#[test]
fn in_place_commit_left_unfinished_is_redone_by_the_next_build() {
    let t = SiteTest::fixture("basic");
    build_in_place(&t);
    // What a build killed mid-commit leaves: its journal, and an output
    // whose files are partly the new ones (here one replaced with the same
    // size and time, which the record alone cannot tell).
    let about = t.out().join("about/index.html");
    let meta = std::fs::metadata(&about).unwrap();
    let len = meta.len() as usize;
    std::fs::write(&about, "x".repeat(len)).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&about)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    std::fs::write(
        t.root.join(".public.gloss-journal"),
        "gloss output journal 1\nrename about/index.html\n",
    )
    .unwrap();
    let next = build_in_place(&t);
    assert_eq!(next.written, next.files, "the output was trusted: {next:?}");
    assert!(!t.root.join(".public.gloss-journal").exists());
    assert!(
        snapshot_dir(&t.out()) == clean_build(&t),
        "not a clean build's output"
    );
    // And the build after that updates in place again.
    assert_eq!(build_in_place(&t).written, 0);
}

#[test]
fn a_failed_in_place_build_leaves_the_output_as_it_was() {
    let t = SiteTest::fixture("basic");
    build_in_place(&t);
    let before = snapshot_dir(&t.out());
    let t = t.file(
        "content/articles/broken.md",
        "+++\ntitle = \n+++\nBroken front matter.\n",
    );
    assert!(gloss::build_cached(
        &t.options(),
        false,
        &mut |_| {},
        &gloss::progress::Silent,
        true
    )
    .is_err());
    assert!(snapshot_dir(&t.out()) == before);
    assert!(!t.root.join(".public.gloss-staging").exists());
}

#[test]
fn a_staging_folder_left_unmarked_by_a_killed_build_is_not_in_the_way() {
    let t = SiteTest::fixture("basic");
    std::fs::create_dir_all(t.root.join(".public.gloss-staging-new")).unwrap();
    let o = t.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!t.root.join(".public.gloss-staging-new").exists());
}
