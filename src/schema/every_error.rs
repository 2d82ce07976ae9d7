//! Every error of a file that does not compile, as buf lists them, not only the first.
//!
//! The compiler stops at the first failing step of a file, but within a step it collects every
//! error (prost-reflect's `DescriptorError` carries the rest as `related` diagnostics): each
//! becomes a finding of its own. A missing import stops the compiler before names are
//! resolved; buf goes on and reports every name the file then cannot find, so the file is
//! compiled again with each missing import standing in as an empty file (as a broken file
//! does, see [`super::link::Resolver::broken`]), and the names it then cannot find are
//! reported too. A file whose import does not compile is compiled again with that import
//! standing in as the messages and enums it declares (as a file past the nesting limits does,
//! see [`super::stand_in`]): buf still sees them, and reports the file's own errors.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use miette::Diagnostic;

use super::errors::{self, Failure};
use super::link::Resolver;
use super::Source;
use crate::finding::Finding;
use crate::input::ProtoFile;

/// The findings of `err`'s errors after its first (which [`errors::compile_error`] reports),
/// in the file the first is in.
pub(super) fn related(err: &protox::Error, sources: &HashMap<String, Arc<Source>>) -> Vec<Finding> {
    let Some(source) = err.file().and_then(|name| sources.get(name)) else {
        return Vec::new();
    };
    let Some(related) = err.related() else {
        return Vec::new();
    };
    related
        .map(|diagnostic| finding(diagnostic, source))
        .collect()
}

/// One of the compiler's errors in `source`, where buf places it ([`primary_span`]).
fn finding(diagnostic: &dyn Diagnostic, source: &Source) -> Finding {
    let mut message = diagnostic.to_string();
    if let Some(help) = diagnostic.help() {
        message.push_str(&format!(" ({help})"));
    }
    let span = primary_span(diagnostic, &source.text);
    match span {
        Some((start, end)) => source.finding(start, end, "COMPILE", message),
        None => source.file_finding("COMPILE", message),
    }
}

/// Where buf places one of the compiler's errors: a name declared twice at its first
/// declaration, a number or JSON name used twice at its second use, anything else at the place
/// the compiler names first. A name the compiler cannot place (the value type of a map, whose
/// entry message has no source info) at that name in the map's type.
pub(super) fn primary_span(diagnostic: &dyn Diagnostic, text: &str) -> Option<(usize, usize)> {
    let labels: Vec<miette::LabeledSpan> = diagnostic
        .labels()
        .map(Iterator::collect)
        .unwrap_or_default();
    let is = |label: &miette::LabeledSpan, what: &str| label.label() == Some(what);
    let message = diagnostic.to_string();
    let twice = message.contains("is defined twice") || message.contains("is already defined");
    let chosen = if twice {
        labels.iter().find(|l| is(l, "first defined here"))
    } else {
        labels.iter().find(|l| is(l, "defined again here"))
    }
    .or_else(|| labels.first());
    let span = chosen
        .filter(|l| l.len() > 0)
        .map(|l| (l.offset(), l.offset() + l.len()))
        .filter(|&(start, end)| end <= text.len() && start <= end);
    span.or_else(|| map_value_type(&message, text))
}

/// The place of the undefined name of "name 'X' is not defined" as the value type of a map
/// (`map<string, X>`), the first in the text.
fn map_value_type(message: &str, text: &str) -> Option<(usize, usize)> {
    // "name 'X' is not defined", "'X' resolves to 'Y', which is not defined"
    let name = match message.strip_prefix("name '") {
        Some(rest) => rest.split_once("' is not defined")?.0,
        None => message.strip_prefix('\'')?.split_once("' resolves to '")?.0,
    };
    let mut from = 0;
    while let Some(found) = text[from..].find("map") {
        let start = from + found;
        from = start + 3;
        let rest = &text[from..];
        let Some(rest) = rest.trim_start().strip_prefix('<') else {
            continue;
        };
        let Some((_, value)) = rest.split_once(',') else {
            continue;
        };
        let trimmed = value.trim_start();
        let Some(after) = trimmed.strip_prefix(name) else {
            continue;
        };
        if after.trim_start().starts_with('>') {
            let at = text.len() - trimmed.len();
            return Some((at, at + name.len()));
        }
    }
    None
}

/// How many missing imports of one file are stood in for, at most (each costs a compile).
const MAX_MISSING: usize = 64;

/// buf parity: the names `file` cannot find once its missing imports (`first`, and any after
/// it) stand in as empty files, each a finding, with every other error of that compile and the
/// missing imports after the first. Only errors in `file` itself: an imported file's errors
/// are its own findings.
pub(super) fn past_missing_imports(
    resolver: &Resolver,
    file: &ProtoFile,
    first: String,
    deps: Option<&[String]>,
) -> Vec<Finding> {
    let mut missing: HashSet<String> = resolver.broken.iter().cloned().collect();
    missing.insert(first);
    let mut findings = Vec::new();
    for _ in 0..MAX_MISSING {
        let resolver = Resolver {
            broken: Arc::new(missing.clone()),
            ..resolver.without_parsed()
        };
        let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
        compiler.include_source_info(true).include_imports(true);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            compiler.open_file(&file.name).map(|_| ())
        }));
        let err = match result {
            Ok(Err(err)) => err,
            // It compiles with the stand-ins, or the compiler gave up: nothing more to say.
            _ => break,
        };
        if err.file() != Some(file.name.as_str()) {
            break;
        }
        let finding = errors::compile_error(&err, &resolver.sources, &HashSet::new(), file, deps);
        findings.push(finding);
        match errors::failure(&err) {
            Failure::MissingImport(name) if missing.insert(name.clone()) => continue,
            Failure::MissingImport(_) => break,
            _ => {}
        }
        findings.extend(related(&err, &resolver.sources));
        break;
    }
    findings
}

/// The option-not-found error of a stand-in compile: a stand-in declares no extension, so an
/// option the broken import defines is not found; buf finds it.
fn is_missing_option(finding: &Finding) -> bool {
    finding.message.starts_with("option field '")
}

/// buf parity: the errors of `file` itself once its import `first` that does not compile (and
/// any other such import after it) stands in as its declarations. A broken import whose text
/// does not parse is not stood in for: nothing more is said.
pub(super) fn past_broken_imports(
    resolver: &Resolver,
    file: &ProtoFile,
    first: &str,
    deps: Option<&[String]>,
) -> Vec<Finding> {
    let mut broken: HashSet<String> = resolver.broken.iter().cloned().collect();
    let mut stand_ins = (*resolver.stand_ins).clone();
    let declare = |name: &str, stand_ins: &mut HashMap<_, _>| -> bool {
        let Some(source) = resolver.sources.get(name) else {
            return false;
        };
        match super::stand_in::declarations(name, &source.text, &[]) {
            Some(declared) => {
                stand_ins.insert(name.to_string(), declared);
                true
            }
            None => false,
        }
    };
    if !declare(first, &mut stand_ins) {
        return Vec::new();
    }
    broken.insert(first.to_string());
    let mut findings = Vec::new();
    for _ in 0..MAX_MISSING {
        let resolver = Resolver {
            broken: Arc::new(broken.clone()),
            stand_ins: Arc::new(stand_ins.clone()),
            ..resolver.without_parsed()
        };
        let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
        compiler.include_source_info(true).include_imports(true);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            compiler.open_file(&file.name).map(|_| ())
        }));
        let err = match result {
            Ok(Err(err)) => err,
            _ => break,
        };
        match err.file() {
            Some(name) if name == file.name => {}
            // Another import that does not compile.
            Some(name) if !broken.contains(name) && declare(name, &mut stand_ins) => {
                broken.insert(name.to_string());
                continue;
            }
            _ => break,
        }
        let missing = match errors::failure(&err) {
            Failure::MissingImport(name) => Some(name),
            _ => None,
        };
        findings.push(errors::compile_error(
            &err,
            &resolver.sources,
            &HashSet::new(),
            file,
            deps,
        ));
        match missing {
            Some(name) if broken.insert(name.clone()) => continue,
            Some(_) => break,
            None => {}
        }
        findings.extend(related(&err, &resolver.sources));
        break;
    }
    findings.retain(|f| !is_missing_option(f));
    findings
}
