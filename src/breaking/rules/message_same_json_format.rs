//! MESSAGE_SAME_JSON_FORMAT: a message's JSON format support does not get weaker.
//!
//! Without editions the support follows the file's syntax: `ALLOW` in proto3,
//! `LEGACY_BEST_EFFORT` in proto2. Only the move from `ALLOW` to `LEGACY_BEST_EFFORT` is
//! reported; map entries are reported too (at the `map<...>` type of their field), as buf does.

use super::prelude::*;

use super::element_common::{json_format, report_message};

declare_rule!(MessageSameJsonFormat, "MESSAGE_SAME_JSON_FORMAT");

impl Rule for MessageSameJsonFormat {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        let was = json_format(cx.old().file(old.file));
        let is = json_format(cx.new_image().file(new.file));
        if was == "ALLOW" && is != "ALLOW" {
            report_message(
                cx,
                new,
                format!(
                    "message {:?} changed JSON format support from {was} to {is} because its file is now proto2, not proto3: keep it in a proto3 file",
                    new.full_name,
                ),
            );
        }
    }
}
