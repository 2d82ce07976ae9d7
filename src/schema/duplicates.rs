//! Names declared by more than one file, reported as buf reports them: once per name, at its
//! declaration in the first of those files in path order.
//!
//! The compiler adds files to its pool one at a time and refuses the second file that declares
//! a name, at that file's declaration, and then stops checking it: the finding lands on
//! whichever file came later (an import comes before its importer), and a name the refused file
//! shares with a third file goes unreported. So when the compiler refuses a file for a name
//! another file declares, its finding is dropped and every file read is scanned here instead.
//!
//! A package named like an element (`package acme.Order;` beside `message Order` in package
//! `acme`) is told apart from a name declared twice: see [`packages`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, ServiceDescriptorProto,
};
use rayon::prelude::*;

use super::{Locations, Source};

mod met;
mod packages;
use crate::descriptor::tag;
use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::finding::Finding;

/// One declaration of a name in the package's scope: its file and descriptor path.
struct Declaration {
    file: String,
    path: Vec<i32>,
    /// For an enum value: its enum's full name.
    enum_: Option<String>,
}

/// The name for which the compiler refused a file that declares a name another file declares
/// (prost-reflect: "name 'X' is already defined in file 'F'").
pub(super) fn in_another_file(message: &str) -> Option<String> {
    let (name, _) = message
        .strip_prefix("name '")?
        .split_once("' is already defined in file '")?;
    Some(name.to_string())
}

/// buf parity: the findings of names declared in more than one file, in place of the
/// compiler's findings `refused` (by name) for them. A refusal this scan does not explain (a
/// package named like an element, which buf only refuses when it lints) keeps the compiler's
/// finding.
///
/// A file that did not compile (not among `compiled`: a syntax error, a name it cannot find)
/// never met the others in a pool, so a name it shares with another file was not refused: buf
/// reports it all the same. When such a file declares a name another file declares, every file
/// is scanned too, and the compiler's findings for the names found (a broken file's recovered
/// part refused for one, see [`super::every_error::later_steps`]) leave `errors`.
pub(super) fn replace(
    refused: Vec<(String, Finding)>,
    sources: &HashMap<String, Arc<Source>>,
    compiled: &[super::Proto],
    errors: &mut Vec<Finding>,
) -> (Vec<Finding>, Option<String>) {
    if refused.is_empty() && !failed_files_share_names(sources, compiled) {
        return (Vec::new(), None);
    }
    let parsed = parse_all(sources);
    let found = across_files(&parsed, sources);
    let mut unexplained: Vec<(String, Finding)> = refused
        .into_iter()
        .filter(|(name, _)| !found.iter().any(|(n, _)| n == name))
        .collect();
    // buf parity: a package named like an element (see `packages`).
    let clashes = if unexplained.is_empty() {
        packages::Clashes::default()
    } else {
        packages::clashes(&parsed, sources)
    };
    unexplained.retain(|(name, _)| !clashes.names.contains(name));
    errors.retain(|e| {
        in_another_file(&e.message).is_none_or(|name| {
            !found.iter().any(|(n, _)| *n == name) && !clashes.names.contains(&name)
        })
    });
    let mut findings: Vec<Finding> = unexplained.into_iter().map(|(_, f)| f).collect();
    findings.extend(found.into_iter().map(|(_, finding)| finding));
    findings.extend(clashes.findings);
    (findings, clashes.image)
}

/// Every file of `sources` parsed (past syntax errors too), by path.
fn parse_all(sources: &HashMap<String, Arc<Source>>) -> Vec<(String, FileDescriptorProto)> {
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    names
        .par_iter()
        .filter_map(|name| {
            let source = sources.get(*name)?;
            let file = parse(name, &source.text)?;
            Some(((*name).clone(), file))
        })
        .collect()
}

/// Whether a file of `sources` that is not among `compiled` declares a name that another
/// file declares (read from the descriptors compiled, and from the failed files' text).
fn failed_files_share_names(
    sources: &HashMap<String, Arc<Source>>,
    compiled: &[super::Proto],
) -> bool {
    let done: HashSet<&str> = compiled.iter().map(|f| f.name()).collect();
    let mut failed: Vec<&String> = sources
        .keys()
        .filter(|name| !done.contains(name.as_str()))
        .collect();
    if failed.is_empty() {
        return false;
    }
    failed.sort();
    let parsed: Vec<(&String, FileDescriptorProto)> = failed
        .par_iter()
        .filter_map(|name| Some((*name, parse(name, &sources.get(*name)?.text)?)))
        .collect();
    let files = (parsed.iter().map(|(name, file)| (name.as_str(), file)))
        .chain(compiled.iter().map(|file| (file.name(), &**file)));
    let mut declared: HashMap<String, &str> = HashMap::new();
    for (name, file) in files {
        for (full_name, _, _) in top_level(file) {
            match declared.get(&full_name) {
                Some(other) if *other != name => return true,
                Some(_) => {}
                None => {
                    declared.insert(full_name, name);
                }
            }
        }
    }
    false
}

/// A file as the scan reads it: past its syntax errors too.
fn parse(name: &str, text: &str) -> Option<FileDescriptorProto> {
    match super::accept::parse(name, text) {
        Ok((file, _)) => Some(file),
        Err(_) => protox_parse::parse_recovered(name, text),
    }
}

/// The findings (by full name) for every name that two or more of `sources`' files declare at their top level,
/// one per name, at its declaration in the first of those files by path (and by place in that
/// file).
fn across_files(
    parsed: &[(String, FileDescriptorProto)],
    sources: &HashMap<String, Arc<Source>>,
) -> Vec<(String, Finding)> {
    // By full name, in path order.
    let mut declared: HashMap<String, Vec<Declaration>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (name, file) in parsed {
        for (full_name, path, enum_) in top_level(file) {
            let list = declared.entry(full_name.clone()).or_default();
            if list.is_empty() {
                order.push(full_name);
            }
            list.push(Declaration {
                file: name.clone(),
                path,
                enum_,
            });
        }
    }
    let files: HashMap<&str, &FileDescriptorProto> =
        parsed.iter().map(|(n, f)| (n.as_str(), f)).collect();
    // One index of locations per file, built when first needed: a file that redeclares
    // thousands of names (googleapis' `preview/` copy of compute.proto) would otherwise have its
    // index built again for each of them, quadratic in the file's size.
    let mut locations: HashMap<&str, Locations> = HashMap::new();
    let mut findings = Vec::new();
    // The first file and another that declare a top-level name both, in the order found.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for full_name in order {
        let list = &declared[&full_name];
        let first = &list[0];
        if list.iter().all(|d| d.file == first.file) {
            // Within one file: the compiler's to report.
            continue;
        }
        // buf parity: an enum declared twice is reported, not its values again; a value is
        // reported when a file declares it again in an enum of its own.
        let in_other_files = |name: &str| {
            declared
                .get(name)
                .is_some_and(|l| l.iter().any(|d| d.file != l[0].file))
        };
        if list
            .iter()
            .filter(|d| d.file != first.file)
            .all(|d| d.enum_.as_deref().is_some_and(in_other_files))
        {
            continue;
        }
        let (Some(source), Some(file)) = (sources.get(&first.file), files.get(first.file.as_str()))
        else {
            continue;
        };
        let mut others: Vec<&str> = list
            .iter()
            .map(|d| d.file.as_str())
            .filter(|f| *f != first.file)
            .collect();
        others.dedup();
        for other in &others {
            let pair = (first.file.clone(), other.to_string());
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
        let short = full_name.rsplit('.').next().unwrap_or(&full_name);
        let message = format!(
            "{full_name} is declared here and again in {}: rename or remove all but one `{short}`",
            others.join(", ")
        );
        let mut path = first.path.clone();
        path.push(tag::NAME);
        let span = locations
            .entry(first.file.as_str())
            .or_insert_with(|| Locations::new(file))
            .span(source, &path);
        let finding = match span {
            Some(span) => source.finding(span.start, span.end, "COMPILE", message),
            None => source.file_finding("COMPILE", message),
        };
        findings.push((full_name.clone(), finding));
        // buf parity: an extension declared again with the same extendee and number is also
        // reported at each later declaration's number.
        for again in list.iter().filter(|d| d.file != first.file) {
            let (Some(later_source), Some(later)) =
                (sources.get(&again.file), files.get(again.file.as_str()))
            else {
                continue;
            };
            let (Some(x), Some(y)) = (
                extension_at(file, &first.path),
                extension_at(later, &again.path),
            ) else {
                continue;
            };
            if x.number() != y.number()
                || x.extendee().trim_start_matches('.') != y.extendee().trim_start_matches('.')
            {
                continue;
            }
            let message = format!(
                "extension number {} of {} is already used by {full_name} in {}: choose another number",
                y.number(),
                y.extendee().trim_start_matches('.'),
                first.file
            );
            let mut path = again.path.clone();
            path.push(tag::FIELD_NUMBER);
            let span = locations
                .entry(again.file.as_str())
                .or_insert_with(|| Locations::new(later))
                .span(later_source, &path);
            let finding = match span {
                Some(span) => later_source.finding(span.start, span.end, "COMPILE", message),
                None => later_source.file_finding("COMPILE", message),
            };
            findings.push((full_name.clone(), finding));
        }
    }
    if pairs.is_empty() {
        return findings;
    }
    // buf parity: files that meet in a compile have every name they share reported.
    let meetings = met::Meetings::new(parsed);
    let mut reported: HashSet<String> = findings.iter().map(|(n, _)| n.clone()).collect();
    for (first, other) in pairs {
        let (Some(source), Some((&key, &file)), Some(theirs)) = (
            sources.get(&first),
            files.get_key_value(first.as_str()),
            files.get(other.as_str()),
        ) else {
            continue;
        };
        if !meetings.meet(&first, &other) {
            continue;
        }
        let theirs: HashSet<String> = met::every_name(theirs)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        for (full_name, path) in met::every_name(file) {
            if !theirs.contains(&full_name) || !reported.insert(full_name.clone()) {
                continue;
            }
            let short = full_name.rsplit('.').next().unwrap_or(&full_name);
            let message = format!(
                "{full_name} is declared here and again in {other}: rename or remove all but one `{short}`"
            );
            let span = locations
                .entry(key)
                .or_insert_with(|| Locations::new(file))
                .span(source, &path);
            let finding = match span {
                Some(span) => source.finding(span.start, span.end, "COMPILE", message),
                None => source.file_finding("COMPILE", message),
            };
            findings.push((full_name, finding));
        }
    }
    findings
}

/// The top-level extension at `path` (`[7, i]`) of `file`.
fn extension_at<'f>(
    file: &'f FileDescriptorProto,
    path: &[i32],
) -> Option<&'f FieldDescriptorProto> {
    match *path {
        [tag::FILE_EXTENSION, i] => file.extension.get(usize::try_from(i).ok()?),
        _ => None,
    }
}

/// The full names a file declares in its package's scope (messages, enums, the values of
/// top-level enums, services, extensions), with their descriptor paths, in declaration order
/// by kind.
fn top_level(file: &FileDescriptorProto) -> Vec<(String, Vec<i32>, Option<String>)> {
    let prefix = match file.package() {
        "" => String::new(),
        package => format!("{package}."),
    };
    let mut out = Vec::new();
    let message_name = |m: &DescriptorProto| format!("{prefix}{}", m.name());
    for (i, message) in file.message_type.iter().enumerate() {
        out.push((
            message_name(message),
            vec![tag::FILE_MESSAGE_TYPE, i as i32],
            None,
        ));
    }
    for (i, en) in file.enum_type.iter().enumerate() {
        let enum_name = format!("{prefix}{}", en.name());
        out.push((enum_name.clone(), vec![tag::FILE_ENUM_TYPE, i as i32], None));
        for (j, value) in en.value.iter().enumerate() {
            out.push((
                format!("{prefix}{}", value.name()),
                vec![tag::FILE_ENUM_TYPE, i as i32, tag::ENUM_VALUE, j as i32],
                Some(enum_name.clone()),
            ));
        }
    }
    for (i, service) in file.service.iter().enumerate() {
        out.push((
            format!("{prefix}{}", service.name()),
            vec![tag::FILE_SERVICE, i as i32],
            None,
        ));
    }
    for (i, extension) in file.extension.iter().enumerate() {
        out.push((
            format!("{prefix}{}", extension.name()),
            vec![tag::FILE_EXTENSION, i as i32],
            None,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::in_another_file;

    #[test]
    fn tells_a_name_of_another_file() {
        assert_eq!(
            in_another_file("name 'acme.Order' is already defined in file 'acme/b.proto'")
                .as_deref(),
            Some("acme.Order")
        );
        assert_eq!(in_another_file("name 'acme.Order' is defined twice"), None);
    }
}

/// What a name declared by a file is: packages may be shared by files, elements may not.
#[derive(PartialEq)]
enum Kind {
    Package,
    Element,
}

/// The full names a file declares at its top level (messages, enums and their values, which are
/// scoped beside their enum, services, extensions), in declaration order.
struct TopLevel<'d>(&'d mut Vec<(String, Kind)>);

impl Visitor<'_> for TopLevel<'_> {
    fn message(&mut self, _: &DescriptorProto, at: &Site) -> Flow {
        self.0.push((at.full_name.to_string(), Kind::Element));
        // Nested declarations live inside the message's name.
        Flow::Over
    }
    fn enum_(&mut self, _: &EnumDescriptorProto, at: &Site) {
        self.0.push((at.full_name.to_string(), Kind::Element));
    }
    fn enum_value(&mut self, _: &EnumValueDescriptorProto, _: &EnumDescriptorProto, at: &Site) {
        self.0.push((at.full_name.to_string(), Kind::Element));
    }
    fn service(&mut self, _: &ServiceDescriptorProto, at: &Site) {
        self.0.push((at.full_name.to_string(), Kind::Element));
    }
    fn extension(&mut self, _: &FieldDescriptorProto, at: &Site) {
        self.0.push((at.full_name.to_string(), Kind::Element));
    }
}

/// Whether two different files of different groups define the same name, which one compiler
/// would have refused.
pub(super) fn defined_twice(linked: &[super::link::Linked]) -> bool {
    let mut names: HashMap<String, (&str, Kind)> = HashMap::new();
    let mut done: HashSet<&str> = HashSet::new();
    let files = linked.iter().flat_map(|g| {
        g.files
            .iter()
            .map(|f| &**f)
            .chain(g.isolated.iter().map(|(f, _)| f))
    });
    let files: Vec<&prost_types::FileDescriptorProto> =
        files.filter(|file| done.insert(file.name())).collect();
    // What each file defines is found on every core (this runs between link and lint, on one
    // core otherwise); the names are compared in the order of the files.
    use rayon::prelude::*;
    let defined: Vec<Vec<(String, Kind)>> = files
        .par_iter()
        .map(|file| {
            let mut defined: Vec<(String, Kind)> = Vec::new();
            let mut prefix = String::new();
            for part in file.package().split('.').filter(|p| !p.is_empty()) {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(part);
                defined.push((prefix.clone(), Kind::Package));
            }
            walk(file, &mut TopLevel(&mut defined));
            defined
        })
        .collect();
    names.reserve(defined.iter().map(Vec::len).sum());
    for (file, defined) in files.into_iter().zip(defined) {
        for (name, kind) in defined {
            match names.get(&name) {
                Some((other, other_kind)) if *other != file.name() => {
                    if !(kind == Kind::Package && *other_kind == Kind::Package) {
                        return true;
                    }
                }
                Some(_) => {}
                None => {
                    names.insert(name, (file.name(), kind));
                }
            }
        }
    }
    false
}
