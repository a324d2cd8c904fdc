//! Test helpers: `SiteTest` copies a fixture site (or builds one from inline
//! files) into a temp dir, builds it through the library or the real binary,
//! and hands back the output parsed with a real HTML parser.

use gloss::diagnostics::Report;
use gloss::BuildOptions;
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub struct SiteTest {
    /// Shared with every `Built`, so the folder lives as long as any of them.
    dir: Rc<tempfile::TempDir>,
    pub root: PathBuf,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

pub const MINIMAL_CONFIG: &str = "title = \"Test\"\nbase_url = \"https://t.example.org/\"\n";

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_dir(&fixtures().join(name), &root);
        SiteTest {
            dir: Rc::new(dir),
            root,
        }
    }

    /// A site with only a minimal gloss.toml.
    pub fn new() -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/articles")).unwrap();
        std::fs::write(root.join("gloss.toml"), MINIMAL_CONFIG).unwrap();
        SiteTest {
            dir: Rc::new(dir),
            root,
        }
    }

    pub fn file(self, path: &str, text: &str) -> SiteTest {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            output: None,
            drafts: false,
            base_url: None,
            search_index: true,
        }
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Builds into `public/`, panicking with the report if the build fails.
    pub fn build(&self) -> Built {
        if let Err(report) = gloss::build(&self.options()) {
            panic!("build failed:\n{}", report.rendered());
        }
        Built {
            out: self.out(),
            _dir: self.dir.clone(),
        }
    }

    /// Builds, expecting failure; returns the report.
    pub fn build_err(&self) -> Report {
        match gloss::build(&self.options()) {
            Ok(_) => panic!("the build succeeded but was expected to fail"),
            Err(r) => r,
        }
    }

    /// The report as text, with the temp dir replaced by `[ROOT]`.
    pub fn report_text(&self, report: &Report) -> String {
        report
            .rendered()
            .replace(&self.root.display().to_string(), "[ROOT]")
    }

    /// Runs the real binary in the site folder.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
            .args(args)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }
}

pub struct Built {
    pub out: PathBuf,
    _dir: Rc<tempfile::TempDir>,
}

impl Built {
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.out.join(path).exists()
    }

    pub fn html(&self, path: &str) -> Page {
        Page(Html::parse_document(&self.read(path)))
    }

    pub fn json(&self, path: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

pub struct Page(pub Html);

impl Page {
    fn sel(s: &str) -> Selector {
        Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
    }

    /// The text of every element matching `selector`, white space folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        self.0
            .select(&Self::sel(selector))
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        let t = self.texts(selector);
        assert!(!t.is_empty(), "nothing matches `{selector}`");
        t[0].clone()
    }

    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        self.0
            .select(&Self::sel(selector))
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn attr(&self, selector: &str, attr: &str) -> String {
        let a = self.attrs(selector, attr);
        assert!(!a.is_empty(), "nothing matches `{selector}` with `{attr}`");
        a[0].clone()
    }

    pub fn count(&self, selector: &str) -> usize {
        self.0.select(&Self::sel(selector)).count()
    }

    /// The whole text of the page's article body.
    pub fn body_text(&self) -> String {
        self.0
            .select(&Self::sel(".article-body, .prose, main"))
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default()
    }
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}
