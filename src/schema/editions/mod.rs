//! Protobuf Editions: an editions file (`edition = "2023";`) is parsed by our protox-parse
//! (`crates/protox-parse`), then *lowered* into the proto2-shaped descriptor that protox and
//! prost-reflect accept (neither knows editions, and prost-types has no `features`): every
//! `features.*` option is taken out into a side table of explicit features by element
//! ([`Editions`]), a `LEGACY_REQUIRED` field becomes `required`, and the file says `proto2` to
//! the compiler. After compiling, the file's descriptor says `editions` again, and the rules ask
//! the table for resolved features (edition defaults, then file, message, oneof, field...).
//!
//! Why lowering rather than an editions-aware compiler: the rules, the pairing and every
//! compiler check keep working on the descriptors they know, and only what depends on features
//! asks the table.

pub mod buf_extension;
pub(crate) mod ctype;
pub mod features;
pub(crate) mod import_option;
pub(crate) mod json_clashes;
mod naming;
pub(crate) mod option_only;
pub(in crate::schema) mod option_support;
mod option_values;
mod options;
mod presence;
pub mod raw_options;
mod removed_options;
mod shape;
mod support;
mod text_facts;
pub(in crate::schema) mod unknown;
pub(crate) mod visibility;
pub mod wire;

use std::collections::{BTreeMap, HashMap};

use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    UninterpretedOption,
};

pub use features::{Edition, Feature, Target};
use options::{expand_aggregate, feature_of};
pub(crate) use removed_options::removed_options;
use shape::{check_open_enums, drop_empty_options, lower_labels};
pub(crate) use shape::{
    defines_features, features_outside_editions, restore_syntax, strip_feature_definitions,
};
pub(crate) use support::feature_support_errors;

use super::Source;
use crate::finding::Finding;

/// `uninterpreted_option` in every `*Options` message.
const UNINTERPRETED_OPTION: i32 = 999;

/// The explicit features of an editions file, by element, and how elements inherit them.
#[derive(Debug, Clone)]
pub struct Editions {
    pub edition: Edition,
    /// Features set on an element, by the element's descriptor path (the file's is empty), each
    /// by key (`field_presence`, `pb.cpp.string_type`) with its value's name.
    explicit: HashMap<Vec<i32>, BTreeMap<String, String>>,
    /// The element a field of a oneof (the oneof) or a map entry (the map field) inherits from,
    /// where it is not the enclosing element.
    parents: HashMap<Vec<i32>, Vec<i32>>,
}

impl Editions {
    /// The resolved value of feature `key` for the element at `path`: set on it or the nearest
    /// element it inherits from, else the edition's default.
    pub fn resolve(&self, path: &[i32], key: &str) -> &str {
        let mut at: Vec<i32> = path.to_vec();
        loop {
            if let Some(value) = self.explicit.get(&at).and_then(|f| f.get(key)) {
                return value;
            }
            if at.is_empty() {
                break;
            }
            at = match self.parents.get(&at) {
                Some(parent) => parent.clone(),
                None => at[..at.len().saturating_sub(2)].to_vec(),
            };
        }
        features::by_key(key).map_or("", |f| f.default(self.edition))
    }

    /// The files defining the language features the file sets (`google/protobuf/cpp_features.proto`
    /// for `features.(pb.cpp).string_type`): imports it uses.
    pub fn language_imports(&self) -> std::collections::BTreeSet<String> {
        self.explicit
            .values()
            .flat_map(|set| set.keys())
            .filter_map(|key| features::by_key(key).and_then(Feature::import))
            .map(str::to_string)
            .collect()
    }

    /// Whether feature `key` is set on the element at `path` itself.
    pub fn is_set_on(&self, path: &[i32], key: &str) -> bool {
        self.explicit.get(path).is_some_and(|f| f.contains_key(key))
    }
}

/// A problem with a feature option, at a byte range of the file.
struct Problem {
    start: usize,
    end: usize,
    message: String,
}

/// The edition an `edition = "...";` statement at byte `offset` of `text` names.
pub fn edition_at(text: &str, offset: usize) -> Option<Edition> {
    let rest = text.get(offset..)?;
    let open = rest.find('"').or_else(|| rest.find('\''))?;
    let quote = rest.as_bytes()[open];
    let value = &rest[open + 1..];
    let close = value.bytes().position(|b| b == quote)?;
    Edition::from_name(&value[..close])
}

/// Parses an editions file and builds its feature table, with the file lowered for the compiler
/// (as [`lower_for_compiler`] lowers it, so that it need not be parsed again) and the `COMPILE`
/// findings of its feature options; `None` when it does not parse (the compiler reports that
/// from the text).
pub(super) fn analyse(source: &Source) -> Option<(Editions, FileDescriptorProto, Vec<Finding>)> {
    let mut file = protox_parse::parse(&source.file.name, &source.text).ok()?;
    let offset = edition_offset(&file, &source.text)?;
    // buf parity: an edition buf does not know has edition 2023's features (see `unknown`).
    let edition = edition_at(&source.text, offset).unwrap_or(Edition::E2023);
    let (editions, problems) = lower(&mut file, &source.text, edition);
    let findings = (problems.into_iter())
        .map(|p| source.finding(p.start, p.end, "COMPILE", p.message))
        .collect();
    Some((editions, file, findings))
}

/// Lowers a parsed editions file for the compiler (see the module's documentation); the
/// problems are reported by [`analyse`], which reads the same file first.
pub(super) fn lower_for_compiler(file: &mut FileDescriptorProto, text: &str) {
    let edition = edition_offset(file, text)
        .and_then(|offset| edition_at(text, offset))
        .unwrap_or(Edition::E2023);
    lower(file, text, edition);
}

/// The byte offset of the `edition` statement, from the parsed file's source info.
fn edition_offset(file: &FileDescriptorProto, text: &str) -> Option<usize> {
    let info = file.source_code_info.as_ref()?;
    let location = info
        .location
        .iter()
        .find(|l| l.path == [crate::descriptor::tag::FILE_EDITION])?;
    let lines = LineStarts::new(text);
    lines.offset(location.span.first()?, location.span.get(1)?)
}

/// Byte offsets of line starts, to read protox's (line, byte column) spans back into offsets.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    fn offset(&self, line: &i32, column: &i32) -> Option<usize> {
        let start = *self.0.get(usize::try_from(*line).ok()?)?;
        Some(start + usize::try_from(*column).ok()?)
    }

    /// The byte range of a location's span.
    fn range(&self, span: &[i32]) -> Option<(usize, usize)> {
        let start = self.offset(span.first()?, span.get(1)?)?;
        let end = match span {
            [_, _, end_column] => self.offset(&span[0], end_column)?,
            [_, _, end_line, end_column, ..] => self.offset(end_line, end_column)?,
            _ => return None,
        };
        Some((start, end))
    }
}

/// One element's options, as the walk finds them.
struct OptionsAt<'a> {
    path: Vec<i32>,
    target: Target,
    /// The field number of the element's options message.
    options_tag: i32,
    options: &'a mut Vec<UninterpretedOption>,
}

/// Takes the feature options out of `file` into its table, rewrites their source locations to
/// the paths the options resolve to, and makes the file proto2-shaped.
fn lower(file: &mut FileDescriptorProto, text: &str, edition: Edition) -> (Editions, Vec<Problem>) {
    let lines = LineStarts::new(text);
    let mut info = file.source_code_info.take().unwrap_or_default();
    let mut editions = Editions {
        edition,
        explicit: HashMap::new(),
        parents: HashMap::new(),
    };
    let mut problems = Vec::new();
    let imports: Vec<String> = file.dependency.clone();
    parents(file, &mut editions.parents);
    let mut found = Vec::new();
    collect_options(file, &mut found);
    // Renumbered option locations: (options path, old index) -> new index or the feature path.
    let mut moved: HashMap<(Vec<i32>, i32), Result<i32, Vec<i32>>> = HashMap::new();
    for at in found {
        let mut options_path = at.path.clone();
        options_path.push(at.options_tag);
        let mut kept = Vec::new();
        for (index, option) in std::mem::take(at.options).into_iter().enumerate() {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            let mut location_path = options_path.clone();
            location_path.extend([UNINTERPRETED_OPTION, index]);
            let span = info
                .location
                .iter()
                .find(|l| l.path == location_path)
                .and_then(|l| lines.range(&l.span))
                .unwrap_or((0, 0));
            let first = option.name.first();
            let is_features = first.is_some_and(|p| !p.is_extension && p.name_part == "features");
            if first.is_some_and(|p| !p.is_extension && p.name_part == "packed") {
                let end = (span.0 + "packed".len()).min(text.len());
                problems.push(Problem {
                    start: span.0,
                    end,
                    message: format!(
                        "`packed` cannot be set in edition {}: use `features.repeated_field_encoding = PACKED` (the default) or `EXPANDED`",
                        edition.name()
                    ),
                });
            }
            // buf parity: `ctype` is refused from edition 2024 on, at its name.
            let ctype = first.is_some_and(|p| !p.is_extension && p.name_part == "ctype");
            if ctype && edition >= Edition::E2024 {
                problems.push(Problem {
                    start: span.0,
                    end: (span.0 + "ctype".len()).min(text.len()),
                    message: format!(
                        "`ctype` cannot be set in edition {}: use `features.(pb.cpp).string_type` instead",
                        edition.name()
                    ),
                });
            }
            if let Some(problem) =
                removed_options::in_editions(first, &at.path, edition, text, span)
            {
                problems.push(problem);
            }
            if !is_features {
                moved.insert((options_path.clone(), index), Ok(kept.len() as i32));
                kept.push(option);
                continue;
            }
            let mut features_path = options_path.clone();
            features_path.push(at.target.features_number());
            // `features = { enum_type: CLOSED }`, `features.(pb.cpp) = { ... }`: one feature
            // each, the location on `features` itself.
            let (singles, aggregate) = match expand_aggregate(&option) {
                Some(Ok(singles)) => (singles, true),
                Some(Err(message)) => {
                    problems.push(Problem {
                        start: span.0,
                        end: span.1,
                        message,
                    });
                    // Reported: the compiler never sees it (it compiles on without it).
                    moved.insert((options_path.clone(), index), Err(features_path));
                    continue;
                }
                None => (vec![option.clone()], false),
            };
            let mut resolved = Vec::new();
            let mut failed = None;
            for single in &singles {
                match feature_of(single, text, span, at.target, edition, &imports) {
                    Ok(found) => resolved.push(found),
                    Err(mut problem) => {
                        if aggregate {
                            options::place_in_aggregate(&mut problem, single, text, span);
                        }
                        failed = Some(problem);
                        break;
                    }
                }
            }
            if let Some(problem) = failed {
                problems.push(problem);
                moved.insert((options_path.clone(), index), Err(features_path));
                continue;
            }
            let mut path = features_path;
            if let (false, Some((feature, _))) = (aggregate, resolved.first()) {
                path.extend(feature.numbers);
            }
            moved.insert((options_path.clone(), index), Err(path));
            for (feature, value) in resolved {
                editions
                    .explicit
                    .entry(at.path.clone())
                    .or_default()
                    .insert(feature.key(), value);
            }
        }
        *at.options = kept;
    }
    // Locations of options: renumbered, or moved to the feature they set.
    for location in &mut info.location {
        let Some(at) = location
            .path
            .iter()
            .position(|&p| p == UNINTERPRETED_OPTION)
        else {
            continue;
        };
        let Some(&index) = location.path.get(at + 1) else {
            continue;
        };
        let key = (location.path[..at].to_vec(), index);
        match moved.get(&key) {
            Some(Ok(new)) => location.path[at + 1] = *new,
            Some(Err(feature_path)) if location.path.len() == at + 2 => {
                location.path = feature_path.clone();
            }
            _ => {}
        }
    }
    info.location.sort_by(|a, b| a.path.cmp(&b.path));
    drop_empty_options(file);
    // Open enums start at zero (buf's error, at the first value's number).
    check_open_enums(file, &editions, &info, &lines, &mut problems);
    presence::check(file, &editions, &info, &lines, &mut problems);
    naming::check(file, &editions, &info, (text, &lines), &mut problems);
    lower_labels(file, &editions);
    file.syntax = Some("proto2".to_string());
    file.source_code_info = Some(info);
    (editions, problems)
}

/// Fields of oneofs inherit from their oneof; map entries from their map field.
fn parents(file: &FileDescriptorProto, out: &mut HashMap<Vec<i32>, Vec<i32>>) {
    fn message(m: &DescriptorProto, path: Vec<i32>, out: &mut HashMap<Vec<i32>, Vec<i32>>) {
        for (i, field) in m.field.iter().enumerate() {
            let mut field_path = path.clone();
            field_path.extend([2, i as i32]);
            if let Some(oneof) = field.oneof_index {
                if !field.proto3_optional() {
                    let mut oneof_path = path.clone();
                    oneof_path.extend([8, oneof]);
                    out.insert(field_path.clone(), oneof_path);
                }
            }
            // A map field's entry: the nested type its type names.
            if let Some(entry) = field.type_name.as_deref() {
                let simple = entry.rsplit('.').next().unwrap_or(entry);
                if let Some(j) = m.nested_type.iter().position(|n| {
                    n.name() == simple && n.options.as_ref().is_some_and(|o| o.map_entry())
                }) {
                    let mut entry_path = path.clone();
                    entry_path.extend([3, j as i32]);
                    out.insert(entry_path, field_path);
                }
            }
        }
        for (j, nested) in m.nested_type.iter().enumerate() {
            let mut nested_path = path.clone();
            nested_path.extend([3, j as i32]);
            message(nested, nested_path, out);
        }
    }
    for (i, m) in file.message_type.iter().enumerate() {
        message(m, vec![4, i as i32], out);
    }
}

/// Every element's options, with its path and kind.
fn collect_options<'a>(file: &'a mut FileDescriptorProto, out: &mut Vec<OptionsAt<'a>>) {
    fn push<'a>(
        out: &mut Vec<OptionsAt<'a>>,
        path: Vec<i32>,
        target: Target,
        options_tag: i32,
        options: Option<&'a mut Vec<UninterpretedOption>>,
    ) {
        if let Some(options) = options {
            out.push(OptionsAt {
                path,
                target,
                options_tag,
                options,
            });
        }
    }
    fn with(path: &[i32], more: [i32; 2]) -> Vec<i32> {
        let mut p = path.to_vec();
        p.extend(more);
        p
    }
    fn enums<'a>(
        enums: &'a mut [EnumDescriptorProto],
        path: &[i32],
        tag: i32,
        out: &mut Vec<OptionsAt<'a>>,
    ) {
        for (i, e) in enums.iter_mut().enumerate() {
            let enum_path = with(path, [tag, i as i32]);
            for (k, v) in e.value.iter_mut().enumerate() {
                let value_path = with(&enum_path, [2, k as i32]);
                let options = v.options.as_mut().map(|o| &mut o.uninterpreted_option);
                push(out, value_path, Target::EnumValue, 3, options);
            }
            let options = e.options.as_mut().map(|o| &mut o.uninterpreted_option);
            push(out, enum_path, Target::Enum, 3, options);
        }
    }
    fn fields<'a>(
        fields: &'a mut [FieldDescriptorProto],
        path: &[i32],
        tag: i32,
        out: &mut Vec<OptionsAt<'a>>,
    ) {
        for (i, f) in fields.iter_mut().enumerate() {
            let options = f.options.as_mut().map(|o| &mut o.uninterpreted_option);
            push(out, with(path, [tag, i as i32]), Target::Field, 8, options);
        }
    }
    fn message<'a>(m: &'a mut DescriptorProto, path: Vec<i32>, out: &mut Vec<OptionsAt<'a>>) {
        fields(&mut m.field, &path, 2, out);
        fields(&mut m.extension, &path, 6, out);
        for (i, o) in m.oneof_decl.iter_mut().enumerate() {
            let options = o.options.as_mut().map(|o| &mut o.uninterpreted_option);
            push(out, with(&path, [8, i as i32]), Target::Oneof, 2, options);
        }
        for (i, r) in m.extension_range.iter_mut().enumerate() {
            let options = r.options.as_mut().map(|o| &mut o.uninterpreted_option);
            push(
                out,
                with(&path, [5, i as i32]),
                Target::ExtensionRange,
                3,
                options,
            );
        }
        enums(&mut m.enum_type, &path, 4, out);
        for (j, nested) in m.nested_type.iter_mut().enumerate() {
            message(nested, with(&path, [3, j as i32]), out);
        }
        let options = m.options.as_mut().map(|o| &mut o.uninterpreted_option);
        push(out, path, Target::Message, 7, options);
    }
    let FileDescriptorProto {
        message_type,
        enum_type,
        service,
        extension,
        options,
        ..
    } = file;
    for (i, m) in message_type.iter_mut().enumerate() {
        message(m, vec![4, i as i32], out);
    }
    enums(enum_type, &[], 5, out);
    for (i, s) in service.iter_mut().enumerate() {
        let service_path = vec![6, i as i32];
        for (k, method) in s.method.iter_mut().enumerate() {
            let options = method.options.as_mut().map(|o| &mut o.uninterpreted_option);
            push(
                out,
                with(&service_path, [2, k as i32]),
                Target::Method,
                4,
                options,
            );
        }
        let options = s.options.as_mut().map(|o| &mut o.uninterpreted_option);
        push(out, service_path, Target::Service, 3, options);
    }
    fields(extension, &[], 7, out);
    let options = options.as_mut().map(|o| &mut o.uninterpreted_option);
    push(out, Vec::new(), Target::File, 8, options);
}
