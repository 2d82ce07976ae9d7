//! The against side read from git: a revision's tree, its configuration and `.proto` blobs, read
//! straight from the object database with git2, in memory. Nothing is checked out or cloned, and
//! the working tree is never touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{ErrorCode, ObjectType, Repository, Tree};

use super::Prepared;
use crate::config::Workspace;
use crate::error::{Error, Result};
use crate::input::spec;
use crate::input::tree::{self, Found, MemTree, Tree as _};
use crate::paths::clean;

/// The git side: a repository, a commit's tree, and the directory of the tree to compare.
pub struct GitSide {
    repo: Repository,
    /// The revision as given, to name the tree's files (`main:buf.yaml`).
    rev: String,
    label: String,
    commit: git2::Oid,
    subdir: String,
    /// `recurse_submodules=true`: the submodules' files are read too (`submodules.rs`).
    recurse_submodules: bool,
}

impl GitSide {
    /// `rev` of the repository containing `input_dir`, at the input's place in the repository.
    pub fn for_revision(input_dir: &Path, rev: &str) -> Result<GitSide> {
        let repo = Repository::discover(input_dir).map_err(|e| open_error(input_dir, e))?;
        let workdir = repo.workdir().ok_or_else(|| {
            Error::Input(format!(
                "{} is inside the bare repository {}, which has no working tree to compare: give --against '{}#format=git,branch=BRANCH' with the input checked out elsewhere",
                input_dir.display(),
                repo.path().display(),
                repo.path().display()
            ))
        })?;
        let workdir = std::fs::canonicalize(workdir).map_err(|e| Error::io(workdir, e))?;
        let input_abs = std::fs::canonicalize(input_dir).map_err(|e| Error::io(input_dir, e))?;
        let subdir = input_abs
            .strip_prefix(&workdir)
            .map(clean)
            .unwrap_or_else(|_| ".".into());
        let commit = resolve(&repo, rev)?;
        Ok(GitSide {
            rev: rev.to_string(),
            label: rev.to_string(),
            repo,
            commit,
            subdir,
            recurse_submodules: false,
        })
    }

    /// buf's git syntax: a repository (its working tree or its `.git`), a revision (HEAD when
    /// none is given) and a subdirectory of the tree.
    pub fn for_buf_syntax(git: &spec::Git) -> Result<GitSide> {
        let repo_path = git.repo.as_path();
        let subdir = git.subdir.as_str();
        let repo = Repository::open(repo_path).map_err(|e| match e.code() {
            ErrorCode::NotFound => Error::Input(format!(
                "{}: no git repository there ({}): name a repository's .git directory, or its working tree with #format=git",
                repo_path.display(),
                e.message()
            )),
            _ => open_error(repo_path, e),
        })?;
        let rev = git.rev.as_deref().unwrap_or("HEAD");
        let commit = resolve(&repo, rev)?;
        Ok(GitSide {
            rev: rev.to_string(),
            label: if subdir == "." {
                rev.to_string()
            } else {
                format!("{rev}:{subdir}")
            },
            repo,
            commit,
            subdir: subdir.to_string(),
            recurse_submodules: git.recurse_submodules,
        })
    }

    /// What the side holds, in git's own content hashes: the commit's tree id (which names every
    /// file below it, submodules by their commit), the directory compared, and whether
    /// submodules are read. Two sides with one identity read the same files (the cache's key).
    pub fn identity(&self) -> Result<String> {
        let commit = self
            .repo
            .find_commit(self.commit)
            .map_err(|e| Error::Input(format!("{}: {}", self.label, e.message())))?;
        Ok(format!(
            "tree {} subdir {:?} submodules {}",
            commit.tree_id(),
            self.subdir,
            self.recurse_submodules
        ))
    }

    /// The repository's working tree, if it has one.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// Reads the workspace at the revision (its configuration found the way buf finds it on
    /// disk, searching upward from the subdirectory), ready to compile.
    pub fn load(&self, against_config: Option<&str>) -> Result<Prepared> {
        let label = self.label.clone();
        let found = self.read(
            against_config.map(|value| ("--against-config", value)),
            &format!("compare against {label}"),
            &|path: &str| format!("{label}:{path}"),
        )?;
        let (workspace, set) = found.selected_alone();
        crate::trace::mark("against: blobs read");
        // The revision's own buf.lock, read from the object database.
        let dep_includes = self.resolve_deps(&workspace)?;
        Ok(Prepared::Files {
            workspace,
            set,
            label: self.label.clone(),
            dep_includes,
        })
    }

    /// Reads the workspace at the revision: see [`tree::load`] for `config`, `doing` and
    /// `display`. An input as well as an against side.
    pub fn read(
        &self,
        config: Option<(&str, &str)>,
        doing: &str,
        display: &dyn Fn(&str) -> String,
    ) -> Result<Found> {
        let tree = self.tree()?;
        if self.subdir != "." && !tree.is_dir(&self.subdir) {
            return Err(Error::Input(format!(
                "directory {:?} does not exist at revision {} ({}): check the path or the revision",
                self.subdir,
                self.rev,
                short(self.commit)
            )));
        }
        tree::load(&tree, &self.subdir, config, doing, display)
    }

    /// The include directories of `workspace`'s locked dependencies, its `buf.lock` read from
    /// the revision.
    pub fn resolve_deps(&self, workspace: &Workspace) -> Result<Vec<PathBuf>> {
        let tree = self.tree()?;
        crate::deps::resolve(workspace, &|p: &Path| tree::read_text(&tree, p))
    }

    /// The `deps:` entries no `buf.lock` of the revision pins (see [`crate::deps::unpinned`]).
    pub fn unpinned_deps(&self, workspace: &Workspace) -> Result<Vec<String>> {
        let tree = self.tree()?;
        crate::deps::unpinned(workspace, &|p: &Path| tree::read_text(&tree, p))
    }

    /// The commit's tree.
    fn tree(&self) -> Result<GitTree<'_>> {
        let commit = self
            .repo
            .find_commit(self.commit)
            .map_err(|e| Error::Input(format!("{}: {}", self.label, e.message())))?;
        let tree = commit
            .tree()
            .map_err(|e| Error::Input(format!("{}: {}", self.label, e.message())))?;
        let submodules = if self.recurse_submodules {
            Some(super::submodules::read(&self.repo, &tree, &self.label)?)
        } else {
            None
        };
        Ok(GitTree {
            side: self,
            tree,
            submodules,
        })
    }
}

/// A commit's tree, read from the object database.
struct GitTree<'a> {
    side: &'a GitSide,
    tree: Tree<'a>,
    /// The files inside submodules, with `recurse_submodules=true`.
    submodules: Option<MemTree>,
}

impl GitTree<'_> {
    /// The entry at `path` (`.` is no entry: the tree itself).
    fn entry(&self, path: &str) -> Option<git2::TreeEntry<'_>> {
        self.tree.get_path(Path::new(path)).ok()
    }

    /// Every `.proto` blob below `tree`, by path relative to it.
    fn collect(
        &self,
        tree: &Tree,
        prefix: &str,
        out: &mut BTreeMap<String, Arc<[u8]>>,
    ) -> Result<()> {
        let repo = &self.side.repo;
        let label = &self.side.label;
        for entry in tree.iter() {
            let Ok(name) = entry.name() else { continue };
            let path = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            };
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let sub = entry
                        .to_object(repo)
                        .and_then(|o| o.peel_to_tree())
                        .map_err(|e| missing_object(label, &path, e))?;
                    self.collect(&sub, &path, out)?;
                }
                Some(ObjectType::Blob) if name.ends_with(".proto") => {
                    // Symbolic links are blobs too (mode 120000): skip them, their target is
                    // in the tree already if it is part of the workspace.
                    if entry.filemode() == 0o120000 {
                        continue;
                    }
                    let blob = repo
                        .find_blob(entry.id())
                        .map_err(|e| missing_object(label, &path, e))?;
                    out.insert(path, Arc::from(blob.content()));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl tree::Tree for GitTree<'_> {
    fn shown(&self, path: &str) -> String {
        format!("{}:{path}", self.side.rev)
    }

    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>> {
        let Some(entry) = self.entry(path) else {
            return match &self.submodules {
                Some(submodules) => submodules.read(path),
                None => Ok(None),
            };
        };
        let Ok(blob) = entry
            .to_object(&self.side.repo)
            .and_then(|o| o.peel_to_blob())
        else {
            return Ok(None);
        };
        Ok(Some(Arc::from(blob.content())))
    }

    fn is_dir(&self, path: &str) -> bool {
        path == "."
            || self
                .entry(path)
                .is_some_and(|e| e.kind() == Some(ObjectType::Tree))
            || self.submodules.as_ref().is_some_and(|s| s.is_dir(path))
    }

    fn protos(&self, dir: &str) -> Result<BTreeMap<String, Arc<[u8]>>> {
        let mut out = BTreeMap::new();
        let base = if dir == "." {
            Some(self.tree.clone())
        } else {
            self.entry(dir)
                .and_then(|e| e.to_object(&self.side.repo).ok())
                .and_then(|o| o.into_tree().ok())
        };
        if let Some(base) = base {
            self.collect(&base, "", &mut out)?;
        }
        if let Some(submodules) = &self.submodules {
            out.extend(submodules.protos(dir)?);
        }
        Ok(out)
    }
}

fn short(oid: git2::Oid) -> String {
    oid.to_string()[..12].to_string()
}

fn missing_object(label: &str, path: &str, e: git2::Error) -> Error {
    Error::Input(format!(
        "{path} at revision {label} cannot be read from the repository ({}): the clone may be partial; fetch the revision in full",
        e.message()
    ))
}

/// Resolves a revision to a commit, with advice when a shallow clone lacks it.
fn resolve(repo: &Repository, rev: &str) -> Result<git2::Oid> {
    let found = repo
        .revparse_single(rev)
        .or_else(|e| {
            // A bare branch name may exist only as a remote-tracking branch.
            if e.code() == ErrorCode::NotFound && !rev.contains('/') {
                repo.revparse_single(&format!("origin/{rev}"))
                    .map_err(|_| e)
            } else {
                Err(e)
            }
        })
        .and_then(|o| o.peel_to_commit());
    match found {
        Ok(commit) => Ok(commit.id()),
        Err(e) => {
            let place = repo
                .workdir()
                .unwrap_or_else(|| repo.path())
                .display()
                .to_string();
            let mut message = format!(
                "revision {rev:?} was not found in the git repository at {place} ({})",
                e.message()
            );
            if repo.is_shallow() {
                message.push_str(&format!(
                    ": this is a shallow clone, which lacks older history; fetch it with `git fetch --unshallow` or `git fetch origin {}` (in GitHub Actions, set `fetch-depth: 0` on actions/checkout)",
                    rev.trim_start_matches("origin/").split(['~', '^']).next().unwrap_or(rev)
                ));
            } else {
                message.push_str(
                    ": check the name with `git rev-parse`, or fetch it first (`git fetch origin`)",
                );
            }
            Err(Error::Input(message))
        }
    }
}

fn open_error(path: &Path, e: git2::Error) -> Error {
    match e.code() {
        ErrorCode::Owner => Error::Input(format!(
            "the git repository at {} is owned by another user, and git refuses to read it: if you trust it, run `git config --global --add safe.directory {}`",
            path.display(),
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display()
        )),
        ErrorCode::NotFound => Error::Input(format!(
            "{} is not inside a git repository, so --against cannot name a revision: give a directory, a descriptor set, or run in a clone",
            path.display()
        )),
        _ => Error::Input(format!(
            "cannot open the git repository at {}: {}",
            path.display(),
            e.message()
        )),
    }
}
