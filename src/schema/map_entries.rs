//! buf parity: the message the compiler makes for a `map<K, V>` field (`FooBarEntry` for
//! `foo_bar`) is that field's type and no other's. prost-reflect lets any field name it; buf
//! refuses every other use, at the field's type.

use std::collections::HashMap;
use std::sync::Arc;

use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use super::{Locations, Proto, Source};
use crate::descriptor::tag;
use crate::finding::Finding;

/// The map entry messages nested in `messages` (of scope `scope`, a full name with a leading
/// dot), by full name: the full name (no leading dot) of the message each is nested in.
fn entries(messages: &[DescriptorProto], scope: &str, out: &mut HashMap<String, String>) {
    for message in messages {
        if message.nested_type.is_empty() {
            continue;
        }
        let name = format!("{scope}.{}", message.name());
        for nested in &message.nested_type {
            if nested.options.as_ref().is_some_and(|o| o.map_entry()) {
                out.insert(format!("{name}.{}", nested.name()), name[1..].to_string());
            }
        }
        entries(&message.nested_type, &name, out);
    }
}

/// The fields and extensions of a file whose type is a map entry they were not made for: their
/// descriptor paths and the entries' full names. Walked without building names: a full name is
/// built only for a field typed with an entry.
struct Misuses<'e> {
    entries: &'e HashMap<String, String>,
    found: Vec<(Vec<i32>, String)>,
}

impl Misuses<'_> {
    fn file(&mut self, file: &FileDescriptorProto) {
        let scope = match file.package() {
            "" => String::new(),
            package => format!(".{package}"),
        };
        for (i, x) in file.extension.iter().enumerate() {
            self.check(x, None, &[tag::FILE_EXTENSION, i as i32]);
        }
        let mut path = vec![tag::FILE_MESSAGE_TYPE];
        self.messages(&file.message_type, &scope, &mut path);
    }

    fn messages(&mut self, messages: &[DescriptorProto], scope: &str, path: &mut Vec<i32>) {
        for (i, message) in messages.iter().enumerate() {
            path.push(i as i32);
            let uses = |f: &FieldDescriptorProto| self.entries.contains_key(f.type_name());
            let name = (message.field.iter().any(uses)
                || message.extension.iter().any(uses)
                || !message.nested_type.is_empty())
            .then(|| format!("{scope}.{}", message.name()));
            if let Some(name) = &name {
                for (j, field) in message.field.iter().enumerate() {
                    path.extend([tag::MESSAGE_FIELD, j as i32]);
                    self.check(field, Some(&name[1..]), path);
                    path.truncate(path.len() - 2);
                }
                for (j, x) in message.extension.iter().enumerate() {
                    path.extend([tag::MESSAGE_EXTENSION, j as i32]);
                    self.check(x, None, path);
                    path.truncate(path.len() - 2);
                }
                path.push(tag::MESSAGE_NESTED_TYPE);
                self.messages(&message.nested_type, name, path);
                path.pop();
            }
            path.pop();
        }
    }

    /// `field`, declared in message `parent` (`None` for an extension), at `path`.
    fn check(&mut self, field: &FieldDescriptorProto, parent: Option<&str>, path: &[i32]) {
        let Some(entry_parent) = self.entries.get(field.type_name()) else {
            return;
        };
        let entry = field.type_name().rsplit('.').next().unwrap_or_default();
        let own = field.label() == prost_types::field_descriptor_proto::Label::Repeated
            && parent == Some(entry_parent.as_str())
            && entry == entry_name(field.name());
        if !own {
            self.found.push((
                path.to_vec(),
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
        let scope = match file.package() {
            "" => String::new(),
            package => format!(".{package}"),
        };
        self::entries(&file.message_type, &scope, &mut entries);
    }
    if entries.is_empty() {
        return Vec::new();
    }
    // Each file on its own, on every core: this runs between the link and lint stages, on one
    // core otherwise.
    use rayon::prelude::*;
    files
        .par_iter()
        .flat_map_iter(|file| {
            let Some(source) = sources.get(file.name()) else {
                return Vec::new();
            };
            let mut misuses = Misuses {
                entries: &entries,
                found: Vec::new(),
            };
            misuses.file(file);
            let mut findings = Vec::new();
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
            findings
        })
        .collect()
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
