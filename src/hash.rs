//! Hashes: a leaf module every stage may use, importing nothing of gloss.
//!
//! - [`fnv1a`] and [`content_hash`]: short, stable hashes for ids and
//!   cache-busting file names (their values are in the output, so they must
//!   never change).
//! - [`Fingerprint`]: a 128-bit hash of a value's serde serialization, what
//!   the page plan compares between builds (see `render::plan`). Stable
//!   across runs and platforms (SipHash-1-3 with a fixed key over the JSON
//!   text), so a cache on disk can key on it.

use serde::Serialize;
use std::hash::Hasher as _;

/// FNV-1a, 64 bits: stable across platforms and releases, unlike `Hash`.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A short hash of `bytes` for cache-busting file names.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    format!("{:08x}", (fnv1a(bytes) >> 32) as u32)
}

/// The fingerprint of a value: equal values have equal fingerprints, and
/// different ones differ but with a chance of about 2^-64 per pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(pub u128);

/// Builds a [`Fingerprint`] from several values in turn.
pub(crate) struct FingerprintBuilder(siphasher::sip128::SipHasher13);

impl Default for FingerprintBuilder {
    fn default() -> Self {
        FingerprintBuilder(siphasher::sip128::SipHasher13::new())
    }
}

impl FingerprintBuilder {
    /// Adds `value`, serialized straight into the hasher (no JSON value is
    /// built). A value that cannot serialize (a map with non-string keys)
    /// adds its error text instead, so it still counts.
    pub(crate) fn add<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        if let Err(e) = serde_json::to_writer(&mut *self, value) {
            self.0.write(e.to_string().as_bytes());
        }
        // A separator: ("ab", "c") and ("a", "bc") must differ.
        self.0.write(&[0xff]);
        self
    }

    /// Adds raw bytes.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_usize(bytes.len());
        self.0.write(bytes);
        self
    }

    pub(crate) fn finish(&self) -> Fingerprint {
        use siphasher::sip128::Hasher128;
        Fingerprint(self.0.finish128().as_u128())
    }
}

/// The fingerprint of some bytes: what the build cache names an entry by
/// and the output's record knows a file by, the same function for both, so
/// a hash the cache remembers for a page can be compared with the record's.
pub(crate) fn bytes_print(bytes: &[u8]) -> Fingerprint {
    FingerprintBuilder::default().bytes(bytes).finish()
}

impl std::io::Write for FingerprintBuilder {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_values_apart_and_are_stable() {
        let of = |a: &str, b: &str| FingerprintBuilder::default().add(a).add(b).finish();
        assert_eq!(of("ab", "c"), of("ab", "c"));
        assert_ne!(of("ab", "c"), of("a", "bc"));
        assert_ne!(of("ab", "c"), of("ab", "d"));
    }

    #[test]
    fn content_hash_is_the_one_in_published_file_names() {
        // theme assets are named with it: changing it renames every file.
        assert_eq!(content_hash(b""), "cbf29ce4");
    }
}
