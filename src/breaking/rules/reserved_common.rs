//! Shared by the rules about what may disappear from a message or an enum: which fields and enum
//! values were deleted (paired by number, as buf pairs them), and which numbers and names the
//! `reserved` statements of a message or an enum cover.

use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

use crate::finding::Lost;

/// The highest field number (`max` in a message's `reserved` statement).
pub const FIELD_MAX: i64 = 536_870_911;
/// The highest enum value number (`max` in an enum's `reserved` statement).
pub const ENUM_MAX: i64 = i32::MAX as i64;

/// An inclusive range of numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: i64,
    pub end: i64,
}

/// A message's reserved numbers (the descriptor's ends are exclusive; ours are inclusive).
pub fn message_reserved(m: &DescriptorProto) -> Vec<Range> {
    m.reserved_range
        .iter()
        .map(|r| Range {
            start: i64::from(r.start()),
            end: i64::from(r.end()) - 1,
        })
        .collect()
}

/// An enum's reserved numbers (the descriptor's ends are already inclusive).
pub fn enum_reserved(e: &EnumDescriptorProto) -> Vec<Range> {
    e.reserved_range
        .iter()
        .map(|r| Range {
            start: i64::from(r.start()),
            end: i64::from(r.end()),
        })
        .collect()
}

/// Whether `n` is in one of `ranges`.
pub fn covers(ranges: &[Range], n: i64) -> bool {
    ranges.iter().any(|r| r.start <= n && n <= r.end)
}

/// The parts of `range` that none of `by` covers, in order. A range split in two, or merged into
/// a larger one, leaves nothing uncovered: buf compares what the ranges cover, not how they are
/// written.
pub fn uncovered(range: Range, by: &[Range]) -> Vec<Range> {
    let mut sorted: Vec<Range> = by.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut gaps = Vec::new();
    let mut next = range.start;
    for r in sorted {
        if next > range.end {
            break;
        }
        if r.end < next || r.start > range.end {
            continue;
        }
        if r.start > next {
            gaps.push(Range {
                start: next,
                end: r.start - 1,
            });
        }
        next = next.max(r.end.saturating_add(1));
    }
    if next <= range.end {
        gaps.push(Range {
            start: next,
            end: range.end,
        });
    }
    gaps
}

/// `5`, `5 to 9` or `5 to max`, as a `reserved` statement spells them.
pub fn spell(r: Range, max: i64) -> String {
    let end = if r.end >= max {
        "max".to_string()
    } else {
        r.end.to_string()
    };
    if r.start == r.end {
        r.start.to_string()
    } else {
        format!("{} to {end}", r.start)
    }
}

/// Several ranges, comma-separated, as a `reserved` statement spells them.
pub fn spell_all(ranges: &[Range], max: i64) -> String {
    ranges
        .iter()
        .map(|&r| spell(r, max))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields of `old` whose number no field of `new` has (a field that moved into or out of a
/// oneof, or was renamed, keeps its number and is not deleted). Extensions are not fields.
pub fn deleted_fields<'a>(
    old: &'a DescriptorProto,
    new: &DescriptorProto,
) -> Vec<&'a FieldDescriptorProto> {
    old.field
        .iter()
        .filter(|f| !new.field.iter().any(|n| n.number() == f.number()))
        .collect()
}

/// A number no value of the new enum has, with every name the old enum gave it (more than one
/// when it had aliases).
pub struct DeletedValue<'a> {
    pub number: i32,
    pub names: Vec<&'a str>,
}

/// The numbers of `old` that no value of `new` has, in order of first declaration. Deleting one
/// alias while another value keeps the number deletes nothing.
pub fn deleted_enum_values<'a>(
    old: &'a EnumDescriptorProto,
    new: &EnumDescriptorProto,
) -> Vec<DeletedValue<'a>> {
    let mut deleted: Vec<DeletedValue<'a>> = Vec::new();
    for v in &old.value {
        let number = v.number();
        if new.value.iter().any(|n| n.number() == number) {
            continue;
        }
        match deleted.iter_mut().find(|d| d.number == number) {
            Some(d) => d.names.push(v.name()),
            None => deleted.push(DeletedValue {
                number,
                names: vec![v.name()],
            }),
        }
    }
    deleted
}

/// What deleting `field` from message `full` (`new` now) lost: its number and name, unless
/// `new` reserves them; blocked when `new` uses the name again or opened the number to
/// extensions. `None` for a map entry: the source spells a `map<K, V>` field, no message to
/// reserve in.
pub fn lost_field(full: &str, new: &DescriptorProto, field: &FieldDescriptorProto) -> Option<Lost> {
    if new.options.as_ref().is_some_and(|o| o.map_entry()) {
        return None;
    }
    let number = i64::from(field.number());
    let name = field.name();
    let mut blocked = None;
    if new
        .extension_range
        .iter()
        .any(|r| i64::from(r.start()) <= number && number < i64::from(r.end()))
    {
        blocked = Some(format!("number {number} of deleted field {name:?} is in an extension range of {full:?} now: it cannot be reserved"));
    }
    if let Some(user) = new.field.iter().find(|f| f.name() == name) {
        blocked.get_or_insert(format!(
            "the name {name:?} of deleted field {number} is used again by field {} of {full:?}: it cannot be reserved",
            user.number()
        ));
    }
    Some(Lost {
        parent: full.to_string(),
        in_enum: false,
        deleted: Some((field.number(), vec![name.to_string()])),
        numbers: if covers(&message_reserved(new), number) {
            Vec::new()
        } else {
            vec![(number, number)]
        },
        names: if new.reserved_name.iter().any(|n| n == name) {
            Vec::new()
        } else {
            vec![name.to_string()]
        },
        blocked,
        extensions: false,
    })
}

/// What deleting `value` (a number and its names) from enum `full` (`new` now) lost, unless
/// `new` reserves it; blocked when `new` uses one of the names again.
pub fn lost_value(full: &str, new: &EnumDescriptorProto, value: &DeletedValue) -> Option<Lost> {
    let number = i64::from(value.number);
    let blocked = value.names.iter().find_map(|name| {
        let user = new.value.iter().find(|v| v.name() == *name)?;
        Some(format!(
            "the name {name:?} of deleted enum value {number} is used again by value {} of {full:?}: it cannot be reserved",
            user.number()
        ))
    });
    Some(Lost {
        parent: full.to_string(),
        in_enum: true,
        deleted: Some((
            value.number,
            value.names.iter().map(|n| n.to_string()).collect(),
        )),
        numbers: if covers(&enum_reserved(new), number) {
            Vec::new()
        } else {
            vec![(number, number)]
        },
        names: (value.names.iter())
            .filter(|n| !new.reserved_name.iter().any(|r| r == *n))
            .map(|n| n.to_string())
            .collect(),
        blocked,
        extensions: false,
    })
}

/// `"A"` or `"A", "B"`.
pub fn quote_all(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a message or an enum reserves, for RESERVED_MESSAGE_NO_DELETE and RESERVED_ENUM_NO_DELETE.
pub struct Reserved<'a> {
    /// `message` or `enum`.
    pub kind: &'static str,
    /// What the numbers and names are for: `field` or `value`.
    pub member: &'static str,
    /// The largest number the kind allows (`max` in source).
    pub max: i64,
    pub ranges: Vec<Range>,
    pub names: &'a [String],
    /// The numbers and names its members use (for the new element: what cannot be reserved).
    pub used: Vec<(i64, &'a str)>,
}

/// buf parity: ranges are compared by what they cover (splitting or merging ranges is fine), one
/// finding per old range that lost numbers, and one per old name; all at the whole element `at`.
pub fn check_reserved(
    cx: &mut crate::breaking::Context,
    at: &impl crate::breaking::Located,
    full_name: &str,
    old: &Reserved,
    new: &Reserved,
) {
    let (kind, member, max) = (new.kind, new.member, new.max);
    for &range in &old.ranges {
        let lost = uncovered(range, &new.ranges);
        if lost.is_empty() {
            continue;
        }
        let lost_text = spell_all(&lost, max);
        let was = if lost == [range] {
            String::new()
        } else {
            format!(" (of {})", spell(range, max))
        };
        let blocked = new.used.iter().find_map(|(n, name)| {
            let r = lost.iter().find(|r| r.start <= *n && *n <= r.end)?;
            Some(format!(
                "{full_name:?} no longer reserves {}, and {name:?} uses {n} now: it cannot be reserved again",
                spell(*r, max)
            ))
        });
        let lost_data = Lost {
            parent: full_name.to_string(),
            in_enum: kind == "enum",
            deleted: None,
            numbers: lost.iter().map(|r| (r.start, r.end)).collect(),
            names: Vec::new(),
            blocked,
            extensions: false,
        };
        cx.report_lost(
            at,
            format!(
                "{kind} {full_name:?} no longer reserves {lost_text}{was}: add `reserved {lost_text};` back so no {member} reuses the numbers",
            ),
            Some(lost_data),
        );
    }
    for name in old.names {
        if new.names.contains(name) {
            continue;
        }
        let blocked = new.used.iter().find(|(_, n)| n == name).map(|(n, _)| {
            format!(
                "{full_name:?} no longer reserves the name {name:?}, and number {n} uses it now: it cannot be reserved again"
            )
        });
        let lost_data = Lost {
            parent: full_name.to_string(),
            in_enum: kind == "enum",
            deleted: None,
            numbers: Vec::new(),
            names: vec![name.clone()],
            blocked,
            extensions: false,
        };
        cx.report_lost(
            at,
            format!(
                "{kind} {full_name:?} no longer reserves the name {name:?}: add `reserved {name:?};` back so no {member} takes the name",
            ),
            Some(lost_data),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: i64, end: i64) -> Range {
        Range { start, end }
    }

    #[test]
    fn coverage() {
        assert_eq!(
            uncovered(r(10, 20), &[r(10, 14), r(15, 17)]),
            vec![r(18, 20)]
        );
        assert_eq!(uncovered(r(10, 20), &[r(5, 30)]), vec![]);
        assert_eq!(
            uncovered(r(10, 20), &[r(10, 12), r(14, 20)]),
            vec![r(13, 13)]
        );
        assert_eq!(uncovered(r(10, 20), &[]), vec![r(10, 20)]);
        assert_eq!(
            uncovered(r(1, 10), &[r(3, 4), r(2, 3), r(8, 8)]),
            vec![r(1, 1), r(5, 7), r(9, 10)]
        );
        assert_eq!(uncovered(r(-5, -1), &[r(-4, -1)]), vec![r(-5, -5)]);
    }

    #[test]
    fn spelling() {
        assert_eq!(spell(r(5, 5), FIELD_MAX), "5");
        assert_eq!(spell(r(5, 9), FIELD_MAX), "5 to 9");
        assert_eq!(spell(r(40, FIELD_MAX), FIELD_MAX), "40 to max");
        assert_eq!(
            spell_all(&[r(1, 1), r(3, ENUM_MAX)], ENUM_MAX),
            "1, 3 to max"
        );
    }
}
