//! buf parity: a proto3 file may extend only the built-in options messages
//! (`google.protobuf.FileOptions`, `MessageOptions`...), to define custom options. buf 1.75.0
//! reports any other extendee as a `COMPILE` finding at the `extend` keyword, once per `extend`
//! block; protox accepts it, so the check is ours.

use std::collections::HashSet;

use super::{Locations, Schema};
use crate::descriptor::walk;
use crate::finding::Finding;

/// `extendee` in a `FieldDescriptorProto`.
const FIELD_EXTENDEE: i32 = 2;

/// The messages a proto3 file may extend.
const OPTIONS: [&str; 9] = [
    ".google.protobuf.FileOptions",
    ".google.protobuf.MessageOptions",
    ".google.protobuf.FieldOptions",
    ".google.protobuf.OneofOptions",
    ".google.protobuf.ExtensionRangeOptions",
    ".google.protobuf.EnumOptions",
    ".google.protobuf.EnumValueOptions",
    ".google.protobuf.ServiceOptions",
    ".google.protobuf.MethodOptions",
];

/// The findings of proto3 files of the schema read from the workspace that extend another
/// message.
pub(super) fn in_proto3(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        if file.syntax() != "proto3" {
            continue;
        }
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let outside: Vec<_> = walk::extensions(file)
            .into_iter()
            .filter(|(_, e, _)| e.extendee.is_some() && !OPTIONS.contains(&e.extendee()))
            .collect();
        if outside.is_empty() {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        // The `extend` keywords reported, by offset: one finding per block.
        let mut seen = HashSet::new();
        for (mut path, extension, _) in outside {
            path.push(FIELD_EXTENDEE);
            let Some(span) = locations.span(source, &path) else {
                continue;
            };
            let before = source.text[..span.start].trim_end();
            let Some(rest) = before.strip_suffix("extend") else {
                continue;
            };
            let start = rest.len();
            if !seen.insert(start) {
                continue;
            }
            let message = format!(
                "a proto3 file can extend only the options messages of google/protobuf/descriptor.proto (to define custom options), not `{}`: move the extension to a proto2 or editions file",
                extension.extendee().trim_start_matches('.')
            );
            findings.push(source.finding(start, start + "extend".len(), "COMPILE", message));
        }
    }
    findings
}
