//! What the field type and cardinality rules share: how a field's type and cardinality are
//! classified, which changes keep the binary (wire) or JSON encoding readable, where a finding
//! goes, and how a field is named in a message.
//!
//! Types compare by kind first (scalar kind, enum, message, group), then by the full name of the
//! enum or message: a message renamed or moved to another package is another type. Cardinality is
//! the label with presence folded in: `map`, `repeated`, `required`, `optional with explicit
//! presence` (proto2, proto3 `optional`, oneof members, messages, extensions, editions fields
//! by default) or `optional with implicit presence` (plain proto3 scalars and enums, editions
//! scalars and enums with `features.field_presence = IMPLICIT`).

use super::prelude::*;

use prost_types::field_descriptor_proto::{Label, Type};

/// A field's type as the rules print it: the scalar's name, or the full name of the enum, message
/// or group it refers to.
pub fn type_display(f: &Field) -> String {
    match f.proto.r#type() {
        Type::Enum | Type::Message | Type::Group => {
            f.proto.type_name().trim_start_matches('.').to_string()
        }
        t => scalar_name(t).to_string(),
    }
}

/// The kind of a type, with the scalar spelled as in a .proto file.
fn scalar_name(t: Type) -> &'static str {
    match t {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Group => "group",
        Type::Message => "message",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Enum => "enum",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
    }
}

/// A field's type as it is encoded: a message field whose resolved `message_encoding` is
/// `DELIMITED` (editions) is a group, as buf sees it.
pub fn field_type(image: &Image, f: &Field) -> Type {
    match f.proto.r#type() {
        Type::Message
            if image.file(f.file).is_editions()
                && image.file(f.file).feature(&f.path, "message_encoding") == "DELIMITED" =>
        {
            Type::Group
        }
        t => t,
    }
}

/// Whether two fields have the same type: same kind, and for enums, messages and groups the same
/// full name.
pub fn same_type(old_image: &Image, new_image: &Image, old: &Field, new: &Field) -> bool {
    let (o, n) = (field_type(old_image, old), field_type(new_image, new));
    o == n
        && (!matches!(o, Type::Enum | Type::Message | Type::Group)
            || old.proto.type_name() == new.proto.type_name())
}

/// Which encoding a compatibility check protects.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The binary encoding only.
    Wire,
    /// The binary encoding and the JSON mapping.
    WireJson,
}

/// Whether data written with the old type reads back under the new one.
///
/// Scalars: varints of `int32`, `uint32`, `int64`, `uint64` and `bool` read as each other on the
/// wire, as do `sint32`/`sint64`, `fixed32`/`sfixed32`, `fixed64`/`sfixed64`, and `string` read as
/// `bytes` (not the reverse: `string` checks UTF-8). JSON keeps only the pairs printed the same
/// way: `int32`/`uint32` (numbers), `int64`/`uint64` (strings), and the fixed pairs.
///
/// Enums: an enum replaced by another enum of the same simple name that still has every value of
/// the old one (same name, same number) is compatible; messages and groups of another full name
/// never are.
pub fn compatible_type(
    old_image: &Image,
    new_image: &Image,
    old: &Field,
    new: &Field,
    encoding: Encoding,
) -> bool {
    if same_type(old_image, new_image, old, new) {
        return true;
    }
    let (o, n) = (field_type(old_image, old), field_type(new_image, new));
    if o == Type::Enum && n == Type::Enum {
        return compatible_enums(
            old_image,
            new_image,
            old.proto.type_name(),
            new.proto.type_name(),
        );
    }
    let group = |t: Type| -> Option<u8> {
        Some(match (encoding, t) {
            (
                Encoding::Wire,
                Type::Int32 | Type::Uint32 | Type::Int64 | Type::Uint64 | Type::Bool,
            ) => 1,
            (Encoding::WireJson, Type::Int32 | Type::Uint32) => 1,
            (Encoding::WireJson, Type::Int64 | Type::Uint64) => 2,
            (Encoding::Wire, Type::Sint32 | Type::Sint64) => 3,
            (_, Type::Fixed32 | Type::Sfixed32) => 4,
            (_, Type::Fixed64 | Type::Sfixed64) => 5,
            _ => return None,
        })
    };
    if encoding == Encoding::Wire && o == Type::String && n == Type::Bytes {
        return true;
    }
    matches!((group(o), group(n)), (Some(a), Some(b)) if a == b)
}

/// buf parity: an enum swapped for another counts as compatible when the simple names match and
/// every old value (name and number) is still there; extra values and aliases are fine.
fn compatible_enums(old_image: &Image, new_image: &Image, old: &str, new: &str) -> bool {
    let simple = |n: &str| n.rsplit('.').next().unwrap_or("").to_string();
    if simple(old) != simple(new) {
        return false;
    }
    let (Some(o), Some(n)) = (old_image.enum_(old), new_image.enum_(new)) else {
        return false;
    };
    o.proto.value.iter().all(|v| {
        n.proto
            .value
            .iter()
            .any(|w| w.name() == v.name() && w.number() == v.number())
    })
}

/// The descriptor path suffix of a field's type as written: the scalar or `group` keyword (`[5]`)
/// when the source has one, else the type name (`[6]`). Fields of a map entry have no place of
/// their own; the caller reports them at the map field's `map<...>`.
pub fn type_suffix(cx: &Context, f: &Field) -> [i32; 1] {
    let mut path = f.path.to_vec();
    path.push(tag::FIELD_TYPE);
    let file = cx.new_image().file(f.file);
    if file.locations().get(&path).is_some() {
        [tag::FIELD_TYPE]
    } else {
        [tag::FIELD_TYPE_NAME]
    }
}

/// Reports a type finding at the new field's type; a key or value of a map entry at the `map<...>`
/// type of the map field declaring it, as buf does.
pub fn report_type(cx: &mut Context, new: &Field, message: String) {
    if let Some((file, path)) = map_field_type_path(cx, new) {
        cx.report_at(file, &path, message);
        return;
    }
    let suffix = type_suffix(cx, new);
    cx.report(new, &suffix, message);
}

/// For a field of a synthesized map entry that the source does not locate, the path of the
/// `map<...>` type of the field that declares the map.
fn map_field_type_path(cx: &Context, f: &Field) -> Option<(usize, Vec<i32>)> {
    if !f.message.is_some_and(is_map_entry) {
        return None;
    }
    let image = cx.new_image();
    if image.file(f.file).locations().get(&f.path).is_some() {
        return None;
    }
    image.map_field_type(&f.parent_full_name)
}

/// A field's cardinality, as buf distinguishes them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cardinality {
    Map,
    Repeated,
    Required,
    Explicit,
    Implicit,
}

impl Cardinality {
    pub fn describe(self) -> &'static str {
        match self {
            Cardinality::Map => "map",
            Cardinality::Repeated => "repeated",
            Cardinality::Required => "required",
            Cardinality::Explicit => "optional with explicit presence",
            Cardinality::Implicit => "optional with implicit presence",
        }
    }
}

/// The cardinality of a field of `image`.
pub fn cardinality(image: &Image, f: &Field) -> Cardinality {
    match f.proto.label() {
        Label::Repeated => {
            let is_map = f.proto.r#type() == Type::Message
                && image
                    .message(f.proto.type_name())
                    .is_some_and(|m| m.is_map_entry());
            if is_map {
                Cardinality::Map
            } else {
                Cardinality::Repeated
            }
        }
        Label::Required => Cardinality::Required,
        Label::Optional => {
            let file = image.file(f.file);
            // The field's resolved `field_presence`: proto3 fields are implicit, proto2 fields
            // explicit, editions fields as `features.field_presence` says (explicit by default).
            let implicit_file = if file.is_editions() {
                file.feature(&f.path, "field_presence") == "IMPLICIT"
            } else {
                file.syntax() == "proto3"
            };
            let explicit = !implicit_file
                || f.message.is_none()
                || f.proto.proto3_optional()
                || f.proto.oneof_index.is_some()
                || matches!(f.proto.r#type(), Type::Message | Type::Group);
            if explicit {
                Cardinality::Explicit
            } else {
                Cardinality::Implicit
            }
        }
    }
}

/// Whether the cardinality rules look at a field: the key and value of a map entry are never
/// compared (buf parity: a map moved between proto2 and proto3 files is not reported).
pub fn has_cardinality(f: &Field) -> bool {
    !f.message.is_some_and(is_map_entry)
}

/// Whether the old cardinality's data still reads under the new one: presence changes keep both
/// encodings; a map read as a repeated field of entries (and back) keeps only the wire encoding.
pub fn compatible_cardinality(old: Cardinality, new: Cardinality, encoding: Encoding) -> bool {
    use Cardinality::*;
    old == new
        || matches!((old, new), (Implicit, Explicit) | (Explicit, Implicit))
        || encoding == Encoding::Wire && matches!((old, new), (Map, Repeated) | (Repeated, Map))
}

/// `field 3 "user_id" of message "acme.v1.Order"`; `the value of map field 4 "counts" of message
/// "acme.v1.Order"` for a key or value of a map; `extension 100 "acme.v1.note" of message
/// "acme.v1.Order"` for an extension.
pub fn describe(image: &Image, f: &Field) -> String {
    let Some(message) = f.message else {
        return format!(
            "extension {} {:?} of message {:?}",
            f.proto.number(),
            f.full_name(),
            f.proto.extendee().trim_start_matches('.')
        );
    };
    if is_map_entry(message) {
        if let Some((parent, index)) = image.map_field_of(&f.parent_full_name) {
            let g = &parent.proto.field[index];
            return format!(
                "the {} of map field {} {:?} of message {:?}",
                f.proto.name(),
                g.number(),
                g.name(),
                parent.full_name
            );
        }
    }
    format!(
        "field {} {:?} of message {:?}",
        f.proto.number(),
        f.proto.name(),
        f.parent_full_name
    )
}

/// Reports a type change under the rule of `cx`: any change (`encoding` `None`), or one the
/// encoding cannot read across.
pub fn check_type(cx: &mut Context, old: &Field, new: &Field, encoding: Option<Encoding>) {
    let ok = match encoding {
        None => same_type(cx.old(), cx.new_image(), old, new),
        Some(e) => compatible_type(cx.old(), cx.new_image(), old, new, e),
    };
    if ok {
        return;
    }
    let (mut from, mut to) = (type_display(old), type_display(new));
    if from == to {
        // One name, another kind: say which kind each side has.
        let kind = |t: Type| match t {
            Type::Enum => "enum ",
            Type::Group => "group ",
            _ => "message ",
        };
        from = format!("{}{from}", kind(field_type(cx.old(), old)));
        to = format!("{}{to}", kind(field_type(cx.new_image(), new)));
    }
    let enums = old.proto.r#type() == Type::Enum && new.proto.r#type() == Type::Enum;
    let why = match encoding {
        None => "",
        Some(_) if enums => {
            ", an enum of another name or without every old value (name and number)"
        }
        Some(Encoding::Wire) => ", which reads the old bytes differently",
        Some(Encoding::WireJson) => ", whose binary or JSON encoding differs",
    };
    let message = format!(
        "{} changed type from {from} to {to}{why}: restore {from}, or add a new field with a new number and deprecate this one",
        describe(cx.new_image(), new)
    );
    report_type(cx, new, message);
}

/// Reports a cardinality change under the rule of `cx`: any change (`encoding` `None`), or one
/// the encoding cannot read across.
pub fn check_cardinality(cx: &mut Context, old: &Field, new: &Field, encoding: Option<Encoding>) {
    if !has_cardinality(old) || !has_cardinality(new) {
        return;
    }
    let (o, n) = (cardinality(cx.old(), old), cardinality(cx.new_image(), new));
    let ok = match encoding {
        None => o == n,
        Some(e) => compatible_cardinality(o, n, e),
    };
    if ok {
        return;
    }
    let message = format!(
        "{} changed cardinality from {} to {}: restore the old label and presence, or add a new field with a new number and deprecate this one",
        describe(cx.new_image(), new),
        o.describe(),
        n.describe()
    );
    cx.report(new, &[], message);
}
