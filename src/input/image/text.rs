//! The JSON, YAML and text encodings of a buf image, read with buf's image schema and written
//! out in binary.

use std::path::Path;
use std::sync::OnceLock;

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};

use super::Format;
use crate::error::{Error, Result};

/// A JSON, YAML or text image as binary: read into buf's image message, written out again.
///
/// Read twice: first for the files' definitions, with every option left out (the descriptor
/// schema sous carries may be older than buf's, and it knows none of the image's custom
/// options); then whole, with the image's own definitions (its `descriptor.proto`, its
/// extensions) as the schema.
pub(super) fn to_binary(path: &Path, format: Format, bytes: &[u8]) -> Result<Vec<u8>> {
    let name = match format {
        Format::Json => "JSON",
        Format::Yaml => "YAML",
        _ => "text format",
    };
    let bad = |e: String| {
        Error::Input(format!(
            "{}: not a buf image in {name} ({e}): write one with `buf build -o FILE` (the extension picks the encoding), or name the encoding with #format=",
            path.display()
        ))
    };
    let text = std::str::from_utf8(bytes).map_err(|e| bad(e.to_string()))?;
    // YAML is read into a tree once; JSON is read from the text each time, which takes a
    // fraction of the memory a tree of a large image does.
    let tree: Option<serde_json::Value> = match format {
        Format::Yaml => Some(serde_saphyr::from_str(text).map_err(|e| bad(e.to_string()))?),
        _ => None,
    };
    let decode = |descriptor: MessageDescriptor, lenient: bool| {
        let options = prost_reflect::DeserializeOptions::new().deny_unknown_fields(!lenient);
        match (format, &tree) {
            (_, Some(tree)) => {
                DynamicMessage::deserialize_with_options(descriptor, tree.clone(), &options)
                    .map_err(|e| e.to_string())
            }
            (Format::Json, None) => {
                let mut de = serde_json::Deserializer::from_str(text);
                let message =
                    DynamicMessage::deserialize_with_options(descriptor, &mut de, &options)
                        .map_err(|e| e.to_string())?;
                de.end().map_err(|e| e.to_string())?;
                Ok(message)
            }
            _ if lenient => DynamicMessage::parse_text_format(descriptor, &without_options(text))
                .map_err(|e| e.to_string()),
            _ => DynamicMessage::parse_text_format(descriptor, text).map_err(|e| e.to_string()),
        }
    };
    let first = decode(image_message(&[]).map_err(bad)?, true).map_err(bad)?;
    let mut files = prost_types::FileDescriptorSet::decode(first.encode_to_vec().as_slice())
        .map_err(|e| bad(e.to_string()))?
        .file;
    drop(first);
    // The schema needs the definitions, not where they were written; and the one option that
    // makes them valid, which the first reading left out with the others.
    for file in &mut files {
        file.source_code_info = None;
        allow_aliases(&mut file.enum_type, &mut file.message_type);
    }
    let message = decode(image_message(&files).map_err(bad)?, false).map_err(bad)?;
    drop(files);
    Ok(message.encode_to_vec())
}

/// Sets `allow_alias` on every enum (nested ones too) with two values of one number, as the
/// options the first reading of a text image leaves out had it.
fn allow_aliases(
    enums: &mut [prost_types::EnumDescriptorProto],
    messages: &mut [prost_types::DescriptorProto],
) {
    for e in enums {
        let mut numbers = std::collections::HashSet::new();
        if !e.value.iter().all(|v| numbers.insert(v.number())) {
            e.options.get_or_insert_with(Default::default).allow_alias = Some(true);
        }
    }
    for m in messages {
        allow_aliases(&mut m.enum_type, &mut m.nested_type);
    }
}

/// Text-format `text` without its `options` fields (`options { ... }`, `options: < ... >`) and
/// extension fields (`[buf.descriptor.v1.buf_source_code_info_extension]: {}`), strings and
/// comments read as such.
fn without_options(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut kept = 0;
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // Past the string or comment starting at `i`, if one does.
    let skip_literal = |i: usize| -> Option<usize> {
        match bytes[i] {
            b'#' => Some(
                bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n),
            ),
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != q {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                Some((j + 1).min(bytes.len()))
            }
            _ => None,
        }
    };
    while i < bytes.len() {
        if let Some(next) = skip_literal(i) {
            i = next;
            continue;
        }
        // The field's name ends at `name_end`: `options`, or an extension's `[a.b.c]` (not a
        // list value, which follows a `:`).
        let name_end = if bytes[i..].starts_with(b"options")
            && (i == 0 || !word(bytes[i - 1]))
            && bytes.get(i + 7).is_none_or(|&b| !word(b))
        {
            Some(i + 7)
        } else if bytes[i] == b'[' && !text[..i].trim_end().ends_with(':') {
            let len = bytes[i + 1..]
                .iter()
                .position(|&b| !(word(b) || b == b'.' || b == b'/'))
                .unwrap_or(0);
            (bytes.get(i + 1 + len) == Some(&b']')).then_some(i + len + 2)
        } else {
            None
        };
        let Some(name_end) = name_end else {
            i += 1;
            continue;
        };
        let mut j = name_end;
        while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b':') {
            j += 1;
        }
        if j < bytes.len() && matches!(bytes[j], b'{' | b'<') {
            let mut depth = 0usize;
            while j < bytes.len() {
                if let Some(next) = skip_literal(j) {
                    j = next;
                    continue;
                }
                match bytes[j] {
                    b'{' | b'<' => depth += 1,
                    b'}' | b'>' => {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        } else if j < bytes.len() {
            // A scalar value: a string, or one token.
            j = match skip_literal(j) {
                Some(next) if bytes[j] != b'#' => next,
                _ => {
                    j + bytes[j..]
                        .iter()
                        .position(|&b| {
                            b.is_ascii_whitespace() || matches!(b, b'}' | b'>' | b';' | b',')
                        })
                        .unwrap_or(bytes.len() - j)
                }
            };
        }
        out.push_str(&text[kept..i]);
        kept = j;
        i = j;
    }
    out.push_str(&text[kept..]);
    out
}

/// buf's image message, `buf.alpha.image.v1.Image`, for reading the JSON, YAML and text
/// encodings (which name buf's extension field, so a plain `FileDescriptorSet` does not do).
/// With `files`, the schema holds them too: their `descriptor.proto` (newer than the one sous
/// carries, perhaps) and the custom options they define.
fn image_message(
    files: &[prost_types::FileDescriptorProto],
) -> std::result::Result<MessageDescriptor, String> {
    static BASE: OnceLock<std::result::Result<DescriptorPool, String>> = OnceLock::new();
    let build = || -> std::result::Result<DescriptorPool, String> {
        let mut resolver = protox::file::ChainFileResolver::new();
        resolver.add(Embedded);
        if !files.is_empty() {
            resolver.add(protox::file::DescriptorSetFileResolver::new(
                prost_types::FileDescriptorSet {
                    file: files.to_vec(),
                },
            ));
        }
        resolver.add(protox::file::GoogleFileResolver::new());
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler
            .open_file(IMAGE_PROTO_NAME)
            .map_err(|e| e.to_string())?;
        // buf's extension of `SourceCodeInfo` needs the range that newer `descriptor.proto`s
        // declare (the image's own, when it holds one), which the one sous carries lacks.
        let extendable = compiler
            .descriptor_pool()
            .get_message_by_name("google.protobuf.SourceCodeInfo")
            .is_some_and(|m| {
                (m.descriptor_proto().extension_range.iter())
                    .any(|r| (r.start()..r.end()).contains(&536_000_000))
            });
        if extendable {
            compiler
                .open_file(BUF_DESCRIPTOR_PROTO_NAME)
                .map_err(|e| e.to_string())?;
        }
        let mut pool = compiler.descriptor_pool();
        let rest: Vec<_> = files
            .iter()
            .filter(|f| pool.get_file_by_name(f.name()).is_none())
            .cloned()
            .collect();
        pool.add_file_descriptor_protos(rest)
            .map_err(|e| e.to_string())?;
        Ok(pool)
    };
    let built;
    let pool = if files.is_empty() {
        BASE.get_or_init(build).as_ref().map_err(Clone::clone)?
    } else {
        built = build()?;
        &built
    };
    pool.get_message_by_name("buf.alpha.image.v1.Image")
        .ok_or_else(|| "buf.alpha.image.v1.Image is missing".to_string())
}

const IMAGE_PROTO_NAME: &str = "buf/alpha/image/v1/image.proto";

/// Where buf's own extension of `SourceCodeInfo` is declared for the reader (the JSON and text
/// encodings name it, as `[buf.descriptor.v1.buf_source_code_info_extension]`).
const BUF_DESCRIPTOR_PROTO_NAME: &str = "buf/descriptor/v1/descriptor.proto";

/// buf's extension of `SourceCodeInfo`, as images carry it (empty).
const BUF_DESCRIPTOR_PROTO: &str = r#"
syntax = "proto2";
package buf.descriptor.v1;
import "google/protobuf/descriptor.proto";

message SourceCodeInfoExtension {}

extend google.protobuf.SourceCodeInfo {
  optional SourceCodeInfoExtension buf_source_code_info_extension = 536000000;
}
"#;

/// buf's image schema (wire-compatible with `FileDescriptorSet`): each file is a
/// `FileDescriptorProto`'s fields plus field 8042, buf's own data about the file.
const IMAGE_PROTO: &str = r#"
syntax = "proto2";
package buf.alpha.image.v1;
import "google/protobuf/descriptor.proto";

message Image {
  repeated ImageFile file = 1;
}

message ImageFile {
  optional string name = 1;
  optional string package = 2;
  repeated string dependency = 3;
  repeated int32 public_dependency = 10;
  repeated int32 weak_dependency = 11;
  repeated google.protobuf.DescriptorProto message_type = 4;
  repeated google.protobuf.EnumDescriptorProto enum_type = 5;
  repeated google.protobuf.ServiceDescriptorProto service = 6;
  repeated google.protobuf.FieldDescriptorProto extension = 7;
  optional google.protobuf.FileOptions options = 8;
  optional google.protobuf.SourceCodeInfo source_code_info = 9;
  optional string syntax = 12;
  optional google.protobuf.Edition edition = 14;
  optional ImageFileExtension buf_extension = 8042;
}

message ImageFileExtension {
  optional bool is_import = 1;
  optional ModuleInfo module_info = 2;
  optional bool is_syntax_unspecified = 3;
  repeated int32 unused_dependency = 4;
}

message ModuleInfo {
  optional ModuleName name = 1;
  optional string commit = 2;
}

message ModuleName {
  optional string remote = 1;
  optional string owner = 2;
  optional string repository = 3;
}
"#;

/// Serves [`IMAGE_PROTO`] to the compiler.
struct Embedded;

impl protox::file::FileResolver for Embedded {
    fn open_file(&self, name: &str) -> std::result::Result<protox::file::File, protox::Error> {
        if name == IMAGE_PROTO_NAME {
            protox::file::File::from_source(name, IMAGE_PROTO)
        } else if name == BUF_DESCRIPTOR_PROTO_NAME {
            protox::file::File::from_source(name, BUF_DESCRIPTOR_PROTO)
        } else {
            Err(protox::Error::file_not_found(name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_schema_compiles() {
        assert!(image_message(&[]).is_ok());
    }

    #[test]
    fn options_are_left_out_of_text_format_outside_strings_and_comments() {
        let text = "file {\n  name: \"options {\"\n  # options { x }\n  options {\n    java_package: \"a}\"\n    [x.y]: { z: 1 }\n  }\n  syntax: \"proto3\"\n  message_type { options: < deprecated: true > name: \"M\" }\n  source_code_info { location { span: [1, 2] } [x.ext]: {} [x.flag]: true }\n}\n";
        let out = without_options(text);
        assert!(!out.contains("java_package"), "{out}");
        assert!(!out.contains("deprecated"), "{out}");
        assert!(out.contains("name: \"options {\""), "{out}");
        assert!(out.contains("# options { x }"), "{out}");
        assert!(out.contains("syntax: \"proto3\""), "{out}");
        assert!(out.contains("name: \"M\""), "{out}");
        assert!(out.contains("span: [1, 2]"), "{out}");
        assert!(!out.contains("x.ext") && !out.contains("x.flag"), "{out}");
    }
}
