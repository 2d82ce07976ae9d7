//! FILE_SAME_CC_ENABLE_ARENAS: the `cc_enable_arenas` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, FileOption};

declare_rule!(FileSameCcEnableArenas, "FILE_SAME_CC_ENABLE_ARENAS");

const OPTION: FileOption = FileOption {
    name: "cc_enable_arenas",
    number: tag::FILE_OPTION_CC_ENABLE_ARENAS,
    value: |o| o.cc_enable_arenas().to_string(),
    advice: "generated C++ code changes whether its messages can be allocated on arenas, so C++ code relying on the old setting breaks",
};

impl Rule for FileSameCcEnableArenas {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
