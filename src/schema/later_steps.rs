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
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto,
};

use super::errors;
use super::every_error::related;
use super::link::Resolver;
use crate::finding::Finding;
use crate::input::ProtoFile;

/// How many times a file is compiled again, at most (the compiler has three steps).
const MAX_ROUNDS: usize = 4;

/// The errors of `file` past `err` (already reported, with its related errors in `reported`):
/// those of its later steps, and those of what its parser recovered from syntax errors.
pub(super) fn past_failed_steps(
    resolver: &Resolver,
    file: &ProtoFile,
    err: &protox::Error,
    reported: &[Finding],
    deps: Option<&[String]>,
) -> Vec<Finding> {
    let Some(source) = resolver.sources.get(&file.name) else {
        return Vec::new();
    };
    let text = &source.text;
    let mut seen: HashSet<(u32, u32, String)> = reported.iter().map(key).collect();
    let (mut base, mut issues) = match protox_parse::parse_recovered(&file.name, text) {
        // Syntax errors: the recovered file is compiled as it is first.
        Some(recovered) => (recovered, None),
        None => match protox_parse::parse(&file.name, text) {
            Ok(parsed) => (parsed, Some(issues_of(err, text))),
            Err(_) => return Vec::new(),
        },
    };
    if base.syntax() == "editions" {
        // Lowered for the compiler elsewhere (see `super::editions`): not fixed here.
        return Vec::new();
    }
    let resolver = resolver.without_parsed();
    let mut counter = 0;
    let mut findings = Vec::new();
    for _ in 0..MAX_ROUNDS {
        if let Some(issues) = &issues {
            if !fix(&mut base, issues, text, &mut counter) {
                break;
            }
        }
        let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
        compiler.include_source_info(true).include_imports(true);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            protox_parse::substituting(base.clone(), || compiler.open_file(&file.name).map(|_| ()))
        }));
        let err = match result {
            Ok(Err(err)) if err.file() == Some(file.name.as_str()) => err,
            _ => break,
        };
        let mut found = vec![errors::compile_error(
            &err,
            &resolver.sources,
            &resolver.empty(),
            file,
            deps,
        )];
        found.extend(related(&err, &resolver.sources));
        let before = findings.len();
        for finding in found {
            if seen.insert(key(&finding)) {
                findings.push(finding);
            }
        }
        if findings.len() == before && issues.is_some() {
            // Nothing new: fixing did not get the compiler further.
            break;
        }
        issues = Some(issues_of(&err, text));
    }
    findings
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
    at: (usize, usize),
}

fn issues_of(err: &protox::Error, text: &str) -> Vec<Issue> {
    let mut diagnostics: Vec<&dyn Diagnostic> = vec![err];
    if let Some(related) = err.related() {
        diagnostics.extend(related);
    }
    diagnostics
        .into_iter()
        .filter_map(|d| {
            let labels: Vec<miette::LabeledSpan> = d.labels()?.collect();
            let label = labels
                .iter()
                .find(|l| l.label() == Some("defined again here"))
                .or_else(|| labels.first())?;
            let at = (label.offset(), label.offset() + label.len());
            (at.1 <= text.len()).then(|| Issue {
                message: d.to_string(),
                at,
            })
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
        let (line, column) = line_and_byte_column(text, issue.at.0);
        let Some(location) = info.location.iter().find(|l| {
            l.span.len() >= 3 && l.span[0] == line && l.span[1] == column && l.path.len() % 2 == 1
        }) else {
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
            ([2], Some(Element::Value(value))) if m.contains("already been used") => {
                value.number = Some(i32::MAX - *counter);
                true
            }
            ([6], Some(Element::Field(field))) if m.contains("not defined") => {
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
}

impl Element<'_> {
    /// Gives the element a name no other has.
    fn rename(&mut self, n: i32) -> bool {
        let name = match self {
            Element::Message(m) => &mut m.name,
            Element::Enum(e) => &mut e.name,
            Element::Field(f) => &mut f.name,
            Element::Value(v) => &mut v.name,
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
            (Element::Enum(e), 2) => Element::Value(e.value.get_mut(i)?),
            _ => return None,
        };
        at += 2;
    }
    (at == path.len()).then_some(current)
}
