//! FIELD_NOT_REQUIRED: no field is `required`.

use prost_types::field_descriptor_proto::Label;

use super::prelude::*;

declare_rule!(FieldNotRequired, "FIELD_NOT_REQUIRED");

impl Rule for FieldNotRequired {
    fn check_field(&self, cx: &mut Context, field: &FieldNode) {
        if field.proto.label() == Label::Required {
            cx.report(
                &path_with(field.path, &[tag::NAME]),
                format!(
                    "field {:?} is required: make it `optional` and check for it in code, since a required field can never be removed",
                    field.proto.name()
                ),
            );
        }
    }
}
