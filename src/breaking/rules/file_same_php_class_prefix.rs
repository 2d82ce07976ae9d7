//! FILE_SAME_PHP_CLASS_PREFIX: the `php_class_prefix` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSamePhpClassPrefix, "FILE_SAME_PHP_CLASS_PREFIX");

const OPTION: FileOption = FileOption {
    name: "php_class_prefix",
    number: tag::FILE_OPTION_PHP_CLASS_PREFIX,
    value: |o| quoted(o.php_class_prefix()),
    advice: "generated PHP classes are renamed, so PHP code using them breaks",
};

impl Rule for FileSamePhpClassPrefix {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
