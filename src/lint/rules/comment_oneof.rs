//! COMMENT_ONEOF: every oneof has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentOneof, "COMMENT_ONEOF");

impl Rule for CommentOneof {
    fn check_oneof(&self, cx: &mut Context, oneof: &OneofNode) {
        // proto3 `optional` fields live in synthetic oneofs that the source does not show.
        if oneof.is_synthetic() {
            return;
        }
        if !has_leading_comment(cx, oneof.path) {
            cx.report(
                oneof.path,
                format!(
                    "oneof {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    oneof.proto.name()
                ),
            );
        }
    }
}
