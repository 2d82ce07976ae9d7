//! RESERVED_MESSAGE_NO_DELETE: what a message reserves (numbers and names) stays reserved.

use super::reserved_common::{message_reserved, spell, spell_all, uncovered, FIELD_MAX};
use crate::breaking::{Context, Message, Rule};
use crate::declare_rule;

declare_rule!(ReservedMessageNoDelete, "RESERVED_MESSAGE_NO_DELETE");

impl Rule for ReservedMessageNoDelete {
    // buf parity: ranges are compared by what they cover (splitting or merging ranges is fine),
    // one finding per old range that lost numbers, and one per old name; all at the whole message.
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        let now = message_reserved(new.proto);
        for range in message_reserved(old.proto) {
            let lost = uncovered(range, &now);
            if lost.is_empty() {
                continue;
            }
            let lost_text = spell_all(&lost, FIELD_MAX);
            let was = if lost == [range] {
                String::new()
            } else {
                format!(" (of {})", spell(range, FIELD_MAX))
            };
            cx.report(
                new,
                &[],
                format!(
                    "message {:?} no longer reserves {lost_text}{was}: add `reserved {lost_text};` back so no field reuses the numbers",
                    new.full_name,
                ),
            );
        }
        for name in &old.proto.reserved_name {
            if new.proto.reserved_name.contains(name) {
                continue;
            }
            cx.report(
                new,
                &[],
                format!(
                    "message {:?} no longer reserves the name {name:?}: add `reserved {name:?};` back so no field takes the name",
                    new.full_name,
                ),
            );
        }
    }
}
