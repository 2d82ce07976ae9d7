//! FIELD_SAME_TYPE: a field (or extension) keeps its type: same scalar kind, or the same enum or message by full name.

use super::prelude::*;

use super::field_type_common::check_type;

declare_rule!(FieldSameType, "FIELD_SAME_TYPE");

impl Rule for FieldSameType {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_type(cx, old, new, None);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check_type(cx, old, new, None);
    }
}
