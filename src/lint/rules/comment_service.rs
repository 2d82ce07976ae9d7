//! COMMENT_SERVICE: every service has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentService, "COMMENT_SERVICE");

impl Rule for CommentService {
    fn check_service(&self, cx: &mut Context, service: &ServiceNode) {
        if !has_leading_comment(cx, service.path) {
            cx.report(
                service.path,
                format!(
                    "service {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    service.proto.name()
                ),
            );
        }
    }
}
