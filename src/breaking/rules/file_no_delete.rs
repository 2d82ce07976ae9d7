//! FILE_NO_DELETE: every file of the old image (imports included, unless excluded) is still in
//! the new one, by import path.

use super::prelude::*;

declare_rule!(FileNoDelete, "FILE_NO_DELETE");

impl Rule for FileNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        for file in &old.files {
            if new.file_named(file.name).is_none() {
                // A deleted file has no place in the new image; `ignore` entries match its old
                // path.
                cx.report_nowhere(
                    Some(cx.old_ignore_path(file)),
                    format!(
                        "file {:?} was deleted: code that imports it no longer compiles; keep the file (it may be empty of definitions) or move its contents with a deprecation period",
                        file.name
                    ),
                );
            }
        }
    }
}
