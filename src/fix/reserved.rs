//! The safe fix for deleted fields and enum values: reserve their numbers and names in the new
//! file, so that no later field or value takes them again with another meaning.
//!
//! Messages and enums pair by full name, fields and values by number, as the rules pair them
//! ([`reserved_common`]). The numbers and names go into the element's existing `reserved`
//! statements (`reserved 2, 3;` becomes `reserved 2, 3, 5;`), else into new statements before its
//! closing brace, indented like its body. A name the new element uses again (a field renumbered,
//! say) cannot be reserved: the file is then left alone, with the reason. Under `FILE`, deleting
//! a field or a value stays breaking even once reserved (generated code loses it; see
//! bufbuild/buf#2629): the output says so rather than pretend the fix removed it.

use std::collections::{BTreeSet, HashMap};

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use crate::breaking::rules::reserved_common::{
    covers, deleted_enum_values, deleted_fields, enum_reserved, message_reserved, spell, uncovered,
    Range, ENUM_MAX, FIELD_MAX,
};
use crate::finding::Finding;
use crate::schema::{Locations, Schema, Source};

/// The breaking rules a `reserved` statement answers.
pub const RULES: [&str; 8] = [
    "RESERVED_MESSAGE_NO_DELETE",
    "RESERVED_ENUM_NO_DELETE",
    "FIELD_NO_DELETE",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
    "ENUM_VALUE_NO_DELETE",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
];

/// The rules that still fail once the deleted element is reserved, and why.
pub const STILL: [(&str, &str); 2] = [
    ("FIELD_NO_DELETE", "a deleted field is breaking under FILE even when reserved, since generated code loses it (bufbuild/buf#2629); restore it with `[deprecated = true]` if callers must keep compiling"),
    ("ENUM_VALUE_NO_DELETE", "a deleted enum value is breaking under FILE even when reserved, since generated code loses it (bufbuild/buf#2629); restore it with `[deprecated = true]` if callers must keep compiling"),
];

/// Messages and enums of a schema by full name.
#[derive(Default)]
struct Decls<'a> {
    messages: HashMap<String, &'a DescriptorProto>,
    enums: HashMap<String, &'a EnumDescriptorProto>,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn collect<'a>(prefix: &str, m: &'a DescriptorProto, out: &mut Decls<'a>) {
    let full = join(prefix, m.name());
    for e in &m.enum_type {
        out.enums.insert(join(&full, e.name()), e);
    }
    for n in &m.nested_type {
        collect(&full, n, out);
    }
    out.messages.insert(full, m);
}

fn decls(schema: &Schema) -> Decls<'_> {
    let mut out = Decls::default();
    for file in &schema.files {
        let file: &FileDescriptorProto = file;
        for m in &file.message_type {
            collect(file.package(), m, &mut out);
        }
        for e in &file.enum_type {
            out.enums.insert(join(file.package(), e.name()), e);
        }
    }
    out
}

/// An element of the new file to reserve in: where it is, and what to reserve.
struct Target {
    path: Vec<i32>,
    full_name: String,
    /// Numbers and ranges as a `reserved` statement spells them (`5`, `10 to 20`).
    numbers: Vec<String>,
    names: Vec<String>,
}

/// What `old` reserved that `new` (numbers in use `used`, names `used_names`) no longer does:
/// the ranges and names to put back, or why one cannot be.
#[allow(clippy::too_many_arguments)]
fn removed_reserved(
    full: &str,
    old: (&[Range], &[String]),
    new: (&[Range], &[String]),
    used: &[(i64, &str)],
    max: i64,
    numbers: &mut Vec<String>,
    names: &mut Vec<String>,
    errors: &mut Vec<String>,
) {
    for &range in old.0 {
        for lost in uncovered(range, new.0) {
            match used.iter().find(|(n, _)| lost.start <= *n && *n <= lost.end) {
                Some((n, name)) => errors.push(format!(
                    "{full:?} no longer reserves {}, and {name:?} uses {n} now: it cannot be reserved again",
                    spell(lost, max)
                )),
                None => numbers.push(spell(lost, max)),
            }
        }
    }
    for name in old.1 {
        if new.1.contains(name) || names.contains(name) {
            continue;
        }
        match used.iter().find(|(_, n)| n == name) {
            Some((n, _)) => errors.push(format!(
                "{full:?} no longer reserves the name {name:?}, and number {n} uses it now: it cannot be reserved again"
            )),
            None => names.push(name.clone()),
        }
    }
}

/// Walks the messages and enums of the new file with their descriptor paths.
fn targets(
    old: &Decls,
    prefix: &str,
    path: Vec<i32>,
    m: &DescriptorProto,
    out: &mut Vec<Target>,
    errors: &mut Vec<String>,
) {
    let full = join(prefix, m.name());
    if m.options.as_ref().is_some_and(|o| o.map_entry()) {
        return;
    }
    if let Some(before) = old.messages.get(&full) {
        let reserved = message_reserved(m);
        let mut numbers = Vec::new();
        let mut names = Vec::new();
        for field in deleted_fields(before, m) {
            let number = i64::from(field.number());
            if m.extension_range
                .iter()
                .any(|r| i64::from(r.start()) <= number && number < i64::from(r.end()))
            {
                errors.push(format!("number {number} of deleted field {:?} is in an extension range of {full:?} now: it cannot be reserved", field.name()));
            } else if !covers(&reserved, number) {
                numbers.push(number.to_string());
            }
            if let Some(user) = m.field.iter().find(|f| f.name() == field.name()) {
                errors.push(format!(
                    "the name {:?} of deleted field {} is used again by field {} of {full:?}: it cannot be reserved",
                    field.name(),
                    field.number(),
                    user.number()
                ));
            } else if !m.reserved_name.iter().any(|n| n == field.name()) {
                names.push(field.name().to_string());
            }
        }
        let used: Vec<(i64, &str)> = (m.field.iter())
            .map(|f| (i64::from(f.number()), f.name()))
            .collect();
        removed_reserved(
            &full,
            (&message_reserved(before), &before.reserved_name),
            (&reserved, &m.reserved_name),
            &used,
            FIELD_MAX,
            &mut numbers,
            &mut names,
            errors,
        );
        if !numbers.is_empty() || !names.is_empty() {
            out.push(Target {
                path: path.clone(),
                full_name: full.clone(),
                numbers,
                names,
            });
        }
    }
    for (i, n) in m.nested_type.iter().enumerate() {
        let mut p = path.clone();
        p.extend([3, i as i32]);
        targets(old, &full, p, n, out, errors);
    }
    for (i, e) in m.enum_type.iter().enumerate() {
        let mut p = path.clone();
        p.extend([4, i as i32]);
        enum_target(old, &full, p, e, out, errors);
    }
}

fn enum_target(
    old: &Decls,
    prefix: &str,
    path: Vec<i32>,
    e: &EnumDescriptorProto,
    out: &mut Vec<Target>,
    errors: &mut Vec<String>,
) {
    let full = join(prefix, e.name());
    let Some(before) = old.enums.get(&full) else {
        return;
    };
    let reserved = enum_reserved(e);
    let mut numbers = Vec::new();
    let mut names = Vec::new();
    for value in deleted_enum_values(before, e) {
        if !covers(&reserved, i64::from(value.number)) {
            numbers.push(value.number.to_string());
        }
        for name in value.names {
            if let Some(user) = e.value.iter().find(|v| v.name() == name) {
                errors.push(format!(
                    "the name {name:?} of deleted enum value {} is used again by value {} of {full:?}: it cannot be reserved",
                    value.number,
                    user.number()
                ));
            } else if !e.reserved_name.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    let used: Vec<(i64, &str)> = (e.value.iter())
        .map(|v| (i64::from(v.number()), v.name()))
        .collect();
    removed_reserved(
        &full,
        (&enum_reserved(before), &before.reserved_name),
        (&reserved, &e.reserved_name),
        &used,
        ENUM_MAX,
        &mut numbers,
        &mut names,
        errors,
    );
    if !numbers.is_empty() || !names.is_empty() {
        out.push(Target {
            path,
            full_name: full,
            numbers,
            names,
        });
    }
}

/// The `reserved` statements directly in the body `body_start..body_end` of `text` (nested
/// bodies skipped): for each, the offset of its `;` and whether it lists names.
fn reserved_statements(text: &str, body_start: usize, body_end: usize) -> Vec<(usize, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = body_start;
    let mut statement_start = true;
    while i < body_end {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < body_end && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(body_end, |e| i + 2 + e + 2);
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                statement_start = false;
                continue;
            }
            b'{' => {
                depth += 1;
                statement_start = true;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                statement_start = true;
            }
            b';' => statement_start = true,
            c if c.is_ascii_whitespace() => {}
            _ => {
                if statement_start
                    && depth == 0
                    && text[i..].starts_with("reserved")
                    && !bytes
                        .get(i + 8)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    let rest = text[i + 8..body_end].trim_start();
                    let names = !rest.starts_with(|c: char| c.is_ascii_digit() || c == '-');
                    let mut j = i + 8;
                    while j < body_end && bytes[j] != b';' {
                        j = if bytes[j] == b'"' || bytes[j] == b'\'' {
                            skip_string(bytes, j)
                        } else {
                            j + 1
                        };
                    }
                    if j < body_end {
                        out.push((j, names));
                    }
                    i = j;
                    continue;
                }
                statement_start = false;
            }
        }
        i += 1;
    }
    out
}

/// The offset after the string literal that starts at `i`.
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let quote = bytes[i];
    let mut j = i + 1;
    while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
        j += if bytes[j] == b'\\' { 2 } else { 1 };
    }
    (j + 1).min(bytes.len())
}

/// The indentation of the line holding `offset`.
fn indent_at(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The insertions (offset, text) that reserve `t` in the element spanning `start..end`.
fn edits(text: &str, start: usize, end: usize, t: &Target) -> Option<Vec<(usize, String)>> {
    let open = start + text[start..end].find('{')?;
    let close = start + text[start..end].rfind('}')?;
    let existing = reserved_statements(text, open + 1, close);
    let numbers = t.numbers.join(", ");
    let names = t
        .names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = Vec::new();
    let mut fresh = Vec::new();
    for (list, is_names) in [(numbers, false), (names, true)] {
        if list.is_empty() {
            continue;
        }
        match existing.iter().rev().find(|(_, n)| *n == is_names) {
            Some(&(semi, _)) => out.push((semi, format!(", {list}"))),
            None => fresh.push(format!("reserved {list};")),
        }
    }
    if !fresh.is_empty() {
        let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..close].trim().is_empty() {
            // The closing brace on a line of its own: a line per statement above it, indented
            // like the body's first line (or two spaces deeper than the brace).
            let outer = indent_at(text, close);
            let eol = if text[..close].ends_with("\r\n") || text[close..].contains("}\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            let body_line = text[open + 1..close]
                .split_inclusive('\n')
                .skip(1)
                .find(|l| !l.trim().is_empty());
            let inner = match body_line {
                Some(l) if l.len() - l.trim_start().len() > outer.len() => {
                    l[..l.len() - l.trim_start_matches([' ', '\t']).len()].to_string()
                }
                _ => format!("{outer}  "),
            };
            let lines: String = fresh.iter().map(|s| format!("{inner}{s}{eol}")).collect();
            out.push((line_start, lines));
        } else {
            let sep = if text[..close].ends_with(' ') {
                ""
            } else {
                " "
            };
            out.push((close, format!("{sep}{} ", fresh.join(" "))));
        }
    }
    Some(out)
}

/// `source`'s new text with the deleted fields and values of its messages and enums reserved
/// (those that `findings`, this file's, report), the findings that removes, and the rules still
/// failing with why; `Err` with the reason when the file must be left alone; `Ok(None)` when
/// there is nothing to reserve.
#[allow(clippy::type_complexity)]
pub fn reserve(
    source: &Source,
    new: &crate::schema::Proto,
    old: &Schema,
    findings: &[&Finding],
) -> Result<Option<(String, Vec<Finding>, Vec<(String, String)>)>, String> {
    let relevant: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| RULES.contains(&f.rule.as_str()))
        .collect();
    if relevant.is_empty() {
        return Ok(None);
    }
    let old = decls(old);
    let file: &FileDescriptorProto = new;
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (i, m) in file.message_type.iter().enumerate() {
        targets(
            &old,
            file.package(),
            vec![4, i as i32],
            m,
            &mut found,
            &mut errors,
        );
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        enum_target(
            &old,
            file.package(),
            vec![5, i as i32],
            e,
            &mut found,
            &mut errors,
        );
    }
    // Only the elements a finding names: the rules enabled decide what is asked for.
    let named = |t: &Target| {
        let quoted = format!("{:?}", t.full_name);
        relevant.iter().any(|f| f.message.contains(&quoted))
    };
    found.retain(|t| named(t));
    if let Some(error) = errors.into_iter().next() {
        return Err(error);
    }
    if found.is_empty() {
        return Ok(None);
    }
    let locations = Locations::with_extra(file, new.extra_info());
    let mut all = Vec::new();
    for t in &found {
        let span = locations
            .span(source, &t.path)
            .ok_or_else(|| format!("no source position for {:?}", t.full_name))?;
        let e = edits(&source.text, span.start, span.end, t)
            .ok_or_else(|| format!("could not find the body of {:?}", t.full_name))?;
        all.extend(e);
    }
    // From the end, so that earlier offsets stay valid; at one offset, in the order made.
    all.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut text = source.text.clone();
    let mut at_offset: Vec<(usize, String)> = Vec::new();
    for (offset, insert) in all {
        match at_offset.last_mut() {
            Some((o, s)) if *o == offset => s.insert_str(0, &insert),
            _ => at_offset.push((offset, insert)),
        }
    }
    for (offset, insert) in at_offset {
        text.insert_str(offset, &insert);
    }
    let names: BTreeSet<String> = found.iter().map(|t| format!("{:?}", t.full_name)).collect();
    let fixed: Vec<Finding> = relevant
        .iter()
        .filter(|f| names.iter().any(|n| f.message.contains(n.as_str())))
        .map(|f| (*f).clone())
        .collect();
    let still = STILL
        .iter()
        .filter(|(rule, _)| fixed.iter().any(|f| f.rule == *rule))
        .map(|(r, why)| (r.to_string(), why.to_string()))
        .collect();
    Ok(Some((text, fixed, still)))
}
