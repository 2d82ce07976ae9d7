//! PACKAGE_LOWER_SNAKE_CASE: every component of the package name is lower_snake_case.

use super::prelude::*;

declare_rule!(PackageLowerSnakeCase, "PACKAGE_LOWER_SNAKE_CASE");

impl Rule for PackageLowerSnakeCase {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        // A file without a package is PACKAGE_DEFINED's business: buf reports nothing here.
        let package = file.proto.package();
        if package.is_empty() || package.split('.').all(case::is_lower_snake_case) {
            return;
        }
        let suggestion = package
            .split('.')
            .map(case::to_lower_snake_case)
            .collect::<Vec<_>>()
            .join(".");
        // buf parity: reported on the whole `package ...;` statement, not just the name.
        cx.report(
            &[tag::FILE_PACKAGE],
            format!("package {package:?} should be lower_snake.case: rename it to {suggestion:?} and move the files to the matching directory"),
        );
    }
}
