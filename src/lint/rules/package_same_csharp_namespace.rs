//! PACKAGE_SAME_CSHARP_NAMESPACE: all files of one package agree on `csharp_namespace`.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(PackageSameCsharpNamespace, "PACKAGE_SAME_CSHARP_NAMESPACE");

const OPTION: SameOption = SameOption {
    name: "csharp_namespace",
    number: tag::FILE_OPTION_CSHARP_NAMESPACE,
    quoted: true,
    value: |o| package_same_common::non_empty(&o.csharp_namespace),
};

impl Rule for PackageSameCsharpNamespace {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
