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
//! see [`super::stand_in`]): buf still sees them, and reports the file's own errors. The errors
//! of the steps after the first failing one, and of what the parser recovered from syntax
//! errors, are found by [`later_steps`]; a failed file's error with its text by [`error_source`].

pub(super) mod error_source;
pub(super) mod later_steps;
mod names_in_scope;
mod negative_name;
mod non_finite;
mod option_value;
mod recovered;
pub(super) mod unnumbered;
mod valueless;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use miette::Diagnostic;

use self::negative_name::Names;
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
    let names = names_in_scope::FileNames::new(source, sources);
    let mut all: Vec<&dyn Diagnostic> = vec![err];
    all.extend(related);
    let dropped = option_value::set_after_a_failure(&all, &source.text);
    (all.into_iter().zip(dropped).skip(1))
        .filter(|(_, dropped)| !dropped)
        .map(|(diagnostic, _)| finding(diagnostic, source, &names))
        .collect()
}

pub(super) use names_in_scope::FileNames;
pub(super) use negative_name::NoNames;

/// One of the compiler's errors in `source`, where buf places it ([`primary_span`]).
fn finding(diagnostic: &dyn Diagnostic, source: &Source, names: &dyn Names) -> Finding {
    let mut message = diagnostic.to_string();
    if let Some(help) = diagnostic.help() {
        message.push_str(&format!(" ({help})"));
    }
    let span = errors::json_clash_span(&message, source)
        .or_else(|| primary_span(diagnostic, &source.text, names));
    match span {
        Some((start, end)) => source.finding(start, end, "COMPILE", message),
        None => source.file_finding("COMPILE", message),
    }
}

/// Where buf places one of the compiler's errors: a name declared twice at its first
/// declaration, a number or JSON name used twice at its second use, anything else at the place
/// the compiler names first. A name the compiler cannot place (the value type of a map, whose
/// entry message has no source info) at that name in the map's type. `names` are those around
/// the file's options, for a negative name's place.
pub(super) fn primary_span(
    diagnostic: &dyn Diagnostic,
    text: &str,
    names: &dyn Names,
) -> Option<(usize, usize)> {
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
        // buf parity: an error at the end of the file (a string that runs on to it) is placed
        // there; other empty places are not.
        .filter(|l| !l.is_empty() || l.offset() == text.len())
        .map(|l| (l.offset(), l.offset() + l.len()))
        .filter(|&(start, end)| end <= text.len() && start <= end);
    match span {
        Some(span) => Some(
            option_name_part(&message, text, span)
                .or_else(|| option_value::place(&message, text, span, names))
                .unwrap_or(span),
        ),
        None => map_value_type(&message, text),
    }
}

/// buf parity: an error in an option's name is placed at the part of the name at fault, not
/// at the whole option (the compiler's place): an unknown extension at its name inside the
/// parentheses, an unknown field at that field's name, an extension of the wrong message at
/// the parenthesised part. `span` is the compiler's place: the `option` statement, or the
/// `name = value` of a compact option.
fn option_name_part(message: &str, text: &str, span: (usize, usize)) -> Option<(usize, usize)> {
    let at = &text[span.0..span.1];
    let name_start = match at.strip_prefix("option") {
        Some(rest) if rest.starts_with(|c: char| c.is_whitespace() || c == '(') => {
            span.0 + "option".len() + (rest.len() - rest.trim_start().len())
        }
        Some(_) => return None,
        None if at.starts_with('(') || message.starts_with("option field '") => span.0,
        None => return None,
    };
    let parts = name_parts(&text[name_start..span.1]);
    let part = |i: usize, inner: bool| -> Option<(usize, usize)> {
        let &(start, end, parenthesised) = parts.get(i)?;
        let (start, end) = if inner && parenthesised {
            let inside = &text[name_start + start + 1..name_start + end - 1];
            let lead = inside.len() - inside.trim_start().len();
            let s = start + 1 + lead;
            (s, s + inside.trim().len())
        } else if !parenthesised && i > 0 {
            // buf parity: a field after the first part is placed with its dot (`.zz`).
            let dot = text[name_start..name_start + start]
                .rfind('.')
                .unwrap_or(start);
            (dot, end)
        } else {
            (start, end)
        };
        Some((name_start + start, name_start + end))
    };
    if message.starts_with("option field '") && message.ends_with("' has already been set") {
        // buf parity: an option set again is placed at its whole name.
        let (&(start, _, _), &(_, end, _)) = (parts.first()?, parts.last()?);
        return Some((name_start + start, name_start + end));
    }
    if let Some(name) = message
        .strip_prefix("option field '")
        .and_then(|rest| rest.split_once("' is not defined"))
        .map(|(name, _)| name)
    {
        // The name as far as the part not found: its last part is the one at fault.
        return part(name_parts(name).len().checked_sub(1)?, true);
    }
    let undefined = message
        .strip_prefix("name '")
        .and_then(|rest| rest.split_once("' is not defined"))
        .or_else(|| message.strip_prefix('\'')?.split_once("' resolves to '"))
        .map(|(name, _)| name);
    if let Some(name) = undefined {
        let i = parts.iter().position(|&(start, end, parenthesised)| {
            parenthesised
                && text[name_start + start + 1..name_start + end - 1]
                    .trim()
                    .trim_start_matches('.')
                    == name.trim_start_matches('.')
        })?;
        return part(i, true);
    }
    // buf parity: a parenthesised name that resolves to no extension is not found to buf.
    if let Some(full) = message
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix("' is not an extension"))
    {
        let i = parts.iter().position(|&(start, end, parenthesised)| {
            let inner = text[name_start + start + 1..name_start + end - 1].trim();
            parenthesised && full.ends_with(inner.trim_start_matches('.'))
        })?;
        return part(i, true);
    }
    if message.starts_with("expected an extension to type '") {
        let i = parts
            .iter()
            .position(|&(_, _, parenthesised)| parenthesised)?;
        return part(i, false);
    }
    None
}

/// The parts of an option name (`(a.b).c.d` is `(a.b)`, `c`, `d`), as byte ranges of `name`
/// (a parenthesised part with its parentheses) and whether each is parenthesised; the name
/// ends at the first character that cannot continue it (`=`, a space before one).
fn name_parts(name: &str) -> Vec<(usize, usize, bool)> {
    let bytes = name.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_space(i);
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'(' {
            let Some(close) = name[i..].find(')') else {
                break;
            };
            parts.push((i, i + close + 1, true));
            i += close + 1;
        } else if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' || bytes[i] >= 0x80 {
            // buf parity: a word past ASCII is a name to buf's lexer (an error of its own).
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
            parts.push((start, i, false));
        } else {
            break;
        }
        i = skip_space(i);
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
        } else {
            break;
        }
    }
    parts
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
        let result =
            crate::schema::link::catching_silently(|| compiler.open_file(&file.name).map(|_| ()));
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

/// buf parity: the errors of `file`, which the compiler refused for a name another file
/// declares (the scan of [`super::duplicates`] reports that name), as buf reports them past
/// it: the file is compiled again with its imports only, where that other file is not (unless
/// it is an import). Only errors in `file` itself.
pub(super) fn past_a_name_declared_elsewhere(
    resolver: &Resolver,
    file: &ProtoFile,
    deps: Option<&[String]>,
) -> Vec<Finding> {
    let resolver = resolver.without_parsed();
    let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
    compiler.include_source_info(true).include_imports(true);
    let result =
        crate::schema::link::catching_silently(|| compiler.open_file(&file.name).map(|_| ()));
    let Ok(Err(err)) = result else {
        return Vec::new();
    };
    if err.file() != Some(file.name.as_str())
        || super::duplicates::in_another_file(&err.to_string()).is_some()
    {
        return Vec::new();
    }
    let mut findings = vec![errors::compile_error(
        &err,
        &resolver.sources,
        &HashSet::new(),
        file,
        deps,
    )];
    findings.extend(related(&err, &resolver.sources));
    findings
}

/// At most this many files of one link group blocked by an import that does not compile are
/// compiled again for their own errors: each costs a compile of its imports, so a broken file
/// that most of a large tree imports would cost as much as thousands of compiles. Past it, only
/// the broken import's errors are reported.
pub(super) const MAX_BLOCKED: usize = 64;

/// Whether an error of a stand-in compile is the file's own, as buf reports it: an undefined
/// name, a missing import, a name or number used twice. A stand-in declares no field, extension
/// or option, so an option set through the broken import (or on a message of it) fails where
/// buf finds it: such errors are not the file's.
fn is_own_error(finding: &Finding) -> bool {
    let m = &finding.message;
    !m.starts_with("option field '")
        && (m.ends_with("is not defined")
            || m.contains("is not defined (")
            || m.starts_with("import ")
            || m.contains("defined twice")
            || m.contains("already used")
            || m.contains("already been used"))
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
        let result =
            crate::schema::link::catching_silently(|| compiler.open_file(&file.name).map(|_| ()));
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
    findings.retain(is_own_error);
    findings
}

#[cfg(test)]
mod tests {
    use super::{map_value_type, name_parts, option_name_part};

    #[test]
    fn splits_option_names() {
        let parts = |n: &str| -> Vec<String> {
            name_parts(n)
                .into_iter()
                .map(|(s, e, _)| n[s..e].to_string())
                .collect()
        };
        assert_eq!(parts("(a.foo).bar.zz = 1"), ["(a.foo)", "bar", "zz"]);
        assert_eq!(parts("( a.foo ) . bar"), ["( a.foo )", "bar"]);
        assert_eq!(parts("deprecated = true"), ["deprecated"]);
    }

    #[test]
    fn places_option_errors_at_the_part_at_fault() {
        let text = "message M { option (a.foo).bar.zz = 1; }";
        let span = (12, 38);
        let place = |message: &str| option_name_part(message, text, span).map(|(s, e)| &text[s..e]);
        assert_eq!(
            place("option field '(a.foo).bar.zz' is not defined"),
            Some(".zz")
        );
        assert_eq!(
            place("option field '(a.foo).bar' is not defined"),
            Some(".bar")
        );
        assert_eq!(place("name 'a.foo' is not defined"), Some("a.foo"));
        assert_eq!(
            place("expected an extension to type 'x', but 'a.foo' extends 'y'"),
            Some("(a.foo)")
        );
        assert_eq!(
            place("option field '(a.foo).bar.zz' has already been set"),
            Some("(a.foo).bar.zz")
        );
        // A type name is left where the compiler put it.
        let field = "message M { Nope n = 1; }";
        assert_eq!(
            option_name_part("name 'Nope' is not defined", field, (12, 16)),
            None
        );
    }

    #[test]
    fn finds_a_map_value_type() {
        let text = "message M {\n  map<string, x.Money> m = 1;\n}";
        let (s, e) = map_value_type("name 'x.Money' is not defined", text).expect("found");
        assert_eq!(&text[s..e], "x.Money");
    }
}
