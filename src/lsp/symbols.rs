//! Where message, enum and service types are declared and where they are used, from a compiled
//! schema's descriptors and source info: what hover, go to definition and find references read.
//!
//! A declaration is found by its name's span (descriptor path + `name`), a use by the span of a
//! field's `type_name`, an extension's `extendee` or a method's input and output types; the
//! compiler resolved every use to a full name already, so nothing is resolved here.

use std::collections::HashMap;

use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    MethodDescriptorProto, ServiceDescriptorProto, SourceCodeInfo,
};

use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::schema::{Locations, Schema, Source, Span};

/// A declared type.
#[derive(Debug, Clone)]
pub struct Symbol {
    /// `message`, `enum` or `service`.
    pub keyword: &'static str,
    /// The full name, without the leading dot.
    pub name: String,
    /// The import path of the file that declares it.
    pub file: String,
    /// The span of its name.
    pub span: Span,
    /// Its leading comment, if any.
    pub comment: Option<String>,
}

/// A use of a type, by full name, at a span of a file.
#[derive(Debug, Clone)]
pub struct Use {
    pub file: String,
    pub span: Span,
    pub target: String,
}

/// Every type declared and used in the files of a schema that have a source.
#[derive(Debug, Default)]
pub struct Index {
    pub symbols: HashMap<String, Symbol>,
    pub uses: Vec<Use>,
}

impl Index {
    pub fn new(schema: &Schema) -> Index {
        let mut index = Index::default();
        for (name, source) in &schema.sources {
            if let Some(proto) = schema.file(name) {
                index.add(name, proto, proto.extra_info(), source);
            }
        }
        index
    }

    /// Adds the declarations and uses of one file, `source` its text.
    pub fn add(
        &mut self,
        name: &str,
        proto: &FileDescriptorProto,
        extra: Option<SourceCodeInfo>,
        source: &Source,
    ) {
        let locations = Locations::with_extra(proto, extra);
        let mut collect = Collect {
            index: self,
            file: name,
            locations: &locations,
            source,
            path: Vec::new(),
        };
        walk(proto, &mut collect);
    }

    /// The full name of the type declared or used at byte `offset` of file `file`.
    pub fn at(&self, file: &str, offset: usize) -> Option<&str> {
        let inside = |span: &Span| span.start <= offset && offset <= span.end;
        if let Some(u) = self.uses.iter().find(|u| u.file == file && inside(&u.span)) {
            return Some(&u.target);
        }
        self.symbols
            .values()
            .find(|s| s.file == file && inside(&s.span))
            .map(|s| s.name.as_str())
    }
}

struct Collect<'i, 'l> {
    index: &'i mut Index,
    file: &'l str,
    locations: &'l Locations<'l>,
    source: &'l Source,
    path: Vec<i32>,
}

impl Collect<'_, '_> {
    fn span(&mut self, at: &[i32], tail: i32) -> Option<Span> {
        self.path.clear();
        self.path.extend_from_slice(at);
        self.path.push(tail);
        self.locations.span(self.source, &self.path)
    }

    fn declare(&mut self, keyword: &'static str, at: &Site) {
        let Some(span) = self.span(at.path, 1) else {
            // A map's entry message, which the compiler made up: it is declared nowhere.
            return;
        };
        let comment = self
            .locations
            .leading_comment(at.path)
            .map(|c| c.trim_end().to_string());
        self.index.symbols.insert(
            at.full_name.to_string(),
            Symbol {
                keyword,
                name: at.full_name.to_string(),
                file: self.file.to_string(),
                span,
                comment,
            },
        );
    }

    fn use_(&mut self, at: &[i32], tail: i32, type_name: Option<&str>) {
        let Some(target) = type_name.and_then(|t| t.strip_prefix('.')) else {
            return;
        };
        if let Some(span) = self.span(at, tail) {
            self.index.uses.push(Use {
                file: self.file.to_string(),
                span,
                target: target.to_string(),
            });
        }
    }
}

impl<'a> Visitor<'a> for Collect<'_, '_> {
    fn message(&mut self, _: &'a DescriptorProto, at: &Site) -> Flow {
        self.declare("message", at);
        Flow::Into
    }

    fn field(&mut self, field: &'a FieldDescriptorProto, _: &'a DescriptorProto, at: &Site) {
        self.use_(at.path, 6, field.type_name.as_deref());
    }

    fn extension(&mut self, extension: &'a FieldDescriptorProto, at: &Site) {
        self.use_(at.path, 6, extension.type_name.as_deref());
        self.use_(at.path, 2, extension.extendee.as_deref());
    }

    fn enum_(&mut self, _: &'a EnumDescriptorProto, at: &Site) {
        self.declare("enum", at);
    }

    fn service(&mut self, _: &'a ServiceDescriptorProto, at: &Site) {
        self.declare("service", at);
    }

    fn method(
        &mut self,
        method: &'a MethodDescriptorProto,
        _: &'a ServiceDescriptorProto,
        at: &Site,
    ) {
        self.use_(at.path, 2, method.input_type.as_deref());
        self.use_(at.path, 3, method.output_type.as_deref());
    }
}
