//! RESERVED_ENUM_NO_DELETE: what an enum reserves (numbers and names) stays reserved.

use super::prelude::*;

use super::reserved_common::{check_reserved, enum_reserved, Reserved, ENUM_MAX};

declare_rule!(ReservedEnumNoDelete, "RESERVED_ENUM_NO_DELETE");

fn reserved<'a>(e: &'a Enum) -> Reserved<'a> {
    Reserved {
        kind: "enum",
        member: "value",
        max: ENUM_MAX,
        ranges: enum_reserved(e.proto),
        names: &e.proto.reserved_name,
        used: (e.proto.value.iter())
            .map(|v| (i64::from(v.number()), v.name()))
            .collect(),
    }
}

impl Rule for ReservedEnumNoDelete {
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        check_reserved(cx, new, &new.full_name, &reserved(old), &reserved(new));
    }
}
