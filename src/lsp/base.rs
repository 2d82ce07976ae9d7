//! The revision breaking diagnostics compare with: the client's `against` initialization option,
//! else the merge base of HEAD with the repository's default branch (what a pull request will
//! be compared with), read from git as `--against` reads it. Resolved to a commit id, so what was
//! compiled for it can be kept: a commit never changes.

use std::path::Path;

use git2::{BranchType, Repository};

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
