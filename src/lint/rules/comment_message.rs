//! COMMENT_MESSAGE: every message has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentMessage, "COMMENT_MESSAGE");

impl Rule for CommentMessage {
    fn check_message(&self, cx: &mut Context, message: &MessageNode) {
        if !has_leading_comment(cx, message.path) {
            cx.report(
                message.path,
                format!(
                    "message {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    message.proto.name()
                ),
            );
        }
    }
}
