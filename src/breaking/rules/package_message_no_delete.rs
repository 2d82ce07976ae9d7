//! PACKAGE_MESSAGE_NO_DELETE: a message that was in a package is no longer declared by any file of
//! it (moving it between the package's files is fine).

use super::prelude::*;

use super::delete_common::{check_packages, package_words, Decl, Kind, Scope};

declare_rule!(PackageMessageNoDelete, "PACKAGE_MESSAGE_NO_DELETE");

impl Rule for PackageMessageNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_packages(cx, old, new, Kind::Message, Scope::Image, message);
    }
}

fn message(d: &Decl, _old: &Image) -> String {
    format!(
        "message {:?} was deleted from {}: code that refers to it no longer compiles and its encoded data loses its type; restore it in any file of the package, or deprecate it and delete it in a major version",
        d.name(),
        package_words(d.package)
    )
}
