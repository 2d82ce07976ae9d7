//! `recurse_submodules=true` on a git input: the files of the revision's submodules, read from
//! the submodules' own repositories in the clone (`git submodule update --init` put them there)
//! at the commits the revision records, into memory, under the submodules' paths. Nothing is
//! fetched: a submodule the clone lacks is an error that says how to get it.

use std::path::Path;
use std::sync::Arc;

use git2::{ObjectType, Repository, Tree};

use crate::error::{Error, Result};
use crate::input::tree::{kept, MemTree};

/// Every kept file inside the submodules of `tree` (a revision `label` of `repo`), nested
/// submodules too.
pub fn read(repo: &Repository, tree: &Tree, label: &str) -> Result<MemTree> {
    let mut out = MemTree {
        name: label.to_string(),
        ..MemTree::default()
    };
    walk(repo, tree, "", "", false, label, &mut out)?;
    Ok(out)
}

/// Walks `tree` of `repo`, whose root is at `full` in the revision and at `in_repo` in `repo`'s
/// own tree; files are kept only `inside` a submodule (the revision's own are read from git).
fn walk(
    repo: &Repository,
    tree: &Tree,
    full: &str,
    in_repo: &str,
    inside: bool,
    label: &str,
    out: &mut MemTree,
) -> Result<()> {
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}/{b}")
        }
    };
    for entry in tree.iter() {
        let Ok(name) = entry.name() else { continue };
        let (path, repo_path) = (join(full, name), join(in_repo, name));
        let unreadable = |e: git2::Error| {
            Error::Input(format!(
                "{path} at revision {label} cannot be read from the repository ({}): the clone may be partial; fetch it in full",
                e.message()
            ))
        };
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let sub = entry
                    .to_object(repo)
                    .and_then(|o| o.peel_to_tree())
                    .map_err(unreadable)?;
                walk(repo, &sub, &path, &repo_path, inside, label, out)?;
            }
            Some(ObjectType::Blob) if inside && kept(name) && entry.filemode() != 0o120000 => {
                let blob = repo.find_blob(entry.id()).map_err(unreadable)?;
                out.insert(path, Arc::from(blob.content()));
            }
            Some(ObjectType::Commit) => {
                let sub = open(repo, &repo_path, &path, label)?;
                let commit = sub.find_commit(entry.id()).map_err(|e| {
                    Error::Input(format!(
                        "submodule {path} at revision {label} records commit {}, which its repository lacks ({}): run `git submodule update --init --recursive` (recurse_submodules=true reads what the clone holds, it fetches nothing)",
                        entry.id(),
                        e.message()
                    ))
                })?;
                let sub_tree = commit.tree().map_err(unreadable)?;
                out.insert_dir(path.clone());
                walk(&sub, &sub_tree, &path, "", true, label, out)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The repository of the submodule at `path` of `repo` (its working tree's, else git's own
/// copy under `.git/modules/`).
fn open(repo: &Repository, path: &str, full: &str, label: &str) -> Result<Repository> {
    if let Some(sub) = repo.find_submodule(path).ok().and_then(|s| s.open().ok()) {
        return Ok(sub);
    }
    Repository::open(repo.path().join("modules").join(Path::new(path))).map_err(|_| {
        Error::Input(format!(
            "submodule {full} at revision {label} is not in this clone: run `git submodule update --init --recursive` first (recurse_submodules=true reads what the clone holds, it fetches nothing)"
        ))
    })
}
