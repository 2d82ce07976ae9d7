//! FIELD_SAME_CARDINALITY: a field (or extension) keeps its cardinality: map, repeated, required, or optional with the same presence.

use super::prelude::*;

use super::field_type_common::check_cardinality;

declare_rule!(FieldSameCardinality, "FIELD_SAME_CARDINALITY");

impl Rule for FieldSameCardinality {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_cardinality(cx, old, new, None);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_cardinality(cx, old, new, None);
    }
}
