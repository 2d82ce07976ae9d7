//! ENUM_VALUE_PREFIX: enum value names start with the enum's name in UPPER_SNAKE_CASE and `_`.

use super::prelude::*;

declare_rule!(EnumValuePrefix, "ENUM_VALUE_PREFIX");

impl Rule for EnumValuePrefix {
    fn check_enum_value(&self, cx: &mut Context, value: &EnumValueNode) {
        // Only the enum's own name counts, not the names of enclosing messages.
        let stem = case::to_upper_snake_case(value.enum_.name());
        let prefix = format!("{stem}_");
        let name = value.proto.name();
        if name.starts_with(&prefix) {
            return;
        }
        // Suggest repairing a near miss (`ORDER_STATUSPAID`, `HTTPSTATUS_OK`) rather than
        // stacking a second prefix in front of it.
        let rest = name
            .strip_prefix(stem.as_str())
            .or_else(|| name.strip_prefix(stem.replace('_', "").as_str()))
            .unwrap_or(name)
            .trim_start_matches('_');
        let hint = if rest.is_empty() {
            format!("add a word after the prefix, e.g. \"{prefix}DEFAULT\"")
        } else {
            format!("rename it to \"{prefix}{rest}\"")
        };
        cx.report(
            &path_with(value.path, &[tag::NAME]),
            format!("enum value {name:?} should start with {prefix:?}, the enum's name in UPPER_SNAKE_CASE: {hint}"),
        );
    }
}
