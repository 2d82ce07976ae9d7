//! ENUM_NO_ALLOW_ALIAS: no enum sets `option allow_alias = true`.

use super::prelude::*;

declare_rule!(EnumNoAllowAlias, "ENUM_NO_ALLOW_ALIAS");

impl Rule for EnumNoAllowAlias {
    fn check_enum(&self, cx: &mut Context, e: &EnumNode) {
        // `allow_alias = false` is harmless and not reported.
        if e.proto.options.as_ref().and_then(|o| o.allow_alias) == Some(true) {
            cx.report(
                &path_with(e.path, &[tag::ENUM_OPTIONS, tag::ENUM_OPTION_ALLOW_ALIAS]),
                format!(
                    "enum {:?} allows aliases: remove `option allow_alias = true` and give every value its own number",
                    e.proto.name()
                ),
            );
        }
    }
}
