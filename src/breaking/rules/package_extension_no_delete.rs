//! PACKAGE_EXTENSION_NO_DELETE: an extension that was in a package is no longer declared by any
//! file of it (extensions pair by full name; moving one between the package's files is fine).

use super::prelude::*;

use super::delete_common::{check_packages, package_words, Decl, Kind, Scope};

declare_rule!(PackageExtensionNoDelete, "PACKAGE_EXTENSION_NO_DELETE");

impl Rule for PackageExtensionNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_packages(cx, old, new, Kind::Extension, Scope::File, message);
    }
}

fn message(d: &Decl, _old: &Image) -> String {
    format!(
        "extension {:?} was deleted from {}: code that reads or sets it no longer compiles and its values become unknown fields; restore it in any file of the package, or deprecate it and never give its number to another extension",
        d.name(),
        package_words(d.package)
    )
}
