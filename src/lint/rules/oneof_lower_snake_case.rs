//! ONEOF_LOWER_SNAKE_CASE: oneof names are lower_snake_case.

use super::prelude::*;

declare_rule!(OneofLowerSnakeCase, "ONEOF_LOWER_SNAKE_CASE");

impl Rule for OneofLowerSnakeCase {
    fn check_oneof(&self, cx: &mut Context, oneof: &OneofNode) {
        // The synthetic oneof of a proto3 `optional` field is named `_<field>`: nobody wrote it.
        if oneof.is_synthetic() {
            return;
        }
        let name = oneof.proto.name();
        if !case::is_lower_snake_case(name) {
            cx.report(
                &path_with(oneof.path, &[tag::NAME]),
                format!(
                    "oneof {name:?} should be lower_snake_case: rename it to {:?}",
                    case::to_lower_snake_case(name)
                ),
            );
        }
    }
}
