//! The elements a walk hands to rules: each is a descriptor plus its descriptor path (for
//! positions and comments) and the names rules commonly need.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use crate::schema::{Locations, Proto, Schema, Source, Span};

/// Field numbers of `FileDescriptorProto` and friends, for building descriptor paths.
pub mod tag {
    pub const FILE_PACKAGE: i32 = 2;
    pub const FILE_DEPENDENCY: i32 = 3;
    pub const FILE_OPTIONS: i32 = 8;
    pub const FILE_SYNTAX: i32 = 12;
    pub const NAME: i32 = 1;
    pub const FIELD_NUMBER: i32 = 3;
    pub const FIELD_LABEL: i32 = 4;
    pub const FIELD_TYPE: i32 = 5;
    pub const FIELD_TYPE_NAME: i32 = 6;
    pub const FIELD_OPTIONS: i32 = 8;
    pub const MESSAGE_OPTIONS: i32 = 7;
    pub const ENUM_OPTIONS: i32 = 3;
    pub const ENUM_ALLOW_ALIAS: i32 = 2;
    pub const ENUM_VALUE_NUMBER: i32 = 2;
    pub const METHOD_INPUT_TYPE: i32 = 2;
    pub const METHOD_OUTPUT_TYPE: i32 = 3;
    pub const METHOD_CLIENT_STREAMING: i32 = 5;
    pub const METHOD_SERVER_STREAMING: i32 = 6;
}

/// `path` with more components appended.
pub fn at(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}

/// One target file.
pub struct FileNode<'a> {
    pub proto: &'a FileDescriptorProto,
    /// Source info kept beside `proto` (see [`crate::schema::Proto`]).
    extra: Option<&'a prost_types::SourceCodeInfo>,
    pub source: &'a Source,
    /// Built on first use: module rules look at few files, and the per-file walk builds its
    /// own, dropped when the file is done, so a large tree never holds every file's index.
    locations: std::sync::OnceLock<Locations<'a>>,
    pub schema: &'a Schema,
}

impl<'a> FileNode<'a> {
    pub fn new(proto: &'a Proto, source: &'a Source, schema: &'a Schema) -> Self {
        FileNode {
            proto,
            extra: proto.extra_info(),
            source,
            locations: std::sync::OnceLock::new(),
            schema,
        }
    }

    /// The same file with an index of locations of its own, not built yet.
    pub fn fresh(&self) -> FileNode<'_> {
        FileNode {
            proto: self.proto,
            extra: self.extra,
            source: self.source,
            locations: std::sync::OnceLock::new(),
            schema: self.schema,
        }
    }

    /// The file's source locations by descriptor path.
    pub fn locations(&self) -> &Locations<'a> {
        self.locations
            .get_or_init(|| Locations::with_extra(self.proto, self.extra))
    }

    /// Import path (relative to the module root).
    pub fn name(&self) -> &str {
        &self.source.file.name
    }

    /// Directory of the import path, `.` for the module root.
    pub fn dir(&self) -> &str {
        self.name().rsplit_once('/').map_or(".", |(d, _)| d)
    }

    pub fn span(&self, path: &[i32]) -> Option<Span> {
        if path.is_empty() {
            return None;
        }
        self.locations().span(self.source, path)
    }

    /// Whether the file declares `syntax` (or `edition`).
    pub fn has_syntax(&self) -> bool {
        self.locations().get(&[tag::FILE_SYNTAX]).is_some()
    }
}

pub struct MessageNode<'a> {
    pub proto: &'a DescriptorProto,
    pub path: Vec<i32>,
    pub full_name: String,
}

pub struct FieldNode<'a> {
    pub proto: &'a FieldDescriptorProto,
    pub path: Vec<i32>,
    /// The message declaring the field; `None` for extensions.
    pub message: Option<&'a DescriptorProto>,
    /// Full name of the declaring message, or of the enclosing scope for extensions.
    pub message_full_name: String,
}

pub struct OneofNode<'a> {
    pub proto: &'a OneofDescriptorProto,
    pub path: Vec<i32>,
    pub index: i32,
    pub message: &'a DescriptorProto,
}

impl OneofNode<'_> {
    /// proto3 `optional` fields live in synthetic oneofs that are not written in the source.
    pub fn is_synthetic(&self) -> bool {
        let fields: Vec<_> = self
            .message
            .field
            .iter()
            .filter(|f| f.oneof_index == Some(self.index))
            .collect();
        fields.len() == 1 && fields[0].proto3_optional()
    }
}

pub struct EnumNode<'a> {
    pub proto: &'a EnumDescriptorProto,
    pub path: Vec<i32>,
    pub full_name: String,
}

pub struct EnumValueNode<'a> {
    pub proto: &'a EnumValueDescriptorProto,
    pub path: Vec<i32>,
    pub index: usize,
    pub enum_: &'a EnumDescriptorProto,
    pub enum_full_name: String,
}

pub struct ServiceNode<'a> {
    pub proto: &'a ServiceDescriptorProto,
    pub path: Vec<i32>,
    pub full_name: String,
}

pub struct MethodNode<'a> {
    pub proto: &'a MethodDescriptorProto,
    pub path: Vec<i32>,
    pub service: &'a ServiceDescriptorProto,
    pub service_full_name: String,
}
