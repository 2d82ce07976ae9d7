//! FILE_SAME_RUBY_PACKAGE: the `ruby_package` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameRubyPackage, "FILE_SAME_RUBY_PACKAGE");

const OPTION: FileOption = FileOption {
    name: "ruby_package",
    number: tag::FILE_OPTION_RUBY_PACKAGE,
    value: |o| quoted(o.ruby_package()),
    advice: "generated Ruby classes move to another module, so Ruby code using them breaks",
};

impl Rule for FileSameRubyPackage {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
