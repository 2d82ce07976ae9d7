//! SERVICE_NO_DELETE: a service that was in a file is no longer declared in the file of the same
//! name.

use super::prelude::*;

use super::delete_common::{check_files, Decl, Kind};

declare_rule!(ServiceNoDelete, "SERVICE_NO_DELETE");

impl Rule for ServiceNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        check_files(cx, old, new, Kind::Service, message);
    }
}

fn message(d: &Decl, old: &Image) -> String {
    format!(
        "service {:?} was deleted from file {:?}: clients calling it get UNIMPLEMENTED and generated stubs disappear; restore it, or deprecate it and delete it in a major version",
        d.full_name,
        old.file(d.file).name
    )
}
