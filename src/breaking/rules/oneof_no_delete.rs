//! ONEOF_NO_DELETE: every oneof of a message (paired by full name, in any file) is still there,
//! by name. The synthetic oneofs of proto3 `optional` fields do not count.

use super::prelude::*;

declare_rule!(OneofNoDelete, "ONEOF_NO_DELETE");

impl Rule for OneofNoDelete {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        for (index, oneof) in old.proto.oneof_decl.iter().enumerate() {
            if is_synthetic_oneof(old.proto, index as i32) {
                continue;
            }
            if new
                .proto
                .oneof_decl
                .iter()
                .any(|o| o.name() == oneof.name())
            {
                continue;
            }
            cx.report_with_old(
                old.file,
                new,
                &[],
                format!(
                    "oneof {:?} of message {:?} was deleted: generated code that uses the oneof no longer compiles; restore it (its fields may stay in it)",
                    oneof.name(),
                    new.full_name
                ),
            );
        }
    }
}
