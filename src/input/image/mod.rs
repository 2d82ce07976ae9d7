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

use std::path::{Path, PathBuf};

use prost::Message as _;

use crate::error::{Error, Result};

mod text;

/// How an image is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Binary,
    Json,
    Text,
    Yaml,
}

pub use super::compression::Compression;

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
                    compression = Some(Compression::from_option(c).ok_or_else(|| {
                        Error::Usage(format!(
                            "{value:?}: unknown compression {c:?}: use gzip, zstd or none"
                        ))
                    })?)
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
            Format::Json | Format::Yaml | Format::Text => {
                text::to_binary(&self.path, self.format, &bytes)?
            }
        };
        Decoded::new(bytes, &self.path)
    }

    fn decompress(&self, raw: Vec<u8>) -> Result<Vec<u8>> {
        let c = self.compression;
        c.decompress(raw).map_err(|e| {
            Error::Input(format!(
                "{}: cannot decompress it as {} ({e}): give the compression the file has with #compression=gzip|zstd|none",
                self.path.display(),
                c.name()
            ))
        })
    }
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
}
