//! COMMENT_RPC: every RPC (method) has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentRpc, "COMMENT_RPC");

impl Rule for CommentRpc {
    fn check_method(&self, cx: &mut Context, method: &MethodNode) {
        if !has_leading_comment(cx, method.path) {
            cx.report(
                method.path,
                format!(
                    "RPC {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    method.proto.name()
                ),
            );
        }
    }
}
