//! FILE_SAME_PACKAGE: a file keeps its package; reported at the new `package` statement, or at
//! the file when the new file has none.

use super::prelude::*;

use super::file_option_common::report_at_file_part;

declare_rule!(FileSamePackage, "FILE_SAME_PACKAGE");

impl Rule for FileSamePackage {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        if old.package() == new.package() {
            return;
        }
        let message = format!(
            "file {:?} moved from package {:?} to package {:?}: every type it declares changes its full name, which breaks JSON and Any type URLs, gRPC routes and generated code; restore package {:?} and declare the new types in a new file",
            new.name,
            old.package(),
            new.package(),
            old.package(),
        );
        report_at_file_part(cx, new, &[tag::FILE_PACKAGE], message);
    }
}
