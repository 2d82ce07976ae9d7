//! DIRECTORY_SAME_PACKAGE: all files of one directory declare the same package.

use super::prelude::*;

declare_rule!(DirectorySamePackage, "DIRECTORY_SAME_PACKAGE");

impl Rule for DirectorySamePackage {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        for (dir, group) in crate::lint::group_by(files, |f| f.dir().to_string()) {
            // buf parity: "no package" is one of the values; every file of the directory is
            // reported at its package statement (1:1 for a file without one).
            let mut packages: Vec<&str> = group.iter().map(|f| f.proto.package()).collect();
            packages.sort();
            packages.dedup();
            if packages.len() < 2 {
                continue;
            }
            let shown = packages
                .iter()
                .map(|p| {
                    if p.is_empty() {
                        "no package".to_string()
                    } else {
                        format!("{p:?}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            for file in group {
                let this = match file.proto.package() {
                    "" => "this file has none".to_string(),
                    p => format!("this file has {p:?}"),
                };
                cx.report_in(
                    file,
                    &[tag::FILE_PACKAGE],
                    format!(
                        "directory {dir:?} mixes packages {shown} ({this}): give every file of a directory the same package, or move files into directories of their own"
                    ),
                );
            }
        }
    }
}
