//! buf parity: `features.field_presence` is a feature of singular fields. Set on a repeated
//! field, a map field, a field of a oneof or an extension, buf 1.75.0 reports it as a `COMPILE`
//! finding ("expected singular field, found repeated field"): a repeated field at its label and
//! type, a map field at its type, the others at the whole field.

use prost_types::field_descriptor_proto::Label;
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto, SourceCodeInfo};

use super::{Editions, LineStarts, Problem};

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

/// The problems of `field_presence` set on fields without presence of their own.
pub(super) fn check(
    file: &FileDescriptorProto,
    editions: &Editions,
    info: &SourceCodeInfo,
    lines: &LineStarts,
    problems: &mut Vec<Problem>,
) {
    let range = |path: &[i32]| {
        (info.location.iter())
            .find(|l| l.path == path)
            .and_then(|l| lines.range(&l.span))
    };
    let mut field = |field: &FieldDescriptorProto, path: &[i32], kind: Kind| {
        if !editions.is_set_on(path, "field_presence") {
            return;
        }
        let at = |tag: i32| range(&[path, &[tag]].concat());
        let whole = || range(path);
        let ty = || at(TYPE_NAME).or_else(|| at(TYPE));
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
            return;
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
    };
    fn message(
        m: &DescriptorProto,
        path: &mut Vec<i32>,
        each: &mut dyn FnMut(&FieldDescriptorProto, &[i32], Kind),
    ) {
        for (i, f) in m.field.iter().enumerate() {
            path.extend([2, i as i32]);
            let kind = if is_map(m, f) { Kind::Map } else { Kind::Field };
            each(f, path, kind);
            path.truncate(path.len() - 2);
        }
        for (i, f) in m.extension.iter().enumerate() {
            path.extend([6, i as i32]);
            each(f, path, Kind::Extension);
            path.truncate(path.len() - 2);
        }
        for (i, nested) in m.nested_type.iter().enumerate() {
            path.extend([3, i as i32]);
            message(nested, path, each);
            path.truncate(path.len() - 2);
        }
    }
    let mut path = Vec::new();
    for (i, m) in file.message_type.iter().enumerate() {
        path.extend([4, i as i32]);
        message(m, &mut path, &mut field);
        path.clear();
    }
    for (i, f) in file.extension.iter().enumerate() {
        field(f, &[7, i as i32], Kind::Extension);
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
