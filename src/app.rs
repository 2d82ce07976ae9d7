//! One function per subcommand, wiring the stages together and deciding the exit code.

mod listing;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::against;
use crate::catalog::Kind;
use crate::cli::{
    BreakingArgs, BuildArgs, Cli, ColorChoice, Command, ConfigCommand, ErrorFormat, InputArgs,
    LintArgs, OutputArgs,
};
use crate::error::{Error, Result};
use crate::finding::{sort_and_dedup, Finding};
use crate::input::FileSet;
use crate::invocation::{self, Resolved};
use crate::{atomic, breaking, cache, fix, image_input, lint, report, schema};

pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_FINDINGS: i32 = 100;

/// Runs sous with `args` and returns the process exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args).map(Cli::settled) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let input = match &cli.command {
        Command::Lint(args) => Some(&args.input),
        Command::Breaking(args) => Some(&args.input),
        Command::Build(args) => Some(&args.input),
        _ => None,
    };
    if input.is_some_and(|i| i.offline) {
        crate::deps::fetch::set_offline();
    }
    let result = match cli.command {
        Command::Lint(args) => run_lint(&args),
        Command::Breaking(args) => run_breaking(&args),
        Command::Build(args) => run_build(&args),
        Command::Config(ConfigCommand::LsLintRules(args)) => listing::ls_rules(Kind::Lint, &args),
        Command::Config(ConfigCommand::LsBreakingRules(args)) => {
            listing::ls_rules(Kind::Breaking, &args)
        }
        Command::Explain { rule } => listing::explain(&rule),
        Command::Lsp => crate::lsp::serve(),
    };
    match result {
        Ok(code) => code,
        // The reader of our output left (`sous lint | head -1`): nothing to say, to no one.
        Err(e) if e.is_broken_stdout() => EXIT_ERROR,
        Err(e) => {
            crate::error::eprint_line(format_args!("Failure: {e}"));
            EXIT_ERROR
        }
    }
}

/// Reads and compiles the input side, as lint and breaking both need it.
fn compile_input(args: &InputArgs, purpose: schema::Purpose) -> Result<(Resolved, schema::Schema)> {
    let action = match purpose {
        schema::Purpose::Build => invocation::Action::Build,
        _ => invocation::Action::Lint,
    };
    let resolved = invocation::resolve_input(args, action)?;
    crate::trace::mark("input resolved");
    let mut options = invocation::compile_options(&resolved, args, purpose)?;
    options.image = purpose == schema::Purpose::Build;
    let schema = compile_resolved(&resolved, &options)?;
    Ok((resolved, schema))
}

/// Compiles the files of a resolved input.
fn compile_resolved(
    resolved: &Resolved,
    options: &schema::CompileOptions,
) -> Result<schema::Schema> {
    // buf parity: `buf build` compiles a workspace in one piece, so a file shared by two nested
    // modules is defined twice there (a COMPILE finding).
    let set = invocation::discover_resolved(resolved)?;
    crate::trace::stage("compile", || {
        invocation::compile(&resolved.workspace, &set, options)
    })
}

fn run_lint(args: &LintArgs) -> Result<i32> {
    if let Some(image) = image_input::image_of(&args.input)? {
        let (findings, sources) = image_input::lint(args, &image)?;
        return print_findings(Kind::Lint, &args.output, findings, &sources);
    }
    let resolved = invocation::resolve_input(&args.input, invocation::Action::Lint)?;
    crate::trace::mark("input resolved");
    let options = invocation::compile_options(&resolved, &args.input, schema::Purpose::Lint)?;
    // One set, unless a module nested in another shares its files: then each module is compiled
    // and linted apart, as buf builds an image per module.
    let sets = invocation::discover_resolved(&resolved)?.per_module();
    let cache = cache::Run::lint(args, &resolved, &options, &sets);
    let print = |f, s: Vec<_>| print_findings(Kind::Lint, &args.output, f, s.iter());
    if let Some(code) = cache.as_ref().and_then(|c| c.replay(&args.output, print)) {
        return code;
    }
    let schemas = crate::trace::stage("compile", || {
        sets.iter()
            .map(|set| invocation::compile(&resolved.workspace, set, &options))
            .collect::<Result<Vec<_>>>()
    })?;
    if schemas.len() > 1 {
        schemas.iter().try_for_each(one_file_one_module)?;
    }
    let errors: Vec<Finding> = schemas.iter().flat_map(|s| s.errors.clone()).collect();
    let findings: Vec<Finding> = if errors.is_empty() {
        for policy in &resolved.workspace.policies {
            policy.check_for(Kind::Lint)?;
        }
        crate::trace::stage("lint rules", || {
            schemas
                .iter()
                .flat_map(|schema| lint::run(&resolved.workspace, schema))
                .collect()
        })
    } else {
        errors
    };
    if args.fixes.fix || args.fixes.diff || args.fixes.unsafe_fixes || args.add_ignores {
        let print = |f, s: Vec<_>| print_findings(Kind::Lint, &args.output, f, s.iter());
        let set = (&resolved.workspace, &sets[..], &schemas[..], &options);
        return fix::lint(args, set, findings, Box::new(print));
    }
    let findings = match &args.since {
        Some(rev) => lint::since::new_since(rev, &resolved.workspace.root, &options, findings)?,
        None => findings,
    };
    if let Some(cache) = cache {
        cache.store(&findings, &schemas.iter().collect::<Vec<_>>(), &args.output);
    }
    let sources = schemas.iter().flat_map(|s| s.sources.values());
    let code = print_findings(Kind::Lint, &args.output, findings, sources);
    discard(schemas);
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
    sort_and_dedup(&mut findings);
    let (format, color) = invocation::report_style(output);
    let counted = findings.iter().filter(|f| f.counts()).count();
    // Suppressed findings are carried, marked, only by the formats that can say so.
    if !matches!(format, ErrorFormat::Json | ErrorFormat::Sarif) {
        findings.retain(Finding::counts);
    }
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
        let mut out = std::io::BufWriter::with_capacity(1 << 16, cache::Tee(out));
        crate::trace::stage("report", || report::write(&mut out, format, &report))?;
        out.flush()
    };
    match &output.output {
        Some(path) => atomic::write(path, write)?,
        None => {
            write(&mut std::io::stdout().lock()).map_err(|e| Error::io(crate::error::STDOUT, e))?
        }
    }
    if let Some(line) = report::summary(format, &report) {
        crate::error::eprint_line(line);
    }
    let code = if counted == 0 { EXIT_OK } else { EXIT_FINDINGS };
    cache::reported(code);
    Ok(code)
}

fn run_breaking(args: &BreakingArgs) -> Result<i32> {
    if args.output.error_format == Some(ErrorFormat::ConfigIgnoreYaml) {
        return Err(Error::Usage(
            "--error-format config-ignore-yaml is for lint only, as in buf".into(),
        ));
    }
    if let Some(image) = image_input::image_of(&args.input)? {
        let (findings, sources) = image_input::breaking(args, &image)?;
        return print_findings(Kind::Breaking, &args.output, findings, &sources);
    }
    let resolved = invocation::resolve_input(&args.input, invocation::Action::Breaking)?;
    crate::trace::mark("input resolved");
    // The against side is read while the input compiles, then compiled reusing every file the
    // input compiled from the same text.
    let options = invocation::compile_options(&resolved, &args.input, schema::Purpose::Breaking)?;
    let cache = cache::Run::breaking(args, &resolved, &options);
    let print = |f, s: Vec<_>| print_findings(Kind::Breaking, &args.output, f, s.iter());
    if let Some(code) = cache.as_ref().and_then(|c| c.replay(&args.output, print)) {
        return code;
    }
    let (input, old) = rayon::join(
        || -> Result<(FileSet, Option<schema::Schema>)> {
            let set = invocation::discover_resolved(&resolved)?;
            // A workspace whose modules share files is compiled module by module, below.
            if set.shares_files() {
                return Ok((set, None));
            }
            let schema = crate::trace::stage("compile", || {
                invocation::compile(&resolved.workspace, &set, &options)
            })?;
            Ok((set, Some(schema)))
        },
        || {
            against::load(
                &args.against,
                resolved.place(),
                args.against_config.as_deref(),
                |dir| invocation::resolve_against_dir(dir, args.against_config.as_deref()),
            )
        },
    );
    let (set, schema) = input?;
    if let Some(schema) = schema.as_ref().filter(|s| !s.errors.is_empty()) {
        return print_findings(
            Kind::Breaking,
            &args.output,
            schema.errors.clone(),
            schema.sources.values(),
        );
    }
    let old = old?;
    let schema = match schema {
        Some(schema) if !old.shares_files() => schema,
        schema => return breaking_per_module(args, &resolved, &set, schema, &old, &options),
    };
    // The against side compiles like the input, but a missing import there keeps the
    // compiler's words: the input workspace's `deps:` are not its own.
    let against = schema::CompileOptions {
        deps: None,
        ..options.clone()
    };
    let modules = compared_modules(&resolved);
    same_module_count(&modules, old.target_modules().as_deref())?;
    let old_modules = old.target_modules();
    let mut old = old.compile(&against, &schema)?;
    crate::trace::mark("both sides compiled");
    if !old.schema.errors.is_empty() {
        let errors = old.compile_findings();
        return print_findings(
            Kind::Breaking,
            &args.output,
            errors,
            old.schema.sources.values(),
        );
    }
    against::narrow(
        &mut old,
        &resolved.against_filter(),
        &schema,
        args.limit_to_input_files,
    );
    let new_side = breaking::Side {
        workspace: Some(&resolved.workspace),
        schema: &schema,
        modules: Some(modules),
    };
    let old_side = breaking::Side {
        workspace: old.workspace.as_ref(),
        schema: &old.schema,
        modules: old_modules,
    };
    let run_options = breaking::Options {
        exclude_imports: args.exclude_imports,
    };
    for policy in &resolved.workspace.policies {
        policy.check_for(Kind::Breaking)?;
    }
    breaking::comments::check(&new_side)?;
    let findings = crate::trace::stage("breaking rules", || {
        breaking::run(&new_side, &old_side, run_options)
    });
    crate::trace::mark("rules done");
    if args.fixes.fix || args.fixes.diff || args.fixes.unsafe_fixes {
        let print = |f, s: Vec<_>| print_findings(Kind::Breaking, &args.output, f, s.iter());
        let (sides, compile) = ((&new_side, &old_side, run_options), (&set, &options));
        return fix::breaking(&args.fixes, sides, compile, findings, Box::new(print));
    }
    if let Some(cache) = cache {
        cache.store(&findings, &[&schema, &old.schema], &args.output);
    }
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

/// Compares module by module, each side compiled per module: for a workspace whose nested
/// modules share files ([`FileSet::shares_files`]), which buf compares module by module as it
/// compares every workspace. `whole` is the input compiled in one piece, when it shares no files
/// (only the against side does): it serves every module.
fn breaking_per_module(
    args: &BreakingArgs,
    resolved: &Resolved,
    set: &FileSet,
    whole: Option<schema::Schema>,
    old: &against::Prepared,
    options: &schema::CompileOptions,
) -> Result<i32> {
    fix::refuse_per_module(&args.fixes)?;
    let targeted = set.target_modules();
    let (whole, apart): (Option<schema::Schema>, Vec<schema::Schema>) = match whole {
        Some(schema) => (Some(schema), Vec::new()),
        None => (
            None,
            crate::trace::stage("compile", || {
                targeted
                    .iter()
                    .map(|&m| invocation::compile(&resolved.workspace, &set.for_module(m), options))
                    .collect::<Result<_>>()
            })?,
        ),
    };
    apart.iter().try_for_each(one_file_one_module)?;
    let errors: Vec<Finding> = whole
        .iter()
        .chain(&apart)
        .flat_map(|s| s.errors.clone())
        .collect();
    if !errors.is_empty() {
        let sources = whole.iter().chain(&apart).flat_map(|s| s.sources.values());
        return print_findings(Kind::Breaking, &args.output, errors, sources);
    }
    let against = schema::CompileOptions {
        deps: None,
        ..options.clone()
    };
    let modules = compared_modules(resolved);
    let old_modules = old.target_modules();
    same_module_count(&modules, old_modules.as_deref())?;
    for policy in &resolved.workspace.policies {
        policy.check_for(Kind::Breaking)?;
    }
    let mut findings = Vec::new();
    let mut sources = Vec::new();
    for (position, &module) in modules.iter().enumerate() {
        let Some(at) = targeted.iter().position(|&m| m == module) else {
            continue;
        };
        let Some(new) = whole.as_ref().or(apart.get(at)) else {
            continue;
        };
        // A descriptor set is refused by `for_module`, so the against side has modules here.
        let old_module = old_modules.as_ref().and_then(|m| m.get(position)).copied();
        let mut old = old
            .for_module(old_module.unwrap_or(module))?
            .compile(&against, new)?;
        if !old.schema.errors.is_empty() {
            let errors = old.compile_findings();
            return print_findings(
                Kind::Breaking,
                &args.output,
                errors,
                old.schema.sources.values(),
            );
        }
        against::narrow(
            &mut old,
            &resolved.against_filter(),
            new,
            args.limit_to_input_files,
        );
        let new_side = breaking::Side {
            workspace: Some(&resolved.workspace),
            schema: new,
            modules: Some(vec![module]),
        };
        let old_side = breaking::Side {
            workspace: old.workspace.as_ref(),
            schema: &old.schema,
            modules: old_module.map(|m| vec![m]),
        };
        let options = breaking::Options {
            exclude_imports: args.exclude_imports,
        };
        breaking::comments::check(&new_side)?;
        findings.extend(breaking::run(&new_side, &old_side, options));
        sources.extend(new.sources.values().cloned());
        sources.extend(old.schema.sources.values().cloned());
    }
    print_findings(Kind::Breaking, &args.output, findings, sources.iter())
}

/// buf parity: a module compiled on its own that reads one file twice, by its own name and by
/// another module's (the outer module imports the inner module's name of a file it holds
/// itself), defines everything in it twice; buf refuses that image ("name conflict").
fn one_file_one_module(schema: &schema::Schema) -> Result<()> {
    let own = schema
        .sources
        .values()
        .find(|s| s.file.is_target)
        .and_then(|s| s.file.module);
    let mut seen: std::collections::HashMap<&std::path::Path, &crate::input::ProtoFile> =
        std::collections::HashMap::new();
    for source in schema.sources.values() {
        let file = &source.file;
        let Some(other) = seen.insert(file.disk.as_path(), file) else {
            continue;
        };
        if other.module != file.module {
            let (mine, theirs) = if file.module == own {
                (file, other)
            } else {
                (other, file)
            };
            return Err(Error::Input(format!(
                "{} is read twice in one module: as {:?}, its own name, and as {:?}, its name in another module; modules nested without excludes are built apart, each with the other modules' files as imports, so import it as {:?}, or exclude the inner module from the outer one",
                mine.display, mine.name, theirs.name, mine.name
            )));
        }
    }
    Ok(())
}

/// The input's modules compared, in path order: the one its directory selects, or all.
fn compared_modules(resolved: &Resolved) -> Vec<usize> {
    resolved
        .modules
        .clone()
        .unwrap_or_else(|| (0..resolved.workspace.modules.len()).collect())
}

/// buf parity: the modules of the two sides are compared in pairs, in path order, so both sides
/// must have as many (a descriptor set, `None`, is one image paired with the first module).
fn same_module_count(new: &[usize], old: Option<&[usize]>) -> Result<()> {
    match old {
        Some(old) if old.len() != new.len() => Err(Error::Input(format!(
            "the input has {} module(s) to compare and the against side {}: modules are compared in pairs, in path order; give both sides the same modules (a module's own directory, as input or as --against, selects it alone)",
            new.len(),
            old.len()
        ))),
        _ => Ok(()),
    }
}

/// Lets go of a large value without freeing it: the process exits right after, and freeing the
/// millions of small descriptors of a large tree one by one took a fifth of a googleapis run.
fn discard<T>(value: T) {
    std::mem::forget(value);
}

/// Writes the compiled input as a `FileDescriptorSet`: targets and (unless excluded) their
/// imports, dependencies first, as `buf build -o` and `protoc --include_imports` order them.
fn run_build(args: &BuildArgs) -> Result<i32> {
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
    let bytes = crate::schema::editions::wire::encode_image(
        &schema,
        args.exclude_imports,
        args.exclude_source_info,
    );
    atomic::write(&args.output, |out| out.write_all(&bytes))?;
    Ok(EXIT_OK)
}
