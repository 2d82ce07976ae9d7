//! PACKAGE_SAME_SWIFT_PREFIX: all files of one package agree on `swift_prefix`.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(PackageSameSwiftPrefix, "PACKAGE_SAME_SWIFT_PREFIX");

const OPTION: SameOption = SameOption {
    name: "swift_prefix",
    number: tag::FILE_OPTION_SWIFT_PREFIX,
    quoted: true,
    value: |o| package_same_common::non_empty(&o.swift_prefix),
};

impl Rule for PackageSameSwiftPrefix {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
