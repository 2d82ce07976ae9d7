//! FILE_SAME_JAVA_OUTER_CLASSNAME: the `java_outer_classname` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameJavaOuterClassname, "FILE_SAME_JAVA_OUTER_CLASSNAME");

const OPTION: FileOption = FileOption {
    name: "java_outer_classname",
    number: tag::FILE_OPTION_JAVA_OUTER_CLASSNAME,
    value: |o| quoted(o.java_outer_classname()),
    advice: "the generated Java outer class is renamed, so Java code using it no longer compiles",
};

impl Rule for FileSameJavaOuterClassname {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
