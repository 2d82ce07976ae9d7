//! MESSAGE_SAME_JSON_FORMAT: a message keeps JSON format support (`ALLOW`).
//!
//! The support is the message's resolved `json_format` feature: `ALLOW` in proto3 and in
//! editions by default, `LEGACY_BEST_EFFORT` in proto2 or where `features.json_format` says so.
//! Only the move from `ALLOW` to `LEGACY_BEST_EFFORT` is reported.

use super::prelude::*;

use super::element_common::{feature_option, json_format, report_message};
use crate::schema::editions::Target;

declare_rule!(MessageSameJsonFormat, "MESSAGE_SAME_JSON_FORMAT");

impl Rule for MessageSameJsonFormat {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        let was = json_format(cx.old().file(old.file), &old.path).to_string();
        let is = json_format(cx.new_image().file(new.file), &new.path).to_string();
        if was == "ALLOW" && is != "ALLOW" {
            let message = format!(
                "message {:?} changed JSON format support from {was} to {is}: keep it `ALLOW` (a proto3 file, or `features.json_format = ALLOW` in editions)",
                new.full_name,
            );
            // buf parity: at the message's own `features.json_format`, else the whole message.
            let option = feature_option(Target::Message, "json_format");
            let mut path = new.path.to_vec();
            path.extend(&option);
            if cx.new_image().file(new.file).locations().get(&path).is_some() {
                cx.report(new, &option, message);
            } else {
                report_message(cx, new, message);
            }
        }
    }
}
