//! COMMENT_FIELD: every field has a leading comment.

use super::comment_common::has_leading_comment;
use super::prelude::*;

declare_rule!(CommentField, "COMMENT_FIELD");

impl Rule for CommentField {
    fn check_field(&self, cx: &mut Context, field: &FieldNode) {
        // buf parity: a group's field is not checked; its message is, by COMMENT_MESSAGE.
        if field.proto.r#type() == prost_types::field_descriptor_proto::Type::Group {
            return;
        }
        if !has_leading_comment(cx, field.path) {
            cx.report(
                field.path,
                format!(
                    "{} {:?} has no leading comment: add a `//` comment above it that says what it is for",
                    if field.message.is_some() { "field" } else { "extension" },
                    field.proto.name()
                ),
            );
        }
    }
}
