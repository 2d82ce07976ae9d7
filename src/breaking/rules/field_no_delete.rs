use crate::breaking::{Context, Message, Rule};
use crate::declare_rule;

declare_rule!(FieldNoDelete, "FIELD_NO_DELETE");

impl Rule for FieldNoDelete {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        if old.is_map_entry() {
            return;
        }
        for field in &old.proto.field {
            if !new.proto.field.iter().any(|f| f.number() == field.number()) {
                cx.report(
                    new,
                    &[],
                    format!(
                        "field {} {:?} of message {:?} was deleted: reserve it with `reserved {};` and `reserved {:?};` so neither is reused",
                        field.number(),
                        field.name(),
                        new.full_name,
                        field.number(),
                        field.name(),
                    ),
                );
            }
        }
    }
}
