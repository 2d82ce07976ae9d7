//! COMMENT_ENUM_VALUE: every enum value has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentEnumValue, "COMMENT_ENUM_VALUE");

impl Rule for CommentEnumValue {
    fn check_enum_value(&self, cx: &mut Context, value: &EnumValueNode) {
        if !has_leading_comment(cx, value.path) {
            cx.report(
                value.path,
                format!(
                    "enum value {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    value.proto.name()
                ),
            );
        }
    }
}
