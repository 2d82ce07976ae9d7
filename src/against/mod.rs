//! The `--against` side of `sous breaking`, all of it: what the argument names (a git revision,
//! buf's git syntax, a directory or a descriptor set), how each is read and compiled, and how
//! `--path`, `--exclude-path` and `--limit-to-input-files` narrow it.
//!
//! A git revision is read by [`git`], straight from the object database.

mod git;
mod submodules;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Workspace;
use crate::deps;
use crate::error::{Error, Result};
use crate::finding::{sort_and_dedup, Finding};
use crate::input::image::{Decoded, ImageRef};
use crate::input::spec::{self, Spec};
use crate::input::{archive, tree, FileSet, Filter};
use crate::schema::{self, Schema};
pub use git::GitSide;

/// What `--against` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// A revision of the repository that contains the input, compared at the input's own place
    /// in the repository.
    Revision(String),
    /// buf's git syntax: `PATH#branch=main,subdir=proto`.
    Git(spec::Git),
    /// A tarball or zip archive (`protos.tar.gz#strip_components=1,subdir=proto`).
    Archive(archive::Spec),
    /// A directory, or a `.proto` file (with its options), resolved as an input is.
    Dir(PathBuf),
    /// A buf image or `FileDescriptorSet` file, in any encoding buf writes.
    Image(ImageRef),
}

impl Against {
    pub fn parse(value: &str) -> Result<Against> {
        if let Some(image) = ImageRef::parse(value)? {
            return Ok(Against::Image(image));
        }
        match Spec::parse(value)? {
            Spec::Git(git) => return Ok(Against::Git(git)),
            Spec::Archive(archive) => return Ok(Against::Archive(archive)),
            // A file is resolved as an input is, options and all.
            Spec::ProtoFile { path, .. } if path.is_file() => {
                return Ok(Against::Dir(PathBuf::from(value)))
            }
            Spec::Dir(path) => return Ok(Against::Dir(path)),
            Spec::ProtoFile { .. } | Spec::Plain => {}
        }
        let p = Path::new(value);
        let looks_like_path = value.starts_with("./")
            || value.starts_with("../")
            || value.starts_with('/')
            || value.ends_with('/')
            || p.extension().is_some_and(|x| x == "proto");
        if looks_like_path && !p.exists() {
            return Err(Error::Usage(format!(
                "--against {value:?}: no such directory or file"
            )));
        }
        if p.is_dir() {
            return Ok(Against::Dir(p.to_path_buf()));
        }
        Ok(Against::Revision(value.to_string()))
    }
}

/// Reads what `--against` names, ready to compile. A revision is read at the place of
/// `input_root` (the input's workspace root) in its repository; `against_config` replaces the
/// configuration found on that side.
///
/// A directory is resolved exactly as the input is, by `resolve_dir`: that resolution belongs to
/// the invocation, which comes later in the flow than this module, so the caller hands it in.
pub fn load(
    value: &str,
    input_root: &Path,
    against_config: Option<&str>,
    resolve_dir: impl FnOnce(&Path) -> Result<(Workspace, FileSet)>,
) -> Result<Prepared> {
    match Against::parse(value)? {
        Against::Revision(rev) => GitSide::for_revision(input_root, &rev)?.load(against_config),
        Against::Git(git) => GitSide::for_buf_syntax(&git)?.load(against_config),
        Against::Archive(archive) => load_archive(&archive, against_config),
        Against::Image(image) => load_image(&image).map(|l| Prepared::Compiled(Box::new(l))),
        Against::Dir(dir) => {
            let (workspace, set) = resolve_dir(&dir)?;
            let dep_includes = deps::resolve(&workspace, &crate::config::read_disk)?;
            Ok(Prepared::Files {
                workspace,
                set,
                label: dir.display().to_string(),
                dep_includes,
            })
        }
    }
}

/// Revision `rev` of the repository that contains `input_root`, read at the input's place in it,
/// with the configuration found there: what `--against REV` reads, for `lint --since REV`.
pub fn load_revision(rev: &str, input_root: &Path) -> Result<Prepared> {
    GitSide::for_revision(input_root, rev)?.load(None)
}

/// `--path` and `--exclude-path` (`filter`) narrow the against side the same way as the input,
/// by workspace path; `--limit-to-input-files` keeps only the against files that `new` (the
/// input) still targets.
pub fn narrow(old: &mut Loaded, filter: &Filter, new: &Schema, limit_to_input_files: bool) {
    let narrowed = !filter.paths.is_empty() || !filter.exclude_paths.is_empty();
    if !narrowed && !limit_to_input_files {
        return;
    }
    let targets = new.target_names();
    for source in old.schema.sources.values_mut() {
        let Some(source) = Arc::get_mut(source) else {
            continue;
        };
        let keep = if limit_to_input_files {
            targets.contains(source.file.name.as_str())
        } else {
            filter.admits(&source.file.workspace_path)
        };
        source.file.is_target &= keep;
    }
}

/// The against side, read and compiled.
pub struct Loaded {
    /// `None` for a descriptor set.
    pub workspace: Option<Workspace>,
    pub schema: Schema,
    /// How to name this side in messages (`main`, `v1.2:proto`, a path).
    pub label: String,
}

/// The against side, read and ready to compile (or compiled already: a descriptor set).
pub enum Prepared {
    Files {
        workspace: Workspace,
        set: FileSet,
        label: String,
        /// The side's own locked dependencies (its `buf.lock`, read where the side is).
        dep_includes: Vec<PathBuf>,
    },
    Compiled(Box<Loaded>),
}

impl Prepared {
    /// Compiles the side, reusing what `input` (the side compared with it) compiled from the
    /// same text. A side that does not compile has its errors in its schema: see
    /// [`Loaded::compile_findings`]. Once both sides compile, a message set in either refuses
    /// the run, the input's first, as buf refuses it ([`schema::message_sets`]).
    pub fn compile(self, options: &schema::CompileOptions, input: &Schema) -> Result<Loaded> {
        let loaded = self.compile_side(options, input)?;
        if loaded.schema.errors.is_empty() {
            use schema::message_sets::{refuse, Side};
            refuse(input, Side::Input, options.allow_message_sets)?;
            refuse(&loaded.schema, Side::Against, options.allow_message_sets)?;
        }
        Ok(loaded)
    }

    fn compile_side(self, options: &schema::CompileOptions, input: &Schema) -> Result<Loaded> {
        Ok(match self {
            Prepared::Compiled(loaded) => *loaded,
            Prepared::Files {
                workspace,
                set,
                label,
                dep_includes,
            } => Loaded {
                schema: schema::compile_reusing(
                    &set,
                    &schema::CompileOptions {
                        dep_includes,
                        ..options.clone()
                    },
                    input,
                )?,
                workspace: Some(workspace),
                label,
            },
        })
    }
}

impl Prepared {
    /// Whether the side is a workspace where a file belongs to two modules, which is compiled
    /// and compared module by module ([`FileSet::shares_files`]).
    pub fn shares_files(&self) -> bool {
        matches!(self, Prepared::Files { set, .. } if set.shares_files())
    }

    /// The modules this side targets, in path order (`None` for a descriptor set).
    pub fn target_modules(&self) -> Option<Vec<usize>> {
        match self {
            Prepared::Files { set, .. } => Some(set.target_modules()),
            Prepared::Compiled(_) => None,
        }
    }

    /// The side's module `module` (an index of its own workspace), when modules are compared
    /// apart: that module's targets alone if files are shared between modules, else all of them
    /// (the comparison takes module `module`'s). A descriptor set has no modules to take apart.
    pub fn for_module(&self, module: usize) -> Result<Prepared> {
        match self {
            Prepared::Files {
                workspace,
                set,
                label,
                dep_includes,
            } => Ok(Prepared::Files {
                workspace: workspace.clone(),
                dep_includes: dep_includes.clone(),
                set: if set.shares_files() {
                    set.for_module(module)
                } else {
                    set.clone()
                },
                label: label.clone(),
            }),
            Prepared::Compiled(loaded) => Err(Error::Input(format!(
                "the input has a module nested in another that does not exclude it, so its modules are compared one by one, which sous does against a directory or a git revision, not against the descriptor set {}: exclude the inner module from the outer one, or compare against the sources",
                loaded.label
            ))),
        }
    }
}

impl Loaded {
    /// buf parity: when the against side does not compile, buf reports its errors as `COMPILE`
    /// findings and compares nothing. A file of a directory is shown as always; a file of a git
    /// tree by its path in the tree, without the revision (`proto/a.proto`, not
    /// `main:proto/a.proto`).
    pub fn compile_findings(&self) -> Vec<Finding> {
        let prefix = format!("{}:", self.label);
        let mut errors = self.schema.errors.clone();
        for error in &mut errors {
            if let Some(path) = error.path.as_mut() {
                if let Some(rest) = path.strip_prefix(&prefix) {
                    *path = rest.to_string();
                }
            }
        }
        sort_and_dedup(&mut errors);
        errors
    }
}

/// Reads an archive: its workspace found from `subdir=` upward, its files shown by their paths
/// in the archive, as buf shows them.
fn load_archive(archive: &archive::Spec, against_config: Option<&str>) -> Result<Prepared> {
    let name = archive.path.display().to_string();
    let tree = archive.read(&name)?;
    let found = tree::load(
        &tree,
        &archive.subdir,
        against_config.map(|value| ("--against-config", value)),
        &format!("compare against {name}:{}", archive.subdir),
        &|path: &str| path.to_string(),
    )?;
    let (workspace, set) = found.selected_alone();
    let dep_includes = deps::resolve(&workspace, &|p: &Path| tree::read_text(&tree, p))?;
    Ok(Prepared::Files {
        workspace,
        set,
        label: name,
        dep_includes,
    })
}

/// Reads an image file (`buf build -o`, `protoc --descriptor_set_out`): its targets are its
/// files that are not imports, as for an image given as the input.
fn load_image(image: &ImageRef) -> Result<Loaded> {
    loaded_image(image.read()?)
}

/// The against side the bytes of a binary image (or any `FileDescriptorSet`) make, named
/// `label` in messages: what the fuzz target `against_set` feeds.
pub fn descriptor_set(bytes: &[u8], label: &str) -> Result<Loaded> {
    loaded_image(Decoded::new(bytes.to_vec(), Path::new(label))?)
}

fn loaded_image(decoded: Decoded) -> Result<Loaded> {
    let label = decoded.label.clone();
    Ok(Loaded {
        workspace: None,
        schema: schema::image::from_image(decoded, &Filter::default(), false)?,
        label,
    })
}
