//! FILE_SAME_SYNTAX: a file keeps its syntax (a missing `syntax` statement is proto2, editions
//! files are "editions"); reported at the new `syntax` or `edition` statement, or at the file.

use super::prelude::*;

use super::file_option_common::report_at_file_part;

declare_rule!(FileSameSyntax, "FILE_SAME_SYNTAX");

impl Rule for FileSameSyntax {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        if old.syntax() == new.syntax() {
            return;
        }
        let message = format!(
            "file {:?} changed syntax from {} to {}: field presence, default values, enum handling and generated code change with it; {}",
            new.name,
            old.syntax(),
            new.syntax(),
            fix(old),
        );
        let path = if new.locations().get(&[tag::FILE_EDITION]).is_some() {
            tag::FILE_EDITION
        } else {
            tag::FILE_SYNTAX
        };
        report_at_file_part(cx, new, &[path], message);
    }
}

/// What to write to get the old syntax back.
fn fix(old: &File) -> String {
    if old.syntax() == "editions" {
        "restore the old `edition` statement".to_string()
    } else if old.locations().get(&[tag::FILE_SYNTAX]).is_some() {
        // A proto2 descriptor does not record its syntax, so the statement says it was there.
        format!("restore `syntax = {:?};`", old.syntax())
    } else {
        "remove the statement: a file without one is proto2, as the old file was".to_string()
    }
}
