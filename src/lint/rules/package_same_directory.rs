//! PACKAGE_SAME_DIRECTORY: all files of one package live in the same directory.

use super::prelude::*;

declare_rule!(PackageSameDirectory, "PACKAGE_SAME_DIRECTORY");

impl Rule for PackageSameDirectory {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        // buf parity: package-less files form one group too, and only the module's target files
        // count.
        for (package, group) in crate::lint::group_by(files, |f| f.proto.package().to_string()) {
            let mut dirs: Vec<&str> = group.iter().map(|f| f.dir()).collect();
            dirs.sort();
            dirs.dedup();
            if dirs.len() < 2 {
                continue;
            }
            let shown = dirs
                .iter()
                .map(|d| format!("{d:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let what = if package.is_empty() {
                "files without a package".to_string()
            } else {
                format!("files of package {package:?}")
            };
            for file in group {
                cx.report_in(
                    file,
                    &[tag::FILE_PACKAGE],
                    format!(
                        "{what} are spread over directories {shown} (this one is in {:?}): move them into one directory",
                        file.dir()
                    ),
                );
            }
        }
    }
}
