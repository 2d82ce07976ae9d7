//! FIELD_WIRE_JSON_COMPATIBLE_TYPE: a field (or extension) changes type only to one with the same bytes and the same JSON.

use super::prelude::*;

use super::field_type_common::{check_type, Encoding};

declare_rule!(
    FieldWireJsonCompatibleType,
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE"
);

impl Rule for FieldWireJsonCompatibleType {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_type(cx, old, new, Some(Encoding::WireJson));
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_type(cx, old, new, Some(Encoding::WireJson));
    }
}
