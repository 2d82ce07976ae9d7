//! buf parity: a custom option (an extension of an options message) whose definition says
//! `feature_support = { edition_introduced: EDITION_2026 }` cannot be set in a file of an
//! earlier edition (proto2 and proto3 come before every edition): buf 1.75.0 reports each use
//! as a `COMPILE` finding at the option's name in parentheses ("`cpp` is not supported in
//! Edition 2024"). The compiler never reads `feature_support`, so the definitions are read from
//! their files' text, and the uses from the using file's text (`(pb.file.cpp)` in an option's
//! name, resolved as a full name or a name relative to the option's package).

use std::collections::BTreeMap;

use super::support::edition_number;
use super::Edition;
use crate::descriptor::walk::extensions;
use crate::finding::Finding;
use crate::schema::Schema;

/// The custom options of the schema introduced in some edition, by full name (no leading dot):
/// that edition's number and name.
fn introduced(schema: &Schema) -> BTreeMap<String, (i64, String)> {
    let mut out = BTreeMap::new();
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
            let Some((full, (since, since_name))) = resolve(&introduced, written, file.package())
            else {
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

/// The option of `introduced` that `written` (as in parentheses, a leading dot for a full name)
/// names in a file of package `package`: a full name, or a name relative to the package and
/// each package around it, innermost first; past those, the one option whose name ends in it
/// (an extension declared in a message, named from inside it), if only one does.
fn resolve<'a>(
    introduced: &'a BTreeMap<String, (i64, String)>,
    written: &str,
    package: &str,
) -> Option<(&'a String, &'a (i64, String))> {
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
