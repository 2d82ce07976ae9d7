//! COMMENT_ENUM: every enum has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentEnum, "COMMENT_ENUM");

impl Rule for CommentEnum {
    fn check_enum(&self, cx: &mut Context, e: &EnumNode) {
        if !has_leading_comment(cx, e.path) {
            cx.report(
                e.path,
                format!(
                    "enum {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    e.proto.name()
                ),
            );
        }
    }
}
