//! Which files a file's custom options come from: the files that define the options it sets,
//! and the `Any` types inside option values. The prost-types structs drop custom options, so
//! they are read from the prost-reflect pool the file was compiled in. Lint's IMPORT_USED needs
//! them; the compiler reads them before it lets a pool go.

use std::collections::BTreeSet;

use prost_reflect::{DescriptorPool, DynamicMessage, ReflectMessage, Value};
use prost_types::FileDescriptorProto;

use crate::descriptor::tag;

/// The files that define the custom options (and `Any` types in option values) that `file`
/// sets, read from the pool it was compiled in.
pub fn option_imports(pool: &DescriptorPool, file: &FileDescriptorProto) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    option_files(pool, file.name(), &mut out);
    range_option_files(pool, file, &mut out);
    out
}

/// The files defining the custom options (and the `Any` types in option values) that `file` sets.
fn option_files(pool: &DescriptorPool, file: &str, out: &mut BTreeSet<String>) {
    let Some(fd) = pool.get_file_by_name(file) else {
        return;
    };
    // Only elements that set options are decoded: an element without any (most of them) has
    // nothing to add, and decoding its empty options costs a lookup and a message each.
    let mut options = Vec::new();
    if fd.file_descriptor_proto().options.is_some() {
        options.push(fd.options());
    }
    let mut messages: Vec<_> = fd.messages().collect();
    let mut enums: Vec<_> = fd.enums().collect();
    let field_options = |f: prost_reflect::FieldDescriptor| {
        f.field_descriptor_proto()
            .options
            .is_some()
            .then(|| f.options())
    };
    let extension_options = |e: prost_reflect::ExtensionDescriptor| {
        e.field_descriptor_proto()
            .options
            .is_some()
            .then(|| e.options())
    };
    options.extend(fd.extensions().filter_map(extension_options));
    while let Some(m) = messages.pop() {
        if m.descriptor_proto().options.is_some() {
            options.push(m.options());
        }
        options.extend(m.fields().filter_map(field_options));
        options.extend(
            m.oneofs().filter_map(|o| {
                (o.oneof_descriptor_proto().options.is_some()).then(|| o.options())
            }),
        );
        options.extend(m.child_extensions().filter_map(extension_options));
        enums.extend(m.child_enums());
        messages.extend(m.child_messages());
    }
    for e in enums {
        if e.enum_descriptor_proto().options.is_some() {
            options.push(e.options());
        }
        options.extend(e.values().filter_map(|v| {
            (v.enum_value_descriptor_proto().options.is_some()).then(|| v.options())
        }));
    }
    for s in fd.services() {
        if s.service_descriptor_proto().options.is_some() {
            options.push(s.options());
        }
        options.extend(
            s.methods().filter_map(|m| {
                (m.method_descriptor_proto().options.is_some()).then(|| m.options())
            }),
        );
    }
    for o in &options {
        message_files(pool, o, out);
    }
}

/// Extension range options (`extensions 1 to 9 [(opt) = ...]`), which prost-reflect does not
/// expose: their option statements' source paths end in the extension's number.
fn range_option_files(
    pool: &DescriptorPool,
    file: &FileDescriptorProto,
    out: &mut BTreeSet<String>,
) {
    let Some(options) = pool.get_message_by_name("google.protobuf.ExtensionRangeOptions") else {
        return;
    };
    let Some(info) = &file.source_code_info else {
        return;
    };
    for location in &info.location {
        // [4, i, (3, k)*, 5, j, 3, number, ...]: an option of an extension range of a message.
        let p = &location.path;
        if p.first() != Some(&tag::FILE_MESSAGE_TYPE) {
            continue;
        }
        let mut at = 2;
        while p.get(at) == Some(&tag::MESSAGE_NESTED_TYPE) {
            at += 2;
        }
        if let Some(&[tag::MESSAGE_EXTENSION_RANGE, _, tag::EXTENSION_RANGE_OPTIONS, number, ..]) =
            p.get(at..)
        {
            if let Some(ext) = options.get_extension(number as u32) {
                out.insert(ext.parent_file().name().to_string());
            }
        }
    }
}

fn message_files(pool: &DescriptorPool, message: &DynamicMessage, out: &mut BTreeSet<String>) {
    if message.descriptor().full_name() == "google.protobuf.Any" {
        let url = message.get_field_by_name("type_url");
        let bytes = message.get_field_by_name("value");
        if let (Some(Value::String(url)), Some(Value::Bytes(bytes))) =
            (url.as_deref(), bytes.as_deref())
        {
            let name = url.rsplit('/').next().unwrap_or(url);
            if let Some(desc) = pool.get_message_by_name(name) {
                out.insert(desc.parent_file().name().to_string());
                if let Ok(inner) = DynamicMessage::decode(desc, bytes.clone()) {
                    message_files(pool, &inner, out);
                }
            }
        }
        return;
    }
    for (_, value) in message.fields() {
        value_files(pool, value, out);
    }
    for (ext, value) in message.extensions() {
        out.insert(ext.parent_file().name().to_string());
        value_files(pool, value, out);
    }
}

fn value_files(pool: &DescriptorPool, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Message(m) => message_files(pool, m, out),
        Value::List(values) => values.iter().for_each(|v| value_files(pool, v, out)),
        Value::Map(map) => map.values().for_each(|v| value_files(pool, v, out)),
        _ => {}
    }
}
