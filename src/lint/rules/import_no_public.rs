//! IMPORT_NO_PUBLIC: no import is `public`.

use super::prelude::*;

declare_rule!(ImportNoPublic, "IMPORT_NO_PUBLIC");

impl Rule for ImportNoPublic {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        for &i in &file.proto.public_dependency {
            let Some(name) = file.proto.dependency.get(i as usize) else {
                continue;
            };
            cx.report(
                &[tag::FILE_DEPENDENCY, i],
                format!("import {name:?} is public: import it as a plain import, and import it directly wherever its types are used"),
            );
        }
    }
}
