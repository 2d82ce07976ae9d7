//! ENUM_PASCAL_CASE: enum names are PascalCase.

use super::prelude::*;

declare_rule!(EnumPascalCase, "ENUM_PASCAL_CASE");

impl Rule for EnumPascalCase {
    fn check_enum(&self, cx: &mut Context, e: &EnumNode) {
        let name = e.proto.name();
        if !case::is_pascal_case(name) {
            cx.report(
                &path_with(e.path, &[tag::NAME]),
                format!(
                    "enum {name:?} should be PascalCase: rename it to {:?}",
                    case::to_pascal_case(name)
                ),
            );
        }
    }
}
