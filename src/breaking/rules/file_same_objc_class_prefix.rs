//! FILE_SAME_OBJC_CLASS_PREFIX: the `objc_class_prefix` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameObjcClassPrefix, "FILE_SAME_OBJC_CLASS_PREFIX");

const OPTION: FileOption = FileOption {
    name: "objc_class_prefix",
    number: tag::FILE_OPTION_OBJC_CLASS_PREFIX,
    value: |o| quoted(o.objc_class_prefix()),
    advice: "generated Objective-C classes are renamed, so Objective-C code using them no longer compiles",
};

impl Rule for FileSameObjcClassPrefix {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
