//! Remote dependencies (`deps:` in `buf.yaml`) resolved as buf resolves them: pinned by
//! `buf.lock`, read from buf's module cache with their digests verified, and handed to the
//! compiler as include directories (imports only: never linted, never reported).

pub mod auth;
pub mod cache;
pub mod digest;
pub mod fetch;
pub mod lock;
pub mod registry;
pub mod store;
mod wire;

pub use cache::{Cache, CachedModule, ReadError};
pub use lock::{Digest, DigestKind, Lock, LockVersion, LockedDep};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::{Version, Workspace, BUF_YAML};
use crate::error::{Error, Result};
use crate::paths::join_rel;

/// Dependencies pinned by `buf.lock` that buf's cache does not hold (a cache miss): what
/// `--offline` reports, and what a download must fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The cache that was searched.
    pub cache: PathBuf,
    /// Every missing dependency, sorted, each once.
    pub deps: Vec<LockedDep>,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.deps.len();
        writeln!(
            f,
            "{n} {} pinned by buf.lock {} not in buf's module cache ({}):",
            if n == 1 { "dependency" } else { "dependencies" },
            if n == 1 { "is" } else { "are" },
            self.cache.display()
        )?;
        for dep in &self.deps {
            writeln!(
                f,
                "  {} (commit {}, digest {})",
                dep.full_name(),
                dep.commit,
                dep.digest
            )?;
        }
        write!(
            f,
            "run \"buf build\" in the workspace: it downloads them into the cache without changing buf.lock"
        )
    }
}

impl std::error::Error for Missing {}

/// Why the dependencies could not be resolved: a cache miss (which a download can fill) or
/// anything else (a bad lock, a digest mismatch), which ends the run.
#[derive(Debug)]
pub enum ResolveError {
    Missing(Missing),
    Other(Error),
}

impl From<Error> for ResolveError {
    fn from(e: Error) -> ResolveError {
        ResolveError::Other(e)
    }
}

impl From<ResolveError> for Error {
    fn from(e: ResolveError) -> Error {
        match e {
            ResolveError::Missing(m) => Error::Input(m.to_string()),
            ResolveError::Other(e) => e,
        }
    }
}

/// Reads a file of the workspace by its path (`root.join(...)`): from disk, or from a git tree.
pub type ReadText<'a> = &'a dyn Fn(&Path) -> Result<Option<String>>;

/// The include directories of the workspace's locked dependencies, from buf's cache (found from
/// the environment, see [`Cache::from_env`]), digests verified. Empty when nothing is locked.
pub fn resolve(workspace: &Workspace, read: ReadText<'_>) -> Result<Vec<PathBuf>> {
    let locked = locked(workspace, read)?;
    if locked.is_empty() {
        return Ok(Vec::new());
    }
    let cache = Cache::from_env()?;
    let modules = match read_cached(&locked, &cache) {
        Err(ResolveError::Missing(missing)) => fetch::fill(&cache, &locked, missing)?,
        other => other?,
    };
    Ok(modules.into_iter().map(|m| m.files_dir).collect())
}

/// Every dependency the workspace's `buf.lock` files pin, minus those that are modules of the
/// workspace itself (local modules win), each once, in lock order. Checks that every `deps:`
/// entry is in the lock, and that a lock's version suits its `buf.yaml`.
pub fn locked(workspace: &Workspace, read: ReadText<'_>) -> Result<Vec<LockedDep>> {
    let local: BTreeSet<&str> = workspace
        .modules
        .iter()
        .filter_map(|m| m.name.as_deref())
        .collect();
    let mut out: Vec<LockedDep> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut dirs_read = BTreeSet::new();
    for module in &workspace.modules {
        if !dirs_read.insert(module.config_dir.clone()) {
            continue;
        }
        let lock_path = workspace
            .root
            .join(join_rel(&module.config_dir, lock::BUF_LOCK));
        let Some(text) = read(&lock_path)? else {
            // buf parity: without a buf.lock, deps are not resolved at all; their imports are
            // then missing, which the compiler reports.
            continue;
        };
        let lock = lock::parse(&lock_path, &text)?;
        // The configuration version of the buf.yaml beside the lock.
        let version = workspace
            .modules
            .iter()
            .filter(|m| m.config_dir == module.config_dir)
            .map(|m| m.lint.version)
            .next()
            .unwrap_or(workspace.version);
        // buf parity: a v2 lock goes with a v2 buf.yaml only, and the other way round.
        if (lock.version == LockVersion::V2) != (version == Version::V2) {
            return Err(Error::config(
                &lock_path,
                format!(
                    "a {} buf.lock cannot go with a {} {BUF_YAML}: run \"buf dep update\" to rewrite buf.lock",
                    match lock.version {
                        LockVersion::V2 => "v2",
                        LockVersion::V1 => "v1",
                        LockVersion::V1Beta1 => "v1beta1",
                    },
                    version.as_str()
                ),
            ));
        }
        let pinned: BTreeSet<String> = lock.deps.iter().map(LockedDep::full_name).collect();
        let declared = workspace
            .modules
            .iter()
            .filter(|m| m.config_dir == module.config_dir)
            .flat_map(|m| m.deps.iter());
        for dep in declared {
            let name = dep_name(dep);
            if !pinned.contains(name) && !local.contains(name) {
                return Err(Error::config(
                    &lock_path,
                    format!("{name:?} is declared in {BUF_YAML} deps but is not pinned in buf.lock: run \"buf dep update\" to update buf.lock"),
                ));
            }
        }
        for dep in lock.deps {
            let name = dep.full_name();
            if local.contains(name.as_str()) || seen.contains_key(&name) {
                continue;
            }
            seen.insert(name, out.len());
            out.push(dep);
        }
    }
    Ok(out)
}

/// The `deps:` entries (without their `:reference`) of the workspace's modules that no `buf.lock`
/// pins because there is none beside their `buf.yaml` (buf then compiles without them), and that
/// are not modules of the workspace: a missing import names them.
pub fn unpinned(workspace: &Workspace, read: ReadText<'_>) -> Result<Vec<String>> {
    let local: BTreeSet<&str> = workspace
        .modules
        .iter()
        .filter_map(|m| m.name.as_deref())
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut has_lock: BTreeMap<&str, bool> = BTreeMap::new();
    for module in &workspace.modules {
        let locked = match has_lock.get(module.config_dir.as_str()) {
            Some(&known) => known,
            None => {
                let path = workspace
                    .root
                    .join(join_rel(&module.config_dir, lock::BUF_LOCK));
                let known = read(&path)?.is_some();
                has_lock.insert(&module.config_dir, known);
                known
            }
        };
        if locked {
            continue;
        }
        for dep in &module.deps {
            let name = dep_name(dep);
            if !local.contains(name) && !out.iter().any(|d| d == name) {
                out.push(name.to_string());
            }
        }
    }
    Ok(out)
}

/// A `deps:` entry without its `:reference` (a label or commit buf resolves when it updates the
/// lock; the lock pins the commit).
fn dep_name(entry: &str) -> &str {
    entry
        .split_once(':')
        .map_or(entry, |(name, _)| name)
        .trim_end_matches('/')
}

/// Reads every locked dependency from `cache`, and the dependencies their `module.yaml` files
/// name that the lock does not, each verified. Every miss is collected into one
/// [`ResolveError::Missing`].
pub fn read_cached(locked: &[LockedDep], cache: &Cache) -> Result<Vec<CachedModule>, ResolveError> {
    let mut queue: Vec<LockedDep> = locked.to_vec();
    let mut names: BTreeSet<String> = queue.iter().map(LockedDep::full_name).collect();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    let mut next = 0;
    while next < queue.len() {
        let dep = queue[next].clone();
        next += 1;
        match store::read_locked(cache, &dep) {
            Ok(Some(module)) => {
                for transitive in &module.deps {
                    if names.insert(transitive.full_name()) {
                        queue.push(transitive.clone());
                    }
                }
                found.push(module);
            }
            Ok(None) => missing.push(dep),
            Err(e) => return Err(ResolveError::Other(e.into())),
        }
    }
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        return Err(ResolveError::Missing(Missing {
            cache: cache.root.clone(),
            deps: missing,
        }));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::dep_name;

    #[test]
    fn a_deps_entry_is_named_without_its_reference() {
        assert_eq!(dep_name("buf.build/acme/units"), "buf.build/acme/units");
        assert_eq!(
            dep_name("buf.build/googleapis/googleapis:62f35d8aed1149c291d606d958a7ce32"),
            "buf.build/googleapis/googleapis"
        );
        assert_eq!(
            dep_name("buf.build/acme/units:v1.2"),
            "buf.build/acme/units"
        );
    }
}
