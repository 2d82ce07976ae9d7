//! Writing a downloaded module into buf's module cache, as buf 1.75.0 writes it, so that buf
//! reads what sous wrote and the other way round: the files under `files/`, a v1 module's own
//! `buf.yaml` and `buf.lock` under `v1_buf_yaml/` and `v1_buf_lock/`, and `module.yaml` (its
//! transitive dependencies) last, all under the module's file lock in `v3/modulelocks/`, taken
//! exclusive to write (buf's readers take it shared).
//!
//! Beyond buf, the entry is written into a temporary directory beside it, its digest verified,
//! and only then renamed into place: a failed, cut-off or wrong download never leaves a partial
//! entry, and a digest that does not match is an error naming the dependency.

use std::fs::File;
use std::path::{Path, PathBuf};

use fs4::FileExt;

use super::cache::{self, Cache, ReadError, MODULE_YAML};
use super::digest::V1Files;
use super::lock::LockedDep;
use crate::error::{Error, Result};

const FILES_DIR: &str = "files";
const V1_BUF_YAML: &str = "v1_buf_yaml/buf.yaml";
const V1_BUF_LOCK: &str = "v1_buf_lock/buf.lock";

/// A module as the registry sent it.
#[derive(Debug, Clone, Default)]
pub struct Downloaded {
    /// Paths relative to the module root, with `/`.
    pub files: Vec<(String, Vec<u8>)>,
    /// Its transitive dependencies (module.yaml's `deps`).
    pub deps: Vec<LockedDep>,
    /// A v1 module's own `buf.yaml` and `buf.lock` (b4 digests hash them).
    pub v1_buf_yaml: Option<Vec<u8>>,
    pub v1_buf_lock: Option<Vec<u8>>,
}

/// What [`put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Written,
    /// A complete entry was already there (another process wrote it meanwhile): left as it is.
    AlreadyThere,
}

/// The module lock of an entry, held until dropped (closing the file releases it).
struct Locked {
    _file: File,
}

fn lock(path: &Path, exclusive: bool) -> Result<Locked> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let taken = if exclusive {
        FileExt::lock(&file)
    } else {
        FileExt::lock_shared(&file)
    };
    taken.map_err(|e| Error::io(path, e))?;
    Ok(Locked { _file: file })
}

/// Reads the entry of `dep` under its module lock taken shared, as buf's readers do, so that a
/// writer (buf or another sous) replacing an incomplete entry is never read half-way. A cache
/// where the lock file cannot be made (a read-only copy of the cache) is read without it: no
/// writer can be at work there.
pub fn read_locked(
    cache: &Cache,
    dep: &LockedDep,
) -> std::result::Result<Option<cache::CachedModule>, ReadError> {
    let _shared = lock(&cache.module_lock_path(dep), false).ok();
    cache.read(dep)
}

/// Whether `dir` holds a complete entry: a `module.yaml` buf would accept (`version: v1` and a
/// `files_dir`), as buf decides before writing.
fn complete(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join(MODULE_YAML)) else {
        return false;
    };
    serde_saphyr::from_str::<cache::ModuleYaml>(&text)
        .is_ok_and(|y| y.version == "v1" && !y.files_dir.is_empty())
}

/// Writes `module` into the cache as the entry of `dep`, verifying its digest first.
pub fn put(cache: &Cache, dep: &LockedDep, module: &Downloaded) -> Result<Put> {
    let dir = cache.module_dir(dep);
    let lock_path = cache.module_lock_path(dep);
    // buf's order: look under a shared lock, then take it exclusive and look again, since the
    // lock cannot be upgraded in place.
    {
        let _shared = lock(&lock_path, false)?;
        if complete(&dir) {
            return Ok(Put::AlreadyThere);
        }
    }
    let _exclusive = lock(&lock_path, true)?;
    if complete(&dir) {
        return Ok(Put::AlreadyThere);
    }
    let parent = dir
        .parent()
        .ok_or_else(|| Error::Input(format!("bad cache path {}", dir.display())))?;
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    // Leftovers of runs that died mid-write: nobody else writes this entry while the exclusive
    // lock is held.
    let prefix = format!(".{}.sous-tmp", dep.commit);
    if let Ok(entries) = std::fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let tmp = parent.join(format!("{prefix}-{}", std::process::id()));
    let written = write_entry(&tmp, dep, module).and_then(|()| {
        // An incomplete entry (no module.yaml: a write that died, buf's or ours) is replaced,
        // as buf overwrites it.
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::rename(&tmp, &dir).map_err(|e| Error::io(&dir, e))
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written.map(|()| Put::Written)
}

/// Writes the entry into `tmp` (module.yaml last) and verifies its digest there.
fn write_entry(tmp: &Path, dep: &LockedDep, module: &Downloaded) -> Result<()> {
    std::fs::create_dir_all(tmp.join(FILES_DIR)).map_err(|e| Error::io(tmp, e))?;
    for (path, content) in &module.files {
        let rel = safe_path(path).ok_or_else(|| {
            Error::Input(format!(
                "the registry sent dependency {dep} with a file path sous will not write: {path:?}"
            ))
        })?;
        write_file(&tmp.join(FILES_DIR).join(rel), content)?;
    }
    if let Some(bytes) = &module.v1_buf_yaml {
        write_file(&tmp.join(V1_BUF_YAML), bytes)?;
    }
    if let Some(bytes) = &module.v1_buf_lock {
        write_file(&tmp.join(V1_BUF_LOCK), bytes)?;
    }
    let yaml_path = module.v1_buf_yaml.as_ref().map(|_| tmp.join(V1_BUF_YAML));
    let lock_path = module.v1_buf_lock.as_ref().map(|_| tmp.join(V1_BUF_LOCK));
    cache::verify(
        dep,
        &tmp.join(FILES_DIR),
        V1Files {
            buf_yaml: yaml_path.as_deref(),
            buf_lock: lock_path.as_deref(),
        },
        &module.deps,
    )
    .map_err(|e| match e {
        ReadError::Mismatch(m) => Error::Input(format!(
            "digest verification failed for dependency {}: the registry sent content with digest {}, but buf.lock pins {}; nothing was written to the cache. Run `buf dep update` if the lock is stale, or check which registry SOUS_REGISTRY_URL points at",
            m.dep, m.actual, m.expected
        )),
        ReadError::Broken(e) => e,
    })?;
    write_file(&tmp.join(MODULE_YAML), module_yaml(module).as_bytes())
}

fn write_file(path: &Path, content: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, content).map_err(|e| Error::io(path, e))
}

/// A registry path made safe to join: relative, `/`-separated, no `.`, `..` or empty parts.
fn safe_path(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let mut out = PathBuf::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains(':') {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

/// module.yaml as buf marshals it: `version`, `files_dir`, the dependencies sorted by name,
/// then where a v1 module's `buf.yaml` and `buf.lock` are. Every value is a name, a hex string
/// or a fixed path, so none needs quoting.
fn module_yaml(module: &Downloaded) -> String {
    let mut out = format!("version: v1\nfiles_dir: {FILES_DIR}\n");
    let mut deps: Vec<&LockedDep> = module.deps.iter().collect();
    deps.sort_by_key(|d| d.full_name());
    if !deps.is_empty() {
        out.push_str("deps:\n");
        for d in deps {
            out.push_str(&format!(
                "  - name: {}\n    commit: {}\n    digest: {}\n",
                d.full_name(),
                d.commit,
                d.digest
            ));
        }
    }
    if module.v1_buf_yaml.is_some() {
        out.push_str(&format!("v1_buf_yaml_file: {V1_BUF_YAML}\n"));
    }
    if module.v1_buf_lock.is_some() {
        out.push_str(&format!("v1_buf_lock_file: {V1_BUF_LOCK}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::digest::{b5, manifest, shake256_hex};
    use crate::deps::lock::{Digest, DigestKind};

    const PROTO: &[u8] = b"syntax = \"proto3\";\npackage units.v1;\nmessage Meter {}\n";

    fn module() -> (LockedDep, Downloaded) {
        let files = vec![("units/v1/meter.proto".to_string(), PROTO.to_vec())];
        let m = manifest(&[("units/v1/meter.proto".into(), shake256_hex(PROTO))]);
        let dep = LockedDep {
            registry: "buf.build".into(),
            owner: "acme".into(),
            module: "units".into(),
            commit: "0123456789abcdef0123456789abcdef".into(),
            digest: b5(&m, &[]),
        };
        let module = Downloaded {
            files,
            ..Downloaded::default()
        };
        (dep, module)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_an_entry_that_reads_back_verified() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path());
        let (dep, module) = module();
        assert_eq!(put(&cache, &dep, &module).unwrap(), Put::Written);
        let read = cache.read(&dep).unwrap().unwrap();
        assert!(read.files_dir.join("units/v1/meter.proto").is_file());
        assert!(cache.module_lock_path(&dep).is_file());
        assert_eq!(
            std::fs::read_to_string(cache.module_dir(&dep).join(MODULE_YAML)).unwrap(),
            "version: v1\nfiles_dir: files\n"
        );
        assert_eq!(put(&cache, &dep, &module).unwrap(), Put::AlreadyThere);
        let parent = cache.module_dir(&dep).parent().unwrap().to_path_buf();
        assert_eq!(names(&parent), vec![dep.commit.clone()]);
    }

    #[test]
    fn a_read_waits_for_a_writer_and_a_read_only_cache_is_still_read() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path());
        let (dep, module) = module();
        put(&cache, &dep, &module).unwrap();
        // A writer holds the entry's lock exclusive: the read waits for it.
        let writer = lock(&cache.module_lock_path(&dep), true).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = {
            let (cache, dep) = (cache.clone(), dep.clone());
            std::thread::spawn(move || tx.send(read_locked(&cache, &dep).is_ok()).unwrap())
        };
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
        drop(writer);
        assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
        reader.join().unwrap();
        // Where no lock file can be made, the entry is read all the same.
        std::fs::remove_dir_all(tmp.path().join("v3/modulelocks")).unwrap();
        std::fs::write(tmp.path().join("v3/modulelocks"), "not a directory").unwrap();
        assert!(read_locked(&cache, &dep).unwrap().is_some());
    }

    #[test]
    fn a_wrong_digest_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path());
        let (mut dep, module) = module();
        dep.digest = Digest {
            kind: DigestKind::B5,
            hex: "0".repeat(128),
        };
        let e = put(&cache, &dep, &module).unwrap_err().to_string();
        assert!(
            e.contains("digest verification failed for dependency buf.build/acme/units"),
            "{e}"
        );
        let parent = cache.module_dir(&dep).parent().unwrap().to_path_buf();
        assert!(names(&parent).is_empty(), "{:?}", names(&parent));
    }

    #[test]
    fn an_incomplete_entry_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path());
        let (dep, module) = module();
        let dir = cache.module_dir(&dep);
        std::fs::create_dir_all(dir.join("files/stale")).unwrap();
        std::fs::write(dir.join("files/stale/x.proto"), "junk").unwrap();
        assert_eq!(put(&cache, &dep, &module).unwrap(), Put::Written);
        assert!(!dir.join("files/stale").exists());
        assert!(cache.read(&dep).unwrap().is_some());
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for bad in [
            "",
            "/etc/x.proto",
            "../x.proto",
            "a//b.proto",
            "a/./b.proto",
            "a\\b.proto",
        ] {
            assert!(safe_path(bad).is_none(), "{bad}");
        }
        assert_eq!(safe_path("a/b.proto"), Some(PathBuf::from("a/b.proto")));
    }
}
