//! buf parity: in an editions message whose resolved `json_format` is `ALLOW` (the default), two
//! fields may not have the same default JSON name (`foo_bar` and `fooBar`), as in proto3. The
//! compiler sees editions files as proto2, where such a clash is allowed (see
//! `accept::clashing_json_names`), so the check is ours: a `COMPILE` finding at the
//! name of each field whose JSON name an earlier field of the message already has.

use std::collections::HashMap;

use prost_types::DescriptorProto;

use super::Editions;
use crate::descriptor::{implicit_json_name, tag};
use crate::finding::Finding;
use crate::schema::{Locations, Schema};

/// `name` in a `FieldDescriptorProto`.
const FIELD_NAME: i32 = 1;

/// The findings of every editions file of the schema read from the workspace.
pub(crate) fn in_editions(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        let (Some(table), Some(source)) = (
            schema.editions.get(file.name()),
            schema.sources.get(file.name()),
        ) else {
            continue;
        };
        let mut clashes = Vec::new();
        messages(&file.message_type, table, &mut Vec::new(), &mut clashes);
        let locations = Locations::with_extra(file, file.extra_info());
        for (path, json, earlier) in clashes {
            let message = format!(
                "the default JSON name \"{json}\" of this field is already that of field \"{earlier}\" of this message (json_format ALLOW compares default JSON names even where json_name is set): rename one of them"
            );
            findings.push(match locations.span(source, &path) {
                Some(span) => source.finding(span.start, span.end, "COMPILE", message),
                None => source.file_finding("COMPILE", message),
            });
        }
    }
    findings
}

/// Walks `messages` at `path`, collecting the name paths of clashing fields with their JSON name
/// and the earlier field's name.
fn messages(
    messages: &[DescriptorProto],
    table: &Editions,
    path: &mut Vec<i32>,
    out: &mut Vec<(Vec<i32>, String, String)>,
) {
    let message_tag = if path.is_empty() {
        tag::FILE_MESSAGE_TYPE
    } else {
        tag::MESSAGE_NESTED_TYPE
    };
    for (i, m) in messages.iter().enumerate() {
        path.extend([message_tag, i as i32]);
        let map_entry = m.options.as_ref().is_some_and(|o| o.map_entry());
        if !map_entry && table.resolve(path, "json_format") == "ALLOW" {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for (j, field) in m.field.iter().enumerate() {
                // Default JSON names, whether or not a field sets `json_name` (buf compares them
                // all); a clash of `json_name` options is the compiler's to report.
                let default = implicit_json_name(field.name());
                match seen.get(&default) {
                    Some(earlier) => {
                        let mut at = path.clone();
                        at.extend([tag::MESSAGE_FIELD, j as i32, FIELD_NAME]);
                        out.push((at, default, earlier.to_string()));
                    }
                    None => {
                        seen.insert(default, field.name());
                    }
                }
            }
        }
        self::messages(&m.nested_type, table, path, out);
        path.truncate(path.len() - 2);
    }
}
