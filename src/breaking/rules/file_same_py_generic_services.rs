//! FILE_SAME_PY_GENERIC_SERVICES: the `py_generic_services` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, FileOption};

declare_rule!(FileSamePyGenericServices, "FILE_SAME_PY_GENERIC_SERVICES");

const OPTION: FileOption = FileOption {
    name: "py_generic_services",
    number: tag::FILE_OPTION_PY_GENERIC_SERVICES,
    value: |o| o.py_generic_services().to_string(),
    advice:
        "the generic Python service classes appear or disappear, so Python code using them breaks",
};

impl Rule for FileSamePyGenericServices {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
