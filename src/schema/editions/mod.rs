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

pub mod features;
pub mod wire;

use std::collections::{BTreeMap, HashMap};

use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    SourceCodeInfo, UninterpretedOption,
};

pub use features::{Edition, Feature, Target};

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

/// Parses an editions file and builds its feature table; `Ok(None)` when it does not parse (the
/// compiler reports that from the text), `Err` with the `COMPILE` findings of its feature
/// options.
pub(super) fn analyse(source: &Source) -> Result<Option<Editions>, Vec<Finding>> {
    let Ok(mut file) = protox_parse::parse(&source.file.name, &source.text) else {
        return Ok(None);
    };
    let Some(offset) = edition_offset(&file, &source.text) else {
        return Ok(None);
    };
    let Some(edition) = edition_at(&source.text, offset) else {
        return Ok(None);
    };
    let (editions, problems) = lower(&mut file, &source.text, edition);
    if problems.is_empty() {
        Ok(Some(editions))
    } else {
        Err(problems
            .into_iter()
            .map(|p| source.finding(p.start, p.end, "COMPILE", p.message))
            .collect())
    }
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
            if !is_features {
                moved.insert((options_path.clone(), index), Ok(kept.len() as i32));
                kept.push(option);
                continue;
            }
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
                    moved.insert((options_path.clone(), index), Ok(kept.len() as i32));
                    kept.push(option);
                    continue;
                }
                None => (vec![option.clone()], false),
            };
            let mut resolved = Vec::new();
            let mut failed = None;
            for single in &singles {
                match feature_of(single, text, span, at.target, edition, &imports) {
                    Ok(found) => resolved.push(found),
                    Err(problem) => {
                        failed = Some(problem);
                        break;
                    }
                }
            }
            if let Some(problem) = failed {
                problems.push(problem);
                moved.insert((options_path.clone(), index), Ok(kept.len() as i32));
                kept.push(option);
                continue;
            }
            let mut path = options_path.clone();
            path.push(at.target.features_number());
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

/// The byte range of `needle` in `text` within `span`, from `from` on; the span's start if
/// absent.
fn find_in(text: &str, span: (usize, usize), from: usize, needle: &str) -> (usize, usize) {
    let hay = text
        .get(from.max(span.0)..span.1.min(text.len()))
        .unwrap_or("");
    match hay.find(needle) {
        Some(i) => {
            let start = from.max(span.0) + i;
            (start, start + needle.len())
        }
        None => (span.0, span.0),
    }
}

/// The byte range of an option's value: after its `=`, up to a `;`, `,` or `]`.
fn value_range(text: &str, span: (usize, usize)) -> (usize, usize) {
    let body = text.get(span.0..span.1.min(text.len())).unwrap_or("");
    let Some(eq) = body.rfind('=') else {
        return span;
    };
    let value = &body[eq + 1..];
    let skipped = value.len() - value.trim_start().len();
    let trimmed = value.trim_start();
    let len = trimmed
        .find([';', ']'])
        .map_or(trimmed.len(), |i| i)
        .min(trimmed.trim_end().len());
    let start = span.0 + eq + 1 + skipped;
    (start, start + len)
}

/// The single-feature options an aggregate `features` option stands for (`features = {
/// enum_type: CLOSED [pb.cpp] { string_type: VIEW } }`), or `None` for an option that is not
/// one; an error says what cannot be read.
fn expand_aggregate(
    option: &UninterpretedOption,
) -> Option<Result<Vec<UninterpretedOption>, String>> {
    use prost_types::uninterpreted_option::NamePart;
    let text = option.aggregate_value.as_deref()?;
    let prefix: Vec<NamePart> = option.name.clone();
    if !(prefix.len() == 1 || prefix.len() == 2 && prefix[1].is_extension) {
        return None;
    }
    let tokens = match aggregate_tokens(text) {
        Ok(tokens) => tokens,
        Err(e) => return Some(Err(e)),
    };
    let mut out = Vec::new();
    let mut stack: Vec<NamePart> = prefix;
    let base = stack.len();
    let mut i = 0;
    let part = |name: &str, is_extension: bool| NamePart {
        name_part: name.to_string(),
        is_extension,
    };
    while i < tokens.len() {
        let token = tokens[i].as_str();
        match token {
            "}" | ">" => {
                if stack.len() <= base {
                    return Some(Err("unbalanced `}` in the features value".to_string()));
                }
                stack.pop();
                i += 1;
            }
            "," | ";" => i += 1,
            _ => {
                let (name, is_extension) = match token.strip_prefix('[') {
                    Some(inner) => (inner.trim_end_matches(']').trim().to_string(), true),
                    None => (token.to_string(), false),
                };
                i += 1;
                if tokens.get(i).map(String::as_str) == Some(":") {
                    i += 1;
                }
                match tokens.get(i).map(String::as_str) {
                    Some("{" | "<") => {
                        stack.push(part(&name, is_extension));
                        i += 1;
                    }
                    Some(value) => {
                        let mut name_parts = stack.clone();
                        name_parts.push(part(&name, is_extension));
                        let mut single = UninterpretedOption {
                            name: name_parts,
                            ..Default::default()
                        };
                        if let Some(s) = value.strip_prefix('"') {
                            single.string_value = Some(s.trim_end_matches('"').as_bytes().to_vec());
                        } else if let Ok(n) = value.parse::<u64>() {
                            single.positive_int_value = Some(n);
                        } else {
                            single.identifier_value = Some(value.to_string());
                        }
                        out.push(single);
                        i += 1;
                    }
                    None => {
                        return Some(Err(format!("`{name}` has no value in the features value")))
                    }
                }
            }
        }
    }
    Some(Ok(out))
}

/// The tokens of a text-format value: identifiers and numbers, `[ext]` as one token, strings
/// with their quotes, and punctuation.
fn aggregate_tokens(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '[' => {
                let end = text[i..]
                    .find(']')
                    .ok_or_else(|| "unclosed `[` in the features value".to_string())?;
                tokens.push(text[i..=i + end].to_string());
                while chars.peek().is_some_and(|(j, _)| *j <= i + end) {
                    chars.next();
                }
            }
            '"' | '\'' => {
                let end = text[i + 1..]
                    .find(c)
                    .ok_or_else(|| "unclosed string in the features value".to_string())?;
                tokens.push(format!("\"{}\"", &text[i + 1..i + 1 + end]));
                while chars.peek().is_some_and(|(j, _)| *j <= i + 1 + end) {
                    chars.next();
                }
            }
            '{' | '}' | '<' | '>' | ':' | ',' | ';' => tokens.push(c.to_string()),
            _ => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '.' || d == '-' || d == '+' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(text[i..end].to_string());
            }
        }
    }
    Ok(tokens)
}

/// The feature an option sets, and its value; or what is wrong with it.
fn feature_of(
    option: &UninterpretedOption,
    text: &str,
    span: (usize, usize),
    target: Target,
    edition: Edition,
    imports: &[String],
) -> Result<(&'static Feature, String), Problem> {
    let parts = &option.name[1..];
    let (extension, name) = match parts {
        [name] if !name.is_extension => (None, name),
        [ext, name] if ext.is_extension && !name.is_extension => (Some(ext), name),
        _ => {
            let at = find_in(text, span, span.0, "features");
            let (start, end) = (at.1.min(span.1), value_range(text, span).0);
            return Err(Problem {
                start,
                end: end.max(start),
                message: "set one feature at a time here: `features.NAME = VALUE` or `features.(pb.LANG).NAME = VALUE`".to_string(),
            });
        }
    };
    let features_end = find_in(text, span, span.0, "features").1;
    if let Some(ext) = extension {
        let ext_name = ext.name_part.trim_start_matches('.');
        let at = find_in(text, span, features_end, ext_name);
        let Some(file) = features::language_file(ext_name) else {
            return Err(Problem {
                start: at.0,
                end: at.1,
                message: format!(
                    "`{ext_name}` is no language feature extension buf knows (pb.cpp, pb.java, pb.go)"
                ),
            });
        };
        if !imports.iter().any(|i| i == file) {
            return Err(Problem {
                start: at.0,
                end: at.1,
                message: format!("features of `({ext_name})` need `import \"{file}\";`"),
            });
        }
    }
    let ext_name = extension.map(|e| e.name_part.trim_start_matches('.'));
    let name_at = find_in(text, span, features_end, &name.name_part);
    let name_at = if ext_name.is_some() {
        // After the extension's closing parenthesis.
        let close = find_in(text, span, features_end, ")").1;
        find_in(text, span, close, &name.name_part)
    } else {
        name_at
    };
    let Some(feature) = features::find(ext_name, &name.name_part) else {
        // buf parity: an unknown core feature is placed from the dot before its name.
        let start = if ext_name.is_none()
            && text.as_bytes().get(name_at.0.wrapping_sub(1)) == Some(&b'.')
        {
            name_at.0 - 1
        } else {
            name_at.0
        };
        let name_at = (start, name_at.1);
        let message = match ext_name {
            Some(ext) => format!("`({ext})` has no feature `{}`", name.name_part),
            None => format!(
                "`{}` is no feature of `google.protobuf.FeatureSet`: check its spelling",
                name.name_part
            ),
        };
        return Err(Problem {
            start: name_at.0,
            end: name_at.1,
            message,
        });
    };
    if !feature.targets.contains(&target) {
        return Err(Problem {
            start: name_at.0,
            end: name_at.1,
            message: format!(
                "feature `{}` cannot be set on {}: set it on {}",
                feature.key(),
                target_name(target),
                feature
                    .targets
                    .iter()
                    .map(|t| target_name(*t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if edition < feature.since {
        // buf parity: placed at the whole option name, from `features`.
        let features_start = find_in(text, span, span.0, "features").0;
        return Err(Problem {
            start: features_start,
            end: name_at.1,
            message: format!(
                "feature `{}` needs edition {} or later; this file is edition {}",
                feature.key(),
                feature.since.name(),
                edition.name()
            ),
        });
    }
    let value_at = value_range(text, span);
    let wrong = |what: String| Problem {
        start: value_at.0,
        end: value_at.1,
        message: what,
    };
    let value = match (feature.values, option) {
        (features::Values::Enum(values), o) if o.identifier_value.is_some() => {
            let ident = o.identifier_value.as_deref().unwrap_or_default();
            if ident.is_empty() || !values.contains(&ident) {
                return Err(wrong(format!(
                    "`{ident}` is no value of feature `{}`: use one of {}",
                    feature.key(),
                    features::value_names(values)
                )));
            }
            ident.to_string()
        }
        (features::Values::Enum(values), o) if o.positive_int_value.is_some() => {
            let n = o.positive_int_value.unwrap_or_default();
            match feature.value_of(n) {
                Some(v) => v.to_string(),
                None => {
                    return Err(wrong(format!(
                        "{n} is no value of feature `{}`: use one of {}",
                        feature.key(),
                        features::value_names(values)
                    )))
                }
            }
        }
        (features::Values::Bool, o)
            if matches!(o.identifier_value.as_deref(), Some("true" | "false")) =>
        {
            o.identifier_value.clone().unwrap_or_default()
        }
        (values, _) => {
            let expected = match values {
                features::Values::Enum(values) => {
                    format!("one of {}", features::value_names(values))
                }
                features::Values::Bool => "true or false".to_string(),
            };
            return Err(wrong(format!(
                "feature `{}` takes {expected}, not this value",
                feature.key()
            )));
        }
    };
    Ok((feature, value))
}

fn target_name(target: Target) -> &'static str {
    match target {
        Target::File => "a file",
        Target::Message => "a message",
        Target::Field => "a field",
        Target::Oneof => "a oneof",
        Target::ExtensionRange => "an extension range",
        Target::Enum => "an enum",
        Target::EnumValue => "an enum value",
        Target::Service => "a service",
        Target::Method => "a method",
    }
}

/// Options messages left with nothing in them are dropped, as if never written.
fn drop_empty_options(file: &mut FileDescriptorProto) {
    fn message(m: &mut DescriptorProto) {
        if m.options
            .as_ref()
            .is_some_and(|o| o.uninterpreted_option.is_empty() && *o == Default::default())
        {
            m.options = None;
        }
        for f in m.field.iter_mut().chain(m.extension.iter_mut()) {
            field(f);
        }
        for o in &mut m.oneof_decl {
            if o.options.as_ref().is_some_and(|o| *o == Default::default()) {
                o.options = None;
            }
        }
        for r in &mut m.extension_range {
            if r.options.as_ref().is_some_and(|o| *o == Default::default()) {
                r.options = None;
            }
        }
        m.enum_type.iter_mut().for_each(enum_);
        m.nested_type.iter_mut().for_each(message);
    }
    fn field(f: &mut FieldDescriptorProto) {
        if f.options.as_ref().is_some_and(|o| *o == Default::default()) {
            f.options = None;
        }
    }
    fn enum_(e: &mut EnumDescriptorProto) {
        if e.options.as_ref().is_some_and(|o| *o == Default::default()) {
            e.options = None;
        }
        for v in &mut e.value {
            if v.options.as_ref().is_some_and(|o| *o == Default::default()) {
                v.options = None;
            }
        }
    }
    if file
        .options
        .as_ref()
        .is_some_and(|o| *o == Default::default())
    {
        file.options = None;
    }
    file.message_type.iter_mut().for_each(message);
    file.enum_type.iter_mut().for_each(enum_);
    file.extension.iter_mut().for_each(field);
    for s in &mut file.service {
        if s.options.as_ref().is_some_and(|o| *o == Default::default()) {
            s.options = None;
        }
        for m in &mut s.method {
            if m.options.as_ref().is_some_and(|o| *o == Default::default()) {
                m.options = None;
            }
        }
    }
}

/// buf's error for an open enum whose first value is not zero.
fn check_open_enums(
    file: &FileDescriptorProto,
    editions: &Editions,
    info: &SourceCodeInfo,
    lines: &LineStarts,
    problems: &mut Vec<Problem>,
) {
    let mut check = |e: &EnumDescriptorProto, path: Vec<i32>| {
        let first = e.value.first();
        if first.is_some_and(|v| v.number() != 0) && editions.resolve(&path, "enum_type") == "OPEN"
        {
            let mut number_path = path.clone();
            number_path.extend([2, 0, 2]);
            if let Some((start, end)) = info
                .location
                .iter()
                .find(|l| l.path == number_path)
                .and_then(|l| lines.range(&l.span))
            {
                problems.push(Problem {
                    start,
                    end,
                    message: format!(
                        "the first value of open enum {:?} must be zero: add a zero value first, or make the enum `features.enum_type = CLOSED`",
                        e.name()
                    ),
                });
            }
        }
    };
    fn in_message(
        m: &DescriptorProto,
        path: Vec<i32>,
        check: &mut dyn FnMut(&EnumDescriptorProto, Vec<i32>),
    ) {
        for (i, e) in m.enum_type.iter().enumerate() {
            let mut p = path.clone();
            p.extend([4, i as i32]);
            check(e, p);
        }
        for (j, n) in m.nested_type.iter().enumerate() {
            let mut p = path.clone();
            p.extend([3, j as i32]);
            in_message(n, p, check);
        }
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        check(e, vec![5, i as i32]);
    }
    for (i, m) in file.message_type.iter().enumerate() {
        in_message(m, vec![4, i as i32], &mut check);
    }
}

/// `LEGACY_REQUIRED` fields become `required`, which the compiler and the rules know.
fn lower_labels(file: &mut FileDescriptorProto, editions: &Editions) {
    use prost_types::field_descriptor_proto::Label;
    fn message(m: &mut DescriptorProto, path: Vec<i32>, editions: &Editions) {
        for (i, f) in m.field.iter_mut().enumerate() {
            let mut p = path.clone();
            p.extend([2, i as i32]);
            if f.label() == Label::Optional
                && editions.resolve(&p, "field_presence") == "LEGACY_REQUIRED"
            {
                f.set_label(Label::Required);
            }
        }
        for (j, n) in m.nested_type.iter_mut().enumerate() {
            let mut p = path.clone();
            p.extend([3, j as i32]);
            message(n, p, editions);
        }
    }
    for (i, m) in file.message_type.iter_mut().enumerate() {
        message(m, vec![4, i as i32], editions);
    }
}

/// The language feature files buf bundles (`google/protobuf/cpp_features.proto`, ...): the
/// compiler gets an empty stand-in of package `pb`, since the features they define are read
/// from the table, never by the compiler.
pub(super) fn language_file_stand_in(name: &str) -> Option<FileDescriptorProto> {
    let known = ["pb.cpp", "pb.java", "pb.go"]
        .iter()
        .any(|e| features::language_file(e) == Some(name));
    known.then(|| FileDescriptorProto {
        name: Some(name.to_string()),
        package: Some("pb".to_string()),
        dependency: vec!["google/protobuf/descriptor.proto".to_string()],
        syntax: Some("proto2".to_string()),
        ..Default::default()
    })
}

/// The compiled descriptors of editions files say `editions` again (the compiler saw `proto2`):
/// a file left in its compiler's pool is copied out for that.
pub(super) fn restore_syntax(
    files: &mut [super::Proto],
    editions: &HashMap<String, std::sync::Arc<Editions>>,
) {
    use super::Proto;
    use std::sync::Arc;
    if editions.is_empty() {
        return;
    }
    for file in files {
        if !editions.contains_key(file.name()) {
            continue;
        }
        let mut owned = file.to_owned_proto();
        owned.syntax = Some("editions".to_string());
        *file = Proto::Owned(Arc::new(owned));
    }
}

/// Whether a file may define features (`edition_defaults`, `feature_support` options on its
/// fields, as `cpp_features.proto` does): a cheap test on the text before [`strip_feature_definitions`].
pub(super) fn defines_features(text: &str) -> bool {
    text.contains("edition_defaults") || text.contains("feature_support")
}

/// Drops the `edition_defaults` and `feature_support` options of a file's fields: they define
/// how features resolve, which sous knows already, and the compiler's `descriptor.proto` is
/// older than the values they name (`EDITION_2024`). Their source locations go with them.
pub(super) fn strip_feature_definitions(file: &mut FileDescriptorProto) -> bool {
    const DEFINING: [&str; 2] = ["edition_defaults", "feature_support"];
    let mut info = file.source_code_info.take().unwrap_or_default();
    let mut found = Vec::new();
    collect_options(file, &mut found);
    let mut moved: HashMap<(Vec<i32>, i32), Option<i32>> = HashMap::new();
    for at in found {
        if at.target != Target::Field {
            continue;
        }
        let mut options_path = at.path.clone();
        options_path.push(at.options_tag);
        let mut kept = Vec::new();
        for (index, option) in std::mem::take(at.options).into_iter().enumerate() {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            let defining = option.name.len() == 1
                && !option.name[0].is_extension
                && DEFINING.contains(&option.name[0].name_part.as_str());
            if defining {
                moved.insert((options_path.clone(), index), None);
            } else {
                moved.insert((options_path.clone(), index), Some(kept.len() as i32));
                kept.push(option);
            }
        }
        *at.options = kept;
    }
    let changed = moved.values().any(Option::is_none);
    info.location.retain_mut(|location| {
        let Some(at) = location
            .path
            .iter()
            .position(|&p| p == UNINTERPRETED_OPTION)
        else {
            return true;
        };
        let Some(&index) = location.path.get(at + 1) else {
            return true;
        };
        match moved.get(&(location.path[..at].to_vec(), index)) {
            Some(Some(new)) => {
                location.path[at + 1] = *new;
                true
            }
            Some(None) => false,
            None => true,
        }
    });
    file.source_code_info = Some(info);
    changed
}

/// `features` options in a proto2 or proto3 file, which buf refuses (at the `features` name):
/// the compiler's `descriptor.proto` would take them.
pub(super) fn features_outside_editions(
    file: &FileDescriptorProto,
    source: &Source,
) -> Vec<Finding> {
    if !source.text.contains("features") {
        return Vec::new();
    }
    let mut copy = file.clone();
    let info = copy.source_code_info.clone().unwrap_or_default();
    let lines = LineStarts::new(&source.text);
    let syntax = match file.syntax() {
        "" => "proto2",
        s => s,
    }
    .to_string();
    let mut found = Vec::new();
    collect_options(&mut copy, &mut found);
    let mut findings = Vec::new();
    for at in found {
        for (index, option) in at.options.iter().enumerate() {
            let is_features = option
                .name
                .first()
                .is_some_and(|p| !p.is_extension && p.name_part == "features");
            if !is_features {
                continue;
            }
            let mut path = at.path.clone();
            path.extend([at.options_tag, UNINTERPRETED_OPTION, index as i32]);
            let Some(span) = info
                .location
                .iter()
                .find(|l| l.path == path)
                .and_then(|l| lines.range(&l.span))
            else {
                continue;
            };
            let (start, end) = find_in(&source.text, span, span.0, "features");
            findings.push(source.finding(
                start,
                end,
                "COMPILE",
                format!("`features` can be set in editions files only, not in {syntax}: migrate the file to `edition = \"2023\";` or remove the option"),
            ));
        }
    }
    findings
}
