//! buf parity: `ctype` in an edition 2023 file (from 2024 on it is refused outright, see
//! `options`). buf 1.75.0 reports, as a `COMPILE` finding, `ctype` set on a field that is not a
//! singular or repeated `string` or `bytes` (at the field's type; a map counts as not one), and
//! `CORD` on an extension (at the extension). The compiler sees the file as proto2, where both
//! are only warnings, so the check is ours.

use prost_types::field_descriptor_proto::Type;
use prost_types::field_options::CType;
use prost_types::{DescriptorProto, FieldDescriptorProto};

use super::Edition;
use crate::descriptor::tag;
use crate::finding::Finding;
use crate::schema::{Locations, Schema, Source};

/// The findings of `ctype` in the edition 2023 files of the schema read from the workspace.
pub(crate) fn in_edition_2023(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        let (Some(table), Some(source)) = (
            schema.editions.get(file.name()),
            schema.sources.get(file.name()),
        ) else {
            continue;
        };
        if table.edition != Edition::E2023 || !source.text.contains("ctype") {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        let mut check = Check {
            source,
            locations: &locations,
            findings: &mut findings,
        };
        check.messages(&file.message_type, &mut Vec::new());
        check.fields(&file.extension, &[tag::FILE_EXTENSION], None, true);
    }
    findings
}

struct Check<'a> {
    source: &'a Source,
    locations: &'a Locations<'a>,
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
            if m.options.as_ref().is_some_and(|o| o.map_entry()) {
                continue;
            }
            path.extend([message_tag, i as i32]);
            let mut at = path.clone();
            at.push(tag::MESSAGE_FIELD);
            self.fields(&m.field, &at, Some(m), false);
            at.pop();
            at.push(tag::MESSAGE_EXTENSION);
            self.fields(&m.extension, &at, Some(m), true);
            self.messages(&m.nested_type, path);
            path.truncate(path.len() - 2);
        }
    }

    /// The fields (or extensions) at `at`, of `message` if any (for its map entries).
    fn fields(
        &mut self,
        fields: &[FieldDescriptorProto],
        at: &[i32],
        message: Option<&DescriptorProto>,
        extensions: bool,
    ) {
        for (j, field) in fields.iter().enumerate() {
            let Some(ctype) = field.options.as_ref().and_then(|o| o.ctype) else {
                continue;
            };
            let ctype = CType::try_from(ctype).map_or("?", |c| c.as_str_name());
            let mut path = at.to_vec();
            path.push(j as i32);
            let is_map = message.is_some_and(|m| is_map_entry(m, field.type_name()));
            let string = matches!(field.r#type(), Type::String | Type::Bytes) && !is_map;
            let message = if !string {
                let written = if field.type_name.is_some() {
                    tag::FIELD_TYPE_NAME
                } else {
                    tag::FIELD_TYPE
                };
                path.push(written);
                let what = if is_map {
                    "a map"
                } else {
                    "not a string or bytes"
                };
                format!(
                    "`ctype = {ctype}` is set on field `{}`, whose type is {what}: `ctype` applies to `string` and `bytes` fields only; remove it",
                    field.name()
                )
            } else if extensions && ctype == "CORD" {
                format!(
                    "`ctype = CORD` is set on extension `{}`: an extension cannot use `CORD`; remove it",
                    field.name()
                )
            } else {
                continue;
            };
            let finding = match self.locations.span(self.source, &path) {
                Some(span) => self
                    .source
                    .finding(span.start, span.end, "COMPILE", message),
                None => self.source.file_finding("COMPILE", message),
            };
            self.findings.push(finding);
        }
    }
}

/// Whether `type_name` names a map entry of `message`.
fn is_map_entry(message: &DescriptorProto, type_name: &str) -> bool {
    let Some(entry) = type_name.rsplit('.').next() else {
        return false;
    };
    message
        .nested_type
        .iter()
        .any(|n| n.name() == entry && n.options.as_ref().is_some_and(|o| o.map_entry()))
}
