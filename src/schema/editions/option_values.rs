//! buf parity: the fields of a custom option's message value and the values of its enums have
//! a `feature_support` of their own (see [`super::option_support`]), checked against the
//! edition of the file that sets them, as buf 1.75.0 checks them: a field named in the option's
//! name (`option (limits).max = 3;`) is reported at the whole name, a field set in an aggregate
//! value (`{ max: 3 }`, nested messages too) at its key, an enum value at the value (a list of
//! them, `[A, B]`, at the whole list).

use std::collections::{BTreeMap, HashMap};

use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, FieldDescriptorProto, UninterpretedOption};

use super::option_support::{file_edition, resolve, Supports};
use super::support::aggregate_entries;
use super::{collect_options, LineStarts, UNINTERPRETED_OPTION};
use crate::descriptor::walk::{walk, Site, Visitor};
use crate::finding::Finding;
use crate::schema::{Schema, Source};

/// The options' messages and custom options of the schema, by full name (no leading dot).
#[derive(Default)]
struct Types<'a> {
    messages: HashMap<String, &'a DescriptorProto>,
    /// Extensions of options messages (not of `FeatureSet`: features are checked apart).
    options: BTreeMap<String, &'a FieldDescriptorProto>,
}

impl<'a> Visitor<'a> for Types<'a> {
    fn message(
        &mut self,
        message: &'a DescriptorProto,
        at: &Site,
    ) -> crate::descriptor::walk::Flow {
        (self.messages).insert(at.full_name.to_string(), message);
        crate::descriptor::walk::Flow::Into
    }
    fn extension(&mut self, extension: &'a FieldDescriptorProto, at: &Site) {
        if extension.extendee() != ".google.protobuf.FeatureSet" {
            (self.options).insert(at.full_name.to_string(), extension);
        }
    }
}

/// The type a field holds: a message's or an enum's full name (no leading dot).
enum Holds {
    Message(String),
    Enum(String),
}

fn holds(field: &FieldDescriptorProto) -> Option<Holds> {
    let name = field.type_name().trim_start_matches('.').to_string();
    match field.r#type() {
        Type::Message | Type::Group => Some(Holds::Message(name)),
        Type::Enum => Some(Holds::Enum(name)),
        _ => None,
    }
}

/// The `COMPILE` findings of the fields and enum values of custom options' values set in a
/// file of an edition their `feature_support` does not allow.
pub(super) fn in_schema(schema: &Schema, supports: &Supports) -> Vec<Finding> {
    if supports.members.is_empty() {
        return Vec::new();
    }
    let mut types = Types::default();
    for file in &schema.files {
        walk(file, &mut types);
    }
    // Only a file that names a field or value with a `feature_support` is parsed again.
    let short: Vec<&str> = (supports.members.keys())
        .map(|full| full.rsplit('.').next().unwrap_or(full))
        .collect();
    let mut findings = Vec::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        if !short.iter().any(|name| source.text.contains(name)) {
            continue;
        }
        let parsed = std::panic::catch_unwind(|| protox_parse::parse(file.name(), &source.text));
        let Ok(Ok(mut parsed)) = parsed else {
            continue;
        };
        let info = parsed.source_code_info.take().unwrap_or_default();
        let lines = LineStarts::new(&source.text);
        let spans: HashMap<&[i32], (usize, usize)> = (info.location.iter())
            .filter_map(|l| Some((l.path.as_slice(), lines.range(&l.span)?)))
            .collect();
        let (number, edition) = file_edition(schema, file);
        let mut uses = Uses {
            source,
            number,
            edition,
            supports,
            types: &types,
            findings: Vec::new(),
        };
        let mut found = Vec::new();
        collect_options(&mut parsed, &mut found);
        for at in found {
            for (index, option) in at.options.iter().enumerate() {
                let Some(first) = option.name.first().filter(|p| p.is_extension) else {
                    continue;
                };
                let Some((_, extension)) =
                    resolve(&types.options, &first.name_part, file.package())
                else {
                    continue;
                };
                let mut path = at.path.clone();
                path.extend([at.options_tag, UNINTERPRETED_OPTION, index as i32]);
                if let Some(span) = spans.get(path.as_slice()) {
                    uses.option(option, extension, *span);
                }
            }
        }
        findings.extend(uses.findings);
    }
    findings
}

/// The checks of one file's options.
struct Uses<'a> {
    source: &'a Source,
    number: i64,
    edition: &'static str,
    supports: &'a Supports,
    types: &'a Types<'a>,
    findings: Vec<Finding>,
}

impl<'a> Uses<'a> {
    /// `member` (`pkg.Message.field` or `pkg.Enum.VALUE`), used at `at`.
    fn check(&mut self, member: &str, at: (usize, usize)) {
        let Some(support) = self.supports.members.get(member) else {
            return;
        };
        if let Some(refusal) = support.refusal(self.number, self.edition) {
            let (scope, name) = member.rsplit_once('.').unwrap_or(("", member));
            let message = format!("`{name}` of `{scope}` {refusal}");
            (self.findings).push(self.source.finding(at.0, at.1, "COMPILE", message));
        }
    }

    fn field(&self, message: &str, name: &str) -> Option<&'a FieldDescriptorProto> {
        let types: &'a Types<'a> = self.types;
        let message = types.messages.get(message)?;
        message.field.iter().find(|f| f.name() == name)
    }

    /// One option of a custom option `extension`, written at `span`.
    fn option(
        &mut self,
        option: &UninterpretedOption,
        extension: &FieldDescriptorProto,
        span: (usize, usize),
    ) {
        let Some((name_at, value_at)) = name_and_value(&self.source.text, span) else {
            return;
        };
        let mut holds_now = holds(extension);
        for part in &option.name[1..] {
            let Some(Holds::Message(message)) = holds_now.as_ref().filter(|_| !part.is_extension)
            else {
                return;
            };
            let Some(field) = self.field(message, &part.name_part) else {
                return;
            };
            self.check(&format!("{message}.{}", part.name_part), name_at);
            holds_now = holds(field);
        }
        match holds_now {
            Some(Holds::Enum(enum_)) => {
                if let Some(value) = &option.identifier_value {
                    self.check(&format!("{enum_}.{value}"), value_at);
                }
            }
            Some(Holds::Message(message)) if option.aggregate_value.is_some() => {
                self.aggregate(&message, value_at.0 + 1, value_at.1.saturating_sub(1));
            }
            _ => {}
        }
    }

    /// The text-format body `text[from..to]` of a value of `message`.
    fn aggregate(&mut self, message: &str, from: usize, to: usize) {
        if from >= to {
            return;
        }
        for entry in aggregate_entries(&self.source.text, from, to) {
            let Some(field) = self.field(message, &entry.key) else {
                continue;
            };
            self.check(&format!("{message}.{}", entry.key), entry.key_at);
            let (start, end) = entry.value_at;
            match (holds(field), entry.value.as_str()) {
                (Some(Holds::Message(nested)), "{" | "<") => {
                    self.aggregate(&nested, start + 1, end.saturating_sub(1));
                }
                (Some(Holds::Enum(enum_)), "[") => {
                    let elements = list_elements(&self.source.text, start + 1, end - 1);
                    // buf parity: buf 1.75.0 reports a value of a list at the element as far
                    // from the list's end as the value is from its start.
                    for (i, (value, _)) in elements.iter().enumerate() {
                        let at = elements[elements.len() - 1 - i].1;
                        self.check(&format!("{enum_}.{value}"), at);
                    }
                }
                (Some(Holds::Enum(enum_)), value) => {
                    self.check(&format!("{enum_}.{value}"), (start, end));
                }
                _ => {}
            }
        }
    }
}

/// The byte ranges of an option's name and of its value, in its statement or its bracketed
/// form at `span` (`option (a).b = V;`, `(a).b = V`).
fn name_and_value(text: &str, span: (usize, usize)) -> Option<((usize, usize), (usize, usize))> {
    let body = text.get(span.0..span.1)?;
    let eq = body.find('=')?;
    let mut name_start = span.0 + (body.len() - body.trim_start().len());
    let rest = &text[name_start..];
    if let Some(after) = rest
        .strip_prefix("option")
        .filter(|r| r.starts_with([' ', '\t', '\n', '\r', '(']))
    {
        name_start += "option".len() + (after.len() - after.trim_start().len());
    }
    let name_end = span.0 + body[..eq].trim_end().len();
    let value = &body[eq + 1..];
    let value_start = span.0 + eq + 1 + (value.len() - value.trim_start().len());
    let value_len = value.trim().trim_end_matches(';').trim_end().len();
    Some((
        (name_start, name_end),
        (value_start, value_start + value_len),
    ))
}

/// The elements of a list of scalars `text[from..to]` (inside its brackets), with their byte
/// ranges.
fn list_elements(text: &str, from: usize, to: usize) -> Vec<(&str, (usize, usize))> {
    let Some(list) = text.get(from..to) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = from;
    for part in list.split(',') {
        let lead = part.len() - part.trim_start().len();
        let value = part.trim();
        if !value.is_empty() {
            out.push((value, (at + lead, at + lead + value.len())));
        }
        at += part.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_elements_keep_their_places() {
        let text = "[ A ,B, C]";
        let found = super::list_elements(text, 1, text.len() - 1);
        assert_eq!(found, vec![("A", (2, 3)), ("B", (5, 6)), ("C", (8, 9))]);
    }
}
