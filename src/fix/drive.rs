//! The two drivers, `sous lint --fix | --diff | --add-ignores` and `sous breaking --fix | --diff`:
//! collect each fixer's candidates for the target files, then hand them to [`super::finish`],
//! which verifies and writes or prints them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{
    by_path, finish, ignores, imports, renames, reserved, restore, targets, types, with_texts,
    Candidate, Print, Recheck,
};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::input::FileSet;
use crate::schema::{self, Schema, Source};

/// `sous lint --fix | --diff | --add-ignores`.
pub fn lint(
    lint_args: &crate::cli::LintArgs,
    (ws, sets, schemas, options): (
        &crate::config::Workspace,
        &[FileSet],
        &[Schema],
        &schema::CompileOptions,
    ),
    findings: Vec<Finding>,
    print: Box<Print<'_>>,
) -> Result<i32> {
    let (args, add_ignores) = (&lint_args.fixes, lint_args.add_ignores);
    if args.unsafe_fixes && !(args.fix || args.diff) {
        return Err(Error::Usage(
            "--unsafe-fixes goes with --fix or --diff: it adds the renames to what they do".into(),
        ));
    }
    let sources: Vec<Arc<Source>> = schemas
        .iter()
        .flat_map(|s| s.sources.values().cloned())
        .collect();
    if findings.iter().any(|f| f.rule == "COMPILE") {
        eprintln!("nothing fixed: the input does not compile");
        return print(findings, sources);
    }
    if add_ignores && ws.modules.iter().any(|m| !m.lint.allow_comment_ignores) {
        eprintln!("note: comment ignores are off for this configuration (v1: `allow_comment_ignores: true`; v2: unless `disallow_comment_ignores: true`), so the inserted comments would change nothing: no file is changed");
        return if args.diff {
            Ok(0)
        } else {
            print(findings, sources)
        };
    }
    let targets = targets(schemas);
    let fixing = args.fix || (args.diff && !add_ignores);
    // Type renames reach into other files (every reference): planned over all of them first.
    let mut types = if fixing && args.unsafe_fixes {
        let input = &lint_args.input;
        let narrowed = !input.paths.is_empty() || !input.exclude_paths.is_empty();
        types::plan(schemas, &targets, &findings, narrowed)
    } else {
        types::Plan::default()
    };
    for why in &types.skipped {
        eprintln!("{why}");
    }
    let found_by_path = by_path(&findings);
    let paths: std::collections::BTreeSet<String> = (found_by_path.keys().map(|p| p.to_string()))
        .chain(types.edits.keys().cloned())
        .collect();
    let mut candidates = Vec::new();
    for path in &paths {
        let path = path.as_str();
        let found = found_by_path.get(path).cloned().unwrap_or_default();
        let Some(source) = targets.get(path) else {
            continue;
        };
        let mut text = source.text.to_string();
        let mut fixed = Vec::new();
        if fixing {
            // Renames replace names within their lines, so the imports' line numbers hold on
            // the renamed text.
            let mut replacements = types.edits.remove(path).unwrap_or_default();
            fixed.extend(types.fixed.remove(path).unwrap_or_default());
            if args.unsafe_fixes {
                for (start, end, new, finding) in renames::edits(&text, &found) {
                    if !replacements.iter().any(|r| r.0 < end && start < r.1) {
                        replacements.push((start, end, new));
                        fixed.push(finding);
                    }
                }
            }
            text = types::replace_all(&text, replacements);
            if let Some((new, done)) = imports::remove_unused(&text, &found) {
                text = new;
                fixed.extend(done);
            }
        }
        if add_ignores {
            let left: Vec<&Finding> = found
                .iter()
                .copied()
                .filter(|f| !fixed.contains(*f))
                .collect();
            // Ignores are placed by the original lines: on a text already fixed, only when
            // the fixes removed nothing (they run alone otherwise).
            if fixed.is_empty() {
                if let Some((new, done)) = ignores::insert(&text, &left) {
                    text = new;
                    fixed.extend(done);
                }
            }
        }
        if text != source.text {
            candidates.push(Candidate {
                source: source.clone(),
                text,
                fixed,
                still: Vec::new(),
                notes: Vec::new(),
            });
        }
    }
    let recheck = |texts: &HashMap<String, String>| -> Result<Recheck> {
        let mut out = Recheck {
            errors: Vec::new(),
            findings: Vec::new(),
            sources: Vec::new(),
        };
        for set in sets {
            let schema = schema::compile(&with_texts(set, texts), options)?;
            out.sources.extend(schema.sources.values().cloned());
            if schema.errors.is_empty() {
                out.findings.extend(crate::lint::run(ws, &schema));
            }
            out.errors.extend(schema.errors);
        }
        Ok(out)
    };
    let renamed = types.renamed;
    finish(
        candidates,
        (findings, &renamed),
        sources,
        args.diff,
        &recheck,
        print,
    )
}

/// `sous breaking --fix | --diff [--unsafe-fixes]`: reserve what was deleted, or with
/// `--unsafe-fixes` put deleted fields and values back as deprecated ([`restore`]).
pub fn breaking(
    args: &crate::cli::FixArgs,
    (new, old, options): (
        &crate::breaking::Side,
        &crate::breaking::Side,
        crate::breaking::Options,
    ),
    (set, compile): (&FileSet, &schema::CompileOptions),
    findings: Vec<Finding>,
    print: Box<Print<'_>>,
) -> Result<i32> {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        return Err(Error::Usage(
            "--unsafe-fixes goes with --fix or --diff: it puts deleted fields and values back as deprecated instead of reserving them".into(),
        ));
    }
    let sources: Vec<Arc<Source>> = (new.schema.sources.values())
        .chain(old.schema.sources.values())
        .cloned()
        .collect();
    let targets = targets([new.schema]);
    let mut candidates = Vec::new();
    for (path, found) in by_path(&findings) {
        let Some(source) = targets.get(path) else {
            continue;
        };
        let Some(proto) = new.schema.file(&source.file.name) else {
            continue;
        };
        let mut edits = Vec::new();
        let (mut fixed, mut notes) = (Vec::new(), Vec::new());
        let mut rest = found.clone();
        if args.unsafe_fixes {
            let r = restore::restore(source, (proto, new.schema), old.schema, &found);
            for why in &r.skipped {
                eprintln!("{path}: {why}; it is reserved instead");
            }
            rest.retain(|f| !r.fixed.contains(*f));
            edits.extend(r.edits);
            fixed.extend(r.fixed);
            notes.extend(r.done.iter().map(|what| {
                format!(
                    "put back {what} with `[deprecated = true]` ({})",
                    restore::WHY_UNSAFE
                )
            }));
        }
        let mut still = Vec::new();
        match reserved::reserve(source, proto, &rest) {
            Ok(Some((e, f, s))) => {
                edits.extend(e);
                fixed.extend(f);
                still = s;
            }
            Ok(None) => {}
            Err(reason) => {
                eprintln!("{path}: left untouched: {reason}");
                continue;
            }
        }
        if !edits.is_empty() {
            candidates.push(Candidate {
                source: source.clone(),
                text: reserved::apply(&source.text, edits),
                fixed,
                still,
                notes,
            });
        }
    }
    let recheck = |texts: &HashMap<String, String>| -> Result<Recheck> {
        let schema = schema::compile(&with_texts(set, texts), compile)?;
        let side = crate::breaking::Side {
            workspace: new.workspace,
            schema: &schema,
            modules: new.modules.clone(),
        };
        let findings = if schema.errors.is_empty() {
            crate::breaking::run(&side, old, options)
        } else {
            Vec::new()
        };
        let mut sources: Vec<Arc<Source>> = schema.sources.values().cloned().collect();
        sources.extend(old.schema.sources.values().cloned());
        Ok(Recheck {
            errors: schema.errors.clone(),
            findings,
            sources,
        })
    };
    finish(
        candidates,
        (findings, &[]),
        sources,
        args.diff,
        &recheck,
        print,
    )
}
