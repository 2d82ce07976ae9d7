//! FIELD_SAME_JAVA_UTF8_VALIDATION: a string field keeps the UTF-8 validation generated Java code
//! does, which proto3, the `java_string_check_utf8` file option or, in editions,
//! `features.(pb.java).utf8_validation = VERIFY` turns on.

use super::prelude::*;

use super::field_common::{describe, is_string, java_utf8_verified, new_file, old_file, utf8_mode};
use crate::schema::editions::features::option_suffix;
use crate::schema::editions::Target;

declare_rule!(
    FieldSameJavaUtf8Validation,
    "FIELD_SAME_JAVA_UTF8_VALIDATION"
);

impl Rule for FieldSameJavaUtf8Validation {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

// buf parity: only fields that are strings on both sides; map keys and values count. Reported at
// the new file's `java_string_check_utf8` option when it writes one (whatever its value, even in
// proto3), else at the field's own `(pb.java).utf8_validation`, else at the whole new field (a
// map's key and value at the map field's type).
fn check(cx: &mut Context, old: &Field, new: &Field) {
    if !is_string(old.proto) || !is_string(new.proto) {
        return;
    }
    let o = java_utf8_verified(old_file(cx, old), &old.path);
    let n = java_utf8_verified(new_file(cx, new), &new.path);
    if o == n {
        return;
    }
    let consequence = if n {
        "generated Java code now throws on invalid UTF-8 that it used to accept"
    } else {
        "generated Java code no longer rejects invalid UTF-8"
    };
    let message = format!(
        "{} changed its Java UTF-8 validation from {} to {}: {consequence}; keep the file's syntax and its `java_string_check_utf8` option as they were (proto3 always validates)",
        describe(new),
        utf8_mode(o),
        utf8_mode(n),
    );
    let option = [tag::FILE_OPTIONS, tag::FILE_OPTION_JAVA_STRING_CHECK_UTF8];
    if new_file(cx, new).locations().get(&option).is_some() {
        cx.report_at(new.file, &option, message);
    } else {
        cx.report(new, &option_suffix(Target::Field, "pb.java.utf8_validation"), message);
    }
}
