//! buf's own data in the images it writes, which `sous build` writes the same way: the
//! image extension of each file (`buf.alpha.image.v1.ImageFileExtension`, field 8042 of
//! `FileDescriptorProto`) and the source info's extension
//! (`buf.descriptor.v1.SourceCodeInfoExtension`, field 536000000 of `SourceCodeInfo`).

use prost::encoding::{encode_key, encode_varint, WireType};

use crate::schema::image::fields;

/// Appends buf's `ImageFileExtension` (`FileDescriptorProto` field 8042 as buf numbers it,
/// `buf.alpha.image.v1`): whether the file is an import, whether it states no syntax, and the
/// indexes of the imports it does not use (`unused_dependency`, field 4, one varint each).
pub fn put_buf_extension(
    file: &mut Vec<u8>,
    is_import: bool,
    syntax_unspecified: bool,
    unused: &[usize],
) {
    let mut extension = Vec::new();
    encode_key(1, WireType::Varint, &mut extension);
    encode_varint(u64::from(is_import), &mut extension);
    encode_key(3, WireType::Varint, &mut extension);
    encode_varint(u64::from(syntax_unspecified), &mut extension);
    for &index in unused {
        encode_key(4, WireType::Varint, &mut extension);
        encode_varint(index as u64, &mut extension);
    }
    encode_key(8042, WireType::LengthDelimited, file);
    encode_varint(extension.len() as u64, file);
    file.extend_from_slice(&extension);
}

/// `bytes`, an encoded `FileDescriptorProto`, with buf's extension at the start of its source
/// info (as Go writes extensions first), if the file states no syntax or leaves imports unused
/// (`unused`: their indexes): field 2, whether it states no syntax, and field 3, the indexes,
/// packed. A file without source info is left as it is, as buf leaves it.
pub fn put_source_info_extension(
    bytes: Vec<u8>,
    syntax_unspecified: bool,
    unused: &[usize],
) -> Vec<u8> {
    if !syntax_unspecified && unused.is_empty() {
        return bytes;
    }
    let Some(all) = fields(&bytes) else {
        return bytes;
    };
    let mut extension = Vec::new();
    if syntax_unspecified {
        encode_key(2, WireType::Varint, &mut extension);
        encode_varint(1, &mut extension);
    }
    if !unused.is_empty() {
        let mut packed = Vec::new();
        for &index in unused {
            encode_varint(index as u64, &mut packed);
        }
        encode_key(3, WireType::LengthDelimited, &mut extension);
        encode_varint(packed.len() as u64, &mut extension);
        extension.extend_from_slice(&packed);
    }
    let mut out = Vec::with_capacity(bytes.len() + extension.len() + 12);
    for (number, raw, payload) in all {
        match payload {
            Some(info) if number == 9 => {
                let mut inner = Vec::with_capacity(info.len() + extension.len() + 8);
                encode_key(536_000_000, WireType::LengthDelimited, &mut inner);
                encode_varint(extension.len() as u64, &mut inner);
                inner.extend_from_slice(&extension);
                inner.extend_from_slice(info);
                encode_key(9, WireType::LengthDelimited, &mut out);
                encode_varint(inner.len() as u64, &mut out);
                out.extend_from_slice(&inner);
            }
            _ => out.extend_from_slice(raw),
        }
    }
    out
}
