//! FILE_SAME_JAVA_PACKAGE: the `java_package` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameJavaPackage, "FILE_SAME_JAVA_PACKAGE");

const OPTION: FileOption = FileOption {
    name: "java_package",
    number: tag::FILE_OPTION_JAVA_PACKAGE,
    value: |o| quoted(o.java_package()),
    advice: "generated Java classes move to another package, so Java code importing them no longer compiles",
};

impl Rule for FileSameJavaPackage {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
