//! FIELD_LOWER_SNAKE_CASE: field names are lower_snake_case.

use super::prelude::*;

declare_rule!(FieldLowerSnakeCase, "FIELD_LOWER_SNAKE_CASE");

impl Rule for FieldLowerSnakeCase {
    fn check_field(&self, cx: &mut Context, field: &FieldNode) {
        let name = field.proto.name();
        if !case::is_lower_snake_case(name) {
            let suggestion = case::to_lower_snake_case(name);
            cx.report(
                &path_with(field.path, &[tag::NAME]),
                format!("field {name:?} should be lower_snake_case: rename it to {suggestion:?} (the wire format uses numbers, so only JSON and generated code see the new name)"),
            );
        }
    }
}
