//! buf parity: an edition buf 1.75.0 does not know (`edition = "UNSTABLE";`, `"2025"`, any
//! other string) is a `COMPILE` finding at its value ("unrecognized `edition` declaration
//! value"), and buf goes on with the file: parsed as proto2 (a field without a label is
//! "unexpected type name" at its type; `import option`, `local` and `export` are refused as in
//! "proto2"), its features resolved and checked as edition 2023's (a feature introduced later
//! is "not supported in Edition 2023").
//!
//! sous reads such a file as edition 2023: its value is respelled `"2023"`, padded with spaces
//! so that every place in the file stays where it is (a value shorter than `"2023"` is left to
//! the parser, which reports it alone), and the proto2 findings are added to the file's own:
//! the unknown edition, and each field without a label. What proto2 allows and 2023 does not
//! (`optional` and `required` labels, groups, reserved names as strings) is reported as in an
//! edition 2023 file. The source keeps the respelled text, which `--error-format pretty` shows
//! in its snippets (the finding's message names the edition as written).

use prost_types::{DescriptorProto, FieldDescriptorProto};

use crate::descriptor::tag;
use crate::finding::Finding;
use crate::schema::{Locations, Source};

/// An unknown edition's value: its byte range (quotes included) and the value.
pub(in crate::schema) struct Unknown {
    start: usize,
    end: usize,
    edition: String,
}

/// The byte offset of an `edition` declaration, if the file's first statement is one.
pub(in crate::schema) fn editions_offset(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Skip a UTF-8 byte order mark, whitespace and comments.
    if text.starts_with('\u{feff}') {
        i = 3;
    }
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            i += 2;
            while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                i += 1;
            }
            i = (i + 2).min(bytes.len());
        } else {
            break;
        }
    }
    let rest = &bytes[i..];
    let word_end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(rest.len());
    (&rest[..word_end] == b"edition").then_some(i)
}

/// `text` with an unknown edition respelled `"2023"` (see the module documentation), and that
/// edition; `text` as it is otherwise.
pub(in crate::schema) fn respell(text: String) -> (String, Option<Unknown>) {
    let Some(unknown) = unknown_edition(&text) else {
        return (text, None);
    };
    let mut text = text;
    let padded = format!("\"2023\"{}", " ".repeat(unknown.end - unknown.start - 6));
    text.replace_range(unknown.start..unknown.end, &padded);
    (text, Some(unknown))
}

/// The value of the file's `edition = "...";` when it is a plain string (no escape, one
/// literal) that names no edition buf knows, and is long enough to be respelled.
fn unknown_edition(text: &str) -> Option<Unknown> {
    let at = editions_offset(text)? + "edition".len();
    let rest = &text[at..];
    let equals = rest.len() - rest.trim_ascii_start().len();
    let rest = rest.trim_ascii_start().strip_prefix('=')?;
    let start = at + equals + 1 + (rest.len() - rest.trim_ascii_start().len());
    let value = &text[start..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let close = value[1..].find([quote, '\\', '\n'])? + 1;
    if value.as_bytes()[close] != quote as u8 {
        return None;
    }
    let after = value[close + 1..].trim_ascii_start();
    let edition = &value[1..close];
    let known = super::Edition::from_name(edition).is_some();
    (!known && after.starts_with(';') && close + 1 >= 6).then(|| Unknown {
        start,
        end: start + close + 1,
        edition: edition.to_string(),
    })
}

impl Unknown {
    /// The findings buf adds for the unknown edition of `source` (respelled): the edition, and
    /// each field without a label, at its type.
    pub(in crate::schema) fn findings(&self, source: &Source) -> Vec<Finding> {
        let message = format!(
            "unknown edition {:?}: buf 1.75.0 knows \"2023\", \"2024\" and \"2026\", and reads the rest of the file as proto2 with the features of edition 2023; use one of those",
            self.edition
        );
        let mut findings = vec![source.finding(self.start, self.end, "COMPILE", message)];
        // A file that does not parse gets its syntax errors from the compiler instead.
        let Ok(file) = protox_parse::parse(&source.file.name, &source.text) else {
            return findings;
        };
        let locations = Locations::new(&file);
        let mut unlabelled = |field: &FieldDescriptorProto, path: &[i32]| {
            let labelled = locations
                .get(&[path, &[tag::FIELD_LABEL]].concat())
                .is_some();
            // A map field is repeated, and a oneof's fields take no label.
            let repeated = field.label() == prost_types::field_descriptor_proto::Label::Repeated;
            if labelled || repeated || field.oneof_index.is_some() {
                return;
            }
            let ty = [tag::FIELD_TYPE_NAME, tag::FIELD_TYPE]
                .iter()
                .find_map(|t| locations.span(source, &[path, &[*t]].concat()));
            if let Some(span) = ty {
                let message = format!(
                    "field {:?} has no label: buf reads a file of an unknown edition as proto2, where a field is `optional`, `required` or `repeated`",
                    field.name()
                );
                findings.push(source.finding(span.start, span.end, "COMPILE", message));
            }
        };
        fn message_fields(
            message: &DescriptorProto,
            path: &mut Vec<i32>,
            each: &mut dyn FnMut(&FieldDescriptorProto, &[i32]),
        ) {
            for (i, field) in message.field.iter().enumerate() {
                path.extend([tag::MESSAGE_FIELD, i as i32]);
                each(field, path);
                path.truncate(path.len() - 2);
            }
            for (i, field) in message.extension.iter().enumerate() {
                path.extend([tag::MESSAGE_EXTENSION, i as i32]);
                each(field, path);
                path.truncate(path.len() - 2);
            }
            for (i, nested) in message.nested_type.iter().enumerate() {
                path.extend([tag::MESSAGE_NESTED_TYPE, i as i32]);
                message_fields(nested, path, each);
                path.truncate(path.len() - 2);
            }
        }
        let mut path = Vec::new();
        for (i, message) in file.message_type.iter().enumerate() {
            path.extend([tag::FILE_MESSAGE_TYPE, i as i32]);
            message_fields(message, &mut path, &mut unlabelled);
            path.truncate(0);
        }
        for (i, field) in file.extension.iter().enumerate() {
            unlabelled(field, &[tag::FILE_EXTENSION, i as i32]);
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::{editions_offset, respell};

    #[test]
    fn finds_editions_after_comments() {
        assert_eq!(
            editions_offset("// x\n/* y */ edition = \"2023\";"),
            Some(13)
        );
        assert_eq!(editions_offset("syntax = \"proto3\";"), None);
        assert_eq!(editions_offset("editions_x = 1"), None);
        assert_eq!(editions_offset(""), None);
    }

    #[test]
    fn unknown_editions_are_respelled_in_place() {
        let (text, unknown) = respell("edition = \"UNSTABLE\";\nmessage M {}\n".into());
        assert_eq!(text, "edition = \"2023\"    ;\nmessage M {}\n");
        assert_eq!(unknown.map(|u| (u.start, u.end)), Some((10, 20)));
        for kept in [
            "edition = \"2024\";",
            "edition = \"foo\";",
            "edition = \"UN\\x53TABLE\";",
            "edition = \"UN\" \"STABLE\";",
            "syntax = \"proto2\";",
        ] {
            let (text, unknown) = respell(kept.into());
            assert_eq!((text.as_str(), unknown.is_none()), (kept, true));
        }
    }
}
