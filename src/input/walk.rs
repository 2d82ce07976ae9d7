//! The walk of a module directory as buf 1.75.0 walks it, symbolic links included.
//!
//! buf follows symbolic links, to directories and to files, and remembers the resolved path of
//! every entry it visits (a plain entry's path is its parent's resolved path and its name; a
//! link's is its target with every link resolved). A link whose resolved path was visited before
//! is not walked; a plain entry always is. Entries come in byte order of their names, depth
//! first, and excluded directories are walked too (only their files are left out afterwards), so
//! they count as visited. So in istio/api, where `google -> common-protos/google` and
//! `common-protos` is excluded, `common-protos` comes first, and `google/` gives no file of the
//! module (its files are still found as imports). With `--path`, buf walks from each path with
//! nothing visited yet, so `--path google` there lints what the walk of the module skipped. A
//! dangling link is passed over in silence; a
//! link that cannot be resolved otherwise (a cycle of links) is an error, as it is for buf.
//! Measured with buf (`tests/cli/symlinks.rs` holds the cases).

use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::paths::{absolute, clean};

/// The `.proto` files under `start`, walked as buf walks (see the module docs), as paths under
/// `start` (the names the walk reached them by).
pub(super) fn walk(start: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::symlink_metadata(start).map_err(|e| Error::io(start, e))?;
    let mut walker = Walker {
        visited: HashSet::new(),
        files: Vec::new(),
    };
    let resolved = if meta.file_type().is_symlink() {
        std::fs::canonicalize(start).map_err(|e| Error::io(start, e))?
    } else {
        PathBuf::from(clean(&absolute(start)))
    };
    let is_dir = std::fs::metadata(&resolved)
        .map_err(|e| Error::io(start, e))?
        .is_dir();
    walker.visit(start.to_path_buf(), resolved, is_dir, false)?;
    Ok(walker.files)
}

struct Walker {
    visited: HashSet<PathBuf>,
    files: Vec<PathBuf>,
}

impl Walker {
    /// Visits the entry reached as `path`, read from `resolved`.
    fn visit(&mut self, path: PathBuf, resolved: PathBuf, is_dir: bool, link: bool) -> Result<()> {
        // buf parity: only a link is skipped for a resolved path seen before; a plain entry is
        // walked whatever was seen (a link visited first does not hide its target directory).
        if !self.visited.insert(resolved.clone()) && link {
            return Ok(());
        }
        if !is_dir {
            if path.extension().is_some_and(|x| x == "proto") {
                self.files.push(path);
            }
            return Ok(());
        }
        // Each entry's type as the directory gives it (no stat per file where the file system
        // records types; std asks for a stat where it does not).
        let mut names: Vec<(std::ffi::OsString, std::io::Result<std::fs::FileType>)> =
            std::fs::read_dir(&resolved)
                .map_err(|e| Error::io(&path, e))?
                .map(|entry| entry.map(|e| (e.file_name(), e.file_type())))
                .collect::<std::io::Result<_>>()
                .map_err(|e| Error::io(&path, e))?;
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, file_type) in names {
            let sub_path = path.join(&name);
            let mut sub_resolved = resolved.join(&name);
            let file_type = match file_type {
                Ok(file_type) => file_type,
                // Gone since the directory was read.
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(&sub_path, e)),
            };
            let is_link = file_type.is_symlink();
            let (is_dir, is_file) = if is_link {
                sub_resolved = match std::fs::canonicalize(&sub_resolved) {
                    Ok(target) => target,
                    // buf parity: a dangling link is passed over.
                    Err(e) if e.kind() == ErrorKind::NotFound => continue,
                    Err(e) => return Err(link_error(&sub_path, e)),
                };
                match std::fs::metadata(&sub_resolved) {
                    Ok(meta) => (meta.is_dir(), meta.is_file()),
                    Err(e) if e.kind() == ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::io(&sub_path, e)),
                }
            } else {
                (file_type.is_dir(), file_type.is_file())
            };
            // Sockets, pipes and devices are neither walked nor read.
            if !is_dir && !is_file {
                continue;
            }
            self.visit(sub_path, sub_resolved, is_dir, is_link)?;
        }
        Ok(())
    }
}

fn link_error(path: &Path, e: std::io::Error) -> Error {
    Error::Input(format!(
        "{}: cannot follow this symbolic link ({e}): fix the link, or remove it",
        path.display()
    ))
}
