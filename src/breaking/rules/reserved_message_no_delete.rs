//! RESERVED_MESSAGE_NO_DELETE: what a message reserves (numbers and names) stays reserved.

use super::prelude::*;

use super::reserved_common::{check_reserved, message_reserved, Reserved, FIELD_MAX};

declare_rule!(ReservedMessageNoDelete, "RESERVED_MESSAGE_NO_DELETE");

fn reserved<'a>(m: &'a Message) -> Reserved<'a> {
    Reserved {
        kind: "message",
        member: "field",
        max: FIELD_MAX,
        ranges: message_reserved(m.proto),
        names: &m.proto.reserved_name,
        used: (m.proto.field.iter())
            .map(|f| (i64::from(f.number()), f.name()))
            .collect(),
    }
}

impl Rule for ReservedMessageNoDelete {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        check_reserved(cx, new, &new.full_name, &reserved(old), &reserved(new));
    }
}
