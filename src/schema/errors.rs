//! Every `COMPILE` finding: a file that cannot be read as text, the compiler's
//! errors placed where buf places them, import cycles, and the checks across files that the
//! compiler does not make (extension numbers). buf reports a file that does not compile as a
//! finding, not as an error.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use miette::Diagnostic;
use prost_types::FileDescriptorProto;

use super::{Locations, Proto, Source};
use crate::descriptor::tag;
use crate::descriptor::walk::extensions;
use crate::finding::Finding;
use crate::input::ProtoFile;

mod extendee;
mod json_names;
pub(super) use json_names::clash_span as json_clash_span;

/// A file that is not UTF-8, at its first bad byte.
pub(super) fn not_utf8(source: &Source, valid: usize) -> Finding {
    let mut finding = source.finding(
        valid,
        valid,
        "COMPILE",
        format!(
        "{} is not valid UTF-8 (first bad byte at offset {valid}): .proto files must be UTF-8 text",
        source.file.display
    ),
    );
    // The span covers the bad byte itself.
    finding.end_column += 1;
    finding
}

/// The message of [`compiler_panicked`]'s findings.
pub const COMPILER_PANICKED: &str =
    "the compiler failed on this file; please report it with the file attached";

/// A file that made the compiler panic.
pub(super) fn compiler_panicked(file: &ProtoFile) -> Finding {
    Finding::file_level(&file.display, "COMPILE", COMPILER_PANICKED.into())
}

/// What the compiler says went wrong, as far as compiling and reporting need to know.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Failure {
    /// An import that no file of the workspace, include directory or well-known type provides.
    MissingImport(String),
    /// An import cycle: its files, `a -> b -> a`.
    Cycle(Vec<String>),
    /// A partly qualified name that resolved into a scope the file may not import: the one
    /// error a pool of its own can cure. Duplicate definitions across files must stay errors.
    ResolvesElsewhere,
    /// Anything else, reported in the compiler's words.
    Other,
}

/// What `err` is. protox keeps its error kinds private: it says whether a file was not found
/// (`is_file_not_found`) and in which file an error is (`file`), but it names the missing
/// import and the files of a cycle only in its message, and passes prost-reflect's name
/// resolution errors on as text. So the message is read here, and nowhere else.
pub(super) fn failure(err: &protox::Error) -> Failure {
    let message = err.to_string();
    if message.contains(" resolves to ") && message.contains("which is not defined") {
        return Failure::ResolvesElsewhere;
    }
    if let Some(cycle) = message.strip_prefix("import cycle detected: ") {
        return Failure::Cycle(cycle.split(" -> ").map(str::to_string).collect());
    }
    if err.is_file_not_found() {
        // "import 'NAME' not found"
        if let Some((name, _)) = message
            .strip_prefix("import '")
            .and_then(|rest| rest.split_once('\''))
        {
            return Failure::MissingImport(name.to_string());
        }
    }
    Failure::Other
}

/// The options whose `nan` or `inf` value `err` (or one of its related errors) refuses as a
/// float (see [`super::accept::non_finite_floats`]), from "expected a value of type 'float' for
/// option '(x).y', but found 'nan'" (or 'double', 'repeated float', 'repeated double').
pub(super) fn non_finite_options(err: &protox::Error) -> Vec<String> {
    let mut messages = vec![err.to_string()];
    if let Some(related) = err.related() {
        messages.extend(related.map(|d| d.to_string()));
    }
    messages
        .iter()
        .filter_map(|m| non_finite_option(m))
        .collect()
}

fn non_finite_option(message: &str) -> Option<String> {
    let (ty, rest) = message
        .strip_prefix("expected a value of type '")?
        .split_once("' for option '")?;
    let ty = ty.strip_prefix("repeated ").unwrap_or(ty);
    if ty != "float" && ty != "double" {
        return None;
    }
    let name = rest
        .strip_suffix("', but found 'nan'")
        .or_else(|| rest.strip_suffix("', but found 'inf'"))?;
    Some(name.to_string())
}

/// Whether `err` is a name that resolves to nothing (protox passes prost-reflect's messages on:
/// "name 'X' is not defined", "'a.X' resolves to 'a.X', which is not defined").
fn is_undefined_name(err: &protox::Error) -> bool {
    err.to_string().ends_with("is not defined")
}

/// buf parity: one extension number of one message, extended by two files, is a compile error
/// in every file after the first in path order, at the number. The compiler checks numbers only
/// within a file.
pub(super) fn extension_numbers_used_twice(
    files: &[Proto],
    sources: &HashMap<String, Arc<Source>>,
) -> Vec<Finding> {
    /// A declaration that takes a number already taken.
    struct Again<'a> {
        file: &'a str,
        path: Vec<i32>,
        number: i32,
        extendee: &'a str,
        /// The first declaration's full name and file.
        other: String,
        owner: String,
    }
    // (extendee, number) -> (file, full name) of the first declaration.
    let mut first: HashMap<(&str, i32), (&str, String)> = HashMap::new();
    let mut later: Vec<Again> = Vec::new();
    let mut ordered: Vec<&Proto> = files
        .iter()
        .filter(|f| sources.contains_key(f.name()))
        .collect();
    ordered.sort_by(|a, b| a.name().cmp(b.name()));
    // Each file's extensions found on every core (this runs on one, between link and lint),
    // then compared in the order of the files.
    use rayon::prelude::*;
    let found: Vec<_> = ordered.par_iter().map(|file| extensions(file)).collect();
    for (file, found) in ordered.into_iter().zip(found) {
        for (path, x, full_name) in found {
            let key = (x.extendee(), x.number());
            match first.get(&key) {
                None => {
                    first.insert(key, (file.name(), full_name));
                }
                Some((owner, _)) if *owner == file.name() => {}
                Some((owner, other)) => later.push(Again {
                    file: file.name(),
                    path,
                    number: x.number(),
                    extendee: x.extendee(),
                    other: other.clone(),
                    owner: owner.to_string(),
                }),
            }
        }
    }
    later
        .into_iter()
        .filter_map(|mut again| {
            let source = sources.get(again.file)?;
            let message = format!(
                "extension number {} of {} is already used by {} in {}: choose another number",
                again.number,
                again.extendee.trim_start_matches('.'),
                again.other,
                again.owner
            );
            again.path.push(tag::FIELD_NUMBER);
            Some(finding_at(source, message, |_| Some(again.path)))
        })
        .collect()
}

/// buf parity: two extensions of one message with one number in one file are a compile error
/// at the second's number ("field number used more than once"). Checked before the compiler
/// sees the file: prost-reflect panicked on such a file when an option set one of them
/// (fuzzing found it: `fixtures/projects/extension_number_twice_in_a_file`).
pub(super) fn extension_numbers_used_twice_in(
    source: &Source,
    file: &FileDescriptorProto,
) -> (Vec<Finding>, Vec<Vec<i32>>) {
    let defined = extendee::defined_types(file);
    let mut first: HashMap<(String, i32), String> = HashMap::new();
    let mut findings = Vec::new();
    let mut again = Vec::new();
    for (mut path, x, full_name) in extensions(file) {
        // Two messages may share a short name in different scopes (protobuf's
        // sample_messages_edition.proto): the extendee is compared as resolved.
        let resolved = extendee::key(&defined, file.package(), &full_name, x.extendee());
        let key = (resolved, x.number());
        match first.get(&key) {
            None => {
                first.insert(key, full_name);
            }
            Some(other) => {
                let message = format!(
                    "extension number {} of {} is already used by {other} in this file: choose another number",
                    x.number(),
                    x.extendee().trim_start_matches('.')
                );
                again.push(path.clone());
                path.push(tag::FIELD_NUMBER);
                let span = Locations::new(file).span(source, &path);
                findings.push(match span {
                    Some(span) => source.finding(span.start, span.end, "COMPILE", message),
                    None => source.file_finding("COMPILE", message),
                });
            }
        }
    }
    (findings, again)
}

/// buf reports a cycle once, at the import that closes it: in the next-to-last file of the
/// cycle, the statement importing the last.
pub(super) fn cycle_error(
    cycle: &[String],
    sources: &HashMap<String, Arc<Source>>,
    opened: &ProtoFile,
) -> Finding {
    let message = format!(
        "import cycle: {}; break it by moving the shared definitions into a file both can import",
        cycle.join(" -> ")
    );
    let (Some(last), Some(importer)) = (
        cycle.last(),
        cycle.len().checked_sub(2).and_then(|i| cycle.get(i)),
    ) else {
        return Finding::file_level(&opened.display, "COMPILE", message);
    };
    let Some(source) = sources.get(importer) else {
        return Finding::file_level(&opened.display, "COMPILE", message);
    };
    finding_at(source, message, |file| {
        let index = file.dependency.iter().position(|d| d == last)? as i32;
        Some(vec![tag::FILE_DEPENDENCY, index])
    })
}

/// A `COMPILE` finding in `source`, at the element whose descriptor path `path_in` picks from
/// the parsed file; on the whole file when there is no such element. For errors only: the
/// file is parsed again for its source info.
fn finding_at(
    source: &Source,
    message: String,
    path_in: impl FnOnce(&FileDescriptorProto) -> Option<Vec<i32>>,
) -> Finding {
    let span = protox_parse::parse(&source.file.name, &source.text)
        .ok()
        .and_then(|file| {
            let path = path_in(&file)?;
            Locations::new(&file).span(source, &path)
        });
    match span {
        Some(span) => source.finding(span.start, span.end, "COMPILE", message),
        None => source.file_finding("COMPILE", message),
    }
}

/// Turns a protox error into buf's `COMPILE` finding, at the first labelled span. A missing
/// import says how to provide it when `deps` (the workspace's `deps:` entries) are given.
///
/// A name left undefined in a file that imports a broken file (one that never reached the
/// compiler, see [`super::link::Resolver::broken`]) is told so: the name may well be declared
/// there.
pub(super) fn compile_error(
    err: &protox::Error,
    sources: &HashMap<String, Arc<Source>>,
    broken: &HashSet<String>,
    opened: &ProtoFile,
    deps: Option<&[String]>,
) -> Finding {
    let file = err.file().and_then(|name| sources.get(name));
    let broken_import = file.filter(|_| is_undefined_name(err)).and_then(|source| {
        let parsed = protox_parse::parse(&source.file.name, &source.text).ok()?;
        parsed.dependency.into_iter().find(|d| broken.contains(d))
    });
    let message = match (failure(err), deps, broken_import) {
        (_, _, Some(import)) => format!(
            "imports {import:?}, which does not compile: fix it first ({})",
            describe(err)
        ),
        (Failure::MissingImport(name), Some(deps), None) => missing_import(&name, deps),
        _ => describe(err),
    };
    let span = file.and_then(|source| {
        let names = super::every_error::FileNames::new(source, sources);
        json_clash_span(&err.to_string(), source)
            .or_else(|| super::every_error::primary_span(err, &source.text, &names))
    });
    match (file, span) {
        (Some(source), Some((start, end))) => source.finding(start, end, "COMPILE", message),
        (Some(source), None) => source.file_finding("COMPILE", message),
        (None, _) => Finding::file_level(&opened.display, "COMPILE", message),
    }
}

/// The error's message with its causes, as one line.
fn describe(err: &protox::Error) -> String {
    let mut message = err.to_string();
    if let Some(help) = err.help() {
        message.push_str(&format!(" ({help})"));
    }
    message
}

/// A missing import, and how to provide it. `deps` are the `deps:` entries that no `buf.lock`
/// pins (the pinned ones are compiled against from buf's module cache), so an import from one
/// needs the lock, or a local copy.
fn missing_import(name: &str, deps: &[String]) -> String {
    let hint = match deps {
        [] => " (no file of the workspace, no include directory, no locked dependency and no well-known type has this path: check the path, or pass the directory that contains it with -I)".to_string(),
        deps => format!(
            " (it probably comes from a `deps:` entry ({}) that no buf.lock pins: run \"buf dep update\" to pin it, or pass a local copy of that module with -I DIR)",
            deps.join(", ")
        ),
    };
    format!("import {name:?} was not found{hint}")
}

#[cfg(test)]
mod tests {
    use super::{failure, is_undefined_name, non_finite_options, Failure};
    use protox::file::{File, FileResolver};

    /// Files from memory, and the well-known types.
    struct Files(&'static [(&'static str, &'static str)]);

    impl FileResolver for Files {
        fn open_file(&self, name: &str) -> Result<File, protox::Error> {
            match self.0.iter().find(|(n, _)| *n == name) {
                Some((_, text)) => File::from_source(name, text),
                None => protox::file::GoogleFileResolver::new().open_file(name),
            }
        }
    }

    fn error_of(files: &'static [(&'static str, &'static str)]) -> protox::Error {
        let mut compiler = protox::Compiler::with_file_resolver(Files(files));
        match compiler.open_file(files[0].0) {
            Ok(_) => panic!("{} compiles", files[0].0),
            Err(err) => err,
        }
    }

    // These guard the one place that reads protox's messages: a protox upgrade that words them
    // differently fails here.
    #[test]
    fn tells_the_compilers_failures_apart() {
        let missing = error_of(&[("a.proto", "syntax = \"proto3\";\nimport \"no/b.proto\";\n")]);
        assert_eq!(
            failure(&missing),
            Failure::MissingImport("no/b.proto".into())
        );
        let cycle = error_of(&[
            ("a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\n"),
            ("b.proto", "syntax = \"proto3\";\nimport \"a.proto\";\n"),
        ]);
        assert_eq!(
            failure(&cycle),
            Failure::Cycle(vec!["a.proto".into(), "b.proto".into(), "a.proto".into()])
        );
        // A file imported twice is found, so it is not a missing import.
        let twice = error_of(&[
            (
                "a.proto",
                "syntax = \"proto3\";\nimport \"b.proto\";\nimport \"b.proto\";\n",
            ),
            ("b.proto", "syntax = \"proto3\";\n"),
        ]);
        assert_eq!(failure(&twice), Failure::Other);
        let elsewhere = error_of(&[
            (
                "a.proto",
                "syntax = \"proto3\";\npackage x.y;\nimport \"b.proto\";\nmessage M { y.T t = 1; }\n",
            ),
            ("b.proto", "syntax = \"proto3\";\npackage y;\nmessage T {}\n"),
        ]);
        assert_eq!(
            failure(&elsewhere),
            Failure::ResolvesElsewhere,
            "{elsewhere}"
        );
        assert!(is_undefined_name(&elsewhere), "{elsewhere}");
        let nan = error_of(&[(
            "a.proto",
            "syntax = \"proto2\";\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FieldOptions { optional float lo = 50001; }\nmessage M { optional int32 a = 1 [(lo) = nan]; }\n",
        )]);
        assert_eq!(non_finite_options(&nan), ["(lo)"], "{nan}");
        assert!(non_finite_options(&twice).is_empty());
        // Each refused value, with another error first.
        let both = error_of(&[(
            "a.proto",
            "syntax = \"proto2\";\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FieldOptions { optional int32 i = 50001; optional double d = 50002; }\nmessage M { optional int32 a = 1 [(i) = foo, (d) = inf]; }\n",
        )]);
        assert_eq!(non_finite_options(&both), ["(d)"], "{both}");
        let undefined = error_of(&[("a.proto", "syntax = \"proto3\";\nmessage M { T t = 1; }\n")]);
        assert!(is_undefined_name(&undefined), "{undefined}");
        assert!(!is_undefined_name(&twice), "{twice}");
    }
}
