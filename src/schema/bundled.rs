//! The well-known files as buf 1.75.0 bundles them: `google/protobuf/descriptor.proto` (with
//! `EDITION_2024`, `feature_support` on enum values, `removal_error`, `option_dependency`,
//! `visibility`), the language feature files `google/protobuf/{cpp,java,go}_features.proto`,
//! and the well-known types (`any.proto`, `api.proto` with its `edition` fields, ...,
//! `compiler/plugin.proto`). They are protobuf's own (`bundled/`, from
//! protocolbuffers/protobuf fcd68c563c of 2026-06-25, the revision whose files give the very
//! descriptors buf builds, source info included; BSD-3-Clause, see `bundled/LICENSE`). The
//! compiler takes them in place of the older copies built into protox and prost-reflect, so
//! that an image of a file importing them is buf's, and a comparison against buf's image finds
//! nothing; the language server shows their text. Each is parsed once per process.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost_types::FileDescriptorProto;

macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("bundled/", $name)))),*]
    };
}

const FILES: &[(&str, &str)] = files![
    "google/protobuf/descriptor.proto",
    "google/protobuf/cpp_features.proto",
    "google/protobuf/java_features.proto",
    "google/protobuf/go_features.proto",
    "google/protobuf/any.proto",
    "google/protobuf/api.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/source_context.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto",
    "google/protobuf/compiler/plugin.proto",
];

/// The names of the bundled files (`google/protobuf/descriptor.proto`, ...).
pub fn names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(name, _)| *name)
}

/// The text of bundled file `name`, the very text the compiler parses (the language server
/// shows it for go to definition and hover), if it is one of the bundled files.
pub fn text(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The parsed file `name`, if it is one of the bundled files.
pub(crate) fn file(name: &str) -> Option<FileDescriptorProto> {
    static PARSED: OnceLock<HashMap<&'static str, FileDescriptorProto>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        FILES
            .iter()
            // Our own files: each parses (a test says so); one that did not would be left to
            // protox's built-in version.
            .filter_map(|(name, text)| Some((*name, protox_parse::parse(name, text).ok()?)))
            .collect()
    });
    parsed.get(name).cloned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_file_parses() {
        for (name, _) in super::FILES {
            assert!(super::file(name).is_some(), "{name}");
            assert!(super::text(name).is_some_and(|t| !t.is_empty()), "{name}");
        }
        assert_eq!(super::names().count(), super::FILES.len());
        assert!(super::text("google/protobuf/nothing.proto").is_none());
    }
}
