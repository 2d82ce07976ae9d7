//! The checks behind the diagnostics, on the stages `sous lint FILE` and
//! `sous breaking DIR --path FILE --against REV` run: the same resolution of the workspace, the
//! same compiler, rules, ignores and findings. What differs is where text comes from: an open
//! buffer's unsaved text replaces its file's (see [`overlay`]), and what was compiled before is
//! kept so that the next check reuses it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::against::{self, Loaded, Prepared};
use crate::cli::InputArgs;
use crate::config::Workspace;
use crate::error::{Error, Result};
use crate::finding::{sort_and_dedup, Finding};
use crate::input::{FileSet, Filter};
use crate::invocation::{self, Action, Resolved};
use crate::paths::{absolute, clean};
use crate::schema::{self, CompileOptions, Purpose, Schema, Source};
use crate::{breaking, lint};

/// The text of every open buffer, by absolute path.
pub type Texts = HashMap<PathBuf, String>;

/// One file linted: every finding (in this file or, for a compile error, another), the schema
/// compiled for it, and whether its module reads `buf:lint:ignore` comments.
pub struct Linted {
    pub findings: Vec<Finding>,
    pub schema: Schema,
    pub workspace: Workspace,
    pub allow_comment_ignores: bool,
}

/// One file compared with the base revision: its findings, and both sides (for the fixes).
pub struct Compared {
    pub findings: Vec<Finding>,
    pub schema: Schema,
    pub old: Arc<Loaded>,
}

/// The arguments of `sous lint FILE`.
fn input_args(path: &Path) -> InputArgs {
    InputArgs {
        input: path.to_path_buf(),
        config: None,
        paths: Vec::new(),
        exclude_paths: Vec::new(),
        includes: Vec::new(),
        offline: false,
        allow_message_sets: false,
    }
}

/// Resolves `path` as `sous lint PATH` does, and its file set with the open buffers' text.
fn resolve(
    path: &Path,
    texts: &Texts,
    action: Action,
    purpose: Purpose,
) -> Result<(Resolved, CompileOptions, FileSet)> {
    if !path.is_file() {
        return Err(Error::Input(format!(
            "{}: not a file on disk (deleted, or never saved): it is checked once it is saved",
            path.display()
        )));
    }
    let args = input_args(path);
    let resolved = invocation::resolve_input(&args, action)?;
    let options = invocation::compile_options(&resolved, &args, purpose)?;
    let mut set = invocation::discover_resolved(&resolved)?;
    overlay(&mut set, &resolved.workspace, texts);
    Ok((resolved, options, set))
}

/// Puts the open buffers' text in place of their files' in `set`: the files walked, and those of
/// the workspace it would read from disk as imports.
pub fn overlay(set: &mut FileSet, ws: &Workspace, texts: &Texts) {
    let same = |a: &Path, b: &Path| clean(&absolute(a)) == clean(&absolute(b));
    let root = absolute(&ws.root);
    for (path, text) in texts {
        let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
        if let Some(file) = set.files.values_mut().find(|f| same(&f.disk, path)) {
            file.bytes = Some(bytes);
            continue;
        }
        let Ok(rel) = absolute(path).strip_prefix(&root).map(clean) else {
            continue;
        };
        let Some(module) = ws.module_containing(&rel) else {
            continue;
        };
        let name = if module.dir == "." {
            rel.clone()
        } else {
            rel[module.dir.len() + 1..].to_string()
        };
        if let Ok(Some(file)) = set.get(&name) {
            let mut file = file.into_owned();
            if same(&file.disk, path) {
                file.bytes = Some(bytes);
                set.files.insert(name, file);
            }
        }
    }
}

/// `sous lint PATH`, with the open buffers' text; `before` is what the last check of this file
/// compiled, reused where the text is the same.
pub fn lint(path: &Path, texts: &Texts, before: Option<&Schema>) -> Result<Linted> {
    let (resolved, options, set) = resolve(path, texts, Action::Lint, Purpose::Lint)?;
    let schema = match before {
        Some(before) => schema::compile_reusing(&set, &options, before)?,
        None => schema::compile(&set, &options)?,
    };
    let mut findings = if schema.errors.is_empty() {
        lint::run(&resolved.workspace, &schema)
    } else {
        schema.errors.clone()
    };
    sort_and_dedup(&mut findings);
    let ws = resolved.workspace;
    let allow_comment_ignores = set
        .targets()
        .next()
        .and_then(|f| f.module)
        .and_then(|m| ws.modules.get(m))
        .is_some_and(|m| m.lint.allow_comment_ignores);
    Ok(Linted {
        findings,
        schema,
        workspace: ws,
        allow_comment_ignores,
    })
}

/// How many compiled base sides are kept.
const MAX_BASES: usize = 32;

/// The against sides compiled for one file, by (commit, file): a commit never changes.
#[derive(Default)]
pub struct Bases {
    compiled: HashMap<(String, PathBuf), Arc<Loaded>>,
}

/// `sous breaking DIR --path PATH --against REV` (`rev` a commit id), with the open buffers'
/// text; `None` when the file does not compile (lint reports it).
pub fn breaking(
    path: &Path,
    texts: &Texts,
    rev: &str,
    bases: &mut Bases,
) -> Result<Option<Compared>> {
    let (resolved, options, set) = resolve(path, texts, Action::Breaking, Purpose::Breaking)?;
    let schema = schema::compile(&set, &options)?;
    if !schema.errors.is_empty() {
        return Ok(None);
    }
    let key = (rev.to_string(), path.to_path_buf());
    let old = match bases.compiled.get(&key) {
        Some(old) => old.clone(),
        None => {
            let old = Arc::new(compile_base(&resolved, &options, &schema, rev)?);
            // Bounded: a long session opens many files, and a new merge base replaces the old.
            if bases.compiled.len() >= MAX_BASES {
                bases.compiled.clear();
            }
            bases.compiled.insert(key, old.clone());
            old
        }
    };
    if let Some(error) = old.schema.errors.first() {
        eprintln!(
            "sous lsp: {} does not compile at {rev} ({}: {}): nothing to compare with",
            path.display(),
            error.path.as_deref().unwrap_or("<input>"),
            error.message
        );
        return Ok(Some(Compared {
            findings: Vec::new(),
            schema,
            old,
        }));
    }
    let modules = resolved
        .modules
        .clone()
        .unwrap_or_else(|| (0..resolved.workspace.modules.len()).collect());
    let old_modules = old.workspace.as_ref().map(|ws| {
        let mut m: Vec<usize> = old
            .schema
            .sources
            .values()
            .filter(|s| s.file.is_target)
            .filter_map(|s| s.file.module)
            .collect();
        m.sort_unstable();
        m.dedup();
        if m.is_empty() {
            // A file the base does not have: compared with its module, which lacks it.
            (0..ws.modules.len()).collect()
        } else {
            m
        }
    });
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
    breaking::comments::check(&new_side)?;
    let mut findings = breaking::run(&new_side, &old_side, breaking::Options::default());
    sort_and_dedup(&mut findings);
    Ok(Some(Compared {
        findings,
        schema,
        old,
    }))
}

/// The base revision's side for one file: read from git, narrowed to the file before it is
/// compiled (so only the file and its imports are), as `--path` narrows it.
fn compile_base(
    resolved: &Resolved,
    options: &CompileOptions,
    schema: &Schema,
    rev: &str,
) -> Result<Loaded> {
    let prepared = against::load(rev, resolved.place(), None, |dir| {
        invocation::resolve_against_dir(dir, None)
    })?;
    let prepared = match prepared {
        Prepared::Files {
            workspace,
            mut set,
            label,
            dep_includes,
        } => {
            for file in set.files.values_mut() {
                file.is_target &= resolved.filter.admits(&file.workspace_path);
            }
            Prepared::Files {
                workspace,
                set,
                label,
                dep_includes,
            }
        }
        compiled => compiled,
    };
    let against_options = CompileOptions {
        deps: None,
        ..options.clone()
    };
    let mut old = prepared.compile(&against_options, schema)?;
    against::narrow(&mut old, &resolved.filter, schema, false);
    Ok(old)
}

/// The source of the file at `path` among `schema`'s.
pub fn source_of<'s>(schema: &'s Schema, path: &Path) -> Option<&'s Arc<Source>> {
    let path = clean(&absolute(path));
    schema
        .sources
        .values()
        .find(|s| clean(&absolute(&s.file.disk)) == path)
}

/// The findings of `findings` that are in the file of `source`.
pub fn of_file<'f>(findings: &'f [Finding], source: &Source) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| f.path.as_deref() == Some(source.file.display.as_str()))
        .collect()
}

/// `path` and what it imports compiled with every position and comment (lint keeps an import's
/// nothing): what hover and go to definition read.
pub fn with_imports(path: &Path, texts: &Texts) -> Result<Schema> {
    let (_, options, set) = resolve(path, texts, Action::Build, Purpose::Build)?;
    schema::compile(&set, &options)
}

/// The whole workspace of `path` compiled, every module's files targets, with the open
/// buffers' text: what find references searches. `before`, the last such compile, is reused
/// for every file whose text and imports are the same.
pub fn whole_workspace(path: &Path, texts: &Texts, before: Option<&Schema>) -> Result<Schema> {
    let (resolved, options, _) = resolve(path, texts, Action::Build, Purpose::Build)?;
    let mut set = FileSet::discover(&resolved.workspace, &Filter::default(), None, None)?;
    overlay(&mut set, &resolved.workspace, texts);
    match before {
        Some(before) => schema::compile_reusing(&set, &options, before),
        None => schema::compile(&set, &options),
    }
}
