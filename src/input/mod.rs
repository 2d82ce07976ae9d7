//! Which `.proto` files a run looks at: every file of every module of the workspace (found by a
//! walk that follows symbolic links as buf does, `walk.rs`, minus `excludes`), and which of those are targets (narrowed by the input directory,
//! a single-file input, `--path` and `--exclude-path`).
//!
//! Inputs that are not a directory on disk (a git revision, an archive) are read into memory by
//! `tree.rs` (`spec.rs` parses buf's `PATH#key=value` syntax for them; `remote.rs` refuses the
//! remote ones with advice).
//!
//! Every file gets three names: its import path (relative to its module root, what `import`
//! statements use), its workspace path (relative to the configuration) and its display path (what
//! the user sees, relative to where they ran the command, as buf prints it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod archive;
pub mod compression;
pub mod image;
pub mod remote;
pub mod spec;
pub mod tree;
mod walk;

use crate::config::{Module, Workspace};
use crate::error::{Error, Result};
use crate::paths::{clean, is_within, join_rel};

/// One `.proto` file found on disk.
#[derive(Debug, Clone)]
pub struct ProtoFile {
    /// Path relative to its module root: the name imports use.
    pub name: String,
    /// Index into the workspace's modules, or `None` for a file from an include directory.
    pub module: Option<usize>,
    /// Path relative to the workspace root.
    pub workspace_path: String,
    /// Path as printed in findings.
    pub display: String,
    pub disk: PathBuf,
    /// The content, for a file that does not come from disk (a git revision).
    pub bytes: Option<std::sync::Arc<[u8]>>,
    pub is_target: bool,
}

/// Narrowing of the targets, relative to the workspace root.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only files under one of these (all when empty).
    pub paths: Vec<String>,
    pub exclude_paths: Vec<String>,
}

impl Filter {
    pub fn admits(&self, workspace_path: &str) -> bool {
        (self.paths.is_empty() || self.paths.iter().any(|p| is_within(workspace_path, p)))
            && !self
                .exclude_paths
                .iter()
                .any(|p| is_within(workspace_path, p))
    }
}

/// All the files of a workspace, keyed by import path.
#[derive(Debug, Default, Clone)]
pub struct FileSet {
    /// The files walked: all of them, or with `--path` only those under the paths.
    pub files: BTreeMap<String, ProtoFile>,
    /// The workspace walked, to find imports on disk that the walk did not give: with `--path`,
    /// those outside the paths; through a symbolic link, those the walk skipped (boxed, as is
    /// `shown`: a file set travels by value). `None` for a set read from blobs.
    disk: Option<Box<Workspace>>,
    /// How the input directory is shown, for the display paths of the files inside it.
    shown: Option<Box<Shown>>,
    /// Whether a file was found in two modules (a module nested in another that does not
    /// exclude it): see [`FileSet::shares_files`].
    shared: bool,
}

/// A relative input directory as buf shows the files inside it: by the input's path from the
/// current directory, made clean (`sous lint .` in a module directory of a `buf.work.yaml` prints
/// `v1/a.proto`, not `../proto/v1/a.proto`; `lint ../sub/deeper` from `sub` prints `deeper/...`).
#[derive(Debug, Clone)]
pub struct Shown {
    /// The input directory, relative to the workspace root.
    pub input: String,
    /// The input directory relative to the current directory.
    pub as_shown: String,
    /// Each `--path`, relative to the workspace root and relative to the current directory:
    /// buf walks from each, and shows the files it finds there from the current directory
    /// (`lint .. --path ../b/c` in `b` prints `c/z.proto`), the first that holds a file winning.
    pub paths: Vec<(String, String)>,
}

impl Shown {
    /// The display path of `workspace_path`, if it is inside a `--path` or the input directory.
    fn display(&self, workspace_path: &str) -> Option<String> {
        let below = |dir: &str| {
            if dir == "." {
                workspace_path
            } else {
                workspace_path[dir.len()..].trim_start_matches('/')
            }
        };
        if let Some((dir, shown)) = self
            .paths
            .iter()
            .find(|(dir, _)| is_within(workspace_path, dir))
        {
            return Some(join_rel(shown, below(dir)));
        }
        if !is_within(workspace_path, &self.input) {
            return None;
        }
        Some(join_rel(&self.as_shown, below(&self.input)))
    }
}

impl FileSet {
    /// Walks every module of `ws` and marks targets with `filter`. `modules` limits the walk's
    /// targets to those modules (all when `None`); other modules' files stay importable.
    ///
    /// With `--path`, only the directories and files it names are walked: a pre-commit run on
    /// one file of a large tree reads what that file imports, found on disk by [`FileSet::get`],
    /// not the whole tree.
    pub fn discover(
        ws: &Workspace,
        filter: &Filter,
        modules: Option<&[usize]>,
        shown: Option<Shown>,
    ) -> Result<FileSet> {
        let mut set = FileSet {
            shown: shown.map(Box::new),
            disk: Some(Box::new(ws.clone())),
            ..FileSet::default()
        };
        for (index, module) in ws.modules.iter().enumerate() {
            let module_root = ws.root.join(&module.dir);
            if !module_root.is_dir() {
                return Err(Error::Input(format!(
                    "module directory {} does not exist",
                    module_root.display()
                )));
            }
            let starts: Vec<PathBuf> = if filter.paths.is_empty() {
                vec![module_root.clone()]
            } else {
                let mut starts: Vec<PathBuf> = filter
                    .paths
                    .iter()
                    .filter_map(|p| {
                        if is_within(&module.dir, p) {
                            Some(module_root.clone())
                        } else if is_within(p, &module.dir) {
                            let rel = if module.dir == "." {
                                p.as_str()
                            } else {
                                &p[module.dir.len() + 1..]
                            };
                            Some(module_root.join(rel)).filter(|s| s.exists())
                        } else {
                            None
                        }
                    })
                    .collect();
                starts.sort();
                // A path inside another walks nothing new.
                starts.dedup_by(|later, earlier| later.starts_with(&*earlier));
                starts
            };
            // buf parity: with `--path`, buf walks from each path, remembering what it visited
            // afresh each time, so a symbolic link skipped by the walk of the whole module gives
            // its files when a path names it (see `walk.rs`).
            for start in &starts {
                let files = walk::walk(start)?;
                set.add(ws, index, filter, modules, &module_root, files)?;
            }
        }
        Ok(set)
    }

    /// Adds `files`, walked in module `index`, less those the module excludes.
    fn add(
        &mut self,
        ws: &Workspace,
        index: usize,
        filter: &Filter,
        modules: Option<&[usize]>,
        module_root: &Path,
        files: Vec<PathBuf>,
    ) -> Result<()> {
        let module = &ws.modules[index];
        // Modules nested inside this one: a file in one of them that this module does not exclude
        // would belong to both.
        let inner: Vec<&Module> = ws
            .modules
            .iter()
            .filter(|m| m.dir != module.dir && is_within(&m.dir, &module.dir))
            .collect();
        for path in files {
            let name = rel_to(module_root, &path);
            let ws_path = join_rel(&module.dir, &name);
            if module.excludes.iter().any(|x| is_within(&ws_path, x)) {
                continue;
            }
            let mut file = ProtoFile::on_disk(ws, index, &name, path, self.shown.as_deref());
            if inner.iter().any(|m| {
                is_within(&file.workspace_path, &m.dir)
                    && !m
                        .excludes
                        .iter()
                        .any(|x| is_within(&file.workspace_path, x))
            }) {
                self.shared = true;
            }
            file.is_target =
                modules.is_none_or(|m| m.contains(&index)) && filter.admits(&file.workspace_path);
            if let Some(other) = self.files.get(&name) {
                return Err(overlap(other, &file));
            }
            self.files.insert(name, file);
        }
        Ok(())
    }

    /// The file with import path `name`: one walked, or one found on disk now (never a target):
    /// outside the paths of a walk narrowed by `--path`, or reached through a symbolic link the
    /// walk did not follow.
    pub fn get(&self, name: &str) -> Result<Option<std::borrow::Cow<'_, ProtoFile>>> {
        if let Some(file) = self.files.get(name) {
            return Ok(Some(std::borrow::Cow::Borrowed(file)));
        }
        let Some(ws) = &self.disk else {
            return Ok(None);
        };
        // buf parity: only `.proto` files are files of a module, whatever an import names.
        if !name.ends_with(".proto")
            || name.starts_with('/')
            || name
                .split('/')
                .any(|c| c == ".." || c == "." || c.is_empty())
        {
            return Ok(None);
        }
        let mut found: Option<ProtoFile> = None;
        for (index, module) in ws.modules.iter().enumerate() {
            let disk = ws.root.join(&module.dir).join(name);
            let file = ProtoFile::on_disk(ws, index, name, disk, self.shown.as_deref());
            if module
                .excludes
                .iter()
                .any(|x| is_within(&file.workspace_path, x))
                || !file.disk.is_file()
            {
                continue;
            }
            if let Some(other) = &found {
                return Err(overlap(other, &file));
            }
            found = Some(file);
        }
        Ok(found.map(std::borrow::Cow::Owned))
    }

    /// The files of `ws` among `blobs` (workspace-relative path and content, e.g. read from a git
    /// tree), every one a target; `display` turns a workspace path into the path users see.
    pub fn from_blobs(
        ws: &Workspace,
        blobs: &BTreeMap<String, std::sync::Arc<[u8]>>,
        display: &dyn Fn(&str) -> String,
    ) -> Result<FileSet> {
        let mut set = FileSet::default();
        for (index, module) in ws.modules.iter().enumerate() {
            for (workspace_path, bytes) in blobs {
                if !workspace_path.ends_with(".proto")
                    || !is_within(workspace_path, &module.dir)
                    || module.excludes.iter().any(|x| is_within(workspace_path, x))
                {
                    continue;
                }
                let name = if module.dir == "." {
                    workspace_path.clone()
                } else {
                    workspace_path[module.dir.len() + 1..].to_string()
                };
                if ws.modules.iter().any(|m| {
                    m.dir != module.dir
                        && is_within(&m.dir, &module.dir)
                        && is_within(workspace_path, &m.dir)
                        && !m.excludes.iter().any(|x| is_within(workspace_path, x))
                }) {
                    set.shared = true;
                }
                let file = ProtoFile {
                    name: name.clone(),
                    module: Some(index),
                    workspace_path: workspace_path.clone(),
                    display: display(workspace_path),
                    disk: PathBuf::from(display(workspace_path)),
                    bytes: Some(bytes.clone()),
                    is_target: true,
                };
                if let Some(other) = set.files.get(&name) {
                    return Err(overlap(other, &file));
                }
                set.files.insert(name, file);
            }
        }
        Ok(set)
    }

    pub fn targets(&self) -> impl Iterator<Item = &ProtoFile> {
        self.files.values().filter(|f| f.is_target)
    }

    /// Whether a file belongs to two modules (a module nested in another that does not exclude
    /// it): such a workspace cannot be compiled in one piece, where the file would be defined
    /// twice.
    ///
    /// buf parity: buf builds an image per module to lint and to compare, so a nested module's
    /// files are linted and compared once in each module, each under that module's settings.
    pub fn shares_files(&self) -> bool {
        self.shared
    }

    /// The set with the targets of module `module` alone (every file stays importable).
    pub fn for_module(&self, module: usize) -> FileSet {
        let mut set = self.clone();
        for file in set.files.values_mut() {
            file.is_target &= file.module == Some(module);
        }
        set
    }

    /// The modules that have targets, in order.
    pub fn target_modules(&self) -> Vec<usize> {
        let modules: std::collections::BTreeSet<usize> =
            self.targets().filter_map(|f| f.module).collect();
        modules.into_iter().collect()
    }

    /// The set as the sets to compile apart: itself when no file belongs to two modules, else
    /// one set per module with targets ([`FileSet::for_module`]).
    pub fn per_module(self) -> Vec<FileSet> {
        if !self.shares_files() {
            return vec![self];
        }
        self.target_modules()
            .into_iter()
            .map(|module| self.for_module(module))
            .collect()
    }
}

impl ProtoFile {
    /// Module `index`'s file at import path `name`, read from `disk`; not a target.
    fn on_disk(
        ws: &Workspace,
        index: usize,
        name: &str,
        disk: PathBuf,
        shown: Option<&Shown>,
    ) -> ProtoFile {
        let workspace_path = join_rel(&ws.modules[index].dir, name);
        ProtoFile {
            display: shown
                .and_then(|s| s.display(&workspace_path))
                .unwrap_or_else(|| display_path(&ws.root, &workspace_path)),
            name: name.to_string(),
            module: Some(index),
            workspace_path,
            disk,
            bytes: None,
            is_target: false,
        }
    }
}

/// Two files of one workspace with one import path.
fn overlap(a: &ProtoFile, b: &ProtoFile) -> Error {
    Error::Input(format!(
        "{} and {} have the same import path {:?}: modules of one workspace must not overlap",
        a.display, b.display, a.name
    ))
}

/// `path` relative to `root`, `/`-separated.
pub fn rel_to(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    clean(rel)
}

/// The path users see for a workspace-relative path: joined to the root as they gave it.
pub fn display_path(root: &Path, workspace_path: &str) -> String {
    let root = clean(root);
    if root == "." {
        workspace_path.to_string()
    } else if root.starts_with('/') || root.starts_with("..") {
        format!("{}/{workspace_path}", root.trim_end_matches('/'))
    } else {
        join_rel(&root, workspace_path)
    }
}
