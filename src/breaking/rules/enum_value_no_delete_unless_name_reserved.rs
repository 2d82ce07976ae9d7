//! ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED: the names of a deleted enum value must be reserved.

use super::prelude::*;

use super::reserved_common::{deleted_enum_values, quote_all, lost_value};

declare_rule!(
    EnumValueNoDeleteUnlessNameReserved,
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED"
);

impl Rule for EnumValueNoDeleteUnlessNameReserved {
    // buf parity: a number deleted with its aliases needs every one of their names reserved.
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let reserved = &new.proto.reserved_name;
        for value in deleted_enum_values(old.proto, new.proto) {
            let missing: Vec<&str> = value
                .names
                .iter()
                .copied()
                .filter(|name| !reserved.iter().any(|r| r == name))
                .collect();
            if missing.is_empty() {
                continue;
            }
            cx.report_lost(
                new,
                format!(
                    "enum value {} ({}) of enum {:?} was deleted without reserving {}: add `reserved {};` so no new value takes the name (JSON and text formats read values by name)",
                    value.number,
                    quote_all(&value.names),
                    new.full_name,
                    if missing.len() == 1 { "its name" } else { "its names" },
                    quote_all(&missing),
                ),
                lost_value(&new.full_name, new.proto, &value),
            );
        }
    }
}
