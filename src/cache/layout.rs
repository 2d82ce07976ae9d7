//! How an entry is laid out on disk, so that a lint run after an edit writes little.
//!
//! The records of a lint run's compiled files, with their skeletons, are most of an entry (tens
//! of megabytes on googleapis), and an edit changes few of them. They go into a *base*: an entry
//! named by the hash of its own content, which no run changes. The entry under the run's key
//! holds the rest (what the run read, the findings of no file, the sources the report quotes),
//! the name of its base, and the records that changed since the base, by index. A run after an
//! edit writes only that; once the records changed since the base pass an eighth of them (and a
//! few), it writes a new base. An entry with no records (breaking, lint module by module) has no base.
//!
//! A payload: the base's content hash (zeros for none), the length of the body, the body
//! (postcard), then the skeletons of the records it holds, length-delimited. A base's body is
//! its records. Anything that does not fit (a base missing or damaged, an index out of range)
//! is a miss.

use serde::{Deserialize, Serialize};

use super::entry::{Entry, FileRecord, Inputs, StoredFinding, StoredSource};
use super::Store;

const NO_BASE: [u8; 32] = [0; 32];

/// Where an entry's records come from: its base, and the records it replaces there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    /// The base's key: the hash of its content.
    pub key: String,
    /// The indices of the records changed since the base, in order.
    pub replaced: Vec<u32>,
}

#[derive(Serialize)]
struct Out<'a> {
    inputs: &'a Inputs,
    stderr: &'a [String],
    findings: &'a [StoredFinding],
    sources: &'a [StoredSource],
    replaced: &'a [u32],
    files: Vec<&'a FileRecord>,
}

/// What [`Out`] wrote, read back.
#[derive(Deserialize)]
struct In {
    inputs: Inputs,
    stderr: Vec<String>,
    findings: Vec<StoredFinding>,
    sources: Vec<StoredSource>,
    replaced: Vec<u32>,
    files: Vec<FileRecord>,
}

/// The key of the base `payload` names, if it names one.
pub fn base_key(payload: &[u8]) -> Option<String> {
    let hash: [u8; 32] = payload.get(..32)?.try_into().ok()?;
    (hash != NO_BASE).then(|| blake3::Hash::from_bytes(hash).to_hex().to_string())
}

/// The entry of `payload` with every record (those of `base`, the payload of the entry
/// [`base_key`] names, replaced by its own), and each record's skeleton.
pub fn decode<'p>(payload: &'p [u8], base: Option<&'p [u8]>) -> Option<(Entry, Vec<&'p [u8]>)> {
    let (body, own) = split(payload)?;
    let stored: In = postcard::from_bytes(body).ok()?;
    if own.len() != stored.files.len() || stored.replaced.len() != stored.files.len() {
        return None;
    }
    let key = base_key(payload);
    let (files, skeletons) = match (&key, base) {
        (None, _) if stored.replaced.is_empty() => (stored.files, own),
        (Some(_), Some(base)) => {
            let (body, theirs) = split(base)?;
            let mut files: Vec<FileRecord> = postcard::from_bytes(body).ok()?;
            let mut skeletons = theirs;
            if skeletons.len() != files.len() {
                return None;
            }
            for ((&i, file), skeleton) in stored.replaced.iter().zip(stored.files).zip(own) {
                let i = usize::try_from(i).ok()?;
                *files.get_mut(i)? = file;
                skeletons[i] = skeleton;
            }
            (files, skeletons)
        }
        _ => return None,
    };
    let entry = Entry {
        inputs: stored.inputs,
        stderr: stored.stderr,
        findings: stored.findings,
        sources: stored.sources,
        files,
        base: key.map(|key| Base {
            key,
            replaced: stored.replaced,
        }),
    };
    Some((entry, skeletons))
}

/// The body and the skeletons that follow it, of a payload.
fn split(payload: &[u8]) -> Option<(&[u8], Vec<&[u8]>)> {
    let len = u64::from_le_bytes(payload.get(32..40)?.try_into().ok()?);
    let end = 40usize.checked_add(usize::try_from(len).ok()?)?;
    let body = payload.get(40..end)?;
    let mut rest = &payload[end..];
    let mut skeletons = Vec::new();
    while !rest.is_empty() {
        let n = usize::try_from(prost::encoding::decode_varint(&mut rest).ok()?).ok()?;
        skeletons.push(rest.get(..n)?);
        rest = &rest[n..];
    }
    Some((body, skeletons))
}

/// The parts of a payload ([`Store::try_put`]).
fn parts<'s>(
    base: [u8; 32],
    body: Vec<u8>,
    skeletons: impl Iterator<Item = &'s [u8]>,
) -> [Vec<u8>; 3] {
    let mut head = base.to_vec();
    head.extend_from_slice(&(body.len() as u64).to_le_bytes());
    let mut after = Vec::new();
    for s in skeletons {
        prost::encoding::encode_varint(s.len() as u64, &mut after);
        after.extend_from_slice(s);
    }
    [head, body, after]
}

/// Whether an entry of `n` records, `replaced` of them changed since its base, is stored with
/// that base; else with a new one.
pub fn keeps_base(replaced: usize, n: usize) -> bool {
    replaced <= n / 8 + 4
}

/// Stores `entry` under `key`: with its base's name and the records changed since, or, when
/// it has no base or they are many, with a new base of every record.
pub fn write(
    store: &Store,
    key: &str,
    entry: &Entry,
    skeletons: &[Vec<u8>],
) -> crate::error::Result<()> {
    let n = entry.files.len();
    let kept = (entry.base.as_ref())
        .filter(|b| keeps_base(b.replaced.len(), n))
        .and_then(|b| {
            Some((
                *blake3::Hash::from_hex(&b.key).ok()?.as_bytes(),
                b.replaced.clone(),
            ))
        });
    let (base, replaced) = match kept {
        Some(kept) => kept,
        None if n == 0 => (NO_BASE, Vec::new()),
        None => {
            let Ok(body) = postcard::to_allocvec(&entry.files.iter().collect::<Vec<_>>()) else {
                return Ok(());
            };
            let parts = parts(NO_BASE, body, skeletons.iter().map(Vec::as_slice));
            let base = store.try_put_content(&parts.each_ref().map(Vec::as_slice))?;
            (base, Vec::new())
        }
    };
    let index = |&i: &u32| usize::try_from(i).ok();
    let out = Out {
        inputs: &entry.inputs,
        stderr: &entry.stderr,
        findings: &entry.findings,
        sources: &entry.sources,
        replaced: &replaced,
        files: replaced
            .iter()
            .filter_map(|i| entry.files.get(index(i)?))
            .collect(),
    };
    let own = replaced.iter().filter_map(|i| skeletons.get(index(i)?));
    if out.files.len() != replaced.len() || own.clone().count() != replaced.len() {
        return Ok(());
    }
    let Ok(body) = postcard::to_allocvec(&out) else {
        return Ok(());
    };
    let parts = parts(base, body, own.map(Vec::as_slice));
    store.try_put(key, &parts.each_ref().map(Vec::as_slice))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Finding;

    fn record(name: &str, finding: &str) -> FileRecord {
        let found = Finding::file_level(name, "RULE", finding.to_string());
        FileRecord {
            name: name.into(),
            disk: Some(name.into()),
            target: true,
            imports: Vec::new(),
            declarations: String::new(),
            shown: None,
            findings: vec![StoredFinding::new(&found)],
        }
    }

    fn entry(files: Vec<FileRecord>, base: Option<Base>) -> Entry {
        Entry {
            inputs: Inputs::default(),
            stderr: vec!["WARN\tsomething".into()],
            findings: Vec::new(),
            sources: Vec::new(),
            files,
            base,
        }
    }

    fn messages(e: &Entry) -> Vec<String> {
        (e.files.iter())
            .flat_map(|r| r.findings.iter().cloned())
            .filter_map(|f| f.finding())
            .map(|f| f.message)
            .collect()
    }

    fn skeletons(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| vec![i as u8; i + 1]).collect()
    }

    #[test]
    fn an_entry_after_an_edit_writes_only_what_changed_and_reads_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), true);
        let files: Vec<FileRecord> = (0..16).map(|i| record(&format!("f{i}"), "old")).collect();
        let first = entry(files, None);
        write(&store, "aa01", &first, &skeletons(16)).unwrap();
        let payload = store.get("aa01").unwrap();
        let key = base_key(&payload).expect("a lint entry names its base");
        let base = store.get_content(&key).unwrap();
        let (mut again, read) = decode(&payload, Some(&base)).unwrap();
        assert_eq!(messages(&again), vec!["old"; 16]);
        assert_eq!(read, skeletons(16));
        assert_eq!(again.stderr, first.stderr);
        // One file changed: the entry names the same base and holds that record alone.
        again.files[3] = record("f3", "new");
        again.base.as_mut().unwrap().replaced = vec![3];
        let mut changed = skeletons(16);
        changed[3] = vec![9; 40];
        write(&store, "aa01", &again, &changed).unwrap();
        let payload = store.get("aa01").unwrap();
        assert_eq!(base_key(&payload).as_deref(), Some(key.as_str()));
        assert!(payload.len() < base.len());
        let (read, skels) = decode(&payload, Some(&base)).unwrap();
        assert_eq!(messages(&read)[3], "new");
        assert_eq!(messages(&read).iter().filter(|m| *m == "old").count(), 15);
        assert_eq!(skels, changed);
        // Many changed: a new base.
        let mut many = read;
        many.base.as_mut().unwrap().replaced = (0..8).collect();
        write(&store, "aa01", &many, &changed).unwrap();
        let payload = store.get("aa01").unwrap();
        assert_ne!(base_key(&payload), Some(key));
    }

    #[test]
    fn a_missing_or_damaged_base_or_a_bad_index_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), true);
        let files: Vec<FileRecord> = (0..4).map(|i| record(&format!("f{i}"), "m")).collect();
        write(&store, "bb01", &entry(files, None), &skeletons(4)).unwrap();
        let payload = store.get("bb01").unwrap();
        let key = base_key(&payload).unwrap();
        let base = store.get_content(&key).unwrap();
        assert!(decode(&payload, None).is_none());
        // Any base cut short or with a byte changed, or an entry cut short: none, never a panic.
        for cut in [0, 1, 33, 41, base.len() / 2, base.len() - 1] {
            assert!(
                decode(&payload, Some(&base[..cut])).is_none(),
                "cut at {cut}"
            );
        }
        for at in 0..base.len() {
            let mut flipped = base.to_vec();
            flipped[at] ^= 0x55;
            let _ = decode(&payload, Some(&flipped));
        }
        for cut in 0..payload.len() {
            let _ = decode(&payload[..cut], Some(&base));
        }
        // A record index past the base's records.
        let (mut read, _) = decode(&payload, Some(&base)).unwrap();
        read.base.as_mut().unwrap().replaced = vec![3];
        write(&store, "bb02", &read, &skeletons(4)).unwrap();
        let good = store.get("bb02").unwrap();
        assert!(decode(&good, Some(&base)).is_some());
        let one = postcard::to_allocvec(&vec![record("f0", "x")]).unwrap();
        let small = parts(NO_BASE, one, skeletons(1).iter().map(Vec::as_slice)).concat();
        assert!(decode(&good, Some(&small)).is_none());
        // A base file whose content is not its name is not served.
        let path = dir
            .path()
            .join("v1")
            .join(&key[..2])
            .join(format!("{key}.entry"));
        let other_entry = store.get("bb02").unwrap();
        store.put(&key, &[&other_entry]);
        assert!(store.get_content(&key).is_none());
        std::fs::remove_file(path).unwrap();
        assert!(store.get_content(&key).is_none());
    }
}
