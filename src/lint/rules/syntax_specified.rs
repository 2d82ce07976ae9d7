//! SYNTAX_SPECIFIED: every file states its `syntax` (or `edition`).

use super::prelude::*;

declare_rule!(SyntaxSpecified, "SYNTAX_SPECIFIED");

impl Rule for SyntaxSpecified {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        if !file.has_syntax() {
            // buf parity: file-level finding, printed at 1:1.
            cx.report(
                &[],
                format!(
                    "file {:?} does not state its syntax and so defaults to proto2: add `syntax = \"proto3\";` (or `syntax = \"proto2\";`) as its first statement",
                    file.name()
                ),
            );
        }
    }
}
