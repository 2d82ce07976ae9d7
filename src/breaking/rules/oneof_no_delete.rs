//! ONEOF_NO_DELETE: every oneof of a message (paired by full name, in any file) is still there,
//! by name. The synthetic oneofs of proto3 `optional` fields do not count.
use crate::breaking::{Context, Message, Rule};
use crate::declare_rule;

declare_rule!(OneofNoDelete, "ONEOF_NO_DELETE");

impl Rule for OneofNoDelete {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        for (index, oneof) in old.proto.oneof_decl.iter().enumerate() {
            if is_synthetic(old, index) {
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

/// Whether oneof `index` of `m` only holds a proto3 `optional` field.
fn is_synthetic(m: &Message, index: usize) -> bool {
    let fields: Vec<_> = m
        .proto
        .field
        .iter()
        .filter(|f| f.oneof_index == Some(index as i32))
        .collect();
    fields.len() == 1 && fields[0].proto3_optional()
}
