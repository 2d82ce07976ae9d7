//! FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED: a deleted field's number must be reserved in its
//! message.

use super::prelude::*;

use super::reserved_common::{covers, deleted_fields, message_reserved, lost_field};

declare_rule!(
    FieldNoDeleteUnlessNumberReserved,
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"
);

impl Rule for FieldNoDeleteUnlessNumberReserved {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        let reserved = message_reserved(new.proto);
        for field in deleted_fields(old.proto, new.proto) {
            if covers(&reserved, i64::from(field.number())) {
                continue;
            }
            cx.report_lost(
                new,
                format!(
                    "field {} {:?} of message {:?} was deleted without reserving its number: add `reserved {};` so no new field reuses it with another type",
                    field.number(),
                    field.name(),
                    new.full_name,
                    field.number(),
                ),
                lost_field(&new.full_name, new.proto, field),
            );
        }
    }
}
