//! buf parity: a proto3 file may extend only the built-in options messages
//! (`google.protobuf.FileOptions`, `MessageOptions`...), to define custom options. buf 1.75.0
//! reports any other extendee as a `COMPILE` finding at the `extend` keyword, once per `extend`
//! block; protox accepts it, so the check is ours.

use std::collections::HashSet;

use prost_types::{DescriptorProto, FieldDescriptorProto};

use super::{Locations, Schema, Source};
use crate::descriptor::tag;
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
        let outside =
            |e: &FieldDescriptorProto| e.extendee.is_some() && !OPTIONS.contains(&e.extendee());
        let any = file.extension.iter().any(outside) || nested_any(&file.message_type, &outside);
        if !any {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        let mut check = Check {
            source,
            locations: &locations,
            seen: HashSet::new(),
            findings: &mut findings,
        };
        check.extensions(&file.extension, &[tag::FILE_EXTENSION]);
        check.messages(&file.message_type, &mut Vec::new());
    }
    findings
}

/// Whether a message of `messages`, at any depth, declares an extension `outside` says is.
fn nested_any(
    messages: &[DescriptorProto],
    outside: &dyn Fn(&FieldDescriptorProto) -> bool,
) -> bool {
    messages
        .iter()
        .any(|m| m.extension.iter().any(outside) || nested_any(&m.nested_type, outside))
}

struct Check<'a> {
    source: &'a Source,
    locations: &'a Locations<'a>,
    /// The `extend` keywords reported, by offset.
    seen: HashSet<usize>,
    findings: &'a mut Vec<Finding>,
}

impl Check<'_> {
    fn messages(&mut self, messages: &[DescriptorProto], path: &mut Vec<i32>) {
        let message_tag = if path.is_empty() {
            tag::FILE_MESSAGE_TYPE
        } else {
            tag::MESSAGE_NESTED_TYPE
        };
        for (i, m) in messages.iter().enumerate() {
            path.extend([message_tag, i as i32]);
            let mut at = path.clone();
            at.push(tag::MESSAGE_EXTENSION);
            self.extensions(&m.extension, &at);
            self.messages(&m.nested_type, path);
            path.truncate(path.len() - 2);
        }
    }

    fn extensions(&mut self, extensions: &[FieldDescriptorProto], at: &[i32]) {
        for (j, extension) in extensions.iter().enumerate() {
            if extension.extendee.is_none() || OPTIONS.contains(&extension.extendee()) {
                continue;
            }
            let mut path = at.to_vec();
            path.extend([j as i32, FIELD_EXTENDEE]);
            let Some(span) = self.locations.span(self.source, &path) else {
                continue;
            };
            let before = self.source.text[..span.start].trim_end();
            let Some(rest) = before.strip_suffix("extend") else {
                continue;
            };
            let start = rest.len();
            if !self.seen.insert(start) {
                continue;
            }
            let message = format!(
                "a proto3 file can extend only the options messages of google/protobuf/descriptor.proto (to define custom options), not `{}`: move the extension to a proto2 or editions file",
                extension.extendee().trim_start_matches('.')
            );
            self.findings.push(self.source.finding(
                start,
                start + "extend".len(),
                "COMPILE",
                message,
            ));
        }
    }
}
