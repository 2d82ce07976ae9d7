//! The unsafe fixes for lint's naming rules: rename a field or a oneof to lower_snake_case, an
//! enum value to UPPER_SNAKE_CASE, as the rule asks. Unsafe, because the new name changes the
//! JSON name (fields), the text and JSON spelling (enum values) and the generated code of every
//! user: only `--unsafe-fixes` applies them.
//!
//! Only the declaration is renamed. Nothing in protobuf refers to a field or a oneof by name
//! from elsewhere but option values and `default = VALUE` (enum values); a rename that breaks
//! one of those fails the re-check every fix goes through ([`super::verify`]), and that file is
//! left alone with the reason.

use crate::finding::Finding;
use crate::lint::case;
use crate::schema::columns::LineIndex;

/// A name in the case a rule wants.
type Convert = fn(&str) -> String;

/// The rules renamed here, and the case each wants.
pub const RULES: [(&str, Convert); 3] = [
    ("FIELD_LOWER_SNAKE_CASE", case::to_lower_snake_case),
    ("ONEOF_LOWER_SNAKE_CASE", case::to_lower_snake_case),
    ("ENUM_VALUE_UPPER_SNAKE_CASE", case::to_upper_snake_case),
];

/// The replacements (start, end, new name) that rename the names of `findings` of the rules
/// above in `text`, each with its finding. A finding whose span is not one identifier on one
/// line is left as it is.
pub fn edits(text: &str, findings: &[&Finding]) -> Vec<(usize, usize, String, Finding)> {
    let index = LineIndex::new(text);
    let mut edits: Vec<(usize, usize, String, Finding)> = Vec::new();
    for f in findings {
        let Some((_, convert)) = RULES.iter().find(|(rule, _)| *rule == f.rule) else {
            continue;
        };
        if f.start_line != f.end_line {
            continue;
        }
        let start = index.offset_of_position(text, f.start_line, f.start_column);
        let end = index.offset_of_position(text, f.end_line, f.end_column);
        let Some(name) = text.get(start..end) else {
            continue;
        };
        let identifier = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let new = convert(name);
        if identifier && new != name && !edits.iter().any(|e| e.0 == start) {
            edits.push((start, end, new, (*f).clone()));
        }
    }
    edits
}

/// `text` with the names of `findings` of the rules above renamed, and the findings fixed;
/// `None` when there is nothing to rename.
pub fn rename(text: &str, findings: &[&Finding]) -> Option<(String, Vec<Finding>)> {
    let edits = edits(text, findings);
    if edits.is_empty() {
        return None;
    }
    let fixed = edits.iter().map(|e| e.3.clone()).collect();
    let replacements = edits
        .into_iter()
        .map(|(s, e, new, _)| (s, e, new))
        .collect();
    Some((super::types::replace_all(text, replacements), fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, line: u32, start: u32, end: u32) -> Finding {
        Finding {
            start_line: line,
            start_column: start,
            end_line: line,
            end_column: end,
            ..Finding::file_level("a.proto", rule, String::new())
        }
    }

    #[test]
    fn renames_the_declared_names_only() {
        let text = "message A {\n  string orderId = 1;\n\toneof Kind { int32 x = 2; }\n}\nenum E {\n  e_unknown = 0;\n}\n";
        let f1 = finding("FIELD_LOWER_SNAKE_CASE", 2, 10, 17);
        // After a tab (4 columns): `oneof ` puts the name at column 11.
        let f2 = finding("ONEOF_LOWER_SNAKE_CASE", 3, 11, 15);
        let f3 = finding("ENUM_VALUE_UPPER_SNAKE_CASE", 6, 3, 12);
        let (new, fixed) = rename(text, &[&f1, &f2, &f3]).unwrap();
        assert_eq!(
            new,
            "message A {\n  string order_id = 1;\n\toneof kind { int32 x = 2; }\n}\nenum E {\n  E_UNKNOWN = 0;\n}\n"
        );
        assert_eq!(fixed.len(), 3);
    }

    #[test]
    fn a_span_that_is_not_one_identifier_is_left() {
        let text = "message A {\n  string orderId = 1;\n}\n";
        assert!(rename(text, &[&finding("FIELD_LOWER_SNAKE_CASE", 2, 3, 17)]).is_none());
        assert!(rename(text, &[&finding("MESSAGE_PASCAL_CASE", 2, 10, 17)]).is_none());
    }
}
