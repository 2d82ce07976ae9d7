//! MESSAGE_SAME_REQUIRED_FIELDS: a message's proto2 `required` fields, by number, stay the same.
//!
//! A required field that is gone (deleted, or no longer required) is reported at the message; a
//! new one (added, or made required) at the field.
//!
//! buf parity: only the `required` label counts, so an editions field with
//! `features.field_presence = LEGACY_REQUIRED` is not required to this rule (buf reads the
//! descriptor's label, which is `optional` in editions); FIELD_SAME_CARDINALITY sees it.

use super::prelude::*;

use prost_types::field_descriptor_proto::Label;

declare_rule!(MessageSameRequiredFields, "MESSAGE_SAME_REQUIRED_FIELDS");

fn required(editions: bool, message: &Message) -> Vec<i32> {
    if editions {
        return Vec::new();
    }
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
        let was = required(cx.old().file(old.file).is_editions(), old);
        let new_editions = cx.new_image().file(new.file).is_editions();
        let is = required(new_editions, new);
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
            if !new_editions && field.label() == Label::Required && !was.contains(&field.number()) {
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
