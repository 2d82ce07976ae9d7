//! FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY: a field (or extension) changes cardinality only in ways the binary and JSON encodings read across.

use super::prelude::*;

use super::field_type_common::{check_cardinality, Encoding};

declare_rule!(
    FieldWireJsonCompatibleCardinality,
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"
);

impl Rule for FieldWireJsonCompatibleCardinality {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_cardinality(cx, old, new, Some(Encoding::WireJson));
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_cardinality(cx, old, new, Some(Encoding::WireJson));
    }
}
