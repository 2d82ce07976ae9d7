//! FIELD_SAME_CPP_STRING_TYPE: a string or bytes field keeps its C++ string type (`ctype`).

use super::prelude::*;

use prost_types::field_options::CType;

use super::field_common::{cpp_string_type, ctype_name, describe, is_string_or_bytes};

declare_rule!(FieldSameCppStringType, "FIELD_SAME_CPP_STRING_TYPE");

impl Rule for FieldSameCppStringType {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

// buf parity: compared only when both sides are string or bytes fields; an unset `ctype` is
// `STRING`, and going from `STRING_PIECE` to `STRING` is let through (the reverse is not).
// Reported at the new `ctype` option, or at the whole field when it has none.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    if !is_string_or_bytes(old.proto) || !is_string_or_bytes(new.proto) {
        return;
    }
    let (o, n) = (cpp_string_type(old.proto), cpp_string_type(new.proto));
    if o == n || (o == CType::StringPiece && n == CType::String) {
        return;
    }
    let (o, n) = (ctype_name(o), ctype_name(n));
    cx.report(
        new,
        &[tag::FIELD_OPTIONS, tag::FIELD_OPTION_CTYPE],
        format!(
            "{} changed its C++ string type (ctype) from {o} to {n}: generated C++ accessors change type and C++ code using them no longer compiles; restore `ctype = {o}`",
            describe(new),
        ),
    );
}
