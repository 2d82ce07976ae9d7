//! One side of a comparison: the files of one module (and, unless imports are excluded, the files
//! they import), with every element indexed by the key buf pairs it by.
//!
//! Elements refer to their file by index into [`Image::files`] and carry their descriptor path, so
//! a rule can report at any part of them in the new image.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use super::sorted::{Counts, Keyed, Sorted};
use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::descriptor::{self, tag};
use crate::schema::{Locations, Proto, Source, Span};

/// One file of an image.
pub struct File<'a> {
    pub proto: &'a FileDescriptorProto,
    /// The compiled file, which may keep source info beside `proto` (see
    /// [`crate::schema::Proto`]).
    pub compiled: &'a Proto,
    /// Import path.
    pub name: &'a str,
    /// The text, for files read from source (a descriptor set has none).
    pub source: Option<&'a Source>,
    /// Built when a rule first asks: most files of a large comparison never report anything.
    pub locations: std::sync::OnceLock<Locations<'a>>,
    /// Whether the file is only in the image because a target imports it.
    pub is_import: bool,
    /// An editions file's feature table.
    pub editions: Option<&'a crate::schema::editions::Editions>,
}

impl<'a> File<'a> {
    /// The file's source locations by descriptor path.
    pub fn locations(&self) -> &Locations<'a> {
        self.locations
            .get_or_init(|| Locations::with_extra(self.proto, self.compiled.extra_info()))
    }

    pub fn package(&self) -> &str {
        self.proto.package()
    }

    /// The path `ignore` entries match: the workspace path of a file read from source, the
    /// import path of one from a descriptor set.
    pub fn ignore_path(&self) -> String {
        self.source
            .map_or_else(|| self.name.to_string(), |s| s.file.workspace_path.clone())
    }

    /// `proto2` or `proto3` (`proto2` when the file does not say).
    pub fn syntax(&self) -> &str {
        match self.proto.syntax() {
            "" => "proto2",
            s => s,
        }
    }

    /// The resolved value of feature `key` (`enum_type`, `pb.cpp.string_type`) for the element
    /// at `path`: from an editions file's table, else what proto2 or proto3 implies.
    pub fn feature(&self, path: &[i32], key: &str) -> &str {
        match self.editions {
            Some(editions) => editions.resolve(path, key),
            None => {
                crate::schema::editions::features::legacy_default(self.syntax() == "proto3", key)
            }
        }
    }

    /// Whether the file is an editions file.
    pub fn is_editions(&self) -> bool {
        self.editions.is_some()
    }

    pub fn span(&self, path: &[i32]) -> Option<Span> {
        let source = self.source?;
        if path.is_empty() {
            return None;
        }
        self.locations()
            .span(source, path)
            .or_else(|| self.map_entry_span(source, path))
    }

    /// buf parity: a map field's entry message, and everything in it, is not written in the
    /// source; buf places it at the field's `map<K, V>` type.
    fn map_entry_span(&self, source: &Source, path: &[i32]) -> Option<Span> {
        let [tag::FILE_MESSAGE_TYPE, first, rest @ ..] = path else {
            return None;
        };
        let mut rest: &[i32] = rest;
        let mut message = self.proto.message_type.get(usize::try_from(*first).ok()?)?;
        let mut message_len = 2;
        while let &[tag::MESSAGE_NESTED_TYPE, index, ref tail @ ..] = rest {
            let nested = message.nested_type.get(usize::try_from(index).ok()?)?;
            if descriptor::is_map_entry(nested) {
                // Matched by the entry's simple name, not its full name (which this path walk
                // does not build): the first field whose type ends in `.<Entry>`.
                let suffix = format!(".{}", nested.name());
                let field = message
                    .field
                    .iter()
                    .position(|f| f.type_name().ends_with(&suffix))?;
                let field_type = descriptor::path_with(
                    &path[..message_len],
                    &[
                        tag::MESSAGE_FIELD,
                        i32::try_from(field).ok()?,
                        tag::FIELD_TYPE_NAME,
                    ],
                );
                return self.locations().span(source, &field_type);
            }
            message = nested;
            message_len += 2;
            rest = tail;
        }
        None
    }
}

/// A message (map entries included: rules that do not want them skip them).
pub struct Message<'a> {
    pub file: usize,
    pub proto: &'a DescriptorProto,
    pub path: Box<[i32]>,
    /// Shared with the index key and the message's fields, oneofs and nested names' parents.
    pub full_name: Name,
}

impl Message<'_> {
    pub fn is_map_entry(&self) -> bool {
        descriptor::is_map_entry(self.proto)
    }
}

/// A field of a message, or an extension.
pub struct Field<'a> {
    pub file: usize,
    pub proto: &'a FieldDescriptorProto,
    pub path: Box<[i32]>,
    /// The message declaring the field (`None` for an extension).
    pub message: Option<&'a DescriptorProto>,
    /// Full name of the declaring message; for an extension, of the scope it is declared in
    /// (a message, or the package). Shared with the index key and the message.
    pub parent_full_name: Name,
}

impl Field<'_> {
    /// The walk's full name (`pkg.Message.field`; `pkg.Scope.ext` for an extension, named in
    /// the scope it is declared in): built when a rule reports, not kept for every field.
    pub fn full_name(&self) -> String {
        if self.parent_full_name.is_empty() {
            self.proto.name().to_string()
        } else {
            format!("{}.{}", self.parent_full_name, self.proto.name())
        }
    }

    /// The oneof the field is declared in, if any (proto3 `optional` fields excluded).
    pub fn oneof(&self) -> Option<&OneofDescriptorProto> {
        if self.proto.proto3_optional() {
            return None;
        }
        let index = self.proto.oneof_index?;
        self.message?.oneof_decl.get(usize::try_from(index).ok()?)
    }
}

pub struct Oneof<'a> {
    pub file: usize,
    pub proto: &'a OneofDescriptorProto,
    pub path: Box<[i32]>,
    pub index: i32,
    pub message: &'a DescriptorProto,
    /// Full name of the declaring message, shared with it.
    pub message_full_name: Name,
}

impl Oneof<'_> {
    /// proto3 `optional` fields live in synthetic oneofs that are not written in the source.
    pub fn is_synthetic(&self) -> bool {
        crate::descriptor::is_synthetic_oneof(self.message, self.index)
    }
}

pub struct Enum<'a> {
    pub file: usize,
    pub proto: &'a EnumDescriptorProto,
    pub path: Box<[i32]>,
    pub full_name: Name,
}

pub struct EnumValue<'a> {
    pub file: usize,
    pub proto: &'a EnumValueDescriptorProto,
    pub path: Box<[i32]>,
    pub enum_full_name: Name,
}

pub struct Service<'a> {
    pub file: usize,
    pub proto: &'a ServiceDescriptorProto,
    pub path: Box<[i32]>,
    pub full_name: Name,
}

pub struct Method<'a> {
    pub file: usize,
    pub proto: &'a MethodDescriptorProto,
    pub path: Box<[i32]>,
    pub service_full_name: Name,
}

/// A full name, allocated once per message, enum or service and shared by the index keys and the
/// elements in it (a large comparison holds millions of them).
pub type Name = Arc<str>;

/// Anything with a place in a file.
pub trait Located {
    fn file(&self) -> usize;
    fn path(&self) -> &[i32];
}

macro_rules! located {
    ($($t:ident),*) => {$(
        impl Located for $t<'_> {
            fn file(&self) -> usize { self.file }
            fn path(&self) -> &[i32] { &self.path }
        }
    )*};
}
located!(Message, Field, Oneof, Enum, EnumValue, Service, Method);

/// One side of a comparison, indexed.
#[derive(Default)]
pub struct Image<'a> {
    /// Sorted by import path.
    pub files: Vec<File<'a>>,
    pub by_name: HashMap<&'a str, usize>,
    /// By full name.
    pub messages: BTreeMap<Name, Message<'a>>,
    /// By (message full name, number).
    pub fields: Sorted<Field<'a>>,
    /// By (message full name, oneof name).
    pub oneofs: Sorted<Oneof<'a>>,
    /// By (extendee full name, without the leading dot, number).
    pub extensions: BTreeMap<(&'a str, i32), Field<'a>>,
    /// By full name.
    pub enums: BTreeMap<Name, Enum<'a>>,
    /// By (enum full name, number): every value with that number, aliases included, in
    /// declaration order.
    pub enum_values: Sorted<Vec<EnumValue<'a>>>,
    /// By full name.
    pub services: BTreeMap<Name, Service<'a>>,
    /// By (service full name, method name).
    pub methods: Sorted<Method<'a>>,
    /// Every enum value while the image is built, grouped into `enum_values` after.
    values: Vec<EnumValue<'a>>,
    /// The types of files left out as the same on both sides, that the files here refer to.
    pub lookup: super::delta::Lookup<'a>,
    /// The files left out as the same on both sides, for the package rules.
    pub skipped: super::delta::Skipped<'a>,
}

impl<'a> Image<'a> {
    /// Indexes `files`.
    pub fn new(mut files: Vec<File<'a>>) -> Image<'a> {
        files.sort_by(|a, b| a.name.cmp(b.name));
        let mut image = Image {
            by_name: files.iter().enumerate().map(|(i, f)| (f.name, i)).collect(),
            ..Image::default()
        };
        let counts = files
            .iter()
            .fold(Counts::default(), |c, f| c.add_file(f.proto));
        image.fields.reserve(counts.fields);
        image.oneofs.reserve(counts.oneofs);
        image.values.reserve_exact(counts.values);
        image.methods.reserve(counts.methods);
        for (i, file) in files.iter().enumerate() {
            image.index_file(i, file.proto);
        }
        image.files = files;
        image.fields.finish();
        image.oneofs.finish();
        image.methods.finish();
        // Grouped by key in the order the walk found them, aliases together.
        let mut values = std::mem::take(&mut image.values);
        values.sort_by(|a, b| a.key().cmp(&b.key()));
        image.enum_values.reserve(values.len());
        let mut values = values.into_iter().peekable();
        while let Some(value) = values.next() {
            let mut group = vec![value];
            while let Some(next) = values.next_if(|next| next.key() == group[0].key()) {
                group.push(next);
            }
            image.enum_values.push(group);
        }
        image.enum_values.finish();
        image
    }

    pub fn file_named(&self, name: &str) -> Option<&File<'a>> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }

    /// The map field whose entry message is `entry` (a full name without the leading dot): the
    /// message declaring it, and the field's index among that message's fields.
    pub fn map_field_of(&self, entry: &str) -> Option<(&Message<'a>, usize)> {
        let (parent_name, _) = entry.rsplit_once('.')?;
        let parent = self.message(parent_name)?;
        let index = parent
            .proto
            .field
            .iter()
            .position(|f| f.type_name().strip_prefix('.') == Some(entry))?;
        Some((parent, index))
    }

    /// The file and descriptor path of the `map<K, V>` type of the map field whose entry message
    /// is `entry` (see [`Image::map_field_of`]).
    pub fn map_field_type(&self, entry: &str) -> Option<(usize, Vec<i32>)> {
        let (parent, index) = self.map_field_of(entry)?;
        let path = descriptor::path_with(
            &parent.path,
            &[tag::MESSAGE_FIELD, index as i32, tag::FIELD_TYPE_NAME],
        );
        Some((parent.file, path))
    }

    fn index_file(&mut self, file: usize, proto: &'a FileDescriptorProto) {
        walk(
            proto,
            &mut Indexer {
                image: self,
                file,
                scope: None,
            },
        );
    }
}

/// Puts each element of one file into the image's indexes as the walk hands it out.
struct Indexer<'i, 'a> {
    image: &'i mut Image<'a>,
    file: usize,
    /// The name of the last message, enum or service visited: the walk hands out its fields,
    /// oneofs, values or methods next, which share it.
    scope: Option<Name>,
}

impl Indexer<'_, '_> {
    /// `full_name` as a new scope's shared name.
    fn enter(&mut self, full_name: &str) -> Name {
        let name: Name = full_name.into();
        self.scope = Some(name.clone());
        name
    }

    /// The shared name of `parent`: the scope's when it is that one, else a new one.
    fn parent(&mut self, parent: &str) -> Name {
        match &self.scope {
            Some(scope) if **scope == *parent => scope.clone(),
            _ => self.enter(parent),
        }
    }
}

impl<'a> Visitor<'a> for Indexer<'_, 'a> {
    fn message(&mut self, message: &'a DescriptorProto, at: &Site) -> Flow {
        let full_name = self.enter(at.full_name);
        self.image.messages.insert(
            full_name.clone(),
            Message {
                file: self.file,
                proto: message,
                path: at.path.into(),
                full_name,
            },
        );
        Flow::Into
    }

    fn field(&mut self, field: &'a FieldDescriptorProto, message: &'a DescriptorProto, at: &Site) {
        let parent = self.parent(at.parent);
        self.image.fields.push(Field {
            file: self.file,
            proto: field,
            path: at.path.into(),
            message: Some(message),
            parent_full_name: parent,
        });
    }

    fn oneof(&mut self, oneof: &'a OneofDescriptorProto, message: &'a DescriptorProto, at: &Site) {
        let parent = self.parent(at.parent);
        self.image.oneofs.push(Oneof {
            file: self.file,
            proto: oneof,
            path: at.path.into(),
            index: at.index as i32,
            message,
            message_full_name: parent,
        });
    }

    fn extension(&mut self, extension: &'a FieldDescriptorProto, at: &Site) {
        let extendee = extension.extendee().trim_start_matches('.');
        let parent = self.parent(at.parent);
        self.image.extensions.insert(
            (extendee, extension.number()),
            Field {
                file: self.file,
                proto: extension,
                path: at.path.into(),
                message: None,
                parent_full_name: parent,
            },
        );
    }

    fn enum_(&mut self, e: &'a EnumDescriptorProto, at: &Site) {
        let full_name = self.enter(at.full_name);
        self.image.enums.insert(
            full_name.clone(),
            Enum {
                file: self.file,
                proto: e,
                path: at.path.into(),
                full_name,
            },
        );
    }

    fn enum_value(
        &mut self,
        value: &'a EnumValueDescriptorProto,
        _enum: &'a EnumDescriptorProto,
        at: &Site,
    ) {
        let parent = self.parent(at.parent);
        self.image.values.push(EnumValue {
            file: self.file,
            proto: value,
            path: at.path.into(),
            enum_full_name: parent,
        });
    }

    fn service(&mut self, service: &'a ServiceDescriptorProto, at: &Site) {
        let full_name = self.enter(at.full_name);
        self.image.services.insert(
            full_name.clone(),
            Service {
                file: self.file,
                proto: service,
                path: at.path.into(),
                full_name,
            },
        );
    }

    fn method(
        &mut self,
        method: &'a MethodDescriptorProto,
        _service: &'a ServiceDescriptorProto,
        at: &Site,
    ) {
        let parent = self.parent(at.parent);
        self.image.methods.push(Method {
            file: self.file,
            proto: method,
            path: at.path.into(),
            service_full_name: parent,
        });
    }
}
