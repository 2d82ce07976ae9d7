//! FIELD_NO_DESCRIPTOR (v1beta1 only): no field is named `descriptor`, in any capitalisation,
//! with any number of leading or trailing underscores.

use super::prelude::*;

declare_rule!(FieldNoDescriptor, "FIELD_NO_DESCRIPTOR");

impl Rule for FieldNoDescriptor {
    fn check_field(&self, cx: &mut Context, field: &FieldNode) {
        let name = field.proto.name();
        if name.trim_matches('_').eq_ignore_ascii_case("descriptor") {
            cx.report(
                &path_with(field.path, &[tag::NAME]),
                format!("field {name:?} clashes with the `descriptor` accessor some generators add to every message: rename it (e.g. to \"{}_info\")", name.trim_matches('_').to_ascii_lowercase()),
            );
        }
    }
}
