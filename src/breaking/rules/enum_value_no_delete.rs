//! ENUM_VALUE_NO_DELETE: every number of an enum (paired by full name, in any file) must keep a
//! value.

use super::prelude::*;

use super::reserved_common::{deleted_enum_values, quote_all, lost_value};

declare_rule!(EnumValueNoDelete, "ENUM_VALUE_NO_DELETE");

impl Rule for EnumValueNoDelete {
    // buf parity: values pair by number, so deleting an alias while another value keeps the number
    // deletes nothing; reported at the whole enum of the new image.
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        for value in deleted_enum_values(old.proto, new.proto) {
            cx.report_lost(
                new,
                format!(
                    "enum value {} ({}) of enum {:?} was deleted: restore it and mark it `[deprecated = true]` instead, since code that names it no longer compiles",
                    value.number,
                    quote_all(&value.names),
                    new.full_name,
                ),
                lost_value(&new.full_name, new.proto, &value),
            );
        }
    }
}
