//! Shared by the rules about what may disappear from a message or an enum: which fields and enum
//! values were deleted (paired by number, as buf pairs them), and which numbers and names the
//! `reserved` statements of a message or an enum cover.

use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

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
        cx.report(
            at,
            &[],
            format!(
                "{kind} {full_name:?} no longer reserves {lost_text}{was}: add `reserved {lost_text};` back so no {member} reuses the numbers",
            ),
        );
    }
    for name in old.names {
        if new.names.contains(name) {
            continue;
        }
        cx.report(
            at,
            &[],
            format!(
                "{kind} {full_name:?} no longer reserves the name {name:?}: add `reserved {name:?};` back so no {member} takes the name",
            ),
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
