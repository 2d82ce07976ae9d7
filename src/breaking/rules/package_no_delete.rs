//! PACKAGE_NO_DELETE: no file of the new image declares a package that a file of the old one did.

use super::prelude::*;

use std::collections::{BTreeMap, BTreeSet};

use super::delete_common::package_words;

declare_rule!(PackageNoDelete, "PACKAGE_NO_DELETE");

impl Rule for PackageNoDelete {
    fn check_images(&self, cx: &mut Context, old: &Image, new: &Image) {
        // The packages of the files left out as the same on both sides remain too.
        let mut remaining: BTreeSet<&str> = new.files.iter().map(|f| f.package()).collect();
        remaining.extend(new.skipped.packages().keys());
        // Files are sorted by import path: the first file of each package is the one buf
        // matches `ignore` entries against.
        let mut deleted = BTreeMap::new();
        for file in &old.files {
            if !remaining.contains(file.package()) {
                deleted.entry(file.package()).or_insert(file);
            }
        }
        for (package, file) in deleted {
            cx.report_nowhere(
                Some(cx.old_ignore_path(file)),
                format!(
                    "{} was deleted: no file declares it any more, so code that refers to its types no longer compiles; keep at least one file in it, or move its types with a deprecation period",
                    package_words(package)
                ),
            );
        }
    }
}
