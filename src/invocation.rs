//! Raw arguments turned into a resolved invocation (ripgrep's split: clap parses flags in `cli`,
//! this module decides what they mean): the workspace an input names, which of its modules are
//! targets, `--path` and `--exclude-path` made relative to the workspace root, the files targeted,
//! a report's format and colour, and for `config ls-*-rules` the configuration version or module
//! whose rules are listed.
//!
//! Inputs that are not a plain directory or file have modules of their own: `tree.rs` (a git
//! revision or an archive, read into memory) and `package.rs` (`include_package_files`).

mod package;
mod tree;
mod undeclared;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::catalog::Kind;
use crate::cli::{ColorChoice, ErrorFormat, InputArgs, LsRulesArgs, OutputArgs};
use crate::config::{read_disk, Version, Workspace};
use crate::error::{Error, Result};
use crate::input::spec::Spec;
use crate::input::{FileSet, Filter, Shown};
use crate::paths::{absolute, clean, join_rel, relative_from};
use crate::{deps, lint, schema};

/// What an input argument resolves to: the workspace, which modules are targeted, and the
/// narrowing filter.
pub struct Resolved {
    pub workspace: Workspace,
    /// How a relative input directory is shown (see [`Shown`]); `None` for an absolute one.
    pub shown: Option<Shown>,
    pub modules: Option<Vec<usize>>,
    pub filter: Filter,
    /// For an input read into memory (a git revision, an archive): its files and dependencies.
    pub memory: Option<Box<tree::Memory>>,
    /// Whether the input is a `.proto` file, whose path (and its package's) is in `filter`.
    pub file_input: bool,
}

impl Resolved {
    /// Where the input is on disk, for `--against REV`, compared at the input's place in its
    /// repository: the workspace root, or for an input read into memory its own place.
    pub fn place(&self) -> &Path {
        self.memory
            .as_ref()
            .map_or(&self.workspace.root, |m| &m.place)
    }

    /// What narrows the `--against` side: `--path` and `--exclude-path`, never a file input's own
    /// path (buf parity: `breaking a.proto --against DIR` compares with all of DIR, so the other
    /// files are deleted).
    pub fn against_filter(&self) -> Filter {
        if self.file_input {
            Filter::default()
        } else {
            self.filter.clone()
        }
    }
}

/// What an input is resolved for, which the messages about it name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Lint,
    Build,
    /// The input of `breaking`.
    Breaking,
    /// The `--against` side of `breaking`.
    Against,
}

impl Action {
    /// "lint proto/acme", "compare against ../old", ...: what cannot be done with `input`.
    fn doing(self, input: &Path) -> String {
        let input = input.display();
        match self {
            Action::Lint => format!("lint {input}"),
            Action::Build => format!("build {input}"),
            Action::Breaking => format!("check {input} for breaking changes"),
            Action::Against => format!("compare against {input}"),
        }
    }
}

/// Finds the workspace for `args.input` the way buf does.
pub fn resolve_input(args: &InputArgs, action: Action) -> Result<Resolved> {
    let resolved = resolve_unchecked(args, action)?;
    // buf parity: the rule IDs a configuration names are refused where they are used, not by
    // `build` nor on the against side (see `config::UnknownRules`).
    match action {
        Action::Lint => resolved.workspace.check_rules_for(Kind::Lint)?,
        Action::Breaking => resolved.workspace.check_rules_for(Kind::Breaking)?,
        Action::Build | Action::Against => {}
    }
    Ok(resolved)
}

fn resolve_unchecked(args: &InputArgs, action: Action) -> Result<Resolved> {
    match Spec::parse(&args.input.to_string_lossy())? {
        Spec::Git(git) => return tree::resolve_git(&git, args, action),
        Spec::Archive(archive) => return tree::resolve_archive(&archive, args, action),
        Spec::ProtoFile {
            path,
            include_package_files,
        } if path != args.input => {
            return package::resolve(path, include_package_files, args, action)
        }
        Spec::Dir(path) => return package::resolve(path, false, args, action),
        Spec::ProtoFile { .. } | Spec::Plain => {}
    }
    let input = &args.input;
    let meta =
        std::fs::metadata(input).map_err(|e| Error::Input(format!("{}: {e}", input.display())))?;
    let (dir, file) = if meta.is_file() {
        if input.extension().is_none_or(|x| x != "proto") {
            return Err(Error::Input(format!(
                "{}: a file input must be a .proto file",
                input.display()
            )));
        }
        let parent = input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        (parent.to_path_buf(), Some(input.clone()))
    } else {
        (input.clone(), None)
    };
    if file.is_none() {
        refuse_the_input_as_a_path(&dir, args)?;
    } else if let Some(flag) = [
        ("--path", &args.paths),
        ("--exclude-path", &args.exclude_paths),
    ]
    .iter()
    .find_map(|(flag, paths)| (!paths.is_empty()).then_some(flag))
    {
        // buf parity: a file input is narrowed already; buf refuses both flags with it.
        return Err(Error::Input(format!(
            "{flag} narrows a directory input, and {} is a file: give its directory as input with {flag}, or drop {flag}",
            input.display()
        )));
    }

    let workspace = match &args.config {
        Some(value) => Workspace::from_flag(&dir, value)?,
        None => match Workspace::discover(&dir)? {
            Some(ws) => ws,
            None => Workspace::default_at(&dir),
        },
    };

    let mut filter = Filter::default();
    let mut modules = None;
    let dir_rel = relative_to_root(&workspace.root, &dir)?;
    if let Some(file) = &file {
        let rel = relative_to_root(&workspace.root, file)?;
        // buf parity: a file input is its module's, compared alone with the against side.
        modules = workspace
            .modules
            .iter()
            .position(|m| {
                Some(m.dir.as_str()) == workspace.module_containing(&rel).map(|c| c.dir.as_str())
            })
            .map(|i| vec![i]);
        filter.paths.push(rel);
    } else if dir_rel != "." {
        match workspace.modules.iter().position(|m| m.dir == dir_rel) {
            Some(i) => modules = Some(vec![i]),
            None => {
                let hint = workspace
                    .module_containing(&dir_rel)
                    .map(|m| match &workspace.file {
                        Some(file) => {
                            format!("it is inside module {:?} of {}", m.dir, file.display())
                        }
                        None => format!("it is inside module {:?}", m.dir),
                    })
                    .unwrap_or_else(|| "it is not a module of the workspace".to_string());
                let instead = match action {
                    Action::Against => {
                        "Give the workspace or module directory as --against instead".to_string()
                    }
                    _ => format!(
                        "Give the workspace or module directory as input and narrow with --path {}",
                        input.display()
                    ),
                };
                return Err(Error::Input(format!(
                    "cannot {} on its own: {hint}. {instead}",
                    action.doing(input)
                )));
            }
        }
    }
    // buf parity: a module is chosen by giving its directory as the input, never by --path or
    // --exclude-path (which buf refuses for a module directory).
    let module_dir = |rel: &str| workspace.modules.iter().any(|m| m.dir == rel);
    for p in &args.paths {
        let rel = relative_to_root(&workspace.root, p)?;
        if module_dir(&rel) {
            return Err(Error::Input(format!(
                "--path {} is the directory of module {rel:?}: give it as the input to check that module alone",
                p.display()
            )));
        }
        filter.paths.push(rel);
    }
    for p in &args.exclude_paths {
        let rel = relative_to_root(&workspace.root, p)?;
        if module_dir(&rel) {
            return Err(Error::Input(format!(
                "--exclude-path {} is the directory of module {rel:?}, which --exclude-path cannot leave out: give the other modules' directories as input, or exclude the module in the configuration",
                p.display()
            )));
        }
        filter.exclude_paths.push(rel);
    }
    // buf parity: a file input shows its module's files from the module directory.
    let shown_dir = match &file {
        Some(file) => relative_to_root(&workspace.root, file)
            .ok()
            .and_then(|f| workspace.module_containing(&f))
            .map_or_else(|| dir_rel.clone(), |m| m.dir.clone()),
        None => dir_rel.clone(),
    };
    let from_here = |ws_path: &str| {
        relative_from(
            &absolute(Path::new(".")),
            &absolute(&workspace.root.join(ws_path)),
        )
    };
    let shown = (!dir.is_absolute()).then(|| {
        let mut paths: Vec<(String, String)> = filter.paths[usize::from(file.is_some())..]
            .iter()
            .map(|p| (p.clone(), from_here(p)))
            .collect();
        // The outermost first, as the walk from it gives the files (see `FileSet::discover`).
        paths.sort();
        Shown {
            as_shown: from_here(&shown_dir),
            input: shown_dir,
            paths,
        }
    });
    Ok(Resolved {
        workspace,
        shown,
        modules,
        memory: None,
        file_input: file.is_some(),
        filter,
    })
}

/// buf parity: a `--path` that is the input directory itself narrows nothing, and an
/// `--exclude-path` that is would leave nothing; buf refuses both, however they are spelled.
fn refuse_the_input_as_a_path(dir: &Path, args: &InputArgs) -> Result<()> {
    let same = |p: &Path| clean(&absolute(p)) == clean(&absolute(dir));
    if let Some(p) = args.paths.iter().find(|p| same(p)) {
        return Err(Error::Input(format!(
            "--path {} is the input directory itself, so it narrows nothing: drop it, or name a directory or file inside the input",
            p.display()
        )));
    }
    if let Some(p) = args.exclude_paths.iter().find(|p| same(p)) {
        return Err(Error::Input(format!(
            "--exclude-path {} is the input directory itself, so it would exclude every file: name a directory or file inside the input",
            p.display()
        )));
    }
    Ok(())
}

/// A path given on the command line (relative to the current directory), made relative to the
/// workspace root.
fn relative_to_root(root: &Path, path: &Path) -> Result<String> {
    let abs = |p: &Path| PathBuf::from(clean(&absolute(p)));
    let (root_abs, path_abs) = (abs(root), abs(path));
    match path_abs.strip_prefix(&root_abs) {
        Ok(rel) => Ok(clean(rel)),
        Err(_) => Err(Error::Input(format!(
            "{} is outside the workspace at {}",
            path.display(),
            root.display()
        ))),
    }
}

/// The files of a resolved input; an error when it targets none.
pub fn discover_resolved(resolved: &Resolved) -> Result<FileSet> {
    let set = match &resolved.memory {
        Some(memory) => memory.set.clone(),
        None => FileSet::discover(
            &resolved.workspace,
            &resolved.filter,
            resolved.modules.as_deref(),
            resolved.shown.clone(),
        )?,
    };
    crate::trace::mark("files found");
    if set.targets().next().is_none() {
        return Err(Error::Input(
            "no .proto files were targeted: the input has none, --path names files that do not exist, or --exclude-path excludes them all".into(),
        ));
    }
    // buf parity: every module targeted must have a .proto file, even when the others have some
    // (an outer module whose excludes leave it nothing, a module directory that is empty).
    if resolved.filter.paths.is_empty() {
        let ws = &resolved.workspace;
        for (index, module) in ws.modules.iter().enumerate() {
            let targeted = resolved.modules.as_ref().is_none_or(|m| m.contains(&index));
            if targeted && !set.files.values().any(|f| f.module == Some(index)) {
                let of = ws
                    .file
                    .as_ref()
                    .map(|f| format!(" of {}", f.display()))
                    .unwrap_or_default();
                return Err(Error::Input(format!(
                    "module {:?}{of} has no .proto files (its excludes may leave it none): add files, or remove the module",
                    module.dir
                )));
            }
        }
    }
    Ok(set)
}

/// `--against DIR`: the directory resolved as an input would be, with `--against-config` as its
/// `--config`, and its files.
pub fn resolve_against_dir(
    dir: &Path,
    against_config: Option<&str>,
) -> Result<(Workspace, FileSet)> {
    let input = InputArgs {
        input: dir.to_path_buf(),
        config: against_config.map(str::to_string),
        paths: Vec::new(),
        exclude_paths: Vec::new(),
        includes: Vec::new(),
        // The process-wide switch (deps::fetch::offline) applies to this side too.
        offline: false,
        // Read from the compile options of the run, not from here.
        allow_message_sets: false,
    };
    let resolved = resolve_input(&input, Action::Against)?;
    let set = discover_resolved(&resolved)?;
    Ok((resolved.workspace, set))
}

/// How a report is written: `--error-format`, else pretty on a terminal and text otherwise; and
/// whether it is coloured: `--color`, where `auto` means a terminal and no `NO_COLOR`.
pub fn report_style(output: &OutputArgs) -> (ErrorFormat, bool) {
    use std::io::IsTerminal;
    let to_terminal = output.output.is_none() && std::io::stdout().is_terminal();
    let format = output.error_format.unwrap_or(if to_terminal {
        ErrorFormat::Pretty
    } else {
        ErrorFormat::Text
    });
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    (format, color)
}

/// What `config ls-*-rules` lists: the rules of a configuration version, and with
/// `--configured-only` the set the chosen module's configuration enables.
pub fn rule_listing(
    kind: Kind,
    args: &LsRulesArgs,
) -> Result<(Version, Option<BTreeSet<&'static str>>)> {
    // buf parity: `--version ''` is no `--version` at all.
    let version = args.version.as_deref().filter(|v| !v.is_empty());
    if args.configured_only {
        if version.is_some() {
            return Err(Error::Usage(
                "--version lists every rule of a configuration version, --configured-only the rules a configuration enables: give one of them".into(),
            ));
        }
        let ws = match &args.config {
            Some(value) => Workspace::from_flag(Path::new("."), value)?,
            None => Workspace::discover(Path::new("."))?
                .unwrap_or_else(|| Workspace::default_at(Path::new("."))),
        };
        ws.check_rules_for(kind)?;
        let module = match (&args.module_path, ws.modules.as_slice()) {
            (Some(p), modules) => {
                let p = join_rel(".", p);
                modules.iter().find(|m| m.dir == p).ok_or_else(|| {
                    Error::Usage(format!("no module with path {p:?} in the configuration"))
                })?
            }
            (None, [one]) => one,
            (None, _) => {
                return Err(Error::Usage(
                    "the configuration has several modules: choose one with --module-path".into(),
                ))
            }
        };
        let enabled = match kind {
            Kind::Lint => module.lint.enabled.clone(),
            Kind::Breaking => module.breaking.enabled.clone(),
        };
        Ok((module.lint.version, Some(enabled)))
    } else {
        let version = match version {
            Some(v) => Version::parse(v).ok_or_else(|| {
                Error::Usage(format!(
                    "--version {v:?} is not a configuration version: use v2, v1 or v1beta1 (case matters)"
                ))
            })?,
            None => Workspace::discover(Path::new("."))?.map_or(Version::V2, |ws| ws.version),
        };
        Ok((version, None))
    }
}

/// Compiles one file set of the input, and warns on stderr, as buf does, of each import that
/// only an undeclared (transitive) dependency provides.
pub fn compile(
    workspace: &Workspace,
    set: &FileSet,
    options: &schema::CompileOptions,
) -> Result<schema::Schema> {
    let schema = schema::compile(set, options)?;
    if options.purpose == schema::Purpose::Lint {
        let allowed = options.allow_message_sets;
        schema::message_sets::refuse(&schema, schema::message_sets::Side::Input, allowed)?;
    }
    for warning in undeclared::undeclared_imports(workspace, set, &schema, &options.dep_includes) {
        crate::error::eprint_line(warning);
    }
    Ok(schema)
}

/// How an input compiles, with the environment read once, here: lint's pool policy,
/// `SOUS_LINK_GROUPS` (at most this many link groups, for tests and profiling), the
/// workspace's locked dependencies (from buf's module cache), and the `deps:` entries no lock
/// pins, which a missing import names.
pub fn compile_options(
    resolved: &Resolved,
    args: &InputArgs,
    purpose: schema::Purpose,
) -> Result<schema::CompileOptions> {
    let max_groups = std::env::var("SOUS_LINK_GROUPS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(usize::MAX);
    let workspace = &resolved.workspace;
    let (dep_includes, unpinned) = match &resolved.memory {
        Some(memory) => (memory.dep_includes.clone(), memory.unpinned.clone()),
        None => (
            crate::trace::stage("deps", || deps::resolve(workspace, &read_disk))?,
            deps::unpinned(workspace, &read_disk)?,
        ),
    };
    Ok(schema::CompileOptions {
        pools: match purpose {
            schema::Purpose::Lint => Some(lint::pools::policy()),
            // `sous build` keeps no pool: it reads the options as the compiler encoded them
            // from each pool before letting it go (`schema::editions::raw_options::of_pool`).
            _ => None,
        },
        max_groups,
        dep_includes,
        deps: Some(unpinned),
        allow_message_sets: args.allow_message_sets,
        ..schema::CompileOptions::new(purpose, &args.includes)
    })
}
