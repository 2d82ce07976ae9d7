//! EXTENSION_NO_DELETE: an extension that was in a file is no longer declared in the file of the
//! same name (extensions pair by full name).

use super::prelude::*;

use super::delete_common::{check_files, Decl, Kind};

declare_rule!(ExtensionNoDelete, "EXTENSION_NO_DELETE");

impl Rule for ExtensionNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_files(cx, old, new, Kind::Extension, message);
    }
}

fn message(d: &Decl, old: &Image) -> String {
    format!(
        "extension {:?} was deleted from file {:?}: code that reads or sets it no longer compiles and its values become unknown fields; restore it, or deprecate it and never give its number to another extension",
        d.full_name,
        old.file(d.file).name
    )
}
