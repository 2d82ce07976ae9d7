//! PACKAGE_DEFINED: every file declares a package.

use super::prelude::*;

declare_rule!(PackageDefined, "PACKAGE_DEFINED");

impl Rule for PackageDefined {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        if file.proto.package().is_empty() {
            // buf parity: there is no statement to point at, so the finding is file-level (1:1).
            cx.report(
                &[],
                format!(
                    "file {:?} declares no package: add `package <name>;`, for example one matching its directory",
                    file.name()
                ),
            );
        }
    }
}
