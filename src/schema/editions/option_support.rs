//! buf parity: a custom option (an extension of an options message) whose definition's
//! `feature_support` says `edition_introduced: EDITION_2026` cannot be set in a file of an
//! earlier edition (proto2 and proto3 come before every edition), and one that says
//! `edition_removed: EDITION_2024` in a file of that edition or a later one: buf 1.75.0 reports
//! each use as a `COMPILE` finding at the option's name in parentheses ("`cpp` is not supported
//! in Edition 2024"). The same holds for the fields of an option's message value and the
//! values of its enums (see [`super::option_values`]). `edition_deprecated` (with
//! `deprecation_warning`) is not reported: buf prints nothing for it and exits as before.
//!
//! The compiler never reads `feature_support`, so the definitions are read from their files'
//! text (each `feature_support` option parsed as [`super::support`] parses feature
//! definitions'), and the uses from the using file's text (`(pb.file.cpp)` in an option's
//! name, resolved as a full name or a name relative to the option's package).

use std::collections::{BTreeMap, HashMap};

use super::support::{edition_number, entries_of, Entry};
use super::{collect_options, Edition, LineStarts, Target, UNINTERPRETED_OPTION};
use crate::descriptor::walk::{walk, Site, Visitor};
use crate::finding::Finding;
use crate::schema::Schema;

/// When a definition may be used, from its `feature_support`.
#[derive(Default, Debug)]
pub(super) struct Support {
    /// The edition it is introduced in: its number and name.
    introduced: Option<(i64, String)>,
    /// The edition it is removed in: its number, its name and the definition's
    /// `removal_error`.
    removed: Option<(i64, String, String)>,
}

impl Support {
    /// Why a definition of this support cannot be used in a file of edition `number` (named
    /// `edition`), if it cannot.
    pub(super) fn refusal(&self, number: i64, edition: &str) -> Option<String> {
        if let Some((_, name)) = self.introduced.as_ref().filter(|i| number < i.0) {
            return Some(format!(
                "is introduced in {name} (its `feature_support`), and this file is {edition}: remove it, or move the file to that edition"
            ));
        }
        let (_, name, error) = self.removed.as_ref().filter(|r| number >= r.0)?;
        Some(format!(
            "is removed in {name} (its `feature_support`: {error:?}), and this file is {edition}: remove it, or keep the file on an earlier edition"
        ))
    }
}

/// The definitions of the schema that have a `feature_support`.
#[derive(Default, Debug)]
pub(super) struct Supports {
    /// Custom options (extensions), by full name (no leading dot).
    pub(super) options: BTreeMap<String, Support>,
    /// Message fields (`pkg.Message.field`) and enum values (`pkg.Enum.VALUE`, under their
    /// enum's name).
    pub(super) members: HashMap<String, Support>,
}

/// The `feature_support` of every extension, field and enum value of the schema that has one.
fn supports(schema: &Schema) -> Supports {
    let mut out = Supports::default();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let text = &source.text;
        if !text.contains("feature_support") {
            continue;
        }
        let parsed = std::panic::catch_unwind(|| protox_parse::parse(file.name(), text));
        let Ok(Ok(mut parsed)) = parsed else {
            continue;
        };
        let names = names_by_path(&parsed);
        let info = parsed.source_code_info.take().unwrap_or_default();
        let lines = LineStarts::new(text);
        let spans: HashMap<&[i32], (usize, usize)> = (info.location.iter())
            .filter_map(|l| Some((l.path.as_slice(), lines.range(&l.span)?)))
            .collect();
        let mut found = Vec::new();
        collect_options(&mut parsed, &mut found);
        for at in found {
            if !matches!(at.target, Target::Field | Target::EnumValue) {
                continue;
            }
            let Some((name, is_extension)) = names.get(&at.path) else {
                continue;
            };
            let mut entries = Vec::new();
            for (index, option) in at.options.iter().enumerate() {
                let is_support = (option.name.first())
                    .is_some_and(|p| !p.is_extension && p.name_part == "feature_support");
                let mut path = at.path.clone();
                path.extend([at.options_tag, UNINTERPRETED_OPTION, index as i32]);
                if let (true, Some(span)) = (is_support, spans.get(path.as_slice())) {
                    entries.extend(entries_of(option, text, *span));
                }
            }
            let Some(support) = support_of(&entries) else {
                continue;
            };
            if *is_extension {
                out.options.insert(name.clone(), support);
            } else {
                out.members.insert(name.clone(), support);
            }
        }
    }
    out
}

/// The support the keys of one definition's `feature_support` give, if they give any.
fn support_of(entries: &[Entry]) -> Option<Support> {
    let get = |key: &str| entries.iter().find(|e| e.key == key);
    let edition = |key: &str| {
        let entry = get(key)?;
        Some((edition_number(&entry.value)?, entry.value.clone()))
    };
    let support = Support {
        introduced: edition("edition_introduced"),
        removed: edition("edition_removed").map(|(number, name)| {
            let error = get("removal_error").map_or(String::new(), |e| e.value.clone());
            (number, name, error)
        }),
    };
    (support.introduced.is_some() || support.removed.is_some()).then_some(support)
}

/// The full names of a parsed file's extensions, fields and enum values (under their enum's
/// name), by descriptor path, each saying whether it is an extension.
fn names_by_path(file: &prost_types::FileDescriptorProto) -> HashMap<Vec<i32>, (String, bool)> {
    struct Names(HashMap<Vec<i32>, (String, bool)>);
    impl<'a> Visitor<'a> for Names {
        fn field(
            &mut self,
            _: &'a prost_types::FieldDescriptorProto,
            _: &'a prost_types::DescriptorProto,
            at: &Site,
        ) {
            (self.0).insert(at.path.to_vec(), (at.full_name.to_string(), false));
        }
        fn extension(&mut self, _: &'a prost_types::FieldDescriptorProto, at: &Site) {
            (self.0).insert(at.path.to_vec(), (at.full_name.to_string(), true));
        }
        fn enum_value(
            &mut self,
            value: &'a prost_types::EnumValueDescriptorProto,
            _: &'a prost_types::EnumDescriptorProto,
            at: &Site,
        ) {
            let name = format!("{}.{}", at.parent, value.name());
            (self.0).insert(at.path.to_vec(), (name, false));
        }
    }
    let mut names = Names(HashMap::new());
    walk(file, &mut names);
    names.0
}

/// The edition of `file` as `feature_support` orders it: its number and how a message names
/// it.
pub(super) fn file_edition(
    schema: &Schema,
    file: &prost_types::FileDescriptorProto,
) -> (i64, &'static str) {
    match schema.editions.get(file.name()) {
        Some(table) => match table.edition {
            Edition::E2023 => (1000, "edition 2023"),
            Edition::E2024 => (1001, "edition 2024"),
            Edition::E2026 => (1002, "edition 2026"),
            Edition::Unstable => (9999, "edition UNSTABLE"),
        },
        None if file.syntax() == "proto3" => (999, "proto3"),
        None => (998, "proto2"),
    }
}

/// The `COMPILE` findings of custom options, their fields and their enum values set in a file
/// of an edition their `feature_support` does not allow.
pub(in crate::schema) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let supports = supports(schema);
    if supports.options.is_empty() && supports.members.is_empty() {
        return Vec::new();
    }
    let mut findings = super::option_values::in_schema(schema, &supports);
    if supports.options.is_empty() {
        return findings;
    }
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let (number, edition) = file_edition(schema, file);
        for (start, end, written) in crate::schema::message_sets::bracketed_names(&source.text) {
            if !source.text[start..].starts_with('(') {
                continue;
            }
            let Some((full, support)) = resolve(&supports.options, written, file.package()) else {
                continue;
            };
            if let Some(refusal) = support.refusal(number, edition) {
                let message = format!("option `({full})` {refusal}");
                findings.push(source.finding(start, end, "COMPILE", message));
            }
        }
    }
    findings
}

/// The option of `options` that `written` (as in parentheses, a leading dot for a full name)
/// names in a file of package `package`: a full name, or a name relative to the package and
/// each package around it, innermost first; past those, the one option whose name ends in it
/// (an extension declared in a message, named from inside it), if only one does.
pub(super) fn resolve<'a, V>(
    introduced: &'a BTreeMap<String, V>,
    written: &str,
    package: &str,
) -> Option<(&'a String, &'a V)> {
    if let Some(full) = written.strip_prefix('.') {
        return introduced.get_key_value(full);
    }
    let mut scope = package;
    loop {
        let full = match scope {
            "" => written.to_string(),
            _ => format!("{scope}.{written}"),
        };
        if let Some(found) = introduced.get_key_value(&full) {
            return Some(found);
        }
        if scope.is_empty() {
            break;
        }
        scope = scope.rsplit_once('.').map_or("", |(outer, _)| outer);
    }
    let suffix = format!(".{written}");
    let mut ending = introduced
        .iter()
        .filter(|(full, _)| full.ends_with(&suffix));
    match (ending.next(), ending.next()) {
        (Some(found), None) => Some(found),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[test]
    fn an_option_name_resolves_in_the_package_scopes_first() {
        let introduced: BTreeMap<String, (i64, String)> = ["a.b.opt", "a.opt", "x.nested.deep"]
            .into_iter()
            .map(|name| (name.to_string(), (1001, "EDITION_2024".to_string())))
            .collect();
        let found =
            |written, package| super::resolve(&introduced, written, package).map(|f| f.0.as_str());
        assert_eq!(found("opt", "a.b"), Some("a.b.opt"));
        assert_eq!(found("opt", "a.c"), Some("a.opt"));
        assert_eq!(found(".a.opt", "a.b"), Some("a.opt"));
        assert_eq!(found("b.opt", "a"), Some("a.b.opt"));
        // Past the package scopes: only a name that one option alone ends in.
        assert_eq!(found("opt", "z"), None);
        assert_eq!(found("deep", "z"), Some("x.nested.deep"));
        assert_eq!(found(".opt", "a.b"), None);
    }
}
