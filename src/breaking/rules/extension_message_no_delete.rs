//! EXTENSION_MESSAGE_NO_DELETE: every number a message (paired by full name, in any file) left
//! open to extensions is still open: each old extension range must be covered by the new ranges
//! together (widening, splitting or merging ranges is fine).

use super::prelude::*;

declare_rule!(ExtensionMessageNoDelete, "EXTENSION_MESSAGE_NO_DELETE");

impl Rule for ExtensionMessageNoDelete {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        let new_ranges: Vec<(i32, i32)> = new
            .proto
            .extension_range
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect();
        // buf parity: one finding per old range that lost any number.
        for range in &old.proto.extension_range {
            let missing = uncovered((range.start(), range.end()), &new_ranges);
            if missing.is_empty() {
                continue;
            }
            let missing: Vec<String> = missing.into_iter().map(show).collect();
            cx.report_with_old(
                old.file,
                new,
                &[],
                format!(
                    "extension range {} of message {:?} lost {}: extensions declared with those numbers no longer compile; restore the range (`extensions` may list several)",
                    show((range.start(), range.end())),
                    new.full_name,
                    missing.join(", ")
                ),
            );
        }
    }
}

/// The parts of half-open range `range` that no range of `by` covers.
fn uncovered(range: (i32, i32), by: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut by = by.to_vec();
    by.sort();
    let mut missing = Vec::new();
    let (mut at, end) = range;
    for (start, stop) in by {
        if at >= end {
            break;
        }
        if stop <= at {
            continue;
        }
        if start > at {
            missing.push((at, start.min(end)));
        }
        at = at.max(stop);
    }
    if at < end {
        missing.push((at, end));
    }
    missing
}

/// A half-open range as people write it: inclusive bounds, `max` for the largest field number.
fn show((start, end): (i32, i32)) -> String {
    let last = end - 1;
    if last == 536_870_911 || last == i32::MAX - 1 {
        format!("{start} to max")
    } else if last == start {
        format!("{start}")
    } else {
        format!("{start} to {last}")
    }
}
