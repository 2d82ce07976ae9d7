//! FIELD_SAME_CPP_STRING_TYPE: a string or bytes field keeps its C++ string type: its `ctype`
//! option, or in editions its resolved `features.(pb.cpp).string_type`.

use super::prelude::*;

use super::field_common::{cpp_string_type, describe, is_string_or_bytes, new_file, old_file};
use crate::schema::editions::features::option_suffix;
use crate::schema::editions::Target;

declare_rule!(FieldSameCppStringType, "FIELD_SAME_CPP_STRING_TYPE");

impl Rule for FieldSameCppStringType {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

// buf parity: compared only when both sides are string or bytes fields, never for the key and
// value of a map; an unset `ctype` is the resolved `(pb.cpp).string_type` (`STRING` outside
// editions), and going from `STRING_PIECE` to `STRING` is let through (the reverse is not).
// Reported at the new `ctype` option, else the field's own `(pb.cpp).string_type`, else the
// whole field.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    if !is_string_or_bytes(old.proto) || !is_string_or_bytes(new.proto) {
        return;
    }
    if old.message.is_some_and(is_map_entry) && new.message.is_some_and(is_map_entry) {
        return;
    }
    let (o, o_piece) = cpp_string_type(old_file(cx, old), old.proto, &old.path);
    let (n, n_piece) = cpp_string_type(new_file(cx, new), new.proto, &new.path);
    if (o == n && o_piece == n_piece) || (o_piece && n == "STRING") {
        return;
    }
    let name = |t: &str, piece: bool| if piece { "STRING_PIECE".to_string() } else { t.to_string() };
    let (o, n) = (name(o, o_piece), name(n, n_piece));
    let ctype = [tag::FIELD_OPTIONS, tag::FIELD_OPTION_CTYPE];
    let mut ctype_path = new.path.to_vec();
    ctype_path.extend(ctype);
    let at = if new_file(cx, new).locations().get(&ctype_path).is_some() {
        ctype.to_vec()
    } else {
        option_suffix(Target::Field, "pb.cpp.string_type")
    };
    cx.report(
        new,
        &at,
        format!(
            "{} changed its C++ string type from {o} to {n}: generated C++ accessors change type and C++ code using them no longer compiles; restore `ctype = {o}` (or `features.(pb.cpp).string_type` in editions)",
            describe(new),
        ),
    );
}
