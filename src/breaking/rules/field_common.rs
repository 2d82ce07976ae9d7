//! Shared by the field comparison rules (FIELD_SAME_NAME, FIELD_SAME_JSON_NAME, FIELD_SAME_DEFAULT,
//! FIELD_SAME_ONEOF and the string and number representation rules): how a field is named in
//! messages, its JSON name, and the values of the options buf compares, as a proto2 or proto3 file
//! gives them (sous compiles no editions files, so syntax and options decide everything).

use super::prelude::*;

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::field_options::{CType, JsType};
use prost_types::FieldDescriptorProto;

use crate::schema::Span;

/// Whether `field` is an extension rather than a field of a message.
pub fn is_extension(field: &Field) -> bool {
    field.message.is_none()
}

/// The full name of an extension (`pkg.Scope.name`), or the plain name of a message field.
pub fn name<'f>(field: &'f Field) -> std::borrow::Cow<'f, str> {
    if is_extension(field) {
        field.full_name().into()
    } else {
        field.proto.name().into()
    }
}

/// How a message names the field: `field 3 "user_id" of message "acme.v1.Order"`, or
/// `extension 100 "acme.v1.tag" of "acme.v1.Order"`.
pub fn describe(field: &Field) -> String {
    if is_extension(field) {
        format!(
            "extension {} {:?} of {:?}",
            field.proto.number(),
            name(field),
            field.proto.extendee().trim_start_matches('.')
        )
    } else {
        format!(
            "field {} {:?} of message {:?}",
            field.proto.number(),
            field.proto.name(),
            field.parent_full_name
        )
    }
}

/// The file of `field` in the old image.
pub fn old_file<'a>(cx: &Context<'a>, field: &Field) -> &'a File<'a> {
    cx.old().file(field.file)
}

/// The file of `field` in the new image.
pub fn new_file<'a>(cx: &Context<'a>, field: &Field) -> &'a File<'a> {
    cx.new_image().file(field.file)
}

/// The widest span the new file records for `path`. protox records some parts twice (a
/// `json_name` option whole, then its value) and sorts its locations unstably, so the first
/// location of a path is not always the whole option.
pub fn widest_span(file: &File, path: &[i32]) -> Option<Span> {
    let source = file.source?;
    let at = |line: i32, col: i32| {
        source.lines.offset(
            &source.text,
            usize::try_from(line).unwrap_or(0),
            usize::try_from(col).unwrap_or(0),
        )
    };
    file.locations()
        .all(path)
        .filter_map(|l| match *l.span.as_slice() {
            [line, col, end_col] => Some(Span {
                start: at(line, col),
                end: at(line, end_col),
            }),
            [line, col, end_line, end_col] => Some(Span {
                start: at(line, col),
                end: at(end_line, end_col),
            }),
            _ => None,
        })
        .min_by_key(|s| (s.start, std::cmp::Reverse(s.end)))
}

/// The JSON name of a field: its `json_name` option, or protoc's lowerCamelCase of its name
/// (underscores dropped, the letter after one upper-cased).
pub fn json_name(field: &FieldDescriptorProto) -> String {
    match &field.json_name {
        Some(name) => name.clone(),
        None => crate::descriptor::implicit_json_name(field.name()),
    }
}

/// Whether a field holds strings (`string`, not `bytes`).
pub fn is_string(field: &FieldDescriptorProto) -> bool {
    field.r#type() == Type::String
}

/// Whether a field holds strings or bytes, the types `ctype` applies to.
pub fn is_string_or_bytes(field: &FieldDescriptorProto) -> bool {
    matches!(field.r#type(), Type::String | Type::Bytes)
}

/// Whether a field holds 64-bit integers, the types `jstype` applies to.
pub fn is_64_bit_integer(field: &FieldDescriptorProto) -> bool {
    matches!(
        field.r#type(),
        Type::Int64 | Type::Uint64 | Type::Sint64 | Type::Fixed64 | Type::Sfixed64
    )
}

/// Whether a field is repeated (maps included).
pub fn is_repeated(field: &FieldDescriptorProto) -> bool {
    field.label() == Label::Repeated
}

/// The C++ string type of a string or bytes field: its `ctype`, `STRING` when unset.
/// The `jstype` of a field, `JS_NORMAL` when unset.
pub fn jstype(field: &FieldDescriptorProto) -> JsType {
    field
        .options
        .as_ref()
        .map_or(JsType::JsNormal, |o| o.jstype())
}

pub fn jstype_name(jstype: JsType) -> &'static str {
    match jstype {
        JsType::JsNormal => "JS_NORMAL",
        JsType::JsString => "JS_STRING",
        JsType::JsNumber => "JS_NUMBER",
    }
}

/// Whether parsers check that string field `path` of `file` holds valid UTF-8: its resolved
/// `utf8_validation` (proto3 fields are checked, `VERIFY`; proto2 fields are not, `NONE`).
pub fn utf8_verified(file: &File, path: &[i32]) -> bool {
    file.feature(path, "utf8_validation") == "VERIFY"
}

/// Whether the generated Java code checks that string field `path` of `file` holds valid UTF-8:
/// when the file sets `java_string_check_utf8`, or (editions, without that option) the field's
/// `(pb.java).utf8_validation` is `VERIFY`; else as [`utf8_verified`] says.
pub fn java_utf8_verified(file: &File, path: &[i32]) -> bool {
    let check = file
        .proto
        .options
        .as_ref()
        .and_then(|o| o.java_string_check_utf8);
    if !file.is_editions() || check.is_some() {
        return check == Some(true) || utf8_verified(file, path);
    }
    file.feature(path, "pb.java.utf8_validation") == "VERIFY" || utf8_verified(file, path)
}

/// The C++ string type of field `path` of `file` as buf resolves it: an explicit `ctype` first
/// (`STRING_PIECE` is `STRING` marked as a piece), else the resolved `(pb.cpp).string_type`
/// (`STRING` outside editions).
pub fn cpp_string_type<'f>(
    file: &'f File,
    field: &FieldDescriptorProto,
    path: &[i32],
) -> (&'f str, bool) {
    let ctype = field.options.as_ref().and_then(|o| o.ctype);
    if ctype.is_some()
        && file
            .editions
            .is_none_or(|e| e.edition < crate::schema::editions::Edition::E2024)
    {
        match field.options.as_ref().map(|o| o.ctype()) {
            Some(CType::Cord) => return ("CORD", false),
            Some(CType::StringPiece) => return ("STRING", true),
            _ => return ("STRING", false),
        }
    }
    (file.feature(path, "pb.cpp.string_type"), false)
}

/// `VERIFY` or `NONE`, as descriptor.proto names the validation modes.
pub fn utf8_mode(verified: bool) -> &'static str {
    if verified {
        "VERIFY"
    } else {
        "NONE"
    }
}
