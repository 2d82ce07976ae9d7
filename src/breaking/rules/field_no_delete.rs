//! FIELD_NO_DELETE: a field of a message (paired by full name, in any file) must keep its number.

use super::prelude::*;

use super::reserved_common::{deleted_fields, lost_field};

declare_rule!(FieldNoDelete, "FIELD_NO_DELETE");

impl Rule for FieldNoDelete {
    // buf parity: reported at the whole message of the new image, map entries included (a map
    // entry replaced by a hand-written message of the same name is compared too); fields of a
    // deleted message are not reported, and neither are extensions.
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        for field in deleted_fields(old.proto, new.proto) {
            cx.report_lost(
                new,
                format!(
                    "field {} {:?} of message {:?} was deleted: restore it and mark it `[deprecated = true]` instead, since code that uses it no longer compiles",
                    field.number(),
                    field.name(),
                    new.full_name,
                ),
                lost_field(&new.full_name, new.proto, field),
            );
        }
    }
}
