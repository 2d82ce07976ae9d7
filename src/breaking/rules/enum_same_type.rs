//! ENUM_SAME_TYPE: an enum stays open or closed.
//!
//! An enum's type is its resolved `enum_type` feature: proto3 enums are open, proto2 enums
//! closed, and an editions enum is what `features.enum_type` on it or its file says (`OPEN` by
//! default). The rule fires when an enum moves between such files, its file changes syntax or
//! edition, or its `enum_type` changes.

use super::prelude::*;

use super::element_common::{enum_is_open, feature_option};
use crate::schema::editions::Target;

declare_rule!(EnumSameType, "ENUM_SAME_TYPE");

fn kind(open: bool) -> &'static str {
    if open {
        "open"
    } else {
        "closed"
    }
}

impl Rule for EnumSameType {
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let was = enum_is_open(cx.old().file(old.file), &old.path);
        let is = enum_is_open(cx.new_image().file(new.file), &new.path);
        if was != is {
            // buf parity: at the enum's own `features.enum_type`, else the whole enum.
            cx.report(
                new,
                &feature_option(Target::Enum, "enum_type"),
                format!(
                    "enum {:?} changed from {} to {}: unknown values are now {}; keep `features.enum_type = {}` (proto3 enums are open, proto2 enums closed)",
                    new.full_name,
                    kind(was),
                    kind(is),
                    if is { "kept as numbers" } else { "moved to unknown fields" },
                    if was { "OPEN" } else { "CLOSED" },
                ),
            );
        }
    }
}
