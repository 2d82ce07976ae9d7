//! What a file's text says that its compiled descriptor lost, and buf's image keeps: a message's
//! or enum's `export` or `local` (edition 2024 on: `visibility`, field 11 of `DescriptorProto`
//! and 6 of `EnumDescriptorProto`, which prost-types does not know), and a method written with
//! a body (`rpc A(B) returns (C) {}`), which buf gives an options message, empty or not. Read
//! from the declarations' spans, as [`super::visibility`] reads the keywords.

use std::collections::HashMap;

use prost_types::source_code_info::Location;
use prost_types::{DescriptorProto, EnumDescriptorProto};

use super::raw_options::RawOptions;
use super::visibility::keyword_before;
use super::Edition;
use crate::descriptor::tag;
use crate::schema::{Proto, Schema, Source};

/// `DescriptorProto.visibility` and `EnumDescriptorProto.visibility`.
const MESSAGE_VISIBILITY: u64 = 11;
const ENUM_VISIBILITY: u64 = 6;
/// `SymbolVisibility`'s values.
const VISIBILITY_LOCAL: u64 = 1;
const VISIBILITY_EXPORT: u64 = 2;

/// Adds to `raw` what the text of `file` says of its types' visibility and its methods' bodies.
pub fn add(schema: &Schema, file: &Proto, raw: &mut RawOptions) {
    let Some(source) = schema.sources.get(file.name()) else {
        return;
    };
    let keywords = schema
        .editions
        .get(file.name())
        .is_some_and(|table| table.edition != Edition::E2023)
        && (source.text.contains("export") || source.text.contains("local"));
    let bodies = file
        .service
        .iter()
        .any(|s| s.method.iter().any(|m| m.options.is_none()));
    if !keywords && !bodies {
        return;
    }
    let spans = Spans::of(file, source, keywords);
    if keywords {
        let mut path = Vec::new();
        visibility(&file.message_type, &file.enum_type, &mut path, &spans, raw);
    }
    for (s, service) in file.service.iter().enumerate() {
        for (m, method) in service.method.iter().enumerate() {
            let path = [tag::FILE_SERVICE, s as i32, tag::SERVICE_METHOD, m as i32];
            let braces = spans
                .text(&path)
                .is_some_and(|text| text.trim_end().ends_with('}'));
            if method.options.is_none() && braces {
                raw.put_options(&path, Vec::new());
            }
        }
    }
}

/// The `export` or `local` of each message and enum of `messages` and `enums` (declared at
/// `path`), nested ones too.
fn visibility(
    messages: &[DescriptorProto],
    enums: &[EnumDescriptorProto],
    path: &mut Vec<i32>,
    spans: &Spans,
    raw: &mut RawOptions,
) {
    let (message_tag, enum_tag) = if path.is_empty() {
        (tag::FILE_MESSAGE_TYPE, tag::FILE_ENUM_TYPE)
    } else {
        (tag::MESSAGE_NESTED_TYPE, tag::MESSAGE_ENUM_TYPE)
    };
    for (i, m) in messages.iter().enumerate() {
        path.extend([message_tag, i as i32]);
        spans.visibility(path, MESSAGE_VISIBILITY, raw);
        visibility(&m.nested_type, &m.enum_type, path, spans, raw);
        path.truncate(path.len() - 2);
    }
    for i in 0..enums.len() {
        path.extend([enum_tag, i as i32]);
        spans.visibility(path, ENUM_VISIBILITY, raw);
        path.truncate(path.len() - 2);
    }
}

/// The declarations' spans of one file: methods', and with `types`, messages' and enums'.
struct Spans<'a> {
    source: &'a Source,
    by_path: HashMap<Vec<i32>, [i32; 4]>,
}

impl<'a> Spans<'a> {
    fn of(file: &Proto, source: &'a Source, types: bool) -> Spans<'a> {
        let wanted = |path: &[i32]| match path {
            [tag::FILE_SERVICE, _, tag::SERVICE_METHOD, _] => true,
            [first, _, rest @ ..] if types => {
                matches!(*first, tag::FILE_MESSAGE_TYPE | tag::FILE_ENUM_TYPE)
                    && rest.chunks(2).all(|pair| {
                        pair.len() == 2
                            && matches!(pair[0], tag::MESSAGE_NESTED_TYPE | tag::MESSAGE_ENUM_TYPE)
                    })
            }
            _ => false,
        };
        let extra = file.extra_info();
        let own = file.source_code_info.as_ref();
        let all =
            (extra.iter().flat_map(|i| &i.location)).chain(own.iter().flat_map(|i| &i.location));
        let mut by_path = HashMap::new();
        for location in all.filter(|l| wanted(&l.path)) {
            if let Some(span) = span_of(location) {
                // The first location of a path is its declaration's.
                by_path.entry(location.path.clone()).or_insert(span);
            }
        }
        Spans { source, by_path }
    }

    fn text(&self, path: &[i32]) -> Option<&'a str> {
        let [start_line, start_col, end_line, end_col] = *self.by_path.get(path)?;
        let at = |line: i32, col: i32| {
            (self.source.lines).offset(&self.source.text, line.max(0) as usize, col.max(0) as usize)
        };
        self.source
            .text
            .get(at(start_line, start_col)..at(end_line, end_col))
    }

    /// Puts the visibility of the type at `path` (field `number`) into `raw`, if its declaration
    /// is written `export` or `local`.
    fn visibility(&self, path: &[i32], number: u64, raw: &mut RawOptions) {
        let Some([line, col, _, _]) = self.by_path.get(path).copied() else {
            return;
        };
        let start = (self.source.lines).offset(
            &self.source.text,
            line.max(0) as usize,
            col.max(0) as usize,
        );
        let value = match keyword_before(&self.source.text, start) {
            Some((_, "export")) => VISIBILITY_EXPORT,
            Some((_, "local")) => VISIBILITY_LOCAL,
            _ => return,
        };
        let mut field = Vec::new();
        prost::encoding::encode_key(number as u32, prost::encoding::WireType::Varint, &mut field);
        prost::encoding::encode_varint(value, &mut field);
        raw.put_field(path, number, field);
    }
}

/// A location's span as start line, start column, end line, end column.
fn span_of(location: &Location) -> Option<[i32; 4]> {
    match *location.span.as_slice() {
        [l, c, ec] => Some([l, c, l, ec]),
        [l, c, el, ec] => Some([l, c, el, ec]),
        _ => None,
    }
}
