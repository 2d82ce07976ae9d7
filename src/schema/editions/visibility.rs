//! buf parity: symbol visibility (edition 2024 on). A message or enum of an editions file is
//! exported or local: `export` or `local` before its declaration says which, and otherwise the
//! file's `default_symbol_visibility` does (`EXPORT_ALL`: every type; `EXPORT_TOP_LEVEL`, the
//! 2024 default: top-level types only; `LOCAL_ALL` and `STRICT`, the 2026 default: none). A local
//! type used from another file (a field's type, a map's value, an extendee, a method's input or
//! output) is a `COMPILE` finding at the reference, as buf 1.75.0 reports it. `STRICT` also
//! refuses `export` on a nested type, at the keyword, but for an enum nested in a top-level
//! message that is not itself `export` and reserves every field number with one range
//! (`reserved 1 to max;`, "the C++ namespace exception").
//!
//! The compiler sees editions files as proto2 and the parser keeps no visibility in the
//! descriptor, so the check is ours: the keyword is read from the text just before the
//! declaration (whose span starts at `message` or `enum`).

use std::collections::{HashMap, HashSet};

use prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};

use super::Edition;
use crate::descriptor::tag;
use crate::finding::Finding;
use crate::schema::{Locations, Schema, Source};

/// `extendee` in a `FieldDescriptorProto`.
const FIELD_EXTENDEE: i32 = 2;
/// The largest field number.
const MAX_FIELD_NUMBER: i32 = 536_870_911;

/// A local type, by full name (leading dot): the file that defines it, and its kind.
pub(super) struct Local {
    pub file: String,
    pub kind: &'static str,
}

/// What the types [`uses_in`] looks for are, which says what a use of one is told.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Hidden {
    /// Local types of other files.
    Local,
    /// Types of files the file imports with `import option`, for options only.
    OptionOnly,
}

/// The findings of symbol visibility in the schema's files read from the workspace.
pub(crate) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut locals: HashMap<String, Local> = HashMap::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        // Before 2024 every type is exported unless written `local`, which buf refuses there
        // (see `import_option`) but honours all the same.
        let mode = match schema.editions.get(file.name()) {
            Some(table) if table.edition != Edition::E2023 => {
                table.resolve(&[], "default_symbol_visibility")
            }
            _ => "EXPORT_ALL",
        };
        if mode.is_empty() || mode == "EXPORT_ALL" && !may_declare_local(&source.text) {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        let scope = match file.package() {
            "" => String::new(),
            package => format!(".{package}"),
        };
        let mut walk = Declarations {
            file: file.name(),
            source,
            locations: &locations,
            mode,
            locals: &mut locals,
            findings: &mut findings,
        };
        walk.messages(&file.message_type, &scope, &mut Vec::new(), None);
        walk.enums(&file.enum_type, &scope, &mut Vec::new(), None);
    }
    if locals.is_empty() {
        return findings;
    }
    for file in &schema.files {
        if let Some(source) = schema.sources.get(file.name()) {
            let locations = Locations::with_extra(file, file.extra_info());
            uses_in(
                file,
                source,
                &locations,
                (&locals, Hidden::Local),
                &mut findings,
            );
        }
    }
    // buf parity: a file with other errors has its uses reported too, as it compiled with
    // those errors fixed.
    for file in &schema.recovered {
        if let Some(source) = schema.sources.get(file.name()) {
            let locations = Locations::new(file);
            uses_in(
                file,
                source,
                &locations,
                (&locals, Hidden::Local),
                &mut findings,
            );
        }
    }
    findings
}

/// The findings of the uses in `file` of the types `hidden` holds (by full name).
pub(super) fn uses_in(
    file: &prost_types::FileDescriptorProto,
    source: &Source,
    locations: &Locations,
    (locals, hidden): (&HashMap<String, Local>, Hidden),
    findings: &mut Vec<Finding>,
) {
    let mut uses = Uses {
        file: file.name(),
        source,
        locations,
        locals,
        hidden,
        extendees: HashSet::new(),
        findings,
    };
    uses.messages(&file.message_type, &mut Vec::new());
    uses.fields(&file.extension, &[tag::FILE_EXTENSION], None);
    for (i, service) in file.service.iter().enumerate() {
        for (j, method) in service.method.iter().enumerate() {
            let at = [tag::FILE_SERVICE, i as i32, tag::SERVICE_METHOD, j as i32];
            for (field, name) in [
                (tag::METHOD_INPUT_TYPE, method.input_type()),
                (tag::METHOD_OUTPUT_TYPE, method.output_type()),
            ] {
                let mut path = at.to_vec();
                path.push(field);
                uses.reference(name, &path, false);
            }
        }
    }
}

/// The parent of a nested declaration: its path, full name, and whether it is written `export`.
#[derive(Clone, Copy)]
struct Parent<'a> {
    path: &'a [i32],
    name: &'a str,
    export: bool,
    message: &'a DescriptorProto,
}

/// Walks the declarations of one editions file, collecting its local types and the findings of
/// `export` under `STRICT`.
struct Declarations<'a> {
    file: &'a str,
    source: &'a Source,
    locations: &'a Locations<'a>,
    mode: &'a str,
    locals: &'a mut HashMap<String, Local>,
    findings: &'a mut Vec<Finding>,
}

impl Declarations<'_> {
    fn messages(
        &mut self,
        messages: &[DescriptorProto],
        scope: &str,
        path: &mut Vec<i32>,
        parent: Option<Parent>,
    ) {
        let message_tag = if path.is_empty() {
            tag::FILE_MESSAGE_TYPE
        } else {
            tag::MESSAGE_NESTED_TYPE
        };
        for (i, m) in messages.iter().enumerate() {
            if m.options.as_ref().is_some_and(|o| o.map_entry()) {
                continue;
            }
            path.extend([message_tag, i as i32]);
            let name = format!("{scope}.{}", m.name());
            let export = self.declaration(&name, path, parent, "message");
            let me = Parent {
                path,
                name: &name,
                export,
                message: m,
            };
            let mut nested = path.clone();
            self.messages(&m.nested_type, &name, &mut nested, Some(me));
            self.enums(&m.enum_type, &name, &mut nested, Some(me));
            path.truncate(path.len() - 2);
        }
    }

    fn enums(
        &mut self,
        enums: &[EnumDescriptorProto],
        scope: &str,
        path: &mut Vec<i32>,
        parent: Option<Parent>,
    ) {
        let enum_tag = if path.is_empty() {
            tag::FILE_ENUM_TYPE
        } else {
            tag::MESSAGE_ENUM_TYPE
        };
        for (i, e) in enums.iter().enumerate() {
            path.extend([enum_tag, i as i32]);
            let name = format!("{scope}.{}", e.name());
            self.declaration(&name, path, parent, "enum");
            path.truncate(path.len() - 2);
        }
    }

    /// Records the type `name` at `path` if it is local and checks `export` under `STRICT`;
    /// whether it is written `export`.
    fn declaration(
        &mut self,
        name: &str,
        path: &[i32],
        parent: Option<Parent>,
        kind: &'static str,
    ) -> bool {
        let keyword = self
            .locations
            .span(self.source, path)
            .and_then(|span| keyword_before(&self.source.text, span.start));
        let exported = match keyword {
            Some((_, word)) => word == "export",
            None => match self.mode {
                "EXPORT_ALL" => true,
                "EXPORT_TOP_LEVEL" => parent.is_none(),
                _ => false,
            },
        };
        if !exported {
            self.locals.insert(
                name.to_string(),
                Local {
                    file: self.file.to_string(),
                    kind,
                },
            );
        }
        if let (Some((at, "export")), Some(parent), "STRICT") = (keyword, parent, self.mode) {
            if let Some(message) = strict_export(kind, parent) {
                let finding = self
                    .source
                    .finding(at, at + "export".len(), "COMPILE", message);
                self.findings.push(finding);
            }
        }
        keyword.is_some_and(|(_, word)| word == "export")
    }
}

/// Why `export` on a nested `kind` within `parent` is refused under `STRICT`, if it is.
fn strict_export(kind: &str, parent: Parent) -> Option<String> {
    let namespace = kind == "enum" && parent.path.len() == 2 && !parent.export;
    if !namespace {
        return Some(format!(
            "`export` on a nested {kind}: under default_symbol_visibility STRICT only top-level types (and enums of a top-level `reserved 1 to max;` message that is not `export`) can be exported; move it to the top level or drop `export`"
        ));
    }
    let ranges = &parent.message.reserved_range;
    let mut sorted: Vec<(i32, i32)> = ranges.iter().map(|r| (r.start(), r.end())).collect();
    sorted.sort_unstable_by_key(|&(start, end)| (start, end - start));
    let mut gap = 1;
    for (start, end) in sorted {
        if end <= gap {
            continue;
        }
        if gap < start {
            break;
        }
        gap = end;
    }
    let parent_name = parent.name.trim_start_matches('.');
    if gap <= MAX_FIELD_NUMBER {
        Some(format!(
            "message `{parent_name}` does not reserve field number {gap}: under default_symbol_visibility STRICT an exported enum may only be nested in a message that reserves every field number (`reserved 1 to max;`)"
        ))
    } else if ranges.len() != 1 {
        Some(format!(
            "message `{parent_name}` reserves every field number with {} ranges: under default_symbol_visibility STRICT an exported nested enum needs them as one, `reserved 1 to max;`",
            ranges.len()
        ))
    } else {
        None
    }
}

/// Whether `text` may declare a `local` type: it has `local` followed by whitespace and
/// `message` or `enum` (what [`keyword_before`] finds before a declaration). Under
/// `EXPORT_ALL` only such a file has local types; most files that hold the word have it in a
/// comment or a longer name (`locale`, `location`), and their locations are not decoded.
fn may_declare_local(text: &str) -> bool {
    text.match_indices("local").any(|(at, word)| {
        let rest = &text[at + word.len()..];
        let after = rest.trim_start();
        after.len() < rest.len() && (after.starts_with("message") || after.starts_with("enum"))
    })
}

/// `local` or `export` written just before byte `start` (the declaration's `message` or
/// `enum`), with its offset.
pub(super) fn keyword_before(text: &str, start: usize) -> Option<(usize, &'static str)> {
    let before = text.get(..start)?.trim_end();
    ["local", "export"].into_iter().find_map(|word| {
        let rest = before.strip_suffix(word)?;
        let boundary = rest
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
        boundary.then_some((rest.len(), word))
    })
}

/// Walks the type references of one file, reporting those to another file's local types.
struct Uses<'a> {
    file: &'a str,
    source: &'a Source,
    locations: &'a Locations<'a>,
    locals: &'a HashMap<String, Local>,
    hidden: Hidden,
    /// The extendee spans reported (one extend block, many extensions: one finding).
    extendees: HashSet<(usize, usize)>,
    findings: &'a mut Vec<Finding>,
}

impl Uses<'_> {
    fn messages(&mut self, messages: &[DescriptorProto], path: &mut Vec<i32>) {
        let message_tag = if path.is_empty() {
            tag::FILE_MESSAGE_TYPE
        } else {
            tag::MESSAGE_NESTED_TYPE
        };
        for (i, m) in messages.iter().enumerate() {
            if m.options.as_ref().is_some_and(|o| o.map_entry()) {
                continue;
            }
            path.extend([message_tag, i as i32]);
            let mut at = path.clone();
            at.push(tag::MESSAGE_FIELD);
            self.fields(&m.field, &at, Some(m));
            at.pop();
            at.push(tag::MESSAGE_EXTENSION);
            self.fields(&m.extension, &at, Some(m));
            self.messages(&m.nested_type, path);
            path.truncate(path.len() - 2);
        }
    }

    /// The fields (or extensions) at `at`, of `message` if any (for its map entries).
    fn fields(
        &mut self,
        fields: &[FieldDescriptorProto],
        at: &[i32],
        message: Option<&DescriptorProto>,
    ) {
        for (j, field) in fields.iter().enumerate() {
            let mut path = at.to_vec();
            path.push(j as i32);
            if field.extendee.is_some() {
                path.push(FIELD_EXTENDEE);
                self.reference(field.extendee(), &path, true);
                path.pop();
            }
            path.push(tag::FIELD_TYPE_NAME);
            let entry = message.and_then(|m| map_entry(m, field.type_name()));
            match entry {
                Some(entry) => {
                    let value = entry.field.iter().find(|f| f.number() == 2);
                    if let Some(value) = value.filter(|v| !v.type_name().is_empty()) {
                        self.map_value(value.type_name(), &path);
                    }
                }
                None => self.reference(field.type_name(), &path, false),
            }
        }
    }

    /// Whether `name` is a local type of another file.
    fn is_foreign(&self, name: &str) -> bool {
        self.locals.get(name).is_some_and(|l| l.file != self.file)
    }

    /// Reports `name`, written at `path`, if it is a local type of another file.
    fn reference(&mut self, name: &str, path: &[i32], extendee: bool) {
        if self.locals.is_empty() || name.is_empty() {
            return;
        }
        let Some(span) = self.locations.span(self.source, path) else {
            return;
        };
        if extendee && self.extendees.contains(&(span.start, span.end)) {
            return;
        }
        if self.check(name, span.start, span.end) && extendee {
            self.extendees.insert((span.start, span.end));
        }
    }

    /// Reports the value type of a map field whose type (`map<K, V>`) is at `path`.
    fn map_value(&mut self, name: &str, path: &[i32]) {
        let Some(span) = self.locations.span(self.source, path) else {
            return;
        };
        let text = &self.source.text[span.start..span.end];
        let (Some(comma), Some(close)) = (text.find(','), text.rfind('>')) else {
            return;
        };
        let inner = &text[comma + 1..close];
        let start = span.start + comma + 1 + (inner.len() - inner.trim_start().len());
        let end = span.start + comma + 1 + inner.trim_end().len();
        self.check(name, start, end);
    }

    /// Reports the reference to `name` written at `start..end` if it reaches a local type of
    /// another file: the type itself, or (a relative name of several parts) the type its first
    /// part names, where buf's lookup stops ("cannot find"); whether it did.
    fn check(&mut self, name: &str, start: usize, end: usize) -> bool {
        let written: String = self.source.text[start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if self.hidden == Hidden::OptionOnly {
            let Some(found) = self.locals.get(name) else {
                return false;
            };
            let message = format!(
                "{} `{}` is defined in {}, which this file imports with `import option`, for options only: import it with a plain `import` to use it here",
                found.kind,
                name.trim_start_matches('.'),
                found.file
            );
            self.findings
                .push(self.source.finding(start, end, "COMPILE", message));
            return true;
        }
        let parts = written.split('.').count();
        let first = (!written.starts_with('.') && parts > 1)
            .then(|| {
                let mut scope = name;
                for _ in 1..parts {
                    scope = &scope[..scope.rfind('.').unwrap_or(0)];
                }
                scope
            })
            .filter(|first| self.is_foreign(first));
        let message = if let Some(first) = first {
            let local = &self.locals[first];
            format!(
                "`{written}` cannot be found from here: its first part names {} `{}`, which is local to {} (not exported, see its `export`/`local` keyword and the file's default_symbol_visibility); mark it `export` or write the full name",
                local.kind,
                first.trim_start_matches('.'),
                local.file
            )
        } else if self.is_foreign(name) {
            let local = &self.locals[name];
            format!(
                "{} `{}` is local to {} (not exported, see its `export`/`local` keyword and the file's default_symbol_visibility), so it cannot be used here: mark it `export` or use another type",
                local.kind,
                name.trim_start_matches('.'),
                local.file
            )
        } else {
            return false;
        };
        self.findings
            .push(self.source.finding(start, end, "COMPILE", message));
        true
    }
}

/// The map entry of `message` that `type_name` names, if it is one.
fn map_entry<'m>(message: &'m DescriptorProto, type_name: &str) -> Option<&'m DescriptorProto> {
    let entry = type_name.rsplit('.').next()?;
    message
        .nested_type
        .iter()
        .find(|n| n.name() == entry && n.options.as_ref().is_some_and(|o| o.map_entry()))
}
