//! buf parity: where two fields of one message with the same JSON name are reported. The
//! compiler places its error ("a field with JSON name 'x' is already defined") at the first
//! field, and in an editions file (which it sees lowered, without its text) nowhere; buf places
//! it at the second field: at the value of its `json_name` option when it sets one, else at its
//! name. The place is found again from the file's text.

use prost_types::DescriptorProto;

use crate::descriptor::{implicit_json_name, tag};
use crate::schema::{Locations, Source};

/// buf's place for `message`, the compiler's error in `source`, when it is a JSON name clash.
pub(in crate::schema) fn clash_span(message: &str, source: &Source) -> Option<(usize, usize)> {
    let json = message
        .strip_prefix("a field with JSON name '")?
        .split_once("' is already defined")?
        .0;
    let file = protox_parse::parse(&source.file.name, &source.text).ok()?;
    let path = find(&file.message_type, json, &mut vec![tag::FILE_MESSAGE_TYPE])?;
    let span = Locations::new(&file).span(source, &path)?;
    if path.last() != Some(&tag::FIELD_JSON_NAME) {
        return Some((span.start, span.end));
    }
    // The option's location covers `json_name = "x"`: buf points at the value.
    let option = source.text.get(span.start..span.end)?;
    let value = option.find('=').map_or(0, |eq| {
        eq + 1 + (option[eq + 1..].len() - option[eq + 1..].trim_start().len())
    });
    Some((span.start + value, span.end))
}

/// Whether one of `fields` has JSON name `json`.
fn clashes(fields: &[prost_types::FieldDescriptorProto], json: &str) -> bool {
    fields.iter().any(|f| {
        f.json_name
            .clone()
            .unwrap_or_else(|| implicit_json_name(f.name()))
            == json
    })
}

/// The path of the place to report in the first message (depth first, in order) where a field
/// has JSON name `json` that an earlier field of the message has (with `json` empty: a field
/// without a `json_name` option whose default JSON name an earlier field has).
fn find(messages: &[DescriptorProto], json: &str, path: &mut Vec<i32>) -> Option<Vec<i32>> {
    for (i, message) in messages.iter().enumerate() {
        path.push(i as i32);
        let mut seen = false;
        for (j, field) in message.field.iter().enumerate() {
            let name = field
                .json_name
                .clone()
                .unwrap_or_else(|| implicit_json_name(field.name()));
            // The compiler names no JSON name ('') when the later field sets none.
            let wanted = if json.is_empty() {
                field.json_name.is_none() && clashes(&message.field[..j], &name)
            } else {
                name == json
            };
            if !wanted {
                continue;
            }
            if seen || json.is_empty() {
                let mut at = path.clone();
                at.extend([tag::MESSAGE_FIELD, j as i32]);
                at.push(if field.json_name.is_some() {
                    tag::FIELD_JSON_NAME
                } else {
                    tag::NAME
                });
                return Some(at);
            }
            seen = true;
        }
        path.push(tag::MESSAGE_NESTED_TYPE);
        let found = find(&message.nested_type, json, path);
        path.truncate(path.len() - 2);
        if found.is_some() {
            return found;
        }
    }
    None
}
