//! PACKAGE_SAME_JAVA_PACKAGE: all files of one package agree on `java_package`.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(PackageSameJavaPackage, "PACKAGE_SAME_JAVA_PACKAGE");

const OPTION: SameOption = SameOption {
    name: "java_package",
    number: tag::FILE_OPTION_JAVA_PACKAGE,
    quoted: true,
    value: |o| package_same_common::non_empty(&o.java_package),
};

impl Rule for PackageSameJavaPackage {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
