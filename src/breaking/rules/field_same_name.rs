//! FIELD_SAME_NAME: a field (paired by number) or an extension (paired by extendee and number)
//! keeps its name.

use super::prelude::*;

use super::field_common::{describe, is_extension, name};

declare_rule!(FieldSameName, "FIELD_SAME_NAME");

impl Rule for FieldSameName {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

// buf parity: reported at the new name; a group field's name is its lower-cased group name, and
// an extension's name is its full name, so moving an extension to another scope renames it.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    let (old_name, new_name) = (name(old), name(new));
    if old_name == new_name {
        return;
    }
    let what = if is_extension(new) {
        "generated code and the text format"
    } else {
        "generated code, the JSON and text formats"
    };
    cx.report(
        new,
        &[tag::NAME],
        format!(
            "{} was renamed from {old_name:?}: {what} refer to it by name; restore {old_name:?}, or add a field with a new number and deprecate this one",
            describe(new),
        ),
    );
}
