//! FIELD_WIRE_COMPATIBLE_CARDINALITY: a field (or extension) changes cardinality only in ways the binary encoding reads across.

use super::prelude::*;

use super::field_type_common::{check_cardinality, Encoding};

declare_rule!(
    FieldWireCompatibleCardinality,
    "FIELD_WIRE_COMPATIBLE_CARDINALITY"
);

impl Rule for FieldWireCompatibleCardinality {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_cardinality(cx, old, new, Some(Encoding::Wire));
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_cardinality(cx, old, new, Some(Encoding::Wire));
    }
}
