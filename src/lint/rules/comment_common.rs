//! Shared by the COMMENT_* rules: what counts as a leading comment is the same for all of them.

use super::prelude::*;

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
