//! FIELD_SAME_UTF8_VALIDATION: a string field keeps its UTF-8 validation, which its file's syntax
//! decides (proto3 verifies, proto2 does not).

use super::prelude::*;

use super::field_common::{describe, is_string, new_file, old_file, utf8_mode, utf8_verified};

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
// reported at their map field's `map<...>` type. Reported at the whole new field.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    if !is_string(old.proto) || !is_string(new.proto) {
        return;
    }
    let o = utf8_verified(old_file(cx, old));
    let n = utf8_verified(new_file(cx, new));
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
        &[],
        format!(
            "{} changed its UTF-8 validation from {} to {} (its file went from {} to {}): {consequence}; keep the file's syntax, or use bytes",
            describe(new),
            utf8_mode(o),
            utf8_mode(n),
            old_file(cx, old).syntax(),
            new_file(cx, new).syntax(),
        ),
    );
}
