//! ENUM_SAME_JSON_FORMAT: an enum's JSON format support does not get weaker.
//!
//! Without editions the support follows the file's syntax: `ALLOW` in proto3,
//! `LEGACY_BEST_EFFORT` in proto2. Only the move from `ALLOW` to `LEGACY_BEST_EFFORT` is reported.

use super::prelude::*;

use super::element_common::json_format;

declare_rule!(EnumSameJsonFormat, "ENUM_SAME_JSON_FORMAT");

impl Rule for EnumSameJsonFormat {
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let was = json_format(cx.old().file(old.file));
        let is = json_format(cx.new_image().file(new.file));
        if was == "ALLOW" && is != "ALLOW" {
            cx.report(
                new,
                &[],
                format!(
                    "enum {:?} changed JSON format support from {was} to {is} because its file is now proto2, not proto3: keep it in a proto3 file",
                    new.full_name,
                ),
            );
        }
    }
}
