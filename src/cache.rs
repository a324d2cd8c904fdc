//! The build cache: `.gloss/cache` in the site folder, so that a second
//! `gloss build` redoes only what changed (issue 15).
//!
//! Takes a key (a [`Fingerprint`] of everything an output is made from) and
//! gives back the bytes a previous build made from the same inputs, or
//! nothing. What is cached, and what each key covers, is said where the key
//! is made: a page's key is the fingerprint of the very context its template
//! receives and of what every page reads (`render`), a search shard's is the
//! fingerprint of its records (`search`). Every key is mixed here with the
//! fingerprint of the running gloss binary, so that another gloss (another
//! version, another Pagefind, other built-in templates) never reads what
//! this one wrote.
//!
//! The layout: `objects/<hash>` holds one entry's bytes, named by the
//! SipHash-1-3 of those bytes; `manifest` lists, one line an entry, the key,
//! the hash and the length. A build that could be killed at any moment
//! never leaves a cache that is trusted half-written:
//! - an entry is written under a temporary name and renamed into place;
//! - the manifest is written last, after the site is swapped in, under a
//!   temporary name and renamed (until then the previous manifest holds);
//! - every entry read is checked against its length and hash: a truncated,
//!   corrupted or missing entry is a miss, never an error, and so is a
//!   manifest that is missing or cannot be read;
//! - after the manifest, files no manifest line names (the previous build's
//!   entries that this one did not use, temporary files a killed build left)
//!   are removed.
//!
//! The cache is opened under the site's build lock (`output::BuildLock`),
//! so two builds never share it.

use crate::hash::{Fingerprint, FingerprintBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The cache folder, relative to the site folder.
pub const DIR: &str = ".gloss/cache";
const MANIFEST: &str = "manifest";
const OBJECTS: &str = "objects";
/// The manifest's first line: a manifest of another layout is not read.
const HEADER: &str = "gloss build cache 1";
/// What a temporary file's name carries, so that a later build knows it
/// for a leftover.
const TMP: &str = ".tmp-";

/// What an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The bytes of one page rendered from a template.
    Page,
    /// Every file of one search shard's Pagefind bundle ([`pack`]).
    Shard,
    /// A file of the output known by the hash of its bytes only: no object
    /// is stored, since the output folder holds the bytes and its record
    /// (`output::Staging`) says which. An article's own page: one per
    /// article, so storing its bytes too would double the site on disk.
    Output,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Shard => "shard",
            Kind::Output => "output",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        match s {
            "page" => Some(Kind::Page),
            "shard" => Some(Kind::Shard),
            "output" => Some(Kind::Output),
            _ => None,
        }
    }
}

/// Where an entry's bytes are, and how to know them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stored {
    hash: Fingerprint,
    len: u64,
}

/// How much of a build came from the cache, by kind of entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Pages rendered from a template, and how many of them came from the
    /// cache (read back, or kept in the output as they were).
    pub pages: usize,
    pub pages_cached: usize,
    /// Of those, the articles' own pages, and how many of them were kept in
    /// the output, neither made nor hashed again ([`Kind::Output`]).
    pub article_pages: usize,
    pub article_pages_kept: usize,
    /// Search shards, and how many of them came from the cache.
    pub shards: usize,
    pub shards_cached: usize,
}

/// The cache of one build: what the previous build left, and what this one
/// uses or adds. Shared by the rendering threads.
pub struct Cache {
    dir: PathBuf,
    /// The running binary's fingerprint, mixed into every key.
    binary: Fingerprint,
    previous: BTreeMap<(Kind, Fingerprint), Stored>,
    current: Mutex<BTreeMap<(Kind, Fingerprint), Stored>>,
    /// Looked up and found, by kind (`Kind as usize`).
    asked: [AtomicUsize; 3],
    found: [AtomicUsize; 3],
    /// Numbers temporary files apart.
    next_tmp: AtomicU64,
}

impl Cache {
    /// Opens the cache of the site at `root`. Never fails: a cache that is
    /// missing or cannot be read is an empty one (every look-up a miss). Is
    /// `None` only when the running binary cannot be read, since nothing
    /// could then tell this gloss's entries from another's.
    pub fn open(root: &Path) -> Option<Cache> {
        let binary = binary_fingerprint()?;
        let dir = root.join(DIR);
        let previous = std::fs::read_to_string(dir.join(MANIFEST))
            .ok()
            .and_then(|text| parse_manifest(&text))
            .unwrap_or_default();
        Some(Cache {
            dir,
            binary,
            previous,
            current: Mutex::default(),
            asked: Default::default(),
            found: Default::default(),
            next_tmp: AtomicU64::new(0),
        })
    }

    /// Whether the last build left entries to read (a rebuild, not a first
    /// build or one after `gloss clean`).
    pub fn has_previous(&self) -> bool {
        !self.previous.is_empty()
    }

    /// The key under which an entry of `kind` made from `inputs` is stored.
    fn key(&self, kind: Kind, inputs: Fingerprint) -> (Kind, Fingerprint) {
        let key = FingerprintBuilder::default()
            .bytes(&self.binary.0.to_le_bytes())
            .add(kind.name())
            .bytes(&inputs.0.to_le_bytes())
            .finish();
        (kind, key)
    }

    /// The bytes a previous build stored for `inputs`, checked against their
    /// length and hash; `None` (a miss) when there are none or they do not
    /// check out. A hit is kept for the next build.
    pub fn get(&self, kind: Kind, inputs: Fingerprint) -> Option<Vec<u8>> {
        self.asked[kind as usize].fetch_add(1, Ordering::Relaxed);
        let key = self.key(kind, inputs);
        let stored = *self.previous.get(&key)?;
        let bytes = read_checked(&self.object(stored.hash), stored)?;
        self.found[kind as usize].fetch_add(1, Ordering::Relaxed);
        self.lock().insert(key, stored);
        Some(bytes)
    }

    /// Counts a page that was looked up as a [`Kind::Output`]: `found` when
    /// it was not made again (the output held it). The summary's "N of M
    /// files made from templates" counts these with the other pages.
    pub fn counted(&self, found: bool) {
        self.asked[Kind::Output as usize].fetch_add(1, Ordering::Relaxed);
        if found {
            self.found[Kind::Output as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The hash of the bytes (`hash::bytes_print`) that a previous
    /// build made from `inputs` and wrote to the output, remembered with
    /// [`Cache::remember`]; kept for the next build when found. The caller
    /// must still check that the output holds them.
    pub fn written(&self, inputs: Fingerprint) -> Option<u128> {
        let key = self.key(Kind::Output, inputs);
        let stored = *self.previous.get(&key)?;
        self.lock().insert(key, stored);
        Some(stored.hash.0)
    }

    /// Remembers that `bytes`, made from `inputs`, were written to the
    /// output (for [`Cache::written`]); no object is stored.
    pub fn remember(&self, inputs: Fingerprint, bytes: &[u8]) {
        let key = self.key(Kind::Output, inputs);
        let stored = Stored {
            hash: hash_of(bytes),
            len: bytes.len() as u64,
        };
        self.lock().insert(key, stored);
    }

    /// Stores `bytes`, made from `inputs`, for the next build: written under
    /// a temporary name, then renamed. A cache that cannot be written costs
    /// the next build its time, not this build its output, so failures are
    /// not reported; the entry is just not listed.
    pub fn put(&self, kind: Kind, inputs: Fingerprint, bytes: &[u8]) {
        let key = self.key(kind, inputs);
        let stored = Stored {
            hash: hash_of(bytes),
            len: bytes.len() as u64,
        };
        if self.write_object(stored.hash, bytes).is_ok() {
            self.lock().insert(key, stored);
        }
    }

    /// How much came from the cache so far.
    pub fn stats(&self) -> CacheStats {
        let n = |a: &[AtomicUsize; 3], k: Kind| a[k as usize].load(Ordering::Relaxed);
        CacheStats {
            pages: n(&self.asked, Kind::Page) + n(&self.asked, Kind::Output),
            pages_cached: n(&self.found, Kind::Page) + n(&self.found, Kind::Output),
            article_pages: n(&self.asked, Kind::Output),
            article_pages_kept: n(&self.found, Kind::Output),
            shards: n(&self.asked, Kind::Shard),
            shards_cached: n(&self.found, Kind::Shard),
        }
    }

    /// Writes the manifest of what this build used and added (last, and by
    /// rename), then removes every file of the cache it does not name. Call
    /// it only once the build succeeded: until then the previous manifest,
    /// and every entry it names, stays as it was.
    pub fn commit(self) -> io::Result<()> {
        let current = self.current.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut text = String::with_capacity(current.len() * 80);
        text.push_str(HEADER);
        text.push('\n');
        for ((kind, key), stored) in &current {
            text.push_str(&format!(
                "{} {:032x} {:032x} {}\n",
                kind.name(),
                key.0,
                stored.hash.0,
                stored.len
            ));
        }
        // The last line seals it: a manifest cut short is no manifest.
        let seal = hash_of(text.as_bytes());
        text.push_str(&format!("end {:032x}\n", seal.0));
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self
            .dir
            .join(format!("{MANIFEST}{TMP}{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, self.dir.join(MANIFEST))?;
        let keep: BTreeSet<String> = current
            .iter()
            .filter(|((kind, _), _)| *kind != Kind::Output)
            .map(|(_, s)| format!("{:032x}", s.hash.0))
            .collect();
        remove_unlisted(&self.dir.join(OBJECTS), &keep)?;
        // Manifests a killed build left under a temporary name.
        for e in std::fs::read_dir(&self.dir)?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("{MANIFEST}{TMP}")) {
                let _ = std::fs::remove_file(e.path());
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(Kind, Fingerprint), Stored>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn object(&self, hash: Fingerprint) -> PathBuf {
        self.dir.join(OBJECTS).join(format!("{:032x}", hash.0))
    }

    fn write_object(&self, hash: Fingerprint, bytes: &[u8]) -> io::Result<()> {
        let path = self.object(hash);
        let dir = path
            .parent()
            .expect("an object is inside the objects folder");
        std::fs::create_dir_all(dir)?;
        let n = self.next_tmp.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!("{:032x}{TMP}{}-{n}", hash.0, std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &path)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(())
    }
}

/// The manifest's entries, or `None` when it is not a manifest this gloss
/// wrote whole (a wrong header, a line that does not parse, a seal that is
/// missing or is not the hash of the lines before it).
fn parse_manifest(text: &str) -> Option<BTreeMap<(Kind, Fingerprint), Stored>> {
    let hex = |s: &str| {
        (s.len() == 32)
            .then(|| u128::from_str_radix(s, 16).ok())
            .flatten()
    };
    let body = text.strip_suffix('\n')?;
    let (body, seal) = body.rsplit_once('\n')?;
    let body = &text[..body.len() + 1];
    if Some(hash_of(body.as_bytes())) != seal.strip_prefix("end ").and_then(hex).map(Fingerprint) {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let mut entries = BTreeMap::new();
    for line in lines {
        let mut parts = line.split(' ');
        let kind = Kind::parse(parts.next()?)?;
        let key = Fingerprint(hex(parts.next()?)?);
        let hash = Fingerprint(hex(parts.next()?)?);
        let len = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        entries.insert((kind, key), Stored { hash, len });
    }
    Some(entries)
}

/// The bytes at `path` if they are `stored`'s: its length, then its hash.
fn read_checked(path: &Path, stored: Stored) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() != stored.len {
        return None;
    }
    let mut bytes = Vec::with_capacity(stored.len as usize);
    file.read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == stored.len && hash_of(&bytes) == stored.hash).then_some(bytes)
}

/// The hash the cache knows bytes by; the output's record uses the same.
fn hash_of(bytes: &[u8]) -> Fingerprint {
    crate::hash::bytes_print(bytes)
}

/// Removes the files of `dir` whose names `keep` does not list.
fn remove_unlisted(dir: &Path, keep: &BTreeSet<String>) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !keep.contains(&name) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    Ok(())
}

/// The fingerprint of the running binary's bytes: gloss's code, its
/// built-in theme and the Pagefind it links, whatever its version number
/// says (a development build keeps one number across many changes). About
/// 20 ms for a release binary.
fn binary_fingerprint() -> Option<Fingerprint> {
    static BINARY: std::sync::OnceLock<Option<Fingerprint>> = std::sync::OnceLock::new();
    *BINARY.get_or_init(|| {
        let mut file = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut f = FingerprintBuilder::default();
        let mut buf = vec![0; 1 << 20];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    f.bytes(&buf[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        Some(f.finish())
    })
}

/// Several named files as one entry: each as its name's length (4 bytes),
/// the name, its length (8 bytes) and its bytes, little-endian.
pub fn pack(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size: usize = files.iter().map(|(n, b)| 12 + n.len() + b.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (name, bytes) in files {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// The files [`pack`] packed, or `None` when `bytes` are not such a pack.
pub fn unpack(mut bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (bytes.len() >= n).then(|| bytes.split_at(n))?;
        *bytes = rest;
        Some(head)
    }
    let mut files = Vec::new();
    while !bytes.is_empty() {
        let n = u32::from_le_bytes(take(&mut bytes, 4)?.try_into().ok()?) as usize;
        let name = std::str::from_utf8(take(&mut bytes, n)?).ok()?.to_string();
        let len = u64::from_le_bytes(take(&mut bytes, 8)?.try_into().ok()?);
        let body = take(&mut bytes, usize::try_from(len).ok()?)?.to_vec();
        files.push((name, body));
    }
    Some(files)
}

/// What `gloss clean` removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// The cache folder, when there was one.
    pub cache: Option<PathBuf>,
}

/// Removes the build cache of the site at `root` (its `.gloss/cache`),
/// and nothing else: not the output, not the build lock. Refuses a cache
/// folder that is a link, or that holds anything gloss does not write there
/// (it would not be gloss's to delete).
pub fn clean(root: &Path) -> Result<Cleaned, String> {
    let dir = root.join(DIR);
    let meta = match std::fs::symlink_metadata(&dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Cleaned::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    if !meta.is_dir() {
        return Err(format!(
            "{} is not a folder gloss made (it is a file or a link); remove it yourself",
            dir.display()
        ));
    }
    let read =
        |d: &Path| std::fs::read_dir(d).map_err(|e| format!("cannot read {}: {e}", d.display()));
    let is_object = |name: &str| {
        let hash = name.split(TMP).next().unwrap_or("");
        hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    };
    for e in read(&dir)? {
        let e = e.map_err(|e| e.to_string())?;
        let name = e.file_name().to_string_lossy().into_owned();
        let ty = e.file_type().map_err(|e| e.to_string())?;
        let ours = if name == OBJECTS && ty.is_dir() {
            let mut all = true;
            for o in read(&e.path())? {
                let o = o.map_err(|e| e.to_string())?;
                let ty = o.file_type().map_err(|e| e.to_string())?;
                all &= ty.is_file() && is_object(&o.file_name().to_string_lossy());
            }
            all
        } else {
            ty.is_file() && (name == MANIFEST || name.starts_with(&format!("{MANIFEST}{TMP}")))
        };
        if !ours {
            return Err(format!(
                "{} holds {}, which gloss did not write there; nothing was removed",
                dir.display(),
                e.path().display()
            ));
        }
    }
    std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    Ok(Cleaned { cache: Some(dir) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_unpacks_to_its_files_and_a_cut_one_to_nothing() {
        let files = vec![
            ("pagefind.js".to_string(), b"js".to_vec()),
            ("index/a.pf_index".to_string(), vec![0, 1, 2]),
        ];
        let packed = pack(&files);
        assert_eq!(unpack(&packed), Some(files));
        assert_eq!(unpack(&packed[..packed.len() - 1]), None);
    }

    #[test]
    fn a_manifest_cut_short_or_with_one_bad_line_is_no_manifest() {
        let sealed = |body: &str| format!("{body}end {:032x}\n", hash_of(body.as_bytes()).0);
        let good = format!("{HEADER}\npage {:032x} {:032x} 3\n", 1, 2);
        assert_eq!(parse_manifest(&sealed(&good)).map(|m| m.len()), Some(1));
        // Cut inside its last entry: the length there is still a number.
        assert_eq!(parse_manifest(&good), None);
        assert_eq!(parse_manifest(&sealed(&good)[..good.len() - 1]), None);
        assert_eq!(
            parse_manifest(&sealed(&format!("{good}page 1 2 3\n"))),
            None
        );
        assert_eq!(parse_manifest(&sealed("gloss build cache 0\n")), None);
    }
}
