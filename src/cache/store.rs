//! The cache directory on disk: one file per entry, named by its key, written atomically
//! (`atomic`), checked when read (a damaged entry is a miss), and kept under a size bound by
//! removing the entries used least recently.
//!
//! An entry is `MAGIC`, the blake3 hash of the payload, then the payload. Reading an entry
//! touches its modification time, so that pruning, which removes the oldest first, keeps what
//! runs still use. Two runs at once each write their own temporary file and rename it into
//! place: a reader sees a whole entry or none, never half of one.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The first bytes of every entry; a change of format changes them, so that the entries of an
/// older format are misses (and pruned as any other; the directory stays `v1`).
const MAGIC: &[u8] = b"sous-cache 2\n";
const HASH_LEN: usize = 32;
/// The size the cache is kept under unless `SOUS_CACHE_MAX_BYTES` says otherwise.
const DEFAULT_MAX_BYTES: u64 = 512 << 20;
/// A temporary file this old belongs to a run that died: pruning removes it.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);

/// A cache directory.
#[derive(Clone)]
pub struct Store {
    root: PathBuf,
    /// Whether the user named the directory (`--cache-dir`, `SOUS_CACHE_DIR`): then a directory
    /// sous cannot write is worth a warning; the default one fails quietly.
    named: bool,
}

impl Store {
    pub fn new(root: PathBuf, named: bool) -> Store {
        Store { root, named }
    }

    fn entries(&self) -> PathBuf {
        self.root.join("v1")
    }

    fn path(&self, key: &str) -> PathBuf {
        self.entries().join(&key[..2]).join(format!("{key}.entry"))
    }

    /// The payload stored under `key`, if there is a whole, undamaged entry.
    pub fn get(&self, key: &str) -> Option<Payload> {
        let bytes = self.read(key)?;
        // Not moved to the front of its buffer: tens of megabytes.
        let start = bytes.len() - self.checked(key, &bytes)?.len();
        Some(Payload { bytes, start })
    }

    /// The first `len` bytes of the payload under `key` (fewer if the entry is shorter), not
    /// checked: the head of an entry, to turn it down without reading the rest.
    pub fn read_start(&self, key: &str, len: usize) -> Option<Vec<u8>> {
        use std::io::Read;
        let file = std::fs::File::open(self.path(key)).ok()?;
        let mut bytes = Vec::new();
        let want = (MAGIC.len() + HASH_LEN).checked_add(len)?;
        file.take(want as u64).read_to_end(&mut bytes).ok()?;
        Store::unchecked(&bytes)?;
        bytes.drain(..MAGIC.len() + HASH_LEN);
        Some(bytes)
    }

    /// The entry stored under `key` as it is on disk, not checked: see [`Store::unchecked`]
    /// and [`Store::checked`].
    pub fn read(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(key)).ok()
    }

    /// The payload of an entry [`Store::read`] read, not checked: for a look that can only
    /// turn it down (a damaged payload may say anything).
    pub fn unchecked(bytes: &[u8]) -> Option<&[u8]> {
        bytes.strip_prefix(MAGIC)?.get(HASH_LEN..)
    }

    /// The payload of an entry [`Store::read`] read under `key`, if it is whole and undamaged;
    /// the entry is then used now, the last to be pruned.
    pub fn checked<'b>(&self, key: &str, bytes: &'b [u8]) -> Option<&'b [u8]> {
        let payload = check(bytes)?;
        // A cache that cannot be written is still read.
        if let Ok(file) = std::fs::File::options().append(true).open(self.path(key)) {
            let _ = file.set_modified(SystemTime::now());
        }
        Some(&bytes[bytes.len() - payload..])
    }

    /// Stores `payload` under `key`, then prunes. A failure is a warning when the directory was
    /// named, else silent: the run's findings do not depend on it.
    pub fn put(&self, key: &str, payload: &[&[u8]]) {
        if let Err(e) = self.try_put(key, payload) {
            self.failed(e);
        }
    }

    /// Stores the payload made of `parts`, in order, under `key`, then prunes; the error is the
    /// caller's to report ([`Store::failed`]). In parts, so that a payload of tens of megabytes
    /// is never copied whole to be written.
    pub fn try_put(&self, key: &str, parts: &[&[u8]]) -> crate::error::Result<()> {
        let path = self.path(key);
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(|e| crate::error::Error::io(&self.root, e))?;
        let mut hash = blake3::Hasher::new();
        parts.iter().for_each(|part| {
            hash.update(part);
        });
        crate::atomic::write(&path, |out| {
            out.write_all(MAGIC)?;
            out.write_all(hash.finalize().as_bytes())?;
            parts.iter().try_for_each(|part| out.write_all(part))
        })?;
        self.prune(max_bytes());
        Ok(())
    }

    /// Stores the payload made of `parts` under its own hash, which is returned: an entry no
    /// run changes, which entries name (see `layout`).
    pub fn try_put_content(&self, parts: &[&[u8]]) -> crate::error::Result<[u8; HASH_LEN]> {
        let mut hash = blake3::Hasher::new();
        parts.iter().for_each(|part| {
            hash.update(part);
        });
        let hash = hash.finalize();
        self.try_put(&hash.to_hex(), parts)?;
        Ok(*hash.as_bytes())
    }

    /// The payload stored under `key` if its content hash is `key` (see
    /// [`Store::try_put_content`]).
    pub fn get_content(&self, key: &str) -> Option<Payload> {
        let payload = self.get(key)?;
        let hash = payload.bytes.get(MAGIC.len()..MAGIC.len() + HASH_LEN)?;
        (blake3::Hash::from_slice(hash).ok()?.to_hex().as_str() == key).then_some(payload)
    }

    /// Says that an entry could not be written, if the directory was named.
    pub fn failed(&self, e: crate::error::Error) {
        if self.named {
            crate::error::eprint_line(format_args!(
                "WARN\tthe cache at {} cannot be written ({e}): this run was not cached; give a writable --cache-dir or --no-cache",
                self.root.display()
            ));
        } else {
            crate::trace::mark("cache: not writable");
        }
    }

    /// Removes the entries used least recently until the cache is under `max` bytes (to three
    /// quarters of it, so that pruning is rare), and temporary files left by runs that died.
    pub fn prune(&self, max: u64) {
        let mut entries = Vec::new();
        let now = SystemTime::now();
        for dir in read_dir(&self.entries()) {
            for path in read_dir(&dir) {
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                let modified = meta.modified().unwrap_or(now);
                let temporary = path.extension().is_some_and(|x| x == "sous-tmp");
                if temporary {
                    let age = now.duration_since(modified).unwrap_or_default();
                    if age > STALE_TEMPORARY {
                        let _ = std::fs::remove_file(&path);
                    }
                } else if meta.is_file() {
                    entries.push((modified, meta.len(), path));
                }
            }
        }
        let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
        if total <= max {
            return;
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= max / 4 * 3 {
                break;
            }
            // Another run may have removed it first: the size is gone either way.
            let _ = std::fs::remove_file(&path);
            total = total.saturating_sub(len);
        }
    }
}

/// The payload of an entry, in the buffer the entry was read into.
#[derive(Debug, PartialEq, Eq)]
pub struct Payload {
    bytes: Vec<u8>,
    start: usize,
}

impl std::ops::Deref for Payload {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

/// The length of the payload at the end of `bytes` if the entry is whole and undamaged.
fn check(bytes: &[u8]) -> Option<usize> {
    let rest = bytes.strip_prefix(MAGIC)?;
    if rest.len() < HASH_LEN {
        return None;
    }
    let (hash, payload) = rest.split_at(HASH_LEN);
    // On every core: an entry is tens of megabytes, and the run waits for its check.
    let mut hasher = blake3::Hasher::new();
    hasher.update_rayon(payload);
    (hasher.finalize().as_bytes() == hash).then_some(payload.len())
}

fn max_bytes() -> u64 {
    std::env::var("SOUS_CACHE_MAX_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAX_BYTES)
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> String {
        format!("{n:02x}{}", "ab".repeat(31))
    }

    #[test]
    fn what_is_put_is_got() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), true);
        assert!(store.get(&key(1)).is_none());
        store.put(&key(1), &[b"pay", b"load"]);
        assert_eq!(store.get(&key(1)).as_deref(), Some(&b"payload"[..]));
        assert_eq!(store.read_start(&key(1), 3).as_deref(), Some(&b"pay"[..]));
        assert_eq!(
            store.read_start(&key(1), 100).as_deref(),
            Some(&b"payload"[..])
        );
    }

    #[test]
    fn a_damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), true);
        store.put(&key(2), &[b"some findings"]);
        let path = store.path(&key(2));
        let whole = std::fs::read(&path).unwrap();
        // Cut short, one byte changed, garbage, empty: each is a miss, never a panic.
        std::fs::write(&path, &whole[..whole.len() - 3]).unwrap();
        assert!(store.get(&key(2)).is_none());
        let mut flipped = whole.clone();
        *flipped.last_mut().unwrap() ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(store.get(&key(2)).is_none());
        std::fs::write(&path, b"\x00\xffgarbage").unwrap();
        assert!(store.get(&key(2)).is_none());
        std::fs::write(&path, b"").unwrap();
        assert!(store.get(&key(2)).is_none());
    }

    #[test]
    fn pruning_removes_the_least_recently_used_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), true);
        let old = SystemTime::now() - Duration::from_secs(1000);
        for n in 0..4u8 {
            store.put(&key(n), &[&[n; 1000]]);
            let file = std::fs::File::options()
                .append(true)
                .open(store.path(&key(n)))
                .unwrap();
            file.set_modified(old + Duration::from_secs(u64::from(n)))
                .unwrap();
        }
        // Entry 0 is the oldest written, but was read last: it stays.
        assert!(store.get(&key(0)).is_some());
        store.prune(3200);
        let kept: Vec<bool> = (0..4).map(|n| store.path(&key(n)).exists()).collect();
        assert_eq!(kept, [true, false, false, true]);
    }
}
