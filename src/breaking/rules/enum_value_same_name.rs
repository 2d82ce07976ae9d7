//! ENUM_VALUE_SAME_NAME: every name an enum number had is still a name of that number.
//!
//! Values pair by number, aliases included: adding an alias is fine, but losing any old name
//! (a rename, or a removed alias) is reported at the number of every new value with that number.

use super::prelude::*;

declare_rule!(EnumValueSameName, "ENUM_VALUE_SAME_NAME");

impl Rule for EnumValueSameName {
    fn check_enum_value(&self, cx: &mut Context, old: &[EnumValue], new: &[EnumValue]) {
        let new_names: Vec<&str> = new.iter().map(|v| v.proto.name()).collect();
        let lost: Vec<&str> = old
            .iter()
            .map(|v| v.proto.name())
            .filter(|n| !new_names.contains(n))
            .collect();
        if lost.is_empty() {
            return;
        }
        for value in new {
            cx.report(
                value,
                &[tag::ENUM_VALUE_NUMBER],
                format!(
                    "enum value {} of enum {:?} is no longer named {}: JSON and text formats read and write names; keep the old name (add the new one as an alias with `option allow_alias = true;`)",
                    value.proto.number(),
                    value.enum_full_name,
                    quoted(&lost),
                ),
            );
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
