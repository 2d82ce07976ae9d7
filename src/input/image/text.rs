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
    let tree: Option<serde_json::Value> = match format {
        Format::Json => Some(serde_json::from_str(text).map_err(|e| bad(e.to_string()))?),
        Format::Yaml => Some(serde_saphyr::from_str(text).map_err(|e| bad(e.to_string()))?),
        _ => None,
    };
    let decode = |descriptor: MessageDescriptor, lenient: bool| match &tree {
        Some(tree) => {
            let options = prost_reflect::DeserializeOptions::new().deny_unknown_fields(!lenient);
            DynamicMessage::deserialize_with_options(descriptor, tree.clone(), &options)
                .map_err(|e| e.to_string())
        }
        None if lenient => DynamicMessage::parse_text_format(descriptor, &without_options(text))
            .map_err(|e| e.to_string()),
        None => DynamicMessage::parse_text_format(descriptor, text).map_err(|e| e.to_string()),
    };
    let first = decode(image_message(&[]).map_err(bad)?, true).map_err(bad)?;
    let files = prost_types::FileDescriptorSet::decode(first.encode_to_vec().as_slice())
        .map_err(|e| bad(e.to_string()))?
        .file;
    let message = decode(image_message(&files).map_err(bad)?, false).map_err(bad)?;
    Ok(message.encode_to_vec())
}

/// Text-format `text` without its `options` fields (`options { ... }`, `options: < ... >`),
/// strings and comments read as such.
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
        let at_word = bytes[i..].starts_with(b"options")
            && (i == 0 || !word(bytes[i - 1]))
            && bytes.get(i + 7).is_none_or(|&b| !word(b));
        if !at_word {
            i += 1;
            continue;
        }
        let mut j = i + 7;
        while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b':') {
            j += 1;
        }
        if j >= bytes.len() || !matches!(bytes[j], b'{' | b'<') {
            i += 7;
            continue;
        }
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
        let text = "file {\n  name: \"options {\"\n  # options { x }\n  options {\n    java_package: \"a}\"\n    [x.y]: { z: 1 }\n  }\n  syntax: \"proto3\"\n  message_type { options: < deprecated: true > name: \"M\" }\n}\n";
        let out = without_options(text);
        assert!(!out.contains("java_package"), "{out}");
        assert!(!out.contains("deprecated"), "{out}");
        assert!(out.contains("name: \"options {\""), "{out}");
        assert!(out.contains("# options { x }"), "{out}");
        assert!(out.contains("syntax: \"proto3\""), "{out}");
        assert!(out.contains("name: \"M\""), "{out}");
    }
}
