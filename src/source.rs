//! Who owns the text: every file a build reads is registered here once, and
//! everything else refers to it by [`SourceId`] and byte [`Span`]s.
//!
//! Lines and columns are never stored: they are computed from the file's line
//! index when a diagnostic is printed, so they cannot drift from the text.
//!
//! A one-shot build lets the texts of content files go once they are
//! parsed ([`SourceMap::evict`]): what reads a file after that (a page
//! writing its body, a report showing a line) reads it again from disk,
//! checked against the length and modification time it had when it was
//! read (its [`Stamp`]; a file read without one, against the length and
//! hash of its text), so a file edited during the build fails the build
//! instead of showing text its spans do not fit.

use std::borrow::Cow;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::SystemTime;

/// What a file was on disk when the build read it: its length and
/// modification time, taken from the open file before reading it. A file
/// read again with the same stamp is taken for the same bytes, which costs
/// one `fstat` instead of hashing the text twice (once when it is let go,
/// once when it is read again). A save the stamp would miss must keep the
/// length and land within the file system's timestamp tick of the previous
/// write (a few milliseconds on Linux), during the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: SystemTime,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok()?,
        })
    }
}

/// Reads the file at `path` with its [`Stamp`] (`None` when the file
/// system gives no modification time, or the file grew or shrank while it
/// was read).
pub fn read_stamped(path: &Path) -> std::io::Result<(Vec<u8>, Option<Stamp>)> {
    let mut file = std::fs::File::open(path)?;
    let stamp = file.metadata().ok().as_ref().and_then(Stamp::of);
    let mut bytes = Vec::with_capacity(stamp.map_or(0, |s| s.len as usize + 1));
    file.read_to_end(&mut bytes)?;
    let len = bytes.len() as u64;
    Ok((bytes, stamp.filter(|s| s.len == len)))
}

/// How an evicted text is checked when it is read again.
#[derive(Clone, Copy, Debug)]
enum Check {
    /// The file's stamp when the build read it.
    Stamp(Stamp),
    /// The text's length and FNV hash (a file read without a stamp).
    Hash(usize, u64),
}

/// Index of a file in the [`SourceMap`]. Cheap to copy; meaningless outside one build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub(crate) u32);

/// A byte range (`start..end`, 0-based) in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub source: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// An empty span at the start of a file, for problems that concern the
    /// file as a whole.
    pub fn file(source: SourceId) -> Span {
        Span::new(source, 0, 0)
    }
}

/// One file read by the build.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user: relative to the site root, `/`-separated.
    pub name: String,
    /// The absolute path on disk.
    pub path: PathBuf,
    /// The text as read; empty once evicted (see [`SourceFile::text`]).
    text: String,
    line_starts: Vec<usize>,
    /// The file on disk when its text was read, if known.
    stamp: Option<Stamp>,
    /// Once evicted: what checks the text when it is read again.
    evicted: Option<Check>,
    /// The text read again for a caller that borrows it.
    again: OnceLock<String>,
    /// Read again, it was not the text the build started from.
    changed: AtomicBool,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name,
            path,
            text,
            line_starts,
            stamp: None,
            evicted: None,
            again: OnceLock::new(),
            changed: AtomicBool::new(false),
        }
    }

    /// The file with the [`Stamp`] it had when `text` was read from it
    /// ([`read_stamped`]): let go, it is checked by the stamp.
    pub fn stamped(mut self, stamp: Option<Stamp>) -> SourceFile {
        self.stamp = stamp;
        self
    }

    /// The text. Once evicted it is read again from disk and kept (what
    /// reports and the few late readers need); [`SourceFile::text_once`]
    /// reads without keeping.
    pub fn text(&self) -> &str {
        if self.evicted.is_none() {
            return &self.text;
        }
        self.again
            .get_or_init(|| self.read_again().unwrap_or_default())
    }

    /// The text, read again from disk and not kept when it was evicted, so
    /// a build that reads every file once more holds one at a time. `None`
    /// when the file changed since the build read it (the build then fails,
    /// see [`SourceMap::changed_during_build`]).
    pub fn text_once(&self) -> Option<Cow<'_, str>> {
        if self.evicted.is_none() {
            return Some(Cow::Borrowed(&self.text));
        }
        if let Some(t) = self.again.get() {
            return Some(Cow::Borrowed(t));
        }
        self.read_again().map(Cow::Owned)
    }

    fn read_again(&self) -> Option<String> {
        let check = self.evicted?;
        let bytes = match check {
            Check::Stamp(stamp) => read_stamped(&self.path)
                .ok()
                .filter(|(_, now)| *now == Some(stamp))
                .map(|(b, _)| b),
            Check::Hash(..) => std::fs::read(&self.path).ok(),
        };
        // Lossy, as a file that is not UTF-8 was loaded (its error points
        // at the first bad byte, which a report shows).
        let text = bytes
            .map(|b| {
                String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            })
            .filter(|t| match check {
                Check::Stamp(_) => true,
                Check::Hash(len, hash) => {
                    t.len() == len && crate::hash::fnv1a(t.as_bytes()) == hash
                }
            });
        if text.is_none() {
            self.changed.store(true, Ordering::Relaxed);
        }
        text
    }

    /// Whether the text was let go ([`SourceMap::evict`]).
    #[cfg(test)]
    pub(crate) fn is_let_go(&self) -> bool {
        self.evicted.is_some()
    }

    /// Lets the text go, keeping what checks it when it is read again.
    fn evict(&mut self) {
        if self.evicted.is_none() {
            let text = std::mem::take(&mut self.text);
            self.evicted = Some(match self.stamp {
                Some(stamp) => Check::Stamp(stamp),
                None => Check::Hash(text.len(), crate::hash::fnv1a(text.as_bytes())),
            });
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text();
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// Every file of one build, in the order they were registered (which is the
/// sorted walk order, so ids are stable from run to run).
///
/// Cloning shares the texts: an incremental rebuild starts from a clone of
/// the last build's map, so a file it does not read again keeps its id and
/// its text without a copy (see `crate::incremental`).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> SourceId {
        self.files.push(std::sync::Arc::new(file));
        SourceId((self.files.len() - 1) as u32)
    }

    /// Puts `file` in place of the file at `id` (an edited file, read
    /// again), keeping its id. A clone of the map made before keeps the old
    /// text.
    pub(crate) fn replace(&mut self, id: SourceId, file: SourceFile) {
        self.files[id.0 as usize] = std::sync::Arc::new(file);
    }

    /// Whether the file at `id` is the very text `other` has there (not
    /// read again since `other` was cloned from this map, or this from it).
    pub(crate) fn shares(&self, other: &SourceMap, id: SourceId) -> bool {
        match (
            self.files.get(id.0 as usize),
            other.files.get(id.0 as usize),
        ) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (SourceId(i as u32), &**f))
    }

    /// Lets go of the texts of these files: a one-shot build does once they
    /// are parsed. Later readers read them again ([`SourceFile::text_once`]).
    /// A file whose text a clone of this map shares keeps it.
    pub fn evict(&mut self, ids: &[SourceId]) {
        use rayon::prelude::*;
        let wanted: std::collections::BTreeSet<u32> = ids.iter().map(|i| i.0).collect();
        self.files
            .par_iter_mut()
            .enumerate()
            .filter(|(i, _)| wanted.contains(&(*i as u32)))
            // A text another map shares (a serve session's) is kept whole.
            .filter_map(|(_, f)| std::sync::Arc::get_mut(f))
            .for_each(SourceFile::evict);
    }

    /// The files read again that were not what the build started from: a
    /// file saved while the build ran. The build fails on them.
    pub fn changed_during_build(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| f.changed.load(Ordering::Relaxed))
            .map(|f| f.name.as_str())
            .collect()
    }

    /// The text covered by a span.
    pub fn slice(&self, span: Span) -> &str {
        let text = self.get(span.source).text();
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// The user-facing name of `path` relative to `root`, with `/` separators.
pub fn display_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\ncdé\nx".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(f.line_col(8), (3, 1));
    }

    #[test]
    fn an_evicted_text_is_read_again_and_a_changed_file_is_caught() {
        let dir = std::env::temp_dir().join(format!("gloss-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.md");
        std::fs::write(&path, "one\ntwo\n").unwrap();
        let mut map = SourceMap::default();
        let id = map.add(SourceFile::new(
            "content/a.md".into(),
            path.clone(),
            "one\ntwo\n".into(),
        ));
        map.evict(&[id]);
        assert!(map.get(id).text.is_empty(), "the text is let go");
        assert_eq!(map.get(id).text_once().as_deref(), Some("one\ntwo\n"));
        assert!(map.get(id).again.get().is_none(), "text_once keeps nothing");
        assert_eq!(map.get(id).line_col(5), (2, 2));
        assert!(map.changed_during_build().is_empty());

        // Saved during the build: read again, it is refused and reported.
        let mut map = SourceMap::default();
        let id = map.add(SourceFile::new(
            "content/a.md".into(),
            path.clone(),
            "one\ntwo\n".into(),
        ));
        map.evict(&[id]);
        std::fs::write(&path, "one\nthree\n").unwrap();
        assert_eq!(map.get(id).text_once(), None);
        assert_eq!(map.changed_during_build(), vec!["content/a.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_stamped_text_is_checked_by_length_and_modification_time() {
        let dir = std::env::temp_dir().join(format!("gloss-stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.md");
        let load = |map: &mut SourceMap| {
            let (bytes, stamp) = read_stamped(&path).unwrap();
            assert!(stamp.is_some());
            let text = String::from_utf8(bytes).unwrap();
            let id =
                map.add(SourceFile::new("content/a.md".into(), path.clone(), text).stamped(stamp));
            map.evict(&[id]);
            assert!(matches!(map.get(id).evicted, Some(Check::Stamp(_))));
            id
        };
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let write = |text: &str, modified: SystemTime| {
            std::fs::write(&path, text).unwrap();
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(modified).unwrap();
        };
        write("one\ntwo\n", at);

        // Unchanged: read again.
        let mut map = SourceMap::default();
        let id = load(&mut map);
        assert_eq!(map.get(id).text_once().as_deref(), Some("one\ntwo\n"));
        assert!(map.changed_during_build().is_empty());

        // Saved with the same length: its time tells.
        let later = at + std::time::Duration::from_secs(1);
        write("one\ntwx\n", later);
        assert_eq!(map.get(id).text_once(), None);
        assert_eq!(map.changed_during_build(), vec!["content/a.md"]);

        // Saved with the same time (a clock set back): its length tells.
        let mut map = SourceMap::default();
        let id = load(&mut map);
        write("one\ntwo\nthree\n", later);
        assert_eq!(map.get(id).text_once(), None);
        assert_eq!(map.changed_during_build(), vec!["content/a.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
