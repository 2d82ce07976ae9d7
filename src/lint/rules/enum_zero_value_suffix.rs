//! ENUM_ZERO_VALUE_SUFFIX: every enum value numbered 0 ends with the configured suffix
//! (`_UNSPECIFIED` by default).

use super::prelude::*;

declare_rule!(EnumZeroValueSuffix, "ENUM_ZERO_VALUE_SUFFIX");

impl Rule for EnumZeroValueSuffix {
    fn check_enum_value(&self, cx: &mut Context, value: &EnumValueNode) {
        // Every value numbered 0 counts: aliases of the zero value and a zero value that is not
        // declared first included.
        if value.proto.number() != 0 {
            return;
        }
        // buf parity: an empty `enum_zero_value_suffix` means the default.
        let suffix = match cx.config().enum_zero_value_suffix.as_str() {
            "" => "_UNSPECIFIED",
            s => s,
        }
        .to_string();
        let name = value.proto.name();
        if !name.ends_with(&suffix) {
            cx.report(
                &path_with(value.path, &[tag::NAME]),
                format!("enum zero value {name:?} should end with {suffix:?}: the zero value is what unset fields read as, so name it for that (e.g. \"{}{suffix}\")", case::to_upper_snake_case(value.enum_.name())),
            );
        }
    }
}
