//! ENUM_SAME_JSON_FORMAT: an enum keeps JSON format support (`ALLOW`).
//!
//! The support is the enum's resolved `json_format` feature: `ALLOW` in proto3 and in editions
//! by default, `LEGACY_BEST_EFFORT` in proto2 or where `features.json_format` says so. Only the
//! move from `ALLOW` to `LEGACY_BEST_EFFORT` is reported.

use super::prelude::*;

use super::element_common::{feature_option, json_format};
use crate::schema::editions::Target;

declare_rule!(EnumSameJsonFormat, "ENUM_SAME_JSON_FORMAT");

impl Rule for EnumSameJsonFormat {
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let was = json_format(cx.old().file(old.file), &old.path).to_string();
        let is = json_format(cx.new_image().file(new.file), &new.path).to_string();
        if was == "ALLOW" && is != "ALLOW" {
            // buf parity: at the enum's own `features.json_format`, else the whole enum.
            cx.report(
                new,
                &feature_option(Target::Enum, "json_format"),
                format!(
                    "enum {:?} changed JSON format support from {was} to {is}: keep it `ALLOW` (a proto3 file, or `features.json_format = ALLOW` in editions)",
                    new.full_name,
                ),
            );
        }
    }
}
