//! MESSAGE_SAME_REQUIRED_FIELDS: a message's proto2 `required` fields, by number, stay the same.
//!
//! A required field that is gone (deleted, or no longer required) is reported at the message; a
//! new one (added, or made required) at the field.

use super::prelude::*;

use prost_types::field_descriptor_proto::Label;

declare_rule!(MessageSameRequiredFields, "MESSAGE_SAME_REQUIRED_FIELDS");

fn required(message: &Message) -> Vec<i32> {
    message
        .proto
        .field
        .iter()
        .filter(|f| f.label() == Label::Required)
        .map(|f| f.number())
        .collect()
}

impl Rule for MessageSameRequiredFields {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        let was = required(old);
        let is = required(new);
        for number in was.iter().filter(|n| !is.contains(n)) {
            cx.report(
                new,
                &[],
                format!(
                    "message {:?} no longer has required field {number}: peers that still require it reject messages without it; keep field {number} required",
                    new.full_name,
                ),
            );
        }
        for (i, field) in new.proto.field.iter().enumerate() {
            if field.label() == Label::Required && !was.contains(&field.number()) {
                cx.report(
                    new,
                    &[tag::MESSAGE_FIELD, i as i32],
                    format!(
                        "message {:?} has a new required field {} {:?}: peers that do not send it have their messages rejected; make it optional",
                        new.full_name,
                        field.number(),
                        field.name(),
                    ),
                );
            }
        }
    }
}
