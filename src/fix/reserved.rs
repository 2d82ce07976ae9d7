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

use std::collections::{BTreeMap, HashMap};

use prost_types::{DescriptorProto, FileDescriptorProto};

use super::is_editions;
use crate::breaking::rules::reserved_common::{spell, Range, ENUM_MAX, FIELD_MAX};
use crate::finding::{Finding, Lost};
use crate::schema::{Locations, Source};

/// The breaking rules about numbers and names lost other than by a deleted field or value
/// ([`super::restore::RULES`]).
const LOST: [&str; 3] = [
    "EXTENSION_MESSAGE_NO_DELETE",
    "RESERVED_MESSAGE_NO_DELETE",
    "RESERVED_ENUM_NO_DELETE",
];

/// Whether a `reserved` statement (an `extensions` one, for EXTENSION_MESSAGE_NO_DELETE)
/// answers `rule`.
pub fn answers(rule: &str) -> bool {
    LOST.contains(&rule) || super::restore::RULES.contains(&rule)
}

/// The rules that still fail once the deleted element is reserved, and why.
pub const STILL: [(&str, &str); 2] = [
    ("FIELD_NO_DELETE", "a deleted field is breaking under FILE even when reserved, since generated code loses it (bufbuild/buf#2629); if callers must keep compiling, `--unsafe-fixes` puts it back with `[deprecated = true]` instead"),
    ("ENUM_VALUE_NO_DELETE", "a deleted enum value is breaking under FILE even when reserved, since generated code loses it (bufbuild/buf#2629); if callers must keep compiling, `--unsafe-fixes` puts it back with `[deprecated = true]` instead"),
];

/// An element of the new file to reserve in: where it is, and what to reserve.
pub struct Target {
    path: Vec<i32>,
    /// Numbers and ranges as a `reserved` statement spells them (`5`, `10 to 20`).
    numbers: Vec<String>,
    names: Vec<String>,
    /// The numbers go into an `extensions` statement, not `reserved`.
    extensions: bool,
}

pub(super) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// The messages (map entries left out: nothing is written for them) and enums of a file, by
/// full name, with their descriptor paths.
pub(super) fn element_paths(file: &FileDescriptorProto) -> HashMap<String, Vec<i32>> {
    fn message(
        prefix: &str,
        path: Vec<i32>,
        m: &DescriptorProto,
        out: &mut HashMap<String, Vec<i32>>,
    ) {
        if m.options.as_ref().is_some_and(|o| o.map_entry()) {
            return;
        }
        let full = join(prefix, m.name());
        for (i, n) in m.nested_type.iter().enumerate() {
            message(&full, [&path[..], &[3, i as i32]].concat(), n, out);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            out.insert(join(&full, e.name()), [&path[..], &[4, i as i32]].concat());
        }
        out.insert(full, path);
    }
    let mut out = HashMap::new();
    for (i, m) in file.message_type.iter().enumerate() {
        message(file.package(), vec![4, i as i32], m, &mut out);
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        out.insert(join(file.package(), e.name()), vec![5, i as i32]);
    }
    out
}

/// The finding's data, when it is one the reserve fix answers and there is something to
/// reserve.
fn lost_of(f: &Finding) -> Option<&Lost> {
    let lost = f.lost.as_ref()?;
    let something = !lost.numbers.is_empty() || !lost.names.is_empty();
    (answers(&f.rule) && something).then_some(lost)
}

/// What to reserve for all of `lost` (one parent, at `path`): numbers in order, ranges merged as given;
/// the names of deleted members by number, then names that were reserved.
fn target(path: Vec<i32>, lost: &[&Lost]) -> Target {
    let mut ranges: Vec<(i64, i64)> = lost
        .iter()
        .flat_map(|l| l.numbers.iter().copied())
        .collect();
    ranges.sort();
    ranges.dedup();
    let max = if lost.iter().any(|l| l.in_enum) {
        ENUM_MAX
    } else {
        FIELD_MAX
    };
    let mut named: Vec<(i64, &str)> = lost
        .iter()
        .flat_map(|l| {
            let key = l.deleted.as_ref().map_or(i64::MAX, |(n, _)| i64::from(*n));
            l.names.iter().map(move |n| (key, n.as_str()))
        })
        .collect();
    named.sort_by_key(|(key, _)| *key);
    let mut names: Vec<String> = Vec::new();
    for (_, n) in named {
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    }
    Target {
        path,
        numbers: ranges
            .into_iter()
            .map(|(start, end)| spell(Range { start, end }, max))
            .collect(),
        names,
        extensions: lost.iter().any(|l| l.extensions),
    }
}

/// The insertions (byte offset, text) that reserve what finding `f` says its element lost,
/// on its own, in `source` (the finding is placed at that element): SARIF's and JSON's edit
/// for the finding. `None` when it has no such fix.
pub fn finding_edits(source: &Source, f: &Finding) -> Option<Vec<(usize, String)>> {
    let lost = lost_of(f)?;
    if lost.blocked.is_some() {
        return None;
    }
    let text = &source.text;
    let start = source
        .lines
        .offset_of_position(text, f.start_line, f.start_column);
    let end = source
        .lines
        .offset_of_position(text, f.end_line, f.end_column);
    let t = target(Vec::new(), &[lost]);
    edits(text, start, end, &t)
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
pub fn edits(text: &str, start: usize, end: usize, t: &Target) -> Option<Vec<(usize, String)>> {
    let open = start + text[start..end].find('{')?;
    let close = start + text[start..end].rfind('}')?;
    if t.extensions {
        let statement = format!("extensions {};", t.numbers.join(", "));
        return Some(vec![before_close(text, open, close, &[statement])]);
    }
    let existing = reserved_statements(text, open + 1, close);
    let numbers = t.numbers.join(", ");
    // Editions files reserve names as identifiers, proto2 and proto3 files as strings.
    let identifiers = is_editions(text);
    let names = t
        .names
        .iter()
        .map(|n| {
            if identifiers {
                n.clone()
            } else {
                format!("{n:?}")
            }
        })
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
        out.push(before_close(text, open, close, &fresh));
    }
    Some(out)
}

/// The insertion (offset, text) that puts `statements` at the end of the body between braces
/// `open` and `close`: with the closing brace on a line of its own, a line per statement above
/// it, indented like the body's first line (or two spaces deeper than the brace); else on the
/// brace's line, before it.
pub fn before_close(
    text: &str,
    open: usize,
    close: usize,
    statements: &[String],
) -> (usize, String) {
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..close].trim().is_empty() {
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
        // An empty statement is a blank line.
        let lines: String = (statements.iter())
            .map(|s| match s.as_str() {
                "" => eol.to_string(),
                s => format!("{inner}{s}{eol}"),
            })
            .collect();
        (line_start, lines)
    } else {
        let sep = if text[..close].ends_with(' ') {
            ""
        } else {
            " "
        };
        (close, format!("{sep}{} ", statements.join(" ")))
    }
}

/// What reserving again what `findings` (this file's) say its messages and enums lost does to
/// `source`: the insertions (offset, text; see [`apply`]), the findings that removes, and the
/// rules still failing with why; `Err` with the reason when the file must be left alone;
/// `Ok(None)` when there is nothing to reserve.
#[allow(clippy::type_complexity)]
pub fn reserve(
    source: &Source,
    new: &crate::schema::Proto,
    findings: &[&Finding],
) -> Result<Option<(Vec<(usize, String)>, Vec<Finding>, Vec<(String, String)>)>, String> {
    let relevant: Vec<(&Finding, &Lost)> = findings
        .iter()
        .filter_map(|f| Some((*f, lost_of(f)?)))
        .collect();
    if let Some(reason) = relevant.iter().find_map(|(_, l)| l.blocked.clone()) {
        return Err(reason);
    }
    let file: &FileDescriptorProto = new;
    let paths = element_paths(file);
    let mut by_parent: BTreeMap<(&str, bool), Vec<&Lost>> = BTreeMap::new();
    for (_, lost) in &relevant {
        if paths.contains_key(&lost.parent) {
            let key = (lost.parent.as_str(), lost.extensions);
            by_parent.entry(key).or_default().push(lost);
        }
    }
    if by_parent.is_empty() {
        return Ok(None);
    }
    let locations = Locations::with_extra(file, new.extra_info());
    let mut all = Vec::new();
    for ((parent, _), lost) in &by_parent {
        let t = target(paths[*parent].clone(), lost);
        let span = locations
            .span(source, &t.path)
            .ok_or_else(|| format!("no source position for {parent:?}"))?;
        let e = edits(&source.text, span.start, span.end, &t)
            .ok_or_else(|| format!("could not find the body of {parent:?}"))?;
        all.extend(e);
    }
    let fixed: Vec<Finding> = relevant
        .iter()
        .filter(|(_, l)| by_parent.contains_key(&(l.parent.as_str(), l.extensions)))
        .map(|(f, _)| (*f).clone())
        .collect();
    let still = STILL
        .iter()
        .filter(|(rule, _)| fixed.iter().any(|f| f.rule == *rule))
        .map(|(r, why)| (r.to_string(), why.to_string()))
        .collect();
    Ok(Some((all, fixed, still)))
}

/// `text` with the insertions `edits` (byte offset, text) made: from the end, so that earlier
/// offsets stay valid; at one offset, in the order given.
pub fn apply(text: &str, mut edits: Vec<(usize, String)>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut at_offset: Vec<(usize, String)> = Vec::new();
    for (offset, insert) in edits {
        match at_offset.last_mut() {
            Some((o, s)) if *o == offset => s.push_str(&insert),
            _ => at_offset.push((offset, insert)),
        }
    }
    let mut text = text.to_string();
    for (offset, insert) in at_offset {
        text.insert_str(offset, &insert);
    }
    text
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::breaking::rules::reserved_common::{deleted_fields, lost_field};
    use crate::schema::Proto;

    const OLD: &str =
        "syntax = \"proto3\";\npackage p;\nmessage M {\n  int32 a = 1;\n  string note = 2;\n}\n";
    const NEW: &str = "syntax = \"proto3\";\npackage p;\nmessage M {\n  int32 a = 1;\n}\n";
    const FIXED: &str = "syntax = \"proto3\";\npackage p;\nmessage M {\n  int32 a = 1;\n  reserved 2;\n  reserved \"note\";\n}\n";

    fn parse(text: &str) -> FileDescriptorProto {
        protox_parse::parse("a.proto", text).unwrap()
    }

    /// A finding as FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED makes one, but whose message names
    /// nothing: the fix must read the finding's data, not its words.
    fn finding(source: &Source, old: &FileDescriptorProto, new: &FileDescriptorProto) -> Finding {
        let (old_m, new_m) = (&old.message_type[0], &new.message_type[0]);
        let deleted = deleted_fields(old_m, new_m);
        let start = NEW.find("message M").unwrap();
        let end = NEW.rfind('}').unwrap() + 1;
        let mut f = source.finding(
            start,
            end,
            "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
            "reworded: no name, no number".into(),
        );
        f.lost = lost_field("p.M", new_m, deleted[0]);
        f
    }

    fn source() -> Source {
        crate::fix::test_source(NEW)
    }

    #[test]
    fn editions_files_reserve_names_as_identifiers() {
        let t = Target {
            path: Vec::new(),
            numbers: vec!["2".into()],
            names: vec!["b".into()],
            extensions: false,
        };
        let proto3 = "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n}\n";
        let editions = "// c\n/* d */ edition = \"2023\";\nmessage M {\n  string a = 1;\n}\n";
        let text = |src: &str| apply(src, edits(src, 0, src.len(), &t).unwrap());
        assert!(text(proto3).contains("reserved \"b\";"), "{}", text(proto3));
        assert!(text(editions).contains("reserved b;"), "{}", text(editions));
        assert!(!is_editions(
            "syntax = \"proto2\";\n// edition = \"2023\";\n"
        ));
        assert!(!is_editions("editions = 1;"));
    }

    #[test]
    fn reserves_from_the_findings_data_not_its_wording() {
        let (old, new) = (parse(OLD), parse(NEW));
        let source = source();
        let f = finding(&source, &old, &new);
        let proto = Proto::Owned(Arc::new(new));
        let (edits, fixed, still) = reserve(&source, &proto, &[&f]).unwrap().unwrap();
        assert_eq!(apply(NEW, edits), FIXED);
        assert_eq!(fixed, vec![f.clone()]);
        assert!(still.is_empty());
        // The same edit from the finding alone (what SARIF and JSON carry).
        let edits = finding_edits(&source, &f).unwrap();
        assert_eq!(apply(NEW, edits), FIXED);
    }

    #[test]
    fn a_blocked_finding_leaves_the_file_alone_and_has_no_edit() {
        let (old, new) = (parse(OLD), parse(NEW));
        let source = source();
        let mut f = finding(&source, &old, &new);
        f.lost.as_mut().unwrap().blocked = Some("why".into());
        let proto = Proto::Owned(Arc::new(new));
        assert_eq!(
            reserve(&source, &proto, &[&f]).err().as_deref(),
            Some("why")
        );
        assert!(finding_edits(&source, &f).is_none());
        // Without data, nothing is reserved, whatever the message says.
        let mut f = finding(&source, &old, &parse(NEW));
        f.lost = None;
        f.message = "field 2 \"note\" of message \"p.M\" was deleted".into();
        assert!(reserve(&source, &proto, &[&f]).unwrap().is_none());
    }
}
