//! One function per subcommand, wiring the stages together and deciding the exit code.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::against::{self, Against, GitSide, Loaded, Prepared};
use crate::catalog::{self, Kind};
use crate::cli::{
    BreakingArgs, BuildArgs, Cli, ColorChoice, Command, ConfigCommand, ErrorFormat, InputArgs,
    LintArgs, ListFormat, LsRulesArgs, OutputArgs,
};
use crate::config::{clean, Version, Workspace};
use crate::error::{Error, Result};
use crate::finding::{sort_and_dedup, Finding};
use crate::input::{FileSet, Filter};
use crate::{breaking, lint, report, schema};

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
        Command::Breaking(args) => run_breaking(&args),
        Command::Build(args) => run_build(&args),
        Command::Config(ConfigCommand::LsLintRules(args)) => ls_rules(Kind::Lint, &args),
        Command::Config(ConfigCommand::LsBreakingRules(args)) => ls_rules(Kind::Breaking, &args),
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

/// Reads and compiles the input side, as lint and breaking both need it.
fn compile_input(args: &InputArgs, purpose: schema::Purpose) -> Result<(Resolved, schema::Schema)> {
    let resolved = resolve_input(args)?;
    crate::trace::mark("input resolved");
    let options = compile_options(&resolved.workspace, args, purpose);
    let schema = compile_resolved(&resolved, &options)?;
    Ok((resolved, schema))
}

/// Compiles the files of a resolved input.
fn compile_resolved(
    resolved: &Resolved,
    options: &schema::CompileOptions,
) -> Result<schema::Schema> {
    let set = discover_resolved(resolved)?;
    crate::trace::stage("compile", || schema::compile(&set, options))
}

/// How the input compiles, with the environment read once, here: lint's pool policy,
/// `SOUS_LINK_GROUPS` (at most this many link groups, for tests and profiling), and the
/// workspace's `deps:` entries, which a missing import names.
fn compile_options(
    workspace: &Workspace,
    args: &InputArgs,
    purpose: schema::Purpose,
) -> schema::CompileOptions {
    let max_groups = std::env::var("SOUS_LINK_GROUPS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(usize::MAX);
    schema::CompileOptions {
        pools: (purpose == schema::Purpose::Lint).then(lint::pools::policy),
        max_groups,
        deps: Some(
            workspace
                .modules
                .iter()
                .flat_map(|m| m.deps.iter().cloned())
                .collect(),
        ),
        ..schema::CompileOptions::new(purpose, &args.includes)
    }
}

/// The files of a resolved input; an error when it targets none.
fn discover_resolved(resolved: &Resolved) -> Result<FileSet> {
    let set = FileSet::discover(
        &resolved.workspace,
        &resolved.filter,
        resolved.modules.as_deref(),
    )?;
    crate::trace::mark("files found");
    if set.targets().next().is_none() {
        return Err(Error::Input(
            "no .proto files were targeted: the input has none, --path names files that do not exist, or --exclude-path excludes them all".into(),
        ));
    }
    Ok(set)
}

fn run_lint(args: &LintArgs) -> Result<i32> {
    let (resolved, schema) = compile_input(&args.input, schema::Purpose::Lint)?;
    let findings: Vec<Finding> = if schema.errors.is_empty() {
        crate::trace::stage("lint rules", || lint::run(&resolved.workspace, &schema))?
    } else {
        schema.errors.clone()
    };
    let code = print_findings(Kind::Lint, &args.output, findings, schema.sources.values());
    discard(schema);
    discard(resolved);
    code
}

/// Sorts, de-duplicates and writes `findings` as `output` asks (stdout, or a file written
/// atomically), and returns the exit code they mean.
fn print_findings<'a>(
    kind: Kind,
    output: &OutputArgs,
    mut findings: Vec<Finding>,
    sources: impl IntoIterator<Item = &'a std::sync::Arc<schema::Source>>,
) -> Result<i32> {
    use std::io::IsTerminal;
    sort_and_dedup(&mut findings);
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
    let report = report::Report {
        kind,
        findings: &findings,
        sources: sources
            .into_iter()
            .map(|s| (s.file.display.clone(), s.clone()))
            .collect(),
        color,
    };
    // Streamed, not built in memory first: a large tree's report is tens of megabytes.
    let write = |out: &mut dyn Write| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        crate::trace::stage("report", || report::write(&mut out, format, &report))?;
        out.flush()
    };
    match &output.output {
        Some(path) => write_atomically(path, write)?,
        None => write(&mut std::io::stdout().lock()).map_err(|e| Error::io("<stdout>", e))?,
    }
    if let Some(line) = report::summary(format, &report) {
        eprintln!("{line}");
    }
    Ok(if findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Has `write` write next to `path`, then renames the result into place, so that readers never
/// see half a report; on failure nothing is left behind.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "report".into());
    let tmp = path.with_file_name(format!(".{name}.sous-tmp"));
    std::fs::File::create(&tmp)
        .and_then(|mut file| write(&mut file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&tmp, e)
        })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

fn run_breaking(args: &BreakingArgs) -> Result<i32> {
    if args.output.error_format == Some(ErrorFormat::ConfigIgnoreYaml) {
        return Err(Error::Usage(
            "--error-format config-ignore-yaml is for lint only, as in buf".into(),
        ));
    }
    let resolved = resolve_input(&args.input)?;
    crate::trace::mark("input resolved");
    // The against side is read while the input compiles, then compiled reusing every file the
    // input compiled from the same text.
    let options = compile_options(&resolved.workspace, &args.input, schema::Purpose::Breaking);
    let (schema, old) = rayon::join(
        || compile_resolved(&resolved, &options),
        || load_against(args, &resolved),
    );
    let schema = schema?;
    if !schema.errors.is_empty() {
        return print_findings(
            Kind::Breaking,
            &args.output,
            schema.errors.clone(),
            schema.sources.values(),
        );
    }
    // The against side compiles like the input, but a missing import there keeps the
    // compiler's words: the input workspace's `deps:` are not its own.
    let against = schema::CompileOptions {
        deps: None,
        ..options
    };
    let mut old = old?.compile(&against, &schema)?;
    crate::trace::mark("both sides compiled");
    if !old.schema.errors.is_empty() {
        let mut errors = old.schema.errors.clone();
        sort_and_dedup(&mut errors);
        let shown: Vec<String> = errors.iter().take(10).map(Finding::to_text).collect();
        return Err(Error::Input(format!(
            "the against side ({}) does not compile, so there is nothing to compare with:\n{}{}",
            old.label,
            shown.join("\n"),
            if errors.len() > 10 {
                format!("\n... and {} more", errors.len() - 10)
            } else {
                String::new()
            }
        )));
    }
    narrow_against(&mut old, &resolved, &schema, args.limit_to_input_files);
    let new_side = breaking::Side {
        workspace: Some(&resolved.workspace),
        schema: &schema,
    };
    let old_side = breaking::Side {
        workspace: old.workspace.as_ref(),
        schema: &old.schema,
    };
    let options = breaking::Options {
        exclude_imports: args.exclude_imports,
    };
    let findings = crate::trace::stage("breaking rules", || {
        breaking::run(&new_side, &old_side, options)
    })?;
    crate::trace::mark("rules done");
    let code = print_findings(
        Kind::Breaking,
        &args.output,
        findings,
        schema.sources.values().chain(old.schema.sources.values()),
    );
    discard(schema);
    discard(old);
    code
}

/// Lets go of a large value without freeing it: the process exits right after, and freeing the
/// millions of small descriptors of a large tree one by one took a fifth of a googleapis run.
fn discard<T>(value: T) {
    std::mem::forget(value);
}

/// Writes the compiled input as a `FileDescriptorSet`: targets and (unless excluded) their
/// imports, dependencies first, as `buf build -o` and `protoc --include_imports` order them.
fn run_build(args: &BuildArgs) -> Result<i32> {
    use prost::Message as _;
    let (_, schema) = compile_input(&args.input, schema::Purpose::Build)?;
    if !schema.errors.is_empty() {
        let output = OutputArgs {
            error_format: Some(args.error_format),
            color: ColorChoice::Never,
            output: None,
        };
        return print_findings(
            Kind::Lint,
            &output,
            schema.errors.clone(),
            schema.sources.values(),
        );
    }
    let targets: std::collections::HashSet<&str> = schema
        .sources
        .values()
        .filter(|s| s.file.is_target)
        .map(|s| s.file.name.as_str())
        .collect();
    let mut set = prost_types::FileDescriptorSet::default();
    for file in &schema.files {
        if args.exclude_imports && !targets.contains(file.name()) {
            continue;
        }
        let mut file = file.to_owned_proto();
        if args.exclude_source_info {
            file.source_code_info = None;
        }
        set.file.push(file);
    }
    let bytes = set.encode_to_vec();
    // Written next to the destination and renamed, so a failed run never leaves half a file.
    let tmp = args.output.with_extension("sous-tmp");
    std::fs::write(&tmp, &bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &args.output).map_err(|e| Error::io(&args.output, e))?;
    Ok(EXIT_OK)
}

/// Reads and compiles what `--against` names.
/// Reads what `--against` names, ready to compile.
fn load_against(args: &BreakingArgs, resolved: &Resolved) -> Result<Prepared> {
    match Against::parse(&args.against)? {
        Against::Revision(rev) => GitSide::for_revision(&resolved.workspace.root, &rev)?
            .load(args.against_config.as_deref()),
        Against::Git { repo, rev, subdir } => {
            GitSide::for_buf_syntax(&repo, rev.as_deref(), &subdir)?
                .load(args.against_config.as_deref())
        }
        Against::DescriptorSet(path) => {
            against::load_descriptor_set(&path).map(|l| Prepared::Compiled(Box::new(l)))
        }
        Against::Dir(dir) => {
            let input = InputArgs {
                input: dir.clone(),
                config: args.against_config.clone(),
                paths: Vec::new(),
                exclude_paths: Vec::new(),
                includes: args.input.includes.clone(),
            };
            let resolved = resolve_input(&input)?;
            let set = discover_resolved(&resolved)?;
            Ok(Prepared::Files {
                workspace: resolved.workspace,
                set,
                label: dir.display().to_string(),
            })
        }
    }
}

/// `--path` and `--exclude-path` narrow the against side the same way (by workspace path);
/// `--limit-to-input-files` keeps only the against files the input still targets.
fn narrow_against(
    old: &mut Loaded,
    resolved: &Resolved,
    new: &schema::Schema,
    limit_to_input_files: bool,
) {
    let filter = &resolved.filter;
    let narrowed = !filter.paths.is_empty() || !filter.exclude_paths.is_empty();
    if !narrowed && !limit_to_input_files {
        return;
    }
    let targets: std::collections::HashSet<&str> = new
        .sources
        .values()
        .filter(|s| s.file.is_target)
        .map(|s| s.file.name.as_str())
        .collect();
    for source in old.schema.sources.values_mut() {
        let Some(source) = std::sync::Arc::get_mut(source) else {
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

fn ls_rules(kind: Kind, args: &LsRulesArgs) -> Result<i32> {
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
        let enabled = match kind {
            Kind::Lint => lint::enabled_ids(&module.lint),
            Kind::Breaking => breaking::enabled_ids(&module.breaking),
        }
        .map_err(|id| Error::Usage(format!("{id:?} is not a known rule or category")))?;
        (module.lint.version, Some(enabled))
    } else {
        let version = match &args.version {
            Some(v) => Version::parse(v).unwrap_or(Version::V2),
            None => Workspace::discover(Path::new("."))?.map_or(Version::V2, |ws| ws.version),
        };
        (version, None)
    };
    let rules: Vec<&catalog::Entry> = catalog::rules(kind, version)
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
    use std::io::IsTerminal;
    let mut out = std::io::stdout().lock();
    let styled = out.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    write!(out, "{}", report::render_markdown(entry.body, styled))
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(EXIT_OK)
}
