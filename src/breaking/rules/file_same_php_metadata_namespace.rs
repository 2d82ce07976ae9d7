//! FILE_SAME_PHP_METADATA_NAMESPACE: the `php_metadata_namespace` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(
    FileSamePhpMetadataNamespace,
    "FILE_SAME_PHP_METADATA_NAMESPACE"
);

const OPTION: FileOption = FileOption {
    name: "php_metadata_namespace",
    number: tag::FILE_OPTION_PHP_METADATA_NAMESPACE,
    value: |o| quoted(o.php_metadata_namespace()),
    advice:
        "the generated PHP metadata class moves to another namespace, so PHP code loading it breaks",
};

impl Rule for FileSamePhpMetadataNamespace {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
