//! COMMENT_MESSAGE: every message has a leading comment.
//!
//! The comment rules share [`has_leading_comment`]: what counts as a comment is the same for all
//! of them.

use super::prelude::*;

declare_rule!(CommentMessage, "COMMENT_MESSAGE");

impl Rule for CommentMessage {
    fn check_message(&self, cx: &mut Context, message: &MessageNode) {
        if !has_leading_comment(cx, &message.path) {
            cx.report(
                &message.path,
                format!(
                    "message {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    message.proto.name()
                ),
            );
        }
    }
}

/// Whether the element at `path` has a leading comment with some content.
///
/// buf parity: a comment that is blank, or whose only non-blank lines start with
/// `buf:lint:ignore` (whatever follows, and whether or not comment ignores are allowed), does not
/// count. Trailing and detached comments never count.
pub(super) fn has_leading_comment(cx: &Context, path: &[i32]) -> bool {
    let Some(file) = cx.file() else {
        return true;
    };
    file.locations()
        .leading_comment(path)
        .is_some_and(|comment| {
            comment.lines().any(|line| {
                let line = line.trim();
                !line.is_empty() && !line.starts_with("buf:lint:ignore")
            })
        })
}
