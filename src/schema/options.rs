//! Which files a file's custom options come from: the files that define the options it sets,
//! and the `Any` types inside option values. The prost-types structs drop custom options, so
//! they are read from the prost-reflect pool the file was compiled in. Lint's IMPORT_USED needs
//! them; the compiler reads them before it lets a pool go.

use std::collections::BTreeSet;

use prost_reflect::{
    DescriptorPool, DynamicMessage, EnumDescriptor, EnumValueDescriptor, ExtensionDescriptor,
    FieldDescriptor, FileDescriptor, Kind, MessageDescriptor, MethodDescriptor, OneofDescriptor,
    ReflectMessage, ServiceDescriptor, Value,
};
use prost_types::FileDescriptorProto;

use super::image::fields;
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
    // Only elements that set options are read: an element without any (most of them) has
    // nothing to add, and reading its empty options costs a lookup each.
    let mut options = Vec::new();
    if fd.file_descriptor_proto().options.is_some() {
        options.push(Element::File(fd.clone()));
    }
    let mut messages: Vec<_> = fd.messages().collect();
    let mut enums: Vec<_> = fd.enums().collect();
    let field_options = |f: FieldDescriptor| {
        (f.field_descriptor_proto().options.is_some()).then_some(Element::Field(f))
    };
    let extension_options = |e: ExtensionDescriptor| {
        (e.field_descriptor_proto().options.is_some()).then_some(Element::Extension(e))
    };
    options.extend(fd.extensions().filter_map(extension_options));
    while let Some(m) = messages.pop() {
        if m.descriptor_proto().options.is_some() {
            options.push(Element::Message(m.clone()));
        }
        options.extend(m.fields().filter_map(field_options));
        options.extend(m.oneofs().filter_map(|o| {
            (o.oneof_descriptor_proto().options.is_some()).then_some(Element::Oneof(o))
        }));
        options.extend(m.child_extensions().filter_map(extension_options));
        enums.extend(m.child_enums());
        messages.extend(m.child_messages());
    }
    for e in enums {
        if e.enum_descriptor_proto().options.is_some() {
            options.push(Element::Enum(e.clone()));
        }
        options.extend(e.values().filter_map(|v| {
            (v.enum_value_descriptor_proto().options.is_some()).then_some(Element::Value(v))
        }));
    }
    for s in fd.services() {
        if s.service_descriptor_proto().options.is_some() {
            options.push(Element::Service(s.clone()));
        }
        options.extend(s.methods().filter_map(|m| {
            (m.method_descriptor_proto().options.is_some()).then_some(Element::Method(m))
        }));
    }
    // Each element's options are read from their bytes (see `scan`); should that fail, they
    // are decoded, as before.
    let mut descriptors: std::collections::HashMap<&str, Option<MessageDescriptor>> =
        Default::default();
    let mut found = Vec::new();
    for element in &options {
        let name = element.options_name();
        let desc = descriptors.entry(name).or_insert_with(|| {
            pool.get_message_by_name(name)
                .or_else(|| DescriptorPool::global().get_message_by_name(name))
        });
        found.clear();
        let scanned =
            (desc.as_ref()).and_then(|desc| scan(pool, desc, element.encoded(), &mut found));
        match scanned {
            Some(()) => {
                for file in found.drain(..) {
                    if !out.contains(file.name()) {
                        out.insert(file.name().to_string());
                    }
                }
            }
            None => message_files(pool, &element.options(), out),
        }
    }
}

/// An element that sets options.
enum Element {
    File(FileDescriptor),
    Message(MessageDescriptor),
    Field(FieldDescriptor),
    Extension(ExtensionDescriptor),
    Oneof(OneofDescriptor),
    Enum(EnumDescriptor),
    Value(EnumValueDescriptor),
    Service(ServiceDescriptor),
    Method(MethodDescriptor),
}

impl Element {
    /// The full name of its options message.
    fn options_name(&self) -> &'static str {
        match self {
            Element::File(_) => "google.protobuf.FileOptions",
            Element::Message(_) => "google.protobuf.MessageOptions",
            Element::Field(_) | Element::Extension(_) => "google.protobuf.FieldOptions",
            Element::Oneof(_) => "google.protobuf.OneofOptions",
            Element::Enum(_) => "google.protobuf.EnumOptions",
            Element::Value(_) => "google.protobuf.EnumValueOptions",
            Element::Service(_) => "google.protobuf.ServiceOptions",
            Element::Method(_) => "google.protobuf.MethodOptions",
        }
    }

    fn encoded(&self) -> &[u8] {
        match self {
            Element::File(e) => e.encoded_options(),
            Element::Message(e) => e.encoded_options(),
            Element::Field(e) => e.encoded_options(),
            Element::Extension(e) => e.encoded_options(),
            Element::Oneof(e) => e.encoded_options(),
            Element::Enum(e) => e.encoded_options(),
            Element::Value(e) => e.encoded_options(),
            Element::Service(e) => e.encoded_options(),
            Element::Method(e) => e.encoded_options(),
        }
    }

    fn options(&self) -> DynamicMessage {
        match self {
            Element::File(e) => e.options(),
            Element::Message(e) => e.options(),
            Element::Field(e) => e.options(),
            Element::Extension(e) => e.options(),
            Element::Oneof(e) => e.options(),
            Element::Enum(e) => e.options(),
            Element::Value(e) => e.options(),
            Element::Service(e) => e.options(),
            Element::Method(e) => e.options(),
        }
    }
}

/// The files [`message_files`] finds in a `desc` message, read from its protobuf bytes without
/// decoding it into a dynamic message (a map or list of dynamic values per element was most of
/// what IMPORT_USED cost): the files of the extensions set, and of the `Any` types, at any
/// depth. `None` where the bytes hold what a decoded message would treat otherwise (a map, a
/// group, a message field not written as one, bytes that do not read): the caller decodes then.
fn scan(
    pool: &DescriptorPool,
    desc: &MessageDescriptor,
    bytes: &[u8],
    out: &mut Vec<FileDescriptor>,
) -> Option<()> {
    let mut found = Vec::new();
    if desc.full_name() == "google.protobuf.Any" {
        // The last of each field counts, as when decoded.
        let (mut url, mut value): (&[u8], &[u8]) = (&[], &[]);
        for (number, _, payload) in fields(bytes)? {
            match (number, payload) {
                (1, Some(payload)) => url = payload,
                (2, Some(payload)) => value = payload,
                (1 | 2, None) => return None,
                _ => {}
            }
        }
        let url = std::str::from_utf8(url).ok()?;
        let name = url.rsplit('/').next().unwrap_or(url);
        if let Some(inner) = pool.get_message_by_name(name) {
            found.push(inner.parent_file());
            scan(pool, &inner, value, &mut found)?;
        }
        out.extend(found);
        return Some(());
    }
    for (number, _, payload) in fields(bytes)? {
        let number = u32::try_from(number).ok()?;
        let kind = if let Some(field) = desc.get_field(number) {
            // A decoded message keeps one member of a oneof (the last set): a message member
            // is left to it.
            let in_oneof = field.containing_oneof().is_some();
            if field.is_map() || field.is_group() || in_oneof && field.kind().as_message().is_some()
            {
                return None;
            }
            field.kind()
        } else if let Some(extension) = desc.get_extension(number) {
            if extension.is_group() {
                return None;
            }
            found.push(extension.parent_file());
            extension.kind()
        } else {
            // Unknown: a decoded message keeps it apart, and no file comes of it.
            continue;
        };
        if let Kind::Message(message) = kind {
            // Not length-delimited: a message written another way.
            scan(pool, &message, payload?, &mut found)?;
        }
    }
    out.extend(found);
    Some(())
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Arc;

    use super::{message_files, option_imports, scan, Element};
    use crate::config::Workspace;
    use crate::input::FileSet;
    use crate::schema::{compile, CompileOptions, PoolPolicy, Purpose};

    /// The byte scan finds what decoding the options finds (extensions at any depth, `Any`
    /// values, repeated and nested messages), and leaves maps to the decoding.
    #[test]
    fn reading_the_bytes_finds_what_decoding_finds() {
        let files = [
            (
                "opts/a.proto",
                "syntax = \"proto3\";\npackage opts;\nimport \"google/protobuf/descriptor.proto\";\nimport \"google/protobuf/any.proto\";\nmessage Rule {\n  string name = 1;\n  repeated Rule nested = 2;\n  google.protobuf.Any detail = 3;\n  map<string, Rule> by_name = 4;\n  extensions 100 to 200;\n}\nextend google.protobuf.FieldOptions {\n  Rule rule = 50001;\n  repeated int32 tags = 50002;\n}\nextend google.protobuf.MessageOptions {\n  Rule mrule = 50001;\n}\n",
            ),
            (
                "opts/b.proto",
                "syntax = \"proto2\";\npackage opts.b;\nimport \"opts/a.proto\";\nmessage Extra {\n  optional string note = 1;\n}\nextend opts.Rule {\n  optional Extra extra = 100;\n}\n",
            ),
            (
                "opts/c.proto",
                "syntax = \"proto3\";\npackage opts.c;\nmessage Payload {\n  string text = 1;\n}\n",
            ),
            (
                "use/u.proto",
                "syntax = \"proto3\";\npackage use;\nimport \"opts/a.proto\";\nimport \"opts/b.proto\";\nimport \"opts/c.proto\";\nmessage M {\n  option (opts.mrule) = { name: \"m\" by_name { key: \"k\" value { [opts.b.extra] { note: \"n\" } } } };\n  string a = 1 [(opts.rule) = { name: \"x\" nested { nested { [opts.b.extra] { note: \"deep\" } } } }, (opts.tags) = 1, (opts.tags) = 2];\n  string b = 2 [(opts.rule) = { detail { [type.googleapis.com/opts.c.Payload] { text: \"p\" } } }, deprecated = true];\n  string c = 3 [deprecated = true];\n}\n",
            ),
        ];
        let blobs: BTreeMap<String, Arc<[u8]>> = files
            .iter()
            .map(|(name, text)| (name.to_string(), Arc::from(text.as_bytes())))
            .collect();
        let ws = Workspace::default_at(std::path::Path::new("."));
        let set = FileSet::from_blobs(&ws, &blobs, &|p: &str| p.to_string()).expect("a file set");
        let mut options = CompileOptions::new(Purpose::Lint, &[]);
        options.pools = Some(PoolPolicy {
            keep_up_to: usize::MAX,
            keep_holding: Vec::new(),
        });
        let schema = compile(&set, &options).expect("compiles");
        assert!(schema.errors.is_empty(), "{:?}", schema.errors);
        let pool = schema.pool("use/u.proto").expect("a pool kept");
        let file = pool.get_file_by_name("use/u.proto").expect("compiled");
        let message = file.messages().next().expect("a message");
        let mut elements = vec![Element::Message(message.clone())];
        elements.extend(message.fields().map(Element::Field));
        let (mut scanned_all, mut decoded_all) = (0, 0);
        for element in &elements {
            let desc = pool
                .get_message_by_name(element.options_name())
                .expect("descriptor.proto is imported");
            let mut found = Vec::new();
            let scanned = scan(pool, &desc, element.encoded(), &mut found).map(|()| {
                (found.iter())
                    .map(|f| f.name().to_string())
                    .collect::<BTreeSet<_>>()
            });
            let mut decoded = BTreeSet::new();
            message_files(pool, &element.options(), &mut decoded);
            decoded_all += decoded.len();
            if let Some(scanned) = scanned {
                assert_eq!(scanned, decoded);
                scanned_all += scanned.len();
            }
        }
        // The message's option holds a map: decoded, not scanned. The fields' are scanned.
        assert!(matches!(&elements[0], Element::Message(m) if {
            let desc = pool.get_message_by_name("google.protobuf.MessageOptions").unwrap();
            scan(pool, &desc, m.encoded_options(), &mut Vec::new()).is_none()
        }));
        assert_eq!(scanned_all, 4, "a: a.proto, b.proto; b: a.proto, c.proto");
        assert_eq!(decoded_all, 6);
        let all = option_imports(pool, file.file_descriptor_proto());
        let names: Vec<&str> = all.iter().map(String::as_str).collect();
        assert_eq!(names, ["opts/a.proto", "opts/b.proto", "opts/c.proto"]);
    }

    /// Options whose bytes neither scan nor decode (a message extension written as a varint,
    /// which a descriptor set can hold when the file does not import the extension) give no files, not a panic in the decoding fallback
    /// (the vendored prost-reflect's `decode_options`).
    #[test]
    fn options_that_do_not_read_give_nothing() {
        use prost::Message as _;
        use prost_types::field_descriptor_proto::{Label, Type};
        use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
        let mut pool = prost_reflect::DescriptorPool::new();
        let descriptor = prost_reflect::DescriptorPool::global()
            .get_file_by_name("google/protobuf/descriptor.proto")
            .expect("the global pool has descriptor.proto");
        pool.add_file_descriptor_proto(descriptor.file_descriptor_proto().clone())
            .expect("descriptor.proto builds");
        let mut bytes = FileDescriptorProto {
            name: Some("uses.proto".to_owned()),
            dependency: vec!["google/protobuf/descriptor.proto".to_owned()],
            ..Default::default()
        }
        .encode_to_vec();
        // `options` (8) holding extension 50001, a message, written as the varint 7.
        let mut options = Vec::new();
        prost::encoding::encode_key(50001, prost::encoding::WireType::Varint, &mut options);
        prost::encoding::encode_varint(7, &mut options);
        prost::encoding::encode_key(8, prost::encoding::WireType::LengthDelimited, &mut bytes);
        prost::encoding::encode_varint(options.len() as u64, &mut bytes);
        bytes.extend_from_slice(&options);
        pool.decode_file_descriptor_proto(bytes.as_slice())
            .expect("uses.proto builds");
        // The extension comes after the file that sets it: a file of a descriptor set may set
        // an option whose declaration it does not import.
        pool.add_file_descriptor_proto(FileDescriptorProto {
            name: Some("ext.proto".to_owned()),
            package: Some("ext".to_owned()),
            dependency: vec!["google/protobuf/descriptor.proto".to_owned()],
            message_type: vec![DescriptorProto {
                name: Some("Rule".to_owned()),
                ..Default::default()
            }],
            extension: vec![FieldDescriptorProto {
                name: Some("rule".to_owned()),
                number: Some(50001),
                label: Some(Label::Optional as i32),
                r#type: Some(Type::Message as i32),
                type_name: Some(".ext.Rule".to_owned()),
                extendee: Some(".google.protobuf.FileOptions".to_owned()),
                ..Default::default()
            }],
            ..Default::default()
        })
        .expect("ext.proto builds");
        let file = pool.get_file_by_name("uses.proto").expect("added");
        assert_eq!(file.encoded_options(), options.as_slice());
        let found = option_imports(&pool, file.file_descriptor_proto());
        assert!(found.is_empty(), "{found:?}");
        let rule = pool.get_extension_by_name("ext.rule").expect("declared");
        assert!(!file.options().has_extension(&rule));
    }
}
