//! PACKAGE_VERSION_SUFFIX: a package ends in a version component such as `v1`, `v1beta1`,
//! `v1p1alpha2` or `v1test`.

use crate::descriptor::package_version::package_version;
use super::prelude::*;

declare_rule!(PackageVersionSuffix, "PACKAGE_VERSION_SUFFIX");

impl Rule for PackageVersionSuffix {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        let package = file.proto.package();
        // A file without a package is left to PACKAGE_DEFINED.
        if package.is_empty() || package_version(package).is_some() {
            return;
        }
        cx.report(
            &[tag::FILE_PACKAGE],
            format!(
                "package {package:?} does not end in a version such as v1, v1beta1 or v1alpha1: append one, for example \"{package}.v1\""
            ),
        );
    }
}
