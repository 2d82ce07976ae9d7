//! The unsafe fix for deleted fields and enum values (`sous breaking --fix --unsafe-fixes`): put
//! the declaration back, as the old revision spelled it, with `[deprecated = true]`.
//!
//! Unsafe, because it undoes a deletion someone made on purpose: the field or value is back in
//! generated code, JSON and the wire, and may be set again. It is what the strict rules
//! (`FIELD_NO_DELETE`, `ENUM_VALUE_NO_DELETE`) ask, and the only fix that makes them pass.
//!
//! What to put back is read from the finding's data ([`crate::finding::Lost`]: the message or
//! enum and the deleted number) and the old schema's source text: the declaration's own span,
//! its options merged with `deprecated = true`. It goes before the closing brace of the element
//! (of its `oneof`, for a field that was in one that still exists). A number or a name the new
//! element reserves, or uses again, cannot be put back: that deletion is reserved instead (the
//! safe fix), and the reason printed.

use std::collections::BTreeMap;

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::reserved::{before_close, element_paths};
use crate::finding::Finding;
use crate::schema::{Locations, Proto, Schema, Source};

/// The rules about a deleted field or enum value.
pub const RULES: [&str; 6] = [
    "FIELD_NO_DELETE",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
    "ENUM_VALUE_NO_DELETE",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
];

/// Why putting a deleted field back is unsafe, as the output says it.
pub const WHY_UNSAFE: &str = "unsafe: it is back in generated code, JSON and the wire, undoing a deletion made on purpose; `--fix` alone reserves it instead";

/// What putting deleted members back does to one file.
#[derive(Default)]
pub struct Restored {
    /// Insertions (offset, text), for [`super::reserved::apply`].
    pub edits: Vec<(usize, String)>,
    /// The findings it removes.
    pub fixed: Vec<Finding>,
    /// What was put back, one line each, for the output.
    pub done: Vec<String>,
    /// What could not be put back, with why.
    pub skipped: Vec<String>,
}

/// The message at descriptor `path` of `file` (`[4, i]`, then `[3, j]`...).
fn message_at<'a>(file: &'a FileDescriptorProto, path: &[i32]) -> Option<&'a DescriptorProto> {
    let (&[4, first], rest) = (path.get(..2)?, &path[2..]) else {
        return None;
    };
    let mut m = file.message_type.get(usize::try_from(first).ok()?)?;
    for pair in rest.chunks(2) {
        match pair {
            [3, i] => m = m.nested_type.get(usize::try_from(*i).ok()?)?,
            _ => return None,
        }
    }
    Some(m)
}

/// The enum at descriptor `path` of `file` (`[5, i]`, or a message's path then `[4, j]`).
fn enum_at<'a>(file: &'a FileDescriptorProto, path: &[i32]) -> Option<&'a EnumDescriptorProto> {
    match path {
        [5, i] => file.enum_type.get(usize::try_from(*i).ok()?),
        [parent @ .., 4, i] => message_at(file, parent)?
            .enum_type
            .get(usize::try_from(*i).ok()?),
        _ => None,
    }
}

/// Old declaration `decl` with `deprecated = true` among its options: after the `[` of its
/// option list, or as a new list after the number; as it was when it names `deprecated`
/// already.
fn deprecated(decl: &str) -> String {
    let Some(eq) = decl.find('=') else {
        return decl.to_string();
    };
    let after = &decl[eq + 1..];
    let number_start = eq + 1 + (after.len() - after.trim_start().len());
    let number_len = decl[number_start..]
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphanumeric() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(decl.len() - number_start, |(i, _)| i);
    let end = number_start + number_len;
    let rest = &decl[end..];
    let options = rest.trim_start();
    if options.starts_with('[') {
        let list_end = options.find(']').unwrap_or(options.len());
        if options[..list_end].contains("deprecated") {
            return decl.to_string();
        }
        let open = end + (rest.len() - options.len());
        let after = &decl[open + 1..];
        let space = if after.starts_with(char::is_whitespace) {
            ""
        } else {
            " "
        };
        return format!("{}deprecated = true,{space}{after}", &decl[..=open]);
    }
    format!("{} [deprecated = true]{}", &decl[..end], &decl[end..])
}

/// The `//` lines right above a declaration that starts its line at `start` (breaking keeps no
/// comments in its source info, so they are read from the text); block comments are left.
fn comment_above(text: &str, start: usize) -> Vec<String> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..start].trim().is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with("//"))
        .map(str::to_string)
        .collect();
    lines.reverse();
    lines
}

/// The text of the declaration at `path` of `file` in `source`, its `;` included, and the
/// comment lines right above it.
fn declaration(source: &Source, file: &Proto, path: &[i32]) -> Option<(Vec<String>, String)> {
    let locations = Locations::with_extra(file, file.extra_info());
    let span = locations.span(source, path)?;
    let comment = comment_above(&source.text, span.start);
    let text = &source.text;
    let mut end = span.end;
    let decl = text.get(span.start..end)?.trim_end();
    if !decl.ends_with(';') && !decl.ends_with('}') {
        let after = &text[end..];
        let gap = after.len() - after.trim_start().len();
        if after[gap..].starts_with(';') {
            end += gap + 1;
        }
    }
    Some((comment, text[span.start..end].to_string()))
}

/// Whether message or enum `full_name` is declared in new file `file` or in a file it imports
/// directly (a chain of public imports is not followed: the fix then reserves instead).
fn visible(file: &Proto, schema: &Schema, full_name: &str) -> bool {
    schema.defining_file(full_name).is_some_and(|defining| {
        defining.name() == file.name() || file.dependency.iter().any(|d| d == defining.name())
    })
}

/// Where `parent` is declared in `old`: the file, its source and the descriptor path.
fn old_element<'a>(old: &'a Schema, parent: &str) -> Option<(&'a Proto, &'a Source, Vec<i32>)> {
    old.files.iter().find_map(|file| {
        let path = element_paths(file).remove(parent)?;
        let source = old.sources.get(file.name())?;
        Some((file, &**source, path))
    })
}

/// Puts back, in `source` (new file `new`), the deleted fields and values that `findings` (this
/// file's) report, from `old`'s text.
pub fn restore(
    source: &Source,
    (new, schema): (&Proto, &Schema),
    old: &Schema,
    findings: &[&Finding],
) -> Restored {
    let mut out = Restored::default();
    // (parent, number) -> the findings about it.
    let mut deleted: BTreeMap<(&str, i32), Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| RULES.contains(&f.rule.as_str())) {
        if let Some((lost, Some((number, _)))) = f.lost.as_ref().map(|l| (l, l.deleted.as_ref())) {
            deleted.entry((&lost.parent, *number)).or_default().push(f);
        }
    }
    let new_file: &FileDescriptorProto = new;
    let new_paths = element_paths(new_file);
    // Insertion point (open, close of the body) -> the declarations that go there.
    let mut bodies: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for ((parent, number), found) in deleted {
        let Some(lost) = found[0].lost.as_ref() else {
            continue;
        };
        let names = lost.deleted.as_ref().map_or(&[][..], |(_, n)| &n[..]);
        let what = format!(
            "{} {number} of {parent:?}",
            if lost.in_enum { "enum value" } else { "field" }
        );
        let placed = if let Some(blocked) = &lost.blocked {
            Err(blocked.clone())
        } else if lost.numbers.is_empty() || lost.names.len() < names.len() {
            Err("the new file reserves its number or name".to_string())
        } else {
            place(
                source,
                (new, schema),
                old,
                &new_paths,
                (parent, number, lost.in_enum),
            )
        };
        match placed {
            Ok((body, decls)) => {
                bodies.entry(body).or_default().extend(decls);
                out.fixed.extend(found.iter().map(|f| (*f).clone()));
                out.done.push(what);
            }
            Err(reason) => out.skipped.push(format!("{what} not put back: {reason}")),
        }
    }
    for ((open, close), decls) in bodies {
        out.edits
            .push(before_close(&source.text, open, close, &decls));
    }
    out
}

/// Where the deleted member `number` of `parent` goes back in `source` (the braces of the body),
/// and its old declarations with `deprecated = true`.
#[allow(clippy::type_complexity)]
fn place(
    source: &Source,
    (new, schema): (&Proto, &Schema),
    old: &Schema,
    new_paths: &std::collections::HashMap<String, Vec<i32>>,
    (parent, number, in_enum): (&str, i32, bool),
) -> Result<((usize, usize), Vec<String>), String> {
    let new_path = new_paths
        .get(parent)
        .ok_or_else(|| format!("{parent:?} is not declared in this file"))?;
    let (old_file, old_source, old_path) = old_element(old, parent)
        .ok_or_else(|| format!("the old revision's text of {parent:?} is not at hand"))?;
    let mut decls = Vec::new();
    let mut body_path = new_path.clone();
    if in_enum {
        let e = enum_at(old_file, &old_path).ok_or("no old enum")?;
        for (i, v) in e.value.iter().enumerate() {
            if v.number() == number {
                let path = [&old_path[..], &[2, i as i32]].concat();
                decls.push(declaration(old_source, old_file, &path).ok_or("no old text")?);
            }
        }
    } else {
        let m = message_at(old_file, &old_path).ok_or("no old message")?;
        let (i, field) = (m.field.iter().enumerate())
            .find(|(_, f)| f.number() == number)
            .ok_or("no old field")?;
        let path = [&old_path[..], &[2, i as i32]].concat();
        decls.push(declaration(old_source, old_file, &path).ok_or("no old text")?);
        let type_name = field.type_name().trim_start_matches('.');
        if !type_name.is_empty() && !visible(new, schema, type_name) {
            return Err(format!(
                "its type {type_name:?} is not declared in or imported by the new file"
            ));
        }
        if let (Some(k), false) = (field.oneof_index, field.proto3_optional()) {
            let oneof = m.oneof_decl.get(k as usize).ok_or("no old oneof")?.name();
            let new_file: &FileDescriptorProto = new;
            let new_m = message_at(new_file, new_path).ok_or("no new message")?;
            let j = (new_m.oneof_decl.iter())
                .position(|o| o.name() == oneof)
                .ok_or_else(|| format!("it was in oneof {oneof:?}, which is gone"))?;
            body_path.extend([8, j as i32]);
        }
    }
    if decls.is_empty() {
        return Err("no old declaration".into());
    }
    let locations = Locations::with_extra(new, new.extra_info());
    let span = locations
        .span(source, &body_path)
        .ok_or("no source position for the new element")?;
    let text = &source.text[span.start..span.end];
    let open = span.start + text.find('{').ok_or("no body")?;
    let close = span.start + text.rfind('}').ok_or("no body")?;
    // Comments go back only where the declarations get lines of their own (a `//` comment on
    // the line of a one-line body would swallow its closing brace).
    let line_start = source.text[..close].rfind('\n').map_or(0, |i| i + 1);
    let own_lines = source.text[line_start..close].trim().is_empty();
    let mut statements = Vec::new();
    for (comment, decl) in decls {
        if own_lines && !comment.is_empty() {
            // Set apart from what is above it, as commented declarations are.
            statements.push(String::new());
            statements.extend(comment);
        }
        statements.push(deprecated(&decl));
    }
    Ok(((open, close), statements))
}

#[cfg(test)]
mod tests {
    use super::deprecated;

    #[test]
    fn the_comment_right_above_comes_along() {
        let text = "message A {\n  int32 a = 1;\n  // One.\n  // Two.\n  int32 b = 2;\n}\n";
        let at = text.find("int32 b").unwrap();
        assert_eq!(super::comment_above(text, at), ["// One.", "// Two."]);
        let at = text.find("int32 a").unwrap();
        assert!(super::comment_above(text, at).is_empty());
    }

    #[test]
    fn deprecated_is_merged_into_the_options() {
        assert_eq!(
            deprecated("string note = 2;"),
            "string note = 2 [deprecated = true];"
        );
        assert_eq!(
            deprecated("string note = 2 [json_name = \"n\"];"),
            "string note = 2 [deprecated = true, json_name = \"n\"];"
        );
        assert_eq!(deprecated("A_B = -1;"), "A_B = -1 [deprecated = true];");
        assert_eq!(
            deprecated("string x = 4 [\n    (a.b) = 1\n  ];"),
            "string x = 4 [deprecated = true,\n    (a.b) = 1\n  ];"
        );
        assert_eq!(
            deprecated("int32 x = 0x10;"),
            "int32 x = 0x10 [deprecated = true];"
        );
        assert_eq!(
            deprecated("int32 x = 3 [deprecated = true];"),
            "int32 x = 3 [deprecated = true];"
        );
        assert_eq!(
            deprecated("optional group G = 3 {\n  optional int32 a = 1;\n}"),
            "optional group G = 3 [deprecated = true] {\n  optional int32 a = 1;\n}"
        );
    }
}
