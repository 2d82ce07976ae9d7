//! A workspace read from a tree of files that is not the file system: a git revision (read from
//! the object database, `against/git.rs`) or an archive (read into memory, `archive.rs`). Both
//! find their configuration and their `.proto` files the same way, here: as buf finds them on
//! disk, searching upward from the subdirectory given, and every `.proto` file below the
//! workspace root read into memory ([`ProtoFile::bytes`](super::ProtoFile)).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::FileSet;
use crate::config::{is_work_file, Version, Workspace, BUF_WORK_YAML, BUF_YAML};
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
            let (shown, text) = if path.is_file() {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                (path, text)
            } else {
                (Path::new(flag), value.to_string())
            };
            let at = |root: &str| -> Result<Workspace> {
                let mut ws = Workspace::from_text_with(Path::new(root), shown, &text, &read)?;
                ws.root = PathBuf::from(root);
                Ok(ws)
            };
            let ws = at(subdir)?;
            if ws.version == Version::V2 && !is_work_file(path) {
                // buf parity: a v2 buf.yaml given by flag sits at the root of the tree and
                // governs the subdirectory as one found there would (a module of it, or all).
                governed(at(".")?, subdir, doing, shown)?
            } else {
                (ws, None)
            }
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

/// The configuration that governs `subdir`, found in the tree as buf finds it on disk
/// (`config/discover.rs`): from the subdirectory up to the tree's root, the first `buf.work.yaml`
/// or v2 `buf.yaml` that sits in the subdirectory or whose modules (directories) contain it wins,
/// and one whose modules do not is passed over; failing that, the nearest v1 or v1beta1
/// `buf.yaml` at or above it. Unlike on disk, no current directory bounds the search, so a v1
/// `buf.yaml` above the subdirectory governs it too (and refuses it: the subdirectory is inside
/// its module). Returns the workspace and, when the configuration sits above, the module that
/// the subdirectory is.
fn discover(tree: &dyn Tree, subdir: &str, doing: &str) -> Result<(Workspace, Option<usize>)> {
    let read = |p: &Path| -> Result<Option<String>> { read_text(tree, p) };
    // The subdirectory's ancestors, itself first.
    let mut dirs = vec![subdir.to_string()];
    while let Some(last) = dirs.last().filter(|d| *d != ".") {
        let parent = join_rel(last, "..");
        dirs.push(parent);
    }
    let below = |dir: &str| {
        if dir == "." {
            subdir.to_string()
        } else if dir == subdir {
            ".".to_string()
        } else {
            subdir[dir.len() + 1..].to_string()
        }
    };
    let mut v1: Option<(String, Workspace)> = None;
    for dir in &dirs {
        let in_dir = |name: &str| PathBuf::from(join_rel(dir, name));
        let shown = |name: &str| PathBuf::from(tree.shown(&in_dir(name).to_string_lossy()));
        let work = read_text(tree, &in_dir(BUF_WORK_YAML))?;
        let buf = read_text(tree, &in_dir(BUF_YAML))?;
        let (name, text) = match (work, buf) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    shown("."),
                    format!(
                        "this directory holds both {BUF_WORK_YAML} and {BUF_YAML}, and buf reads neither: keep one (a v2 {BUF_YAML} lists its modules itself)"
                    ),
                ))
            }
            (Some(text), None) => (BUF_WORK_YAML, text),
            (None, Some(text)) => (BUF_YAML, text),
            (None, None) => continue,
        };
        let mut ws = Workspace::from_text_with(Path::new(dir), &shown(name), &text, &read)?;
        ws.root = PathBuf::from(dir);
        let below = below(dir);
        let controls = below == "." || ws.modules.iter().any(|m| is_within(&below, &m.dir));
        if name == BUF_YAML && ws.version != Version::V2 {
            // Passed over unless nothing else controls the subdirectory; the nearest counts.
            if controls && v1.is_none() {
                v1 = Some((dir.clone(), ws));
            }
            continue;
        }
        if controls {
            return governed(ws, &below, doing, &shown(name));
        }
    }
    match v1 {
        Some((dir, ws)) => {
            let shown = PathBuf::from(tree.shown(&join_rel(&dir, BUF_YAML)));
            governed(ws, &below(&dir), doing, &shown)
        }
        None => Ok((Workspace::default_at(Path::new(subdir)), None)),
    }
}

/// `ws` (from configuration file `shown`) governs the subdirectory at `below` in it: the whole
/// of it, one of its modules, or a directory inside a module, which is refused.
fn governed(
    ws: Workspace,
    below: &str,
    doing: &str,
    shown: &Path,
) -> Result<(Workspace, Option<usize>)> {
    if below == "." {
        return Ok((ws, None));
    }
    if let Some(index) = ws.modules.iter().position(|m| m.dir == below) {
        return Ok((ws, Some(index)));
    }
    let module = ws
        .module_containing(below)
        .map_or_else(|| ".".to_string(), |m| m.dir.clone());
    Err(Error::Input(format!(
        "cannot {doing} on its own: it is inside module {:?} of {}. Give the workspace or module directory as subdir= instead, and narrow with --path",
        join_rel(&clean(&ws.root), &module),
        shown.display()
    )))
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
