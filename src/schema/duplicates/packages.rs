//! buf parity: a package named like an element of another file (`package acme.Order;` beside
//! `message Order` in package `acme`). When the two files meet in a compile (one imports the
//! other, or a third file imports both, see [`super::met`]), buf's compiler reports the name
//! declared twice at the `package` statement, once per name. When they never meet, buf
//! compiles both but cannot build the image: `buf lint` and `buf breaking` fail (exit 1),
//! naming the later of the two files in the image's order, which varies between its runs (the
//! first clash in an order of imports first, then paths, is the one told here).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::FileDescriptorProto;

use super::met::{every_name, Meetings};
use crate::descriptor::tag;
use crate::finding::Finding;
use crate::schema::{Locations, Source};

/// What the packages named like elements come to.
#[derive(Default)]
pub(in crate::schema) struct Clashes {
    /// For the files that meet: one finding per name, at the `package` statement.
    pub findings: Vec<Finding>,
    /// For files that never meet: the error of the first clash in the image's order.
    pub image: Option<String>,
    /// The names that clash.
    pub names: HashSet<String>,
}

/// One package named like an element: the name, the file whose package it is (or is in), and
/// the file that declares the element, with its descriptor path.
struct Clash<'f> {
    name: String,
    package_file: &'f str,
    element_file: &'f str,
    element_path: Vec<i32>,
}

/// The clashes between the packages and the elements of `parsed` (by path).
pub(in crate::schema) fn clashes(
    parsed: &[(String, FileDescriptorProto)],
    sources: &HashMap<String, Arc<Source>>,
) -> Clashes {
    // Every package and each of its parents, with the files whose package it is or holds.
    let mut packages: HashMap<String, Vec<&str>> = HashMap::new();
    for (name, file) in parsed {
        let mut prefix = String::new();
        for part in file.package().split('.').filter(|p| !p.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            packages.entry(prefix.clone()).or_default().push(name);
        }
    }
    let mut found = Vec::new();
    for (name, file) in parsed {
        for (full_name, path) in every_name(file) {
            for package_file in packages.get(&full_name).into_iter().flatten() {
                if *package_file != name {
                    found.push(Clash {
                        name: full_name.clone(),
                        package_file,
                        element_file: name,
                        element_path: path.clone(),
                    });
                }
            }
        }
    }
    if found.is_empty() {
        return Clashes::default();
    }
    let meetings = Meetings::new(parsed);
    let files: HashMap<&str, &FileDescriptorProto> =
        parsed.iter().map(|(n, f)| (n.as_str(), f)).collect();
    let mut clashes = Clashes {
        names: found.iter().map(|c| c.name.clone()).collect(),
        ..Clashes::default()
    };
    let mut apart = Vec::new();
    for clash in found {
        if !meetings.meet(clash.package_file, clash.element_file) {
            apart.push(clash);
            continue;
        }
        let (Some(source), Some(file)) = (
            sources.get(clash.package_file),
            files.get(clash.package_file),
        ) else {
            continue;
        };
        let message = format!(
            "package {} of this file declares {}, which {} declares as an element too: rename the package or the element",
            file.package(),
            clash.name,
            clash.element_file
        );
        let span = Locations::new(file).span(source, &[tag::FILE_PACKAGE]);
        clashes.findings.push(match span {
            Some(span) => source.finding(span.start, span.end, "COMPILE", message),
            None => source.file_finding("COMPILE", message),
        });
    }
    let order = image_order(parsed);
    let later = |c: &Clash| order[c.package_file].max(order[c.element_file]);
    if let Some(first) = apart.iter().min_by_key(|c| later(c)) {
        clashes.image = Some(image_error(first, &files, sources));
    }
    clashes
}

/// The error for a clash between files that never meet, at the element.
fn image_error(
    clash: &Clash,
    files: &HashMap<&str, &FileDescriptorProto>,
    sources: &HashMap<String, Arc<Source>>,
) -> String {
    let place = |name: &str, path: &[i32]| -> String {
        let at = sources
            .get(name)
            .zip(files.get(name))
            .and_then(|(source, file)| {
                let span = Locations::new(file).span(source, path)?;
                Some(source.position(span.start))
            });
        match at {
            Some((line, column)) => format!("{name}:{line}:{column}"),
            None => name.to_string(),
        }
    };
    let package = place(clash.package_file, &[tag::FILE_PACKAGE]);
    let element = place(clash.element_file, &clash.element_path);
    format!(
        "{element}: {} is declared here as {} and is a package of {} too ({package}); the two files never import one another, so buf compiles both but cannot build one image of them and fails (which file it names varies between its runs): rename the package or the {}",
        clash.name,
        kind(&clash.element_path).0,
        clash.package_file,
        kind(&clash.element_path).1,
    )
}

/// What the element at `path` (ending with its name's tag) is: with an article, and without.
fn kind(path: &[i32]) -> (&'static str, &'static str) {
    let container = match path.len() {
        0..=2 => path.first(),
        n => path.get(n - 3),
    };
    match (path.len(), container) {
        (3, Some(4)) | (5.., Some(3)) => ("a message", "message"),
        (3, Some(5)) | (5.., Some(4)) => ("an enum", "enum"),
        (3, Some(6)) => ("a service", "service"),
        (3, Some(7)) | (5.., Some(6)) => ("an extension", "extension"),
        _ => ("an element", "element"),
    }
}

/// The position of each file in the image: every file after its imports, by path otherwise.
fn image_order(parsed: &[(String, FileDescriptorProto)]) -> HashMap<&str, usize> {
    let files: HashMap<&str, &FileDescriptorProto> =
        parsed.iter().map(|(n, f)| (n.as_str(), f)).collect();
    let mut order: HashMap<&str, usize> = HashMap::new();
    // An explicit stack: an import chain can be long.
    for (name, _) in parsed {
        let mut stack: Vec<(&str, usize)> = vec![(name.as_str(), 0)];
        while let Some((at, next)) = stack.pop() {
            if order.contains_key(at) {
                continue;
            }
            let deps = files.get(at).map_or(&[][..], |f| &f.dependency[..]);
            match deps.get(next) {
                Some(dep) => {
                    stack.push((at, next + 1));
                    if !order.contains_key(dep.as_str()) && !stack.iter().any(|(s, _)| s == dep) {
                        stack.push((dep, 0));
                    }
                }
                None => {
                    let len = order.len();
                    order.insert(at, len);
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::image_order;

    #[test]
    fn orders_imports_first_then_by_path() {
        let parsed: Vec<(String, prost_types::FileDescriptorProto)> = [
            ("a.proto", "syntax = \"proto3\";\nimport \"c.proto\";\n"),
            ("b.proto", "syntax = \"proto3\";\n"),
            ("c.proto", "syntax = \"proto3\";\nimport \"b.proto\";\n"),
        ]
        .iter()
        .map(|(n, t)| (n.to_string(), protox_parse::parse(n, t).expect("parses")))
        .collect();
        let order = image_order(&parsed);
        assert!(order["b.proto"] < order["c.proto"]);
        assert!(order["c.proto"] < order["a.proto"]);
    }
}
