//! buf's module cache on disk: where it is, where a module lives in it, and reading a module back
//! with its digest verified.
//!
//! The layout is buf's own, so a machine where buf has run needs nothing more, and what sous
//! writes buf reads: `<root>/v3/modules/<b5|shake256>/<registry>/<owner>/<module>/<commit>/`
//! holds the module's files under `files/` and a `module.yaml` (written last: an entry without it
//! is incomplete) naming its transitive dependencies and, for v1 modules, where its `buf.yaml`
//! and `buf.lock` are kept. The digest is checked on every read; a mismatch is an error, never a
//! silent re-download, as buf does.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::digest::{self, V1Files};
use super::lock::{self, Digest, DigestKind, LockedDep};
use crate::error::{Error, Result};

/// The file buf writes last into a module's cache directory.
pub const MODULE_YAML: &str = "module.yaml";

/// The root of buf's cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    pub root: PathBuf,
}

impl Cache {
    /// buf's cache root: `$BUF_CACHE_DIR`, else `$XDG_CACHE_HOME/buf`, else `~/.cache/buf`
    /// (`%LOCALAPPDATA%/buf` on Windows).
    pub fn from_env() -> Result<Cache> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("BUF_CACHE_DIR") {
            return Ok(Cache::at(dir));
        }
        if let Some(dir) = var("XDG_CACHE_HOME") {
            return Ok(Cache::at(PathBuf::from(dir).join("buf")));
        }
        if cfg!(windows) {
            if let Some(dir) = var("LOCALAPPDATA") {
                return Ok(Cache::at(PathBuf::from(dir).join("buf")));
            }
        }
        match var("HOME") {
            Some(home) => Ok(Cache::at(PathBuf::from(home).join(".cache").join("buf"))),
            None => Err(Error::Input(
                "cannot find buf's module cache: none of BUF_CACHE_DIR, XDG_CACHE_HOME or HOME is set"
                    .to_string(),
            )),
        }
    }

    pub fn at(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// The directory of a module at a commit: `v3/modules/<kind>/<registry>/<owner>/<module>/<commit>`.
    pub fn module_dir(&self, dep: &LockedDep) -> PathBuf {
        self.under("modules", dep).join(&dep.commit)
    }

    /// The lock file buf takes on a module entry (shared to read, exclusive to write):
    /// `v3/modulelocks/<kind>/<registry>/<owner>/<module>/<commit>.lock`.
    pub fn module_lock_path(&self, dep: &LockedDep) -> PathBuf {
        self.under("modulelocks", dep)
            .join(format!("{}.lock", dep.commit))
    }

    fn under(&self, what: &str, dep: &LockedDep) -> PathBuf {
        self.root
            .join("v3")
            .join(what)
            .join(dep.digest.kind.prefix())
            .join(&dep.registry)
            .join(&dep.owner)
            .join(&dep.module)
    }

    /// Reads a module's entry and verifies its digest. `Ok(None)` when the entry is absent or
    /// incomplete (no `module.yaml`): a cache miss.
    pub fn read(&self, dep: &LockedDep) -> Result<Option<CachedModule>, ReadError> {
        read_module(dep, &self.module_dir(dep))
    }
}

/// A module read from the cache, digest verified.
#[derive(Debug, Clone)]
pub struct CachedModule {
    pub dep: LockedDep,
    /// The directory holding the module's files: the include directory to compile against.
    pub files_dir: PathBuf,
    /// Its transitive dependencies, as its `module.yaml` lists them.
    pub deps: Vec<LockedDep>,
}

/// `module.yaml` of a cached module, fields in the order buf writes them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ModuleYaml {
    pub version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deps: Vec<lock::DepV2>,
    #[serde(default)]
    pub files_dir: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v1_buf_yaml_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v1_buf_lock_file: Option<String>,
}

/// Why a cached module could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The entry's files do not have the digest the lock pins.
    #[error("{0}")]
    Mismatch(Box<Mismatch>),
    /// The entry is there but cannot be read or makes no sense.
    #[error("{0}")]
    Broken(Error),
}

/// A digest that differs from the one the lock pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub dep: LockedDep,
    pub expected: Digest,
    pub actual: Digest,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Mismatch {
            dep,
            expected,
            actual,
        } = self;
        write!(
            f,
        "digest verification failed for dependency {dep}\n  expected digest (from buf.lock): {expected}\n  actual digest of the cached copy: {actual}\n  the cached copy or buf.lock was edited or corrupted; clear buf's cache with \"buf registry cc\" and fetch it again"
        )
    }
}

impl From<ReadError> for Error {
    fn from(e: ReadError) -> Error {
        match e {
            ReadError::Broken(e) => e,
            other => Error::Input(other.to_string()),
        }
    }
}

/// Reads and verifies the module entry at `dir` for `dep`; `Ok(None)` if it has no `module.yaml`.
pub fn read_module(dep: &LockedDep, dir: &Path) -> Result<Option<CachedModule>, ReadError> {
    let yaml_path = dir.join(MODULE_YAML);
    let text = match std::fs::read(&yaml_path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| ReadError::Broken(Error::config(&yaml_path, "not valid UTF-8")))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Broken(Error::io(&yaml_path, e))),
    };
    let yaml: ModuleYaml = serde_saphyr::from_str(&text)
        .map_err(|e| ReadError::Broken(Error::config(&yaml_path, e.to_string())))?;
    let broken = |m: String| ReadError::Broken(Error::config(&yaml_path, m));
    if yaml.version != "v1" {
        return Err(broken(format!(
            "unknown module.yaml version {:?} for dependency {dep} (expected v1)",
            yaml.version
        )));
    }
    if yaml.files_dir.is_empty() {
        return Err(broken(format!("no files_dir for dependency {dep}")));
    }
    let deps = yaml
        .deps
        .iter()
        .map(lock::from_v2)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(broken)?;
    // The paths module.yaml names stay inside the entry: an entry is read, never trusted.
    let inside = |rel: &str| -> Result<PathBuf, ReadError> {
        let path = Path::new(rel);
        if path.is_absolute()
            || path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(broken(format!(
                "path {rel:?} of dependency {dep} leaves its cache entry"
            )));
        }
        Ok(dir.join(path))
    };
    let files_dir = inside(&yaml.files_dir)?;
    let v1_buf_yaml = yaml.v1_buf_yaml_file.as_deref().map(inside).transpose()?;
    let v1_buf_lock = yaml.v1_buf_lock_file.as_deref().map(inside).transpose()?;
    let actual = verify(
        dep,
        &files_dir,
        V1Files {
            buf_yaml: v1_buf_yaml.as_deref(),
            buf_lock: v1_buf_lock.as_deref(),
        },
        &deps,
    )?;
    debug_assert_eq!(actual, dep.digest);
    Ok(Some(CachedModule {
        dep: dep.clone(),
        files_dir,
        deps,
    }))
}

/// Computes the digest of a module's files (of the kind the lock pins) and checks it against the
/// lock: the one check every read goes through.
pub fn verify(
    dep: &LockedDep,
    files_dir: &Path,
    v1: V1Files<'_>,
    deps: &[LockedDep],
) -> Result<Digest, ReadError> {
    if !files_dir.is_dir() {
        return Err(ReadError::Broken(Error::Input(format!(
            "the cached copy of dependency {dep} has no files directory {}",
            files_dir.display()
        ))));
    }
    let dep_digests: Vec<Digest> = deps.iter().map(|d| d.digest.clone()).collect();
    let actual = match dep.digest.kind {
        DigestKind::B5 => digest::of_dir(DigestKind::B5, files_dir, V1Files::default(), &dep_digests),
        DigestKind::B4 => {
            // buf parity: a v1 module in the cache must say where its buf.yaml is; b4 hashes it.
            if v1.buf_yaml.is_none() {
                return Err(ReadError::Broken(Error::Input(format!(
                    "the cached copy of dependency {dep} has no v1_buf_yaml_file in its module.yaml, which a shake256 digest needs"
                ))));
            }
            digest::of_dir(DigestKind::B4, files_dir, v1, &[])
        }
    }
    .map_err(ReadError::Broken)?;
    if actual != dep.digest {
        return Err(ReadError::Mismatch(Box::new(Mismatch {
            dep: dep.clone(),
            expected: dep.digest.clone(),
            actual,
        })));
    }
    Ok(actual)
}

/// The module name (`registry/owner/module`) of a cached module's files directory, which buf's
/// cache lays out as `.../v3/modules/<kind>/<registry>/<owner>/<module>/<commit>/<files_dir>`
/// (see [`Cache::module_dir`]).
pub fn module_of_files_dir(files_dir: &Path) -> Option<String> {
    let parts: Vec<&str> = files_dir
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    let at = parts.windows(2).rposition(|w| w == ["v3", "modules"])?;
    match parts.get(at + 3..at + 6)? {
        [registry, owner, module] => Some(format!("{registry}/{owner}/{module}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str, commit: &str, digest: &str) -> LockedDep {
        LockedDep {
            registry: "bufbuild.test".into(),
            owner: "bufbot".into(),
            module: name.into(),
            commit: commit.into(),
            digest: Digest::parse(digest).unwrap(),
        }
    }

    fn fixture(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/deps/buf")
            .join(rel)
    }

    const PEOPLE: &str = "b5:b22338d6faf2a727613841d760c9cbfd21af6950621a589df329e1fe6611125904c39e22a73e0aa8834006a514dbd084e6c33b6bef29c8e4835b4b9dec631465";
    const STUDENTS: &str = "b5:01764dd31d0e1b8355eb3b262bba4539657af44872df6e4dfec76f57fbd9f1ae645c7c9c607db5c8352fb7041ca97111e3b0f142dafc1028832acbbc14ba1d70";

    fn people() -> LockedDep {
        known("people", "fc7d540124fd42db92511c19a60a1d98", PEOPLE)
    }
    fn students() -> LockedDep {
        known("students", "6c776ed5bee54462b06d31fb7f7c16b8", STUDENTS)
    }

    #[test]
    fn layout_is_bufs() {
        let cache = Cache::at("/c");
        assert_eq!(
            cache.module_dir(&people()),
            Path::new(
                "/c/v3/modules/b5/bufbuild.test/bufbot/people/fc7d540124fd42db92511c19a60a1d98"
            )
        );
        assert_eq!(
            cache.module_lock_path(&people()),
            Path::new("/c/v3/modulelocks/b5/bufbuild.test/bufbot/people/fc7d540124fd42db92511c19a60a1d98.lock")
        );
    }

    #[test]
    fn bufs_cache_verifies() {
        let cache = Cache::at(fixture("cache"));
        let m = cache.read(&people()).unwrap().unwrap();
        assert!(m.deps.is_empty());
        let m = cache.read(&students()).unwrap().unwrap();
        assert_eq!(m.deps, vec![people()]);
    }

    #[test]
    fn corrupted_file_fails_with_bufs_actual_digest() {
        let cache = Cache::at(fixture("corrupted_cache_file"));
        match cache.read(&people()) {
            Err(ReadError::Mismatch(m)) => assert_eq!(
                m.actual.to_string(),
                "b5:87403abcc5ec8403180536840a46bef8751df78caa8ad4b46939f4673d8bd58663d0f593668651bb2cd23049fedac4989e8b28c7e0e36b9b524f58ab09bf1053"
            ),
            other => panic!("expected a mismatch, got {other:?}"),
        }
    }

    #[test]
    fn corrupted_dep_fails_with_bufs_actual_digest() {
        let cache = Cache::at(fixture("corrupted_cache_dep"));
        match cache.read(&students()) {
            Err(ReadError::Mismatch(m)) => {
                assert_eq!(m.dep, students());
                assert_eq!(
                    m.actual.to_string(),
                    "b5:975dad3641303843fb6a06eedf038b0e6ff41da82b8a483920afb36011e0b0a24f720a2407f5e0783389530486ff410b7e132f219add69a5c7324d54f6f89a6c"
                );
            }
            other => panic!("expected a mismatch, got {other:?}"),
        }
    }

    #[test]
    fn paths_leaving_the_entry_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("entry");
        std::fs::create_dir_all(&dir).unwrap();
        for bad in ["../files", "/etc", "files/../../x"] {
            std::fs::write(
                dir.join(MODULE_YAML),
                format!("version: v1\nfiles_dir: {bad}\n"),
            )
            .unwrap();
            match read_module(&people(), &dir) {
                Err(ReadError::Broken(e)) => {
                    assert!(e.to_string().contains("leaves its cache entry"), "{e}")
                }
                other => panic!("{bad}: expected a refusal, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_missing_entry_is_a_miss() {
        let cache = Cache::at(fixture("corrupted_cache_file"));
        assert!(cache.read(&students()).unwrap().is_none());
    }

    #[test]
    fn b4_of_bufs_v1_workspace_module() {
        // workspace_lock/a/buf.lock pins the local module b with its b4 digest.
        let dir = fixture("workspace_lock/b");
        let d = digest::of_dir(
            DigestKind::B4,
            &dir,
            V1Files {
                buf_yaml: Some(&dir.join("buf.yaml")),
                buf_lock: None,
            },
            &[],
        )
        .unwrap();
        assert_eq!(d.to_string(), "shake256:7f424416ce379930da892e3fe4903b1ef1bb174a805cea0b7e4bbf91ac222277a0ee2e83b0f7886ccd8e03cd619f96bea7fe350966bea25d848eb82298cba752");
        let lock = lock::read(&fixture("workspace_lock/a")).unwrap().unwrap();
        assert_eq!(lock.deps[0].digest, d);
    }

    #[test]
    fn b5_of_bufs_local_modules() {
        // success/<module> are the sources of the cached modules; their buf.lock files pin them.
        let school = lock::read(&fixture("success/school")).unwrap().unwrap();
        let students_dep = school.deps.iter().find(|d| d.module == "students").unwrap();
        let people_dep = school.deps.iter().find(|d| d.module == "people").unwrap();
        let people = digest::of_dir(
            DigestKind::B5,
            &fixture("success/people"),
            V1Files::default(),
            &[],
        )
        .unwrap();
        assert_eq!(people, people_dep.digest);
        let students = digest::of_dir(
            DigestKind::B5,
            &fixture("success/students"),
            V1Files::default(),
            std::slice::from_ref(&people),
        )
        .unwrap();
        assert_eq!(students, students_dep.digest);
    }

    #[test]
    fn the_name_comes_from_the_cache_layout() {
        assert_eq!(
            module_of_files_dir(Path::new(
                "/c/v3/modules/b5/buf.build/acme/units/0123456789abcdef0123456789abcdef/files"
            ))
            .as_deref(),
            Some("buf.build/acme/units")
        );
        assert_eq!(
            module_of_files_dir(Path::new(
                "/c/v3/modules/b5/r.example/o/m/0123/deeper/files"
            ))
            .as_deref(),
            Some("r.example/o/m")
        );
        assert_eq!(module_of_files_dir(Path::new("/vendor/units")), None);
    }
}
