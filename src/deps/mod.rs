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

use std::fmt;
use std::path::PathBuf;

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
            "run \"buf build\" in the workspace to download them into the cache without changing buf.lock, or pass local copies with -I DIR"
        )
    }
}

impl std::error::Error for Missing {}
