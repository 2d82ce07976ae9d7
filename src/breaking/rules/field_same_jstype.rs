//! FIELD_SAME_JSTYPE: a 64-bit integer field keeps its `jstype`.

use super::prelude::*;

use super::field_common::{describe, is_64_bit_integer, jstype, jstype_name};

declare_rule!(FieldSameJstype, "FIELD_SAME_JSTYPE");

impl Rule for FieldSameJstype {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

// buf parity: compared only when both sides are 64-bit integer fields (the only ones `jstype`
// applies to); an unset `jstype` is `JS_NORMAL`. Reported at the new `jstype` option, or at the
// whole field when it has none.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    if !is_64_bit_integer(old.proto) || !is_64_bit_integer(new.proto) {
        return;
    }
    let (o, n) = (jstype(old.proto), jstype(new.proto));
    if o == n {
        return;
    }
    let (o, n) = (jstype_name(o), jstype_name(n));
    cx.report(
        new,
        &[tag::FIELD_OPTIONS, tag::FIELD_OPTION_JSTYPE],
        format!(
            "{} changed its jstype from {o} to {n}: generated JavaScript code reads the value as a different type (string or number); restore `jstype = {o}`",
            describe(new),
        ),
    );
}
