//! FILE_SAME_SWIFT_PREFIX: the `swift_prefix` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameSwiftPrefix, "FILE_SAME_SWIFT_PREFIX");

const OPTION: FileOption = FileOption {
    name: "swift_prefix",
    number: tag::FILE_OPTION_SWIFT_PREFIX,
    value: |o| quoted(o.swift_prefix()),
    advice: "generated Swift types are renamed, so Swift code using them no longer compiles",
};

impl Rule for FileSameSwiftPrefix {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
