//! The unsafe fix for lint's type naming rules (`sous lint --fix --unsafe-fixes`): rename a
//! message or an enum to PascalCase (MESSAGE_PASCAL_CASE, ENUM_PASCAL_CASE) together with every
//! reference to it in the files compiled (field types, rpc input and output, `extend`), and a
//! service (SERVICE_PASCAL_CASE), which nothing refers to by type.
//!
//! Unsafe, because the new name changes generated code, the fully-qualified name on the wire of
//! `Any` and of reflection, and every user outside the module. A reference is found through the
//! descriptors, not by searching the text: each field, method or extension whose resolved type is
//! the renamed one (or nested in it), at the span the source records for its type; the written
//! name may be relative (`Inner`, `Outer.Inner`, `.pkg.Outer`), so only the component that names
//! the renamed type is replaced, if the written name spells it at all. A rename is made whole or
//! not at all: when a reference is in a file the fix would not rewrite (not a target), has no
//! source position, or the new name already names another type (a relative reference could then
//! resolve to it), the rename is left out and the reason printed. What is made is compiled and
//! checked again before anything is written ([`super::verify`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use crate::descriptor::tag;
use crate::finding::{ElementKind, Finding};
use crate::lint::case;
use crate::schema::{Locations, Schema, Source};

/// The rules renamed here.
pub const RULES: [&str; 3] = [
    "MESSAGE_PASCAL_CASE",
    "ENUM_PASCAL_CASE",
    "SERVICE_PASCAL_CASE",
];

/// `extendee` in a FieldDescriptorProto.
const FIELD_EXTENDEE: i32 = 2;

/// The renames to make, by display path of the files they touch.
#[derive(Default)]
pub struct Plan {
    /// Replacements (start, end, new text) per file.
    pub edits: HashMap<String, Vec<(usize, usize, String)>>,
    /// The findings removed, per file.
    pub fixed: HashMap<String, Vec<Finding>>,
    /// Renames left out, with why (one line each).
    pub skipped: Vec<String>,
    /// The names renamed (old, new), for the check that findings mentioning them now name
    /// them anew.
    pub renamed: Vec<(String, String)>,
}

/// A written type reference: the full name it resolves to (with a leading dot), and where it
/// is written (`Err` with the file's name when the source records no position).
struct Reference {
    resolved: String,
    at: Result<(Arc<Source>, usize, usize), String>,
}

/// Collects what a schema's files declare (simple names) and refer to.
struct Collect<'a> {
    file: &'a FileDescriptorProto,
    locations: Locations<'a>,
    source: Option<&'a Arc<Source>>,
    references: &'a mut Vec<Reference>,
    declared: &'a mut BTreeSet<String>,
}

impl Collect<'_> {
    fn reference(&mut self, path: Vec<i32>, resolved: &str) {
        if resolved.is_empty() {
            return;
        }
        let span = self
            .source
            .and_then(|s| Some((s, self.locations.span(s, &path)?)));
        self.references.push(Reference {
            resolved: resolved.to_string(),
            at: span
                .map(|(source, span)| (source.clone(), span.start, span.end))
                .ok_or_else(|| self.file.name().to_string()),
        });
    }

    fn field(&mut self, path: &[i32], f: &FieldDescriptorProto) {
        self.reference([path, &[tag::FIELD_TYPE_NAME]].concat(), f.type_name());
        self.reference([path, &[FIELD_EXTENDEE]].concat(), f.extendee());
    }

    /// The value type of map field `f` (at `path`) of `m`, as written in `map<K, V>`: the
    /// synthetic entry's fields have no position of their own.
    fn map_value(&mut self, path: &[i32], m: &DescriptorProto, f: &FieldDescriptorProto) -> bool {
        let Some(entry) = m.nested_type.iter().find(|n| {
            n.options.as_ref().is_some_and(|o| o.map_entry())
                && f.type_name().ends_with(&format!(".{}", n.name()))
        }) else {
            return false;
        };
        let Some(value) = entry.field.iter().find(|v| v.number() == 2) else {
            return true;
        };
        if value.type_name().is_empty() {
            return true;
        }
        let path = [path, &[tag::FIELD_TYPE_NAME]].concat();
        let span = self
            .source
            .and_then(|s| Some((s, self.locations.span(s, &path)?)));
        let at = span.and_then(|(source, span)| {
            let written = source.text.get(span.start..span.end)?;
            let open = written.find('<')?;
            let comma = open + written[open..].find(',')?;
            let close = written.rfind('>')?;
            let inner = written.get(comma + 1..close)?;
            let start = span.start + comma + 1 + (inner.len() - inner.trim_start().len());
            Some((source.clone(), start, start + inner.trim().len()))
        });
        self.references.push(Reference {
            resolved: value.type_name().to_string(),
            at: at.ok_or_else(|| self.file.name().to_string()),
        });
        true
    }

    fn message(&mut self, path: &[i32], m: &DescriptorProto) {
        self.declared.insert(m.name().to_string());
        for (i, f) in m.field.iter().enumerate() {
            let path = [path, &[tag::MESSAGE_FIELD, i as i32]].concat();
            if !self.map_value(&path, m, f) {
                self.field(&path, f);
            }
        }
        for (i, f) in m.extension.iter().enumerate() {
            self.field(&[path, &[tag::MESSAGE_EXTENSION, i as i32]].concat(), f);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            if !n.options.as_ref().is_some_and(|o| o.map_entry()) {
                self.message(&[path, &[tag::MESSAGE_NESTED_TYPE, i as i32]].concat(), n);
            }
        }
        for e in &m.enum_type {
            self.declared.insert(e.name().to_string());
        }
    }

    fn file(&mut self) {
        let file = self.file;
        for (i, m) in file.message_type.iter().enumerate() {
            self.message(&[tag::FILE_MESSAGE_TYPE, i as i32], m);
        }
        for e in &file.enum_type {
            self.declared.insert(e.name().to_string());
        }
        for (i, f) in file.extension.iter().enumerate() {
            self.field(&[tag::FILE_EXTENSION, i as i32], f);
        }
        for (i, s) in file.service.iter().enumerate() {
            self.declared.insert(s.name().to_string());
            for (j, m) in s.method.iter().enumerate() {
                let path = [tag::FILE_SERVICE, i as i32, tag::SERVICE_METHOD, j as i32];
                self.reference(
                    [&path[..], &[tag::METHOD_INPUT_TYPE]].concat(),
                    m.input_type(),
                );
                self.reference(
                    [&path[..], &[tag::METHOD_OUTPUT_TYPE]].concat(),
                    m.output_type(),
                );
            }
        }
    }
}

/// The replacement that renames `full` (no leading dot) to `new_simple` in reference `r`, if the
/// written name spells it; `Err` when it cannot be read.
fn in_reference(
    (source, start, end): &(Arc<Source>, usize, usize),
    resolved: &str,
    full: &str,
    new_simple: &str,
) -> Result<Option<(usize, usize, String)>, String> {
    let written = &source.text[*start..*end];
    if !written
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Err(format!(
            "{}: the reference {written:?} is not a plain name",
            source.file.display
        ));
    }
    let resolved: Vec<&str> = resolved.trim_start_matches('.').split('.').collect();
    let parts: Vec<&str> = written.trim_start_matches('.').split('.').collect();
    let n = full.split('.').count();
    let Some(index) = (n - 1).checked_sub(resolved.len() - parts.len()) else {
        // The written name starts below the renamed type (`Inner` inside it).
        return Ok(None);
    };
    let old_simple = full.rsplit('.').next().unwrap_or(full);
    if parts.get(index) != Some(&old_simple) {
        return Err(format!(
            "{}: the reference {written:?} does not spell {full:?} as expected",
            source.file.display
        ));
    }
    let offset = written.len() - written.trim_start_matches('.').len()
        + parts[..index].iter().map(|p| p.len() + 1).sum::<usize>();
    let start = start + offset;
    Ok(Some((
        start,
        start + old_simple.len(),
        new_simple.to_string(),
    )))
}

/// Plans the renames `findings` ask for, over every file of `schemas`; only files in `targets`
/// (by display path) may be rewritten. `narrowed`: the input was narrowed (`--path`,
/// `--exclude-path`), so files of the module that may refer to a type were not compiled.
pub fn plan(
    schemas: &[Schema],
    targets: &BTreeMap<String, Arc<Source>>,
    findings: &[Finding],
    narrowed: bool,
) -> Plan {
    let mut plan = Plan::default();
    let asked: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.counts() && RULES.contains(&f.rule.as_str()))
        .collect();
    if asked.is_empty() {
        return plan;
    }
    let mut references = Vec::new();
    let mut declared = BTreeSet::new();
    for schema in schemas {
        for file in &schema.files {
            Collect {
                file,
                locations: Locations::with_extra(file, file.extra_info()),
                source: schema.sources.get(file.name()),
                references: &mut references,
                declared: &mut declared,
            }
            .file();
        }
    }
    let mut seen: BTreeSet<(String, usize)> = BTreeSet::new();
    for f in asked {
        let (Some(path), Some(element)) = (f.path.as_deref(), f.element.as_ref()) else {
            continue;
        };
        let Some(source) = targets.get(path) else {
            continue;
        };
        let index = &source.lines;
        let start = index.offset_of_position(&source.text, f.start_line, f.start_column);
        let end = index.offset_of_position(&source.text, f.end_line, f.end_column);
        let full = element.name.as_str();
        let old = full.rsplit('.').next().unwrap_or(full);
        if source.text.get(start..end) != Some(old) {
            continue;
        }
        let new = case::to_pascal_case(old);
        let what = format!("{path}: {} {full:?} not renamed to {new:?}", f.rule);
        if declared.contains(&new) {
            plan.skipped.push(format!(
                "{what}: {new:?} already names another type or service, which a reference could resolve to"
            ));
            continue;
        }
        let mut edits = vec![(source.clone(), (start, end, new.clone()))];
        let mut why = None;
        let typed = matches!(element.kind, ElementKind::Message | ElementKind::Enum);
        if typed && narrowed {
            why = Some("--path or --exclude-path leave files of the module out, which may refer to it: run without them".to_string());
        } else if typed {
            let dotted = format!(".{full}");
            let inside = format!("{dotted}.");
            for r in &references {
                if r.resolved != dotted && !r.resolved.starts_with(&inside) {
                    continue;
                }
                let at = match &r.at {
                    Ok(at) => at,
                    Err(file) => {
                        why = Some(format!(
                            "{file} refers to it where the source gives no position"
                        ));
                        break;
                    }
                };
                if !targets.contains_key(&at.0.file.display) {
                    why = Some(format!(
                        "{} refers to it and is not among the files fixed",
                        at.0.file.display
                    ));
                    break;
                }
                match in_reference(at, &r.resolved, full, &new) {
                    Ok(Some(edit)) => edits.push((at.0.clone(), edit)),
                    Ok(None) => {}
                    Err(e) => {
                        why = Some(e);
                        break;
                    }
                }
            }
        }
        if let Some(why) = why {
            plan.skipped.push(format!("{what}: {why}"));
            continue;
        }
        for (source, edit) in edits {
            let display = source.file.display.clone();
            if seen.insert((display.clone(), edit.0)) {
                plan.edits.entry(display).or_default().push(edit);
            }
        }
        plan.fixed
            .entry(path.to_string())
            .or_default()
            .push(f.clone());
        plan.renamed.push((old.to_string(), new));
    }
    plan
}

/// `text` with `edits` (start, end, new text) made; overlapping ones after the first are
/// dropped.
pub fn replace_all(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, new) in edits {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&new);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{in_reference, replace_all};
    use crate::schema::Source;

    fn at(text: &str, written: &str) -> (Arc<Source>, usize, usize) {
        let start = text.find(written).unwrap();
        let source = Arc::new(crate::fix::test_source(text));
        (source, start, start + written.len())
    }

    /// The reference's text once `full` is renamed to `new`.
    fn renamed(written: &str, resolved: &str, full: &str, new: &str) -> Result<String, String> {
        let text = format!("message X {{ {written} f = 1; }}");
        let r = at(&text, written);
        let edits = in_reference(&r, resolved, full, new)?.into_iter().collect();
        let out = replace_all(&text, edits);
        Ok(out["message X { ".len()..out.len() - " f = 1; }".len()].to_string())
    }

    #[test]
    fn only_the_component_naming_the_renamed_type_changes() {
        let r = |w: &str, resolved: &str, full: &str| renamed(w, resolved, full, "NewName");
        assert_eq!(
            r("old_name", ".p.old_name", "p.old_name").unwrap(),
            "NewName"
        );
        assert_eq!(
            r("p.old_name", ".p.old_name", "p.old_name").unwrap(),
            "p.NewName"
        );
        assert_eq!(
            r(".p.old_name", ".p.old_name", "p.old_name").unwrap(),
            ".p.NewName"
        );
        // A type nested in the renamed one, written from outside and from inside it.
        assert_eq!(
            r("old_name.Inner", ".p.old_name.Inner", "p.old_name").unwrap(),
            "NewName.Inner"
        );
        assert_eq!(
            r("Inner", ".p.old_name.Inner", "p.old_name").unwrap(),
            "Inner"
        );
        // A nested type renamed, written with its parent.
        assert_eq!(
            r("Outer.inner_x", ".p.Outer.inner_x", "p.Outer.inner_x").unwrap(),
            "Outer.NewName"
        );
        assert!(r("p . old_name", ".p.old_name", "p.old_name").is_err());
    }

    #[test]
    fn overlapping_replacements_keep_the_first() {
        let edits = vec![
            (4, 7, "X".to_string()),
            (0, 3, "Y".into()),
            (5, 6, "Z".into()),
        ];
        assert_eq!(replace_all("abc def", edits), "Y X");
    }
}
