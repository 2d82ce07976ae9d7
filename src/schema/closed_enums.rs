//! buf parity: a proto3 message cannot have a field of a closed enum (a proto2 enum, or an
//! editions enum whose resolved `enum_type` is `CLOSED`). The compiler sees editions files as
//! proto2 and prost-reflect checks proto2 enums only, so the editions case is ours: buf reports
//! it as a `COMPILE` finding at the field's type.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::{DescriptorProto, EnumDescriptorProto};

use super::editions::Editions;
use super::{Locations, Schema};
use crate::descriptor::tag;

/// Gives compiled editions files their `editions` syntax back and their feature tables to the
/// schema, then adds a `COMPILE` finding for every use of a closed enum in a proto3 message and
/// every default JSON name clash in an editions message (see `editions::json_clashes`) and every
/// use of another file's local type (see `editions::visibility`) and `ctype` where edition 2023
/// refuses it (see `editions::ctype`), and every proto3 `extend` of a message other than the
/// options messages (see `proto3_extend`), and every message set of a proto3 file (see
/// `message_sets`) and every use of a message set's extension in an option (the same), and
/// every custom option used before the edition that introduces it (`editions::option_support`),
/// and `jstype` and `packed` where buf refuses them (`field_options`), and `allow_alias` on an
/// enum without aliases (`allow_alias`), and package names too large (`package_limits`).
pub(super) fn restore_editions(schema: &mut Schema, editions: HashMap<String, Arc<Editions>>) {
    super::editions::restore_syntax(&mut schema.files, &editions);
    schema.editions = editions;
    // The checks are independent of each other and each walks every file: they run side by
    // side, on every core (they ran one after the other between the link and lint stages). The
    // findings are sorted before anyone sees them; they are kept in this order all the same.
    use rayon::prelude::*;
    type Check = fn(&Schema) -> Vec<crate::finding::Finding>;
    let checks: [Check; 12] = [
        used_in_proto3,
        super::editions::json_clashes::in_editions,
        super::editions::visibility::in_schema,
        super::editions::option_only::in_schema,
        super::editions::ctype::in_edition_2023,
        super::proto3_extend::in_proto3,
        super::message_sets::in_proto3,
        super::message_sets::in_options,
        super::editions::option_support::in_schema,
        super::field_options::in_schema,
        super::allow_alias::in_schema,
        super::package_limits::in_schema,
    ];
    let shared: &Schema = schema;
    let findings: Vec<Vec<crate::finding::Finding>> =
        checks.par_iter().map(|check| check(shared)).collect();
    schema.errors.extend(findings.into_iter().flatten());
}

/// The full names (leading dot) of the closed enums of every file of the schema.
fn closed_enums(schema: &Schema) -> HashSet<String> {
    fn walk(
        enums: &[EnumDescriptorProto],
        messages: &[DescriptorProto],
        scope: &str,
        path: &mut Vec<i32>,
        closed: &dyn Fn(&[i32]) -> bool,
        out: &mut HashSet<String>,
    ) {
        let enum_tag = if path.is_empty() {
            tag::FILE_ENUM_TYPE
        } else {
            tag::MESSAGE_ENUM_TYPE
        };
        for (i, e) in enums.iter().enumerate() {
            path.extend([enum_tag, i as i32]);
            if closed(path) {
                out.insert(format!("{scope}.{}", e.name()));
            }
            path.truncate(path.len() - 2);
        }
        let message_tag = if path.is_empty() {
            tag::FILE_MESSAGE_TYPE
        } else {
            tag::MESSAGE_NESTED_TYPE
        };
        for (i, m) in messages.iter().enumerate() {
            path.extend([message_tag, i as i32]);
            let name = format!("{scope}.{}", m.name());
            walk(&m.enum_type, &m.nested_type, &name, path, closed, out);
            path.truncate(path.len() - 2);
        }
    }
    let mut out = HashSet::new();
    for file in &schema.files {
        let scope = match file.package() {
            "" => String::new(),
            package => format!(".{package}"),
        };
        let table = schema.editions.get(file.name());
        let closed = |path: &[i32]| match (file.syntax(), table) {
            ("editions", Some(table)) => table.resolve(path, "enum_type") == "CLOSED",
            ("proto3", _) | ("editions", None) => false,
            _ => true,
        };
        walk(
            &file.enum_type,
            &file.message_type,
            &scope,
            &mut Vec::new(),
            &closed,
            &mut out,
        );
    }
    out
}

/// A `COMPILE` finding at the type of every field of a proto3 message (map values included)
/// and every extension declared in a proto3 file whose type is a closed enum, in the files read from the workspace.
fn used_in_proto3(schema: &Schema) -> Vec<crate::finding::Finding> {
    /// `nested`: the messages are nested types, whose map entries are walked from their map
    /// fields, not on their own (skipped in place, so indexes stay right).
    fn fields(
        messages: &[DescriptorProto],
        nested: bool,
        closed: &HashSet<String>,
        path: &mut Vec<i32>,
        out: &mut Vec<(Vec<i32>, String, bool)>,
    ) {
        let message_tag = if path.is_empty() {
            tag::FILE_MESSAGE_TYPE
        } else {
            tag::MESSAGE_NESTED_TYPE
        };
        for (i, m) in messages.iter().enumerate() {
            if nested && m.options.as_ref().is_some_and(|o| o.map_entry()) {
                continue;
            }
            path.extend([message_tag, i as i32]);
            for (j, field) in m.field.iter().enumerate() {
                // A map field's type is its entry: the entry's value is what may be closed.
                let entry = m.nested_type.iter().find(|n| {
                    n.options.as_ref().is_some_and(|o| o.map_entry())
                        && field.type_name().rsplit('.').next() == Some(n.name())
                });
                let value = entry.and_then(|e| e.field.iter().find(|f| f.number() == 2));
                let type_name = value.unwrap_or(field).type_name();
                if closed.contains(type_name) {
                    let mut at = path.clone();
                    at.extend([tag::MESSAGE_FIELD, j as i32, tag::FIELD_TYPE_NAME]);
                    out.push((at, type_name[1..].to_string(), value.is_some()));
                }
            }
            for (j, x) in m.extension.iter().enumerate() {
                if closed.contains(x.type_name()) {
                    let mut at = path.clone();
                    at.extend([tag::MESSAGE_EXTENSION, j as i32, tag::FIELD_TYPE_NAME]);
                    out.push((at, x.type_name()[1..].to_string(), false));
                }
            }
            fields(&m.nested_type, true, closed, path, out);
            path.truncate(path.len() - 2);
        }
    }
    if !schema.files.iter().any(|f| f.syntax() == "proto3") {
        return Vec::new();
    }
    let closed = closed_enums(schema);
    if closed.is_empty() {
        return Vec::new();
    }
    // Each file on its own, on every core: this runs between the link and lint stages.
    use rayon::prelude::*;
    let per_file = |file: &super::Proto| {
        let mut findings = Vec::new();
        if file.syntax() != "proto3" {
            return findings;
        }
        let Some(source) = schema.sources.get(file.name()) else {
            return findings;
        };
        let mut uses = Vec::new();
        // Extensions declared in a proto3 file too, whatever message they extend.
        for (i, x) in file.extension.iter().enumerate() {
            if closed.contains(x.type_name()) {
                let at = vec![tag::FILE_EXTENSION, i as i32, tag::FIELD_TYPE_NAME];
                uses.push((at, x.type_name()[1..].to_string(), false));
            }
        }
        fields(
            &file.message_type,
            false,
            &closed,
            &mut Vec::new(),
            &mut uses,
        );
        if uses.is_empty() {
            return findings;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        for (path, name, map_value) in uses {
            let message = format!(
                "closed enum `{name}` cannot be the type of a field of a proto3 message: use an open enum (proto3, or editions with `enum_type = OPEN`), or move the message out of proto3"
            );
            let span = locations.span(source, &path);
            let span = span.map(|s| match map_value {
                true => map_value_span(&source.text, s.start, s.end),
                false => (s.start, s.end),
            });
            findings.push(match span {
                Some((start, end)) => source.finding(start, end, "COMPILE", message),
                None => source.file_finding("COMPILE", message),
            });
        }
        findings
    };
    schema.files.par_iter().flat_map_iter(per_file).collect()
}

/// The value type of the `map<K, V>` written at bytes `start..end` of `text` (where buf reports
/// a map field's value type); the whole range if it does not read so.
fn map_value_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let Some(written) = text.get(start..end) else {
        return (start, end);
    };
    let (Some(comma), Some(close)) = (written.find(','), written.rfind('>')) else {
        return (start, end);
    };
    if close < comma {
        return (start, end);
    }
    let value = &written[comma + 1..close];
    let from = start + comma + 1 + (value.len() - value.trim_start().len());
    let to = start + close - (value.len() - value.trim_end().len());
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::map_value_span;

    #[test]
    fn finds_the_value_type_of_a_map() {
        let text = "  map<string,  .a.Closed > m = 1;";
        let start = text.find("map").unwrap();
        let end = text.find(" m =").unwrap();
        let (from, to) = map_value_span(text, start, end);
        assert_eq!(&text[from..to], ".a.Closed");
        assert_eq!(map_value_span("Closed c", 0, 6), (0, 6));
    }
}
