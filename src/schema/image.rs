//! A buf image (or any `FileDescriptorSet`) as a [`Schema`]: its files as compiled, which of them
//! are targets, and a stand-in source text per file so that findings are placed where the
//! image's source info says.
//!
//! buf parity: the targets of an image are its files that buf's extension does not mark as
//! imports (every file of a plain `FileDescriptorSet`); with `--path`, the files under the paths,
//! imports among them; `--exclude-path` takes files out either way. Positions are the image's
//! source info as recorded (0-based line and column, printed 1-based); a file without source
//! info (`buf build --exclude-source-info`) has its findings at 1:1.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::{Proto, Schema, Source};
use crate::error::{Error, Result};
use crate::input::image::Decoded;
use crate::input::{Filter, ProtoFile};

/// Columns and lines beyond these in source info are not believed (a damaged image): the
/// location is left out rather than a stand-in text of that size built.
const MAX_COLUMN: i32 = 1 << 16;
const MAX_LINE: i32 = 1 << 22;

/// The schema of `image`, its targets chosen by `filter` (paths are file names in the image).
/// `pool`: build a prost-reflect pool of the whole image, which lint reads custom options from.
pub fn from_image(image: Decoded, filter: &Filter, pool: bool) -> Result<Schema> {
    let Decoded {
        bytes,
        mut files,
        is_import,
        syntax_unspecified,
        label,
    } = image;
    // Editions files: their edition and features are read from the bytes (prost-types drops
    // them), and the file lowered as a compiled one is.
    let mut editions = std::collections::HashMap::new();
    if files.iter().any(|f| f.syntax() == "editions") {
        let encoded: Vec<&[u8]> = fields(&bytes)
            .unwrap_or_default()
            .into_iter()
            .filter(|(number, _, _)| *number == 1)
            .filter_map(|(_, _, payload)| payload)
            .collect();
        for (i, file) in files.iter_mut().enumerate() {
            if file.syntax() != "editions" {
                continue;
            }
            let Some(table) = encoded
                .get(i)
                .and_then(|b| super::editions::wire::read_file(b, file))
            else {
                return Err(Error::Input(format!(
                    "{label}: {} uses an edition sous does not know (it knows 2023, 2024 and 2026): check this image with buf",
                    file.name()
                )));
            };
            super::editions::wire::lower_read(file, &table);
            editions.insert(file.name().to_string(), Arc::new(table));
        }
    }
    let names: HashSet<&str> = files.iter().map(|f| f.name()).collect();
    if names.len() != files.len() {
        let mut seen = HashSet::new();
        let twice = files
            .iter()
            .map(|f| f.name())
            .find(|n| !seen.insert(*n))
            .unwrap_or_default();
        return Err(Error::Input(format!(
            "{label}: the image holds {twice} twice: build it again with buf build -o"
        )));
    }
    for file in &files {
        if let Some(missing) = file.dependency.iter().find(|d| !names.contains(d.as_str())) {
            return Err(Error::Input(format!(
                "{label}: {} imports {missing}, which the image does not hold: build the image with its imports (without --exclude-imports)",
                file.name()
            )));
        }
    }
    for (file, unspecified) in files.iter_mut().zip(syntax_unspecified) {
        record_syntax(file, unspecified);
    }
    // The pool (lint's, for custom options) is the slow part: built while the sources are.
    let (pools, sources) = rayon::join(
        || pool.then(|| decode_pool(&bytes)).flatten(),
        || {
            let mut sources = std::collections::HashMap::new();
            for (i, file) in files.iter().enumerate() {
                let name = file.name().to_string();
                let import = is_import.get(i).copied().flatten().unwrap_or(false);
                let is_target = (filter.paths.is_empty() && !import || !filter.paths.is_empty())
                    && filter.admits(&name);
                let proto_file = ProtoFile {
                    name: name.clone(),
                    module: Some(0),
                    workspace_path: name.clone(),
                    display: name.clone(),
                    disk: Path::new(&label).to_path_buf(),
                    bytes: None,
                    is_target,
                };
                sources.insert(name, Arc::new(Source::new(proto_file, stand_in_text(file))));
            }
            sources
        },
    );
    if !sources.values().any(|s| s.file.is_target) {
        return Err(Error::Input(format!(
            "{label}: no file of the image is targeted: --path names no file of it, or --exclude-path excludes them all"
        )));
    }
    let files = files
        .into_iter()
        .map(|f| Proto::Owned(Arc::new(f)))
        .collect();
    let mut schema = Schema::from_files(files);
    schema.editions = editions;
    if let Some(pool) = pools {
        schema.pool_of = sources
            .values()
            .filter(|s| s.file.is_target)
            .map(|s| (s.file.name.clone(), 0))
            .collect();
        schema.pools = vec![pool];
    }
    schema.sources = sources;
    Ok(schema)
}

/// buf parity: whether a file states its syntax is buf's extension's to say (a plain
/// `FileDescriptorSet` always does), not the source info's, which an image built with
/// `--exclude-source-info` lacks. A file that states it gets a location for its `syntax`
/// statement, without a span, where lint looks for one.
fn record_syntax(file: &mut prost_types::FileDescriptorProto, unspecified: bool) {
    use crate::descriptor::tag;
    let info = file.source_code_info.get_or_insert_with(Default::default);
    let recorded = info.location.iter().any(|l| l.path == [tag::FILE_SYNTAX]);
    if !unspecified && !recorded {
        info.location.push(prost_types::source_code_info::Location {
            path: vec![tag::FILE_SYNTAX],
            ..Default::default()
        });
    }
}

/// A prost-reflect pool of the image, keeping the custom options that the prost-types structs
/// drop; `None` when prost-reflect refuses the image (lint then reads what the structs hold).
fn decode_pool(bytes: &[u8]) -> Option<prost_reflect::DescriptorPool> {
    // Source info is most of an image and the pool is not asked for it: left out, the pool
    // builds in about half the time.
    let bytes = without_source_info(bytes)?;
    // prost-reflect has panicked on descriptors it did not expect (an editions file, before it
    // was handed over as proto2): a refusal, not a crash, and nothing on stderr.
    super::link::catching_silently(|| prost_reflect::DescriptorPool::decode(bytes.as_slice()).ok())
        .ok()
        .flatten()
}

/// An image's bytes with every file's `source_code_info` (field 9) left out, read and written at
/// the wire level (the prost-types structs would drop the custom options). An editions file
/// says `proto2` (prost-reflect refuses `editions`, and its options are read the same way
/// either way). `None` for bytes that are not well-formed.
fn without_source_info(bytes: &[u8]) -> Option<Vec<u8>> {
    const FILE: u64 = 1;
    const SOURCE_CODE_INFO: u64 = 9;
    const SYNTAX: u64 = 12;
    let mut out = Vec::with_capacity(bytes.len());
    for field in fields(bytes)? {
        let (number, raw, payload) = field;
        match payload {
            Some(file) if number == FILE => {
                let mut kept = Vec::with_capacity(file.len());
                for (number, raw, payload) in fields(file)? {
                    if number == SYNTAX && payload == Some(b"editions".as_slice()) {
                        prost::encoding::string::encode(
                            SYNTAX as u32,
                            &"proto2".to_string(),
                            &mut kept,
                        );
                    } else if number != SOURCE_CODE_INFO {
                        kept.extend_from_slice(raw);
                    }
                }
                prost::encoding::encode_key(
                    FILE as u32,
                    prost::encoding::WireType::LengthDelimited,
                    &mut out,
                );
                prost::encoding::encode_varint(kept.len() as u64, &mut out);
                out.extend_from_slice(&kept);
            }
            _ => out.extend_from_slice(raw),
        }
    }
    Some(out)
}

/// One field of a message's encoding: its number, its bytes whole, and the payload of a
/// length-delimited field.
pub(super) type WireField<'a> = (u64, &'a [u8], Option<&'a [u8]>);

/// The fields of one message's encoding.
pub(super) fn fields(mut bytes: &[u8]) -> Option<Vec<WireField<'_>>> {
    fn varint(bytes: &mut &[u8]) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = bytes.split_first()?;
            *bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let start = bytes;
        let key = varint(&mut bytes)?;
        let payload = match key & 7 {
            0 => {
                varint(&mut bytes)?;
                None
            }
            1 => {
                bytes = bytes.get(8..)?;
                None
            }
            2 => {
                let len = usize::try_from(varint(&mut bytes)?).ok()?;
                let payload = bytes.get(..len)?;
                bytes = &bytes[len..];
                Some(payload)
            }
            5 => {
                bytes = bytes.get(4..)?;
                None
            }
            _ => return None,
        };
        let raw = &start[..start.len() - bytes.len()];
        out.push((key >> 3, raw, payload));
    }
    Some(out)
}

/// A text of spaces in which every span of the file's source info lies: through it, positions
/// become byte offsets and back exactly as for a file read from disk (a space is one byte and
/// one column), so rules and reports place findings where the image says.
fn stand_in_text(file: &prost_types::FileDescriptorProto) -> String {
    let mut widths: Vec<usize> = Vec::new();
    let mut need = |line: i32, column: i32| {
        if !(0..MAX_LINE).contains(&line) || !(0..MAX_COLUMN).contains(&column) {
            return;
        }
        let (line, column) = (line as usize, column as usize);
        if widths.len() <= line {
            widths.resize(line + 1, 0);
        }
        widths[line] = widths[line].max(column);
    };
    for location in file.source_code_info.iter().flat_map(|i| &i.location) {
        match *location.span.as_slice() {
            [line, column, end] => {
                need(line, column);
                need(line, end);
            }
            [line, column, end_line, end] => {
                need(line, column);
                need(end_line, end);
            }
            _ => {}
        }
    }
    let mut text = String::with_capacity(widths.iter().map(|w| w + 1).sum());
    for (i, width) in widths.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.extend(std::iter::repeat_n(' ', *width));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;
    use prost_types::source_code_info::Location;

    #[test]
    fn source_info_is_left_out_at_the_wire_level() {
        let file = prost_types::FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("a".into()),
            source_code_info: Some(prost_types::SourceCodeInfo {
                location: vec![Location {
                    span: vec![1, 2, 3],
                    ..Location::default()
                }],
            }),
            ..prost_types::FileDescriptorProto::default()
        };
        let set = prost_types::FileDescriptorSet {
            file: vec![file.clone(), file.clone()],
        };
        let stripped = without_source_info(&set.encode_to_vec()).expect("well-formed");
        let back = prost_types::FileDescriptorSet::decode(stripped.as_slice()).unwrap();
        let bare = prost_types::FileDescriptorProto {
            source_code_info: None,
            ..file
        };
        assert_eq!(back.file, vec![bare.clone(), bare]);
        assert_eq!(without_source_info(&[0x0a, 0x05, 0x01]), None);
    }

    #[test]
    fn the_stand_in_text_places_spans_where_they_were() {
        let file = prost_types::FileDescriptorProto {
            source_code_info: Some(prost_types::SourceCodeInfo {
                location: vec![
                    Location {
                        span: vec![4, 11, 13],
                        ..Location::default()
                    },
                    Location {
                        span: vec![1, 0, 3, 1],
                        ..Location::default()
                    },
                    Location {
                        span: vec![-1, 5, 7],
                        ..Location::default()
                    },
                ],
            }),
            ..prost_types::FileDescriptorProto::default()
        };
        let text = stand_in_text(&file);
        let lines = crate::schema::LineIndex::new(&text);
        let offset = lines.offset(&text, 4, 11);
        assert_eq!(lines.position(&text, offset), (5, 12));
        let end = lines.offset(&text, 4, 13);
        assert_eq!(lines.position(&text, end), (5, 14));
        let end = lines.offset(&text, 3, 1);
        assert_eq!(lines.position(&text, end), (4, 2));
    }
}
