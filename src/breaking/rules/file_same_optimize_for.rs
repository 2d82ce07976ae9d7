//! FILE_SAME_OPTIMIZE_FOR: the `optimize_for` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, optimize_mode, FileOption};

declare_rule!(FileSameOptimizeFor, "FILE_SAME_OPTIMIZE_FOR");

const OPTION: FileOption = FileOption {
    name: "optimize_for",
    number: tag::FILE_OPTION_OPTIMIZE_FOR,
    value: |o| optimize_mode(o),
    advice: "the generated C++ and Java classes change their base class and API (LITE_RUNTIME drops descriptors and reflection), so code using them may no longer compile or link",
};

impl Rule for FileSameOptimizeFor {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
