//! Options older `descriptor.proto`s have but buf 1.75.0's (the one sous bundles) has not: buf
//! reports setting one as a `COMPILE` finding at the option's name, and so does sous, in its own
//! words, before the compiler sees the file. Today: `php_generic_services`, removed from
//! `FileOptions`. And the file options editions files cannot set ([`in_editions`]).

use prost_types::uninterpreted_option::NamePart;
use prost_types::FileDescriptorProto;

use super::options::find_in;
use super::{Edition, LineStarts, UNINTERPRETED_OPTION};
use crate::finding::Finding;
use crate::schema::Source;

/// `FileOptions` fields buf's `descriptor.proto` no longer has.
const REMOVED_FILE_OPTIONS: [&str; 1] = ["php_generic_services"];

/// The `COMPILE` findings of removed options that parsed file `file` (its options' locations
/// kept in it) sets.
pub(crate) fn removed_options(file: &FileDescriptorProto, source: &Source) -> Vec<Finding> {
    if !REMOVED_FILE_OPTIONS.iter().any(|o| source.text.contains(o)) {
        return Vec::new();
    }
    let Some(options) = &file.options else {
        return Vec::new();
    };
    let info = file.source_code_info.clone().unwrap_or_default();
    let lines = LineStarts::new(&source.text);
    let mut findings = Vec::new();
    for (index, option) in options.uninterpreted_option.iter().enumerate() {
        let Some(name) = option
            .name
            .first()
            .filter(|p| !p.is_extension && REMOVED_FILE_OPTIONS.contains(&p.name_part.as_str()))
        else {
            continue;
        };
        let path = [
            crate::descriptor::tag::FILE_OPTIONS,
            UNINTERPRETED_OPTION,
            index as i32,
        ];
        let Some(span) = info
            .location
            .iter()
            .find(|l| l.path == path)
            .and_then(|l| lines.range(&l.span))
        else {
            continue;
        };
        let (start, end) = find_in(&source.text, span, span.0, &name.name_part);
        findings.push(source.finding(
            start,
            end,
            "COMPILE",
            format!(
                "file option `{}` was removed from google/protobuf/descriptor.proto: delete it",
                name.name_part
            ),
        ));
    }
    findings
}

/// buf parity: the file options editions refuse, at the option's name: `java_string_check_utf8`
/// in every edition ("use `features.(pb.java).utf8_validation`"), `java_multiple_files` from
/// edition 2024 on ("use `features.(pb.java).nest_in_file_class`"). `at` is the path of the
/// element whose option `first` names (empty for the file), `span` the option's statement.
pub(super) fn in_editions(
    first: Option<&NamePart>,
    at: &[i32],
    edition: Edition,
    text: &str,
    span: (usize, usize),
) -> Option<super::Problem> {
    let name = first.filter(|p| !p.is_extension && at.is_empty())?;
    let instead = match name.name_part.as_str() {
        "java_string_check_utf8" => "`features.(pb.java).utf8_validation`",
        "java_multiple_files" if edition >= Edition::E2024 => {
            "`features.(pb.java).nest_in_file_class`"
        }
        _ => return None,
    };
    let (start, end) = find_in(text, span, span.0, &name.name_part);
    Some(super::Problem {
        start,
        end,
        message: format!(
            "file option `{}` cannot be set in edition {}: use {instead} instead",
            name.name_part,
            edition.name()
        ),
    })
}
