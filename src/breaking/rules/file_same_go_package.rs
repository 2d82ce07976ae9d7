//! FILE_SAME_GO_PACKAGE: the `go_package` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameGoPackage, "FILE_SAME_GO_PACKAGE");

const OPTION: FileOption = FileOption {
    name: "go_package",
    number: tag::FILE_OPTION_GO_PACKAGE,
    value: |o| quoted(o.go_package()),
    advice: "generated Go code moves to another import path or package name, so Go code importing it no longer compiles",
};

impl Rule for FileSameGoPackage {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
