//! PACKAGE_SAME_JAVA_MULTIPLE_FILES: all files of one package agree on `java_multiple_files`;
//! buf parity: an explicit `false` differs from leaving the option out.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(
    PackageSameJavaMultipleFiles,
    "PACKAGE_SAME_JAVA_MULTIPLE_FILES"
);

const OPTION: SameOption = SameOption {
    name: "java_multiple_files",
    number: tag::FILE_OPTION_JAVA_MULTIPLE_FILES,
    quoted: false,
    value: |o| o.java_multiple_files.map(|v| v.to_string()),
};

impl Rule for PackageSameJavaMultipleFiles {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
