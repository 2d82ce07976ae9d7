//! FIELD_WIRE_COMPATIBLE_TYPE: a field (or extension) changes type only to one that reads the same bytes.

use super::prelude::*;

use super::field_type_common::{check_type, Encoding};

declare_rule!(FieldWireCompatibleType, "FIELD_WIRE_COMPATIBLE_TYPE");

impl Rule for FieldWireCompatibleType {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_type(cx, old, new, Some(Encoding::Wire));
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_type(cx, old, new, Some(Encoding::Wire));
    }
}
