//! An input read into memory: a git revision (`.git#branch=main,subdir=proto`, read from the
//! object database by the same reader as `--against`) or an archive (`protos.tar.gz#subdir=x`).
//! Its workspace is found from the subdirectory upward, as buf finds it; its files are shown by
//! their paths in the tree, and `--path` and `--exclude-path` are relative to the subdirectory,
//! as buf takes them for such inputs.

use std::path::{Path, PathBuf};

use super::{Action, Resolved};
use crate::against::GitSide;
use crate::cli::InputArgs;
use crate::error::{Error, Result};
use crate::input::tree::{self, Found};
use crate::input::{archive, spec, FileSet, Filter};
use crate::paths::{clean, join_rel};

/// What an input read into memory carries beyond a directory's: its files, and its locked
/// dependencies as its own `buf.lock` names them.
pub struct Memory {
    pub set: FileSet,
    pub dep_includes: Vec<PathBuf>,
    pub unpinned: Vec<String>,
    /// Where the workspace is on disk, for `--against REV` (a revision of the repository, at the
    /// input's place): the git input's working tree at the workspace root; else the input as
    /// given, which names no place in a repository.
    pub place: PathBuf,
}

/// A git revision as the input.
pub fn resolve_git(git: &spec::Git, args: &InputArgs, action: Action) -> Result<Resolved> {
    let side = GitSide::for_buf_syntax(git)?;
    let found = side.read(
        args.config.as_deref().map(|value| ("--config", value)),
        &action.doing(&args.input),
        &|path: &str| path.to_string(),
    )?;
    let dep_includes = side.resolve_deps(&found.workspace)?;
    let unpinned = side.unpinned_deps(&found.workspace)?;
    let place = side
        .workdir()
        .map_or_else(|| args.input.clone(), |w| w.join(&found.workspace.root));
    finish(found, &git.subdir, args, (dep_includes, unpinned), place)
}

/// An archive as the input.
pub fn resolve_archive(
    archive: &archive::Spec,
    args: &InputArgs,
    action: Action,
) -> Result<Resolved> {
    let name = archive.path.display().to_string();
    let tree = archive.read(&name)?;
    let found = tree::load(
        &tree,
        &archive.subdir,
        args.config.as_deref().map(|value| ("--config", value)),
        &action.doing(&args.input),
        &|path: &str| path.to_string(),
    )?;
    let read = |p: &Path| tree::read_text(&tree, p);
    let dep_includes = crate::deps::resolve(&found.workspace, &read)?;
    let unpinned = crate::deps::unpinned(&found.workspace, &read)?;
    let place = args.input.clone();
    finish(
        found,
        &archive.subdir,
        args,
        (dep_includes, unpinned),
        place,
    )
}

/// The targets: the module the subdirectory is (when the configuration sits above it), narrowed
/// by `--path` and `--exclude-path`, taken relative to the subdirectory.
fn finish(
    found: Found,
    subdir: &str,
    args: &InputArgs,
    (dep_includes, unpinned): (Vec<PathBuf>, Vec<String>),
    place: PathBuf,
) -> Result<Resolved> {
    let Found {
        workspace,
        mut set,
        selected,
    } = found;
    let root = clean(&workspace.root);
    // The subdirectory, relative to the workspace root (which is it or above it).
    let input = if root == "." {
        subdir.to_string()
    } else if root == subdir {
        ".".to_string()
    } else {
        subdir[root.len() + 1..].to_string()
    };
    let relative = |flag: &str, p: &Path| -> Result<String> {
        let rel = join_rel(&input, &clean(p));
        if p.is_absolute() || rel.starts_with("..") {
            return Err(Error::Input(format!(
                "{flag} {}: a path inside an archive or git input is relative to its subdir, and may not leave it",
                p.display()
            )));
        }
        if workspace.modules.iter().any(|m| m.dir == rel) {
            return Err(Error::Input(format!(
                "{flag} {} is the directory of module {rel:?}: give it as subdir= to check that module alone",
                p.display()
            )));
        }
        Ok(rel)
    };
    let mut filter = Filter::default();
    for p in &args.paths {
        filter.paths.push(relative("--path", p)?);
    }
    for p in &args.exclude_paths {
        filter.exclude_paths.push(relative("--exclude-path", p)?);
    }
    let modules = selected.map(|index| vec![index]);
    for file in set.files.values_mut() {
        let module_targeted = match (&modules, file.module) {
            (Some(m), Some(index)) => m.contains(&index),
            (Some(_), None) => false,
            (None, _) => true,
        };
        file.is_target = module_targeted && filter.admits(&file.workspace_path);
    }
    Ok(Resolved {
        workspace,
        shown: None,
        modules,
        filter,
        memory: Some(Box::new(Memory {
            set,
            dep_includes,
            unpinned,
            place,
        })),
        file_input: false,
    })
}
