//! buf's checks of `feature_support` options, which feature definitions (`cpp_features.proto`,
//! a custom extension of `google.protobuf.FeatureSet`) set on their fields and enum values to
//! say when a feature or a value came, was deprecated and was removed. The compiler never sees
//! these options (see [`super::strip_feature_definitions`]), so they are checked here, from the
//! parsed text, as buf 1.75.0 checks them:
//!
//! - `edition_deprecated` needs `deprecation_warning`, and the other way round; likewise
//!   `edition_removed` and `removal_error` (reported at the option or key that is set);
//! - `edition_deprecated` must come before `edition_removed`, and neither before
//!   `edition_introduced` (reported at the later edition's value).
//!
//! A missing `feature_support`, `edition_defaults` or `targets` is not checked: buf accepts it.

use prost_types::UninterpretedOption;

use super::options::find_in;
use super::{collect_options, LineStarts, Target, UNINTERPRETED_OPTION};
use crate::finding::Finding;
use crate::schema::Source;

/// One key of a `feature_support` value, wherever it was written: `feature_support = { KEY:
/// VALUE }` or `feature_support.KEY = VALUE`.
pub(super) struct Entry {
    pub(super) key: String,
    /// Where a missing partner is reported: the key, or the whole option name.
    pub(super) key_at: (usize, usize),
    /// The value as written (an edition's name or number; a string's text).
    pub(super) value: String,
    pub(super) value_at: (usize, usize),
}

/// The `COMPILE` findings of the `feature_support` options of `source`'s fields and enum
/// values.
pub(crate) fn feature_support_errors(source: &Source) -> Vec<Finding> {
    let text = &source.text;
    if !text.contains("feature_support") {
        return Vec::new();
    }
    let parsed = std::panic::catch_unwind(|| protox_parse::parse(&source.file.name, text));
    let Ok(Ok(mut file)) = parsed else {
        // The compiler reports a file that does not parse.
        return Vec::new();
    };
    let info = file.source_code_info.take().unwrap_or_default();
    let lines = LineStarts::new(text);
    let mut found = Vec::new();
    collect_options(&mut file, &mut found);
    let mut findings = Vec::new();
    for at in found {
        if !matches!(at.target, Target::Field | Target::EnumValue) {
            continue;
        }
        let mut entries = Vec::new();
        for (index, option) in at.options.iter().enumerate() {
            let is_support = option
                .name
                .first()
                .is_some_and(|p| !p.is_extension && p.name_part == "feature_support");
            if !is_support {
                continue;
            }
            let mut path = at.path.clone();
            path.extend([at.options_tag, UNINTERPRETED_OPTION, index as i32]);
            let Some(span) = info
                .location
                .iter()
                .find(|l| l.path == path)
                .and_then(|l| lines.range(&l.span))
            else {
                continue;
            };
            entries.extend(entries_of(option, text, span));
        }
        for (start, end, message) in check(&entries) {
            findings.push(source.finding(start, end, "COMPILE", message));
        }
    }
    findings
}

/// The keys one `feature_support` option sets.
pub(super) fn entries_of(
    option: &UninterpretedOption,
    text: &str,
    span: (usize, usize),
) -> Vec<Entry> {
    match option.name.as_slice() {
        [_] => {
            let body_start = find_in(text, span, span.0, "{").1;
            if body_start == span.0 {
                return Vec::new();
            }
            aggregate_entries(text, body_start, span.1.min(text.len()))
        }
        [_, key] if !key.is_extension => {
            let option_text = text.get(span.0..span.1).unwrap_or("");
            let Some(eq) = option_text.find('=') else {
                return Vec::new();
            };
            let name_end = span.0 + option_text[..eq].trim_end().len();
            let value_text = &option_text[eq + 1..];
            let value_start = span.0 + eq + 1 + (value_text.len() - value_text.trim_start().len());
            let value_text = value_text.trim().trim_end_matches(';').trim_end();
            let value = match (&option.identifier_value, option.positive_int_value) {
                (Some(ident), _) => ident.clone(),
                (None, Some(n)) => n.to_string(),
                _ => String::new(),
            };
            vec![Entry {
                key: key.name_part.clone(),
                key_at: (span.0, name_end),
                value,
                value_at: (value_start, value_start + value_text.len()),
            }]
        }
        _ => Vec::new(),
    }
}

/// The keys of a text-format message body `text[from..to]`, at its top level. A message or a
/// list value is an entry whose value is its opening bracket (`{`, `<`, `[`), its range the
/// brackets and what they hold.
pub(super) fn aggregate_entries(text: &str, from: usize, to: usize) -> Vec<Entry> {
    let bytes = text.as_bytes();
    let mut entries = Vec::new();
    let mut depth = 0usize;
    let mut i = from;
    // A key waiting for its value, at depth 0.
    let mut pending: Option<(String, (usize, usize))> = None;
    // A key whose message or list value is open, and where that value starts.
    let mut open: Option<(String, (usize, usize), usize)> = None;
    while i < to {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < to && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text
                    .get(i + 2..to)
                    .and_then(|rest| rest.find("*/"))
                    .map_or(to, |end| i + 2 + end + 2);
            }
            b'{' | b'<' | b'[' => {
                if let (0, Some((key, key_at))) = (depth, pending.take()) {
                    open = Some((key, key_at, i));
                }
                depth += 1;
                i += 1;
            }
            b'}' | b'>' | b']' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                i += 1;
                if let (0, Some((key, key_at, start))) = (depth, open.take()) {
                    entries.push(Entry {
                        key,
                        key_at,
                        value: text[start..start + 1].to_string(),
                        value_at: (start, i),
                    });
                }
            }
            b'"' | b'\'' => {
                let start = i;
                i += 1;
                while i < to && bytes[i] != c {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(to);
                if let (0, Some((key, key_at))) = (depth, pending.take()) {
                    let value = text.get(start + 1..i.saturating_sub(1)).unwrap_or("");
                    entries.push(Entry {
                        key,
                        key_at,
                        value: value.to_string(),
                        value_at: (start, i),
                    });
                }
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' => {
                let start = i;
                while i < to
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-' | b'.'))
                {
                    i += 1;
                }
                let word = &text[start..i];
                if depth != 0 {
                    continue;
                }
                match pending.take() {
                    Some((key, key_at)) => entries.push(Entry {
                        key,
                        key_at,
                        value: word.to_string(),
                        value_at: (start, i),
                    }),
                    None => pending = Some((word.to_string(), (start, i))),
                }
            }
            _ => i += 1,
        }
    }
    entries
}

/// The number of an edition as `google.protobuf.Edition` gives it, for ordering.
pub(super) fn edition_number(value: &str) -> Option<i64> {
    let number = match value {
        "EDITION_UNKNOWN" => 0,
        "EDITION_LEGACY" => 900,
        "EDITION_PROTO2" => 998,
        "EDITION_PROTO3" => 999,
        "EDITION_2023" => 1000,
        "EDITION_2024" => 1001,
        "EDITION_2026" => 1002,
        "EDITION_UNSTABLE" => 9999,
        "EDITION_1_TEST_ONLY" => 1,
        "EDITION_2_TEST_ONLY" => 2,
        "EDITION_99997_TEST_ONLY" => 99997,
        "EDITION_99998_TEST_ONLY" => 99998,
        "EDITION_99999_TEST_ONLY" => 99999,
        "EDITION_MAX" => i64::from(i32::MAX),
        other => return other.parse().ok(),
    };
    Some(number)
}

/// What is wrong with one element's `feature_support` keys, each at its byte range.
fn check(entries: &[Entry]) -> Vec<(usize, usize, String)> {
    let get = |key: &str| entries.iter().find(|e| e.key == key);
    let edition = |key: &str| get(key).and_then(|e| edition_number(&e.value).map(|n| (e, n)));
    let (introduced, deprecated, removed) = (
        edition("edition_introduced"),
        edition("edition_deprecated"),
        edition("edition_removed"),
    );
    // buf parity: a feature removed in the edition that introduced it needs no removal error.
    let removed_at_once = matches!((introduced, removed), (Some((_, i)), Some((_, r))) if i == r);
    let mut problems = Vec::new();
    // Each of a pair needs the other.
    for (set, needs, what) in [
        (
            "deprecation_warning",
            "edition_deprecated",
            "a deprecation warning without the edition it applies from",
        ),
        (
            "removal_error",
            "edition_removed",
            "a removal error without the edition the feature is removed in",
        ),
        (
            "edition_deprecated",
            "deprecation_warning",
            "a deprecated feature or value must say why",
        ),
        (
            "edition_removed",
            "removal_error",
            "a removed feature or value must say what to do instead",
        ),
    ] {
        if set == "edition_removed" && removed_at_once {
            continue;
        }
        if let (Some(entry), None) = (get(set), get(needs)) {
            problems.push((
                entry.key_at.0,
                entry.key_at.1,
                format!(
                    "`feature_support` sets `{set}` but not `{needs}`: {what}; set `{needs}` too"
                ),
            ));
        }
    }
    if let (Some((entry, d)), Some((removed, r))) = (deprecated, removed) {
        if d >= r {
            problems.push((
                entry.value_at.0,
                entry.value_at.1,
                format!(
                    "`edition_deprecated` ({}) must be an earlier edition than `edition_removed` ({})",
                    entry.value, removed.value
                ),
            ));
        }
    }
    for (later, name) in [
        (deprecated, "edition_deprecated"),
        (removed, "edition_removed"),
    ] {
        if let (Some((entry, n)), Some((first, i))) = (later, introduced) {
            if n < i {
                problems.push((
                    entry.value_at.0,
                    entry.value_at.1,
                    format!(
                        "`{name}` ({}) is earlier than `edition_introduced` ({}): a feature cannot change before it exists",
                        entry.value, first.value
                    ),
                ));
            }
        }
    }
    problems
}
