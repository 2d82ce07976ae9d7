//! The revision breaking diagnostics compare with: the client's `against` initialization option,
//! else the merge base of HEAD with the repository's default branch (what a pull request will
//! be compared with), read from git as `--against` reads it. Resolved to a commit id, so what was
//! compiled for it can be kept: a commit never changes.

use std::path::Path;

use git2::{BranchType, Repository};
use lsp_types::{DiagnosticRelatedInformation, Location};

use super::check::Compared;
use super::convert::{path_to_uri, place_range};
use crate::finding::Finding;

/// The commit id to compare `dir` with, or `None` when `dir` is in no git repository, or none
/// can be found (no commit yet, no default branch): then there are no breaking diagnostics.
pub fn revision(dir: &Path, against: Option<&str>) -> Option<String> {
    let repo = Repository::discover(dir).ok()?;
    if let Some(rev) = against {
        let commit = repo.revparse_single(rev).ok()?.peel_to_commit().ok()?;
        return Some(commit.id().to_string());
    }
    let head = repo.head().ok()?.peel_to_commit().ok()?.id();
    let default = default_branch(&repo)?;
    let base = repo.merge_base(head, default).ok()?;
    Some(base.to_string())
}

/// The default branch's commit: what `origin/HEAD` points to, else `origin/main`,
/// `origin/master`, `main`, `master`, in that order.
fn default_branch(repo: &Repository) -> Option<git2::Oid> {
    if let Ok(reference) = repo.find_reference("refs/remotes/origin/HEAD") {
        if let Ok(commit) = reference.resolve().and_then(|r| r.peel_to_commit()) {
            return Some(commit.id());
        }
    }
    for (name, kind) in [
        ("origin/main", BranchType::Remote),
        ("origin/master", BranchType::Remote),
        ("main", BranchType::Local),
        ("master", BranchType::Local),
    ] {
        if let Ok(branch) = repo.find_branch(name, kind) {
            if let Ok(commit) = branch.get().peel_to_commit() {
                return Some(commit.id());
            }
        }
    }
    None
}

/// For a breaking finding, where the element was at the base revision: a read-only copy of the
/// file as it was there (written once per commit to the temporary directory), at the element.
pub fn where_it_was(
    compared: &Compared,
    f: &Finding,
    rev: &str,
) -> Option<Vec<DiagnosticRelatedInformation>> {
    let place = f.old.as_ref()?;
    let source = compared
        .old
        .schema
        .sources
        .values()
        .find(|s| s.file.display == place.path)?;
    let short = &rev[..rev.len().min(12)];
    let dir = std::env::temp_dir().join(format!("sous-{}-base", env!("CARGO_PKG_VERSION")));
    let path = dir.join(short).join(&source.file.workspace_path);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(source.text.as_str()) {
        std::fs::create_dir_all(path.parent()?).ok()?;
        let _ = std::fs::remove_file(&path);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, source.text.as_bytes()).ok()?;
        let mut permissions = std::fs::metadata(&tmp).ok()?.permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&tmp, permissions).ok()?;
        std::fs::rename(&tmp, &path).ok()?;
    }
    Some(vec![DiagnosticRelatedInformation {
        location: Location {
            uri: path_to_uri(&path)?,
            range: place_range(&source.text, &source.lines, place),
        },
        message: format!("here at {short} ({})", source.file.workspace_path),
    }])
}
