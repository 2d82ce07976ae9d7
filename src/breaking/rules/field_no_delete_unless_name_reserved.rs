//! FIELD_NO_DELETE_UNLESS_NAME_RESERVED: a deleted field's name must be reserved in its message.

use super::prelude::*;

use super::reserved_common::{deleted_fields, lost_field};

declare_rule!(
    FieldNoDeleteUnlessNameReserved,
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"
);

impl Rule for FieldNoDeleteUnlessNameReserved {
    // buf parity: the name is the descriptor's field name, compared case-sensitively: a group
    // field's name is the lower-cased group name, and a reserved `json_name` does not count.
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        for field in deleted_fields(old.proto, new.proto) {
            if new.proto.reserved_name.iter().any(|n| n == field.name()) {
                continue;
            }
            cx.report_lost(
                new,
                format!(
                    "field {} {:?} of message {:?} was deleted without reserving its name: add `reserved {:?};` so no new field takes the name (JSON and text formats read fields by name)",
                    field.number(),
                    field.name(),
                    new.full_name,
                    field.name(),
                ),
                lost_field(&new.full_name, new.proto, field),
            );
        }
    }
}
