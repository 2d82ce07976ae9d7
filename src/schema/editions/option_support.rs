//! buf parity: a custom option (an extension of an options message) whose definition says
//! `feature_support = { edition_introduced: EDITION_2026 }` cannot be set in a file of an
//! earlier edition (proto2 and proto3 come before every edition): buf 1.75.0 reports each use
//! as a `COMPILE` finding at the option's name in parentheses ("`cpp` is not supported in
//! Edition 2024"). The compiler never reads `feature_support`, so the definitions are read from
//! their files' text, and the uses from the using file's text (`(pb.file.cpp)` in an option's
//! name, resolved as a full name or a name relative to the option's package).

use std::collections::HashMap;

use super::support::edition_number;
use super::Edition;
use crate::descriptor::walk::extensions;
use crate::finding::Finding;
use crate::schema::Schema;

/// The custom options of the schema introduced in some edition, by full name (no leading dot):
/// that edition's number and name.
fn introduced(schema: &Schema) -> HashMap<String, (i64, String)> {
    let mut out = HashMap::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        if !source.text.contains("edition_introduced") {
            continue;
        }
        let parsed = std::panic::catch_unwind(|| protox_parse::parse(file.name(), &source.text));
        let Ok(Ok(parsed)) = parsed else {
            continue;
        };
        for (_, extension, name) in extensions(&parsed) {
            let options = extension
                .options
                .iter()
                .flat_map(|o| &o.uninterpreted_option);
            for option in options {
                let parts: Vec<&str> = option.name.iter().map(|p| p.name_part.as_str()).collect();
                let value = match parts[..] {
                    ["feature_support"] => option.aggregate_value.as_deref().and_then(|v| {
                        let after = v.split("edition_introduced").nth(1)?;
                        let after = after.trim_start().strip_prefix(':')?.trim_start();
                        let end = after
                            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .unwrap_or(after.len());
                        Some(after[..end].to_string())
                    }),
                    ["feature_support", "edition_introduced"] => option.identifier_value.clone(),
                    _ => None,
                };
                if let Some(number) = value.as_deref().and_then(edition_number) {
                    out.insert(name.clone(), (number, value.unwrap_or_default()));
                }
            }
        }
    }
    out
}

/// The `COMPILE` findings of custom options set before the edition that introduces them.
pub(in crate::schema) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let introduced = introduced(schema);
    if introduced.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let (number, edition) = match schema.editions.get(file.name()) {
            Some(table) => match table.edition {
                Edition::E2023 => (1000, "edition 2023"),
                Edition::E2024 => (1001, "edition 2024"),
                Edition::E2026 => (1002, "edition 2026"),
                Edition::Unstable => (9999, "edition UNSTABLE"),
            },
            None if file.syntax() == "proto3" => (999, "proto3"),
            None => (998, "proto2"),
        };
        for (start, end, written) in crate::schema::message_sets::bracketed_names(&source.text) {
            if !source.text[start..].starts_with('(') {
                continue;
            }
            let name = written.trim_start_matches('.');
            let found = introduced
                .iter()
                .find(|(full, _)| *full == name || full.ends_with(&format!(".{name}")));
            let Some((full, (since, since_name))) = found else {
                continue;
            };
            if number >= *since {
                continue;
            }
            let message = format!(
                "option `({full})` is introduced in {since_name} (its `feature_support`), and this file is {edition}: remove it, or move the file to that edition"
            );
            findings.push(source.finding(start, end, "COMPILE", message));
        }
    }
    findings
}
