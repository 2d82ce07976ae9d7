//! Source info kept encoded: the locations of a file that the compiler never sees (see
//! `read::split_source_info`) are held as protobuf bytes until a rule asks for them.
//!
//! Decoded, a location is a struct of five owned fields and two or three heap blocks, about
//! 180 bytes; encoded, about 20. Source info was most of a large tree's memory (over 5 GB of the
//! 100,000-file synthetic tree's 7.6 GB after parsing); rules read it for the few files that
//! report, and lint walks one file at a time, so each file's is decoded when needed and dropped
//! after.

use std::sync::Arc;

use prost::Message as _;
use prost_types::SourceCodeInfo;

/// A file's source info as protobuf bytes (shared: a file reused between the two sides of a
/// comparison keeps one copy).
#[derive(Clone, Default)]
pub struct EncodedInfo(Arc<[u8]>);

impl EncodedInfo {
    pub fn encode(info: &SourceCodeInfo) -> EncodedInfo {
        EncodedInfo(info.encode_to_vec().into())
    }

    /// The source info again. The bytes were written by [`EncodedInfo::encode`], so they
    /// decode; should they not, the file has no locations (its findings are placed at 1:1),
    /// rather than a panic.
    pub fn decode(&self) -> SourceCodeInfo {
        SourceCodeInfo::decode(&self.0[..]).unwrap_or_default()
    }

    /// The encoded size in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for EncodedInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncodedInfo({} bytes)", self.0.len())
    }
}

/// A parsed file waiting for the compiler, as protobuf bytes, with its imports at hand (what
/// the read waves, the import chain check and the link groups look at before it is compiled).
///
/// Memory: decoded, a parsed file is about ten times its encoded size, and a large tree's
/// parsed files all wait at once (2.4 GB of the 100,000-file synthetic tree, and the peak of
/// the against side of `sous breaking`); each is decoded when the compiler opens it.
#[derive(Clone)]
pub struct EncodedFile {
    bytes: Box<[u8]>,
    pub dependency: Vec<String>,
}

impl EncodedFile {
    pub fn encode(file: &prost_types::FileDescriptorProto) -> EncodedFile {
        EncodedFile {
            bytes: file.encode_to_vec().into(),
            dependency: file.dependency.clone(),
        }
    }

    /// The parsed file again; `None` should the bytes not decode (the compiler then parses
    /// the file from its text).
    pub fn decode(&self) -> Option<prost_types::FileDescriptorProto> {
        prost_types::FileDescriptorProto::decode(&self.bytes[..]).ok()
    }
}

impl std::fmt::Debug for EncodedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncodedFile({} bytes)", self.bytes.len())
    }
}

impl super::Proto {
    /// Source info kept beside the descriptor rather than in it, decoded (a copy of its own:
    /// drop it when done).
    pub fn extra_info(&self) -> Option<prost_types::SourceCodeInfo> {
        match self {
            super::Proto::Owned(_) => None,
            super::Proto::Lean { info, .. } | super::Proto::Pooled { info, .. } => {
                Some(info.decode())
            }
        }
    }

    /// An owned copy with all the source info.
    pub fn to_owned_proto(&self) -> prost_types::FileDescriptorProto {
        let mut file = (**self).clone();
        if let Some(mut info) = self.extra_info() {
            if let Some(own) = file.source_code_info.take() {
                info.location.extend(own.location);
            }
            file.source_code_info = Some(info);
        }
        file
    }
}

#[cfg(test)]
mod tests {
    use super::EncodedInfo;
    use prost_types::source_code_info::Location;
    use prost_types::SourceCodeInfo;

    #[test]
    fn decodes_what_it_encoded() {
        let info = SourceCodeInfo {
            location: vec![
                Location {
                    path: vec![4, 0, 2, 1],
                    span: vec![3, 2, 17],
                    leading_comments: Some(" A field.\n".into()),
                    trailing_comments: None,
                    leading_detached_comments: vec![" detached\n".into()],
                },
                Location {
                    path: vec![],
                    span: vec![0, 0, 9, 1],
                    ..Default::default()
                },
            ],
        };
        let encoded = EncodedInfo::encode(&info);
        assert_eq!(encoded.decode(), info);
        assert!(encoded.len() < 64);
        assert_eq!(EncodedInfo::default().decode(), SourceCodeInfo::default());
    }

    /// A parsed file waits for the compiler encoded, and comes back the same, imports and all.
    #[test]
    fn parsed_files_wait_encoded() {
        let text = "syntax = \"proto3\";\npackage a;\nimport \"b/b.proto\";\nmessage M {\n  b.B b = 1;\n  map<string, int32> m = 2;\n}\n";
        let parsed = protox_parse::parse("a/m.proto", text).expect("parses");
        let encoded = super::EncodedFile::encode(&parsed);
        assert_eq!(encoded.dependency, ["b/b.proto"]);
        assert_eq!(encoded.decode().as_ref(), Some(&parsed));
    }

    /// Memory: a compiled file keeps in its descriptor only the options' locations; the rest of
    /// its source info is encoded beside it ([`super::super::Proto::Lean`]), not decoded, for
    /// lint with pools let go and for breaking alike.
    #[test]
    fn compiled_files_keep_their_source_info_encoded() {
        use crate::config::Workspace;
        use crate::schema::{compile, CompileOptions, Locations, Proto, Purpose};
        let text = "syntax = \"proto3\";\npackage a;\n// A message.\nmessage M {\n  string name = 1 [deprecated = true];\n}\n";
        let blobs = std::collections::BTreeMap::from([(
            "a/m.proto".to_string(),
            std::sync::Arc::<[u8]>::from(text.as_bytes()),
        )]);
        let ws = Workspace::default_at(std::path::Path::new("."));
        let set = crate::input::FileSet::from_blobs(&ws, &blobs, &|p: &str| p.to_string())
            .expect("a file set");
        for purpose in [Purpose::Lint, Purpose::Breaking] {
            let schema = compile(&set, &CompileOptions::new(purpose, &[])).expect("compiles");
            let file = schema.file("a/m.proto").expect("compiled");
            let Proto::Lean { info, .. } = file else {
                panic!("{purpose:?}: the file's source info is not kept encoded");
            };
            assert!(!info.is_empty());
            let own = file
                .source_code_info
                .as_ref()
                .map_or(0, |i| i.location.len());
            let extra = info.decode().location.len();
            assert!(
                own <= 2 && extra > 5,
                "{purpose:?}: {own} own, {extra} kept beside"
            );
            let locations = Locations::with_extra(file, file.extra_info());
            assert_eq!(
                locations.get(&[4, 0, 2, 0, 1]).map(|l| &l.span[..]),
                Some(&[4, 9, 13][..])
            );
        }
    }
}
