//! One function per subcommand, wiring the stages together and deciding the exit code.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::catalog::{self, Kind};
use crate::cli::{Cli, Command, ConfigCommand, InputArgs, LintArgs, ListFormat, LsRulesArgs};
use crate::config::{clean, Version, Workspace};
use crate::error::{Error, Result};
use crate::finding::{sort_and_dedup, Finding};
use crate::input::{FileSet, Filter};
use crate::{lint, report, schema};

pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_FINDINGS: i32 = 100;

/// Runs sous with `args` and returns the process exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let result = match cli.command {
        Command::Lint(args) => run_lint(&args),
        Command::Config(ConfigCommand::LsLintRules(args)) => ls_lint_rules(&args),
        Command::Explain { rule } => explain(&rule),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Failure: {e}");
            EXIT_ERROR
        }
    }
}

/// What an input argument resolves to: the workspace, which modules are targeted, and the
/// narrowing filter.
pub struct Resolved {
    pub workspace: Workspace,
    pub modules: Option<Vec<usize>>,
    pub filter: Filter,
}

/// Finds the workspace for `args.input` the way buf does.
pub fn resolve_input(args: &InputArgs) -> Result<Resolved> {
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
        filter.paths.push(relative_to_root(&workspace.root, file)?);
    } else if dir_rel != "." {
        match workspace.modules.iter().position(|m| m.dir == dir_rel) {
            Some(i) => modules = Some(vec![i]),
            None => {
                let hint = workspace
                    .module_containing(&dir_rel)
                    .map(|m| format!("it is inside module {:?}", m.dir))
                    .unwrap_or_else(|| "it is not a module of the workspace".to_string());
                return Err(Error::Input(format!(
                    "cannot lint {} on its own: {hint}. Give the workspace or module directory as input and narrow with --path {}",
                    input.display(),
                    input.display()
                )));
            }
        }
    }
    for p in &args.paths {
        filter.paths.push(relative_to_root(&workspace.root, p)?);
    }
    for p in &args.exclude_paths {
        filter
            .exclude_paths
            .push(relative_to_root(&workspace.root, p)?);
    }
    Ok(Resolved {
        workspace,
        modules,
        filter,
    })
}

/// A path given on the command line (relative to the current directory), made relative to the
/// workspace root.
fn relative_to_root(root: &Path, path: &Path) -> Result<String> {
    let abs = |p: &Path| -> PathBuf {
        PathBuf::from(clean(
            &std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
        ))
    };
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

fn run_lint(args: &LintArgs) -> Result<i32> {
    let resolved = resolve_input(&args.input)?;
    let set = FileSet::discover(
        &resolved.workspace,
        &resolved.filter,
        resolved.modules.as_deref(),
    )?;
    if set.targets().next().is_none() {
        return Err(Error::Input(
            "no .proto files were targeted: the input has none, --path names files that do not exist, or --exclude-path excludes them all".into(),
        ));
    }
    let includes: Vec<PathBuf> = args.input.includes.clone();
    let schema = schema::compile(&set, &includes)?;
    let mut findings: Vec<Finding> = if schema.errors.is_empty() {
        lint::run(&resolved.workspace, &schema)?
    } else {
        explain_missing_imports(&resolved.workspace, schema.errors.clone())
    };
    sort_and_dedup(&mut findings);
    let mut stdout = std::io::stdout().lock();
    report::write(&mut stdout, args.error_format, &findings)
        .map_err(|e| Error::io("<stdout>", e))?;
    stdout.flush().ok();
    Ok(if findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// A missing import that a `deps:` entry would provide gets a message saying how to provide it.
fn explain_missing_imports(ws: &Workspace, mut errors: Vec<Finding>) -> Vec<Finding> {
    let deps: Vec<&String> = ws.modules.iter().flat_map(|m| &m.deps).collect();
    for e in &mut errors {
        if let Some(name) = e
            .message
            .strip_prefix("import '")
            .and_then(|r| r.split_once('\''))
            .map(|(n, _)| n.to_string())
        {
            let hint = match deps.as_slice() {
                [] => " (no file of the workspace, no include directory and no well-known type has this path: check the path, or pass the directory that contains it with -I)".to_string(),
                deps => format!(
                    " (it probably comes from a `deps:` entry ({}), which sous cannot download: pass a local copy of that module with -I DIR)",
                    deps.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
                ),
            };
            e.message = format!("import {name:?} was not found{hint}");
        }
    }
    errors
}

fn ls_lint_rules(args: &LsRulesArgs) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    let (version, enabled) = if args.configured_only {
        let ws = match &args.config {
            Some(value) => Workspace::from_flag(Path::new("."), value)?,
            None => Workspace::discover(Path::new("."))?
                .unwrap_or_else(|| Workspace::default_at(Path::new("."))),
        };
        let module = match (&args.module_path, ws.modules.as_slice()) {
            (Some(p), modules) => {
                let p = crate::config::join_rel(".", p);
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
        let enabled = lint::enabled_ids(&module.lint)
            .map_err(|id| Error::Usage(format!("{id:?} is not a known lint rule or category")))?;
        (module.lint.version, Some(enabled))
    } else {
        let version = match &args.version {
            Some(v) => Version::parse(v).unwrap_or(Version::V2),
            None => Workspace::discover(Path::new("."))?.map_or(Version::V2, |ws| ws.version),
        };
        (version, None)
    };
    let rules: Vec<&catalog::Entry> = catalog::rules(Kind::Lint, version)
        .into_iter()
        .filter(|e| match &enabled {
            Some(set) => set.contains(e.id.as_str()),
            None => args.include_deprecated || !e.deprecated,
        })
        .collect();
    report::write_rule_list(&mut out, args.format == ListFormat::Json, version, &rules)
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(EXIT_OK)
}

fn explain(rule: &str) -> Result<i32> {
    let entry = catalog::get(&rule.to_ascii_uppercase()).ok_or_else(|| {
        Error::Usage(format!(
            "{rule:?} is not a known rule: list them with `sous config ls-lint-rules`"
        ))
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", entry.body.trim()).map_err(|e| Error::io("<stdout>", e))?;
    Ok(EXIT_OK)
}
