//! ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED: a deleted enum value's number must be reserved.

use super::prelude::*;

use super::reserved_common::{covers, deleted_enum_values, enum_reserved, quote_all, lost_value};

declare_rule!(
    EnumValueNoDeleteUnlessNumberReserved,
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED"
);

impl Rule for EnumValueNoDeleteUnlessNumberReserved {
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let reserved = enum_reserved(new.proto);
        for value in deleted_enum_values(old.proto, new.proto) {
            if covers(&reserved, i64::from(value.number)) {
                continue;
            }
            cx.report_lost(
                new,
                format!(
                    "enum value {} ({}) of enum {:?} was deleted without reserving its number: add `reserved {};` so no new value reuses it with another meaning",
                    value.number,
                    quote_all(&value.names),
                    new.full_name,
                    value.number,
                ),
                lost_value(&new.full_name, new.proto, &value),
            );
        }
    }
}
