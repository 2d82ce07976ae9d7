//! buf parity: an edition buf 1.75.0 does not know (`edition = "UNSTABLE";`, `"2025"`, `"foo"`,
//! `""`, any other string, escapes decoded and literals joined) is a `COMPILE` finding at its
//! value ("unrecognized `edition` declaration value"), and buf goes on with the file: parsed as
//! proto2 (`optional` and `required` labels, groups, defaults and reserved names as strings are
//! taken; a field without a label is "unexpected type name" at its type, a reserved name
//! written as an identifier "cannot use identifiers in reserved range" at it; `import option`,
//! `local` and `export` are refused as in proto2), its features resolved and checked as
//! edition 2023's (a feature introduced later is "not supported in Edition 2023").
//!
//! sous does the same: the parser reads such a file with proto2's syntax, taking fields
//! without a label and reserved identifiers too (see `protox_parse::unknown_edition`), and the
//! feature table is edition 2023's ([`super::analyse`]); the findings buf adds (the edition,
//! each field without a label, each reserved identifier) are added here to the file's own.

use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

use crate::descriptor::tag;
use crate::finding::Finding;
use crate::schema::{Locations, Source};

/// `reserved_name` in `DescriptorProto` and in `EnumDescriptorProto`.
const MESSAGE_RESERVED_NAME: i32 = 10;
const ENUM_RESERVED_NAME: i32 = 5;

/// An unknown edition's value: its byte range (the string literals) and the value.
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

/// The file's edition, when its `edition` statement names one buf does not know.
pub(in crate::schema) fn unknown_edition(text: &str) -> Option<Unknown> {
    editions_offset(text)?;
    let (edition, span) = protox_parse::unknown_edition(text)?;
    Some(Unknown {
        start: span.start,
        end: span.end,
        edition,
    })
}

impl Unknown {
    /// The findings buf adds for the unknown edition of `source`: the edition, each field
    /// without a label (at its type) and each reserved name written as an identifier.
    pub(in crate::schema) fn findings(&self, source: &Source) -> Vec<Finding> {
        let message = format!(
            "unknown edition {:?}: buf 1.75.0 knows \"2023\", \"2024\" and \"2026\", and reads the rest of the file as proto2 with the features of edition 2023; use one of those",
            self.edition
        );
        let findings = vec![source.finding(self.start, self.end, "COMPILE", message)];
        // A file that does not parse gets its syntax errors from the compiler instead.
        let Ok(file) = protox_parse::parse(&source.file.name, &source.text) else {
            return findings;
        };
        let mut walk = Walk {
            source,
            locations: Locations::new(&file),
            findings,
            path: Vec::new(),
        };
        for (i, message) in file.message_type.iter().enumerate() {
            walk.at(&[tag::FILE_MESSAGE_TYPE, i as i32], |w| w.message(message));
        }
        for (i, enum_) in file.enum_type.iter().enumerate() {
            walk.at(&[tag::FILE_ENUM_TYPE, i as i32], |w| w.enum_(enum_));
        }
        for (i, field) in file.extension.iter().enumerate() {
            walk.at(&[tag::FILE_EXTENSION, i as i32], |w| w.field(field));
        }
        walk.findings
    }
}

/// The walk of a parsed file for what proto2 refuses and the parser took.
struct Walk<'a> {
    source: &'a Source,
    locations: Locations<'a>,
    findings: Vec<Finding>,
    path: Vec<i32>,
}

impl Walk<'_> {
    /// `each` at the element `steps` below the current one.
    fn at(&mut self, steps: &[i32], each: impl FnOnce(&mut Self)) {
        self.path.extend(steps);
        each(self);
        self.path.truncate(self.path.len() - steps.len());
    }

    fn message(&mut self, message: &DescriptorProto) {
        for (i, field) in message.field.iter().enumerate() {
            self.at(&[tag::MESSAGE_FIELD, i as i32], |w| w.field(field));
        }
        for (i, field) in message.extension.iter().enumerate() {
            self.at(&[tag::MESSAGE_EXTENSION, i as i32], |w| w.field(field));
        }
        self.reserved_identifiers(MESSAGE_RESERVED_NAME, message.reserved_name.len());
        for (i, nested) in message.nested_type.iter().enumerate() {
            self.at(&[tag::MESSAGE_NESTED_TYPE, i as i32], |w| w.message(nested));
        }
        for (i, enum_) in message.enum_type.iter().enumerate() {
            self.at(&[tag::MESSAGE_ENUM_TYPE, i as i32], |w| w.enum_(enum_));
        }
    }

    fn enum_(&mut self, enum_: &EnumDescriptorProto) {
        self.reserved_identifiers(ENUM_RESERVED_NAME, enum_.reserved_name.len());
    }

    /// A field without a label, at its type.
    fn field(&mut self, field: &FieldDescriptorProto) {
        let labelled = (self.locations)
            .get(&[&self.path[..], &[tag::FIELD_LABEL]].concat())
            .is_some();
        // A map field is repeated, and a oneof's fields take no label.
        let repeated = field.label() == prost_types::field_descriptor_proto::Label::Repeated;
        if labelled || repeated || field.oneof_index.is_some() {
            return;
        }
        let ty = [tag::FIELD_TYPE_NAME, tag::FIELD_TYPE]
            .iter()
            .find_map(|t| (self.locations).span(self.source, &[&self.path[..], &[*t]].concat()));
        if let Some(span) = ty {
            let message = format!(
                "field {:?} has no label: buf reads a file of an unknown edition as proto2, where a field is `optional`, `required` or `repeated`",
                field.name()
            );
            (self.findings).push(
                self.source
                    .finding(span.start, span.end, "COMPILE", message),
            );
        }
    }

    /// The `count` reserved names of the current element (field `tag` of it) written as
    /// identifiers, which proto2 writes as strings.
    fn reserved_identifiers(&mut self, tag: i32, count: usize) {
        for i in 0..count {
            let path = [&self.path[..], &[tag, i as i32]].concat();
            let Some(span) = self.locations.span(self.source, &path) else {
                continue;
            };
            let text = &self.source.text[span.start..span.end];
            if text.starts_with(['"', '\'']) {
                continue;
            }
            let message = format!(
                "reserved name `{text}` is an identifier: buf reads a file of an unknown edition as proto2, where reserved names are strings (\"{text}\")"
            );
            (self.findings).push(
                self.source
                    .finding(span.start, span.end, "COMPILE", message),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{editions_offset, unknown_edition};

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
    fn unknown_editions_are_found_at_their_literals() {
        let found = |text: &str| unknown_edition(text).map(|u| (u.edition, u.start, u.end));
        let unstable = Some(("UNSTABLE".to_string(), 10, 20));
        assert_eq!(found("edition = \"UNSTABLE\";\nmessage M {}\n"), unstable);
        assert_eq!(found("edition = \"\";"), Some((String::new(), 10, 12)));
        assert_eq!(
            found("edition = \"20\" \"25\";"),
            Some(("2025".into(), 10, 19))
        );
        assert_eq!(
            found("edition = 'UN\\x53TABLE';").map(|u| u.0),
            Some("UNSTABLE".into())
        );
        assert_eq!(
            found("edition = UNSTABLE;"),
            Some(("UNSTABLE".into(), 10, 18))
        );
        for known in [
            "edition = \"2024\";",
            "edition = \"20\\x323\";",
            "edition = \"20\" \"26\";",
            "syntax = \"proto2\";",
            "edition = 2024;",
        ] {
            assert_eq!(found(known), None, "{known}");
        }
    }
}
