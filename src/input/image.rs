//! buf images as inputs: which arguments name one, and how one is read.
//!
//! An image is what `buf build -o FILE` writes: a `FileDescriptorSet` whose files may carry
//! buf's extension field (`buf_extension`, number 8042: whether the file is an import). buf picks
//! the encoding by the file's extension, after an optional compression extension:
//! `.binpb`/`.bin` binary, `.json`, `.txtpb` text format, `.yaml`; `.gz` gzip, `.zst` zstd
//! (`image.binpb.gz`). `#format=bin|binpb|json|txtpb|yaml` and `#compression=gzip|zstd|none`
//! name them for any path. sous also takes `.pb` as binary (buf reads a `.pb` argument as a
//! directory).
//!
//! Every encoding is turned into the binary one here, so the rest of sous reads one form:
//! [`Decoded`], the bytes and the files' import flags.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};

use crate::error::{Error, Result};

/// How an image is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Binary,
    Json,
    Text,
    Yaml,
}

/// How an image file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// An argument that names an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub path: PathBuf,
    pub format: Format,
    pub compression: Compression,
}

/// The formats an argument's `#format=` may name that are not images (buf's other inputs): an
/// argument with one of them is someone else's to read.
const OTHER_FORMATS: &[&str] = &["dir", "git", "mod", "protofile", "tar", "zip"];

impl ImageRef {
    /// The image `value` names, by its extension or a `#format=` option; `None` when it names
    /// something else (a directory, a `.proto` file, a git repository, an archive).
    pub fn parse(value: &str) -> Result<Option<ImageRef>> {
        let (path, options) = match value.split_once('#') {
            Some((p, o)) => (p, Some(o)),
            None => (value, None),
        };
        let mut format = None;
        let mut compression = None;
        let mut others = Vec::new();
        for kv in options
            .into_iter()
            .flat_map(|o| o.split(','))
            .map(str::trim)
            .filter(|kv| !kv.is_empty())
        {
            match kv.split_once('=') {
                Some(("format", f)) => {
                    if OTHER_FORMATS.contains(&f) {
                        return Ok(None);
                    }
                    format = Some(match f {
                        "bin" | "binpb" => Format::Binary,
                        "json" => Format::Json,
                        "txtpb" => Format::Text,
                        "yaml" => Format::Yaml,
                        _ => {
                            return Err(Error::Usage(format!(
                                "{value:?}: unknown format {f:?}: an image is bin, binpb, json, txtpb or yaml (and buf's other inputs dir, git, mod, protofile, tar, zip)"
                            )))
                        }
                    });
                }
                Some(("compression", c)) => {
                    compression = Some(match c {
                        "none" => Compression::None,
                        "gzip" => Compression::Gzip,
                        "zstd" => Compression::Zstd,
                        _ => {
                            return Err(Error::Usage(format!(
                                "{value:?}: unknown compression {c:?}: use gzip, zstd or none"
                            )))
                        }
                    })
                }
                _ => others.push(kv),
            }
        }
        let (by_extension, compressed) = from_extension(path);
        let Some(format) = format.or(by_extension) else {
            return Ok(None);
        };
        if Path::new(path).is_dir() {
            return Ok(None);
        }
        if let Some(kv) = others.first() {
            return Err(Error::Usage(format!(
                "{value:?}: option {kv:?} is not one an image takes: an image takes format and compression"
            )));
        }
        Ok(Some(ImageRef {
            path: PathBuf::from(path),
            format,
            compression: compression.unwrap_or(compressed),
        }))
    }

    /// Reads the image, decompressed and in binary form.
    pub fn read(&self) -> Result<Decoded> {
        let raw = std::fs::read(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let bytes = self.decompress(raw)?;
        let bytes = match self.format {
            Format::Binary => bytes,
            Format::Json | Format::Yaml | Format::Text => self.to_binary(&bytes)?,
        };
        Decoded::new(bytes, &self.path)
    }

    fn decompress(&self, raw: Vec<u8>) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let failed = |what: &str, e: std::io::Error| {
            Error::Input(format!(
                "{}: cannot decompress it as {what} ({e}): give the compression the file has with #compression=gzip|zstd|none",
                self.path.display()
            ))
        };
        match self.compression {
            Compression::None => return Ok(raw),
            Compression::Gzip => flate2::read::MultiGzDecoder::new(raw.as_slice())
                .read_to_end(&mut out)
                .map_err(|e| failed("gzip", e))?,
            Compression::Zstd => {
                let mut decoder = ruzstd::decoding::StreamingDecoder::new(raw.as_slice())
                    .map_err(|e| failed("zstd", std::io::Error::other(e.to_string())))?;
                decoder
                    .read_to_end(&mut out)
                    .map_err(|e| failed("zstd", e))?
            }
        };
        Ok(out)
    }

    /// A JSON, YAML or text image as binary: read into buf's image message, written out again.
    ///
    /// Read twice: first for the files' definitions, with every option left out (the descriptor
    /// schema sous carries may be older than buf's, and it knows none of the image's custom
    /// options); then whole, with the image's own definitions (its `descriptor.proto`, its
    /// extensions) as the schema.
    fn to_binary(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        let name = match self.format {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
            _ => "text format",
        };
        let bad = |e: String| {
            Error::Input(format!(
                "{}: not a buf image in {name} ({e}): write one with `buf build -o FILE` (the extension picks the encoding), or name the encoding with #format=",
                self.path.display()
            ))
        };
        let text = std::str::from_utf8(bytes).map_err(|e| bad(e.to_string()))?;
        let tree: Option<serde_json::Value> = match self.format {
            Format::Json => Some(serde_json::from_str(text).map_err(|e| bad(e.to_string()))?),
            Format::Yaml => Some(serde_saphyr::from_str(text).map_err(|e| bad(e.to_string()))?),
            _ => None,
        };
        let decode = |descriptor: MessageDescriptor, lenient: bool| match &tree {
            Some(tree) => {
                let options =
                    prost_reflect::DeserializeOptions::new().deny_unknown_fields(!lenient);
                DynamicMessage::deserialize_with_options(descriptor, tree.clone(), &options)
                    .map_err(|e| e.to_string())
            }
            None if lenient => {
                DynamicMessage::parse_text_format(descriptor, &without_options(text))
                    .map_err(|e| e.to_string())
            }
            None => DynamicMessage::parse_text_format(descriptor, text).map_err(|e| e.to_string()),
        };
        let first = decode(image_message(&[]).map_err(bad)?, true).map_err(bad)?;
        let files = prost_types::FileDescriptorSet::decode(first.encode_to_vec().as_slice())
            .map_err(|e| bad(e.to_string()))?
            .file;
        let message = decode(image_message(&files).map_err(bad)?, false).map_err(bad)?;
        Ok(message.encode_to_vec())
    }
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

/// The format and compression a path's extensions give: `x.binpb.gz` is gzip-compressed binary.
fn from_extension(path: &str) -> (Option<Format>, Compression) {
    let (rest, compression) = if let Some(rest) = path.strip_suffix(".gz") {
        (rest, Compression::Gzip)
    } else if let Some(rest) = path.strip_suffix(".zst") {
        (rest, Compression::Zstd)
    } else {
        (path, Compression::None)
    };
    let format = match Path::new(rest).extension().and_then(|x| x.to_str()) {
        Some("binpb" | "bin" | "pb") => Some(Format::Binary),
        Some("json") => Some(Format::Json),
        Some("txtpb") => Some(Format::Text),
        Some("yaml") => Some(Format::Yaml),
        _ => None,
    };
    (format, compression)
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

/// An image in binary form, its files decoded.
pub struct Decoded {
    /// The binary encoding, which a prost-reflect pool reads with the custom options intact.
    pub bytes: Vec<u8>,
    pub files: Vec<prost_types::FileDescriptorProto>,
    /// Per file: `Some(is_import)` when buf's extension is there, `None` for a plain
    /// `FileDescriptorSet` (protoc's, or `buf build --as-file-descriptor-set`).
    pub is_import: Vec<Option<bool>>,
    /// Per file: whether buf's extension says the file states no `syntax` (never for a plain
    /// `FileDescriptorSet`).
    pub syntax_unspecified: Vec<bool>,
    /// The image's path, for messages.
    pub label: String,
}

/// The part of buf's image that a `FileDescriptorSet` does not decode: each file's extension.
#[derive(Clone, PartialEq, prost::Message)]
struct ImageExtensions {
    #[prost(message, repeated, tag = "1")]
    file: Vec<FileExtension>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FileExtension {
    #[prost(message, optional, tag = "8042")]
    buf_extension: Option<BufExtension>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct BufExtension {
    #[prost(bool, optional, tag = "1")]
    is_import: Option<bool>,
    #[prost(bool, optional, tag = "3")]
    is_syntax_unspecified: Option<bool>,
}

impl Decoded {
    /// Decodes a binary image (or any `FileDescriptorSet`) found at `path`.
    pub fn new(bytes: Vec<u8>, path: &Path) -> Result<Decoded> {
        let bad = |e: prost::DecodeError| {
            Error::Input(format!(
                "{}: not a buf image or FileDescriptorSet ({e}): write one with `buf build -o FILE.binpb` or `protoc --include_imports --include_source_info --descriptor_set_out=FILE`, or name its encoding with #format=",
                path.display()
            ))
        };
        let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(bad)?;
        let extensions = ImageExtensions::decode(bytes.as_slice()).map_err(bad)?;
        if set.file.is_empty() {
            return Err(Error::Input(format!(
                "{}: the image has no files",
                path.display()
            )));
        }
        let is_import = extensions
            .file
            .iter()
            .map(|f| {
                f.buf_extension
                    .as_ref()
                    .map(|x| x.is_import.unwrap_or(false))
            })
            .collect();
        let syntax_unspecified = extensions
            .file
            .iter()
            .map(|f| {
                f.buf_extension
                    .as_ref()
                    .is_some_and(|x| x.is_syntax_unspecified == Some(true))
            })
            .collect();
        Ok(Decoded {
            bytes,
            files: set.file,
            is_import,
            syntax_unspecified,
            label: path.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Option<(Format, Compression)> {
        ImageRef::parse(value)
            .expect("parses")
            .map(|r| (r.format, r.compression))
    }

    #[test]
    fn extensions_and_options_pick_the_encoding() {
        assert_eq!(parse("a.binpb"), Some((Format::Binary, Compression::None)));
        assert_eq!(parse("a.bin.gz"), Some((Format::Binary, Compression::Gzip)));
        assert_eq!(parse("a.json.zst"), Some((Format::Json, Compression::Zstd)));
        assert_eq!(parse("a.txtpb"), Some((Format::Text, Compression::None)));
        assert_eq!(parse("a.yaml"), Some((Format::Yaml, Compression::None)));
        assert_eq!(parse("a.yml"), None);
        assert_eq!(parse("a.proto"), None);
        assert_eq!(
            parse("a.dat#format=binpb"),
            Some((Format::Binary, Compression::None))
        );
        // The extension still says how it is compressed when the option names the format.
        assert_eq!(
            parse("a.binpb.gz#format=bin"),
            Some((Format::Binary, Compression::Gzip))
        );
        assert_eq!(
            parse("a.binpb.gz#compression=none"),
            Some((Format::Binary, Compression::None))
        );
        assert_eq!(parse(".git#format=git,branch=main"), None);
        assert_eq!(parse("x.tar.gz"), None);
        assert!(ImageRef::parse("a.binpb#format=png").is_err());
        assert!(ImageRef::parse("a.binpb#branch=main").is_err());
    }

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
