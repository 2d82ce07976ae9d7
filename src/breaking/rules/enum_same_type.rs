//! ENUM_SAME_TYPE: an enum stays open (proto3) or closed (proto2).
//!
//! Without editions an enum's type follows its file's syntax, so the rule fires when an enum
//! moves between a proto3 and a proto2 file of its package, or its file changes syntax.

use super::prelude::*;

use super::element_common::enum_is_open;

declare_rule!(EnumSameType, "ENUM_SAME_TYPE");

fn kind(open: bool) -> &'static str {
    if open {
        "open (proto3)"
    } else {
        "closed (proto2)"
    }
}

impl Rule for EnumSameType {
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let was = enum_is_open(cx.old().file(old.file));
        let is = enum_is_open(cx.new_image().file(new.file));
        if was != is {
            cx.report(
                new,
                &[],
                format!(
                    "enum {:?} changed from {} to {}: unknown values are now {}; keep the enum in a file with its old syntax",
                    new.full_name,
                    kind(was),
                    kind(is),
                    if is { "kept as numbers" } else { "moved to unknown fields" },
                ),
            );
        }
    }
}
