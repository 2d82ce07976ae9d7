//! ENUM_VALUE_UPPER_SNAKE_CASE: enum value names are UPPER_SNAKE_CASE.

use super::prelude::*;

declare_rule!(EnumValueUpperSnakeCase, "ENUM_VALUE_UPPER_SNAKE_CASE");

impl Rule for EnumValueUpperSnakeCase {
    fn check_enum_value(&self, cx: &mut Context, value: &EnumValueNode) {
        let name = value.proto.name();
        if !case::is_upper_snake_case(name) {
            cx.report(
                &path_with(value.path, &[tag::NAME]),
                format!(
                    "enum value {name:?} should be UPPER_SNAKE_CASE: rename it to {:?}",
                    case::to_upper_snake_case(name)
                ),
            );
        }
    }
}
