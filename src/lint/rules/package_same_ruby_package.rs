//! PACKAGE_SAME_RUBY_PACKAGE: all files of one package agree on `ruby_package`.

use super::package_same_common::{self, SameOption};
use super::prelude::*;

declare_rule!(PackageSameRubyPackage, "PACKAGE_SAME_RUBY_PACKAGE");

const OPTION: SameOption = SameOption {
    name: "ruby_package",
    number: tag::FILE_OPTION_RUBY_PACKAGE,
    quoted: true,
    value: |o| package_same_common::non_empty(&o.ruby_package),
};

impl Rule for PackageSameRubyPackage {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        package_same_common::check(cx, files, &OPTION);
    }
}
