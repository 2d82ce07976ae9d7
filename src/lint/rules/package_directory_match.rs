//! PACKAGE_DIRECTORY_MATCH: a file of package `a.b.c` lives in directory `a/b/c` of its module.

use super::prelude::*;

declare_rule!(PackageDirectoryMatch, "PACKAGE_DIRECTORY_MATCH");

impl Rule for PackageDirectoryMatch {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        let package = file.proto.package();
        // buf parity: a file without a package is left to PACKAGE_DEFINED.
        if package.is_empty() {
            return;
        }
        let expected = package.replace('.', "/");
        let dir = file.dir();
        if dir != expected {
            cx.report(
                &[tag::FILE_PACKAGE],
                format!(
                    "package {package:?} should live in directory {expected:?} relative to the module root, but this file is in {dir:?}: move the file or change the package"
                ),
            );
        }
    }
}
