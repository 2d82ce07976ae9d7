//! A workspace read from a tree of files that is not the file system: a git revision (read from
//! the object database, `against/git.rs`) or an archive (read into memory, `archive.rs`). Both
//! find their configuration and their `.proto` files the same way, here: as buf finds them on
//! disk, searching upward from the subdirectory given, and every `.proto` file below the
//! workspace root read into memory ([`ProtoFile::bytes`](super::ProtoFile)).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::FileSet;
use crate::config::{is_work_file, Workspace, BUF_WORK_YAML, BUF_YAML};
use crate::error::{Error, Result};
use crate::paths::{clean, is_within, join_rel};

/// A tree of files, addressed by clean `/`-separated paths relative to its root.
pub trait Tree {
    /// How `path` is named in messages: `main:proto/buf.yaml`, `protos.tar:proto/buf.yaml`.
    fn shown(&self, path: &str) -> String;
    /// The content of the file at `path`; `None` if there is no file there.
    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>>;
    /// Whether `path` is a directory of the tree (`.` always is).
    fn is_dir(&self, path: &str) -> bool;
    /// Every `.proto` file below directory `dir`, by path relative to `dir`.
    fn protos(&self, dir: &str) -> Result<BTreeMap<String, Arc<[u8]>>>;
}

/// A text file of `tree`, `None` if there is none at `path`.
pub fn read_text(tree: &dyn Tree, path: &Path) -> Result<Option<String>> {
    let path = clean(path);
    match tree.read(&path)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|_| Error::config(tree.shown(&path), "not valid UTF-8")),
    }
}

/// A workspace found in a tree, and its files, every one a target.
pub struct Found {
    pub workspace: Workspace,
    pub set: FileSet,
    /// When the configuration sits above the subdirectory: the module that the subdirectory is.
    pub selected: Option<usize>,
}

impl Found {
    /// The workspace with the selected module alone (as the first and only one, since modules
    /// pair by position when compared) and the other modules' files kept only as imports: how a
    /// subdirectory that is one module of a workspace is compared.
    pub fn selected_alone(self) -> (Workspace, FileSet) {
        let Found {
            mut workspace,
            mut set,
            selected,
        } = self;
        if let Some(index) = selected {
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
        (workspace, set)
    }
}

/// Reads the workspace of `tree` at `subdir`: its configuration (`config`, the flag and the value
/// of `--config` or `--against-config`, replaces the one found), and every `.proto` file of its modules, shown as `display` names the
/// file's path in the tree. `doing` says what the run does with the subdirectory, for messages
/// ("compare against main:proto").
pub fn load(
    tree: &dyn Tree,
    subdir: &str,
    config: Option<(&str, &str)>,
    doing: &str,
    display: &dyn Fn(&str) -> String,
) -> Result<Found> {
    let read = |p: &Path| -> Result<Option<String>> { read_text(tree, p) };
    let (workspace, selected) = match config {
        Some((flag, value)) => {
            let path = Path::new(value);
            let root = PathBuf::from(subdir);
            let mut ws = if path.is_file() {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                Workspace::from_text_with(&root, path, &text, &read)?
            } else {
                Workspace::from_text_with(&root, Path::new(flag), value, &read)?
            };
            if is_work_file(path) {
                ws.root = root;
            }
            (ws, None)
        }
        None => discover(tree, subdir, doing)?,
    };
    let root = clean(&workspace.root);
    let blobs = if tree.is_dir(&root) {
        tree.protos(&root)?
    } else {
        BTreeMap::new()
    };
    let display = |ws_path: &str| display(&join_rel(&root, ws_path));
    let set = FileSet::from_blobs(&workspace, &blobs, &display)?;
    Ok(Found {
        workspace,
        set,
        selected,
    })
}

/// The configuration that governs `subdir`, found in the tree as buf finds it: as on disk
/// (`config/discover.rs`), from the subdirectory up to the tree's root, the first
/// `buf.work.yaml` or `buf.yaml` that sits in the subdirectory or whose modules (directories,
/// roots) contain it wins, and one whose modules do not is passed over. Unlike on disk, no
/// current directory bounds the search, so a v1 `buf.yaml` above the subdirectory governs it too
/// (and refuses it: the subdirectory is inside its module). Returns the workspace and, when the
/// configuration sits above, the module that the subdirectory is.
fn discover(tree: &dyn Tree, subdir: &str, doing: &str) -> Result<(Workspace, Option<usize>)> {
    let read = |p: &Path| -> Result<Option<String>> { read_text(tree, p) };
    let mut dir = subdir.to_string();
    loop {
        let in_dir = |name: &str| PathBuf::from(join_rel(&dir, name));
        let work = read_text(tree, &in_dir(BUF_WORK_YAML))?;
        let buf = read_text(tree, &in_dir(BUF_YAML))?;
        let shown = |name: &str| PathBuf::from(tree.shown(&in_dir(name).to_string_lossy()));
        let found = match (work, buf) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    shown("."),
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
            let mut ws = Workspace::from_text_with(Path::new(&dir), &shown(name), &text, &read)?;
            ws.root = PathBuf::from(&dir);
            let below = if dir == "." {
                subdir.to_string()
            } else if dir == subdir {
                ".".to_string()
            } else {
                subdir[dir.len() + 1..].to_string()
            };
            if below == "." {
                return Ok((ws, None));
            }
            if let Some(index) = ws.modules.iter().position(|m| m.dir == below) {
                return Ok((ws, Some(index)));
            }
            if let Some(module) = ws.module_containing(&below) {
                return Err(Error::Input(format!(
                    "cannot {doing} on its own: it is inside module {:?} of {}. Give the workspace or module directory as subdir= instead, and narrow with --path",
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
    Ok((Workspace::default_at(Path::new(subdir)), None))
}

/// Whether a file read into memory is kept: the `.proto` files and what configuration may name
/// (`buf.yaml`, `buf.work.yaml`, `buf.lock`). The rest is never looked at.
pub fn kept(path: &str) -> bool {
    [".proto", ".yaml", ".yml", ".lock"]
        .iter()
        .any(|x| path.ends_with(x))
}

/// A tree held in memory: the files of an archive, or of a revision's submodules.
#[derive(Debug, Default)]
pub struct MemTree {
    /// How the tree is named in messages (the archive as given).
    pub name: String,
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// Directories, including those only implied by a file's path.
    pub dirs: BTreeSet<String>,
}

impl MemTree {
    /// Adds the file at clean relative `path`, and its parent directories.
    pub fn insert(&mut self, path: String, bytes: Arc<[u8]>) {
        self.add_parents(&path);
        self.files.insert(path, bytes);
    }

    /// Adds the directory at clean relative `path`, and its parents.
    pub fn insert_dir(&mut self, path: String) {
        self.add_parents(&path);
        self.dirs.insert(path);
    }

    fn add_parents(&mut self, path: &str) {
        let mut at = path;
        while let Some((parent, _)) = at.rsplit_once('/') {
            if !self.dirs.insert(parent.to_string()) {
                break;
            }
            at = parent;
        }
    }
}

impl Tree for MemTree {
    fn shown(&self, path: &str) -> String {
        format!("{}:{path}", self.name)
    }

    fn read(&self, path: &str) -> Result<Option<Arc<[u8]>>> {
        Ok(self.files.get(path).cloned())
    }

    fn is_dir(&self, path: &str) -> bool {
        path == "." || self.dirs.contains(path)
    }

    fn protos(&self, dir: &str) -> Result<BTreeMap<String, Arc<[u8]>>> {
        Ok(self
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".proto") && is_within(p, dir))
            .map(|(p, b)| {
                let rel = if dir == "." {
                    p.clone()
                } else {
                    p[dir.len() + 1..].to_string()
                };
                (rel, b.clone())
            })
            .collect())
    }
}
