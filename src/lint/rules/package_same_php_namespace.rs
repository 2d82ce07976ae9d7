//! PACKAGE_SAME_PHP_NAMESPACE: all files of one package agree on `php_namespace`.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(PackageSamePhpNamespace, "PACKAGE_SAME_PHP_NAMESPACE");

const OPTION: SameOption = SameOption {
    name: "php_namespace",
    number: tag::FILE_OPTION_PHP_NAMESPACE,
    quoted: true,
    value: |o| package_same_common::non_empty(&o.php_namespace),
};

impl Rule for PackageSamePhpNamespace {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
