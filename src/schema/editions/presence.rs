//! buf parity: `features.field_presence` is a feature of singular fields. Set on a repeated
//! field, a map field, a field of a oneof or an extension, buf 1.75.0 reports it as a `COMPILE`
//! finding ("expected singular field, found repeated field"): a repeated field at its label and
//! type, a map field at its type, the others at the whole field.

use prost_types::field_descriptor_proto::Label;
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto, SourceCodeInfo};

use std::collections::HashMap;

use super::{Editions, LineStarts, Problem};
use crate::descriptor::walk::{walk, Flow, Site, Visitor};

/// `FieldDescriptorProto`'s label, type and type name, for the places of the findings.
const LABEL: i32 = 4;
const TYPE: i32 = 5;
const TYPE_NAME: i32 = 6;

/// Where a field is declared: in a message (a map field or another), or as an extension.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Field,
    Map,
    Extension,
}

/// The problems of `field_presence` set on fields without presence of their own, and of
/// `IMPLICIT` set on a field of a message type or a closed enum type of the file.
pub(super) fn check(
    file: &FileDescriptorProto,
    editions: &Editions,
    info: &SourceCodeInfo,
    lines: &LineStarts,
    problems: &mut Vec<Problem>,
) {
    let mut fields = Fields::default();
    walk(file, &mut fields);
    let range = |path: &[i32]| {
        (info.location.iter())
            .find(|l| l.path == path)
            .and_then(|l| lines.range(&l.span))
    };
    for (field, path, scope, kind) in fields.fields {
        if !editions.is_set_on(&path, "field_presence") {
            continue;
        }
        let at = |tag: i32| range(&[&path[..], &[tag]].concat());
        let ty = || at(TYPE_NAME).or_else(|| at(TYPE));
        if editions.resolve(&path, "field_presence") == "IMPLICIT" {
            let message = match fields.types.get(&resolve(&fields.types, &scope, field.type_name())) {
                Some((true, _)) => Some(format!(
                    "field {:?} of a message type cannot have implicit presence: remove `features.field_presence = IMPLICIT`",
                    field.name()
                )),
                Some((false, enum_path)) if editions.resolve(enum_path, "enum_type") == "CLOSED" => {
                    Some(format!(
                        "field {:?} of a closed enum type cannot have implicit presence: make the enum open, or remove `features.field_presence = IMPLICIT`",
                        field.name()
                    ))
                }
                _ => None,
            };
            if let (Some(message), Some((start, end))) = (message, at(TYPE_NAME)) {
                problems.push(Problem {
                    start,
                    end,
                    message,
                });
            }
        }
        let whole = || range(&path);
        let (what, place) = if kind == Kind::Map {
            ("a map field", ty())
        } else if field.label() == Label::Repeated {
            let label_and_type = at(LABEL).zip(ty()).map(|(l, t)| (l.0, t.1));
            ("a repeated field", label_and_type)
        } else if field.oneof_index.is_some() && !field.proto3_optional() {
            ("a field of a oneof", whole())
        } else if kind == Kind::Extension {
            ("an extension", whole())
        } else {
            continue;
        };
        if let Some((start, end)) = place {
            problems.push(Problem {
                start,
                end,
                message: format!(
                    "`features.field_presence` cannot be set on {what} {:?}: only a singular field outside a oneof, not an extension, has presence of its own",
                    field.name()
                ),
            });
        }
    }
}

/// The fields and extensions of a file (with their paths, the scope their type names are
/// resolved in, and their kind), and its messages and enums by full name (whether a message,
/// and the path).
#[derive(Default)]
struct Fields<'a> {
    fields: Vec<(&'a FieldDescriptorProto, Vec<i32>, String, Kind)>,
    types: HashMap<String, (bool, Vec<i32>)>,
}

impl<'a> Visitor<'a> for Fields<'a> {
    fn message(&mut self, _: &'a DescriptorProto, at: &Site) -> Flow {
        (self.types).insert(at.full_name.to_string(), (true, at.path.to_vec()));
        Flow::Into
    }
    fn enum_(&mut self, _: &'a prost_types::EnumDescriptorProto, at: &Site) {
        (self.types).insert(at.full_name.to_string(), (false, at.path.to_vec()));
    }
    fn field(&mut self, field: &'a FieldDescriptorProto, message: &'a DescriptorProto, at: &Site) {
        let kind = if is_map(message, field) {
            Kind::Map
        } else {
            Kind::Field
        };
        let scope = at.parent.to_string();
        (self.fields).push((field, at.path.to_vec(), scope, kind));
    }
    fn extension(&mut self, field: &'a FieldDescriptorProto, at: &Site) {
        let scope = at.parent.to_string();
        (self.fields).push((field, at.path.to_vec(), scope, Kind::Extension));
    }
}

/// The full name a type name written in `scope` (a message's or a package's full name) stands
/// for among `types`, searched from the innermost scope out; the name as written if none.
fn resolve(types: &HashMap<String, (bool, Vec<i32>)>, scope: &str, name: &str) -> String {
    if let Some(full) = name.strip_prefix('.') {
        return full.to_string();
    }
    let mut scope = scope;
    loop {
        let full = match scope {
            "" => name.to_string(),
            _ => format!("{scope}.{name}"),
        };
        if types.contains_key(&full) || scope.is_empty() {
            return full;
        }
        scope = scope.rsplit_once('.').map_or("", |(outer, _)| outer);
    }
}

/// Whether `field` of `message` is a map field: repeated, its type a nested map entry.
fn is_map(message: &DescriptorProto, field: &FieldDescriptorProto) -> bool {
    let entry = field.type_name().rsplit('.').next().unwrap_or("");
    field.label() == Label::Repeated
        && message
            .nested_type
            .iter()
            .any(|n| n.name() == entry && n.options.as_ref().is_some_and(|o| o.map_entry()))
}
