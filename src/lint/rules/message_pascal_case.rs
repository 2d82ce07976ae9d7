//! MESSAGE_PASCAL_CASE: message names are PascalCase.

use super::prelude::*;

declare_rule!(MessagePascalCase, "MESSAGE_PASCAL_CASE");

impl Rule for MessagePascalCase {
    fn check_message(&self, cx: &mut Context, message: &MessageNode) {
        let name = message.proto.name();
        if !case::is_pascal_case(name) {
            cx.report(
                &path_with(message.path, &[tag::NAME]),
                format!(
                    "message {name:?} should be PascalCase: rename it to {:?}",
                    case::to_pascal_case(name)
                ),
            );
        }
    }
}
