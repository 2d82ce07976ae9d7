//! FIELD_SAME_UTF8_VALIDATION: a string field keeps its UTF-8 validation, its resolved
//! `utf8_validation` feature (proto3 verifies, proto2 does not, editions verify unless
//! `features.utf8_validation = NONE`).

use super::prelude::*;

use super::field_common::{describe, is_string, new_file, old_file, utf8_mode, utf8_verified};
use crate::schema::editions::features::option_suffix;
use crate::schema::editions::Target;

declare_rule!(FieldSameUtf8Validation, "FIELD_SAME_UTF8_VALIDATION");

impl Rule for FieldSameUtf8Validation {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

// buf parity: only fields that are strings on both sides; map keys and values count, and are
// reported at their map field's `map<...>` type. Reported at the field's own
// `features.utf8_validation`, else the whole new field.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    if !is_string(old.proto) || !is_string(new.proto) {
        return;
    }
    let o = utf8_verified(old_file(cx, old), &old.path);
    let n = utf8_verified(new_file(cx, new), &new.path);
    if o == n {
        return;
    }
    let consequence = if n {
        "parsers now reject invalid UTF-8 that they used to accept"
    } else {
        "parsers no longer reject invalid UTF-8, so code that relied on it gets bad strings"
    };
    cx.report(
        new,
        &option_suffix(Target::Field, "utf8_validation"),
        format!(
            "{} changed its UTF-8 validation from {} to {} (its file went from {} to {}): {consequence}; keep the file's syntax and `features.utf8_validation`, or use bytes",
            describe(new),
            utf8_mode(o),
            utf8_mode(n),
            old_file(cx, old).syntax(),
            new_file(cx, new).syntax(),
        ),
    );
}
