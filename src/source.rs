//! Who owns the text: every file a build reads is registered here once, and
//! everything else refers to it by [`SourceId`] and byte [`Span`]s.
//!
//! Lines and columns are never stored: they are computed from the file's line
//! index when a diagnostic is printed, so they cannot drift from the text.

use std::path::{Path, PathBuf};

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
    pub text: String,
    line_starts: Vec<usize>,
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
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
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

    /// The text covered by a span.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.source).text;
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
}
