//! STABLE_PACKAGE_NO_IMPORT_UNSTABLE: a file of a stable package (`.v1`) does not import a file
//! of an unstable one (`.v1beta1`, `.v1alpha1`, `.v1test`...).

use crate::descriptor::package_version::{package_version, Stability};
use super::prelude::*;

declare_rule!(
    StablePackageNoImportUnstable,
    "STABLE_PACKAGE_NO_IMPORT_UNSTABLE"
);

impl Rule for StablePackageNoImportUnstable {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        // buf parity: only imports of the module's own target files count: an unstable file from
        // another module, or one excluded with --path, is not reported.
        let targets = crate::lint::index_by_name(files);
        for file in files {
            let package = file.proto.package();
            if package_version(package) != Some(Stability::Stable) {
                continue;
            }
            for (k, dep) in file.proto.dependency.iter().enumerate() {
                let Some(imported) = targets.get(dep.as_str()) else {
                    continue;
                };
                let theirs = imported.proto.package();
                if package_version(theirs) == Some(Stability::Unstable) {
                    cx.report_in(
                        file,
                        &[tag::FILE_DEPENDENCY, k as i32],
                        format!(
                            "stable package {package:?} imports {dep:?} from unstable package {theirs:?}: a stable API must not depend on one that may still change; move what it needs into a stable package"
                        ),
                    );
                }
            }
        }
    }
}
