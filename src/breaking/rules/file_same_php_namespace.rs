//! FILE_SAME_PHP_NAMESPACE: the `php_namespace` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSamePhpNamespace, "FILE_SAME_PHP_NAMESPACE");

const OPTION: FileOption = FileOption {
    name: "php_namespace",
    number: tag::FILE_OPTION_PHP_NAMESPACE,
    value: |o| quoted(o.php_namespace()),
    advice: "generated PHP classes move to another namespace, so PHP code using them breaks",
};

impl Rule for FileSamePhpNamespace {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
