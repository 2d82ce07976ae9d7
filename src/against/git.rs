//! The against side read from git: a revision's tree, its configuration and `.proto` blobs, read
//! straight from the object database with git2, in memory. Nothing is checked out or cloned, and
//! the working tree is never touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{ErrorCode, ObjectType, Repository, Tree};

use super::Prepared;
use crate::config::{is_work_file, Workspace, BUF_WORK_YAML, BUF_YAML};
use crate::error::{Error, Result};
use crate::input::FileSet;
use crate::paths::{clean, join_rel};

/// The git side: a repository, a commit's tree, and the directory of the tree to compare.
pub struct GitSide {
    repo: Repository,
    /// The revision as given, to name the tree's files (`main:buf.yaml`).
    rev: String,
    label: String,
    commit: git2::Oid,
    subdir: String,
}

impl GitSide {
    /// `rev` of the repository containing `input_dir`, at the input's place in the repository.
    pub fn for_revision(input_dir: &Path, rev: &str) -> Result<GitSide> {
        let repo = Repository::discover(input_dir).map_err(|e| open_error(input_dir, e))?;
        let workdir = repo.workdir().ok_or_else(|| {
            Error::Input(format!(
                "{} is inside the bare repository {}, which has no working tree to compare: give --against '{}#branch=BRANCH' with the input checked out elsewhere",
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
        })
    }

    /// buf's git syntax: `repo` (a repository or its `.git`), a revision (HEAD when `None`) and a
    /// subdirectory of the tree.
    pub fn for_buf_syntax(repo_path: &Path, rev: Option<&str>, subdir: &str) -> Result<GitSide> {
        let repo = Repository::open(repo_path).map_err(|e| open_error(repo_path, e))?;
        let rev = rev.unwrap_or("HEAD");
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
        })
    }

    /// Reads the workspace at the revision (its configuration found the way buf finds it on
    /// disk, searching upward from the subdirectory), ready to compile.
    pub fn load(&self, against_config: Option<&str>) -> Result<Prepared> {
        let commit = self
            .repo
            .find_commit(self.commit)
            .map_err(|e| Error::Input(format!("{}: {}", self.label, e.message())))?;
        let tree = commit
            .tree()
            .map_err(|e| Error::Input(format!("{}: {}", self.label, e.message())))?;
        if self.subdir != "." {
            match tree.get_path(Path::new(&self.subdir)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {}
                _ => {
                    return Err(Error::Input(format!(
                        "directory {:?} does not exist at revision {} ({}): check the path or the revision",
                        self.subdir,
                        self.label,
                        short(self.commit)
                    )))
                }
            }
        }
        let read = |p: &Path| -> Result<Option<String>> { self.read_text(&tree, p) };
        let (mut workspace, selected) = match against_config {
            Some(value) => {
                let path = Path::new(value);
                let root = PathBuf::from(&self.subdir);
                if path.is_file() {
                    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                    let mut ws = Workspace::from_text_with(&root, path, &text, &read)?;
                    if is_work_file(path) {
                        ws.root = root;
                    }
                    (ws, None)
                } else {
                    let ws = Workspace::from_text_with(
                        &root,
                        Path::new("--against-config"),
                        value,
                        &read,
                    )?;
                    (ws, None)
                }
            }
            None => self.discover(&tree, &read)?,
        };
        let root = clean(&workspace.root);
        let mut blobs = BTreeMap::new();
        let base = if root == "." {
            Some(tree.clone())
        } else {
            tree.get_path(Path::new(&root))
                .ok()
                .and_then(|e| e.to_object(&self.repo).ok())
                .and_then(|o| o.into_tree().ok())
        };
        if let Some(base) = base {
            self.collect(&base, "", &mut blobs)?;
        }
        let label = self.label.clone();
        let display = |ws_path: &str| format!("{label}:{}", join_rel(&root, ws_path));
        let mut set = FileSet::from_blobs(&workspace, &blobs, &display)?;
        if let Some(index) = selected {
            // The subdirectory is one module of the workspace: that module alone is compared
            // (as the first and only one, since modules pair by position); the others' files
            // stay importable.
            let module = workspace.modules.swap_remove(index);
            workspace.modules = vec![module];
            for file in set.files.values_mut() {
                if file.module == Some(index) {
                    file.module = Some(0);
                } else {
                    file.module = None;
                    file.is_target = false;
                }
            }
        }
        crate::trace::mark("against: blobs read");
        // The revision's own buf.lock, read from the object database.
        let dep_includes = crate::deps::resolve(&workspace, &read)?;
        Ok(Prepared::Files {
            workspace,
            set,
            label: self.label.clone(),
            dep_includes,
        })
    }

    /// The configuration that governs the subdirectory, found in the tree as buf finds it: as on
    /// disk (`config/discover.rs`), from the subdirectory up to the tree's root, the first
    /// `buf.work.yaml` or `buf.yaml` that sits in the subdirectory or whose modules (directories,
    /// roots) contain it wins, and one whose modules do not is passed over. Unlike on disk, no
    /// current directory bounds the search, so a v1 `buf.yaml` above the subdirectory governs it
    /// too (and refuses it: the subdirectory is inside its module). Returns the workspace and, when
    /// the configuration sits above, the module that the subdirectory is.
    fn discover(
        &self,
        tree: &Tree,
        read: &dyn Fn(&Path) -> Result<Option<String>>,
    ) -> Result<(Workspace, Option<usize>)> {
        let mut dir = self.subdir.clone();
        loop {
            let in_dir = |name: &str| PathBuf::from(join_rel(&dir, name));
            let work = self.read_text(tree, &in_dir(BUF_WORK_YAML))?;
            let buf = self.read_text(tree, &in_dir(BUF_YAML))?;
            let shown =
                |name: &str| PathBuf::from(format!("{}:{}", self.rev, in_dir(name).display()));
            let found = match (work, buf) {
                (Some(_), Some(_)) => {
                    return Err(Error::config(
                        shown(""),
                        format!(
                            "this directory holds both {BUF_WORK_YAML} and {BUF_YAML}, and buf reads neither: keep one (a v2 {BUF_YAML} lists its modules itself)"
                        ),
                    ))
                }
                (Some(text), None) => Some((BUF_WORK_YAML, text)),
                (None, Some(text)) => Some((BUF_YAML, text)),
                (None, None) => None,
            };
            if let Some((name, text)) = found {
                let mut ws = Workspace::from_text_with(Path::new(&dir), &shown(name), &text, read)?;
                ws.root = PathBuf::from(&dir);
                let below = if dir == "." {
                    self.subdir.clone()
                } else if dir == self.subdir {
                    ".".to_string()
                } else {
                    self.subdir[dir.len() + 1..].to_string()
                };
                if below == "." {
                    return Ok((ws, None));
                }
                if let Some(index) = ws.modules.iter().position(|m| m.dir == below) {
                    return Ok((ws, Some(index)));
                }
                if let Some(module) = ws.module_containing(&below) {
                    return Err(Error::Input(format!(
                        "cannot compare against {} on its own: it is inside module {:?} of {}. Give the workspace or module directory as subdir= instead, and narrow with --path",
                        self.label,
                        join_rel(&dir, &module.dir),
                        shown(name).display()
                    )));
                }
            }
            if dir == "." {
                break;
            }
            dir = join_rel(&dir, "..");
        }
        Ok((Workspace::default_at(Path::new(&self.subdir)), None))
    }

    /// A text file of the tree, `None` if there is none at `path`.
    fn read_text(&self, tree: &Tree, path: &Path) -> Result<Option<String>> {
        let path = PathBuf::from(clean(path));
        let Ok(entry) = tree.get_path(&path) else {
            return Ok(None);
        };
        let Ok(blob) = entry.to_object(&self.repo).and_then(|o| o.peel_to_blob()) else {
            return Ok(None);
        };
        String::from_utf8(blob.content().to_vec())
            .map(Some)
            .map_err(|_| {
                Error::config(
                    format!("{}:{}", self.label, path.display()),
                    "not valid UTF-8",
                )
            })
    }

    /// Every `.proto` blob below `tree`, by path relative to it.
    fn collect(
        &self,
        tree: &Tree,
        prefix: &str,
        out: &mut BTreeMap<String, Arc<[u8]>>,
    ) -> Result<()> {
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
                        .to_object(&self.repo)
                        .and_then(|o| o.peel_to_tree())
                        .map_err(|e| missing_object(&self.label, &path, e))?;
                    self.collect(&sub, &path, out)?;
                }
                Some(ObjectType::Blob) if name.ends_with(".proto") => {
                    // Symbolic links are blobs too (mode 120000): skip them, their target is
                    // in the tree already if it is part of the workspace.
                    if entry.filemode() == 0o120000 {
                        continue;
                    }
                    let blob = self
                        .repo
                        .find_blob(entry.id())
                        .map_err(|e| missing_object(&self.label, &path, e))?;
                    out.insert(path, Arc::from(blob.content()));
                }
                _ => {}
            }
        }
        Ok(())
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
