//! buf parity: the message the compiler makes for a `map<K, V>` field (`FooBarEntry` for
//! `foo_bar`) is that field's type and no other's. prost-reflect lets any field name it; buf
//! refuses every other use, at the field's type.

use std::collections::HashMap;
use std::sync::Arc;

use prost_types::{DescriptorProto, FieldDescriptorProto};

use super::{Locations, Proto, Source};
use crate::descriptor::tag;
use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::finding::Finding;

/// The map entry messages of the files, by full name: the message each is nested in.
struct Entries<'m>(&'m mut HashMap<String, String>);

impl Visitor<'_> for Entries<'_> {
    fn message(&mut self, message: &DescriptorProto, at: &Site) -> Flow {
        if message.options.as_ref().is_some_and(|o| o.map_entry()) {
            self.0
                .insert(format!(".{}", at.full_name), at.parent.to_string());
        }
        Flow::Into
    }
}

/// The fields of one file whose type is a map entry they do not stand for: their paths.
struct Misuses<'e> {
    entries: &'e HashMap<String, String>,
    found: Vec<(Vec<i32>, String)>,
}

impl Visitor<'_> for Misuses<'_> {
    fn field(&mut self, field: &FieldDescriptorProto, _: &DescriptorProto, at: &Site) {
        self.check(field, at, false);
    }
    fn extension(&mut self, field: &FieldDescriptorProto, at: &Site) {
        self.check(field, at, true);
    }
}

impl Misuses<'_> {
    fn check(&mut self, field: &FieldDescriptorProto, at: &Site, extension: bool) {
        let Some(parent) = self.entries.get(field.type_name()) else {
            return;
        };
        let entry = field.type_name().rsplit('.').next().unwrap_or_default();
        let own = !extension
            && field.label() == prost_types::field_descriptor_proto::Label::Repeated
            && *parent == at.parent
            && entry == entry_name(field.name());
        if !own {
            self.found.push((
                at.path.to_vec(),
                field.type_name().trim_start_matches('.').into(),
            ));
        }
    }
}

/// The name of the entry message of map field `field` (`foo_bar` -> `FooBarEntry`).
fn entry_name(field: &str) -> String {
    let mut name = String::with_capacity(field.len() + 5);
    let mut upper = true;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            name.extend(c.to_uppercase());
            upper = false;
        } else {
            name.push(c);
        }
    }
    name.push_str("Entry");
    name
}

/// A `COMPILE` finding at the type of every field of a file read from the workspace that uses
/// a map entry message as its type, other than the map field the entry was made for.
pub(super) fn misused(files: &[Proto], sources: &HashMap<String, Arc<Source>>) -> Vec<Finding> {
    let mut entries = HashMap::new();
    for file in files {
        walk(file, &mut Entries(&mut entries));
    }
    if entries.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for file in files {
        let Some(source) = sources.get(file.name()) else {
            continue;
        };
        let mut misuses = Misuses {
            entries: &entries,
            found: Vec::new(),
        };
        walk(file, &mut misuses);
        for (mut path, entry) in misuses.found {
            let message = format!(
                "{entry} is the entry message of a map field and cannot be used as a type: declare a message of your own, or use a map field"
            );
            path.push(tag::FIELD_TYPE_NAME);
            let locations = Locations::with_extra(file, file.extra_info());
            findings.push(match locations.span(source, &path) {
                Some(span) => source.finding(span.start, span.end, "COMPILE", message),
                None => source.file_finding("COMPILE", message),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::entry_name;

    #[test]
    fn names_entries_as_the_compiler_does() {
        assert_eq!(entry_name("foo_bar"), "FooBarEntry");
        assert_eq!(entry_name("labels"), "LabelsEntry");
        assert_eq!(entry_name("a_1b"), "A1bEntry");
    }
}
