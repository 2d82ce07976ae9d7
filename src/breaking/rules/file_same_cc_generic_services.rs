//! FILE_SAME_CC_GENERIC_SERVICES: the `cc_generic_services` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, FileOption};

declare_rule!(FileSameCcGenericServices, "FILE_SAME_CC_GENERIC_SERVICES");

const OPTION: FileOption = FileOption {
    name: "cc_generic_services",
    number: tag::FILE_OPTION_CC_GENERIC_SERVICES,
    value: |o| o.cc_generic_services().to_string(),
    advice: "the generic C++ service classes appear or disappear, so C++ code using them no longer compiles",
};

impl Rule for FileSameCcGenericServices {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
