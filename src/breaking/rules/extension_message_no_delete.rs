//! EXTENSION_MESSAGE_NO_DELETE: every number a message (paired by full name, in any file) left
//! open to extensions is still open: each old extension range must be covered by the new ranges
//! together (widening, splitting or merging ranges is fine).

use super::prelude::*;

use prost_types::DescriptorProto;

use crate::finding::Lost;

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
            let lost = lost(&new.full_name, new.proto, &missing);
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
            cx.attach_lost(Some(lost));
        }
    }
}

/// What message `full` (`new` now) lost: the `missing` half-open ranges, to open to extensions
/// again; blocked when a field or a reserved range of `new` takes one of their numbers.
fn lost(full: &str, new: &DescriptorProto, missing: &[(i32, i32)]) -> Lost {
    let inside = |n: i32| missing.iter().any(|&(start, end)| start <= n && n < end);
    let overlaps = |start: i32, end: i32| missing.iter().any(|&(s, e)| s < end && start < e);
    let blocked = match new.field.iter().find(|f| inside(f.number())) {
        Some(f) => Some(format!(
            "field {:?} of {full:?} uses {} now: the extension range cannot come back",
            f.name(),
            f.number()
        )),
        None => new
            .reserved_range
            .iter()
            .find(|r| overlaps(r.start(), r.end()))
            .map(|r| {
                format!(
                    "{full:?} reserves {} now: the extension range cannot come back",
                    show((r.start(), r.end()))
                )
            }),
    };
    Lost {
        parent: full.to_string(),
        in_enum: false,
        deleted: None,
        numbers: (missing.iter())
            .map(|&(start, end)| (i64::from(start), i64::from(end) - 1))
            .collect(),
        names: Vec::new(),
        blocked,
        extensions: true,
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
