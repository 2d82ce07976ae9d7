//! buf parity: the errors of a broken file past the first failing step of the compiler.
//!
//! The compiler checks a file in steps (the names it declares, then the names it uses and its
//! numbers, then its options) and stops after the first step that fails; buf's compiler goes on
//! and reports the errors of every step, and past syntax errors, the errors of what its parser
//! recovered. So the file is compiled again: first as its parser recovered it (when it has
//! syntax errors), then, as long as it fails with errors not yet seen, with each error of the
//! last compile fixed in its descriptor (a name declared twice renamed, a number used twice
//! renumbered, a type not found made `bytes`). The text stays the same, so every error is
//! placed in it; only errors not reported before are added.

use std::collections::HashSet;

use miette::Diagnostic;
use prost_types::field_descriptor_proto::Type;
use prost_types::source_code_info::Location;
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use super::super::errors;
use super::error_source::Counting;
use super::recovered;
use super::related;
use crate::finding::Finding;
use crate::input::ProtoFile;

/// How many times a file is compiled again, at most (the compiler has three steps).
const MAX_ROUNDS: usize = 4;

/// The errors of `file` past `err` (already reported, with its related errors, as
/// `reported`): those of its later steps, and those of what its parser recovered from syntax
/// errors. `Replace` when they are to take the place of `reported`: the compiler could not
/// place `err` (it was handed a reshaped file without its text), and these are `err` placed.
/// With them, the file as it compiled once its errors were fixed, if it did: buf reports the
/// uses of other files' local types past other errors (see `editions::visibility`).
pub(in crate::schema) fn past_failed_steps(
    counting: &Counting,
    file: &ProtoFile,
    err: &protox::Error,
    reported: &[Finding],
    deps: Option<&[String]>,
) -> (Vec<Finding>, Replace, Option<FileDescriptorProto>) {
    let resolver = &counting.inner;
    let Some(source) = resolver.sources.get(&file.name) else {
        return (Vec::new(), Replace::No, None);
    };
    let text = &source.text;
    let mut replace = Replace::No;
    let syntax_errors = syntax_error_offsets(&file.name, text);
    let (mut base, mut issues) = match protox_parse::parse_recovered(&file.name, text) {
        // Syntax errors: the recovered file is compiled as it is first.
        Some(recovered) => (recovered, None),
        None => match protox_parse::parse(&file.name, text) {
            Ok(parsed) => match issues_of(err, text) {
                issues if issues.iter().all(|i| i.at.is_none()) => {
                    // Not placed: compiled as it is first, with its text.
                    replace = Replace::Yes;
                    (parsed, None)
                }
                issues => (parsed, Some(issues)),
            },
            Err(_) => return (Vec::new(), Replace::No, None),
        },
    };
    if base.syntax() == "editions" {
        // As the resolver hands an editions file to the compiler (see `super::super::accept::parse`).
        super::super::editions::lower_for_compiler(&mut base, text);
        if super::super::editions::defines_features(text) {
            super::super::editions::strip_feature_definitions(&mut base);
        }
    }
    let mut seen: HashSet<(u32, u32, String)> = match replace {
        Replace::No => reported.iter().map(key).collect(),
        Replace::Yes => HashSet::new(),
    };
    let mut counter = 0;
    let mut findings = Vec::new();
    // buf parity: past a missing import, buf goes on and reports the names the file cannot
    // find; the missing imports found so far stand in as empty files.
    let mut missing: HashSet<String> = HashSet::new();
    let mut refix = true;
    for _ in 0..MAX_ROUNDS {
        if let Some(issues) = issues.as_ref().filter(|_| refix) {
            if !fix(&mut base, issues, text, &mut counter) {
                break;
            }
        }
        // Reshaped here as the resolver would (see `super::accept`), so that the resolver hands
        // the compiler the text with it, which places the errors.
        super::super::accept::clashing_json_names(&mut base);
        let counting = counting.with_missing(&missing);
        let err = match super::non_finite::compile(&counting, &file.name, &mut base) {
            Err(Some(err)) if err.file() == Some(file.name.as_str()) => err,
            Ok(compiled) => return (findings, replace, compiled),
            _ => break,
        };
        if replace == Replace::Yes
            && findings.is_empty()
            && issues_of(&err, text).iter().all(|i| i.at.is_none())
        {
            // Still not placed: what was reported stays.
            return (Vec::new(), Replace::No, None);
        }
        let mut found = vec![errors::compile_error(
            &err,
            &resolver.sources,
            &resolver.empty(),
            file,
            deps,
        )];
        found.extend(related(&err, &resolver.sources));
        let artifacts = artifacts_of_recovery(&err, text, &syntax_errors);
        let before = findings.len();
        for (finding, artifact) in found.into_iter().zip(artifacts) {
            if !artifact && seen.insert(key(&finding)) {
                findings.push(finding);
            }
        }
        if let errors::Failure::MissingImport(name) = errors::failure(&err) {
            // Not fixed in the descriptor: compiled again with the import standing in.
            if !missing.insert(name) {
                break;
            }
            refix = false;
            continue;
        }
        if findings.len() == before && issues.is_some() {
            // Nothing new: fixing did not get the compiler further.
            break;
        }
        refix = true;
        issues = Some(issues_of(&err, text));
    }
    // Options are the last step and are not fixed: the file without them compiles, for the
    // checks of its types; else without its extensions too (a number outside the extendee's
    // ranges is not fixed either), and then its extendees go unchecked.
    let counting = counting.with_missing(&missing);
    let again = |base: &FileDescriptorProto| -> Option<FileDescriptorProto> {
        recovered::compile(&counting, &file.name, base)
            .ok()
            .flatten()
    };
    let compiled = recovered::without_options(&mut base)
        .then(|| again(&base))
        .flatten()
        .or_else(|| {
            recovered::without_extensions(&mut base)
                .then(|| again(&base))
                .flatten()
        });
    (findings, replace, compiled)
}

/// Whether the errors found take the place of those reported (see [`past_failed_steps`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::schema) enum Replace {
    No,
    Yes,
}

/// Where the syntax errors of `text` are (byte offsets), if it has any.
fn syntax_error_offsets(name: &str, text: &str) -> Vec<usize> {
    let Err(err) = protox_parse::parse(name, text) else {
        return Vec::new();
    };
    let mut offsets: Vec<usize> = err.span().map(|s| s.start).into_iter().collect();
    // buf parity: an enum value with a body is dropped by buf too (see protox-parse's
    // `buf_bodies`): its errors are no statement buf keeps and sous skips.
    let mut dropped = Vec::new();
    if err.to_string() == protox_parse::ENUM_VALUE_WITH_A_BODY {
        dropped.extend(err.span());
    }
    if let Some(related) = err.related() {
        for d in related {
            let labels = d.labels().into_iter().flatten();
            if d.to_string() == protox_parse::ENUM_VALUE_WITH_A_BODY {
                dropped.extend(labels.map(|l| l.offset()..l.offset() + l.len()));
            } else {
                offsets.extend(labels.map(|l| l.offset()));
            }
        }
    }
    offsets.retain(|o| !dropped.iter().any(|d| d.contains(o)));
    offsets
}

/// For each of `err`'s errors (itself, then its related ones), whether it is an artifact of a
/// statement the parser skipped: a proto3 enum whose first value is not 0, in an enum with a
/// syntax error before that value (buf's parser keeps the broken first value).
fn artifacts_of_recovery(err: &protox::Error, text: &str, syntax_errors: &[usize]) -> Vec<bool> {
    let mut diagnostics: Vec<&dyn Diagnostic> = vec![err];
    if let Some(related) = err.related() {
        diagnostics.extend(related);
    }
    diagnostics
        .into_iter()
        .map(|d| {
            if super::valueless::artifact(d, text) {
                return true;
            }
            if syntax_errors.is_empty() || !d.to_string().starts_with("the first value for proto3")
            {
                return false;
            }
            let Some((at, _)) = super::primary_span(d, text, &super::NoNames) else {
                return false;
            };
            let open = super::option_value::enclosing(text, at, b"{");
            syntax_errors.iter().any(|&e| open < e && e < at)
        })
        .collect()
}

fn key(finding: &Finding) -> (u32, u32, String) {
    (
        finding.start_line,
        finding.start_column,
        finding.message.clone(),
    )
}

/// One error to fix: its message and the place of the element at fault (the second of a
/// name or number used twice), as a byte range of the text.
struct Issue {
    message: String,
    at: Option<(usize, usize)>,
}

fn issues_of(err: &protox::Error, text: &str) -> Vec<Issue> {
    let mut diagnostics: Vec<&dyn Diagnostic> = vec![err];
    if let Some(related) = err.related() {
        diagnostics.extend(related);
    }
    diagnostics
        .into_iter()
        .map(|d| {
            let labels: Vec<miette::LabeledSpan> =
                d.labels().map(Iterator::collect).unwrap_or_default();
            let label = labels
                .iter()
                .find(|l| l.label() == Some("defined again here"))
                .or_else(|| labels.first());
            Issue {
                message: d.to_string(),
                at: label
                    .map(|l| (l.offset(), l.offset() + l.len()))
                    .filter(|at| at.1 <= text.len()),
            }
        })
        .collect()
}

/// Fixes `issues` in `file` (placed by its source info in `text`); whether any was fixed.
fn fix(file: &mut FileDescriptorProto, issues: &[Issue], text: &str, counter: &mut i32) -> bool {
    let Some(info) = file.source_code_info.clone() else {
        return false;
    };
    let mut fixed = false;
    for issue in issues {
        if let Some(name) = undefined_name(&issue.message) {
            // Wherever it is used: a map's value type has no place of its own.
            if retype(file, &name) {
                fixed = true;
                continue;
            }
        }
        let Some(at) = issue.at else {
            continue;
        };
        let (line, column) = line_and_byte_column(text, at.0);
        let starts_here = |l: &&Location| {
            l.span.len() >= 3 && l.span[0] == line && l.span[1] == column && l.path.len() % 2 == 1
        };
        // A default value is located with its `default =`, on one line.
        let holds_default = |l: &&Location| {
            l.span.len() == 3
                && l.span[0] == line
                && (l.span[1]..l.span[2]).contains(&column)
                && l.path.last() == Some(&7)
        };
        let Some(location) = info
            .location
            .iter()
            .find(starts_here)
            .or_else(|| info.location.iter().find(holds_default))
        else {
            continue;
        };
        let (element, inside) = location.path.split_at(location.path.len() - 1);
        *counter += 1;
        let m = &issue.message;
        fixed |= match (inside, element_at(file, element)) {
            ([1], Some(mut element)) if m.contains("defined twice") || m.contains("conflicts") => {
                element.rename(*counter)
            }
            ([3], Some(Element::Field(field))) if m.contains("already used") => {
                field.number = Some(FREE_NUMBERS + *counter);
                true
            }
            // An artifact of recovery (see `artifacts_of_recovery`), out of the later steps' way.
            ([2], Some(Element::Value(value))) if m.starts_with("the first value for proto3") => {
                value.number = Some(0);
                true
            }
            ([2], Some(Element::Value(value))) if m.contains("already been used") => {
                value.number = Some(i32::MAX - *counter);
                true
            }
            ([7], Some(Element::Field(field))) if m.contains("default value") => {
                field.default_value = None;
                true
            }
            ([6], Some(Element::Field(field)))
                if m.contains("not defined") || m.contains("is not a message or enum type") =>
            {
                field.type_name = None;
                field.r#type = Some(Type::Bytes as i32);
                field.default_value = None;
                true
            }
            _ => false,
        };
    }
    fixed
}

/// The name of "name 'X' is not defined", or of "'X' resolves to 'Y', which is not defined".
fn undefined_name(message: &str) -> Option<String> {
    let name = match message.strip_prefix("name '") {
        Some(rest) => rest.split_once("' is not defined")?.0,
        None => message.strip_prefix('\'')?.split_once("' resolves to '")?.0,
    };
    Some(name.to_string())
}

/// Every field of type `name` made `bytes`, and every method taking or returning it made take
/// or return the file's first message; whether any was.
fn retype(file: &mut FileDescriptorProto, name: &str) -> bool {
    fn fields(message: &mut DescriptorProto, name: &str) -> bool {
        let mut changed = false;
        for field in message.field.iter_mut().chain(message.extension.iter_mut()) {
            changed |= retype_field(field, name);
        }
        for nested in &mut message.nested_type {
            changed |= fields(nested, name);
        }
        changed
    }
    let mut changed = false;
    for message in &mut file.message_type {
        changed |= fields(message, name);
    }
    for field in &mut file.extension {
        changed |= retype_field(field, name);
    }
    let first = file.message_type.first().map(|m| match &file.package {
        Some(package) => format!(".{package}.{}", m.name()),
        None => format!(".{}", m.name()),
    });
    for method in file.service.iter_mut().flat_map(|s| s.method.iter_mut()) {
        for ty in [&mut method.input_type, &mut method.output_type] {
            if ty.as_deref() == Some(name) && first.is_some() {
                *ty = first.clone();
                changed = true;
            }
        }
    }
    changed
}

fn retype_field(field: &mut FieldDescriptorProto, name: &str) -> bool {
    if field.type_name.as_deref() != Some(name) {
        return false;
    }
    field.type_name = None;
    field.r#type = Some(Type::Bytes as i32);
    field.default_value = None;
    true
}

/// Field numbers given to a field whose number was used twice: far above any a file uses.
const FREE_NUMBERS: i32 = 536_000_000;

/// The 0-based line and byte column of `offset`, as the parser's source info counts them.
fn line_and_byte_column(text: &str, offset: usize) -> (i32, i32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line as i32, (offset - start) as i32)
}

enum Element<'a> {
    Message(&'a mut DescriptorProto),
    Enum(&'a mut EnumDescriptorProto),
    Field(&'a mut FieldDescriptorProto),
    Value(&'a mut EnumValueDescriptorProto),
    Service(&'a mut ServiceDescriptorProto),
    Method(&'a mut MethodDescriptorProto),
    Oneof(&'a mut OneofDescriptorProto),
}

impl Element<'_> {
    /// Gives the element a name no other has.
    fn rename(&mut self, n: i32) -> bool {
        let name = match self {
            Element::Message(m) => &mut m.name,
            Element::Enum(e) => &mut e.name,
            Element::Field(f) => &mut f.name,
            Element::Value(v) => &mut v.name,
            Element::Service(s) => &mut s.name,
            Element::Method(m) => &mut m.name,
            Element::Oneof(o) => &mut o.name,
        };
        match name {
            Some(name) => {
                name.push_str(&format!("_sous{n}"));
                true
            }
            None => false,
        }
    }
}

/// The message, enum, field or enum value at `path` (pairs of a field tag and an index).
fn element_at<'a>(file: &'a mut FileDescriptorProto, path: &[i32]) -> Option<Element<'a>> {
    let index = |i: usize| -> Option<usize> { path.get(i).and_then(|&n| usize::try_from(n).ok()) };
    let mut current = match (path.first()?, index(1)?) {
        (4, i) => Element::Message(file.message_type.get_mut(i)?),
        (5, i) => Element::Enum(file.enum_type.get_mut(i)?),
        (6, i) => Element::Service(file.service.get_mut(i)?),
        (7, i) => Element::Field(file.extension.get_mut(i)?),
        _ => return None,
    };
    let mut at = 2;
    while at + 1 < path.len() {
        let i = index(at + 1)?;
        current = match (current, path[at]) {
            (Element::Message(m), 2) => Element::Field(m.field.get_mut(i)?),
            (Element::Message(m), 3) => Element::Message(m.nested_type.get_mut(i)?),
            (Element::Message(m), 4) => Element::Enum(m.enum_type.get_mut(i)?),
            (Element::Message(m), 6) => Element::Field(m.extension.get_mut(i)?),
            (Element::Message(m), 8) => Element::Oneof(m.oneof_decl.get_mut(i)?),
            (Element::Enum(e), 2) => Element::Value(e.value.get_mut(i)?),
            (Element::Service(s), 2) => Element::Method(s.method.get_mut(i)?),
            _ => return None,
        };
        at += 2;
    }
    (at == path.len()).then_some(current)
}
