//! FILE_SAME_JAVA_GENERIC_SERVICES: the `java_generic_services` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, FileOption};

declare_rule!(
    FileSameJavaGenericServices,
    "FILE_SAME_JAVA_GENERIC_SERVICES"
);

const OPTION: FileOption = FileOption {
    name: "java_generic_services",
    number: tag::FILE_OPTION_JAVA_GENERIC_SERVICES,
    value: |o| o.java_generic_services().to_string(),
    advice: "the generic Java service classes appear or disappear, so Java code using them no longer compiles",
};

impl Rule for FileSameJavaGenericServices {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
