//! ENUM_FIRST_VALUE_ZERO: the first value of every enum is zero.

use super::prelude::*;

declare_rule!(EnumFirstValueZero, "ENUM_FIRST_VALUE_ZERO");

impl Rule for EnumFirstValueZero {
    fn check_enum_value(&self, cx: &mut Context, value: &EnumValueNode) {
        // proto3 already requires it (the file does not compile otherwise); proto2 does not.
        if value.index == 0 && value.proto.number() != 0 {
            cx.report(
                &path_with(value.path, &[tag::ENUM_VALUE_NUMBER]),
                format!(
                    "the first value of enum {:?} is {:?} = {}: declare a zero value first, such as \"{}_UNSPECIFIED = 0\"",
                    value.enum_.name(),
                    value.proto.name(),
                    value.proto.number(),
                    case::to_upper_snake_case(value.enum_.name())
                ),
            );
        }
    }
}
