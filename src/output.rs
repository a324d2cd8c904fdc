//! Write: puts the rendered site on disk without ever losing anything.
//!
//! The new site is written into a staging folder beside the target, marked
//! as gloss's own, and swapped in by rename; the old site is removed only
//! after the swap, and only if it carries the marker. A failed build never
//! reaches this module, so the previous output stays as it was. gloss refuses
//! to write into a folder it did not create (mdBook#436, zola#1378).

use crate::diagnostics::Diagnostic;
use crate::OutputFile;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go. Called from many threads at once.
pub trait Sink: Sync {
    /// `path` is relative to the output root, `/`-separated.
    fn put(&self, path: &str, file: OutputFile) -> io::Result<()>;
}

/// Keeps the site in memory (for `serve` and `check`).
#[derive(Default)]
pub struct MemorySink(Mutex<BTreeMap<String, OutputFile>>);

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, OutputFile> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, file: OutputFile) -> io::Result<()> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(path.to_string(), file);
        Ok(())
    }
}

/// A staging folder beside the output folder: files are written into it as
/// they are rendered; [`Staging::commit`] swaps it in. Dropped without a
/// commit, it removes itself, and the previous output stays as it was.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    committed: bool,
    files: std::sync::atomic::AtomicUsize,
}

impl Staging {
    pub fn new(out: &Path) -> io::Result<Staging> {
        let out = absolute(out);
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.gloss-staging"));
        let old = parent.join(format!(".{name}.gloss-old"));
        for leftover in [&staging, &old] {
            if leftover.exists() {
                if is_ours(leftover) {
                    std::fs::remove_dir_all(leftover)?;
                } else {
                    return Err(io::Error::other(format!(
                        "{} exists and was not made by gloss; move it away",
                        leftover.display()
                    )));
                }
            }
        }
        std::fs::create_dir_all(&staging)?;
        std::fs::write(staging.join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            out,
            staging,
            old,
            committed: false,
            files: Default::default(),
        })
    }

    /// How many files were written.
    pub fn count(&self) -> usize {
        self.files.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Swaps the staging folder in place of the output folder.
    pub fn commit(mut self) -> io::Result<()> {
        let (out, staging, old) = (&self.out, &self.staging, &self.old);
        if out.exists() {
            if std::fs::read_dir(out)?.next().is_none() {
                std::fs::remove_dir(out)?;
            } else {
                std::fs::rename(out, old)?;
            }
        }
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous site back.
            if old.exists() {
                let _ = std::fs::rename(old, out);
            }
            return Err(e);
        }
        self.committed = true;
        if old.exists() {
            remove_tree(old)?;
        }
        Ok(())
    }
}

/// Removes a folder gloss wrote, unlinking its subfolders in parallel: for a
/// site of 10,000 articles, deleting the previous build is otherwise a large
/// share of a rebuild.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut subdirs = Vec::new();
    for top in std::fs::read_dir(dir)? {
        let top = top?;
        if top.file_type()?.is_dir() {
            for e in std::fs::read_dir(top.path())? {
                let e = e?;
                if e.file_type()?.is_dir() {
                    subdirs.push(e.path());
                }
            }
        }
    }
    subdirs.par_iter().try_for_each(std::fs::remove_dir_all)?;
    std::fs::remove_dir_all(dir)
}

impl Sink for Staging {
    fn put(&self, path: &str, file: OutputFile) -> io::Result<()> {
        let target = self.staging.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match file {
            OutputFile::Bytes(b) => std::fs::write(&target, &b[..])?,
            OutputFile::Copy(from) => {
                std::fs::copy(from, &target)?;
            }
        }
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The file that marks a folder as written by gloss.
pub const MARKER: &str = ".gloss-output";
const MARKER_TEXT: &str =
    "This folder is written by gloss; `gloss build` replaces it as a whole.\n";

/// Refuses output folders that would overwrite the site's own files.
pub fn check_target(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out = absolute(out);
    if out == root || root.starts_with(&out) {
        return Err(Diagnostic::error(format!(
            "refusing to write the site into {}: it contains the site's own files",
            out.display()
        ))
        .help("choose an output folder of its own, e.g. `--output public`"));
    }
    for dir in ["content", "templates", "static"] {
        if out.starts_with(root.join(dir)) {
            return Err(Diagnostic::error(format!(
                "refusing to write the site into {}: it is inside the site's {dir}/ folder",
                out.display()
            ))
            .help("choose an output folder outside content/, templates/ and static/"));
        }
    }
    if out.exists() && !is_ours(&out) {
        let empty = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(format!(
                "refusing to replace {}: gloss did not create it",
                out.display()
            ))
            .note(format!(
                "gloss marks its output folders with a `{MARKER}` file, and this one has none"
            ))
            .help("move or delete the folder yourself, or choose another with `--output`"));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Normalise `.` and `..` lexically: the output folder may not exist yet.
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_inside_the_sites_own_folders_is_refused() {
        let root = Path::new("/site");
        assert!(check_target(root, Path::new("/site/public")).is_ok());
        assert!(check_target(root, Path::new("/site/content/out")).is_err());
        assert!(check_target(root, Path::new("/site/static")).is_err());
        assert!(check_target(root, Path::new("/site")).is_err());
        assert!(check_target(root, Path::new("/")).is_err());
        assert!(check_target(root, Path::new("/site/public/../templates/x")).is_err());
    }
}
