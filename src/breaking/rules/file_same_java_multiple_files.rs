//! FILE_SAME_JAVA_MULTIPLE_FILES: the `java_multiple_files` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, FileOption};

declare_rule!(FileSameJavaMultipleFiles, "FILE_SAME_JAVA_MULTIPLE_FILES");

const OPTION: FileOption = FileOption {
    name: "java_multiple_files",
    number: tag::FILE_OPTION_JAVA_MULTIPLE_FILES,
    value: |o| o.java_multiple_files().to_string(),
    advice: "generated Java classes move between top-level classes and nested classes of the outer class, so Java code using them no longer compiles",
};

impl Rule for FileSameJavaMultipleFiles {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
