//! buf parity: the field options whose fields buf 1.75.0 checks and the compiler does not.
//! Each is a `COMPILE` finding:
//! - `jstype` (any value) on a field whose type is not a 64-bit integer (`int64`, `uint64`,
//!   `sint64`, `fixed64`, `sfixed64`), repeated or not, at the field's type (a map's `map<...>`);
//! - `packed = true` on a field that is not repeated (a map counts as not repeated), at its label
//!   and type, or at its type where no label is written; on a repeated field whose type cannot
//!   be packed (`string`, `bytes`, a message or a group), at its type. `packed = false` is never
//!   refused. Editions files refuse `packed` outright (see `editions::options`); there
//!   `features.repeated_field_encoding` set on the field itself is checked the same way, `PACKED`
//!   or `EXPANDED` on a field that is not repeated, `PACKED` on one whose type cannot be packed;
//! - `lazy = true` on a field of no message type, at its type, and on a delimited one (a group,
//!   or `DELIMITED` in editions), at the whole field (`unverified_lazy` is not checked:
//!   prost-types' `FieldOptions` does not keep it).

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FieldOptions};

use crate::descriptor::tag;
use crate::descriptor::walk::{walk, Site, Visitor};
use crate::finding::Finding;
use crate::schema::{Locations, Schema, Source};

/// The findings of `jstype` and `packed` where buf refuses them, in every file read from the
/// workspace.
pub(crate) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        // Only a file that sets one of the options (or any editions file, whose features are in
        // its table) is looked at closer: a walk of its descriptors costs less than a search of
        // its text.
        let editions = schema.editions.get(file.name()).map(|e| &**e);
        if editions.is_none() && !sets_any(file) {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        let mut check = Check {
            source,
            locations: &locations,
            editions,
            findings: &mut findings,
        };
        walk(file, &mut check);
    }
    findings
}

/// Whether a field or extension of `file` sets `jstype`, `packed = true` or `lazy = true`.
fn sets_any(file: &prost_types::FileDescriptorProto) -> bool {
    #[derive(Default)]
    struct Sets(bool);
    impl Sets {
        fn see(&mut self, field: &FieldDescriptorProto) {
            if let Some(o) = &field.options {
                self.0 |= o.jstype.is_some() || o.packed == Some(true) || o.lazy == Some(true);
            }
        }
    }
    impl<'a> Visitor<'a> for Sets {
        fn field(&mut self, field: &'a FieldDescriptorProto, _: &'a DescriptorProto, _: &Site) {
            self.see(field);
        }
        fn extension(&mut self, extension: &'a FieldDescriptorProto, _: &Site) {
            self.see(extension);
        }
    }
    let mut sets = Sets::default();
    walk(file, &mut sets);
    sets.0
}

struct Check<'a> {
    source: &'a Source,
    locations: &'a Locations<'a>,
    editions: Option<&'a crate::schema::editions::Editions>,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Visitor<'a> for Check<'_> {
    fn field(&mut self, field: &'a FieldDescriptorProto, message: &'a DescriptorProto, at: &Site) {
        let is_map = is_map_entry(message, at.parent, field.type_name());
        self.check(field, is_map, at.path);
    }

    fn extension(&mut self, extension: &'a FieldDescriptorProto, at: &Site) {
        self.check(extension, false, at.path);
    }
}

impl Check<'_> {
    fn check(&mut self, field: &FieldDescriptorProto, is_map: bool, path: &[i32]) {
        let none = Default::default();
        let options = field.options.as_ref().unwrap_or(&none);
        let type_path = |path: &[i32]| {
            let written = if field.type_name.is_some() {
                tag::FIELD_TYPE_NAME
            } else {
                tag::FIELD_TYPE
            };
            [path, &[written]].concat()
        };
        let ty = type_words(field, is_map);
        if options.jstype.is_some() && !is_64_bit_integer(field.r#type()) {
            let message = format!(
                "`jstype` is set on field `{}`, whose type is {ty}: `jstype` applies to 64-bit integer fields only (`int64`, `uint64`, `sint64`, `fixed64`, `sfixed64`); remove it",
                field.name()
            );
            self.report(&type_path(path), None, message);
        }
        self.lazy(field, options, path);
        let (set, packed) = match self.editions {
            Some(e) if e.is_set_on(path, "repeated_field_encoding") => (
                "`features.repeated_field_encoding`",
                e.resolve(path, "repeated_field_encoding") == "PACKED",
            ),
            Some(_) => return,
            None if options.packed == Some(true) => ("`packed = true`", true),
            None => return,
        };
        let repeated = field.label() == Label::Repeated && !is_map;
        if !repeated {
            let what = if is_map { "a map" } else { "not repeated" };
            let message = format!(
                "{set} is set on field `{}`, which is {what}: only repeated fields of scalar or enum types are packed; remove the option",
                field.name()
            );
            let label = [path, &[tag::FIELD_LABEL]].concat();
            self.report(&type_path(path), Some(&label), message);
        } else if packed
            && matches!(
                field.r#type(),
                Type::String | Type::Bytes | Type::Message | Type::Group
            )
        {
            let message = format!(
                "{set} is set on field `{}`, whose type is {ty}: only scalar numbers, `bool` and enums can be packed; remove the option",
                field.name()
            );
            self.report(&type_path(path), None, message);
        }
    }

    /// `lazy = true` on a field that is not of a message type (at
    /// its type) or not length-prefixed (a group, or `DELIMITED` in editions; at the field).
    fn lazy(&mut self, field: &FieldDescriptorProto, options: &FieldOptions, path: &[i32]) {
        // (`unverified_lazy` is not checked: prost-types' `FieldOptions` does not keep it.)
        if options.lazy != Some(true) {
            return;
        }
        let set = "`lazy = true`";
        let delimited = field.r#type() == Type::Group
            || self
                .editions
                .is_some_and(|e| e.resolve(path, "message_encoding") == "DELIMITED");
        if delimited {
            let message = format!(
                "{set} is set on field `{}`, which is delimited (a group, or `DELIMITED` in editions): only length-prefixed message fields are read lazily; remove the option",
                field.name()
            );
            self.report(path, None, message);
        }
        if !matches!(field.r#type(), Type::Message | Type::Group) {
            let written = if field.type_name.is_some() {
                tag::FIELD_TYPE_NAME
            } else {
                tag::FIELD_TYPE
            };
            let message = format!(
                "{set} is set on field `{}`, whose type is {}: only message fields are read lazily; remove the option",
                field.name(),
                type_words(field, false)
            );
            self.report(&[path, &[written]].concat(), None, message);
        }
    }

    /// A finding at the span of `path`, from the start of `from`'s span when it has one.
    fn report(&mut self, path: &[i32], from: Option<&[i32]>, message: String) {
        let span = self.locations.span(self.source, path);
        let start = from.and_then(|from| self.locations.span(self.source, from));
        let finding = match (span, start) {
            (Some(span), Some(start)) => {
                (self.source).finding(start.start, span.end, "COMPILE", message)
            }
            (Some(span), None) => (self.source).finding(span.start, span.end, "COMPILE", message),
            (None, _) => self.source.file_finding("COMPILE", message),
        };
        self.findings.push(finding);
    }
}

fn is_64_bit_integer(ty: Type) -> bool {
    matches!(
        ty,
        Type::Int64 | Type::Uint64 | Type::Sint64 | Type::Fixed64 | Type::Sfixed64
    )
}

/// How a field's type is named in a message: "`int32`", "the message `a.M`", "a map".
fn type_words(field: &FieldDescriptorProto, is_map: bool) -> String {
    let name = field.type_name().trim_start_matches('.');
    match field.r#type() {
        _ if is_map => "a map".to_string(),
        Type::Message | Type::Group => format!("the message `{name}`"),
        Type::Enum => format!("the enum `{name}`"),
        ty => format!(
            "`{}`",
            ty.as_str_name().trim_start_matches("TYPE_").to_lowercase()
        ),
    }
}

/// Whether `type_name` names a map entry nested in `message` (full name `parent`).
fn is_map_entry(message: &DescriptorProto, parent: &str, type_name: &str) -> bool {
    let Some(entry) = type_name.strip_prefix(&format!(".{parent}.")) else {
        return false;
    };
    (message.nested_type.iter())
        .any(|n| n.name() == entry && n.options.as_ref().is_some_and(|o| o.map_entry()))
}
