//! One side of a comparison: the files of one module (and, unless imports are excluded, the files
//! they import), with every element indexed by the key buf pairs it by.
//!
//! Elements refer to their file by index into [`Image::files`] and carry their descriptor path, so
//! a rule can report at any part of them in the new image.

use std::collections::{BTreeMap, HashMap};

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use crate::descriptor::tag;
use crate::schema::{Locations, Source, Span};

/// One file of an image.
pub struct File<'a> {
    pub proto: &'a FileDescriptorProto,
    /// Import path.
    pub name: &'a str,
    /// The text, for files read from source (a descriptor set has none).
    pub source: Option<&'a Source>,
    /// Built when a rule first asks: most files of a large comparison never report anything.
    pub locations: std::sync::OnceLock<Locations<'a>>,
    /// Whether the file is only in the image because a target imports it.
    pub is_import: bool,
}

impl<'a> File<'a> {
    /// The file's source locations by descriptor path.
    pub fn locations(&self) -> &Locations<'a> {
        self.locations.get_or_init(|| Locations::new(self.proto))
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
            if nested.options.as_ref().is_some_and(|o| o.map_entry()) {
                let suffix = format!(".{}", nested.name());
                let field = message
                    .field
                    .iter()
                    .position(|f| f.type_name().ends_with(&suffix))?;
                let mut field_type = path[..message_len].to_vec();
                field_type.extend([
                    tag::MESSAGE_FIELD,
                    i32::try_from(field).ok()?,
                    tag::FIELD_TYPE_NAME,
                ]);
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
    pub path: Vec<i32>,
    pub full_name: String,
}

impl Message<'_> {
    pub fn is_map_entry(&self) -> bool {
        self.proto.options.as_ref().is_some_and(|o| o.map_entry())
    }
}

/// A field of a message, or an extension.
pub struct Field<'a> {
    pub file: usize,
    pub proto: &'a FieldDescriptorProto,
    pub path: Vec<i32>,
    /// The message declaring the field (`None` for an extension).
    pub message: Option<&'a DescriptorProto>,
    /// Full name of the declaring message; for an extension, of the scope it is declared in
    /// (a message, or the package).
    pub parent_full_name: String,
    /// Descriptor path of the declaring message, or of the scope of an extension (empty for the
    /// file).
    pub parent_path: Vec<i32>,
}

impl Field<'_> {
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
    pub path: Vec<i32>,
    pub index: i32,
    pub message: &'a DescriptorProto,
    pub message_full_name: String,
    pub message_path: Vec<i32>,
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
    pub path: Vec<i32>,
    pub full_name: String,
}

pub struct EnumValue<'a> {
    pub file: usize,
    pub proto: &'a EnumValueDescriptorProto,
    pub path: Vec<i32>,
    pub enum_full_name: String,
    pub enum_path: Vec<i32>,
}

pub struct Service<'a> {
    pub file: usize,
    pub proto: &'a ServiceDescriptorProto,
    pub path: Vec<i32>,
    pub full_name: String,
}

pub struct Method<'a> {
    pub file: usize,
    pub proto: &'a MethodDescriptorProto,
    pub path: Vec<i32>,
    pub service_full_name: String,
    pub service_path: Vec<i32>,
}

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
    pub by_name: HashMap<String, usize>,
    /// By full name.
    pub messages: BTreeMap<String, Message<'a>>,
    /// By (message full name, number).
    pub fields: BTreeMap<(String, i32), Field<'a>>,
    /// By (message full name, oneof name).
    pub oneofs: BTreeMap<(String, String), Oneof<'a>>,
    /// By (extendee full name, number).
    pub extensions: BTreeMap<(String, i32), Field<'a>>,
    /// By full name.
    pub enums: BTreeMap<String, Enum<'a>>,
    /// By (enum full name, number): every value with that number, aliases included, in
    /// declaration order.
    pub enum_values: BTreeMap<(String, i32), Vec<EnumValue<'a>>>,
    /// By full name.
    pub services: BTreeMap<String, Service<'a>>,
    /// By (service full name, method name).
    pub methods: BTreeMap<(String, String), Method<'a>>,
}

impl<'a> Image<'a> {
    /// Indexes `files`.
    pub fn new(mut files: Vec<File<'a>>) -> Image<'a> {
        files.sort_by(|a, b| a.name.cmp(b.name));
        let mut image = Image {
            by_name: files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name.to_string(), i))
                .collect(),
            ..Image::default()
        };
        for (i, file) in files.iter().enumerate() {
            image.index_file(i, file.proto);
        }
        image.files = files;
        image
    }

    pub fn file(&self, index: usize) -> &File<'a> {
        &self.files[index]
    }

    pub fn file_named(&self, name: &str) -> Option<&File<'a>> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }

    /// Resolves a field's `type_name` (`.pkg.Msg`) to a message of the image.
    pub fn message(&self, type_name: &str) -> Option<&Message<'a>> {
        self.messages.get(type_name.trim_start_matches('.'))
    }

    /// Resolves a field's `type_name` (`.pkg.Enum`) to an enum of the image.
    pub fn enum_(&self, type_name: &str) -> Option<&Enum<'a>> {
        self.enums.get(type_name.trim_start_matches('.'))
    }

    fn index_file(&mut self, file: usize, proto: &'a FileDescriptorProto) {
        let package = proto.package();
        for (i, m) in proto.message_type.iter().enumerate() {
            self.index_message(file, m, vec![4, i as i32], qualify(package, m.name()));
        }
        for (i, e) in proto.enum_type.iter().enumerate() {
            self.index_enum(file, e, vec![5, i as i32], qualify(package, e.name()));
        }
        for (i, s) in proto.service.iter().enumerate() {
            let path = vec![6, i as i32];
            let full_name = qualify(package, s.name());
            for (j, m) in s.method.iter().enumerate() {
                self.methods.insert(
                    (full_name.clone(), m.name().to_string()),
                    Method {
                        file,
                        proto: m,
                        path: child(&path, 2, j),
                        service_full_name: full_name.clone(),
                        service_path: path.clone(),
                    },
                );
            }
            self.services.insert(
                full_name.clone(),
                Service {
                    file,
                    proto: s,
                    path,
                    full_name,
                },
            );
        }
        for (i, x) in proto.extension.iter().enumerate() {
            self.index_extension(file, x, vec![7, i as i32], package, &[]);
        }
    }

    fn index_message(
        &mut self,
        file: usize,
        m: &'a DescriptorProto,
        path: Vec<i32>,
        full_name: String,
    ) {
        for (i, f) in m.field.iter().enumerate() {
            self.fields.insert(
                (full_name.clone(), f.number()),
                Field {
                    file,
                    proto: f,
                    path: child(&path, 2, i),
                    message: Some(m),
                    parent_full_name: full_name.clone(),
                    parent_path: path.clone(),
                },
            );
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.oneofs.insert(
                (full_name.clone(), o.name().to_string()),
                Oneof {
                    file,
                    proto: o,
                    path: child(&path, 8, i),
                    index: i as i32,
                    message: m,
                    message_full_name: full_name.clone(),
                    message_path: path.clone(),
                },
            );
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.index_message(
                file,
                n,
                child(&path, 3, i),
                format!("{full_name}.{}", n.name()),
            );
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.index_enum(
                file,
                e,
                child(&path, 4, i),
                format!("{full_name}.{}", e.name()),
            );
        }
        for (i, x) in m.extension.iter().enumerate() {
            self.index_extension(file, x, child(&path, 6, i), &full_name, &path);
        }
        self.messages.insert(
            full_name.clone(),
            Message {
                file,
                proto: m,
                path,
                full_name,
            },
        );
    }

    fn index_extension(
        &mut self,
        file: usize,
        x: &'a FieldDescriptorProto,
        path: Vec<i32>,
        scope: &str,
        scope_path: &[i32],
    ) {
        let extendee = x.extendee().trim_start_matches('.').to_string();
        self.extensions.insert(
            (extendee, x.number()),
            Field {
                file,
                proto: x,
                path,
                message: None,
                parent_full_name: scope.to_string(),
                parent_path: scope_path.to_vec(),
            },
        );
    }

    fn index_enum(
        &mut self,
        file: usize,
        e: &'a EnumDescriptorProto,
        path: Vec<i32>,
        full_name: String,
    ) {
        for (i, v) in e.value.iter().enumerate() {
            self.enum_values
                .entry((full_name.clone(), v.number()))
                .or_default()
                .push(EnumValue {
                    file,
                    proto: v,
                    path: child(&path, 2, i),
                    enum_full_name: full_name.clone(),
                    enum_path: path.clone(),
                });
        }
        self.enums.insert(
            full_name.clone(),
            Enum {
                file,
                proto: e,
                path,
                full_name,
            },
        );
    }
}

use crate::descriptor::child;
pub use crate::descriptor::qualify;
