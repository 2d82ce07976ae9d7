//! ENUM_NO_DELETE: an enum that was in a file is no longer declared in the file of the same name.

use super::prelude::*;

use super::delete_common::{check_files, Decl, Kind};

declare_rule!(EnumNoDelete, "ENUM_NO_DELETE");

impl Rule for EnumNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_files(cx, old, new, Kind::Enum, message);
    }
}

fn message(d: &Decl, old: &Image) -> String {
    format!(
        "enum {:?} was deleted from file {:?}: code that refers to it no longer compiles; restore it, or deprecate it and delete it in a major version",
        d.full_name,
        old.file(d.file).name
    )
}
