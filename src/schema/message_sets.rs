//! buf parity: buf 1.75.0 refuses any input whose image has a message with
//! `option message_set_wire_format = true;` (a legacy proto1 feature): once the files compile,
//! turning the image into Go descriptors fails with "message \"pkg.M\" is a MessageSet, which is
//! a legacy proto1 feature that is no longer supported", prefixed "input image: " or "against
//! image: ", and the run exits 1. `buf build` is not refused. Every file of the image counts,
//! imports included, the input side before the against side, and a message before the messages
//! nested in it (buf takes the files in no fixed order; sous takes them in dependency order).
//! `--allow-message-sets` (beyond buf, off by default) checks such files instead.
//!
//! In a proto3 file the option is a compile error, at its name ("message set type are not
//! supported" in buf's words): [`in_proto3`].

use prost_types::DescriptorProto;

use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::schema::{Locations, Schema};

/// Which side of a run a schema is, as buf's message prefixes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Input,
    Against,
}

/// buf's error for the first message set of `schema`, unless `allowed`; a schema with compile
/// errors is reported by them instead, so it is never refused here.
pub fn refuse(schema: &Schema, side: Side, allowed: bool) -> Result<()> {
    if allowed || !schema.errors.is_empty() {
        return Ok(());
    }
    let Some(found) = first(schema) else {
        return Ok(());
    };
    let side = match side {
        Side::Input => "input",
        Side::Against => "against",
    };
    Err(Error::Input(format!(
        "{side} image: {}: message \"{}\" is a MessageSet (message_set_wire_format = true), a legacy proto1 feature that buf refuses in lint and breaking; remove the option, or pass --allow-message-sets to check the file anyway",
        found.place, found.name
    )))
}

/// The first message set of a schema: where (`file:line:column`, or the file alone when there is
/// no source) and its full name.
struct Found {
    place: String,
    name: String,
}

/// The descriptor paths and full names of the message sets of one file, in walk order (a
/// message before its nested messages); the first alone if `first`.
struct Sets {
    found: Vec<(Vec<i32>, String)>,
    first: bool,
}

impl<'a> Visitor<'a> for Sets {
    fn message(&mut self, message: &'a DescriptorProto, at: &Site) -> Flow {
        if self.first && !self.found.is_empty() {
            return Flow::Over;
        }
        let options = message.options.as_ref();
        if options.is_some_and(|o| o.message_set_wire_format()) {
            self.found
                .push((at.path.to_vec(), at.full_name.to_string()));
        }
        Flow::Into
    }
}

/// The message sets of `file`.
fn sets(file: &prost_types::FileDescriptorProto, first: bool) -> Vec<(Vec<i32>, String)> {
    let mut sets = Sets {
        found: Vec::new(),
        first,
    };
    walk(file, &mut sets);
    sets.found
}

/// The `COMPILE` findings of the message sets of the proto3 files read from the workspace, at
/// the option's name.
pub(super) fn in_proto3(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        if file.syntax() != "proto3" {
            continue;
        }
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let found = sets(file, false);
        if found.is_empty() {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        for (path, name) in found {
            let option = [&path[..], &[7, 1]].concat();
            let Some(span) = locations.span(source, &option) else {
                continue;
            };
            const NAME: &str = "message_set_wire_format";
            let statement = &source.text[span.start..span.end.max(span.start)];
            let start = span.start + statement.find(NAME).unwrap_or(0);
            let message = format!("message \"{name}\" sets message_set_wire_format, a legacy proto1 feature a proto3 file cannot use: remove the option");
            findings.push(source.finding(start, start + NAME.len(), "COMPILE", message));
        }
    }
    findings
}

fn first(schema: &Schema) -> Option<Found> {
    schema.files.iter().find_map(|file| {
        let (path, name) = sets(file, true).into_iter().next()?;
        let place = match schema.sources.get(file.name()) {
            Some(source) => {
                let locations = Locations::with_extra(file, file.extra_info());
                // The option's name (`message_set_wire_format`, field 1 of MessageOptions,
                // field 7 of DescriptorProto), else the message.
                let option = [&path[..], &[7, 1]].concat();
                let span = (locations.span(source, &option)).or(locations.span(source, &path));
                match span {
                    Some(span) => {
                        let (line, column) = source.position(span.start);
                        format!("{}:{line}:{column}", source.file.display)
                    }
                    None => source.file.display.clone(),
                }
            }
            None => file.name().to_string(),
        };
        Some(Found { place, name })
    })
}

/// buf parity: an extension of a message set used in an option (`[pkg.ext]` inside a message
/// value, or `(pkg.ext)` in an option's name) is a `COMPILE` finding there, brackets included,
/// in buf's words "may not be used in an option". Read from the text, once the schema has a
/// message set extension at all.
pub(super) fn in_options(schema: &Schema) -> Vec<Finding> {
    let sets: std::collections::HashSet<String> = (schema.files.iter())
        .flat_map(|file| sets(file, false))
        .map(|(_, name)| format!(".{name}"))
        .collect();
    if sets.is_empty() {
        return Vec::new();
    }
    let extensions: Vec<String> = (schema.files.iter())
        .flat_map(|file| crate::descriptor::walk::extensions(file))
        .filter(|(_, e, _)| sets.contains(e.extendee()))
        .map(|(_, _, name)| name)
        .collect();
    let mut findings = Vec::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        for (start, end, written) in bracketed_names(&source.text) {
            let name = written.trim_start_matches('.');
            let Some(full) = extensions
                .iter()
                .find(|e| *e == name || e.ends_with(&format!(".{name}")))
            else {
                continue;
            };
            let message = format!("the extension `{full}` of a message set is used in an option: message sets are a legacy proto1 feature that options cannot use; set the option some other way");
            findings.push(source.finding(start, end, "COMPILE", message));
        }
    }
    findings
}

/// Every `[name]` and `(name)` of `text` outside comments and strings, `name` a dotted
/// identifier: the brackets' byte range (with the dot before a `(`) and the name.
pub(in crate::schema) fn bracketed_names(text: &str) -> Vec<(usize, usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            open @ (b'[' | b'(') => {
                let close = if open == b'[' { b']' } else { b')' };
                let inner = i + 1;
                let mut j = inner;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let name_start = j;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric() || b"._".contains(&bytes[j]))
                {
                    j += 1;
                }
                let name_end = j;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if name_end > name_start && bytes.get(j) == Some(&close) {
                    // buf parity: a name part in parentheses is placed from the dot before it.
                    let dot = open == b'(' && i > 0 && bytes[i - 1] == b'.';
                    out.push((i - usize::from(dot), j + 1, &text[name_start..name_end]));
                }
                i = inner;
            }
            _ => i += 1,
        }
    }
    out
}
