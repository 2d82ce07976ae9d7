//! RESERVED_ENUM_NO_DELETE: what an enum reserves (numbers and names) stays reserved.

use super::reserved_common::{enum_reserved, spell, spell_all, uncovered, ENUM_MAX};
use crate::breaking::{Context, Enum, Rule};
use crate::declare_rule;

declare_rule!(ReservedEnumNoDelete, "RESERVED_ENUM_NO_DELETE");

impl Rule for ReservedEnumNoDelete {
    // buf parity: ranges are compared by what they cover (splitting or merging ranges is fine),
    // one finding per old range that lost numbers, and one per old name; all at the whole enum.
    fn check_enum(&self, cx: &mut Context, old: &Enum, new: &Enum) {
        let now = enum_reserved(new.proto);
        for range in enum_reserved(old.proto) {
            let lost = uncovered(range, &now);
            if lost.is_empty() {
                continue;
            }
            let lost_text = spell_all(&lost, ENUM_MAX);
            let was = if lost == [range] {
                String::new()
            } else {
                format!(" (of {})", spell(range, ENUM_MAX))
            };
            cx.report(
                new,
                &[],
                format!(
                    "enum {:?} no longer reserves {lost_text}{was}: add `reserved {lost_text};` back so no value reuses the numbers",
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
                    "enum {:?} no longer reserves the name {name:?}: add `reserved {name:?};` back so no value takes the name",
                    new.full_name,
                ),
            );
        }
    }
}
