//! Editions in descriptor sets, at the wire level: prost-types has no `edition` field and no
//! `features`, so an image's editions data is read from its bytes into an [`Editions`] table,
//! and `sous build` writes it back into the bytes of each file it encodes.

use std::collections::{BTreeMap, HashMap};

use prost::encoding::{encode_key, encode_varint, WireType};
use prost::Message as _;
use prost_types::field_descriptor_proto::Label;
use prost_types::{DescriptorProto, FileDescriptorProto};

use super::features::{self, Edition};
pub use super::raw_options::RawOptions;
use super::Editions;
use crate::schema::image::fields;

/// `FileDescriptorProto.edition`.
const EDITION: u64 = 14;

fn edition_number(edition: Edition) -> u64 {
    match edition {
        Edition::E2023 => 1000,
        Edition::E2024 => 1001,
        Edition::E2026 => 1002,
        Edition::Unstable => 9999,
    }
}

/// What kind of element a message of the walk is, which says where its children and options
/// are.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    File,
    Message,
    Field,
    Oneof,
    ExtensionRange,
    Enum,
    EnumValue,
    Service,
    Method,
}

impl Kind {
    /// The element kinds below this one, by field number.
    pub(super) fn child(self, number: u64) -> Option<Kind> {
        Some(match (self, number) {
            (Kind::File, 4) | (Kind::Message, 3) => Kind::Message,
            (Kind::File, 5) | (Kind::Message, 4) => Kind::Enum,
            (Kind::File, 6) => Kind::Service,
            (Kind::File, 7) | (Kind::Message, 2 | 6) => Kind::Field,
            (Kind::Message, 5) => Kind::ExtensionRange,
            (Kind::Message, 8) => Kind::Oneof,
            (Kind::Enum, 2) => Kind::EnumValue,
            (Kind::Service, 2) => Kind::Method,
            _ => return None,
        })
    }

    /// The field number of the element's options, and of `features` in them.
    pub(super) fn options(self) -> (u64, u64) {
        match self {
            Kind::File => (8, 50),
            Kind::Message => (7, 12),
            Kind::Field => (8, 21),
            Kind::Oneof => (2, 1),
            Kind::ExtensionRange => (3, 50),
            Kind::Enum => (3, 7),
            Kind::EnumValue => (3, 2),
            Kind::Service => (3, 34),
            Kind::Method => (4, 35),
        }
    }
}

/// The edition and explicit features of an encoded `FileDescriptorProto`; `None` for a proto2 or
/// proto3 file (or bytes that do not read).
pub fn read_file(bytes: &[u8], file: &FileDescriptorProto) -> Option<Editions> {
    let mut edition = None;
    for (number, raw, _) in fields(bytes)? {
        if number == EDITION {
            edition = match varint_of(raw)? {
                1000 => Some(Edition::E2023),
                1001 => Some(Edition::E2024),
                1002 => Some(Edition::E2026),
                _ => None,
            };
        }
    }
    let edition = edition?;
    let mut explicit = HashMap::new();
    walk(bytes, Kind::File, &mut Vec::new(), &mut explicit);
    let mut editions = Editions {
        edition,
        explicit,
        parents: HashMap::new(),
    };
    super::parents(file, &mut editions.parents);
    Some(editions)
}

/// The value of a varint field from its raw bytes (key included).
fn varint_of(raw: &[u8]) -> Option<u64> {
    let mut bytes = raw;
    let _key = prost::encoding::decode_varint(&mut bytes).ok()?;
    prost::encoding::decode_varint(&mut bytes).ok()
}

/// Collects the features of the element encoded in `bytes` and of everything below it.
fn walk(
    bytes: &[u8],
    kind: Kind,
    path: &mut Vec<i32>,
    out: &mut HashMap<Vec<i32>, BTreeMap<String, String>>,
) {
    let Some(all) = fields(bytes) else {
        return;
    };
    let mut counts: HashMap<u64, i32> = HashMap::new();
    let (options, features_number) = kind.options();
    for (number, _, payload) in all {
        let Some(payload) = payload else {
            continue;
        };
        if number == options {
            for (n, _, inner) in fields(payload).unwrap_or_default() {
                if n == features_number {
                    let set = out.entry(path.clone()).or_default();
                    read_feature_set(inner.unwrap_or_default(), set);
                }
            }
        } else if let Some(child) = kind.child(number) {
            let index = counts.entry(number).or_default();
            path.extend([number as i32, *index]);
            *index += 1;
            walk(payload, child, path, out);
            path.truncate(path.len() - 2);
        }
    }
}

/// The features a `FeatureSet` encodes, by key.
fn read_feature_set(bytes: &[u8], out: &mut BTreeMap<String, String>) {
    for (number, raw, payload) in fields(bytes).unwrap_or_default() {
        match payload {
            None => {
                let found = features::FEATURES
                    .iter()
                    .find(|f| f.extension.is_none() && f.numbers == [number as i32]);
                if let (Some(feature), Some(value)) = (found, varint_of(raw)) {
                    if let Some(name) = feature.value_of(value) {
                        out.insert(feature.key(), name.to_string());
                    }
                }
            }
            Some(language) => {
                for (inner, raw, _) in fields(language).unwrap_or_default() {
                    let found = features::FEATURES
                        .iter()
                        .find(|f| f.numbers == [number as i32, inner as i32]);
                    if let (Some(feature), Some(value)) = (found, varint_of(raw)) {
                        if let Some(name) = feature.value_of(value) {
                            out.insert(feature.key(), name.to_string());
                        }
                    }
                }
            }
        }
    }
}

/// An editions file as an image holds it: lowered for the compiler and the rules (a
/// `LEGACY_REQUIRED` field is `required`), its syntax `editions`.
pub fn lower_read(file: &mut FileDescriptorProto, editions: &Editions) {
    for_fields(file, &mut |field, path| {
        if field.label() == Label::Optional
            && editions.resolve(path, "field_presence") == "LEGACY_REQUIRED"
        {
            field.set_label(Label::Required);
        }
    });
}

/// The encoding of an editions file as buf writes it: `edition` set, every explicit feature in
/// its element's options, and `LEGACY_REQUIRED` fields labelled `optional` again.
pub fn encode_file(
    file: &FileDescriptorProto,
    editions: &Editions,
    raw: Option<&RawOptions>,
) -> Vec<u8> {
    let mut file = file.clone();
    for_fields(&mut file, &mut |field, path| {
        if field.label() == Label::Required
            && editions.resolve(path, "field_presence") == "LEGACY_REQUIRED"
        {
            field.set_label(Label::Optional);
        }
    });
    // buf parity: the `edition` statement's location has the path of `syntax`, as in buf's
    // images (the parser gives it `edition`'s).
    for location in file
        .source_code_info
        .iter_mut()
        .flat_map(|info| &mut info.location)
    {
        if location.path == [crate::descriptor::tag::FILE_EDITION] {
            location.path = vec![crate::descriptor::tag::FILE_SYNTAX];
        }
    }
    let bytes = file.encode_to_vec();
    let empty = RawOptions::default();
    let raw = raw.unwrap_or(&empty);
    let mut out = rewrite(&bytes, Kind::File, &mut Vec::new(), editions, raw).unwrap_or(bytes);
    encode_key(EDITION as u32, WireType::Varint, &mut out);
    encode_varint(edition_number(editions.edition), &mut out);
    out
}

/// `bytes` of the element at `path` with the features of it and its children written into
/// their options (a second `options` field, which decoders merge into the first).
pub(super) fn rewrite(
    bytes: &[u8],
    kind: Kind,
    path: &mut Vec<i32>,
    editions: &Editions,
    options_of: &RawOptions,
) -> Option<Vec<u8>> {
    // The element's fields, each with its number, in the order they are written.
    let mut out: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut counts: HashMap<u64, i32> = HashMap::new();
    let (options, features_number) = kind.options();
    // The compiler's own encoding of the element's options (custom options and all), in place
    // of prost-types' encoding of them; else prost-types' (all `options` fields, merged).
    let mut options_bytes: Option<Vec<u8>> = options_of.get(path.as_slice()).map(<[u8]>::to_vec);
    let own = options_bytes.is_some();
    for (number, raw, payload) in fields(bytes)? {
        match (kind.child(number), payload) {
            (_, Some(payload)) if number == options => {
                if !own {
                    options_bytes
                        .get_or_insert_with(Vec::new)
                        .extend_from_slice(payload);
                }
            }
            (Some(child), Some(payload)) => {
                let index = counts.entry(number).or_default();
                path.extend([number as i32, *index]);
                *index += 1;
                let inner = rewrite(payload, child, path, editions, options_of)?;
                path.truncate(path.len() - 2);
                let mut field = Vec::with_capacity(inner.len() + 4);
                encode_key(number as u32, WireType::LengthDelimited, &mut field);
                encode_varint(inner.len() as u64, &mut field);
                field.extend_from_slice(&inner);
                out.push((number, field));
            }
            _ => out.push((number, raw.to_vec())),
        }
    }
    let has_features = options_bytes.as_deref().is_some_and(|bytes| {
        fields(bytes)
            .unwrap_or_default()
            .iter()
            .any(|(n, _, _)| *n == features_number)
    });
    if let Some(set) = editions
        .explicit
        .get(path.as_slice())
        .filter(|s| !s.is_empty() && !has_features)
    {
        let features = go_order(&encode_feature_set(set));
        let bytes = options_bytes.get_or_insert_with(Vec::new);
        encode_key(features_number as u32, WireType::LengthDelimited, bytes);
        encode_varint(features.len() as u64, bytes);
        bytes.extend_from_slice(&features);
    }
    if let Some(bytes) = options_bytes {
        let bytes = go_order(&bytes);
        let mut field = Vec::with_capacity(bytes.len() + 4);
        encode_key(options as u32, WireType::LengthDelimited, &mut field);
        encode_varint(bytes.len() as u64, &mut field);
        field.extend_from_slice(&bytes);
        out.push((options, field));
    }
    out.extend(options_of.extra(path).iter().cloned());
    // Fields in number order, as buf (Go) writes a message; a repeated field's elements keep
    // their order.
    out.sort_by_key(|(number, _)| *number);
    Some(out.into_iter().flat_map(|(_, field)| field).collect())
}

/// The fields of an options message (or a `FeatureSet`) in the order buf writes them: Go's
/// encoder writes extensions (numbers from 1000) first, then the other fields, each in number
/// order; a repeated field's elements keep their order. Bytes that do not read stay as they are.
fn go_order(bytes: &[u8]) -> Vec<u8> {
    let Some(mut all) = fields(bytes) else {
        return bytes.to_vec();
    };
    all.sort_by_key(|(number, _, _)| (*number < 1000, *number));
    all.into_iter()
        .flat_map(|(_, raw, _)| raw.to_vec())
        .collect()
}

/// A `FeatureSet` of the features `set` gives values to.
fn encode_feature_set(set: &BTreeMap<String, String>) -> Vec<u8> {
    let mut core = Vec::new();
    let mut languages: BTreeMap<i32, Vec<u8>> = BTreeMap::new();
    for (key, value) in set {
        let Some(feature) = features::by_key(key) else {
            continue;
        };
        let Some(number) = feature.number_of(value) else {
            continue;
        };
        match feature.numbers {
            [field] => put_varint(&mut core, *field, number),
            [extension, field] => {
                put_varint(languages.entry(*extension).or_default(), *field, number)
            }
            _ => {}
        }
    }
    for (extension, bytes) in languages {
        encode_key(extension as u32, WireType::LengthDelimited, &mut core);
        encode_varint(bytes.len() as u64, &mut core);
        core.extend_from_slice(&bytes);
    }
    core
}

fn put_varint(out: &mut Vec<u8>, field: i32, value: u64) {
    encode_key(field as u32, WireType::Varint, out);
    encode_varint(value, out);
}

/// Calls `f` on every field of a message of `file` (not extensions, which cannot be required),
/// with its path.
fn for_fields(
    file: &mut FileDescriptorProto,
    f: &mut dyn FnMut(&mut prost_types::FieldDescriptorProto, &[i32]),
) {
    fn message(
        m: &mut DescriptorProto,
        path: &mut Vec<i32>,
        f: &mut dyn FnMut(&mut prost_types::FieldDescriptorProto, &[i32]),
    ) {
        for (i, field) in m.field.iter_mut().enumerate() {
            path.extend([2, i as i32]);
            f(field, path);
            path.truncate(path.len() - 2);
        }
        for (j, nested) in m.nested_type.iter_mut().enumerate() {
            path.extend([3, j as i32]);
            message(nested, path, f);
            path.truncate(path.len() - 2);
        }
    }
    for (i, m) in file.message_type.iter_mut().enumerate() {
        message(m, &mut vec![4, i as i32], f);
    }
}

/// One file encoded, an editions file with its edition and features (see [`encode_file`]),
/// with its options as the compiler encoded them where `raw` has them.
fn encode_one(
    file: &FileDescriptorProto,
    editions: Option<&Editions>,
    raw: Option<&RawOptions>,
) -> Vec<u8> {
    match (editions, raw) {
        (Some(table), _) => encode_file(file, table, raw),
        (None, Some(own)) => {
            let bytes = file.encode_to_vec();
            let plain = Editions::plain();
            rewrite(&bytes, Kind::File, &mut Vec::new(), &plain, own).unwrap_or(bytes)
        }
        (None, None) => file.encode_to_vec(),
    }
}

/// The image `sous build` writes of `schema` (without its imports, or without source info, as
/// asked): editions files with their edition and features, every file's options as the
/// compiler encoded them, and buf's extensions. One file is copied out and encoded at a time,
/// so that the image is the only second copy of the schema held.
pub fn encode_image(
    schema: &crate::schema::Schema,
    exclude_imports: bool,
    exclude_source_info: bool,
) -> Vec<u8> {
    let unpacked = super::raw_options::unpacked_extensions(schema);
    let targets = schema.target_names();
    let mut out = Vec::new();
    for compiled in &schema.files {
        let is_import = !targets.contains(compiled.name());
        if exclude_imports && is_import {
            continue;
        }
        let raw = super::raw_options::of_file(schema, compiled, &unpacked);
        let editions = schema.editions.get(compiled.name()).map(|table| &**table);
        let mut bytes = {
            let mut file = compiled.to_owned_proto();
            if exclude_source_info {
                file.source_code_info = None;
            }
            encode_one(&file, editions, raw.as_ref())
        };
        if let Some(source) = schema.sources.get(compiled.name()) {
            let names = super::raw_options::option_imports(&source.text);
            bytes = super::raw_options::move_option_imports(bytes, &names);
        }
        let unspecified = super::raw_options::syntax_unspecified(compiled);
        let unused = crate::schema::imports_used::unused(schema, compiled);
        bytes = super::buf_extension::put_source_info_extension(bytes, unspecified, &unused);
        super::buf_extension::put_buf_extension(&mut bytes, is_import, unspecified, &unused);
        encode_key(1, WireType::LengthDelimited, &mut out);
        encode_varint(bytes.len() as u64, &mut out);
        out.extend_from_slice(&bytes);
    }
    out
}
