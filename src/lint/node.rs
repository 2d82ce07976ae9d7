//! The elements a walk hands to rules: each is a descriptor plus its descriptor path (for
//! positions and comments) and the names rules commonly need, borrowed from the walk for the
//! length of one hook call.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use crate::descriptor::tag;
use crate::schema::{Locations, Proto, Schema, Source, Span};

/// One target file.
pub struct FileNode<'a> {
    pub proto: &'a FileDescriptorProto,
    /// The compiled file, which may keep source info beside `proto` (see
    /// [`crate::schema::Proto`]).
    compiled: &'a Proto,
    pub source: &'a Source,
    /// Built on first use: module rules look at few files, and the per-file walk builds its
    /// own, dropped when the file is done, so a large tree never holds every file's index.
    locations: std::sync::OnceLock<Locations<'a>>,
    /// The index of the node this one was made [`FileNode::fresh`] from, if it was built.
    built: Option<&'a Locations<'a>>,
    pub schema: &'a Schema,
}

impl<'a> FileNode<'a> {
    pub fn new(proto: &'a Proto, source: &'a Source, schema: &'a Schema) -> Self {
        FileNode {
            proto,
            compiled: proto,
            source,
            locations: std::sync::OnceLock::new(),
            built: None,
            schema,
        }
    }

    /// The same file with an index of locations of its own, not built yet; or this node's, if
    /// it was built already (by a module rule): an index is never built twice.
    pub fn fresh(&self) -> FileNode<'_> {
        FileNode {
            proto: self.proto,
            compiled: self.compiled,
            source: self.source,
            locations: std::sync::OnceLock::new(),
            built: self.built.or(self.locations.get()),
            schema: self.schema,
        }
    }

    /// The file's source locations by descriptor path.
    pub fn locations(&self) -> &Locations<'a> {
        if let Some(built) = self.built {
            return built;
        }
        self.locations
            .get_or_init(|| Locations::with_extra(self.proto, self.compiled.extra_info()))
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
        self.span_in(self.locations(), path)
    }

    /// The span of `path` by `locations` (this file's), `None` for the whole file.
    pub fn span_in(&self, locations: &Locations, path: &[i32]) -> Option<Span> {
        if path.is_empty() {
            return None;
        }
        locations.span(self.source, path)
    }

    /// The file's locations in an index of their own, which borrows nothing (the descriptor's
    /// own locations copied), for a caller that keeps it apart from this node.
    pub fn owned_locations(&self) -> Locations<'static> {
        Locations::owned(self.proto, self.compiled.extra_info())
    }

    /// Whether the file declares `syntax` (or `edition`).
    pub fn has_syntax(&self) -> bool {
        self.locations().get(&[tag::FILE_SYNTAX]).is_some()
            || self.locations().get(&[tag::FILE_EDITION]).is_some()
    }
}

pub struct MessageNode<'a> {
    pub proto: &'a DescriptorProto,
    pub path: &'a [i32],
    pub full_name: &'a str,
}

pub struct FieldNode<'a> {
    pub proto: &'a FieldDescriptorProto,
    pub path: &'a [i32],
    /// The message declaring the field; `None` for extensions.
    pub message: Option<&'a DescriptorProto>,
    /// Full name of the declaring message, or of the enclosing scope for extensions.
    pub message_full_name: &'a str,
}

pub struct OneofNode<'a> {
    pub proto: &'a OneofDescriptorProto,
    pub path: &'a [i32],
    pub index: i32,
    pub message: &'a DescriptorProto,
}

impl OneofNode<'_> {
    /// proto3 `optional` fields live in synthetic oneofs that are not written in the source.
    pub fn is_synthetic(&self) -> bool {
        crate::descriptor::is_synthetic_oneof(self.message, self.index)
    }
}

pub struct EnumNode<'a> {
    pub proto: &'a EnumDescriptorProto,
    pub path: &'a [i32],
    pub full_name: &'a str,
}

pub struct EnumValueNode<'a> {
    pub proto: &'a EnumValueDescriptorProto,
    pub path: &'a [i32],
    pub index: usize,
    pub enum_: &'a EnumDescriptorProto,
    pub enum_full_name: &'a str,
}

pub struct ServiceNode<'a> {
    pub proto: &'a ServiceDescriptorProto,
    pub path: &'a [i32],
    pub full_name: &'a str,
}

pub struct MethodNode<'a> {
    pub proto: &'a MethodDescriptorProto,
    pub path: &'a [i32],
    pub service: &'a ServiceDescriptorProto,
    pub service_full_name: &'a str,
}
