//! PACKAGE_ENUM_NO_DELETE: an enum that was in a package is no longer declared by any file of it
//! (moving it between the package's files is fine).

use super::prelude::*;

use super::delete_common::{check_packages, package_words, Decl, Kind, Scope};

declare_rule!(PackageEnumNoDelete, "PACKAGE_ENUM_NO_DELETE");

impl Rule for PackageEnumNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_packages(cx, old, new, Kind::Enum, Scope::File, message);
    }
}

fn message(d: &Decl, _old: &Image) -> String {
    format!(
        "enum {:?} was deleted from {}: code that refers to it no longer compiles; restore it in any file of the package, or deprecate it and delete it in a major version",
        d.name(),
        package_words(d.package)
    )
}
