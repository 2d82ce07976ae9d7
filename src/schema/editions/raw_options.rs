//! The options of a compiled file as the compiler encoded them, custom options, `retention`,
//! `targets`, `feature_support`, `edition_defaults`, `declaration` and every field prost-types
//! does not know included: `sous build` writes them in place of prost-types' encoding, which
//! drops them (see [`super::wire::encode_image`]).

use std::collections::HashMap;

use super::wire::Kind;
use super::Editions;
use crate::schema::image::fields;

/// The encoded options of each element of one file, by the element's descriptor path (the
/// file's is empty), and the fields prost-types does not know that an element has (symbol
/// visibility, see [`super::text_facts`]).
#[derive(Debug, Default, Clone)]
pub struct RawOptions {
    options: HashMap<Vec<i32>, Vec<u8>>,
    /// Each such field as (number, the field encoded), by the element's path.
    extra: HashMap<Vec<i32>, Vec<(u64, Vec<u8>)>>,
}

impl RawOptions {
    /// The options of every element of an encoded `FileDescriptorProto` (as prost-reflect's
    /// `FileDescriptor::encode_to_vec` gives it, extensions kept); `None` if it does not read.
    pub fn read(bytes: &[u8], pool: Option<&prost_reflect::DescriptorPool>) -> Option<RawOptions> {
        let mut options = HashMap::new();
        collect(bytes, Kind::File, &mut Vec::new(), &mut options, pool)?;
        Some(RawOptions {
            options,
            extra: HashMap::new(),
        })
    }

    pub fn get(&self, path: &[i32]) -> Option<&[u8]> {
        self.options.get(path).map(Vec::as_slice)
    }

    /// The fields to add to the element at `path`, as (number, the field encoded).
    pub fn extra(&self, path: &[i32]) -> &[(u64, Vec<u8>)] {
        self.extra.get(path).map_or(&[], Vec::as_slice)
    }

    /// Sets the options of the element at `path`, unless it has some.
    pub(super) fn put_options(&mut self, path: &[i32], options: Vec<u8>) {
        self.options.entry(path.to_vec()).or_insert(options);
    }

    /// Adds field `number`, encoded as `field`, to the element at `path`.
    pub(super) fn put_field(&mut self, path: &[i32], number: u64, field: Vec<u8>) {
        self.extra
            .entry(path.to_vec())
            .or_default()
            .push((number, field));
    }
}

fn collect(
    bytes: &[u8],
    kind: Kind,
    path: &mut Vec<i32>,
    out: &mut HashMap<Vec<i32>, Vec<u8>>,
    pool: Option<&prost_reflect::DescriptorPool>,
) -> Option<()> {
    let (options, _) = kind.options();
    let mut counts: HashMap<u64, i32> = HashMap::new();
    for (number, _, payload) in fields(bytes)? {
        let Some(payload) = payload else {
            continue;
        };
        if number == options {
            // Two `options` fields merge; concatenated, their bytes decode as the merge.
            out.entry(path.clone())
                .or_default()
                .extend_from_slice(&match pool {
                    Some(pool) => go_sorted_values(payload, kind, pool),
                    None => payload.to_vec(),
                });
        } else if let Some(child) = kind.child(number) {
            let index = counts.entry(number).or_default();
            path.extend([number as i32, *index]);
            *index += 1;
            collect(payload, child, path, out, pool)?;
            path.truncate(path.len() - 2);
        }
    }
    Some(())
}

impl Editions {
    /// A table with no features, for rewriting a proto2 or proto3 file's options only.
    pub(super) fn plain() -> Editions {
        Editions {
            edition: super::features::Edition::E2023,
            explicit: HashMap::new(),
            parents: HashMap::new(),
        }
    }
}

/// The compiler's encoded options of every file of `pool` but those of `broken` (stand-ins), by
/// name: what `sous build` reads from a pool before it is let go.
pub fn of_pool(
    pool: &prost_reflect::DescriptorPool,
    broken: &std::collections::HashSet<String>,
) -> HashMap<String, RawOptions> {
    pool.files()
        .filter(|f| !broken.contains(f.name()))
        .filter_map(|f| Some((f.name().to_string(), read_file(&f)?)))
        .collect()
}

fn read_file(file: &prost_reflect::FileDescriptor) -> Option<RawOptions> {
    RawOptions::read(&file.encode_to_vec(), Some(file.parent_pool()))
}

/// The compiler's encoded options of `file` of `schema`, with what its text says that the
/// descriptor lost ([`super::text_facts`]): as read before its pool was let go ([`of_pool`]), or
/// from a pool the schema keeps (an image's). `unpacked` is [`unpacked_extensions`]'s.
pub(super) fn of_file(
    schema: &crate::schema::Schema,
    file: &crate::schema::Proto,
    unpacked: &Unpacked,
) -> Option<RawOptions> {
    let mut raw = match (schema.raw_options.get(file.name()), file) {
        (Some(raw), _) => raw.clone(),
        (None, crate::schema::Proto::Pooled { file, .. }) => read_file(file)?,
        (None, _) => schema
            .pools
            .iter()
            .find_map(|pool| pool.get_file_by_name(file.name()))
            .and_then(|found| read_file(&found))?,
    };
    if !unpacked.is_empty() {
        for (path, options) in raw.options.iter_mut() {
            let Some(kind) = kind_at(path) else {
                continue;
            };
            *options = unpack(options, options_message(kind), unpacked);
        }
    }
    super::text_facts::add(schema, file, &mut raw);
    Some(raw)
}

/// Whether a compiled file has no `syntax` (or `edition`) statement: a proto2 file whose source
/// info has no location for one.
pub fn syntax_unspecified(file: &crate::schema::Proto) -> bool {
    use crate::descriptor::tag;
    if !matches!(file.syntax(), "" | "proto2") {
        return false;
    }
    let stated = |info: &prost_types::SourceCodeInfo| {
        info.location
            .iter()
            .any(|l| l.path == [tag::FILE_SYNTAX] || l.path == [tag::FILE_EDITION])
    };
    !(file.source_code_info.as_ref().is_some_and(stated)
        || file.extra_info().as_ref().is_some_and(stated))
}

/// The `import option` files of `text` (edition 2024), as named.
pub fn option_imports(text: &str) -> Vec<String> {
    super::import_option::option_imports(text)
        .into_iter()
        .map(|(_, name)| name)
        .collect()
}

/// An encoded `FileDescriptorProto` with its `import option` files (`names`) moved from
/// `dependency` (field 3, where the compiler lists them) to `option_dependency` (field 15), as
/// buf writes them. A file with public or weak imports, whose indexes would shift, is left as it
/// is.
pub fn move_option_imports(bytes: Vec<u8>, names: &[String]) -> Vec<u8> {
    use prost::encoding::{encode_key, encode_varint, WireType};
    let Some(all) = fields(&bytes) else {
        return bytes;
    };
    if names.is_empty() || all.iter().any(|(n, _, _)| matches!(n, 10 | 11)) {
        return bytes;
    }
    let mut left: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut out: Vec<(u64, Vec<u8>)> = Vec::new();
    for (number, raw, payload) in all {
        let name = payload.and_then(|p| std::str::from_utf8(p).ok());
        match name.and_then(|name| left.iter().position(|n| *n == name)) {
            Some(at) if number == 3 => {
                let name = left.remove(at);
                let mut field = Vec::new();
                encode_key(15, WireType::LengthDelimited, &mut field);
                encode_varint(name.len() as u64, &mut field);
                field.extend_from_slice(name.as_bytes());
                out.push((15, field));
            }
            _ => out.push((number, raw.to_vec())),
        }
    }
    out.sort_by_key(|(number, _)| *number);
    out.into_iter().flat_map(|(_, field)| field).collect()
}

/// The kind of the element at `path` (pairs of a field number and an index from the file).
fn kind_at(path: &[i32]) -> Option<Kind> {
    path.chunks(2)
        .try_fold(Kind::File, |kind, pair| kind.child(pair[0] as u64))
}

/// Extensions by their extendee's full name (no leading dot) and number.
pub(super) type Unpacked = std::collections::HashSet<(String, u64)>;

/// The repeated varint extensions of an options message declared `[packed = false]`: the
/// compiler encodes an option before the extension's own options are read, so such an option
/// (googleapis' `google.api.field_behavior`, declared in a proto3 file) came out packed; buf
/// writes it unpacked, as its declaration says. By extendee and number, as an extension of
/// another options message may take the same number with another type.
pub(super) fn unpacked_extensions(schema: &crate::schema::Schema) -> Unpacked {
    use prost_types::field_descriptor_proto::{Label, Type};
    let mut out = Unpacked::new();
    for file in &schema.files {
        for (_, field, _) in crate::descriptor::walk::extensions(file) {
            let varint = matches!(
                field.r#type(),
                Type::Enum | Type::Int32 | Type::Int64 | Type::Uint32 | Type::Uint64 | Type::Bool
            );
            let options_extendee = field.extendee().starts_with(".google.protobuf.")
                && field.extendee().ends_with("Options");
            if field.label() == Label::Repeated
                && varint
                && options_extendee
                && field.options.as_ref().and_then(|o| o.packed) == Some(false)
            {
                let extendee = field.extendee().trim_start_matches('.');
                out.insert((extendee.to_string(), field.number() as u64));
            }
        }
    }
    out
}

/// `options`, a message `extendee` (full name), with its packed fields among `unpacked`
/// written one varint each.
fn unpack(options: &[u8], extendee: &str, unpacked: &Unpacked) -> Vec<u8> {
    use prost::encoding::{decode_varint, encode_key, encode_varint, WireType};
    let Some(all) = fields(options) else {
        return options.to_vec();
    };
    let mut out = Vec::with_capacity(options.len() + 8);
    for (number, raw, payload) in all {
        match payload {
            Some(mut packed) if unpacked.contains(&(extendee.to_string(), number)) => {
                let mut values = Vec::new();
                while !packed.is_empty() {
                    match decode_varint(&mut packed) {
                        Ok(value) => values.push(value),
                        Err(_) => {
                            values.clear();
                            break;
                        }
                    }
                }
                if values.is_empty() {
                    out.extend_from_slice(raw);
                }
                for value in values {
                    encode_key(number as u32, WireType::Varint, &mut out);
                    encode_varint(value, &mut out);
                }
            }
            _ => out.extend_from_slice(raw),
        }
    }
    out
}

/// The full name of the options message of an element of `kind`.
fn options_message(kind: Kind) -> &'static str {
    match kind {
        Kind::File => "google.protobuf.FileOptions",
        Kind::Message => "google.protobuf.MessageOptions",
        Kind::Field => "google.protobuf.FieldOptions",
        Kind::Oneof => "google.protobuf.OneofOptions",
        Kind::ExtensionRange => "google.protobuf.ExtensionRangeOptions",
        Kind::Enum => "google.protobuf.EnumOptions",
        Kind::EnumValue => "google.protobuf.EnumValueOptions",
        Kind::Service => "google.protobuf.ServiceOptions",
        Kind::Method => "google.protobuf.MethodOptions",
    }
}

/// An options message with the message values of its options (`(google.api.http) = { ... }`)
/// in the order Go writes a message's fields: extensions, then fields outside a oneof by
/// number, then those of each oneof (in declaration order), then unknown fields.
fn go_sorted_values(options: &[u8], kind: Kind, pool: &prost_reflect::DescriptorPool) -> Vec<u8> {
    let name = options_message(kind);
    let (Some(all), Some(message)) = (fields(options), pool.get_message_by_name(name)) else {
        return options.to_vec();
    };
    let mut out = Vec::with_capacity(options.len());
    for (number, raw, payload) in all {
        let target = message.get_extension(number as u32);
        match (payload, target.map(|e| e.kind())) {
            (Some(payload), Some(prost_reflect::Kind::Message(desc))) => {
                put_message(&mut out, number, &go_sorted(payload, &desc));
            }
            _ => out.extend_from_slice(raw),
        }
    }
    out
}

fn put_message(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    use prost::encoding::{encode_key, encode_varint, WireType};
    encode_key(number as u32, WireType::LengthDelimited, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// A message of type `desc` with its fields in Go's order (see [`go_sorted_values`]), message
/// values within it too.
fn go_sorted(bytes: &[u8], desc: &prost_reflect::MessageDescriptor) -> Vec<u8> {
    let Some(all) = fields(bytes) else {
        return bytes.to_vec();
    };
    let mut keyed: Vec<((u8, usize, u64), Vec<u8>)> = Vec::with_capacity(all.len());
    for (number, raw, payload) in all {
        let (key, kind) = if let Some(field) = desc.get_field(number as u32) {
            let oneof = field
                .containing_oneof()
                .filter(|o| !o.is_synthetic())
                .and_then(|o| desc.oneofs().position(|x| x.name() == o.name()));
            let key = match oneof {
                Some(index) => (2, index, number),
                None => (1, 0, number),
            };
            (key, Some(field.kind()))
        } else if let Some(extension) = desc.get_extension(number as u32) {
            ((0, 0, number), Some(extension.kind()))
        } else {
            ((3, 0, number), None)
        };
        let field = match (payload, kind) {
            (Some(payload), Some(prost_reflect::Kind::Message(inner))) => {
                let mut field = Vec::new();
                put_message(&mut field, number, &go_sorted(payload, &inner));
                field
            }
            _ => raw.to_vec(),
        };
        keyed.push((key, field));
    }
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().flat_map(|(_, field)| field).collect()
}
