//! PACKAGE_SAME_GO_PACKAGE: all files of one package agree on `go_package`.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(PackageSameGoPackage, "PACKAGE_SAME_GO_PACKAGE");

const OPTION: SameOption = SameOption {
    name: "go_package",
    number: tag::FILE_OPTION_GO_PACKAGE,
    quoted: true,
    value: |o| package_same_common::non_empty(&o.go_package),
};

impl Rule for PackageSameGoPackage {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
