//! FIELD_SAME_JSON_NAME: a field keeps its JSON name, whether written with `json_name` or
//! derived from its name.

use super::prelude::*;

use super::field_common::{describe, json_name, widest_span};

declare_rule!(FieldSameJsonName, "FIELD_SAME_JSON_NAME");

impl Rule for FieldSameJsonName {
    // buf parity: extensions are not compared (they cannot set `json_name`). The effective names
    // are compared, so writing out the derived name as `json_name` changes nothing. Reported at
    // the new `json_name` option, or at the whole field when it has none.
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        let (old_json, new_json) = (json_name(old.proto), json_name(new.proto));
        if old_json == new_json {
            return;
        }
        let message = format!(
            "{} changed its JSON name from {old_json:?} to {new_json:?}: JSON written with the old name is no longer read; set `json_name = {old_json:?}`",
            describe(new),
        );
        let mut path = new.path.to_vec();
        path.push(tag::FIELD_JSON_NAME);
        match widest_span(cx.new_image().file(new.file), &path) {
            Some(span) => cx.report_span(new.file, &new.path, span, message),
            None => cx.report(new, &[], message),
        }
    }
}
