//! FIELD_SAME_ONEOF: a field stays in the same oneof, or outside any oneof.

use super::prelude::*;

use super::field_common::describe;

declare_rule!(FieldSameOneof, "FIELD_SAME_ONEOF");

impl Rule for FieldSameOneof {
    // buf parity: oneofs are compared by name; a proto3 `optional` field's synthetic oneof counts
    // as no oneof. Reported at the whole new field.
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        let old_oneof = old.oneof().map(|o| o.name());
        let new_oneof = new.oneof().map(|o| o.name());
        let change = match (old_oneof, new_oneof) {
            (Some(o), Some(n)) if o == n => return,
            (None, None) => return,
            (Some(o), Some(n)) => format!("moved from oneof {o:?} to oneof {n:?}"),
            (None, Some(n)) => format!("moved into oneof {n:?}"),
            (Some(o), None) => format!("moved out of oneof {o:?}"),
        };
        let fix = match old_oneof {
            Some(o) => format!("put it back in oneof {o:?}"),
            None => "move it back out of the oneof".to_string(),
        };
        cx.report(
            new,
            &[],
            format!(
                "{} {change}: setting a field of a oneof clears the others, so messages decode differently; {fix}, or add a field with a new number",
                describe(new),
            ),
        );
    }
}
