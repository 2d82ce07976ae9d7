//! MESSAGE_NO_DELETE: a message that was in a file is no longer declared in the file of the same
//! name.

use super::prelude::*;

use super::delete_common::{check_files, Decl, Kind};

declare_rule!(MessageNoDelete, "MESSAGE_NO_DELETE");

impl Rule for MessageNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_files(cx, old, new, Kind::Message, message);
    }
}

fn message(d: &Decl, old: &Image) -> String {
    format!(
        "message {:?} was deleted from file {:?}: code that refers to it no longer compiles and its encoded data loses its type; restore it, or deprecate it and delete it in a major version",
        d.full_name,
        old.file(d.file).name
    )
}
